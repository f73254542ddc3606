"""Jinja2 templates and conditions for the flows.

Templates are compiled once at load (the zh text, its derived Traditional form
and the en text); rendering never touches the disk.  Conditions (``when``) and
rule inputs are Jinja expressions over the slots; an unset slot is falsy there.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from functools import cache
from typing import Any

import jinja2

from rules.codes import (
    CAPACITY_NAMES,
    CERT_TYPE_NAMES,
    DOC_TYPE_NAMES,
    ORIGIN_NAMES,
    PARTY_TYPE_NAMES,
    REGION_NAMES,
    ROLE_NAMES,
    SIGNING_NAMES,
    USAGE_NAMES,
)
from rules.lifecycle import STATUS_NAMES
from rules.steps import filing_required

from .i18n import to_traditional
from .privacy import mask_number

_CODE_NAMES: dict[str, tuple[str, str]] = {
    **PARTY_TYPE_NAMES,
    **ORIGIN_NAMES,
    **CAPACITY_NAMES,
    **DOC_TYPE_NAMES,
    **CERT_TYPE_NAMES,
    **REGION_NAMES,
    **USAGE_NAMES,
    **SIGNING_NAMES,
    **ROLE_NAMES,
}
_CODE_NAMES.update({str(k): v for k, v in STATUS_NAMES.items()})  # the contract's states (draft, filed …)


def _yuan(value: Any, lang: str = "zh") -> str:
    """300万 → "3,000,000元" / "¥3,000,000"."""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return str(value)
    return f"¥{amount:,}" if lang == "en" else f"{amount:,}元"


def _lookup(key: Any, table: Any) -> Any:
    """``x|lookup(table)``: ``table[x]`` (None when absent); with ``map('lookup', table)`` over a list.

    >>> _lookup("a", {"a": 1}), _lookup("b", {"a": 1})
    (1, None)
    """
    return table.get(key) if isinstance(table, dict) else None


def _with_index(records: Any, key: str) -> list[dict[str, Any]]:
    """Each record (a dict) with its position under ``key``: ``[{'s': 'x'}] → [{'s': 'x', key: 0}]``.

    >>> _with_index([{"s": "1/1"}, {"s": "0"}], "owner_index")
    [{'s': '1/1', 'owner_index': 0}, {'s': '0', 'owner_index': 1}]
    """
    return [{**dict(r), key: i} for i, r in enumerate(records or [])]


@jinja2.pass_context
def _msg(context: Any, obj: Any, field: str = "message") -> str:
    """A rule output's message in the conversation's language (``message`` / ``message_en``)."""
    return rule_message(obj, context.get("lang", "zh"), field)


def rule_message(obj: Any, lang: str, field: str = "message") -> str:
    """``obj[field]`` (a rule output's message) in ``lang``: ``field_en`` for English, the
    Chinese converted for Traditional."""
    if not isinstance(obj, dict):
        return str(obj)
    if lang == "en":
        return str(obj.get(f"{field}_en") or obj.get(field) or "")
    text = str(obj.get(field) or "")
    return to_traditional(text) if lang == "zh-Hant" else text


@jinja2.pass_context
def _code_name(context: Any, code: Any) -> str:
    return code_name(code, context.get("lang", "zh"))


@jinja2.pass_context
def _tr(context: Any, text: Any) -> str:
    """Our own Simplified text (e.g. a rule's step title) in Traditional when needed."""
    return to_traditional(str(text)) if context.get("lang") == "zh-Hant" else str(text)


class _Environment(jinja2.Environment):
    """Templates see the globals as one plain dict (a snapshot: the globals below are set once,
    before any template is compiled).  Jinja's default, a ChainMap, is walked on every render
    and every ``when``, which cost more than the expressions themselves (6.5 µs against 2.4)."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def _make_env(undefined: type[jinja2.Undefined]) -> jinja2.Environment:
    env = _Environment(
        autoescape=False,  # plain text: the doors render it as text, never as HTML
        undefined=undefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["mask"] = lambda v: mask_number(str(v)) if v not in (None, "") else ""
    env.filters["yuan"] = _yuan
    env.filters["tr"] = _tr
    env.filters["lookup"] = _lookup
    env.filters["with_index"] = _with_index
    env.globals["code_name"] = _code_name
    env.globals["msg"] = _msg
    env.globals["filing_required"] = filing_required
    return env


def code_name(code: Any, lang: str = "zh") -> str:
    """The manual's name of an enum code (``hk_id`` → 香港居民身份证)."""
    names = _CODE_NAMES.get(str(code))
    if names is None:
        return str(code)
    if lang == "en":
        return names[1]
    return to_traditional(names[0]) if lang == "zh-Hant" else names[0]


TEMPLATES = _make_env(jinja2.StrictUndefined)
EXPRESSIONS = _make_env(jinja2.ChainableUndefined)


@cache
def template(source: str) -> jinja2.Template:
    return TEMPLATES.from_string(source)


@cache
def expression(source: str) -> Callable[..., Any]:
    return EXPRESSIONS.compile_expression(source, undefined_to_none=True)


def render(source: str, context: dict[str, Any]) -> str:
    return template(source).render(context).strip()


def evaluate(source: str, context: dict[str, Any]) -> Any:
    return expression(source)(**context)


@cache
def _expression_list(sources: tuple[str, ...]) -> Callable[..., Any]:
    return EXPRESSIONS.compile_expression("[" + ", ".join(f"({s})" for s in sources) + "]")


def evaluate_all(sources: tuple[str, ...], context: dict[str, Any]) -> list[Any]:
    """Several conditions over one context, in order, in one Jinja call (one context built, not
    one per condition); an unset name is falsy there as in :func:`evaluate`."""
    if not sources:
        return []
    return list(_expression_list(sources)(**context))
