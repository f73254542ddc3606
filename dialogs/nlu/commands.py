"""Global commands (帮助, 返回, 重新开始, 取消, 进度, 转人工, 切换语言) by exact phrase.

A message is a command only when the WHOLE of it, normalised, is one of the
phrases of ``data/commands.yaml`` — give or take trailing punctuation (。！？!?.…)
and a "请" / "please" around it.  Looser phrasings ("能不能回到上一步") are left
to the classifier, which knows the command intents too.

>>> table = CommandTable({"back": ["返回", "go back"], "help": ["帮助", "?"]})
>>> table.match("返回。"), table.match("請返回！"), table.match("Go back, please"), table.match("？")
('back', 'back', 'back', 'help')
>>> table.match("唔該，返回")
'back'
>>> table.match("返回上一步看看") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .normalize import normalize_text

_PARTS = re.compile(r"[,，。.!！;；、]+")
_TRAILING = re.compile(r"[\s。.!！?？~～…,，、;；:：]+$")
_LEADING = re.compile(r"^[\s,，]+")
_POLITE_PREFIX = re.compile(r"^(?:请|麻烦|唔该|劳驾|please|pls|plz)[\s,，]*")
_POLITE_SUFFIX = re.compile(r"[\s,，]*(?:请|please|pls|plz|吧)$")


def _variants(normalized: str) -> list[str]:
    """The message as it is, without trailing punctuation, and without a polite word around it."""
    out = [normalized]
    bare = _TRAILING.sub("", normalized)
    out.append(bare)
    polite = _POLITE_SUFFIX.sub("", _POLITE_PREFIX.sub("", bare))
    out.append(_TRAILING.sub("", _LEADING.sub("", polite)))
    return out


class CommandTable:
    """Exact phrases of each command, normalised, and the matcher."""

    def __init__(self, phrases: Mapping[str, Sequence[str]]) -> None:
        self.phrases: dict[str, str] = {}
        for command, items in phrases.items():
            for phrase in items:
                key = normalize_text(phrase)
                if key:
                    self.phrases.setdefault(key, command)

    def match(self, text: str, *, normalized: str | None = None) -> str | None:
        """The command the whole ``text`` is, or ``None``.

        >>> CommandTable({"human": ["转人工", "agent"]}).match("AGENT!")
        'human'
        """
        norm = normalize_text(text) if normalized is None else normalized
        if not norm or len(norm) > 40:
            return None
        for variant in _variants(norm):
            command = self.phrases.get(variant)
            if command is not None:
                return command
        return self._said_twice(norm)

    def _said_twice(self, norm: str) -> str | None:
        """A message of two or three short parts that are each the same command ("唔做了，退出").

        >>> CommandTable({"cancel": ["不做了", "退出"]}).match("不做了，退出！")
        'cancel'
        >>> CommandTable({"cancel": ["退出"], "back": ["返回"]}).match("返回，退出") is None
        True
        """
        parts = [p for p in _PARTS.split(norm) if p.strip()]
        if not 2 <= len(parts) <= 3:
            return None
        found = {
            next((self.phrases[v] for v in _variants(p.strip()) if v in self.phrases), None) for p in parts
        }
        return found.pop() if len(found) == 1 and None not in found else None

    def commands(self) -> list[str]:
        """The commands in the table, in first-phrase order."""
        return list(dict.fromkeys(self.phrases.values()))
