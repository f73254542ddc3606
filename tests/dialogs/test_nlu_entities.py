"""Entities of dialogs.nlu: each type in Simplified, Traditional, full-width and English forms.

The number forms are the manual's (5.2.2 产权证书编号; 5.3.1 / 5.4.1 证件类型, 所占份额 /
转让的份额); validity is decided by the rules (validate_cert_number, validate_id).
Spans are offsets in the original text; entities never overlap.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest

from dialogs.nlu.entities import (
    extract_entities,
    find_amounts,
    find_cert_numbers,
    find_dates,
    find_id_numbers,
    find_mobiles,
    find_shares,
    find_yes_no,
    percent_text,
)
from dialogs.nlu.models import Entity

TODAY = datetime.date(2026, 1, 15)  # a Thursday


def pairs(entities: list[Entity]) -> list[tuple[str, Any]]:
    return [(e.type, e.value) for e in entities]


def assert_spans(text: str, entities: list[Entity]) -> None:
    for e in entities:
        assert text[e.start : e.end] == e.raw, (text, e)
        assert 0 <= e.start < e.end <= len(text)
    ordered = sorted(entities, key=lambda e: e.start)
    for a, b in itertools.pairwise(ordered):
        assert a.end <= b.start, (text, a, b)


# --- cert_number (manual 5.2.2) ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "cert_type"),
    [
        ("深房地字第3000123456号", "深房地字第3000123456号", "realty_cert"),
        ("房本号：深房地字第 3000123456 号", "深房地字第3000123456号", "realty_cert"),
        ("深 房 地 字 第 ５０００１２３ 號", "深房地字第5000123号", "realty_cert"),
        ("粤(2020)深圳市不动产权第0123456号", "粤（2020）深圳市不动产权第0123456号", "property_cert"),
        ("粤（2021）深圳市不动产权第 0234567 号", "粤（2021）深圳市不动产权第0234567号", "property_cert"),
        ("粤 2019 深圳市不动产权第1234567号", "粤（2019）深圳市不动产权第1234567号", "property_cert"),
        ("粵【2022】深圳市不動產權第7654321號", "粤（2022）深圳市不动产权第7654321号", "property_cert"),
        (
            "粤［２０２３］深圳市不动产权第０００００01号",
            "粤（2023）深圳市不动产权第0000001号",
            "property_cert",
        ),
        (
            "my certificate is 粤(2020)深圳市不动产权第0123456号, ok?",
            "粤（2020）深圳市不动产权第0123456号",
            "property_cert",
        ),
    ],
)
def test_5_2_2_cert_number_valid_forms(text: str, value: str, cert_type: str) -> None:
    found = find_cert_numbers(text)
    assert [(e.value, e.extra) for e in found] == [(value, {"cert_type": cert_type, "valid": "true"})]
    assert_spans(text, found)


@pytest.mark.parametrize(
    ("text", "value", "cert_type"),
    [
        ("深房地字第300012345", "深房地字第300012345", "realty_cert"),  # no 号
        ("粤(20)深圳市不动产权第12号", "粤(20)深圳市不动产权第12号", "property_cert"),  # 2-digit year
        ("粤(2020)不动产权第12号", "粤(2020)不动产权第12号", "property_cert"),  # no 深圳市
    ],
)
def test_5_2_2_cert_number_invalid_keeps_compacted_text(text: str, value: str, cert_type: str) -> None:
    [entity] = find_cert_numbers(text)
    assert (entity.value, entity.extra) == (value, {"cert_type": cert_type, "valid": "false"})


def test_cert_number_span_is_in_the_original_text() -> None:
    text = "红本：粵（2020）深圳市不動產權第0123456號。"
    [entity] = find_cert_numbers(text)
    assert entity.raw == "粵（2020）深圳市不動產權第0123456號"
    assert (entity.start, entity.end) == (3, 3 + len(entity.raw))


# --- id_number ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "doc_type", "valid"),
    [
        ("身份证440301199001011234", "440301199001011234", "resident_id", "true"),
        ("身份证号11010519491231002x", "11010519491231002X", "resident_id", "true"),
        ("４４０３０１１９９００１０１１２３４", "440301199001011234", "resident_id", "true"),
        ("440301 19900101 1234", "440301199001011234", "resident_id", "true"),
        ("身份证440301199001011235", "440301199001011235", "resident_id", "false"),  # bad check digit
        ("港澳台居民居住证810000199001011230", "810000199001011230", "hkmt_residence_permit", "true"),
        ("香港身份证A123456(3)", "A1234563", "hk_id", "true"),
        ("香港身份證Ａ１２３４５６（３）", "A1234563", "hk_id", "true"),
        ("HKID Z987654（6）", "Z9876546", "hk_id", "true"),
        ("hkid a123456(4)", "A1234564", "hk_id", "false"),
        ("澳门身份证1234567(8)", "12345678", "macau_id", "true"),
        ("澳門居民身份證 5215299(8)", "52152998", "macau_id", "true"),
        ("回乡证号码H12345678", "H12345678", "hk_macau_permit", "true"),
        ("港澳通行证 m87654321", "M87654321", "hk_macau_permit", "true"),
        ("公司统一社会信用代码91440300708461136T", "91440300708461136T", "uscc", "true"),
        ("USCC 91440300ma5exampla", "91440300MA5EXAMPLA", "uscc", "true"),
        ("护照号E12345678", "E12345678", "passport", "true"),
        ("my passport number is G98765432", "G98765432", "passport", "true"),
        ("E12345678", "E12345678", "passport", "true"),  # the whole message
    ],
)
def test_id_number_forms(text: str, value: str, doc_type: str, valid: str) -> None:
    found = find_id_numbers(text)
    assert [(e.value, e.extra) for e in found] == [(value, {"doc_type": doc_type, "valid": valid})]
    assert_spans(text, found)


@pytest.mark.parametrize(
    "text",
    ["我住B1203房", "room b1203", "订单号A12345678在我这", "2026年3月1日", "price 3000000", "version v2.0"],
)
def test_id_number_not_for_other_codes(text: str) -> None:
    assert find_id_numbers(text) == []


# --- mobile -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "raw"),
    [
        ("我电话13800138000", "13800138000", "13800138000"),
        ("+86 139 1234 5678", "13912345678", "+86 139 1234 5678"),
        ("0086-137-1111-2222", "13711112222", "0086-137-1111-2222"),
        ("手機：１３６ ００００ ００００", "13600000000", "１３６ ００００ ００００"),
        ("联系我 158-1234-5678 谢谢", "15812345678", "158-1234-5678"),
        ("call me on +8618612345678", "18612345678", "+8618612345678"),
        ("mobile: 199 8888 7777.", "19988887777", "199 8888 7777"),
    ],
)
def test_mobile_forms(text: str, value: str, raw: str) -> None:
    [entity] = find_mobiles(text)
    assert (entity.value, entity.raw) == (value, raw)


@pytest.mark.parametrize("text", ["12345678901", "1380013800", "138001380001", "440301199001011234"])
def test_mobile_rejects_wrong_shapes(text: str) -> None:
    assert find_mobiles(text) == []


# --- amount -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("300万", 3_000_000),
        ("300万元", 3_000_000),
        ("3,000,000元", 3_000_000),
        ("3000000", 3_000_000),
        ("三百万", 3_000_000),
        ("两百五十万", 2_500_000),
        ("1.5亿", 150_000_000),
        ("250w", 2_500_000),
        ("250W", 2_500_000),
        ("2.5 million", 2_500_000),
        ("RMB 3 million", 3_000_000),
        ("¥3,000,000", 3_000_000),
        ("￥3,000,000", 3_000_000),
        ("300萬", 3_000_000),
        ("兩百萬", 2_000_000),
        ("三百五十萬元", 3_500_000),
        ("叁佰万元整", 3_000_000),
        ("一点五亿", 150_000_000),
        ("定金5万", 50_000),
        ("3千万", 30_000_000),
        ("500k", 500_000),
        ("两万五", 25_000),
        ("３００万", 3_000_000),
        ("总价 4,250,000 元", 4_250_000),
        ("3 million yuan", 3_000_000),
        ("人民币三百万元", 3_000_000),
    ],
)
def test_amount_forms(text: str, value: int) -> None:
    found = find_amounts(text)
    assert [e.value for e in found] == [value]
    assert isinstance(found[0].value, int)
    assert_spans(text, found)


@pytest.mark.parametrize(
    "text",
    [
        "3室2厅90平",
        "我有3套房",
        "2026年",
        "第3步",
        "50%",
        "90m2",
        "打12345问问",
        "三百",
        "千万别忘了",
        "一半",
    ],
)
def test_amount_not_for_small_or_other_numbers(text: str) -> None:
    assert find_amounts(text) == []


def test_amount_not_inside_ids_or_dates() -> None:
    text = "身份证440301199001011234，2026-03-01，手机13800138000"
    assert [e.type for e in extract_entities(text, TODAY)] == ["id_number", "date", "mobile"]


# --- date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "grain"),
    [
        ("2026年3月1日", "2026-03-01", "day"),
        ("2026年3月1号", "2026-03-01", "day"),
        ("2026-03-01", "2026-03-01", "day"),
        ("2026/3/1", "2026-03-01", "day"),
        ("2026.3.1", "2026-03-01", "day"),
        ("二〇二六年三月一日", "2026-03-01", "day"),
        ("3月1日", "2026-03-01", "day"),  # still to come this year
        ("1月10號", "2027-01-10", "day"),  # already past: next year
        ("1月15日", "2026-01-15", "day"),  # today is this year's
        ("十二月三十一日", "2026-12-31", "day"),
        ("明年三月", "2027-03", "month"),
        ("明年3月5号", "2027-03-05", "day"),
        ("今年五月份", "2026-05", "month"),
        ("2026年5月", "2026-05", "month"),
        ("三月份", "2026-03", "month"),
        ("下个月15号", "2026-02-15", "day"),
        ("下個月", "2026-02", "month"),
        ("今天", "2026-01-15", "day"),
        ("明天", "2026-01-16", "day"),
        ("后天", "2026-01-17", "day"),
        ("後天", "2026-01-17", "day"),
        ("下周一", "2026-01-19", "day"),
        ("1 March 2026", "2026-03-01", "day"),
        ("March 1, 2026", "2026-03-01", "day"),
        ("1st of March", "2026-03-01", "day"),
        ("Dec 5", "2026-12-05", "day"),
        ("April 2027", "2027-04", "month"),
        ("tomorrow", "2026-01-16", "day"),
        ("the day after tomorrow", "2026-01-17", "day"),
        ("next month", "2026-02", "month"),
    ],
)
def test_date_forms(text: str, value: str, grain: str) -> None:
    found = find_dates(text, today=TODAY)
    assert [(e.value, e.extra) for e in found] == [(value, {"grain": grain})]
    assert_spans(text, found)


def test_date_year_rollover_at_december() -> None:
    assert [e.value for e in find_dates("下个月", today=datetime.date(2026, 12, 20))] == ["2027-01"]
    assert [e.value for e in find_dates("1月2日", today=datetime.date(2026, 12, 20))] == ["2027-01-02"]


@pytest.mark.parametrize("text", ["2026年", "三个月以后", "2月30日", "2026-13-01", "15号楼", "第三月"])
def test_date_not_for_non_dates(text: str) -> None:
    assert find_dates(text, today=TODAY) == []


def test_date_defaults_to_the_real_today() -> None:
    assert [e.value for e in find_dates("今天")] == [datetime.date.today().isoformat()]


# --- share (manual 5.3.1 / 5.4.1 所占份额, 转让的份额) -----------------------------------


@pytest.mark.parametrize(
    ("text", "value", "percent"),
    [
        ("50%", "1/2", "50"),
        ("５０％", "1/2", "50"),
        ("百分之五十", "1/2", "50"),
        ("一半", "1/2", "50"),
        ("三分之一", "1/3", "33.33"),
        ("三分之二", "2/3", "66.67"),
        ("1/3", "1/3", "33.33"),
        ("全部", "1/1", "100"),
        ("全部份额都卖", "1/1", "100"),
        ("100%", "1/1", "100"),
        ("百分之百", "1/1", "100"),
        ("份额25%", "1/4", "25"),
        ("我占百分之三十", "3/10", "30"),
        ("不转让，份额0%", "0/1", "0"),
        ("五成", "1/2", "50"),
        ("half", "1/2", "50"),
        ("a third", "1/3", "33.33"),
        ("12.5 percent", "1/8", "12.5"),
    ],
)
def test_share_forms(text: str, value: str, percent: str) -> None:
    found = find_shares(text)
    assert [(e.value, e.extra) for e in found] == [(value, {"percent": percent})]


@pytest.mark.parametrize("text", ["全部流程是什么", "3/1", "150%", "成交价300万", "三成交"])
def test_share_not_for_non_shares(text: str) -> None:
    assert find_shares(text) == []


def test_percent_text() -> None:
    from fractions import Fraction

    assert percent_text(Fraction(1, 2)) == "50"
    assert percent_text(Fraction(2, 3)) == "66.67"
    assert percent_text(Fraction(0)) == "0"


# --- yes_no -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("是", True),
        ("是的", True),
        ("对", True),
        ("好", True),
        ("可以", True),
        ("没错", True),
        ("有", True),
        ("嗯嗯好的", True),
        ("是的，我是業主本人，房本在我手上", True),
        ("yes", True),
        ("Yeah", True),
        ("y", True),
        ("OK", True),
        ("sure", True),
        ("Yes, I am the owner of the flat", True),
        ("不是", False),
        ("不是的", False),
        ("否", False),
        ("不", False),
        ("不对", False),
        ("没有", False),
        ("沒有", False),
        ("不可以", False),
        ("不用了谢谢", False),
        ("我不是业主", False),
        ("不是，我是买方", False),
        ("no", False),
        ("Nope", False),
        ("n", False),
        ("No I'm the buyer", False),
    ],
)
def test_yes_no(text: str, value: bool) -> None:
    found = find_yes_no(text)
    assert [e.value for e in found] == [value]
    assert_spans(text, found)


def test_yes_no_longest_match_wins() -> None:
    [entity] = find_yes_no("不是")
    assert (entity.value, entity.raw) == (False, "不是")
    [entity] = find_yes_no("不可以")
    assert (entity.value, entity.raw) == (False, "不可以")
    [entity] = find_yes_no("没问题")
    assert (entity.value, entity.raw) == (True, "没问题")


@pytest.mark.parametrize(
    "text",
    [
        "是不是要先注册",
        "可以线上签吗",
        "有没有别的办法",
        "好像不太对劲吧",  # 好像 is no answer
        "有个问题想问一下关于产权校验的事情",  # long and 有 does not stand apart
        "不知道",
        "right now I want to sell my flat",
        "nothing to add",
        "我要卖房",
        "确认签署在哪",
    ],
)
def test_yes_no_not_an_answer(text: str) -> None:
    assert find_yes_no(text) == []


# --- all together: overlaps, order, spans -----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/3/1 卖1/2", [("date", "2026-03-01"), ("share", "1/2")]),
        (
            "红本号码深房地字第4000567890号，卖350万",
            [("cert_number", "深房地字第4000567890号"), ("amount", 3_500_000)],
        ),
        (
            "我叫陈大文，身份证440301199001011234，手机13800138000",
            [("id_number", "440301199001011234"), ("mobile", "13800138000")],
        ),
        (
            "明年三月过户，价格300万，份额一半",
            [("date", "2027-03"), ("amount", 3_000_000), ("share", "1/2")],
        ),
        (
            "卖50%的份额，300萬，3月1號前簽",
            [("share", "1/2"), ("amount", 3_000_000), ("date", "2026-03-01")],
        ),
        (
            "好的，房本号是深房地字第3000123456号",
            [("yes_no", True), ("cert_number", "深房地字第3000123456号")],
        ),
        (
            "I want to sell for 2.5 million yuan on 1 March 2026",
            [("amount", 2_500_000), ("date", "2026-03-01")],
        ),
        ("我要卖房，从哪开始", []),
        ("", []),
    ],
)
def test_extract_entities(text: str, expected: list[tuple[str, Any]]) -> None:
    found = extract_entities(text, TODAY)
    assert pairs(found) == expected
    assert_spans(text, found)


def test_overlap_prefers_the_longest_span() -> None:
    # The serial of a certificate is not also an amount; the day of a date not also a share.
    assert pairs(extract_entities("深房地字第3000123456号", TODAY)) == [
        ("cert_number", "深房地字第3000123456号")
    ]
    assert pairs(extract_entities("2026/1/2", TODAY)) == [("date", "2026-01-02")]
    # A mobile number is not an amount, though both shapes fit.
    assert pairs(extract_entities("13800138000", TODAY)) == [("mobile", "13800138000")]


def test_spans_with_whitespace_and_emoji_before() -> None:
    text = "😀 \t 明天\u300013800138000 "
    found = extract_entities(text, TODAY)
    assert pairs(found) == [("date", "2026-01-16"), ("mobile", "13800138000")]
    assert_spans(text, found)
