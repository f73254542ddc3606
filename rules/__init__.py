"""esf-guide's domain rules: every check the manual states, in one tested place.

The public surface is ``../shared/spec/rules-api.md``: :func:`evaluate` takes a
rule name and a JSON-shaped payload and returns the rule's JSON output; each
rule is also a typed function with pydantic models (``rules.validate_id`` …).
The contract lifecycle is :mod:`rules.lifecycle`.  Pure: no I/O, no framework.

>>> evaluate("validate_id", {"doc_type": "mobile", "number": "+86 138 0013 8000"})["normalized"]
'13800138000'
"""

from __future__ import annotations

from . import cancel, certs, ids, lifecycle, parties, permission, progress, steps, title
from ._base import REGISTRY, RuleError, RuleInput, RuleOutput, evaluate

RULE_NAMES: tuple[str, ...] = tuple(sorted(REGISTRY))

__all__ = [
    "REGISTRY",
    "RULE_NAMES",
    "RuleError",
    "RuleInput",
    "RuleOutput",
    "cancel",
    "certs",
    "evaluate",
    "ids",
    "lifecycle",
    "parties",
    "permission",
    "progress",
    "steps",
    "title",
]
