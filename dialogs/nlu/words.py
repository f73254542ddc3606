"""Words the engine listens for in one situation only (``data/words.yaml``): a retry after a
platform step failed, and the language named after the "language" command.

>>> words = Words.load()
>>> words.is_retry("再试一次！"), words.is_retry("再试试别的")
(True, False)
>>> words.language_named("切换到 English"), words.language_named("繁體中文"), words.language_named("简体")
('en', 'zh-Hant', 'zh')
>>> words.language_named("日本語") is None
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from .commands import CommandTable
from .data import DATA_DIR, DataError, _strings, read_yaml
from .normalize import normalize_text

WORDS_FILE = "words.yaml"
LANGUAGES = ("en", "zh-Hant", "zh")


class Words:
    def __init__(self, retry: Sequence[str], language_names: Mapping[str, Sequence[str]]) -> None:
        self._retry = CommandTable({"retry": retry})  # whole message, give or take punctuation
        self._names = [(lang, [normalize_text(n) for n in names]) for lang, names in language_names.items()]

    def is_retry(self, text: str) -> bool:
        """The whole message asks to try again."""
        return self._retry.match(text) is not None

    def language_named(self, text: str) -> str | None:
        """The language the message names (``en``, ``zh-Hant``, ``zh``), if any."""
        low = normalize_text(text)
        for lang, names in self._names:
            if any(name and name in low for name in names):
                return lang
        return None

    @classmethod
    def load(cls, folder: Path = DATA_DIR) -> Words:
        raw = read_yaml(folder / WORDS_FILE)
        if not isinstance(raw, dict) or not isinstance(raw.get("language_names"), dict):
            raise DataError(f"{folder / WORDS_FILE}: expected 'retry' and a mapping 'language_names'")
        names = raw["language_names"]
        unknown = sorted(set(names) - set(LANGUAGES))
        if unknown:
            raise DataError(f"{WORDS_FILE}: language_names: unknown language(s) {unknown}")
        return cls(
            _strings(raw.get("retry"), f"{WORDS_FILE}: retry"),
            {lang: _strings(items, f"{WORDS_FILE}: language_names.{lang}") for lang, items in names.items()},
        )
