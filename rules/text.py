"""Text normalisation shared by the rules: widths, spaces, Chinese scripts.

>>> to_halfwidth("Ａ１２３４５６（３）")
'A123456(3)'
>>> strip_spaces(" 陈 大文\u3000")
'陈大文'
>>> same_script_insensitive("陳大文", "陈大文")
True
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

_SPACES = re.compile(r"\s+")


_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def to_halfwidth(text: str) -> str:
    """Full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space to half-width."""
    return text.translate(_HALFWIDTH)


def strip_spaces(text: str) -> str:
    """Remove every white-space character, inner ones included (U+3000 too)."""
    return _SPACES.sub("", text)


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # opencc-python-reimplemented; loaded on first use only

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional Chinese characters to Simplified (OpenCC ``t2s``)."""
    return str(_t2s().convert(text))


def same_script_insensitive(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are the same once both are in Simplified characters."""
    return to_simplified(a) == to_simplified(b)


def loads_json_text(raw: bytes) -> Any:
    r"""JSON from UTF-8 bytes, refusing what no text can hold (a lone surrogate sent as an
    escape such as ``\ud800``); ``ValueError`` (or its subclass ``UnicodeError``) otherwise.

    >>> loads_json_text(rb'{"q": "\ud83d\ude00"}')["q"] == chr(0x1F600)
    True
    >>> loads_json_text(rb'{"q": "\ud800"}')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    UnicodeEncodeError: ...surrogates not allowed
    """
    data = json.loads(raw.decode("utf-8")) if raw else {}
    if b"\\u" in raw:  # only an escape can smuggle a lone surrogate past the UTF-8 decoder
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    return data
