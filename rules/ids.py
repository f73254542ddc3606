"""Identity document numbers and mobile numbers: normalise them and check their form.

The manual names the document types a party may use (5.2.2 权利人证件号码; 5.3.1 /
5.4.1 填写买方信息 and 填写卖方信息, where "卖方证件号码为港澳身份证号码的，证件类型需
对应地选择“港澳居民身份证”") but says nothing about how the numbers are formed.  The
forms checked here are the public standards, as ``rules-api.md`` lists them:

* GB 11643-1999 (公民身份号码): the resident identity card, and the same 18-character
  shape of the Hong Kong / Macao / Taiwan residents' residence permit (prefixes
  810000 / 820000 / 830000) and of the 2023 foreign permanent resident ID card
  (first digit 9).  The check digit is ISO 7064 MOD 11-2, computed with
  :func:`stdnum.cn.ric.calc_check_digit`; the region code is never checked
  (``stdnum.cn.ric.validate`` would reject new districts and the 81/82/83/9 prefixes).
* GB 32100-2015 (法人和其他组织统一社会信用代码): 18 characters from a 31-character
  alphabet (no I, O, Z, S, V), check character by :func:`stdnum.cn.uscc.calc_check_digit`.
* The Hong Kong identity card check digit (MOD 11, weights 9…2, hand-written here).

>>> validate_id(ValidateIdInput(doc_type="hk_id", number="Ａ１２３４５６（３）")).normalized
'A1234563'
>>> print(validate_id(ValidateIdInput(doc_type="resident_id", number="110105194912310025")).message)
居民身份证号码第18位校验码应为X，当前为5（GB 11643-1999）；如校验码无误，请核对前17位是否输错。
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from stdnum.cn import ric as _ric
from stdnum.cn import uscc as _uscc

from ._base import NumberCheck, RuleInput, rule
from .codes import DOC_TYPE_NAMES, DocType
from .text import strip_spaces, to_halfwidth

# ---------------------------------------------------------------------------
# Message texts: code -> (zh, en).  ``{subj}`` / ``{Subj}`` is the number's name
# ("居民身份证号码" / "Resident identity card number"), filled in by ``_render``.
# ---------------------------------------------------------------------------
MESSAGES: dict[str, tuple[str, str]] = {
    "empty": ("{subj}为空，请输入号码。", "{Subj} is empty; please enter the number."),
    "length": (
        "{subj}应为{expected}，当前为{got}位。",
        "{Subj} should have {expected_en}; it has {got}.",
    ),
    "too_long": (
        "{subj}最多{limit}个字符，当前为{got}个。",
        "{Subj} has at most {limit} characters; it has {got}.",
    ),
    "not_digit": (
        "{subj}第{pos}位“{ch}”应为数字。",
        "{Subj}: the {nth} character '{ch}' should be a digit.",
    ),
    "not_letter": (
        "{subj}第{pos}位“{ch}”应为英文字母。",
        "{Subj}: the {nth} character '{ch}' should be a letter.",
    ),
    "not_alnum": (
        "{subj}第{pos}位“{ch}”应为英文字母或数字。",
        "{Subj}: the {nth} character '{ch}' should be a letter or a digit.",
    ),
    "passport_no_digit": (
        "{subj}应由字母和数字组成，当前没有数字，请对照护照核对。",
        "{Subj} is made of letters and digits; this one has no digit. Please check it against the passport.",
    ),
    "not_officer_char": (
        "{subj}第{pos}位“{ch}”应为字母、数字或汉字。",
        "{Subj}: the {nth} character '{ch}' should be a letter, a digit or a Chinese character.",
    ),
    "not_ric_check_char": (
        "{subj}第18位“{ch}”是校验码，应为数字或X（GB 11643-1999）。",
        "{Subj}: the 18th character '{ch}' is the check digit and should be a digit or X (GB 11643-1999).",
    ),
    "not_hkid_check_char": (
        "{subj}第{pos}位“{ch}”是校验码，应为数字或A。",
        "{Subj}: the {nth} character '{ch}' is the check digit and should be a digit or A.",
    ),
    "not_uscc_char": (
        "{subj}第{pos}位“{ch}”不是统一社会信用代码允许的字符（不使用I、O、Z、S、V；GB 32100-2015）。",
        "{Subj}: the {nth} character '{ch}' is not allowed in a unified social credit code "
        "(I, O, Z, S and V are not used; GB 32100-2015).",
    ),
    "birth_invalid": (
        "{subj}第7–14位出生日期{date}不是有效日期。",
        "{Subj}: characters 7–14 (birth date {date}) are not a valid date.",
    ),
    "birth_too_early": (
        "{subj}第7–14位出生日期{date}早于1900年1月1日。",
        "{Subj}: characters 7–14 (birth date {date}) are before 1 January 1900.",
    ),
    "birth_future": (
        "{subj}第7–14位出生日期{date}晚于今天（{today}）。",
        "{Subj}: characters 7–14 (birth date {date}) are after today ({today}).",
    ),
    "check_digit": (
        "{subj}第{pos}位校验码应为{expected}，当前为{got}（{std}）；如校验码无误，请核对前{before}位是否输错。",
        "{Subj}: check digit ({nth} character) should be {expected}, got {got} ({std}); "
        "if the check digit is right, one of the first {before} characters is mistyped.",
    ),
    "hkid_check_digit": (
        "{subj}的校验码（最后一位，可写在括号内）应为{expected}，当前为{got}（香港身份证校验规则）；"
        "如校验码无误，请核对前面的字母和数字是否输错。",
        "{Subj}: check digit (the last character, the one that may be in brackets) should be {expected}, "
        "got {got} (HKID check-digit rule); if the check digit is right, a letter or digit before it "
        "is mistyped.",
    ),
    "hkid_missing_check": (
        "{subj}缺少括号内的校验码：6位数字后应有1位校验码，按香港身份证校验规则这个号码应为{expected}。",
        "{Subj} lacks the bracketed check digit after the six digits; by the HKID check-digit rule "
        "this number would be {expected}.",
    ),
    "hkmt_prefix": (
        "{subj}第1–6位应为810000（香港居民）、820000（澳门居民）或830000（台湾居民），当前为{got}。",
        "{Subj}: characters 1–6 should be 810000 (Hong Kong residents), 820000 (Macao residents) "
        "or 830000 (Taiwan residents); got {got}.",
    ),
    "fpr_first": (
        "{subj}（2023年版，18位）第1位应为9，当前为{got}。",
        "{Subj} (2023 format, 18 characters): the first character should be 9; got {got}.",
    ),
    "macau_first": (
        "{subj}第1位应为1、5或7，当前为{got}。",
        "{Subj}: the first digit should be 1, 5 or 7; got {got}.",
    ),
    "permit_first": (
        "{subj}第1位应为字母H（香港居民）或M（澳门居民），当前为“{ch}”。",
        "{Subj}: the first character should be the letter H (Hong Kong residents) or M (Macao residents); "
        "got '{ch}'.",
    ),
    "permit_missing_letter": (
        "{subj}第1位应为字母H（香港居民）或M（澳门居民），这个号码缺少该字母。",
        "{Subj}: the first character should be the letter H (Hong Kong residents) or M (Macao residents); "
        "this number lacks it.",
    ),
    "mobile_first": (
        "{subj}第1位应为1，当前为{got}。",
        "{Subj}: the first digit should be 1; got {got}.",
    ),
    "mobile_second": (
        "{subj}第2位应为3–9，当前为{got}。",
        "{Subj}: the second digit should be 3–9; got {got}.",
    ),
    # Appended to the message above when the number passes another document type's check.
    "looks_like": (
        "这个号码看起来像{other}，请核对证件类型。",
        "It looks like a {other_en}; please check the document type.",
    ),
    "looks_like_hkmo": (
        "这个号码看起来像{other}，请核对证件类型：卖方证件号码为港澳身份证号码的，"
        "证件类型需对应地选择“港澳居民身份证”（手册5.3.1、5.4.1.3 填写卖方信息）。",
        "It looks like a {other_en}; please check the document type: when the seller's number is a "
        "Hong Kong or Macao identity card number, the document type must be 港澳居民身份证 "
        "(manual 5.3.1, 5.4.1.3, seller information).",
    ),
}

# What each expected length is called in the "length" message: doc_type -> (zh, en).
_EXPECTED_LENGTH: dict[str, tuple[str, str]] = {
    "resident_id": ("18位", "18 characters"),
    "hkmt_residence_permit": ("18位", "18 characters"),
    "uscc": ("18位", "18 characters"),
    "foreign_permanent_id": (
        "18位（2023年版）或15位（旧版：3个字母加12位数字）",
        "18 characters (2023 format) or 15 (older format: 3 letters and 12 digits)",
    ),
    "hk_id": (
        "8或9位（1–2个字母、6位数字和1位校验码，括号可省略）",
        "8 or 9 characters (1–2 letters, 6 digits and a check digit; brackets optional)",
    ),
    "macau_id": ("8位数字（最后一位可带括号）", "8 digits (the last may be in brackets)"),
    "hk_macau_permit": (
        "9位（H或M加8位数字）或11位（H或M加10位数字，旧版）",
        "9 characters (H or M and 8 digits) or 11 (H or M and 10 digits, older permits)",
    ),
    "taiwan_permit": ("8位数字或10位数字（旧版）", "8 digits or 10 digits (older permits)"),
    "passport": ("5–17位字母和数字", "5–17 letters and digits"),
    "mobile": ("11位数字", "11 digits"),
}

# The number's name in messages: "居民身份证号码", but "手机号", "统一社会信用代码".
_SUBJECT: dict[str, tuple[str, str]] = {
    code: (f"{zh}号码", f"{en} number") for code, (zh, en) in DOC_TYPE_NAMES.items()
}
_SUBJECT["uscc"] = DOC_TYPE_NAMES["uscc"]
_SUBJECT["mobile"] = DOC_TYPE_NAMES["mobile"]

# Standards cited in check-digit messages: (zh, en).
GB11643 = ("GB 11643-1999", "GB 11643-1999")
GB32100 = ("GB 32100-2015", "GB 32100-2015")

_DIGITS = frozenset("0123456789")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015, no I O Z S V
_HKMT_PREFIXES = ("810000", "820000", "830000")
_OFFICER_MAX = 30
_EARLIEST_BIRTH = datetime.date(1900, 1, 1)

# Checked, in this order, for "it looks like a ..." hints: the specific shapes first.
# A permit number without its H/M is eight digits, often a valid Macao ID shape: no hint then.
_LOOKALIKE_ORDER: tuple[str, ...] = (
    "hkmt_residence_permit",
    "foreign_permanent_id",
    "resident_id",
    "uscc",
    "hk_id",
    "macau_id",
    "hk_macau_permit",
    "mobile",
)
_NO_LOOKALIKE: frozenset[tuple[str, str]] = frozenset({("hk_macau_permit", "macau_id")})
_HKMO_IDS = ("hk_id", "macau_id")


class ValidateIdInput(RuleInput):
    doc_type: DocType
    number: str


ValidateIdOutput = NumberCheck  # shared with the other number validator


# ---------------------------------------------------------------------------
# Per-standard check digits
# ---------------------------------------------------------------------------


def gb11643_check_digit(first17: str) -> str:
    """The GB 11643-1999 check digit (ISO 7064 MOD 11-2) of 17 ASCII digits: ``0``–``9`` or ``X``.

    Used by the resident identity card, the Hong Kong / Macao / Taiwan residents'
    residence permit and the 2023 foreign permanent resident ID card.  The
    arithmetic is :func:`stdnum.cn.ric.calc_check_digit`; no region code is checked.

    >>> gb11643_check_digit("11010519491231002")
    'X'
    >>> gb11643_check_digit("81000019900101123")
    '0'
    >>> gb11643_check_digit("1234")
    Traceback (most recent call last):
    ...
    ValueError: GB 11643 needs 17 ASCII digits
    """
    if len(first17) != 17 or not set(first17) <= _DIGITS:
        raise ValueError("GB 11643 needs 17 ASCII digits")
    # calc_check_digit expects the full 18-character number and ignores its last character.
    return str(_ric.calc_check_digit(first17 + "0"))


def gb32100_check_char(first17: str) -> str:
    """The GB 32100-2015 check character of a unified social credit code's first 17 characters.

    The alphabet is ``0-9`` and the capitals without I, O, Z, S, V; the weights are
    3**i mod 31 and the check is (31 - sum mod 31) mod 31 in that alphabet.  The
    arithmetic is :func:`stdnum.cn.uscc.calc_check_digit`.

    >>> gb32100_check_char("91110000600037341")
    'L'
    >>> gb32100_check_char("9111000060003734O")
    Traceback (most recent call last):
    ...
    ValueError: GB 32100 needs 17 characters from 0-9 and A-Y without I, O, Z, S, V
    """
    if len(first17) != 17 or any(c not in _USCC_ALPHABET for c in first17):
        raise ValueError("GB 32100 needs 17 characters from 0-9 and A-Y without I, O, Z, S, V")
    return str(_uscc.calc_check_digit(first17))


def hkid_check_digit(body: str) -> str:
    """The check digit of a Hong Kong identity card number without it: ``0``–``9`` or ``A``.

    ``body`` is one or two capital letters and six digits.  A single letter is
    padded with a leading space worth 36; letters are A=10 … Z=35.  The eight
    characters are weighted 9, 8, …, 2; the check is 11 - (sum mod 11), where
    10 is written ``A`` and 11 is written ``0``.

    >>> hkid_check_digit("A123456")
    '3'
    >>> hkid_check_digit("AB987654")
    '3'
    >>> hkid_check_digit("123456")
    Traceback (most recent call last):
    ...
    ValueError: an HKID body is one or two capital letters and six digits
    """
    if not (
        len(body) in (7, 8)
        and set(body[:-6]) <= _LETTERS
        and set(body[-6:]) <= _DIGITS
        and len(body[:-6]) in (1, 2)
    ):
        raise ValueError("an HKID body is one or two capital letters and six digits")
    padded = body if len(body) == 8 else " " + body
    values = [36 if c == " " else (ord(c) - ord("A") + 10 if c in _LETTERS else int(c)) for c in padded]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    check = 11 - total % 11
    return "A" if check == 10 else "0" if check == 11 else str(check)


# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------

_BRACKETED_CHECK = re.compile(r"\(([0-9A-Z])\)$")
_PHONE_PREFIXES = ("+86", "0086")


def normalize(doc_type: str, number: str) -> str:
    """The spec's normalisation of ``number`` as a ``doc_type`` number, nothing more.

    White space (inner, and U+3000) goes, full-width characters become half-width,
    letters are upper-cased; for ``hk_id`` and ``macau_id`` the brackets around the
    check digit are dropped; for ``mobile`` hyphens and one +86 / 0086 prefix go.

    >>> normalize("hk_id", " ａ１２３４５６（３） ")
    'A1234563'
    >>> normalize("mobile", "+86 138-0013-8000")
    '13800138000'
    >>> normalize("passport", "e 1234\u30005678")
    'E12345678'
    """
    text = strip_spaces(to_halfwidth(number)).upper()
    if doc_type in ("hk_id", "macau_id"):
        text = _BRACKETED_CHECK.sub(r"\1", text)
    elif doc_type == "mobile":
        text = text.replace("-", "")
        for prefix in _PHONE_PREFIXES:
            rest = text[len(prefix) :]
            # One prefix only, and not when another follows (keeps normalize idempotent).
            if text.startswith(prefix) and not rest.startswith(_PHONE_PREFIXES):
                text = rest
                break
    return text


# ---------------------------------------------------------------------------
# Checks: each returns None for a good number or (message code, parameters).
# ---------------------------------------------------------------------------

Problem = tuple[str, dict[str, Any]]


def _bad_char(text: str, allowed: frozenset[str] | str, code: str, start: int = 0) -> Problem | None:
    for i, ch in enumerate(text):
        if ch not in allowed:
            return code, {"pos": start + i + 1, "ch": ch}
    return None


def _length(text: str, got: int | None = None) -> Problem:
    return "length", {"got": len(text) if got is None else got}


def _check_gb11643_shape(
    text: str, today: datetime.date, *, prefixes: tuple[str, ...] = (), birth: bool = True
) -> Problem | None:
    """18 characters, 17 digits and a check digit; optional prefix and birth-date checks."""
    if len(text) != 18:
        return _length(text)
    problem = _bad_char(text[:17], _DIGITS, "not_digit")
    if problem:
        return problem
    if text[17] not in _DIGITS and text[17] != "X":
        return "not_ric_check_char", {"ch": text[17]}
    if prefixes and not text.startswith(prefixes):
        return "hkmt_prefix", {"got": text[:6]}
    if birth:
        digits = text[6:14]
        try:
            born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            return "birth_invalid", {"date": digits}
        if born < _EARLIEST_BIRTH:
            return "birth_too_early", {"date": digits}
        if born > today:
            return "birth_future", {"date": digits, "today": today.isoformat()}
    expected = gb11643_check_digit(text[:17])
    if text[17] != expected:
        return "check_digit", {"pos": 18, "expected": expected, "got": text[17], "before": 17, "std": GB11643}
    return None


def _check_resident_id(text: str, today: datetime.date) -> Problem | None:
    return _check_gb11643_shape(text, today)


def _check_hkmt(text: str, today: datetime.date) -> Problem | None:
    return _check_gb11643_shape(text, today, prefixes=_HKMT_PREFIXES)


def _check_foreign_permanent(text: str, today: datetime.date) -> Problem | None:
    if len(text) == 15:  # older format: three letters and twelve digits
        return _bad_char(text[:3], _LETTERS, "not_letter") or _bad_char(text[3:], _DIGITS, "not_digit", 3)
    if len(text) == 18 and text[0] != "9" and text[0] in _DIGITS:
        return "fpr_first", {"got": text[0]}
    return _check_gb11643_shape(text, today, birth=False)


def _check_uscc(text: str, today: datetime.date) -> Problem | None:
    if len(text) != 18:
        return _length(text)
    problem = _bad_char(text, _USCC_ALPHABET, "not_uscc_char")
    if problem:
        return problem
    expected = gb32100_check_char(text[:17])
    if text[17] != expected:
        return "check_digit", {"pos": 18, "expected": expected, "got": text[17], "before": 17, "std": GB32100}
    return None


def _check_hk_id(text: str, today: datetime.date) -> Problem | None:
    if len(text) == 7 and text[0] in _LETTERS and set(text[1:]) <= _DIGITS:
        return "hkid_missing_check", {"expected": f"{text}({hkid_check_digit(text)})"}
    if len(text) not in (8, 9):
        return _length(text)
    letters = len(text) - 7
    problem = _bad_char(text[:letters], _LETTERS, "not_letter") or _bad_char(
        text[letters:-1], _DIGITS, "not_digit", letters
    )
    if problem:
        return problem
    if text[-1] not in _DIGITS and text[-1] != "A":
        return "not_hkid_check_char", {"pos": len(text), "ch": text[-1]}
    expected = hkid_check_digit(text[:-1])
    if text[-1] != expected:
        return "hkid_check_digit", {"expected": expected, "got": text[-1]}
    return None


def _check_macau_id(text: str, today: datetime.date) -> Problem | None:
    if len(text) != 8:
        return _length(text)
    problem = _bad_char(text, _DIGITS, "not_digit")
    if problem:
        return problem
    if text[0] not in "157":
        return "macau_first", {"got": text[0]}
    return None


def _check_hk_macau_permit(text: str, today: datetime.date) -> Problem | None:
    if len(text) in (8, 10) and set(text) <= _DIGITS:
        return "permit_missing_letter", {}
    if len(text) not in (9, 11):
        return _length(text)
    if text[0] not in "HM":
        return "permit_first", {"ch": text[0]}
    return _bad_char(text[1:], _DIGITS, "not_digit", 1)


def _check_taiwan_permit(text: str, today: datetime.date) -> Problem | None:
    if len(text) not in (8, 10):
        return _length(text)
    return _bad_char(text, _DIGITS, "not_digit")


def _check_passport(text: str, today: datetime.date) -> Problem | None:
    """Letters and digits, at least one digit: a word ("IDCARD", "HELLO") is no passport number.

    >>> day = datetime.date(2026, 1, 1)
    >>> _check_passport("IDCARD", day), _check_passport("E12345678", day)
    (('passport_no_digit', {}), None)
    """
    if not 5 <= len(text) <= 17:
        return _length(text)
    problem = _bad_char(text, _DIGITS | _LETTERS, "not_alnum")
    if problem:
        return problem
    if not any(ch in _DIGITS for ch in text):
        return "passport_no_digit", {}
    return None


def _is_chinese(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF  # CJK Unified Ideographs
        or 0x3400 <= code <= 0x4DBF  # Extension A
        or 0x20000 <= code <= 0x323AF  # Extensions B–H
        or 0xF900 <= code <= 0xFAFF  # Compatibility Ideographs
    )


def _check_officer_id(text: str, today: datetime.date) -> Problem | None:
    if len(text) > _OFFICER_MAX:
        return "too_long", {"limit": _OFFICER_MAX, "got": len(text)}
    for i, ch in enumerate(text):
        if not (ch in _DIGITS or ch in _LETTERS or _is_chinese(ch)):
            return "not_officer_char", {"pos": i + 1, "ch": ch}
    return None


def _check_mobile(text: str, today: datetime.date) -> Problem | None:
    if len(text) != 11:
        return _length(text)
    problem = _bad_char(text, _DIGITS, "not_digit")
    if problem:
        return problem
    if text[0] != "1":
        return "mobile_first", {"got": text[0]}
    if text[1] not in "3456789":
        return "mobile_second", {"got": text[1]}
    return None


_CHECKS: dict[str, Callable[[str, datetime.date], Problem | None]] = {
    "resident_id": _check_resident_id,
    "officer_id": _check_officer_id,
    "hk_macau_permit": _check_hk_macau_permit,
    "taiwan_permit": _check_taiwan_permit,
    "passport": _check_passport,
    "hk_id": _check_hk_id,
    "macau_id": _check_macau_id,
    "hkmt_residence_permit": _check_hkmt,
    "foreign_permanent_id": _check_foreign_permanent,
    "uscc": _check_uscc,
    "mobile": _check_mobile,
}


def _problem(doc_type: str, number: str, today: datetime.date) -> Problem | None:
    text = normalize(doc_type, number)
    if not text:
        return "empty", {}
    return _CHECKS[doc_type](text, today)


# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------


def _show(ch: str) -> str:
    """A character as it can be quoted in a message (``U+0007`` for invisible ones)."""
    return ch if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"


def _nth(n: int) -> str:
    """English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st …"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _render(doc_type: str, code: str, params: dict[str, Any]) -> tuple[str, str]:
    """Fill in a message template; a ``(zh, en)`` tuple parameter gives each language its text."""
    zh_t, en_t = MESSAGES[code]
    subj, subj_en = _SUBJECT[doc_type]
    values = dict(params)
    if "ch" in values:
        values["ch"] = _show(values["ch"])
    if "pos" in values:
        values["nth"] = _nth(values["pos"])
    if code == "length":
        values["expected"], values["expected_en"] = _EXPECTED_LENGTH[doc_type]
    zh_values = {k: v[0] if isinstance(v, tuple) else v for k, v in values.items()}
    en_values = {k: v[1] if isinstance(v, tuple) else v for k, v in values.items()}
    zh = zh_t.format(subj=subj, **zh_values)
    en = en_t.format(Subj=subj_en[0].upper() + subj_en[1:], **en_values)
    return zh, en


def _lookalike(doc_type: str, number: str, today: datetime.date) -> tuple[str, str] | None:
    """The hint naming another document type whose check ``number`` passes, if any."""
    for other in _LOOKALIKE_ORDER:
        if other == doc_type or (doc_type, other) in _NO_LOOKALIKE:
            continue
        if _problem(other, number, today) is None:
            # The manual's note on 港澳居民身份证 is for a number given as some other document.
            hkmo = other in _HKMO_IDS and doc_type not in _HKMO_IDS
            zh_t, en_t = MESSAGES["looks_like_hkmo" if hkmo else "looks_like"]
            name, name_en = _SUBJECT[other]
            return zh_t.format(other=name), en_t.format(other_en=name_en)
    return None


def validate_id(inp: ValidateIdInput, *, today: datetime.date | None = None) -> ValidateIdOutput:
    """Check a document (or mobile) number's form; say precisely what is wrong.

    ``today`` bounds the birth date of GB 11643 numbers (default: the real today).

    >>> validate_id(ValidateIdInput(doc_type="hk_id", number="A123456(3)"))
    NumberCheck(valid=True, normalized='A1234563', message=None, message_en=None)
    >>> out = validate_id(ValidateIdInput(doc_type="uscc", number="91O10000600037341L"))
    >>> print(out.message_en)
    Unified social credit code: the 3rd character 'O' is not allowed in a unified social credit code \
(I, O, Z, S and V are not used; GB 32100-2015).
    >>> out = validate_id(ValidateIdInput(doc_type="hk_id", number="11010519491231002X"))
    >>> out.valid, out.message_en.split(". ")[-1]
    (False, 'It looks like a resident identity card number; please check the document type.')
    >>> validate_id(ValidateIdInput(doc_type="resident_id", number="110105202302300027"),
    ...             today=datetime.date(2024, 1, 1)).message
    '居民身份证号码第7–14位出生日期20230230不是有效日期。'
    """
    day = today if today is not None else datetime.date.today()
    problem = _problem(inp.doc_type, inp.number, day)
    if problem is None:
        return ValidateIdOutput(
            valid=True, normalized=normalize(inp.doc_type, inp.number), message=None, message_en=None
        )
    code, params = problem
    zh, en = _render(inp.doc_type, code, params)
    if code != "empty":
        hint = _lookalike(inp.doc_type, inp.number, day)
        if hint:
            zh, en = zh + hint[0], f"{en} {hint[1]}"
    return ValidateIdOutput(valid=False, normalized=None, message=zh, message_en=en)


# Registered by a call rather than ``@rule`` so that static typing keeps the
# keyword-only ``today`` (the decorator's type is ``Callable[[I], O]``); the
# registry calls it with the input alone.
rule("validate_id", ValidateIdInput)(validate_id)
