"""Load and check the flows of ``dialogs/flows/*.yaml``.

A broken flow stops start-up with :class:`FlowError`, whose message names the
file, the line and the reason: YAML syntax, the schema (:mod:`dialogs.schema`),
a template or condition that does not compile, a rule that does not exist, a
``goto`` to nowhere.  Each file holds one flow whose ``id`` is the file's name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import yaml
from pydantic import ValidationError

import rules

from . import yamlio
from .i18n import to_traditional
from .platform_client import OPERATIONS
from .render import expression, template
from .schema import Flow, texts_of

DEFAULT_DIR = Path(__file__).with_name("flows")


class FlowError(Exception):
    """A flow file that cannot be used; ``str()`` names file, line and reason."""


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at pydantic location ``loc``."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            key = "validate" if part == "validate_" else part
            for k, v in node.value:
                if k.value == key:
                    node = v
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def load_flow(path: Path) -> Flow:
    text = path.read_text(encoding="utf-8")
    try:
        node = yamlio.compose(text)
        data = yamlio.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise FlowError(f"{path}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    try:
        flow = Flow.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = tuple(err["loc"])
        line = _line_of(node, loc)
        where = ".".join(str(p) for p in loc) or "(file)"
        raise FlowError(f"{path}:{line}: {where}: {err['msg']}") from None
    if flow.id != path.stem:
        raise FlowError(f"{path}:{_line_of(node, ('id',))}: flow id {flow.id!r} must equal the file name")
    _check_compiles(path, node, flow)
    return flow


def _check_compiles(path: Path, node: yaml.Node | None, flow: Flow) -> None:
    """Compile every template and expression now, so a typo never reaches a user."""
    for i, step in enumerate(flow.steps):
        loc: tuple[Any, ...] = ("steps", i)
        try:
            for text in texts_of(step):
                template(text.zh)
                template(to_traditional(text.zh))
                template(text.en)
            exprs = [step.when] + [b.when for b in step.buttons]
            if step.ask:
                exprs += [c.when for c in step.ask.choices]
                if step.ask.validate_:
                    exprs += list(step.ask.validate_.input.values())
            if step.decide:
                exprs += list(step.decide.input.values())
            if step.act:
                exprs += [*step.act.input.values(), *step.act.keep.values()]
            for source in exprs:
                if source is not None:
                    expression(source)
        except jinja2.TemplateSyntaxError as exc:
            raise FlowError(
                f"{path}:{_line_of(node, loc)}: step {step.id!r}: template error: {exc}"
            ) from None
        for name in [
            step.decide.rule if step.decide else None,
            step.ask.validate_.rule if step.ask and step.ask.validate_ else None,
        ]:
            if name is not None and name not in rules.REGISTRY:
                raise FlowError(f"{path}:{_line_of(node, loc)}: step {step.id!r}: no rule named {name!r}")
        if step.act is not None and step.act.call not in OPERATIONS:
            raise FlowError(
                f"{path}:{_line_of(node, loc)}: step {step.id!r}: no platform operation named {step.act.call!r}"
            )


def load_flows(directory: Path = DEFAULT_DIR) -> dict[str, Flow]:
    """Every flow in ``directory`` by id; :class:`FlowError` on the first broken one."""
    if not directory.is_dir():
        raise FlowError(f"{directory}: the flows folder does not exist")
    flows = {}
    for path in sorted(directory.glob("*.yaml")):
        flow = load_flow(path)
        flows[flow.id] = flow
    return flows
