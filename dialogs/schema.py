"""The schema of a flow file (``dialogs/flows/*.yaml``), checked at load.

A flow is a list of steps run in order.  Each step is exactly one of:

``ask``      a question that fills ``slot`` with a value of ``type``, optionally
             checked by a rule (``validate``); choices become buttons;
``say``      information (instructions, checklists, links), shown and passed;
``decide``   calls a rule with inputs taken from the slots and keeps its output
             under ``save_as`` for later conditions and templates;
``collect``  appends some slots, as one record, to a list slot and clears them
             (for several buyers or sellers);
``summary``  the closing summary; the flow ends after it;
``act``      calls the platform (``dialogs/platform_client.py``) with the person's linked
             account and keeps its answer under ``save_as`` (``keep`` copies parts of it
             into slots); skipped when the conversation has no linked account.

Every step may have ``when`` (a condition over the slots: the step is skipped
when false), ``goto`` (the next step's id instead of the following one),
``end`` (the flow ends after this step) and ``section`` (the manual heading it
rests on).  Texts are ``{zh, en}``; Traditional Chinese is derived with OpenCC.
Templates and conditions are Jinja2; they see the slots, the saved decisions
and, while validating, ``value`` (the candidate answer).
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
SlotType = Literal[
    "choice", "yes_no", "text", "name", "id_number", "cert_number", "mobile", "amount", "date", "share", "int"
]
_RESERVED = {"value", "slots", "results", "lang", "loop", "true", "false", "none", "linked", "platform"}


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Model):
    """A user-facing text (a Jinja2 template) in Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Button(Model):
    title: Text
    payload: str = Field(min_length=1, max_length=200)
    when: str | None = None


class Choice(Model):
    value: str | bool | int
    title: Text
    synonyms: list[str] = Field(default_factory=list)
    when: str | None = None
    # said when the person names this choice while its ``when`` hides it (why it cannot be chosen)
    unavailable: Text | None = None


class Validate(Model):
    """Check a candidate answer with a rule of ``rules``."""

    rule: str
    input: dict[str, str]  # field -> expression (``value`` is the candidate)
    ok: str = "valid"  # the output field that says the answer is good
    store: str | None = "normalized"  # the output field kept as the slot value (None: the answer itself)


class Ask(Model):
    prompt: Text
    slot: Identifier
    type: SlotType
    choices: list[Choice] = Field(default_factory=list)
    validate_: Validate | None = Field(default=None, alias="validate")
    min: float | None = None
    max: float | None = None
    future: bool | None = None  # dates: must be after today (True) / not after today (False)
    help: Text | None = None  # shown with the prompt after a failed answer and on 帮助
    #: yes/no: the question offers to do something (现在申请吗？), so 好的 / OK mean yes; at a
    #: question of fact (default) an acknowledgement is no answer and the question is asked again
    offer: bool = False
    #: the party the question is about: an answer naming only the other party is not taken
    party: Literal["seller", "buyer"] | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _choices(self) -> Ask:
        if self.type == "choice" and not self.choices:
            raise ValueError("a 'choice' question needs 'choices'")
        if self.type != "choice" and self.choices:
            raise ValueError(f"'choices' only go with type 'choice', not {self.type!r}")
        if self.slot in _RESERVED:
            raise ValueError(f"slot name {self.slot!r} is reserved")
        if self.offer and self.type != "yes_no":
            raise ValueError(f"'offer' only goes with type 'yes_no', not {self.type!r}")
        return self


class Decide(Model):
    rule: str
    input: dict[str, str]  # field -> expression over the slots
    save_as: Identifier


class Act(Model):
    """Call a platform operation (``dialogs.platform_client.OPERATIONS``) for a linked person."""

    call: str
    input: dict[str, str] = Field(default_factory=dict)  # field -> expression over the slots
    save_as: Identifier
    keep: dict[Identifier, str] = Field(default_factory=dict)  # slot -> expression over the answer
    on_refused: Identifier | None = None  # a refusal says the platform's message, then goes here

    @model_validator(mode="after")
    def _names(self) -> Act:
        for name in self.keep:
            if name in _RESERVED:
                raise ValueError(f"slot name {name!r} is reserved")
        return self


class Collect(Model):
    into: Identifier
    slots: list[Identifier] = Field(min_length=1)


_KINDS = ("ask", "say", "decide", "collect", "summary", "act")


class Step(Model):
    id: Identifier
    when: str | None = None
    section: str | None = Field(default=None, pattern=r"^\d+(\.\d+)*$")
    goto: Identifier | None = None
    end: bool = False
    buttons: list[Button] = Field(default_factory=list)

    ask: Ask | None = None
    say: Text | None = None
    decide: Decide | None = None
    collect: Collect | None = None
    summary: Text | None = None
    act: Act | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        kinds = [k for k in _KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(
                f"a step has exactly one of ask, say, decide, collect, summary, act; got {kinds or 'none'}"
            )
        return self

    @property
    def kind(self) -> str:
        for name in _KINDS:
            if getattr(self, name) is not None:
                return name
        raise AssertionError("unreachable")


class Flow(Model):
    id: Identifier
    title: Text
    section: str = Field(pattern=r"^\d+(\.\d+)*( */ *\d+(\.\d+)*)*$")
    description: Text
    steps: list[Step] = Field(min_length=1)
    next: list[Button] = Field(default_factory=list)  # offered when the flow ends

    @model_validator(mode="after")
    def _references(self) -> Flow:
        ids = [s.id for s in self.steps]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"step ids must be unique; repeated: {dupes}")
        for step in self.steps:
            if step.goto is not None and step.goto not in ids:
                raise ValueError(f"step {step.id!r}: goto {step.goto!r} is not a step of this flow")
            if step.act is not None and step.act.on_refused is not None and step.act.on_refused not in ids:
                raise ValueError(
                    f"step {step.id!r}: on_refused {step.act.on_refused!r} is not a step of this flow"
                )
        if not any(s.kind == "summary" for s in self.steps) and not self.steps[-1].end:
            raise ValueError("a flow ends with a 'summary' step (or a step with end: true)")
        return self

    @cached_property
    def positions(self) -> dict[str, int]:
        """Each step's index by its id (computed once: a flow never changes after load)."""
        return {s.id: i for i, s in enumerate(self.steps)}

    @cached_property
    def ask_conditions(self) -> tuple[str, ...]:
        """The ``when`` of every question that has one, in order (progress evaluates them together)."""
        return tuple(s.when for s in self.steps if s.ask is not None and s.when is not None)

    def step(self, step_id: str) -> Step:
        return self.steps[self.positions[step_id]]

    def index(self, step_id: str) -> int:
        return self.positions[step_id]

    def slots(self) -> set[str]:
        """Every slot this flow fills (asked, decided or collected)."""
        names: set[str] = set()
        for s in self.steps:
            if s.ask:
                names.add(s.ask.slot)
            if s.decide:
                names.add(s.decide.save_as)
            if s.collect:
                names.add(s.collect.into)
            if s.act:
                names.add(s.act.save_as)
                names.update(s.act.keep)
        return names


def texts_of(obj: Any) -> list[Text]:
    """Every :class:`Text` inside a model (for compiling and checking templates)."""
    found: list[Text] = []
    if isinstance(obj, Text):
        found.append(obj)
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            found.extend(texts_of(getattr(obj, name)))
    elif isinstance(obj, list | tuple):
        for item in obj:
            found.extend(texts_of(item))
    return found


FLOW_FILE = re.compile(r"^[a-z][a-z0-9_]*\.yaml$")
