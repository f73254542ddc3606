"""The platform mock's own texts, from ``signing/messages.yaml`` (read once, at import).

:func:`msg` gives one by key, its ``{fields}`` filled in; :data:`ISZ_STEP_NAMES` names
the i深圳 signing steps.  The rules' messages are not here: the mock passes them on.

>>> msg("unknown_account_at", where="owners.0.account_id")
'owners.0.account_id：没有这个账号 / no such account'
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml


def _load() -> tuple[dict[str, str], dict[str, str]]:
    data = yaml.safe_load(resources.files("signing").joinpath("messages.yaml").read_text(encoding="utf-8"))
    texts, steps = data["messages"], data["isz_steps"]
    for table in (texts, steps):
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
            raise ValueError("signing/messages.yaml: every entry is a key and a text")
    return dict(texts), dict(steps)


#: key -> text (``{fields}`` for :meth:`str.format`)
MESSAGES, ISZ_STEP_NAMES = _load()


def msg(key: str, **fields: Any) -> str:
    """The text of ``key`` with ``fields`` filled in (``KeyError`` for an unknown key)."""
    text = MESSAGES[key]
    return text.format(**fields) if fields else text
