"""Title certificate numbers (产权证书编号): normalise them and check their form.

Manual 5.2.2 界面操作, 产权证书编号: "产权证书类型为房地产权证书，格式为：深房地字第
XXXXXXX号。产权证书类型为不动产权证书，格式为：粤 XXXX 深圳市不动产权第XXXXX 号。"

* ``realty_cert`` (房地产权证书): ``深房地字第`` + digits + ``号``.
* ``property_cert`` (不动产权证书): ``粤`` + a 4-digit year (in brackets, or bare as the
  manual prints it) + ``深圳市不动产权第`` + digits + ``号``.

Half- or full-width brackets (and 〔〕【】[]), full-width digits and stray spaces are
accepted; the normalised form has full-width brackets ``（）`` and no spaces.  The
manual shows the number of digits only as placeholders, so any number of digits
(at least one) is accepted.

>>> validate_cert_number(ValidateCertInput(cert_type="property_cert", number="粤 2020 深圳市不动产权第0123456 号")).normalized
'粤（2020）深圳市不动产权第0123456号'
"""

from __future__ import annotations

import re
from typing import Any

from ._base import NumberCheck, RuleInput, rule
from .codes import CERT_TYPE_NAMES, CertType
from .text import strip_spaces, to_halfwidth

# ---------------------------------------------------------------------------
# Message texts: code -> (zh, en).  Each problem message is followed by the
# expected format ("format_<cert_type>").
# ---------------------------------------------------------------------------
MESSAGES: dict[str, tuple[str, str]] = {
    "format_realty_cert": (
        "房地产权证书的编号格式为：深房地字第XXXXXXX号（手册5.2.2）。",
        "A 房地产权证书 number has the form 深房地字第XXXXXXX号 (manual 5.2.2).",
    ),
    "format_property_cert": (
        "不动产权证书的编号格式为：粤（XXXX）深圳市不动产权第XXXXX号，XXXX为4位年份（手册5.2.2）。",
        "A 不动产权证书 number has the form 粤（XXXX）深圳市不动产权第XXXXX号, XXXX being the 4-digit year "
        "(manual 5.2.2).",
    ),
    "empty": ("产权证书编号为空，请输入编号。", "The certificate number is empty; please enter it."),
    "wrong_type": (
        "这是{right}的编号格式，请将产权证书类型选为“{right}”（手册5.2.2）。",
        "This number has the format of the {right_en}; please choose {right} as the certificate type "
        "(manual 5.2.2).",
    ),
    "realty_prefix": (
        "房地产权证书编号应以“深房地字第”开头，当前为“{got}”。",
        "A 房地产权证书 number should start with 深房地字第; got '{got}'.",
    ),
    "property_prefix": (
        "不动产权证书编号应以“粤”开头，当前为“{got}”。",
        "A 不动产权证书 number should start with 粤; got '{got}'.",
    ),
    "year_unclosed": (
        "“粤”后的年份缺少右括号“）”。",
        "The year after 粤 lacks its closing bracket ）.",
    ),
    "year_unopened": (
        "“粤”后的年份缺少左括号“（”。",
        "The year after 粤 lacks its opening bracket （.",
    ),
    "year_missing": (
        "“粤”后应为4位年份（可写在括号内），当前为“{got}”。",
        "粤 should be followed by the 4-digit year (brackets optional); got '{got}'.",
    ),
    "year_digits": (
        "“粤”后的年份应为4位数字，当前为“{got}”。",
        "The year after 粤 should be 4 digits; got '{got}'.",
    ),
    "property_middle": (
        "年份后缺少“深圳市不动产权第”，当前为“{got}”。",
        "深圳市不动产权第 is missing after the year; got '{got}'.",
    ),
    "missing_hao": (
        "编号末尾缺少“号”。",
        "The number lacks 号 at the end.",
    ),
    "no_digits": (
        "“第”与“号”之间缺少编号数字。",
        "There are no digits between 第 and 号.",
    ),
    "non_digits": (
        "“第”与“号”之间只能是数字，发现非数字字符：{chars}。",
        "Only digits may stand between 第 and 号; found {chars_en}.",
    ),
    "after_hao": (
        "“号”后面还有多余的字符“{got}”。",
        "There are extra characters after 号: '{got}'.",
    ),
}

REALTY_PREFIX = "深房地字第"
PROPERTY_PROVINCE = "粤"
PROPERTY_MIDDLE = "深圳市不动产权第"
HAO = "号"

_OPEN = "([〔【"  # after to_halfwidth, （ and ［ are ( and [
_CLOSE = ")]〕】"
_BRACKETS = str.maketrans({**dict.fromkeys(_OPEN, "（"), **dict.fromkeys(_CLOSE, "）")})
# The template's own characters typed in Traditional (a Hong Kong or Taiwan keyboard) are the
# same characters: 粵（2020）深圳市不動產權第…號 is 粤（2020）深圳市不动产权第…号.
_SIMPLIFIED = str.maketrans("粵動產權號", "粤动产权号")
_BARE_YEAR = re.compile(r"^粤([0-9]+)(?![0-9）])")  # not when a lone ） follows
_DIGITS = frozenset("0123456789")
_SHOWN = 20  # characters of the user's text quoted in a message


class ValidateCertInput(RuleInput):
    cert_type: CertType
    number: str


ValidateCertOutput = NumberCheck  # shared with the other number validator


def normalize(cert_type: str, number: str) -> str:
    """The normalised spelling of a certificate number (both types normalise alike).

    Spaces go (U+3000 too), full-width digits become half-width, every bracket
    becomes ``（`` / ``）``, the template's characters typed in Traditional become
    Simplified, and a bare year after ``粤`` is put in brackets.

    >>> normalize("property_cert", "粤[2020] 深圳市不动产权第０１２３４５６号")
    '粤（2020）深圳市不动产权第0123456号'
    >>> normalize("realty_cert", " 深房地字第 3000123456 号 ")
    '深房地字第3000123456号'
    >>> normalize("property_cert", "粵（2021）深圳市不動產權第0234567號")
    '粤（2021）深圳市不动产权第0234567号'
    """
    text = strip_spaces(to_halfwidth(number)).translate(_BRACKETS).translate(_SIMPLIFIED)
    return _BARE_YEAR.sub(r"粤（\1）", text)


# ---------------------------------------------------------------------------
# Checks: each returns None for a good number or (message code, parameters).
# ---------------------------------------------------------------------------

Problem = tuple[str, dict[str, Any]]


def _quote(text: str) -> str:
    """At most ``_SHOWN`` characters of ``text``, invisible ones as U+XXXX."""
    shown = "".join(
        ch if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}" for ch in text[:_SHOWN]
    )
    return shown + ("…" if len(text) > _SHOWN else "")


def _check_serial(body: str) -> Problem | None:
    """``body`` is what follows 第: digits, then 号, then nothing."""
    end = body.find(HAO)
    if end < 0:
        serial, tail = body, None
    else:
        serial, tail = body[:end], body[end + 1 :]
    bad = list(dict.fromkeys(ch for ch in serial if ch not in _DIGITS))
    if bad:
        shown = [_quote(ch) for ch in bad[:5]] + (["…"] if len(bad) > 5 else [])
        return "non_digits", {
            "chars": "、".join(f"“{c}”" for c in shown),
            "chars_en": ", ".join(f"'{c}'" for c in shown),
        }
    if tail is None:
        return "missing_hao", {}
    if not serial:
        return "no_digits", {}
    if tail:
        return "after_hao", {"got": _quote(tail)}
    return None


def _check_realty(text: str) -> Problem | None:
    if not text.startswith(REALTY_PREFIX):
        return "realty_prefix", {"got": _quote(text)}
    return _check_serial(text[len(REALTY_PREFIX) :])


def _check_property(text: str) -> Problem | None:
    if not text.startswith(PROPERTY_PROVINCE):
        return "property_prefix", {"got": _quote(text)}
    rest = text[len(PROPERTY_PROVINCE) :]
    if rest.startswith("（"):
        close = rest.find("）")
        if close < 0:
            return "year_unclosed", {}
        year, after = rest[1:close], rest[close + 1 :]
    else:
        # normalize() has bracketed a bare run of digits unless a lone ） follows it.
        close = rest.find("）")
        if close >= 0 and PROPERTY_MIDDLE not in rest[:close]:
            return "year_unopened", {}
        return "year_missing", {"got": _quote(rest)}
    if len(year) != 4 or not set(year) <= _DIGITS:
        return "year_digits", {"got": _quote(year)}
    if not after.startswith(PROPERTY_MIDDLE):
        return "property_middle", {"got": _quote(after)}
    return _check_serial(after[len(PROPERTY_MIDDLE) :])


_CHECKS = {"realty_cert": _check_realty, "property_cert": _check_property}


def _render(cert_type: str, code: str, params: dict[str, Any]) -> tuple[str, str]:
    zh_t, en_t = MESSAGES[code]
    zh, en = zh_t.format(**params), en_t.format(**params)
    if code != "wrong_type":
        fmt_zh, fmt_en = MESSAGES[f"format_{cert_type}"]
        zh, en = zh + fmt_zh, f"{en} {fmt_en}"
    return zh, en


@rule("validate_cert_number", ValidateCertInput)
def validate_cert_number(inp: ValidateCertInput) -> ValidateCertOutput:
    """Check a title certificate number against its type's format (manual 5.2.2).

    >>> validate_cert_number(ValidateCertInput(cert_type="realty_cert", number="深房地字第 3000123456号"))
    NumberCheck(valid=True, normalized='深房地字第3000123456号', message=None, message_en=None)
    >>> print(validate_cert_number(ValidateCertInput(
    ...     cert_type="realty_cert", number="粤(2020)深圳市不动产权第0123456号")).message)
    这是不动产权证书的编号格式，请将产权证书类型选为“不动产权证书”（手册5.2.2）。
    >>> print(validate_cert_number(ValidateCertInput(cert_type="realty_cert", number="深房地字第30001A3456号")).message)
    “第”与“号”之间只能是数字，发现非数字字符：“A”。房地产权证书的编号格式为：深房地字第XXXXXXX号（手册5.2.2）。
    """
    text = normalize(inp.cert_type, inp.number)
    if not text:
        problem: Problem | None = ("empty", {})
    else:
        problem = _CHECKS[inp.cert_type](text)
    if problem is None:
        return ValidateCertOutput(valid=True, normalized=text, message=None, message_en=None)
    code, params = problem
    other = "property_cert" if inp.cert_type == "realty_cert" else "realty_cert"
    if code != "empty" and _CHECKS[other](normalize(other, inp.number)) is None:
        right, right_en = CERT_TYPE_NAMES[other]
        code, params = "wrong_type", {"right": right, "right_en": right_en}
    zh, en = _render(inp.cert_type, code, params)
    return ValidateCertOutput(valid=False, normalized=None, message=zh, message_en=en)
