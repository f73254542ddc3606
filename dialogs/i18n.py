"""Languages: zh (Simplified), zh-Hant (derived with OpenCC), en.

Traditional Chinese is never written by hand: every ``zh`` text is converted
once, at load, with OpenCC ``s2t`` plus the domain fixes of ``zh_hant.yaml``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from . import yamlio

Lang = Literal["zh", "zh-Hant", "en"]
LANGS: tuple[Lang, ...] = ("zh", "zh-Hant", "en")
_FIXES_FILE = Path(__file__).with_name("zh_hant.yaml")


@cache
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


@cache
def _fixes() -> tuple[tuple[str, str], ...]:
    data: dict[str, str] = yamlio.load(_FIXES_FILE.read_text(encoding="utf-8")) or {}
    return tuple(sorted(data.items(), key=lambda kv: -len(kv[0])))


@cache
def to_traditional(text: str) -> str:
    """Simplified → Traditional for our own texts (not for what users typed).

    >>> to_traditional("网签后还能改买方吗")
    '網簽後還能改買方嗎'
    """
    out = str(_s2t().convert(text))
    for wrong, right in _fixes():
        out = out.replace(wrong, right)
    return out


def pick(zh: str, en: str, lang: str) -> str:
    """The text for ``lang`` from its zh and en versions."""
    if lang == "en":
        return en
    if lang == "zh-Hant":
        return to_traditional(zh)
    return zh


def normalize_lang(lang: str | None) -> Lang | None:
    """Accept common spellings (zh-TW, zh_hk, EN …); None when unknown."""
    if not lang:
        return None
    low = lang.replace("_", "-").lower()
    if low in ("zh", "zh-cn", "zh-hans", "zh-sg", "cn"):
        return "zh"
    if low in ("zh-hant", "zh-tw", "zh-hk", "zh-mo", "tw", "hk"):
        return "zh-Hant"
    if low.startswith("en"):
        return "en"
    return None
