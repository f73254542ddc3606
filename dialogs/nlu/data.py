"""Reading the NLU's YAML data: intent examples, command phrases, the entity test set.

``intents.yaml``::

    intents:
      register_individual:
        section: "1.1 个人注册"      # optional, for people
        examples:
          - 怎么注册个人账号
          - …

``commands.yaml``: ``{command: [phrase, …]}``.  ``entities_eval.yaml``: ``today``
and ``cases: [{text, expect: [[type, value], …]}]``.

Every example must be a string: YAML reads ``yes``, ``no`` and ``88`` as other
things, so they must be quoted, and an unquoted one is an error, not a surprise.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is ten times faster, when PyYAML was built with it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

DATA_DIR = Path(__file__).resolve().parent / "data"
INTENTS_FILE = "intents.yaml"
COMMANDS_FILE = "commands.yaml"
ENTITIES_EVAL_FILE = "entities_eval.yaml"


class DataError(ValueError):
    """The NLU data files are malformed."""


def read_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)  # a safe loader


def _strings(items: Any, where: str) -> list[str]:
    if not isinstance(items, list):
        raise DataError(f"{where}: expected a list of strings")
    out: list[str] = []
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise DataError(f"{where}[{i}]: {item!r} is not a string (quote it in the YAML)")
        if item.strip():
            out.append(item)
    return out


def load_intents(folder: Path = DATA_DIR) -> dict[str, list[str]]:
    """``{intent: [example, …]}`` from ``intents.yaml``, in file order."""
    raw = read_yaml(folder / INTENTS_FILE)
    table = raw.get("intents") if isinstance(raw, dict) else None
    if not isinstance(table, dict):
        raise DataError(f"{folder / INTENTS_FILE}: expected a mapping 'intents'")
    out: dict[str, list[str]] = {}
    for name, body in table.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise DataError(f"{INTENTS_FILE}: bad intent name {name!r}")
        items = body.get("examples") if isinstance(body, dict) else body
        out[name] = _strings(items, f"{INTENTS_FILE}: {name}")
    return out


def load_commands(folder: Path = DATA_DIR) -> dict[str, list[str]]:
    """``{command: [phrase, …]}`` from ``commands.yaml``."""
    raw = read_yaml(folder / COMMANDS_FILE)
    if not isinstance(raw, dict):
        raise DataError(f"{folder / COMMANDS_FILE}: expected a mapping of command -> phrases")
    out: dict[str, list[str]] = {}
    for name, items in raw.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise DataError(f"{COMMANDS_FILE}: bad command name {name!r}")
        out[name] = _strings(items, f"{COMMANDS_FILE}: {name}")
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def load_entity_cases(
    folder: Path = DATA_DIR,
) -> tuple[datetime.date, list[tuple[str, list[tuple[str, Any]]]]]:
    """The entity test set: its ``today`` and ``[(text, [(type, value), …]), …]``."""
    raw = read_yaml(folder / ENTITIES_EVAL_FILE)
    if not isinstance(raw, dict) or not isinstance(raw.get("cases"), list):
        raise DataError(f"{ENTITIES_EVAL_FILE}: expected 'today' and a list 'cases'")
    today = raw.get("today")
    if isinstance(today, str):
        today = datetime.date.fromisoformat(today)
    if not isinstance(today, datetime.date):
        raise DataError(f"{ENTITIES_EVAL_FILE}: 'today' must be a date")
    cases: list[tuple[str, list[tuple[str, Any]]]] = []
    for i, case in enumerate(raw["cases"]):
        if not isinstance(case, dict) or not isinstance(case.get("text"), str):
            raise DataError(f"{ENTITIES_EVAL_FILE}: case {i} needs a 'text' string")
        expected: list[tuple[str, Any]] = []
        for pair in case.get("expect") or []:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                raise DataError(f"{ENTITIES_EVAL_FILE}: case {i}: expect items are [type, value]")
            expected.append((pair[0], _plain(pair[1])))
        cases.append((case["text"], expected))
    return today, cases
