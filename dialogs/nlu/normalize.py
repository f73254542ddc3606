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


def _read_dictionary(path: Path) -> dict[str, str]:
    """An OpenCC dictionary file: key -> its first value (the one OpenCC uses)."""
    table: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            key, _, values = line.rstrip("\n").partition("\t")
            if key:
                table[key] = values.split(" ")[0]
    return table


@lru_cache(maxsize=1)
def _trigger_chars() -> frozenset[str] | None:
    """Characters without which OpenCC ``t2s`` leaves a text unchanged.

    ``t2s`` replaces a dictionary key found in the text by its value; only keys
    whose value differs change anything, and such a key can only be in a text
    that holds all its characters.  So it is enough to know one character of
    each changing key (a Traditional one, e.g. 麼 of 么麼): a text with none of
    them is returned as it is, and the (pure Python, slow) conversion is
    skipped.  ``None`` when the dictionaries cannot be read: every text is
    converted then.
    """
    try:
        import opencc  # opencc-python-reimplemented, as used by rules.text

        folder = Path(opencc.__file__).parent / "dictionary"
        chars = _read_dictionary(folder / "TSCharacters.txt")
        phrases = _read_dictionary(folder / "TSPhrases.txt")
    except Exception:  # any packaging surprise: no shortcut, always convert
        return None
    triggers = {key for key, value in chars.items() if key != value}
    for key, value in phrases.items():
        if key == value or any(ch in triggers for ch in key):
            continue
        # No character of the phrase changes on its own: watch all the ones that differ.
        if len(key) == len(value):
            triggers.update(a for a, b in zip(key, value, strict=True) if a != b)
        else:
            triggers.update(key)
    return frozenset(triggers) if triggers else None


def _simplified(text: str) -> str:
    triggers = _trigger_chars()
    if triggers is not None and triggers.isdisjoint(text):
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


@lru_cache(maxsize=8192)
def normalize_text(text: str) -> str:
    """The normalised form of ``text``: Simplified, half-width, lower case, single spaces, stripped.

    Remembered per text: one turn normalises its message for the NLU, the FAQ and each of the
    engine's word checks (acknowledgement, party, information, language request).

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


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]")


def detect_language(text: str) -> str | None:
    """The language a message is written in: ``"zh-Hant"``, ``"zh"``, ``"en"``, or None.

    Traditional when OpenCC ``t2s`` would change it, Chinese when it has Chinese
    characters, English when it has Latin letters (and no Chinese).  A hint for
    answering in the person's own script (config ``languages.supported``).

    An English sentence that quotes a few of the system's Chinese terms is English:

    >>> detect_language("What does 网签 mean?"), detect_language("How do I add a 经办人 for my 公司?")
    ('en', 'en')
    >>> detect_language("我的ID card丢了"), detect_language("我要做房屋产权校验 please help me")
    ('zh', 'zh')
    >>> detect_language("我要賣房"), detect_language("我要卖房"), detect_language("Ｈｅｌｌｏ"), detect_language("123")
    ('zh-Hant', 'zh', 'en', None)
    """
    cjk = _CJK.findall(text)
    if cjk and _quotes_chinese_terms(text, sum(len(run) for run in cjk)):
        return "en"
    if cjk:
        return "zh-Hant" if _simplified(text) != text else "zh"
    if _LATIN.search(text):
        return "en"
    return None


_ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def _quotes_chinese_terms(text: str, chinese_chars: int) -> bool:
    """At least three English words and at most six Chinese characters, no more than two per
    English word: an English sentence naming a menu or a document as the manual does."""
    words = len(_ENGLISH_WORD.findall(text))
    return words >= 3 and chinese_chars <= min(6, 2 * words)
