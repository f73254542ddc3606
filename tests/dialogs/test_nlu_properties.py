"""Properties of dialogs.nlu (hypothesis): parse never raises and always returns a valid Parse,
normalisation is idempotent, entity spans are sound, whatever people (or attackers) type.
"""

from __future__ import annotations

import datetime
import re
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.nlu import NLU, Entity, Parse, detect_language, normalize_text
from dialogs.nlu.entities import ENTITY_TYPES, extract_entities
from dialogs.nlu.normalize import _trigger_chars, aligned_view
from rules.text import to_halfwidth, to_simplified

TODAY = datetime.date(2026, 1, 15)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that reach the interesting branches: digits and their full-width forms,
# Chinese numerals and units, date and share words, ID letters, brackets, spaces.
_NEAR = list(
    "0123456789０１２３４５６７８９零〇一二两三四五六七八九十百千万亿萬億點点年月日号號"
    "今明后天下个月周分之成半全部%％/-.,，。:：()（）[]【】 \u3000\t\n"
    "AXHMaxhm深房地字第粤粵圳市不动產产权權是的不对没有好可以yesnoRMB¥￥wkm"
)
near_text = st.text(alphabet=st.sampled_from(_NEAR), max_size=60)
any_text = st.one_of(st.text(), near_text)


@pytest.fixture(scope="module")
def nlu() -> NLU:
    return NLU.load()


def check_parse(nlu: NLU, text: str, parse: Parse) -> None:
    assert isinstance(parse, Parse)
    assert Parse.model_validate(parse.model_dump()) == parse
    assert parse.text == text
    assert parse.normalized == normalize_text(text)
    assert 0.0 <= parse.confidence <= 1.0
    assert parse.intent is None or parse.intent in nlu.intents
    assert len(parse.ranking) <= 3
    probs = [p for _, p in parse.ranking]
    assert probs == sorted(probs, reverse=True)
    if parse.command is not None:
        assert parse.intent == parse.command and parse.confidence == 1.0
    check_entities(text, parse.entities)


def check_entities(text: str, entities: list[Entity]) -> None:
    last_end = 0
    for e in entities:
        assert e.type in ENTITY_TYPES
        assert 0 <= last_end <= e.start < e.end <= len(text)
        assert text[e.start : e.end] == e.raw
        last_end = e.end
        if e.type == "amount":
            assert isinstance(e.value, int) and not isinstance(e.value, bool) and e.value > 0
        elif e.type == "yes_no":
            assert isinstance(e.value, bool)
        elif e.type == "date":
            assert isinstance(e.value, str)
            if e.extra["grain"] == "day":
                datetime.date.fromisoformat(e.value)
            else:
                assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", e.value)
        elif e.type == "share":
            assert isinstance(e.value, str)
            assert 0 <= Fraction(e.value) <= 1
            assert "percent" in e.extra
        else:
            assert isinstance(e.value, str) and e.value
    assert sum(e.type == "yes_no" for e in entities) <= 1


@FAST
@given(any_text)
def test_parse_never_raises_and_is_valid(nlu: NLU, text: str) -> None:
    parse = nlu.parse_strict(text, today=TODAY)  # no safety net: a bug would raise here
    check_parse(nlu, text, parse)
    assert nlu.parse(text, today=TODAY) == parse


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=500, max_size=3000))
def test_parse_long_random_text(nlu: NLU, text: str) -> None:
    check_parse(nlu, text, nlu.parse_strict(text, today=TODAY))


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00\x01\x02\x1b[31m\x7f",
        "😀" * 10_000,
        "a" * 10_000,
        "1" * 10_000,
        "房" * 10_000,
        "賣房" * 5_000,
        "300万 " * 2_000,
        "深房地字第" + "1" * 9_990 + "号",
        "'; DROP TABLE contracts; -- <script>alert('x')</script> {{7*7}} ${jndi:ldap://x}",
        "<b>是的</b>&nbsp;&amp;&#x4e0d;",
        "\u202e\u200b\ufeff是\u200d的",
        "\ud7ff\ue000\U0010fffd",
        "\n".join(["不是"] * 3000),
        "1," * 5_000,
        "三分之" * 3_000,
        "百分之" * 3_000,
        "深房地字第1 " * 1_500,
        "y " * 5_000,
    ],
)
def test_parse_hostile_and_huge_inputs(nlu: NLU, text: str) -> None:
    parse = nlu.parse_strict(text, today=TODAY)
    check_parse(nlu, text, parse)


@FAST
@given(any_text)
def test_normalize_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert once == once.strip()
    assert "  " not in once


@FAST
@given(any_text)
def test_aligned_view_keeps_offsets(text: str) -> None:
    assert len(aligned_view(text)) == len(text)


@FAST
@given(
    st.text(
        alphabet=st.sampled_from(
            list("我要卖房买从哪开始怎么办网签合同备案注销的了是不有经办人法公司资格审查承诺书后发干面里台")
        ),
        max_size=40,
    )
)
def test_traditional_shortcut_is_exact(text: str) -> None:
    """Skipping OpenCC for texts without a trigger character changes nothing (normalize.py)."""
    triggers = _trigger_chars()
    assert triggers is not None
    if triggers.isdisjoint(text):
        assert to_simplified(text) == text


def test_normalize_text_examples() -> None:
    assert normalize_text("  我要賣房，ＨＥＬＬＯ\t\u3000World！ ") == "我要卖房,hello world!"
    assert normalize_text(to_halfwidth("ＧＯ ＢＡＣＫ")) == "go back"
    assert normalize_text("") == ""


@FAST
@given(near_text)
def test_entities_are_sound(text: str) -> None:
    check_entities(text, extract_entities(text, TODAY))


@FAST
@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(["万", "萬", "万元", "w"]))
def test_amount_in_ten_thousands(n: int, unit: str) -> None:
    [entity] = [e for e in extract_entities(f"卖{n}{unit}", TODAY) if e.type == "amount"]
    assert entity.value == n * 10_000


@FAST
@given(st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_dates_round_trip(day: datetime.date) -> None:
    for text in (
        day.isoformat(),
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}/{day.month}/{day.day}",
        day.strftime("%d %B %Y"),
        day.strftime("%B %d, %Y"),
    ):
        found = [e for e in extract_entities(text, TODAY) if e.type == "date"]
        assert [e.value for e in found] == [day.isoformat()], text


@FAST
@given(st.integers(min_value=0, max_value=100))
def test_percent_share(n: int) -> None:
    found = [e for e in extract_entities(f"份额{n}%", TODAY) if e.type == "share"]
    share = Fraction(n, 100)
    assert [(e.value, e.extra["percent"]) for e in found] == [
        (f"{share.numerator}/{share.denominator}", str(n))
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("我要賣房，從哪開始", "zh-Hant"),
        ("我要卖房，从哪开始", "zh"),
        ("著作", "zh"),  # OpenCC keeps it: Simplified as well
        ("how do I sell my flat", "en"),
        ("ＨＥＬＬＯ", "en"),
        ("12345 ?", None),
        ("", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


@FAST
@given(st.text())
def test_detect_language_never_raises(text: str) -> None:
    assert detect_language(text) in ("zh-Hant", "zh", "en", None)
