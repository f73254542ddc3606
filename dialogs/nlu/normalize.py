"""Text normalisation for understanding: scripts, widths, case and white space.

Two views of a message are used:

* :func:`normalize_text` is what the intent classifier and the command matcher see:
  Traditional characters become Simplified (OpenCC ``t2s`` through
  :func:`rules.text.to_simplified`), full-width forms half-width, Latin letters
  lower case, runs of white space one space, and the ends are stripped.
* :func:`aligned_view` is what the entity extractors see: the same conversions
  done character by character, so that the view has exactly the length of the
  original and an offset in it is an offset in the original (the spans of
  entities are offsets in the original text).

>>> normalize_text("  我要賣房，ＨＥＬＬＯ   World！ ")
'我要卖房,hello world!'
>>> aligned_view("粵（2020）號")
'粤(2020)号'
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rules.text import to_halfwidth, to_simplified

_MAX_ROUNDS = 4  # normalize_text repeats its steps until nothing changes (idempotence)


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str] | None:
    """Every character that occurs in a key of OpenCC's ``t2s`` dictionaries.

    A text with none of them is left alone by ``t2s``, so the (pure Python, slow)
    conversion can be skipped.  ``None`` when the dictionaries cannot be read:
    then every text is converted.
    """
    try:
        import opencc  # opencc-python-reimplemented, as used by rules.text

        folder = Path(opencc.__file__).parent / "dictionary"
        chars: set[str] = set()
        for name in ("TSPhrases.txt", "TSCharacters.txt"):
            with open(folder / name, encoding="utf-8") as handle:
                for line in handle:
                    key = line.split("\t", 1)[0]
                    chars.update(key)
        return frozenset(chars) if chars else None
    except Exception:  # any packaging surprise: no shortcut, always convert
        return None


def _simplified(text: str) -> str:
    chars = _traditional_chars()
    if chars is not None and chars.isdisjoint(text):
        return text
    return to_simplified(text)


def _lower(text: str) -> str:
    """Lower-case Latin letters without changing the text's length where it would."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _one_round(text: str) -> str:
    return " ".join(_lower(_simplified(to_halfwidth(text))).split())


def normalize_text(text: str) -> str:
    """The normalised form of ``text``: Simplified, half-width, lower case, single spaces, stripped.

    Idempotent: ``normalize_text(normalize_text(s)) == normalize_text(s)``.

    >>> normalize_text("我要賣房，從哪開始？")
    '我要卖房,从哪开始?'
    >>> normalize_text("ＧＯ\\tＢＡＣＫ\\u3000 ")
    'go back'
    >>> normalize_text("粵（2020）深圳市不動產權第０１２３號")
    '粤(2020)深圳市不动产权第0123号'
    """
    current = text
    for _ in range(_MAX_ROUNDS):
        new = _one_round(current)
        if new == current:
            break
        current = new
    return current


@lru_cache(maxsize=8192)
def _char_view(ch: str) -> str:
    """One character's aligned form: half-width, Simplified, lower case; itself if that is not one character."""
    out = to_halfwidth(ch)
    if len(out) == 1 and ord(out) >= 0x2E80:  # only CJK-range characters need t2s
        simple = _simplified(out)
        out = simple if len(simple) == 1 else out
    low = out.lower()
    out = low if len(low) == 1 else out
    return out if len(out) == 1 else ch


_ASCII_ONLY = re.compile(r"[\x00-\x7f]*")


def aligned_view(text: str) -> str:
    """``text`` converted character by character (same length): half-width, Simplified, lower case.

    White space is kept as it is (one character each), so offsets are preserved.

    >>> v = aligned_view("深房地字第 ３０００１２３ 號")
    >>> v, len(v) == len("深房地字第 ３０００１２３ 號")
    ('深房地字第 3000123 号', True)
    >>> aligned_view("RMB 3 Million")
    'rmb 3 million'
    """
    if _ASCII_ONLY.fullmatch(text):
        return text.lower()
    return "".join([_char_view(ch) for ch in text])
