"""validate_cert_number: manual 5.2.2 界面操作, 产权证书编号."""

from __future__ import annotations

from typing import Any

import pytest

import rules
from rules.certs import ValidateCertInput, ValidateCertOutput, normalize, validate_cert_number

REALTY = "深房地字第3000123456号"
PROPERTY = "粤（2020）深圳市不动产权第0123456号"
REALTY_FORMAT = "房地产权证书的编号格式为：深房地字第XXXXXXX号（手册5.2.2）。"
PROPERTY_FORMAT = "不动产权证书的编号格式为：粤（XXXX）深圳市不动产权第XXXXX号，XXXX为4位年份（手册5.2.2）。"


def check(cert_type: str, number: str) -> ValidateCertOutput:
    return validate_cert_number(ValidateCertInput(cert_type=cert_type, number=number))  # type: ignore[arg-type]


def door(cert_type: str, number: str) -> dict[str, Any]:
    return rules.evaluate("validate_cert_number", {"cert_type": cert_type, "number": number})


def invalid(cert_type: str, number: str) -> tuple[str, str]:
    out = check(cert_type, number)
    assert out.valid is False and out.normalized is None
    assert out.message and out.message_en
    assert door(cert_type, number) == out.model_dump(mode="json")
    return out.message, out.message_en


# --- 5.2.2: "产权证书类型为房地产权证书，格式为：深房地字第XXXXXXX号" -------------------


@pytest.mark.parametrize(
    "raw",
    [
        "深房地字第3000123456号",
        " 深房地字第 3000123456 号 ",
        "深 房 地 字 第3000123456号",
        "深房地字第３０００１２３４５６号",
        "深房地字第3000123456号\u3000",
        "深房地字第\t3000 123 456\n号",
    ],
)
def test_5_2_2_realty_cert_format_accepted(raw: str) -> None:
    assert door("realty_cert", raw) == {
        "valid": True,
        "normalized": REALTY,
        "message": None,
        "message_en": None,
    }


def test_5_2_2_realty_cert_any_digit_count() -> None:
    """The manual's XXXXXXX is a placeholder: any number of digits (at least one)."""
    for digits in ("1", "1234567", "0" * 20):
        assert check("realty_cert", f"深房地字第{digits}号").normalized == f"深房地字第{digits}号"


# --- 5.2.2: "产权证书类型为不动产权证书，格式为：粤 XXXX 深圳市不动产权第XXXXX 号" -------


@pytest.mark.parametrize(
    "raw",
    [
        "粤（2020）深圳市不动产权第0123456号",
        "粤(2020)深圳市不动产权第0123456号",
        "粤（2020)深圳市不动产权第0123456号",
        "粤〔2020〕深圳市不动产权第0123456号",
        "粤【2020】深圳市不动产权第0123456号",
        "粤[2020]深圳市不动产权第0123456号",
        "粤［2020］深圳市不动产权第0123456号",
        "粤 2020 深圳市不动产权第0123456 号",  # as the manual prints it, no brackets
        "粤2020深圳市不动产权第0123456号",
        "粤（２０２０）深圳市不动产权第０１２３４５６号",
        " 粤 ( 2020 ) 深圳市 不动产权 第 0123456 号 ",
        "粤\u3000２０２０\u3000深圳市不动产权第0123456\u3000号",
    ],
)
def test_5_2_2_property_cert_format_accepted(raw: str) -> None:
    assert door("property_cert", raw) == {
        "valid": True,
        "normalized": PROPERTY,
        "message": None,
        "message_en": None,
    }


@pytest.mark.parametrize(
    ("cert_type", "raw", "expected"),
    [
        ("property_cert", "粤 2020 深圳市不动产权第0123456 号", PROPERTY),
        ("property_cert", "粤[2020]深圳市不动产权第１号", "粤（2020）深圳市不动产权第1号"),
        ("realty_cert", " 深房地字第 3000123456 号 ", REALTY),
        ("realty_cert", "粤2020）", "粤2020）"),  # a lone ） stops the bare year being bracketed
        ("realty_cert", "", ""),
        # typed on a Traditional keyboard: the template's characters are the same characters
        ("property_cert", "粵（2021）深圳市不動產權第0234567號", "粤（2021）深圳市不动产权第0234567号"),
        ("property_cert", "粵 2020 深圳市不动产权第0123456 号", PROPERTY),
        ("realty_cert", "深房地字第3000123456號", REALTY),
    ],
)
def test_normalize(cert_type: str, raw: str, expected: str) -> None:
    assert normalize(cert_type, raw) == expected


def test_5_2_2_a_traditional_number_is_valid() -> None:
    out = validate_cert_number(
        ValidateCertInput(cert_type="property_cert", number="粵（2021）深圳市不動產權第0234567號")
    )
    assert out.valid and out.normalized == "粤（2021）深圳市不动产权第0234567号"


# --- wrong certificate type, both ways ------------------------------------------


def test_5_2_2_property_number_given_as_realty_names_the_right_type() -> None:
    zh, en = invalid("realty_cert", "粤 2020 深圳市不动产权第0123456 号")
    assert zh == "这是不动产权证书的编号格式，请将产权证书类型选为“不动产权证书”（手册5.2.2）。"
    assert "immovable property title certificate" in en and "please choose 不动产权证书" in en


def test_5_2_2_realty_number_given_as_property_names_the_right_type() -> None:
    zh, en = invalid("property_cert", "深房地字第3000123456号")
    assert zh == "这是房地产权证书的编号格式，请将产权证书类型选为“房地产权证书”（手册5.2.2）。"
    assert "real estate title certificate" in en and "please choose 房地产权证书" in en


# --- each malformed part --------------------------------------------------------


def test_5_2_2_realty_missing_prefix() -> None:
    zh, en = invalid("realty_cert", "房地字第3000123456号")
    assert zh == "房地产权证书编号应以“深房地字第”开头，当前为“房地字第3000123456号”。" + REALTY_FORMAT
    assert "should start with 深房地字第" in en and "(manual 5.2.2)" in en
    zh, _ = invalid("realty_cert", "深房地字3000123456号")
    assert "应以“深房地字第”开头" in zh


def test_5_2_2_realty_missing_hao() -> None:
    zh, en = invalid("realty_cert", "深房地字第3000123456")
    assert zh == "编号末尾缺少“号”。" + REALTY_FORMAT
    assert en.startswith("The number lacks 号 at the end.")


def test_5_2_2_realty_non_digits_named() -> None:
    zh, en = invalid("realty_cert", "深房地字第3000-12A456号")
    assert zh.startswith("“第”与“号”之间只能是数字，发现非数字字符：“-”、“A”。")
    assert "found '-', 'A'" in en
    zh, _ = invalid("realty_cert", "深房地字第30001234５６Ｏ号")
    assert "“O”" in zh


def test_5_2_2_realty_no_digits() -> None:
    zh, _ = invalid("realty_cert", "深房地字第号")
    assert zh.startswith("“第”与“号”之间缺少编号数字。")


def test_5_2_2_realty_extra_after_hao() -> None:
    zh, en = invalid("realty_cert", "深房地字第3000123456号号")
    assert zh.startswith("“号”后面还有多余的字符“号”。") and "extra characters after 号" in en


def test_5_2_2_property_missing_province() -> None:
    zh, en = invalid("property_cert", "（2020）深圳市不动产权第0123456号")
    assert zh.startswith("不动产权证书编号应以“粤”开头")
    assert zh.endswith(PROPERTY_FORMAT)
    assert "should start with 粤" in en


@pytest.mark.parametrize(
    ("raw", "got"),
    [("粤（20）深圳市", "20"), ("粤（20201）深圳市", "20201"), ("粤（二〇二〇）深圳市", "二〇二〇")],
)
def test_5_2_2_property_year_not_4_digits(raw: str, got: str) -> None:
    zh, en = invalid("property_cert", raw + "不动产权第0123456号")
    assert zh.startswith(f"“粤”后的年份应为4位数字，当前为“{got}”。")
    assert f"should be 4 digits; got '{got}'" in en


def test_5_2_2_property_bare_year_wrong_length() -> None:
    zh, _ = invalid("property_cert", "粤 20 深圳市不动产权第0123456号")
    assert zh.startswith("“粤”后的年份应为4位数字，当前为“20”。")


def test_5_2_2_property_year_missing() -> None:
    zh, en = invalid("property_cert", "粤深圳市不动产权第0123456号")
    assert zh.startswith("“粤”后应为4位年份（可写在括号内），当前为“深圳市不动产权第0123456号”。")
    assert "followed by the 4-digit year" in en


def test_5_2_2_property_unbalanced_brackets() -> None:
    zh, _ = invalid("property_cert", "粤（2020深圳市不动产权第0123456号")
    assert zh.startswith("“粤”后的年份缺少右括号“）”。")
    zh, _ = invalid("property_cert", "粤2020）深圳市不动产权第0123456号")
    assert zh.startswith("“粤”后的年份缺少左括号“（”。")


def test_5_2_2_property_missing_middle() -> None:
    zh, en = invalid("property_cert", "粤（2020）深圳不动产权第0123456号")
    assert zh.startswith("年份后缺少“深圳市不动产权第”，当前为“深圳不动产权第0123456号”。")
    assert "深圳市不动产权第 is missing after the year" in en
    zh, _ = invalid("property_cert", "粤（2020）0123456号")
    assert zh.startswith("年份后缺少“深圳市不动产权第”")


def test_5_2_2_property_missing_hao_and_non_digits() -> None:
    zh, _ = invalid("property_cert", "粤（2020）深圳市不动产权第0123456")
    assert zh.startswith("编号末尾缺少“号”。")
    zh, _ = invalid("property_cert", "粤（2020）深圳市不动产权第01234五6号")
    assert zh.startswith("“第”与“号”之间只能是数字，发现非数字字符：“五”。")


@pytest.mark.parametrize("cert_type", ["realty_cert", "property_cert"])
@pytest.mark.parametrize("blank", ["", "  ", "\u3000\t"])
def test_empty(cert_type: str, blank: str) -> None:
    zh, en = invalid(cert_type, blank)
    assert zh.startswith("产权证书编号为空") and en.startswith("The certificate number is empty")


def test_invisible_characters_are_shown_as_code_points() -> None:
    zh, en = invalid("realty_cert", "深房地字第30\x0700号")
    assert "“U+0007”" in zh and "'U+0007'" in en


@pytest.mark.parametrize("number", ["x" * 10_000, "😀", "\x00", "粤（", "粤（）", "第号", "号", "（）" * 50])
@pytest.mark.parametrize("cert_type", ["realty_cert", "property_cert"])
def test_never_raises(cert_type: str, number: str) -> None:
    out = door(cert_type, number)
    assert out["valid"] is False and out["normalized"] is None
    assert len(out["message"]) < 500


# --- the JSON door: strict input ------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"cert_type": "realty_cert", "number": REALTY, "region": "shenzhen"}, "unknown_field"),
        ({"cert_type": "realty_cert", "number": 3000123456}, "wrong_type"),
        ({"cert_type": "realty_cert", "number": True}, "wrong_type"),
        ({"cert_type": "realty_cert", "number": None}, "wrong_type"),
        ({"cert_type": "房地产权证书", "number": REALTY}, "bad_enum"),
        ({"cert_type": "property", "number": PROPERTY}, "bad_enum"),
        ({"number": REALTY}, "missing_field"),
        ({"cert_type": "property_cert"}, "missing_field"),
    ],
)
def test_json_door_strict_errors(payload: dict[str, Any], code: str) -> None:
    with pytest.raises(rules.RuleError) as exc:
        rules.evaluate("validate_cert_number", payload)
    assert exc.value.code == code


def test_output_model_rejects_inconsistent_values() -> None:
    with pytest.raises(ValueError):
        ValidateCertOutput(valid=True, normalized=REALTY, message="m", message_en="m")
    with pytest.raises(ValueError):
        ValidateCertOutput(valid=False, normalized=None, message=None, message_en=None)
