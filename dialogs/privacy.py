"""Masking of personal numbers (ID, passport, mobile, certificate numbers).

Used for everything that is stored as a transcript or written to a log, and for
summaries that echo what a person entered.  Names are masked by the callers
that know a text is a name (:func:`mask_name`).
"""

from __future__ import annotations

import re

# Numbers that could identify a person: unified social credit codes (18 characters,
# letters inside), bracketed HK / Macau IDs, mainland mobiles
# (with +86 / 0086), and any run of 6+ digits with optional leading letters and a
# trailing check character (IDs, permits, passports, credit codes).  Amounts,
# dates and areas (followed by 元 万 亿 年 月 日 …) are left alone.
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"(?P<uscc>[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10})"
    r"|(?P<hk>[A-Za-z]{1,2}\d{6}\s*[(（]\s*[\dA]\s*[)）])"
    r"|(?P<mo>[157]\d{6}\s*[(（]\s*\d\s*[)）])"
    r"|(?P<prefix>(?:\+|00)86[\s-]?)?(?P<mobile>1[3-9]\d(?:[\s-]?\d){8})(?![\dA-Za-z])"
    r"|(?P<generic>[A-Za-z]{0,3}\d(?:[\s-]?\d){5,}[\dXx]?[A-Za-z]?)"
    r")(?![\dA-Za-z]|\s*(?:元|万|亿|块|年|月|日|平|㎡|%|％|/))"
)
_CERT_DIGITS = re.compile(r"(第)(\d{3,})(号)")


def mask_number(number: str) -> str:
    """Keep enough to recognise a number, hide the rest.

    >>> mask_number("11010519491231002X")
    '110***********002X'
    >>> mask_number("13800138000")
    '138****8000'
    >>> mask_number("A1234563")
    'A1****63'
    """
    compact = re.sub(r"[\s()（）-]", "", number)
    n = len(compact)
    if n <= 4:
        return "*" * n
    if n == 11 and compact.isdigit():
        return compact[:3] + "****" + compact[-4:]
    if n >= 15:
        return compact[:3] + "*" * (n - 7) + compact[-4:]
    return compact[:2] + "*" * (n - 4) + compact[-2:]


def mask_text(text: str) -> str:
    """Mask every number in ``text`` that could identify a person or a property.

    >>> mask_text("我的身份证是11010519491231002X，电话138 0013 8000")
    '我的身份证是110***********002X，电话138****8000'
    >>> mask_text("粤（2020）深圳市不动产权第0123456号")
    '粤（2020）深圳市不动产权第01***56号'
    >>> mask_text("第3步/共7步，300万，价格3000000元，2026年3月1日")
    '第3步/共7步，300万，价格3000000元，2026年3月1日'
    >>> mask_text("A123456(3) 和 +86 138-0013-8000")
    'A1****63 和 +86 138****8000'
    >>> mask_text("统一社会信用代码91440300MA5F1234XC")
    '统一社会信用代码914***********34XC'

    The numbers of the national standards the checks cite are nobody's:

    >>> mask_text("第18位校验码应为6（GB 11643-1999）；代码见GB/T 32100-2015")
    '第18位校验码应为6（GB 11643-1999）；代码见GB/T 32100-2015'
    """
    parts = _STANDARD.split(text)  # odd items: the standards' own numbers, kept as they are
    return "".join(part if i % 2 else _mask_plain(part) for i, part in enumerate(parts))


_STANDARD = re.compile(r"(GB(?:/T)?\s?\d{4,5}-\d{4})")


def _mask_plain(text: str) -> str:
    text = _CERT_DIGITS.sub(lambda m: m.group(1) + mask_number(m.group(2)) + m.group(3), text)
    return _NUMBER.sub(_mask_match, text)


def _mask_match(match: re.Match[str]) -> str:
    if match.group("mobile"):
        return (match.group("prefix") or "") + mask_number(match.group("mobile"))
    return mask_number(match.group(0))


def mask_name(name: str) -> str:
    """陈大文 → 陈*文, Chan Tai Man → C*** T** M**.

    >>> mask_name("陈大文"), mask_name("李四"), mask_name("Chan Tai Man")
    ('陈*文', '李*', 'C*** T** M**')
    """
    name = name.strip()
    if not name:
        return name
    if name.isascii():
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
