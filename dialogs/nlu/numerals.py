"""Chinese and Arabic numerals as people type them: 三百万, 两百五十万, 一点五亿, 二〇二六, 3,000,000.

Pure helpers for :mod:`dialogs.nlu.entities`.  Input is in the aligned view
(Simplified, half-width, lower case), so 萬/億/兩 have already become 万/亿/两.

>>> cn_to_decimal("两百五十万")
Decimal('2500000')
>>> cn_to_decimal("一点五亿")
Decimal('150000000.0')
>>> cn_to_decimal("二〇二六")
Decimal('2026')
>>> cn_to_decimal("三百五")
Decimal('350')
>>> cn_to_decimal("万") is None
True
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CN_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "幺": 1,
    "二": 2,
    "两": 2,
    "贰": 2,
    "俩": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
CN_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG_UNITS: dict[str, int] = {"万": 10_000, "亿": 100_000_000}
CN_POINT = "点"

#: Every character a Chinese numeral may contain (for building regular expressions).
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "".join(CN_BIG_UNITS)

_MAX_LEN = 24  # longer "numbers" are not numbers people type


def _integer_part(text: str) -> int | None:
    """Value of a Chinese integer numeral (units and digits, Arabic digits allowed), or None."""
    if not text:
        return None
    # Digit by digit, no units: 二〇二六, 一五.
    if all(ch in CN_DIGITS or ch.isdigit() for ch in text):
        if not all(ch in CN_DIGITS or "0" <= ch <= "9" for ch in text):
            return None
        return int("".join(str(CN_DIGITS[ch]) if ch in CN_DIGITS else ch for ch in text))
    total = 0  # finished part, above 亿
    section = 0  # part below the last big unit
    number: int | None = None  # pending digit(s)
    last_unit = 0  # the last unit seen, for 三百五 = 350
    zero_seen = False
    arabic = ""
    seen_digit = False
    for ch in text:
        if "0" <= ch <= "9":
            arabic += ch
            number = int(arabic)
            seen_digit = True
            continue
        arabic = ""
        if ch in CN_DIGITS:
            value = CN_DIGITS[ch]
            seen_digit = True
            if value == 0:
                zero_seen = True
                number = None
                continue
            number = value
        elif ch in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[ch]
            if number is None:
                if unit != 10:  # 十五 = 15, but a bare 百 / 千 is no number
                    return None
                number = 1
                seen_digit = True
            section += number * unit
            number = None
            last_unit = unit
            zero_seen = False
        elif ch in CN_BIG_UNITS:
            unit = CN_BIG_UNITS[ch]
            section += number or 0
            number = None
            if section == 0 and total == 0:
                return None
            if unit == 100_000_000:
                total = (total + section) * unit
            else:
                total += section * unit
            section = 0
            last_unit = unit
            zero_seen = False
        else:
            return None
    if not seen_digit:
        return None
    if number is not None:
        # 三百五 = 350, 两万五 = 25,000: a last digit after a unit counts in the unit below.
        if last_unit >= 100 and not zero_seen and not arabic:
            number *= last_unit // 10
        section += number
    return total + section


def cn_to_decimal(text: str) -> Decimal | None:
    """Value of a numeral in Chinese characters (Arabic digits may be mixed in), or None.

    ``点`` is the decimal point; a big unit after the fraction scales the whole
    (一点五亿 = 150,000,000).

    >>> cn_to_decimal("三")
    Decimal('3')
    >>> cn_to_decimal("十五")
    Decimal('15')
    >>> cn_to_decimal("一千二百三十四")
    Decimal('1234')
    >>> cn_to_decimal("3千万")
    Decimal('30000000')
    >>> cn_to_decimal("一亿五千万")
    Decimal('150000000')
    >>> cn_to_decimal("三百零五")
    Decimal('305')
    >>> cn_to_decimal("百") is None, cn_to_decimal("") is None
    (True, True)
    """
    if not text or len(text) > _MAX_LEN:
        return None
    if CN_POINT in text:
        whole, _, rest = text.partition(CN_POINT)
        scale = 1
        while rest and rest[-1] in CN_BIG_UNITS:
            scale *= CN_BIG_UNITS[rest[-1]]
            rest = rest[:-1]
        if not rest or not all(ch in CN_DIGITS or "0" <= ch <= "9" for ch in rest):
            return None
        int_part = _integer_part(whole)
        if int_part is None:
            return None
        frac = "".join(str(CN_DIGITS[ch]) if ch in CN_DIGITS else ch for ch in rest)
        return Decimal(f"{int_part}.{frac}") * scale
    value = _integer_part(text)
    return None if value is None else Decimal(value)


def arabic_to_decimal(text: str) -> Decimal | None:
    """``3,000,000`` / ``2.5`` / ``300`` as a Decimal (thousands separators dropped), or None.

    >>> arabic_to_decimal("3,000,000")
    Decimal('3000000')
    >>> arabic_to_decimal("2.5")
    Decimal('2.5')
    >>> arabic_to_decimal("1.2.3") is None
    True
    """
    cleaned = text.replace(",", "").replace(" ", "")
    if not cleaned or len(cleaned) > _MAX_LEN:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def any_to_decimal(text: str) -> Decimal | None:
    """Arabic if it parses as such, else Chinese.

    >>> any_to_decimal("15"), any_to_decimal("十五")
    (Decimal('15'), Decimal('15'))
    """
    if text and all(ch in "0123456789.," for ch in text):
        return arabic_to_decimal(text)
    return cn_to_decimal(text)
