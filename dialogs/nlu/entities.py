"""Entities in what people type: certificate and ID numbers, mobiles, amounts, dates, shares, yes/no.

Pure functions.  Each ``find_*`` function takes the ORIGINAL text and returns
:class:`~dialogs.nlu.models.Entity` objects whose ``start``/``end`` are offsets in
it; matching is done on :func:`~dialogs.nlu.normalize.aligned_view` (Simplified,
half-width, lower case, same length), so Traditional characters, full-width
digits and capitals are understood.  :func:`extract_entities` runs them all and
keeps non-overlapping entities, the longest (then the most specific) first.

The number forms come from the manual: 5.2.2 产权证书编号 (深房地字第XXXXXXX号 and
粤 XXXX 深圳市不动产权第XXXXX号), 5.3.1 / 5.4.1 证件类型 and 所占份额 / 转让的份额;
whether a number is valid is for ``rules`` to say (``validate_cert_number``,
``validate_id``).

>>> [(e.type, e.value) for e in extract_entities("房本是粵(2020)深圳市不動產權第0123456號，賣300萬", today=TODAY)]
[('cert_number', '粤（2020）深圳市不动产权第0123456号'), ('amount', 3000000)]
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

import rules
from rules import ids as rule_ids

from .data import DATA_DIR, read_yaml
from .models import Entity, EntityValue
from .normalize import aligned_view
from .numerals import CN_DIGITS, CN_NUMERAL_CHARS, any_to_decimal, arabic_to_decimal, cn_to_decimal

#: A fixed day for the doctests.
TODAY = datetime.date(2026, 1, 15)

#: Entity types, most specific first: on equal span length the earlier type wins.
ENTITY_TYPES: tuple[str, ...] = ("cert_number", "id_number", "mobile", "date", "amount", "share", "yes_no")
_PRIORITY = {name: i for i, name in enumerate(ENTITY_TYPES)}

_MAX_TEXT = 20_000  # characters examined; longer texts are cut (nobody types more)


class Candidate(NamedTuple):
    """An entity found in the aligned view, before overlaps are resolved."""

    type: str
    value: EntityValue
    start: int
    end: int
    extra: dict[str, str]

    def to_entity(self, text: str) -> Entity:
        return Entity(
            type=self.type,
            value=self.value,
            raw=text[self.start : self.end],
            start=self.start,
            end=self.end,
            extra=self.extra,
        )


def _trim(view: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with white space."""
    while start < end and view[start].isspace():
        start += 1
    while end > start and view[end - 1].isspace():
        end -= 1
    return start, end


def _compact(s: str) -> str:
    return "".join(s.split())


# ---------------------------------------------------------------------------
# cert_number (manual 5.2.2 产权证书编号)
# ---------------------------------------------------------------------------

_SERIAL = r"\d+(?:[ \t]+\d+)*"
_REALTY = re.compile(rf"深\s*房\s*地\s*字\s*(?:第\s*)?{_SERIAL}(?:\s*号)?")
_PROPERTY = re.compile(
    r"粤\s*(?:[(\[〔【]?\s*\d{1,6}\s*[)\]〕】]?\s*)?(?:深\s*圳\s*市\s*)?不\s*动\s*产\s*权\s*(?:第\s*)?"
    rf"{_SERIAL}(?:\s*号)?"
)


def _cert_candidates(view: str) -> list[Candidate]:
    out: list[Candidate] = []
    for cert_type, pattern in (("realty_cert", _REALTY), ("property_cert", _PROPERTY)):
        for m in pattern.finditer(view):
            start, end = _trim(view, m.start(), m.end())
            raw = view[start:end]
            result = rules.evaluate("validate_cert_number", {"cert_type": cert_type, "number": raw})
            valid = bool(result["valid"])
            value = str(result["normalized"]) if valid else _compact(raw)
            extra = {"cert_type": cert_type, "valid": "true" if valid else "false"}
            out.append(Candidate("cert_number", value, start, end, extra))
    return out


def find_cert_numbers(text: str) -> list[Entity]:
    """Title certificate numbers (产权证书编号), in any spacing, bracket or width.

    ``value`` is the rules' normalised form when valid, else the compacted text.

    >>> [(e.value, e.extra) for e in find_cert_numbers("证号：深房地字第 3000123456 号")]
    [('深房地字第3000123456号', {'cert_type': 'realty_cert', 'valid': 'true'})]
    >>> e = find_cert_numbers("粤 ２０２０ 深圳市不动产权第0123456号吗")[0]
    >>> e.value, e.raw, e.extra["cert_type"]
    ('粤（2020）深圳市不动产权第0123456号', '粤 ２０２０ 深圳市不动产权第0123456号', 'property_cert')
    >>> [(e.value, e.extra["valid"]) for e in find_cert_numbers("粤(20)深圳市不动产权第12号")]
    [('粤(20)深圳市不动产权第12号', 'false')]
    """
    view = aligned_view(text[:_MAX_TEXT])
    return [c.to_entity(text) for c in _cert_candidates(view)]


# ---------------------------------------------------------------------------
# id_number (manual 5.2.2 权利人证件号码; 5.3.1 / 5.4.1 证件类型)
# ---------------------------------------------------------------------------

_B = r"(?<![a-z0-9])"  # no letter or digit just before
_E = r"(?![a-z0-9])"  # nor just after
_ID18 = re.compile(rf"{_B}(?:\d{{17}}[\dx]|\d{{6}} \d{{8}} \d{{3}}[\dx]){_E}")
_USCC = re.compile(rf"{_B}[0-9a-z]{{18}}{_E}")
_HKID = re.compile(rf"{_B}[a-z]{{1,2}}\d{{6}}(?:[ ]?\([ ]?[0-9a][ ]?\)|[0-9a]){_E}")
_PERMIT = re.compile(rf"{_B}[hm]\d{{8}}(?:\d{{2}})?{_E}")
_MACAU_BRACKET = re.compile(rf"{_B}[157]\d{{6}}[ ]?\([ ]?\d[ ]?\){_E}")
_EIGHT_DIGITS = re.compile(rf"{_B}\d{{8}}(?:\d{{2}})?{_E}")
_FPR_OLD = re.compile(rf"{_B}[a-z]{{3}}\d{{12}}{_E}")
_PASSPORT = re.compile(rf"{_B}[a-z]{{1,2}}\d{{6,9}}{_E}")

# Words that make a bare number or letter+digits a document number.
_PASSPORT_CONTEXT = re.compile(r"护照|passport")
_MACAU_CONTEXT = re.compile(r"澳门|macau|macao")
_TAIWAN_CONTEXT = re.compile(r"台胞|台湾|taiwan")
_DOC_CONTEXT = re.compile(r"证件|证号|号码|身份证|通行证|\bid\b|\bno\b|number|#")


def _id_valid(doc_type: str, number: str) -> bool:
    result = rules.evaluate("validate_id", {"doc_type": doc_type, "number": number})
    return bool(result["valid"])


def _guess_18(raw: str) -> tuple[str, bool]:
    """The document type of an 18-character number, and whether it is valid as that."""
    digits_only = rule_ids.normalize("resident_id", raw)
    if digits_only[:6] in ("810000", "820000", "830000") and _id_valid("hkmt_residence_permit", raw):
        return "hkmt_residence_permit", True
    if _id_valid("resident_id", raw):
        return "resident_id", True
    if digits_only.startswith("9") and _id_valid("foreign_permanent_id", raw):
        return "foreign_permanent_id", True
    if _id_valid("uscc", raw):
        return "uscc", True
    if digits_only[:6] in ("810000", "820000", "830000"):
        return "hkmt_residence_permit", False
    if set(digits_only[:17]) <= set("0123456789"):
        return "resident_id", False
    return "uscc", False


def _id_candidates(view: str) -> list[Candidate]:
    out: list[Candidate] = []

    def add(doc_type: str, start: int, end: int, valid: bool | None = None) -> None:
        raw = view[start:end]
        if valid is None:
            valid = _id_valid(doc_type, raw)
        value = rule_ids.normalize(doc_type, raw)
        extra = {"doc_type": doc_type, "valid": "true" if valid else "false"}
        out.append(Candidate("id_number", value, start, end, extra))

    for m in _ID18.finditer(view):
        doc_type, valid = _guess_18(m.group())
        add(doc_type, m.start(), m.end(), valid)
    for m in _USCC.finditer(view):
        token = m.group()
        if token.isdigit() or (token[:17].isdigit() and token[17] == "x"):
            continue  # handled as an 18-digit number above
        if not token[2:8].isdigit():
            continue  # characters 3-8 are the region code: a word, not a code
        add("uscc", m.start(), m.end())
    for m in _HKID.finditer(view):
        add("hk_id", m.start(), m.end())
    for m in _PERMIT.finditer(view):
        add("hk_macau_permit", m.start(), m.end())
    for m in _MACAU_BRACKET.finditer(view):
        add("macau_id", m.start(), m.end())
    for m in _FPR_OLD.finditer(view):
        add("foreign_permanent_id", m.start(), m.end())
    for m in _EIGHT_DIGITS.finditer(view):
        before = view[max(0, m.start() - 15) : m.start()]
        if len(m.group()) == 8 and _MACAU_CONTEXT.search(before) and m.group()[0] in "157":
            add("macau_id", m.start(), m.end())
        elif _TAIWAN_CONTEXT.search(before):
            add("taiwan_permit", m.start(), m.end())
    whole = view.strip()
    for m in _PASSPORT.finditer(view):
        token = m.group()
        if _PERMIT.fullmatch(token) or _HKID.fullmatch(token):
            continue
        before = view[max(0, m.start() - 20) : m.start()]
        if _PASSPORT_CONTEXT.search(view) or token == whole or _DOC_CONTEXT.search(before):
            add("passport", m.start(), m.end())
    return out


def find_id_numbers(text: str) -> list[Entity]:
    """Identity document numbers, normalised, with the best guess of their type in ``extra``.

    Resident ID (18 with X), HK ID ``A123456(3)``, Macao ID ``1234567(8)``, HK/Macao
    permit ``H12345678``, unified social credit code, and passport-like numbers
    when the text says they are one.  ``extra["valid"]`` is the rules' verdict.

    >>> [(e.value, e.extra["doc_type"], e.extra["valid"]) for e in find_id_numbers("身份证11010519491231002x")]
    [('11010519491231002X', 'resident_id', 'true')]
    >>> [(e.value, e.extra["doc_type"]) for e in find_id_numbers("香港身份證Ａ１２３４５６（３）")]
    [('A1234563', 'hk_id')]
    >>> [(e.value, e.extra["doc_type"]) for e in find_id_numbers("回乡证 H12345678")]
    [('H12345678', 'hk_macau_permit')]
    >>> [(e.value, e.extra["doc_type"]) for e in find_id_numbers("公司代码91110000600037341L")]
    [('91110000600037341L', 'uscc')]
    >>> [(e.value, e.extra["doc_type"]) for e in find_id_numbers("my passport no. is E12345678")]
    [('E12345678', 'passport')]
    >>> find_id_numbers("room B1203")
    []
    """
    view = aligned_view(text[:_MAX_TEXT])
    return [c.to_entity(text) for c in _resolve(_id_candidates(view))]


# ---------------------------------------------------------------------------
# mobile
# ---------------------------------------------------------------------------

_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)[ ]?86[ \-]?)?1[3-9]\d(?:[ \-]?\d){8}(?!\d)")


def _mobile_candidates(view: str) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _MOBILE.finditer(view):
        value = rule_ids.normalize("mobile", m.group())
        if len(value) == 11 and value.isdigit():
            out.append(Candidate("mobile", value, m.start(), m.end(), {}))
    return out


def find_mobiles(text: str) -> list[Entity]:
    """Mainland mobile numbers (11 digits, optional +86 / 0086, spaces or hyphens).

    >>> [(e.value, e.raw) for e in find_mobiles("电话 +86 138-0013-8000，或者13912345678")]
    [('13800138000', '+86 138-0013-8000'), ('13912345678', '13912345678')]
    >>> find_mobiles("12345678901")
    []
    """
    view = aligned_view(text[:_MAX_TEXT])
    return [c.to_entity(text) for c in _mobile_candidates(view)]


# ---------------------------------------------------------------------------
# amount (money in yuan)
# ---------------------------------------------------------------------------

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CURRENCY = r"¥|￥|rmb|cny|人民币"
_UNIT = r"元|块钱|块|圆|yuan|rmb|cny|人民币"
_MULTIPLIERS: dict[str, int] = {
    "百万": 1_000_000,
    "千万": 10_000_000,
    "万": 10_000,
    "亿": 100_000_000,
    "千": 1_000,
    "w": 10_000,
    "k": 1_000,
    "thousand": 1_000,
    "million": 1_000_000,
    "mn": 1_000_000,
    "m": 1_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
}
_MULT = "|".join(sorted((re.escape(k) for k in _MULTIPLIERS), key=len, reverse=True))
_AMOUNT_AR = re.compile(
    rf"(?<![\d.a-z/\-+])(?<!\d,)(?P<cur>(?:{_CURRENCY})\s*)?(?P<num>{_NUM})"
    rf"(?:\s*(?P<mult>{_MULT})(?![a-z0-9²]))?(?:\s*(?P<unit>{_UNIT})(?![a-z]))?"
)
_CN_NUM_CLASS = re.escape(CN_NUMERAL_CHARS) + "点"
_AMOUNT_CN = re.compile(
    rf"(?P<cur>(?:{_CURRENCY})\s*)?(?P<num>[{_CN_NUM_CLASS}]+)(?:\s*(?P<unit>元|块钱|块|圆))?"
)
# After a bare number these say it is not money (a year, a day, a size, a share…).
_NOT_MONEY_AFTER = re.compile(r"\s*(?:年|月|日|号|%|平|㎡|m²|m2|套|岁|个|楼|栋|室|层|:|/|-\d|\.\d|x)")
_BARE_MIN = 10_000
_BARE_MAX_DIGITS = 10  # 11 digits and more: a phone, an account, an ID — not a price
# Bare numbers that are not money: 12345 is the government hotline the manual cites (2, 5.2.1.1).
_NOT_MONEY_NUMBERS = frozenset({"12345"})
_MAX_AMOUNT = 10**13


def _to_yuan(value: Decimal) -> int | None:
    yuan = int(value.to_integral_value(rounding=ROUND_HALF_UP))
    return yuan if 0 < yuan < _MAX_AMOUNT else None


def _amount_candidates(view: str) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _AMOUNT_AR.finditer(view):
        num = arabic_to_decimal(m.group("num"))
        if num is None:
            continue
        cur, mult, unit = m.group("cur"), m.group("mult"), m.group("unit")
        end = m.end()
        if mult is None and unit is None and cur is None:
            digits = m.group("num").replace(",", "")
            grouped = "," in m.group("num")
            if "." in digits or len(digits) > _BARE_MAX_DIGITS or (num < _BARE_MIN and not grouped):
                continue
            if _NOT_MONEY_AFTER.match(view, end) or digits in _NOT_MONEY_NUMBERS:
                continue
        if mult == "m" and cur is None and unit is None and num >= 1000:
            continue  # "120m" is a length, not 120 million
        value = num * _MULTIPLIERS[mult] if mult else num
        yuan = _to_yuan(value)
        if yuan is not None:
            out.append(Candidate("amount", yuan, *_trim(view, m.start(), end), {}))
    for m in _AMOUNT_CN.finditer(view):
        num_text, unit = m.group("num"), m.group("unit")
        if not (unit or "万" in num_text or "亿" in num_text):
            continue  # 三百 alone is no money; 三百万, 两万五, 三千元 are
        if not any(ch in CN_DIGITS for ch in num_text):
            continue
        cn_value = cn_to_decimal(num_text)
        if cn_value is None:
            continue
        yuan = _to_yuan(cn_value)
        if yuan is not None:
            out.append(Candidate("amount", yuan, *_trim(view, m.start(), m.end()), {}))
    return out


def find_amounts(text: str) -> list[Entity]:
    """Money in yuan, as an int: 300万, 3,000,000元, 三百万, 1.5亿, 250w, 2.5 million, ¥3,000,000.

    A bare number counts only from 10,000 up (or with thousands separators) and
    not before 年/月/日/号/%/平/套 and the like.

    >>> [e.value for e in find_amounts("卖300万，最低两百五十万元")]
    [3000000, 2500000]
    >>> [e.value for e in find_amounts("RMB 3 million or 2.5m, ¥3,000,000, 250w, 1.5億")]
    [3000000, 2500000, 3000000, 2500000, 150000000]
    >>> [e.value for e in find_amounts("3室2厅，90平，2026年")]
    []
    """
    view = aligned_view(text[:_MAX_TEXT])
    return [c.to_entity(text) for c in _resolve(_amount_candidates(view))]


# ---------------------------------------------------------------------------
# date
# ---------------------------------------------------------------------------

_CN_SMALL = "一二三四五六七八九十"
_CN_YEAR = "〇零一二三四五六七八九"
_M = rf"(?P<m>\d{{1,2}}|[{_CN_SMALL}]{{1,2}})"
_D = rf"(?P<d>\d{{1,2}}|[{_CN_SMALL}]{{1,3}})"
_DATE_YMD = re.compile(
    rf"(?<!\d)(?P<y>\d{{4}}|[{_CN_YEAR}]{{4}})\s*年\s*{_M}\s*月(?:份)?(?:\s*{_D}\s*[日号])?"
)
_DATE_ISO = re.compile(r"(?<![\d.])(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d.])")
_DATE_REL_YEAR = re.compile(rf"(?P<rel>今年|明年|后年|去年)\s*{_M}\s*月(?:份)?(?:\s*{_D}\s*[日号])?")
_DATE_REL_MONTH = re.compile(rf"(?P<rel>下个?月|这个?月|本月|上个?月)(?:\s*{_D}\s*[日号])?")
_DATE_MD = re.compile(rf"(?<![\d年{_CN_SMALL}]){_M}\s*月\s*{_D}\s*[日号]")
_DATE_M = re.compile(rf"(?<![\d年{_CN_SMALL}第]){_M}\s*月份?(?![\d{_CN_SMALL}])")
_DATE_DAY_WORDS: dict[str, int] = {
    "大后天": 3,
    "后天": 2,
    "明天": 1,
    "明日": 1,
    "今天": 0,
    "今日": 0,
    "昨天": -1,
    "前天": -2,
    "the day after tomorrow": 2,
    "day after tomorrow": 2,
    "tomorrow": 1,
    "today": 0,
    "yesterday": -1,
}
_DATE_DAYS = re.compile(
    r"(?<![a-z])(?:"
    + "|".join(re.escape(k) for k in sorted(_DATE_DAY_WORDS, key=len, reverse=True))
    + r")(?![a-z])"
)
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_DATE_WEEK = re.compile(r"(?P<rel>下|这|本)(?:个)?(?:周|星期|礼拜)(?P<w>[一二三四五六日天])")
_MONTHS: dict[str, int] = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
_DATE_EN_DMY = re.compile(
    rf"(?<![a-z0-9])(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon>{_MONTH_RE})\.?(?:,?\s+(?P<y>\d{{4}}))?(?![a-z0-9])"
)
_DATE_EN_MDY = re.compile(
    rf"(?<![a-z0-9])(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}}){_ORD}(?:,?\s+(?P<y>\d{{4}}))?(?![a-z0-9])"
)
_DATE_EN_MY = re.compile(rf"(?<![a-z0-9])(?P<mon>{_MONTH_RE})\.?,?\s+(?P<y>\d{{4}})(?![a-z0-9])")
_DATE_EN_NEXT_MONTH = re.compile(r"(?<![a-z])next month(?![a-z])")


def _small_int(text: str | None) -> int | None:
    if text is None:
        return None
    value = any_to_decimal(text)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def _year(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if all(ch in CN_DIGITS for ch in text):
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    return None


def _add_months(day: datetime.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _day(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _upcoming(today: datetime.date, month: int, day: int) -> datetime.date | None:
    """``month``/``day`` this year, or next year if that day is already past."""
    this_year = _day(today.year, month, day)
    if this_year is not None and this_year >= today:
        return this_year
    next_year = _day(today.year + 1, month, day)
    return next_year or this_year


def _day_value(day: datetime.date | None) -> tuple[str, dict[str, str]] | None:
    return None if day is None else (day.isoformat(), {"grain": "day"})


def _month_value(year: int, month: int) -> tuple[str, dict[str, str]] | None:
    if not (1 <= month <= 12 and 1 <= year <= 9999):
        return None
    return f"{year:04d}-{month:02d}", {"grain": "month"}


_REL_YEAR = {"去年": -1, "今年": 0, "明年": 1, "后年": 2}


def _date_candidates(view: str, today: datetime.date) -> list[Candidate]:
    found: list[tuple[int, int, tuple[str, dict[str, str]] | None]] = []

    def ymd(year: int | None, month: int | None, day: int | None) -> tuple[str, dict[str, str]] | None:
        if year is None or month is None:
            return None
        if day is None:
            return _month_value(year, month)
        return _day_value(_day(year, month, day))

    for m in _DATE_YMD.finditer(view):
        found.append((m.start(), m.end(), ymd(_year(m["y"]), _small_int(m["m"]), _small_int(m["d"]))))
    for m in _DATE_ISO.finditer(view):
        found.append((m.start(), m.end(), ymd(int(m["y"]), int(m["m"]), int(m["d"]))))
    for m in _DATE_REL_YEAR.finditer(view):
        year = today.year + _REL_YEAR[m["rel"]]
        found.append((m.start(), m.end(), ymd(year, _small_int(m["m"]), _small_int(m["d"]))))
    for m in _DATE_REL_MONTH.finditer(view):
        rel = m["rel"]
        shift = 1 if rel.startswith("下") else -1 if rel.startswith("上") else 0
        year, month = _add_months(today, shift)
        found.append((m.start(), m.end(), ymd(year, month, _small_int(m["d"]))))
    for m in _DATE_MD.finditer(view):
        md_month, md_day = _small_int(m["m"]), _small_int(m["d"])
        if md_month is not None and md_day is not None:
            found.append((m.start(), m.end(), _day_value(_upcoming(today, md_month, md_day))))
    for m in _DATE_M.finditer(view):
        only_month = _small_int(m["m"])
        if only_month is not None and 1 <= only_month <= 12:
            year = today.year if only_month >= today.month else today.year + 1
            found.append((m.start(), m.end(), _month_value(year, only_month)))
    for m in _DATE_DAYS.finditer(view):
        offset = _DATE_DAY_WORDS[m.group()]
        found.append((m.start(), m.end(), _day_value(today + datetime.timedelta(days=offset))))
    for m in _DATE_WEEK.finditer(view):
        monday = today - datetime.timedelta(days=today.weekday())
        if m["rel"] == "下":
            monday += datetime.timedelta(days=7)
        found.append((m.start(), m.end(), _day_value(monday + datetime.timedelta(days=_WEEKDAYS[m["w"]]))))
    for pattern in (_DATE_EN_DMY, _DATE_EN_MDY):
        for m in pattern.finditer(view):
            month, day = _MONTHS[m["mon"]], int(m["d"])
            if m["y"]:
                value = _day_value(_day(int(m["y"]), month, day))
            else:
                value = _day_value(_upcoming(today, month, day))
            found.append((m.start(), m.end(), value))
    for m in _DATE_EN_MY.finditer(view):
        found.append((m.start(), m.end(), _month_value(int(m["y"]), _MONTHS[m["mon"]])))
    for m in _DATE_EN_NEXT_MONTH.finditer(view):
        found.append((m.start(), m.end(), _month_value(*_add_months(today, 1))))
    out: list[Candidate] = []
    for start, end, result in found:
        if result is not None:
            s, e = _trim(view, start, end)
            out.append(Candidate("date", result[0], s, e, result[1]))
    return out


def find_dates(text: str, today: datetime.date | None = None) -> list[Entity]:
    """Dates: ``YYYY-MM-DD`` (``extra["grain"] == "day"``) or ``YYYY-MM`` (grain ``month``).

    A day without a year is this year's, or next year's if it is already past;
    relative words (今天, 明天, 下个月15号, 明年三月, next month) count from ``today``.

    >>> [(e.value, e.extra["grain"]) for e in find_dates("2026年3月1日或者2026/3/2", today=TODAY)]
    [('2026-03-01', 'day'), ('2026-03-02', 'day')]
    >>> [e.value for e in find_dates("1月10日、3月1號、明年三月、下个月15号、后天", today=TODAY)]
    ['2027-01-10', '2026-03-01', '2027-03', '2026-02-15', '2026-01-17']
    >>> [e.value for e in find_dates("1 March 2026, March 2, 2026, april 2027", today=TODAY)]
    ['2026-03-01', '2026-03-02', '2027-04']
    >>> find_dates("3个月以后", today=TODAY)
    []
    """
    day = today or datetime.date.today()
    view = aligned_view(text[:_MAX_TEXT])
    return [c.to_entity(text) for c in _resolve(_date_candidates(view, day))]


# ---------------------------------------------------------------------------
# share (所占份额 / 转让的份额, manual 5.3.1 / 5.4.1)
# ---------------------------------------------------------------------------

_SHARE_PERCENT = re.compile(r"(?<![\d.])(?P<n>\d{1,3}(?:\.\d+)?)\s*(?:%|percent(?![a-z])|per cent(?![a-z]))")
_SHARE_CN_PERCENT = re.compile(rf"百分之(?P<n>[{_CN_NUM_CLASS}\d.]{{1,12}})")
_SHARE_CN_FRACTION = re.compile(
    rf"(?<![{_CN_NUM_CLASS}\d])(?P<den>[{_CN_NUM_CLASS}\d]{{1,8}})分之(?P<num>[{_CN_NUM_CLASS}\d]{{1,8}})"
)
_SHARE_SLASH = re.compile(r"(?<![\d/.\-])(?P<num>\d{1,3})\s?/\s?(?P<den>\d{1,3})(?![\d/])")
_SHARE_TENTHS = re.compile(
    rf"(?<![{_CN_SMALL}\d])(?P<n>[{_CN_SMALL}]|\d)成(?!交|功|本|为|年|立|员|都|绩|果|熟|人)"
)
_SHARE_WORDS: dict[str, Fraction] = {
    "一半": Fraction(1, 2),
    "全部份额": Fraction(1),
    "全部产权": Fraction(1),
    "全部": Fraction(1),
    "全额": Fraction(1),
    "a half": Fraction(1, 2),
    "one half": Fraction(1, 2),
    "half": Fraction(1, 2),
    "one third": Fraction(1, 3),
    "a third": Fraction(1, 3),
    "two thirds": Fraction(2, 3),
    "one quarter": Fraction(1, 4),
    "a quarter": Fraction(1, 4),
    "three quarters": Fraction(3, 4),
    "百分之百": Fraction(1),
    "all of it": Fraction(1),
    "the whole share": Fraction(1),
}
_SHARE_WORD_RE = re.compile(
    r"(?<![a-z])(?:"
    + "|".join(re.escape(k) for k in sorted(_SHARE_WORDS, key=len, reverse=True))
    + r")(?![a-z])"
)
# 全部 is a share only when it stands alone or is followed by a share word (not 全部流程).
_ALL_OK_AFTER = re.compile(r"$|[\s,.!?;:，。！？；：、的了吧啊呀]|份|产|转|卖|都|过")


def percent_text(share: Fraction) -> str:
    """The share as a percentage string: ``50``, ``33.33``.

    >>> percent_text(Fraction(1, 2)), percent_text(Fraction(1, 3)), percent_text(Fraction(1, 8))
    ('50', '33.33', '12.5')
    """
    value = share * 100
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def _share(fraction: Fraction) -> tuple[str, dict[str, str]] | None:
    if not 0 <= fraction <= 1:
        return None
    return f"{fraction.numerator}/{fraction.denominator}", {"percent": percent_text(fraction)}


def _share_candidates(view: str) -> list[Candidate]:
    found: list[tuple[int, int, Fraction | None]] = []
    for m in _SHARE_PERCENT.finditer(view):
        value = arabic_to_decimal(m["n"])
        found.append((m.start(), m.end(), None if value is None else Fraction(value) / 100))
    for m in _SHARE_CN_PERCENT.finditer(view):
        value = any_to_decimal(m["n"])
        found.append((m.start(), m.end(), None if value is None else Fraction(value) / 100))
    for m in _SHARE_CN_FRACTION.finditer(view):
        num, den = _small_int(m["num"]), _small_int(m["den"])
        if num is not None and den:
            found.append((m.start(), m.end(), Fraction(num, den)))
    for m in _SHARE_SLASH.finditer(view):
        num, den = int(m["num"]), int(m["den"])
        if den and num <= den:
            found.append((m.start(), m.end(), Fraction(num, den)))
    for m in _SHARE_TENTHS.finditer(view):
        n = _small_int(m["n"])
        if n is not None:
            found.append((m.start(), m.end(), Fraction(n, 10)))
    for m in _SHARE_WORD_RE.finditer(view):
        if m.group() == "全部" and not _ALL_OK_AFTER.match(view, m.end()):
            continue
        found.append((m.start(), m.end(), _SHARE_WORDS[m.group()]))
    out: list[Candidate] = []
    for start, end, fraction in found:
        result = None if fraction is None else _share(fraction)
        if result is not None:
            s, e = _trim(view, start, end)
            out.append(Candidate("share", result[0], s, e, result[1]))
    return out


def find_shares(text: str) -> list[Entity]:
    """Shares of the property, as a reduced fraction string, with the percentage in ``extra``.

    >>> [(e.value, e.extra["percent"]) for e in find_shares("我占50%，她占百分之五十")]
    [('1/2', '50'), ('1/2', '50')]
    >>> [e.value for e in find_shares("三分之一、1/3、一半、全部、100%、0%")]
    ['1/3', '1/3', '1/2', '1/1', '1/1', '0/1']
    >>> find_shares("全部流程")
    []
    """
    view = aligned_view(text[:_MAX_TEXT])
    return [c.to_entity(text) for c in _resolve(_share_candidates(view))]


# ---------------------------------------------------------------------------
# yes_no
# ---------------------------------------------------------------------------

YES_NO_FILE = DATA_DIR / "yes_no.yaml"


def _load_yes_no(path: Path = YES_NO_FILE) -> tuple[dict[str, bool], frozenset[str], tuple[str, ...]]:
    """The lexicon of ``data/yes_no.yaml``: word -> yes/no, the start-only words, the non-answers.

    Verb answers are made from its verbs and their prefixes and suffixes (签 + 了 = 签了, 还没 + 签 =
    还没签); entries are read in the aligned view (唔係 -> 唔系).
    """
    raw = read_yaml(path)

    def words(key: str) -> list[str]:
        items = raw.get(key) or []
        if not isinstance(items, list) or not all(isinstance(w, str) for w in items):
            raise ValueError(f"{path.name}: {key}: expected a list of strings (quote yes/no/y/n)")
        return [aligned_view(w.strip()) for w in items if w.strip()]

    verbs = words("verbs")
    lexicon: dict[str, bool] = {}
    for word in words("yes_words") + words("yes_en"):
        lexicon[word] = True
    for prefix in words("yes_before_verb"):
        lexicon.update(dict.fromkeys((prefix + v for v in verbs), True))
    for suffix in words("yes_after_verb"):
        lexicon.update(dict.fromkeys((v + suffix for v in verbs), True))
    for prefix in words("no_before_verb"):
        lexicon.update(dict.fromkeys((prefix + v for v in verbs), False))
    for word in words("no_words") + words("no_en"):
        lexicon[word] = False
    return lexicon, frozenset(words("start_only")), tuple(words("not_answers"))


#: word -> True (yes) / False (no); words only taken at the start; beginnings that are no answer.
_YES_NO, _START_ONLY, _NOT_ANSWERS = _load_yes_no()
_YES_NO_MAX_LEN = max(len(k) for k in _YES_NO)
_LEAD = re.compile(r"[\s,.!?;:，。！？；：、~～…\"'“”‘’()（）]*")
_QUESTION_END = re.compile(r"(?:吗|么|嘛|呢)?[\s。.!！~～]*[?？][\s?？]*$|吗[\s。.!！~～]*$")
_SHORT_ZH = 8
_QUESTION_TAIL = 16  # characters at the end looked at for a question mark or 吗
# What may follow a Chinese yes/no word at the start: a pause, a particle, 我, 谢谢, or another yes/no word.
_AFTER_ANSWER = re.compile(r"[\s,.!?;:，。！？；：、~～…啊呀吧的了哦噢嘛啦呢哈我谢]")
# English words that may open a longer message as an answer (not "right now …").
_EN_LEADING = frozenset({"yes", "yeah", "yep", "yup", "no", "nope", "nah", "ok", "okay", "sure"})
_SHORT_EN_WORDS = 3
_SHORT_EN_CHARS = 30  # three words, not one 10,000-letter "word"


def _is_ascii_word(word: str) -> bool:
    return word.isascii()


def _word_at(view: str, pos: int, *, anywhere: bool) -> str | None:
    """The longest yes/no word at ``pos`` (whole words for English), or None."""
    for length in range(min(_YES_NO_MAX_LEN, len(view) - pos), 0, -1):
        word = view[pos : pos + length]
        if word not in _YES_NO:
            continue
        if anywhere and word in _START_ONLY:
            continue
        if _is_ascii_word(word):
            before = view[pos - 1] if pos > 0 else " "
            after = view[pos + length] if pos + length < len(view) else " "
            if before.isalnum() or after.isalnum():
                continue
        return word
    return None


def _answer_ends(view: str, end: int) -> bool:
    """Whether a Chinese yes/no word ending at ``end`` stands apart (是的，… / 不是我 / 好的谢谢)."""
    if end >= len(view) or _AFTER_ANSWER.match(view, end):
        return True
    return _word_at(view, end, anywhere=False) is not None


def _yes_no_candidates(view: str) -> list[Candidate]:
    stripped = view.strip()
    if not stripped or _QUESTION_END.search(stripped[-_QUESTION_TAIL:]):
        return []
    lead = _LEAD.match(view)
    start = lead.end() if lead else 0
    if view.startswith(_NOT_ANSWERS, start):
        return []
    ascii_text = stripped.isascii()
    if ascii_text:
        short = len(stripped) <= _SHORT_EN_CHARS and len(stripped.split()) <= _SHORT_EN_WORDS
    else:
        short = len(stripped) <= _SHORT_ZH
    word = _word_at(view, start, anywhere=False)
    pos = start
    if word is not None:
        if _is_ascii_word(word):
            if not short and word not in _EN_LEADING:
                word = None
        elif not _answer_ends(view, start + len(word)):
            word = None
    if word is None and short:
        for pos in range(start + 1, len(view)):
            if view.startswith(_NOT_ANSWERS, pos):
                return []
            word = _word_at(view, pos, anywhere=True)
            if word is not None:
                break
    if word is None:
        return []
    return [Candidate("yes_no", _YES_NO[word], pos, pos + len(word), {})]


def find_yes_no(text: str) -> list[Entity]:
    """A yes or no answer: at most one, from a short message or one that starts with it.

    The longest word wins (不是 is no, not 是); questions (…吗, …?) are no answer.

    >>> [(e.value, e.raw) for e in find_yes_no("不是")]
    [(False, '不是')]
    >>> [(e.value, e.raw) for e in find_yes_no("是的，我是業主本人")]
    [(True, '是的')]
    >>> [(e.value, e.raw) for e in find_yes_no("Yes please")], [e.value for e in find_yes_no("nope")]
    ([(True, 'Yes')], [False])
    >>> [e.value for e in find_yes_no("那就不用了")], find_yes_no("可以线上签吗"), find_yes_no("是不是要先注册")
    ([False], [], [])
    """
    view = aligned_view(text[:_MAX_TEXT])
    return [c.to_entity(text) for c in _yes_no_candidates(view)]


# ---------------------------------------------------------------------------
# All together
# ---------------------------------------------------------------------------


def _resolve(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: longest first, then the most specific type, then leftmost."""
    ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), _PRIORITY.get(c.type, 99), c.start))
    taken: list[Candidate] = []
    for cand in ordered:
        if cand.end <= cand.start:
            continue
        if all(cand.end <= t.start or cand.start >= t.end for t in taken):
            taken.append(cand)
    return sorted(taken, key=lambda c: c.start)


_EXTRACTORS: tuple[Callable[[str, datetime.date], list[Candidate]], ...] = (
    lambda view, today: _cert_candidates(view),
    lambda view, today: _id_candidates(view),
    lambda view, today: _mobile_candidates(view),
    _date_candidates,
    lambda view, today: _amount_candidates(view),
    lambda view, today: _share_candidates(view),
    lambda view, today: _yes_no_candidates(view),
)


def candidates(view: str, today: datetime.date) -> list[Candidate]:
    """Every entity candidate in an aligned view, overlaps not yet resolved."""
    out: list[Candidate] = []
    for extract in _EXTRACTORS:
        out.extend(extract(view, today))
    return out


def extract_entities(text: str, today: datetime.date | None = None) -> list[Entity]:
    """All entities of ``text``, without overlaps (longest, then most specific), in text order.

    >>> [(e.type, e.value) for e in extract_entities("手机13800138000，身份证110105194912310026", today=TODAY)]
    [('mobile', '13800138000'), ('id_number', '110105194912310026')]
    >>> [(e.type, e.value) for e in extract_entities("2026/3/1 卖1/2", today=TODAY)]
    [('date', '2026-03-01'), ('share', '1/2')]
    """
    day = today or datetime.date.today()
    view = aligned_view(text[:_MAX_TEXT])
    return [c.to_entity(text) for c in _resolve(candidates(view, day))]
