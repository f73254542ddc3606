"""YAML for the dialogs' data: the C loader when PyYAML has it (several times faster at
start-up), the pure-Python safe loader otherwise. Always a *safe* loader."""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """Parse YAML text (safe: plain data only)."""
    return yaml.load(text, Loader=SafeLoader)


def compose(text: str) -> yaml.Node | None:
    """The node tree, whose marks give line numbers for error messages."""
    return yaml.compose(text, Loader=SafeLoader)
