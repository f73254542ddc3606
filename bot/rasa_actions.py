"""The Rasa door: rasa-sdk custom actions that expose :mod:`rules` to a Rasa assistant.

Start the action server with::

    python -m rasa_sdk --actions bot.rasa_actions --port 5055

Thin, like the other doors: every decision is :func:`rules.evaluate`'s; this
module only maps slots to a rule's input fields and the rule's output back to
slots and bot messages (see ``docs/rasa.md`` for a matching ``domain.yml``).

* ``validate_id_number_form`` (a :class:`FormValidationAction` for the form
  ``id_number_form``): ``doc_type`` and ``cert_type`` must be one of the rules'
  enum codes (the manual's Chinese name is accepted too); ``id_number`` is
  checked with ``validate_id`` against the ``doc_type`` slot and
  ``cert_number`` with ``validate_cert_number`` against ``cert_type``.  A valid
  number is stored normalized; an invalid one clears the slot and the rule's
  own message is sent.
* ``action_signing_options``: slot ``parties`` (a list of party objects) →
  slots ``online_allowed`` and ``signing_reasons``, and one message per reason.
* ``action_title_check``: the ``title_check`` input fields, read from slots of
  the same names → slot ``title_check_result``, one message per blocker (with
  its next step) and per notice.
* ``action_cancel_unfiled`` / ``action_cancel_filed``: the rules' input fields,
  read from slots of the same names → ``cancel_allowed`` and the other output
  fields as ``cancel_*`` slots, and the rule's message.

Messages are in Chinese (``message``), or in English (``message_en``) when the
slot ``lang`` is ``"en"``.  A :class:`rules.RuleError` (a missing slot, a value
of the wrong type or enum, contradictory values) becomes a short message to the
user and sets no slot; the error never reaches the action server's logs as a
stack trace.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final

import yaml

import rules
from rules.codes import CERT_TYPE_NAMES, DOC_TYPE_NAMES, CertType, DocType

try:
    from rasa_sdk.events import EventType, SlotSet
    from rasa_sdk.executor import CollectingDispatcher
    from rasa_sdk.forms import FormValidationAction
    from rasa_sdk.interfaces import Action, Tracker
    from rasa_sdk.types import DomainDict
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "bot.rasa_actions needs rasa-sdk, the optional 'rasa' extra: pip install -e '.[rasa]' "
        "(make test installs it)"
    ) from exc

__all__ = [
    "ActionCancelFiled",
    "ActionCancelUnfiled",
    "ActionSigningOptions",
    "ActionTitleCheck",
    "ValidateIdNumberForm",
]

FORM_NAME: Final = "id_number_form"

# The rules' input fields for the custom actions; each is read from the slot of the same name.
TITLE_CHECK_FIELDS: Final[tuple[str, ...]] = (
    "login_identity",
    "is_institution",
    "account_level",
    "realname",
    "login_method",
    "sms_verified",
    "chose_institution_card",
    "agent_linked",
    "blacklisted",
    "platform_name",
    "cert_name",
    "platform_doc_type",
    "platform_id_number",
    "cert_id_number",
    "property_status",
    "multi_unit_mixed_usage",
    "usage_standardized",
)
CANCEL_UNFILED_FIELDS: Final[tuple[str, ...]] = (
    "signed",
    "qualification_code_applied",
    "signing",
    "downloaded",
)
CANCEL_FILED_FIELDS: Final[tuple[str, ...]] = (
    "transfer_registration_accepted",
    "both_agree",
    "legal_document",
    "change",
)
# Rasa's float slots hold 4.0 for 4; the rules take a JSON integer for these fields.
_INT_FIELDS: Final = frozenset({"account_level"})

DOC_TYPES: Final[tuple[str, ...]] = typing.get_args(DocType)
CERT_TYPES: Final[tuple[str, ...]] = typing.get_args(CertType)


def is_english(tracker: Tracker) -> bool:
    """Whether the user's language (slot ``lang``) is English; Chinese otherwise."""
    return tracker.get_slot("lang") == "en"


def pick(output: Mapping[str, Any], english: bool, key: str = "message") -> str:
    """The rule output's message in the user's language (``message`` or ``message_en``)."""
    text = output.get(f"{key}_en") if english else None
    return str(text if text else output.get(key) or "")


TEXTS_FILE = Path(__file__).with_name("rasa_texts.yaml")


@cache
def _texts() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return data


def text(key: str, english: bool, **fields: Any) -> str:
    """One of the actions' own texts (``rasa_texts.yaml``) in the user's language."""
    return _texts()[key]["en" if english else "zh"].format(**fields)


def error_text(error: rules.RuleError, english: bool) -> str:
    """A :class:`rules.RuleError` as a short message for the user, in their language.

    The rules write their error messages as ``"中文 / English"``.

    >>> error_text(rules.RuleError("missing_field", "缺少字段“signed” / missing field 'signed'"), True)
    "Sorry, I cannot decide this yet: missing field 'signed'"
    """
    zh, sep, en = error.message.partition(" / ")
    return text("cannot_decide", english, detail=(en if sep else error.message) if english else zh)


def slot_payload(tracker: Tracker, fields: tuple[str, ...]) -> dict[str, Any]:
    """The rule input from the slots named like its fields; unset slots are left out.

    A slot left out is then reported by the rule itself (``missing_field``).
    """
    payload: dict[str, Any] = {}
    for field in fields:
        value = tracker.get_slot(field)
        if value is None:
            continue
        if field in _INT_FIELDS and isinstance(value, float) and value.is_integer():
            value = int(value)
        payload[field] = value
    return payload


def run_rule(
    name: str, payload: Mapping[str, Any], dispatcher: CollectingDispatcher, english: bool
) -> dict[str, Any] | None:
    """:func:`rules.evaluate`, or ``None`` after telling the user why the rule could not decide."""
    try:
        return rules.evaluate(name, dict(payload))
    except rules.RuleError as error:
        dispatcher.utter_message(text=error_text(error, english))
        return None


def enum_code(value: Any, codes: tuple[str, ...], names: Mapping[str, tuple[str, str]]) -> str | None:
    """A rules enum code from a slot value: the code itself or the manual's (or English) name.

    >>> enum_code("香港居民身份证", DOC_TYPES, DOC_TYPE_NAMES)
    'hk_id'
    >>> enum_code("passport", DOC_TYPES, DOC_TYPE_NAMES), enum_code("ID", DOC_TYPES, DOC_TYPE_NAMES)
    ('passport', None)
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text in codes:
        return text
    for code, (zh, en) in names.items():
        if text == zh or text.casefold() == en.casefold():
            return code
    return None


class ValidateIdNumberForm(FormValidationAction):
    """Validates the slots of ``id_number_form`` with ``validate_id`` and ``validate_cert_number``."""

    def name(self) -> str:
        return f"validate_{FORM_NAME}"

    def _enum_slot(
        self,
        slot: str,
        value: Any,
        codes: tuple[str, ...],
        names: Mapping[str, tuple[str, str]],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> dict[str, Any]:
        code = enum_code(value, codes, names)
        if code is None:
            english = is_english(tracker)
            if english:
                choices = ", ".join(f"{names[c][1]} ({c})" for c in codes)
            else:
                choices = "、".join(names[c][0] for c in codes)
            dispatcher.utter_message(text=text("choose_one", english, choices=choices))
        return {slot: code}

    def _number_slot(
        self,
        slot: str,
        rule: str,
        type_field: str,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> dict[str, Any]:
        english = is_english(tracker)
        kind = tracker.get_slot(type_field)
        if kind is None:
            dispatcher.utter_message(text=text(f"choose_{type_field}_first", english))
            return {slot: None}
        output = run_rule(rule, {type_field: kind, "number": value}, dispatcher, english)
        if output is None:
            return {slot: None}
        if output["valid"]:
            return {slot: output["normalized"]}
        dispatcher.utter_message(text=pick(output, english))
        return {slot: None}

    def validate_doc_type(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """``doc_type``: a ``doc_type`` enum code of the rules."""
        return self._enum_slot("doc_type", slot_value, DOC_TYPES, DOC_TYPE_NAMES, dispatcher, tracker)

    def validate_id_number(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """``id_number``: ``validate_id`` with the ``doc_type`` slot; stored normalized."""
        return self._number_slot("id_number", "validate_id", "doc_type", slot_value, dispatcher, tracker)

    def validate_cert_type(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """``cert_type``: a ``cert_type`` enum code of the rules."""
        return self._enum_slot("cert_type", slot_value, CERT_TYPES, CERT_TYPE_NAMES, dispatcher, tracker)

    def validate_cert_number(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """``cert_number``: ``validate_cert_number`` with the ``cert_type`` slot; stored normalized."""
        return self._number_slot(
            "cert_number", "validate_cert_number", "cert_type", slot_value, dispatcher, tracker
        )


class ActionSigningOptions(Action):
    """``signing_options`` on the slot ``parties`` → ``online_allowed``, ``signing_reasons``."""

    def name(self) -> str:
        return "action_signing_options"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        english = is_english(tracker)
        payload = slot_payload(tracker, ("parties",))
        output = run_rule("signing_options", payload, dispatcher, english)
        if output is None:
            return []
        if output["online_allowed"]:
            dispatcher.utter_message(text=text("online_ok", english))
        for reason in output["reasons"]:
            dispatcher.utter_message(text=pick(reason, english))
        return [
            SlotSet("online_allowed", output["online_allowed"]),
            SlotSet("signing_reasons", output["reasons"]),
        ]


class ActionTitleCheck(Action):
    """``title_check`` on the slots named like its input fields → ``title_check_result``."""

    def name(self) -> str:
        return "action_title_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        english = is_english(tracker)
        output = run_rule("title_check", slot_payload(tracker, TITLE_CHECK_FIELDS), dispatcher, english)
        if output is None:
            return []
        result = output["result"]
        dispatcher.utter_message(text=text(f"title_{result}", english))
        for finding in output["blockers"]:
            message = text(
                "finding_next", english, message=pick(finding, english),
                next_step=finding["next_step"], section=finding["section"],
            )  # fmt: skip
            dispatcher.utter_message(text=message)
        for finding in output["notices"]:
            dispatcher.utter_message(text=pick(finding, english))
        return [SlotSet("title_check_result", result)]


class ActionCancelUnfiled(Action):
    """``cancel_unfiled`` → ``cancel_allowed``, ``cancel_covered``, ``cancel_prerequisite``,
    ``cancel_who_can_apply``, ``cancel_needs_confirmation``."""

    def name(self) -> str:
        return "action_cancel_unfiled"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        english = is_english(tracker)
        payload = slot_payload(tracker, CANCEL_UNFILED_FIELDS)
        output = run_rule("cancel_unfiled", payload, dispatcher, english)
        if output is None:
            return []
        dispatcher.utter_message(text=pick(output, english))
        return [
            SlotSet("cancel_allowed", output["allowed"]),
            SlotSet("cancel_covered", output["covered"]),
            SlotSet("cancel_prerequisite", output["prerequisite"]),
            SlotSet("cancel_who_can_apply", output["who_can_apply"]),
            SlotSet("cancel_needs_confirmation", output["needs_confirmation"]),
        ]


class ActionCancelFiled(Action):
    """``cancel_filed`` → ``cancel_allowed`` (online or on site, as the rule says),
    ``cancel_online_allowed``, ``cancel_onsite_allowed``, ``cancel_options``,
    ``cancel_required_option``, ``cancel_materials``."""

    def name(self) -> str:
        return "action_cancel_filed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        english = is_english(tracker)
        output = run_rule("cancel_filed", slot_payload(tracker, CANCEL_FILED_FIELDS), dispatcher, english)
        if output is None:
            return []
        dispatcher.utter_message(text=pick(output, english))
        return [
            SlotSet("cancel_allowed", output["online_allowed"] or output["onsite_allowed"]),
            SlotSet("cancel_online_allowed", output["online_allowed"]),
            SlotSet("cancel_onsite_allowed", output["onsite_allowed"]),
            SlotSet("cancel_options", output["options"]),
            SlotSet("cancel_required_option", output["required_option"]),
            SlotSet("cancel_materials", output["materials"]),
        ]
