"""validate_id: document and mobile numbers (GB 11643-1999, GB 32100-2015, HKID; manual 5.3.1)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from stdnum.cn import ric as stdnum_ric

import rules
from rules.ids import (
    ValidateIdInput,
    ValidateIdOutput,
    gb11643_check_digit,
    gb32100_check_char,
    hkid_check_digit,
    normalize,
    validate_id,
)

TODAY = datetime.date(2024, 6, 30)


def ric(first17: str) -> str:
    return first17 + gb11643_check_digit(first17)


def check(doc_type: str, number: str, today: datetime.date = TODAY) -> ValidateIdOutput:
    return validate_id(ValidateIdInput(doc_type=doc_type, number=number), today=today)  # type: ignore[arg-type]


def door(doc_type: str, number: str) -> dict[str, Any]:
    return rules.evaluate("validate_id", {"doc_type": doc_type, "number": number})


def assert_valid(doc_type: str, number: str, normalized: str) -> None:
    out = check(doc_type, number)
    assert out == ValidateIdOutput(valid=True, normalized=normalized, message=None, message_en=None)
    assert door(doc_type, number) == {
        "valid": True,
        "normalized": normalized,
        "message": None,
        "message_en": None,
    }


def invalid(doc_type: str, number: str, today: datetime.date = TODAY) -> tuple[str, str]:
    out = check(doc_type, number, today)
    assert out.valid is False and out.normalized is None
    assert out.message and out.message_en
    return out.message, out.message_en


# --- the check-digit helpers, computed by hand --------------------------------


def test_gb11643_check_digit_by_hand() -> None:
    """GB 11643-1999: weights 2**(17-i) mod 11, check (12 - sum mod 11) mod 11, 10 → X."""
    for first17 in ("11010519491231002", "44030419900307123", "81000019900101123", "99999920000229001"):
        weights = [2 ** (17 - i) % 11 for i in range(17)]
        total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
        value = (12 - total % 11) % 11
        assert gb11643_check_digit(first17) == ("X" if value == 10 else str(value))
    assert gb11643_check_digit("11010519491231002") == "X"


@pytest.mark.parametrize(
    "bad", ["", "1101051949123100", "110105194912310021", "1101051949123100A", "１" * 17]
)
def test_gb11643_check_digit_rejects_malformed_input(bad: str) -> None:
    with pytest.raises(ValueError, match="17 ASCII digits"):
        gb11643_check_digit(bad)


def test_gb32100_check_char() -> None:
    """GB 32100-2015: the published example 91110000600037341L; I/O/Z/S/V are not in the alphabet."""
    assert gb32100_check_char("91110000600037341") == "L"
    for bad in ("9111000060003734", "9111000060003734I", "91110000600037341L"):
        with pytest.raises(ValueError):
            gb32100_check_char(bad)


def test_hkid_check_digit_by_hand() -> None:
    """A123456(3): space 36×9 + A 10×8 + 1×7 + 2×6 + 3×5 + 4×4 + 5×3 + 6×2 = 481; 11 - 481 mod 11 = 3."""
    assert 36 * 9 + 10 * 8 + 1 * 7 + 2 * 6 + 3 * 5 + 4 * 4 + 5 * 3 + 6 * 2 == 481
    assert hkid_check_digit("A123456") == "3"
    # AB987654: 10×9 + 11×8 + 9×7 + 8×6 + 7×5 + 6×4 + 5×3 + 4×2 = 371; 11 - 371 mod 11 = 3
    assert hkid_check_digit("AB987654") == "3"


def test_hkid_check_digit_a_and_zero() -> None:
    """The two special values: 11 - r == 10 is written A, 11 - r == 11 (r = 0) is written 0."""
    seen = {}
    for n in range(200):
        body = f"C{n:06d}"
        total = 36 * 9 + 12 * 8 + sum(int(c) * w for c, w in zip(body[1:], range(7, 1, -1), strict=True))
        seen[total % 11] = (body, hkid_check_digit(body))
    assert seen[1][1] == "A"
    assert seen[0][1] == "0"
    assert check("hk_id", f"{seen[1][0]}(A)").valid
    assert check("hk_id", f"{seen[0][0]}(0)").valid


@pytest.mark.parametrize("bad", ["123456", "A12345", "ABC123456", "a123456", "A12345X"])
def test_hkid_check_digit_rejects_malformed_input(bad: str) -> None:
    with pytest.raises(ValueError):
        hkid_check_digit(bad)


# --- normalisation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc_type", "raw", "expected"),
    [
        ("hk_id", "A123456(3)", "A1234563"),
        ("hk_id", "a123456（3）", "A1234563"),
        ("hk_id", " Ａ１２３ ４５６（３）\u3000", "A1234563"),
        ("macau_id", "1234567(8)", "12345678"),
        ("macau_id", "1234567（8）", "12345678"),
        ("resident_id", "1101 0519 4912 3100 2x", "11010519491231002X"),
        ("resident_id", "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("passport", "e1234\t5678", "E12345678"),
        ("mobile", "+86 138 0013 8000", "13800138000"),
        ("mobile", "0086-138-0013-8000", "13800138000"),
        ("mobile", "＋８６　１３８００１３８０００", "13800138000"),
        ("resident_id", "(3)", "(3)"),  # brackets are only dropped for hk_id and macau_id
    ],
)
def test_normalize(doc_type: str, raw: str, expected: str) -> None:
    assert normalize(doc_type, raw) == expected


# --- valid numbers, every doc_type --------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        ric("44030419900307123"),
        ric("99999919900101123"),  # region code stdnum rejects: never checked
        ric("44030320240630001"),  # born today
        ric("11010119000101001"),  # born 1900-01-01
        ric("81000019900101123"),  # a residence permit number is resident-ID-shaped too
    ],
)
def test_gb11643_resident_id_valid(number: str) -> None:
    assert_valid("resident_id", number, number)


def test_gb11643_region_code_never_checked() -> None:
    """rules-api.md: never reject for the region code (stdnum.cn.ric.validate would)."""
    number = ric("99999919900101123")
    assert not stdnum_ric.is_valid(number)
    assert check("resident_id", number).valid


def test_gb11643_resident_id_full_width_and_lower_x() -> None:
    assert_valid("resident_id", "１１０１０５１９４９１２３１００２ｘ", "11010519491231002X")
    assert_valid("resident_id", " 110105 19491231 002x ", "11010519491231002X")


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_gb11643_hkmt_residence_permit_valid(prefix: str) -> None:
    number = ric(prefix + "19900101123")
    assert_valid("hkmt_residence_permit", number, number)


def test_gb11643_foreign_permanent_id_2023_valid() -> None:
    number = ric("93615619900101123")
    assert_valid("foreign_permanent_id", number, number)
    # the spec asks only for the leading 9 and the check digit, not a birth date
    assert_valid("foreign_permanent_id", ric("90000099999999999"), ric("90000099999999999"))


@pytest.mark.parametrize(
    ("raw", "normalized"), [("USA123456789012", "USA123456789012"), ("can 110090051123", "CAN110090051123")]
)
def test_foreign_permanent_id_old_format_valid(raw: str, normalized: str) -> None:
    assert_valid("foreign_permanent_id", raw, normalized)


@pytest.mark.parametrize(
    "first17",
    [
        "91110000600037341",  # GB 32100's published example ends in L
        "91440300MA5DXXXX1",  # letters in the organisation code
        "Y1440300123456789",  # registration authority Y
    ],
)
def test_gb32100_uscc_valid(first17: str) -> None:
    full = first17 + gb32100_check_char(first17)
    assert_valid("uscc", full, full)
    assert_valid("uscc", full.lower(), full)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("A123456(3)", "A1234563"),
        ("A1234563", "A1234563"),
        ("a123456(3)", "A1234563"),
        ("Ａ１２３４５６（３）", "A1234563"),
        ("A 123456 (3)", "A1234563"),
        ("AB987654(3)", "AB9876543"),
        ("ab9876543", "AB9876543"),
    ],
)
def test_hkid_valid_spellings(raw: str, normalized: str) -> None:
    assert_valid("hk_id", raw, normalized)


def test_hkid_two_letters_computed() -> None:
    for body in ("XA000001", "WX123456", "ZZ999999"):
        assert_valid("hk_id", f"{body}({hkid_check_digit(body)})", body + hkid_check_digit(body))


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("1234567(8)", "12345678"),
        ("5123456(7)", "51234567"),
        ("71234567", "71234567"),
        ("1234567（8）", "12345678"),
    ],
)
def test_macau_id_valid(raw: str, normalized: str) -> None:
    assert_valid("macau_id", raw, normalized)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [("H12345678", "H12345678"), ("m1234567890", "M1234567890"), ("Ｈ１２３４５６７８", "H12345678")],
)
def test_hk_macau_permit_valid(raw: str, normalized: str) -> None:
    assert_valid("hk_macau_permit", raw, normalized)


@pytest.mark.parametrize("number", ["12345678", "1234567890", "０１２３４５６７"])
def test_taiwan_permit_valid(number: str) -> None:
    assert_valid("taiwan_permit", number, normalize("taiwan_permit", number))


@pytest.mark.parametrize(
    ("raw", "normalized"), [("e12345678", "E12345678"), ("12345", "12345"), ("A" * 16 + "1", "A" * 16 + "1")]
)
def test_passport_valid(raw: str, normalized: str) -> None:
    assert_valid("passport", raw, normalized)


@pytest.mark.parametrize(
    ("raw", "normalized"), [("南字第20150001号", "南字第20150001号"), ("a1", "A1"), ("字" * 30, "字" * 30)]
)
def test_officer_id_valid(raw: str, normalized: str) -> None:
    assert_valid("officer_id", raw, normalized)


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "+8613800138000",
        "+86 138 0013 8000",
        "008613800138000",
        "138-0013-8000",
        "１３８００１３８０００",
    ],
)
def test_mobile_valid(raw: str) -> None:
    assert_valid("mobile", raw, "13800138000")


@pytest.mark.parametrize("second", "3456789")
def test_mobile_second_digit_3_to_9(second: str) -> None:
    assert check("mobile", f"1{second}012345678").valid


# --- invalid numbers: precise messages -----------------------------------------


@pytest.mark.parametrize(
    "doc_type",
    [
        "resident_id",
        "officer_id",
        "hk_macau_permit",
        "taiwan_permit",
        "passport",
        "hk_id",
        "macau_id",
        "hkmt_residence_permit",
        "foreign_permanent_id",
        "uscc",
        "mobile",
    ],
)
@pytest.mark.parametrize("blank", ["", "   ", "\u3000", "-"])
def test_empty_says_empty(doc_type: str, blank: str) -> None:
    if blank == "-" and doc_type != "mobile":
        return  # a hyphen is only dropped from mobile numbers
    zh, en = invalid(doc_type, blank)
    assert "为空" in zh and "is empty" in en


def test_gb11643_check_digit_wrong() -> None:
    zh, en = invalid("resident_id", "110105194912310025")
    assert "第18位校验码应为X，当前为5" in zh
    assert "check digit (18th character) should be X, got 5" in en


def test_gb11643_length() -> None:
    zh, en = invalid("resident_id", "11010519491231002")
    assert zh == "居民身份证号码应为18位，当前为17位。"
    assert en == "Resident identity card number should have 18 characters; it has 17."


def test_gb11643_non_digit_position() -> None:
    zh, en = invalid("resident_id", "1101051949I231002X")
    assert "第11位“I”应为数字" in zh and "the 11th character 'I' should be a digit" in en
    zh, en = invalid("resident_id", "11010519491231002Y")
    assert "第18位“Y”是校验码，应为数字或X" in zh and "'Y' is the check digit" in en


def test_gb11643_birth_date_not_a_date() -> None:
    zh, en = invalid("resident_id", ric("11010520230230002"))
    assert zh == "居民身份证号码第7–14位出生日期20230230不是有效日期。"
    assert "characters 7–14 (birth date 20230230) are not a valid date" in en


def test_gb11643_birth_date_bounds() -> None:
    """1900-01-01 .. today inclusive."""
    zh, en = invalid("resident_id", ric("11010518991231001"))
    assert "出生日期18991231早于1900年1月1日" in zh and "before 1 January 1900" in en
    assert check("resident_id", ric("11010519000101001")).valid
    day = datetime.date(2024, 1, 1)
    assert check("resident_id", ric("11010520240101001"), today=day).valid
    zh, en = invalid("resident_id", ric("11010520240102001"), today=day)
    assert "出生日期20240102晚于今天（2024-01-01）" in zh and "after today (2024-01-01)" in en


def test_gb11643_birth_date_default_today_is_real_today() -> None:
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    number = ric(f"110105{tomorrow:%Y%m%d}001")
    assert not validate_id(ValidateIdInput(doc_type="resident_id", number=number)).valid
    assert not door("resident_id", number)["valid"]


def test_gb11643_hkmt_prefix() -> None:
    zh, en = invalid("hkmt_residence_permit", "11010519491231002X")
    assert "第1–6位应为810000（香港居民）、820000（澳门居民）或830000（台湾居民），当前为110105" in zh
    assert "got 110105" in en
    # and it names what the number looks like
    assert "看起来像居民身份证号码" in zh and "looks like a resident identity card number" in en


def test_gb11643_hkmt_prefix_81_alone_is_not_enough() -> None:
    zh, _ = invalid("hkmt_residence_permit", ric("81010019900101123"))
    assert "当前为810100" in zh


def test_gb11643_hkmt_checks_birth_date_and_check_digit() -> None:
    zh, _ = invalid("hkmt_residence_permit", ric("82000019901301123"))
    assert "第7–14位出生日期19901301不是有效日期" in zh
    good = ric("83000019900101123")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    zh, _ = invalid("hkmt_residence_permit", wrong)
    assert f"第18位校验码应为{good[17]}，当前为{wrong[17]}" in zh


def test_gb11643_foreign_permanent_id_messages() -> None:
    zh, en = invalid("foreign_permanent_id", ric("83000019900101123"))
    assert "第1位应为9，当前为8" in zh and "the first character should be 9; got 8" in en
    assert "看起来像港澳台居民居住证号码" in zh
    good = ric("93615619900101123")
    wrong = good[:17] + ("X" if good[17] != "X" else "0")
    zh, _ = invalid("foreign_permanent_id", wrong)
    assert f"第18位校验码应为{good[17]}，当前为{wrong[17]}" in zh
    zh, _ = invalid("foreign_permanent_id", "US1123456789012")
    assert "第3位“1”应为英文字母" in zh
    zh, _ = invalid("foreign_permanent_id", "USA12345678901O")
    assert "第15位“O”应为数字" in zh
    zh, en = invalid("foreign_permanent_id", "USA1234")
    assert "应为18位（2023年版）或15位（旧版：3个字母加12位数字），当前为7位" in zh


def test_gb32100_uscc_messages() -> None:
    zh, en = invalid("uscc", "91O10000600037341L")
    assert "第3位“O”不是统一社会信用代码允许的字符（不使用I、O、Z、S、V" in zh
    assert "the 3rd character 'O' is not allowed" in en
    zh, en = invalid("uscc", "91110000600037341A")
    assert "第18位校验码应为L，当前为A（GB 32100-2015）" in zh
    assert "check digit (18th character) should be L, got A" in en
    zh, _ = invalid("uscc", "9111000060003734")
    assert "应为18位，当前为16位" in zh


def test_hkid_messages() -> None:
    zh, en = invalid("hk_id", "A123456(4)")
    assert "校验码（最后一位，可写在括号内）应为3，当前为4" in zh
    assert "should be 3, got 4" in en
    zh, en = invalid("hk_id", "A123456")
    assert "缺少括号内的校验码" in zh and "A123456(3)" in zh and "A123456(3)" in en
    zh, _ = invalid("hk_id", "1A23456(3)")
    assert "第1位“1”应为英文字母" in zh
    zh, _ = invalid("hk_id", "A12345B(3)")
    assert "第7位“B”应为数字" in zh
    zh, _ = invalid("hk_id", "A123456(B)")
    assert "第8位“B”是校验码，应为数字或A" in zh
    zh, _ = invalid("hk_id", "ABC123456(3)")
    assert "应为8或9位" in zh and "当前为10位" in zh


def test_hkid_letter_substitution_limit() -> None:
    """A known limit of the HKID rule: letters 11 apart (A=10, L=21) weigh the same mod 11."""
    assert check("hk_id", "A123456(3)").valid and check("hk_id", "L123456(3)").valid


def test_macau_id_messages() -> None:
    zh, en = invalid("macau_id", "2234567(8)")
    assert "第1位应为1、5或7，当前为2" in zh and "the first digit should be 1, 5 or 7; got 2" in en
    zh, _ = invalid("macau_id", "123456(7)")
    assert "应为8位数字（最后一位可带括号），当前为7位" in zh
    zh, _ = invalid("macau_id", "1234567A")
    assert "第8位“A”应为数字" in zh


def test_hk_macau_permit_messages() -> None:
    zh, en = invalid("hk_macau_permit", "X12345678")
    assert "第1位应为字母H（香港居民）或M（澳门居民），当前为“X”" in zh and "got 'X'" in en
    zh, _ = invalid("hk_macau_permit", "12345678")
    assert "这个号码缺少该字母" in zh and "看起来像" not in zh
    zh, _ = invalid("hk_macau_permit", "H1234567")
    assert "应为9位（H或M加8位数字）或11位（H或M加10位数字，旧版），当前为8位" in zh
    zh, _ = invalid("hk_macau_permit", "H1234567O")
    assert "第9位“O”应为数字" in zh


def test_taiwan_permit_messages() -> None:
    zh, _ = invalid("taiwan_permit", "123456789")
    assert "应为8位数字或10位数字（旧版），当前为9位" in zh
    zh, _ = invalid("taiwan_permit", "1234567T")
    assert "第8位“T”应为数字" in zh


def test_passport_messages() -> None:
    zh, _ = invalid("passport", "E123")
    assert "应为5–17位字母和数字，当前为4位" in zh
    zh, _ = invalid("passport", "A" * 18)
    assert "当前为18位" in zh
    zh, en = invalid("passport", "E1234-678")
    assert "第6位“-”应为英文字母或数字" in zh and "the 6th character '-' should be a letter or a digit" in en


@pytest.mark.parametrize("word", ["ID card", "hello", "A" * 17, "passport"])
def test_a_word_is_no_passport_number(word: str) -> None:
    """Explore report E17: "ID card" was taken as the passport number IDCARD; a passport
    number has digits."""
    zh, en = invalid("passport", word)
    assert "没有数字" in zh and "no digit" in en


def test_officer_id_messages() -> None:
    zh, en = invalid("officer_id", "字" * 31)
    assert "最多30个字符，当前为31个" in zh and "at most 30 characters; it has 31" in en
    zh, en = invalid("officer_id", "南字第2015-0001号")
    assert "第8位“-”应为字母、数字或汉字" in zh
    zh, en = invalid("officer_id", "南字\x07")
    assert "第3位“U+0007”" in zh and "'U+0007'" in en


def test_mobile_messages() -> None:
    zh, en = invalid("mobile", "1380013800")
    assert zh.startswith("手机号应为11位数字，当前为10位") and "should have 11 digits; it has 10" in en
    zh, _ = invalid("mobile", "12800138000")
    assert "第2位应为3–9，当前为2" in zh
    zh, _ = invalid("mobile", "23800138000")
    assert "第1位应为1，当前为2" in zh
    zh, _ = invalid("mobile", "1380013800O")
    assert "第11位“O”应为数字" in zh
    zh, _ = invalid("mobile", "+86+8613800138000")  # a doubled prefix is left alone
    assert "当前为17位" in zh


# --- looks like another document type ----------------------------------------


def test_resident_id_given_as_hk_id_says_so() -> None:
    zh, en = invalid("hk_id", "11010519491231002X")
    assert "看起来像居民身份证号码，请核对证件类型" in zh
    assert "It looks like a resident identity card number" in en


def test_5_3_1_hkid_given_as_resident_id_names_hk_id_and_the_manual_rule() -> None:
    """5.3.1 / 5.4.1.3 填写卖方信息: 卖方证件号码为港澳身份证号码的，证件类型需对应地选择“港澳居民身份证”."""
    zh, en = invalid("resident_id", "A123456(3)")
    assert "看起来像香港居民身份证号码" in zh
    assert "证件类型需对应地选择“港澳居民身份证”（手册5.3.1、5.4.1.3 填写卖方信息）" in zh
    assert "Hong Kong identity card number" in en and "manual 5.3.1" in en


def test_5_3_1_macau_id_given_as_passport_names_macau_id() -> None:
    zh, _ = invalid("passport", "1234567(8)")
    assert "看起来像澳门居民身份证号码" in zh and "港澳居民身份证" in zh


def test_macau_id_given_as_hk_id_has_no_manual_note() -> None:
    zh, _ = invalid("hk_id", "1234567(8)")
    assert "看起来像澳门居民身份证号码，请核对证件类型。" in zh and "手册" not in zh


def test_mobile_and_uscc_lookalikes() -> None:
    zh, _ = invalid("resident_id", "+86 138 0013 8000")
    assert "看起来像手机号" in zh
    zh, _ = invalid("resident_id", "91110000600037341L")
    assert "第18位“L”是校验码" in zh and "看起来像统一社会信用代码" in zh


def test_no_lookalike_for_garbage() -> None:
    zh, en = invalid("resident_id", "hello")
    assert "看起来像" not in zh and "looks like" not in en


# --- never raises -----------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "",
        "x" * 10_000,
        "1" * 10_000,
        "😀" * 5,
        "\x00\x01\x1b",
        "\ud7ff",
        "（）",
        "()",
        "(",
        "+86",
        "0086",
        "\u200b",
    ],
)
@pytest.mark.parametrize(
    "doc_type",
    [
        "resident_id",
        "officer_id",
        "hk_macau_permit",
        "taiwan_permit",
        "passport",
        "hk_id",
        "macau_id",
        "hkmt_residence_permit",
        "foreign_permanent_id",
        "uscc",
        "mobile",
    ],
)
def test_never_raises(doc_type: str, number: str) -> None:
    out = door(doc_type, number)
    assert set(out) == {"valid", "normalized", "message", "message_en"}
    assert out["valid"] is (number == "0086" and doc_type == "officer_id")
    if not out["valid"]:
        assert len(out["message"]) < 1000


def test_emoji_position_named() -> None:
    zh, en = invalid("passport", "E123😀567")
    assert "第5位“😀”" in zh and "5th character '😀'" in en


# --- the JSON door: strict input ------------------------------------------------


def test_json_door_output_shape() -> None:
    assert door("hk_id", "A123456(3)") == {
        "valid": True,
        "normalized": "A1234563",
        "message": None,
        "message_en": None,
    }


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"doc_type": "hk_id", "number": "A1234563", "extra": 1}, "unknown_field"),
        ({"doc_type": "hk_id", "number": 12345678}, "wrong_type"),
        ({"doc_type": "hk_id", "number": None}, "wrong_type"),
        ({"doc_type": "hk_id", "number": True}, "wrong_type"),
        ({"doc_type": "id_card", "number": "A1234563"}, "bad_enum"),
        ({"doc_type": "HK_ID", "number": "A1234563"}, "bad_enum"),
        ({"number": "A1234563"}, "missing_field"),
        ({"doc_type": "hk_id"}, "missing_field"),
    ],
)
def test_json_door_strict_errors(payload: dict[str, Any], code: str) -> None:
    with pytest.raises(rules.RuleError) as exc:
        rules.evaluate("validate_id", payload)
    assert exc.value.code == code


def test_json_door_not_an_object() -> None:
    with pytest.raises(rules.RuleError) as exc:
        rules.evaluate("validate_id", ["hk_id", "A1234563"])
    assert exc.value.code == "wrong_type"


def test_output_model_rejects_inconsistent_values() -> None:
    with pytest.raises(ValueError):
        ValidateIdOutput(valid=True, normalized=None, message=None, message_en=None)
    with pytest.raises(ValueError):
        ValidateIdOutput(valid=False, normalized="X", message="m", message_en="m")
    with pytest.raises(ValueError):
        ValidateIdOutput(valid=False, normalized=None, message="m", message_en=None)
