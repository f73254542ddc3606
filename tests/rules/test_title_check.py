"""Tests of ``title_check`` (房屋产权校验): manual 3, 4, 5.2.1.1, 5.2.1.2, 5.2.1.3, 5.2.2."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rules
from rules import RuleError
from rules.codes import OVERSEAS_DOC_TYPES
from rules.title import (
    REALNAME_METHODS,
    PasswordLoginInput,
    TitleCheckInput,
    TitleCheckOutput,
    password_login,
    title_check,
)

CLEAN: dict[str, Any] = {
    "login_identity": "owner",
    "is_institution": False,
    "account_level": 4,
    "realname": "online",
    "login_method": "yss_scan",
    "sms_verified": False,
    "chose_institution_card": False,
    "agent_linked": False,
    "blacklisted": False,
    "platform_name": "陈大文",
    "cert_name": "陈大文",
    "platform_doc_type": "resident_id",
    "platform_id_number": "11010519491231002X",
    "cert_id_number": "11010519491231002X",
    "property_status": "valid",
    "multi_unit_mixed_usage": False,
    "usage_standardized": True,
}

INSTITUTION: dict[str, Any] = {
    **CLEAN,
    "is_institution": True,
    "chose_institution_card": True,
    "platform_name": "深圳市某某实业有限公司",
    "cert_name": "深圳市某某实业有限公司",
    "platform_doc_type": "uscc",
    "platform_id_number": "91350100M000100Y43",
    "cert_id_number": "91350100M000100Y43",
}

AGENT: dict[str, Any] = {**CLEAN, "login_identity": "other", "agent_linked": True}


def check(**changes: Any) -> TitleCheckOutput:
    """The typed function on ``CLEAN`` with ``changes``."""
    return title_check(TitleCheckInput(**{**CLEAN, **changes}))


def door(**changes: Any) -> dict[str, Any]:
    """The JSON door on ``CLEAN`` with ``changes``."""
    return rules.evaluate("title_check", {**CLEAN, **changes})


def codes(findings: list[Any]) -> list[str]:
    return [f.code if hasattr(f, "code") else f["code"] for f in findings]


# --------------------------------------------------------------------------- the clean case


def test_clean_owner_passes_both_doors() -> None:
    out = check()
    assert (out.result, out.blockers, out.notices) == ("pass", [], [])
    assert door() == {"result": "pass", "blockers": [], "notices": []}


def test_finding_has_exactly_the_spec_keys() -> None:
    out = door(blacklisted=True, usage_standardized=False)
    for finding in out["blockers"] + out["notices"]:
        assert set(finding) == {"code", "message", "message_en", "next_step", "section"}
        assert finding["message"] and finding["message_en"] and finding["next_step"]
        assert (
            f"手册{finding['section']}" in finding["message"]
            or f"第{finding['section']}章" in (finding["message"])
        )


# --------------------------------------------------------------------------- 5.2.1.1 item 1


def test_5_2_1_1_item1_blacklisted_owner_blocks() -> None:
    out = check(blacklisted=True)
    assert out.result == "blocked"
    assert codes(out.blockers) == ["blacklisted"]
    assert out.blockers[0].section == "5.2.1.1"
    assert "黑名单" in out.blockers[0].message
    assert "12345" in out.blockers[0].next_step


# --------------------------------------------------------------------------- 5.2.1.1 item 2 / 5.2.1.2 item 1


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_5_2_1_1_item2_level_below_four_blocks(level: int) -> None:
    out = check(account_level=level)
    assert out.result == "blocked"
    assert codes(out.blockers) == ["level_too_low"]
    assert out.blockers[0].section == "5.2.1.1"
    assert "四级" in out.blockers[0].message


@pytest.mark.parametrize("level", [4, 5])
def test_5_2_1_1_item2_level_four_or_above_passes(level: int) -> None:
    assert check(account_level=level).result == "pass"


def test_5_2_1_1_item2_level_too_low_next_step_lists_the_ways_to_reach_level_four() -> None:
    step = check(account_level=2).blockers[0].next_step
    for method in REALNAME_METHODS[:3]:
        assert method in step
    assert "办事大厅现场实名核验" in step
    assert "广东省统一身份认证平台" in step and "12345" in step


def test_5_2_1_1_item2_agent_level_below_four_blocks() -> None:
    out = title_check(TitleCheckInput(**{**AGENT, "account_level": 3}))
    assert codes(out.blockers) == ["level_too_low"]


def test_5_2_1_2_item1_institution_agent_level_below_four_blocks() -> None:
    out = title_check(TitleCheckInput(**{**INSTITUTION, "account_level": 3}))
    assert codes(out.blockers) == ["level_too_low"]
    assert out.blockers[0].section == "5.2.1.2"
    assert "机构经办人" in out.blockers[0].message
    # 5.2.1.2 flowchart: the legal person re-authorises a 经办人 who can be verified
    assert "重新添加授权可以实名核验的经办人" in out.blockers[0].next_step


# --------------------------------------------------------------------------- login method


@pytest.mark.parametrize("method", ["yss_scan", "digital_cert"])
@pytest.mark.parametrize("realname", ["online", "onsite"])
def test_5_2_1_1_flowchart_yss_scan_or_digital_cert_always_pass(method: str, realname: str) -> None:
    assert check(login_method=method, realname=realname).result == "pass"


@pytest.mark.parametrize("method", ["yss_scan", "digital_cert"])
def test_5_2_1_1_item4_linked_agent_scan_or_cert_passes(method: str) -> None:
    out = title_check(TitleCheckInput(**{**AGENT, "login_method": method}))
    assert out.result == "pass"


def test_5_2_2_button_item1_online_realname_password_login_blocks() -> None:
    out = check(login_method="password", realname="online", sms_verified=True)
    assert codes(out.blockers) == ["login_method"]
    assert out.blockers[0].section == "5.2.1.1"
    assert "粤省事" in out.blockers[0].message and "数字证书" in out.blockers[0].message
    assert "粤省事扫码" in out.blockers[0].next_step


def test_5_2_1_2_online_realname_institution_password_login_blocks() -> None:
    out = title_check(TitleCheckInput(**{**INSTITUTION, "login_method": "password", "realname": "online"}))
    assert codes(out.blockers) == ["login_method"]
    assert out.blockers[0].section == "5.2.1.2"


def test_5_2_1_1_item3_onsite_password_without_sms_blocks() -> None:
    out = check(login_method="password", realname="onsite", sms_verified=False)
    assert codes(out.blockers) == ["sms_required"]
    assert out.blockers[0].section == "5.2.1.1"
    assert "手机短信验证码" in out.blockers[0].message


def test_5_2_1_1_item3_onsite_password_with_sms_passes() -> None:
    assert check(login_method="password", realname="onsite", sms_verified=True).result == "pass"


def test_5_2_1_2_item2_institution_onsite_password_without_sms_blocks() -> None:
    out = title_check(TitleCheckInput(**{**INSTITUTION, "login_method": "password", "realname": "onsite"}))
    assert codes(out.blockers) == ["sms_required"]
    assert out.blockers[0].section == "5.2.1.2"


def test_5_2_1_2_item2_institution_onsite_password_with_sms_passes() -> None:
    inp = {**INSTITUTION, "login_method": "password", "realname": "onsite", "sms_verified": True}
    assert title_check(TitleCheckInput(**inp)).result == "pass"


@pytest.mark.parametrize("realname", ["online", "onsite"])
@pytest.mark.parametrize("sms", [True, False])
def test_5_2_1_1_item4_agent_password_login_blocks_regardless_of_realname(realname: str, sms: bool) -> None:
    inp = {**AGENT, "login_method": "password", "realname": realname, "sms_verified": sms}
    out = title_check(TitleCheckInput(**inp))
    assert codes(out.blockers) == ["login_method"]
    assert "粤省事扫脸" in out.blockers[0].message
    assert out.blockers[0].section == "5.2.1.1"


# --------------------------------------------------------------------------- institution card


def test_5_2_1_2_flowchart_institution_must_choose_institution_card() -> None:
    out = title_check(TitleCheckInput(**{**INSTITUTION, "chose_institution_card": False}))
    assert codes(out.blockers) == ["institution_card"]
    assert out.blockers[0].section == "5.2.1.2"
    assert "选择机构卡片" in out.blockers[0].message and "不要选个人" in out.blockers[0].message


def test_5_2_1_2_institution_with_card_passes() -> None:
    assert title_check(TitleCheckInput(**INSTITUTION)).result == "pass"


def test_5_2_1_2_card_choice_irrelevant_for_individuals() -> None:
    assert check(chose_institution_card=True).result == "pass"


# --------------------------------------------------------------------------- agents (chapter 3, 5.2.2)


def test_5_2_2_login_identity_other_not_linked_blocks() -> None:
    out = title_check(TitleCheckInput(**{**AGENT, "agent_linked": False}))
    assert codes(out.blockers) == ["agent_not_linked"]
    step = out.blockers[0].next_step
    for words in ("公证处", "公证委托书", "账号关联房产信息申请表", "住房公积金管理中心房屋交易业务网点"):
        assert words in step


def test_3_linked_agent_passes() -> None:
    assert title_check(TitleCheckInput(**AGENT)).result == "pass"


@pytest.mark.parametrize("linked", [True, False])
def test_3_institution_cannot_act_through_a_chapter_3_agent(linked: bool) -> None:
    inp = {**INSTITUTION, "login_identity": "other", "agent_linked": linked}
    out = title_check(TitleCheckInput(**inp))
    assert codes(out.blockers) == ["agent_not_linked"]
    assert out.blockers[0].section == "3"
    assert "自然人" in out.blockers[0].message
    assert "权利人" in out.blockers[0].next_step and "机构卡片" in out.blockers[0].next_step


def test_3_institution_other_password_onsite_sms_gets_no_agent_login_blocker() -> None:
    inp = {
        **INSTITUTION,
        "login_identity": "other",
        "login_method": "password",
        "realname": "onsite",
        "sms_verified": True,
    }
    assert codes(title_check(TitleCheckInput(**inp)).blockers) == ["agent_not_linked"]


def test_5_2_2_agent_skips_name_and_id_checks() -> None:
    inp = {
        **AGENT,
        "platform_name": "李四",
        "cert_name": "陈大文",
        "platform_id_number": "440301199001011234",
        "cert_id_number": "11010519491231002X",
    }
    out = title_check(TitleCheckInput(**inp))
    assert (out.result, out.blockers, out.notices) == ("pass", [], [])


# --------------------------------------------------------------------------- 5.2.2 权利人名称


@pytest.mark.parametrize("cert_name", ["陈 大文", " 陈大文 ", "陈\u3000大\t文"])
def test_5_2_2_name_spaces_are_ignored(cert_name: str) -> None:
    assert check(cert_name=cert_name).result == "pass"


def test_5_2_2_name_traditional_vs_simplified_is_script_mismatch() -> None:
    out = check(platform_name="陈大文", cert_name="陳大文")
    assert out.result == "blocked"
    assert codes(out.blockers) == ["name_script_mismatch"]
    assert out.blockers[0].section == "5.2.2"
    assert "简体繁体" in out.blockers[0].next_step
    assert "陳大文" in out.blockers[0].message


def test_5_2_2_name_script_mismatch_with_spaces() -> None:
    assert codes(check(platform_name="陳 大文", cert_name="陈大文").blockers) == ["name_script_mismatch"]


def test_5_2_2_different_names_mismatch() -> None:
    out = check(platform_name="李四", cert_name="陈大文")
    assert codes(out.blockers) == ["name_mismatch"]
    assert "修改一方姓名" in out.blockers[0].next_step


# --------------------------------------------------------------------------- 5.2.2 权利人证件号码


def test_5_2_2_hk_id_brackets_compare_equal() -> None:
    out = check(platform_doc_type="hk_id", platform_id_number="A123456(3)", cert_id_number="A1234563")
    assert (out.result, out.blockers, out.notices) == ("pass", [], [])


def test_5_2_2_resident_id_case_and_spaces_compare_equal() -> None:
    out = check(platform_id_number="110105 19491231 002x", cert_id_number="11010519491231002X")
    assert out.result == "pass"


def test_5_2_2_resident_id_mismatch_blocks() -> None:
    out = check(cert_id_number="440301199001011234")
    assert out.result == "blocked"
    assert codes(out.blockers) == ["id_mismatch"]
    assert out.notices == []
    assert "居民身份证" in out.blockers[0].message


def test_5_2_2_hk_id_card_is_not_an_editable_document() -> None:
    out = check(platform_doc_type="hk_id", platform_id_number="A1234563", cert_id_number="B1234567")
    assert codes(out.blockers) == ["id_mismatch"]


def test_5_2_2_passport_mismatch_is_notice_id_editable_and_passes() -> None:
    out = check(platform_doc_type="passport", platform_id_number="E12345678", cert_id_number="G98765432")
    assert out.result == "pass"
    assert out.blockers == []
    assert codes(out.notices) == ["id_editable"]
    assert out.notices[0].section == "5.2.2"
    assert "权利人证件号码" in out.notices[0].next_step


OVERSEAS_NUMBERS = {
    "hk_macau_permit": ("H12345678", "M87654321"),
    "taiwan_permit": ("12345678", "87654321"),
    "passport": ("E12345678", "G98765432"),
    "hkmt_residence_permit": ("810000199408230021", "820000200009010011"),
    "foreign_permanent_id": ("USA110079091812", "CAN310081010112"),
}


def test_overseas_numbers_cover_the_overseas_doc_types() -> None:
    assert set(OVERSEAS_NUMBERS) == OVERSEAS_DOC_TYPES


@pytest.mark.parametrize(("doc_type", "numbers"), sorted(OVERSEAS_NUMBERS.items()))
def test_5_2_2_conditions_1_and_2_overseas_documents_may_be_edited(
    doc_type: str, numbers: tuple[str, str]
) -> None:
    platform, cert = numbers
    out = check(platform_doc_type=doc_type, platform_id_number=platform, cert_id_number=cert)
    assert (out.result, codes(out.blockers), codes(out.notices)) == ("pass", [], ["id_editable"])


def test_5_2_2_condition_2_overseas_same_number_gives_no_notice() -> None:
    out = check(platform_doc_type="passport", platform_id_number="e 12345678", cert_id_number="E12345678")
    assert (out.result, out.notices) == ("pass", [])


def test_5_2_2_name_and_id_both_wrong_reports_both() -> None:
    out = check(platform_name="李四", cert_id_number="440301199001011234")
    assert codes(out.blockers) == ["name_mismatch", "id_mismatch"]


# --------------------------------------------------------------------------- 5.2.1.3 房屋校验


@pytest.mark.parametrize("status", ["valid", "mortgaged"])
def test_5_2_1_3_item1_valid_or_mortgaged_passes(status: str) -> None:
    assert check(property_status=status).result == "pass"


@pytest.mark.parametrize(("status", "zh"), [("sealed", "查封"), ("cancelled", "注销"), ("other", "其他")])
def test_5_2_1_3_item1_other_statuses_block(status: str, zh: str) -> None:
    out = check(property_status=status)
    assert codes(out.blockers) == ["property_status"]
    assert out.blockers[0].section == "5.2.1.3"
    assert zh in out.blockers[0].message


def test_5_2_1_3_item2_one_certificate_mixed_usage_must_split() -> None:
    out = check(multi_unit_mixed_usage=True)
    assert codes(out.blockers) == ["split_certificate"]
    assert "不动产登记中心" in out.blockers[0].next_step and "分证" in out.blockers[0].next_step


def test_5_2_1_3_item3_usage_not_standardized_is_pending_review() -> None:
    out = check(usage_standardized=False)
    assert out.result == "pending_review"
    assert out.blockers == []
    assert codes(out.notices) == ["restriction_review"]
    notice = out.notices[0]
    assert notice.section == "5.2.1.3"
    for words in ("限购/限售核定", "深圳市住房公积金中心", "一个工作日", "合同录入人"):
        assert words in notice.message


def test_5_2_1_3_item3_restriction_review_with_blocker_is_blocked_notice_kept() -> None:
    out = check(usage_standardized=False, property_status="sealed")
    assert out.result == "blocked"
    assert codes(out.blockers) == ["property_status"]
    assert codes(out.notices) == ["restriction_review"]


def test_5_2_2_id_editable_and_restriction_review_is_pending_review() -> None:
    out = check(
        usage_standardized=False,
        platform_doc_type="taiwan_permit",
        platform_id_number="12345678",
        cert_id_number="87654321",
    )
    assert out.result == "pending_review"
    assert codes(out.notices) == ["id_editable", "restriction_review"]


# --------------------------------------------------------------------------- combined


def test_every_blocker_reported_in_order() -> None:
    out = check(
        blacklisted=True,
        account_level=1,
        login_method="password",
        realname="online",
        platform_name="陳大文",
        cert_id_number="440301199001011234",
        property_status="cancelled",
        multi_unit_mixed_usage=True,
        usage_standardized=False,
    )
    assert out.result == "blocked"
    assert codes(out.blockers) == [
        "blacklisted",
        "level_too_low",
        "login_method",
        "name_script_mismatch",
        "id_mismatch",
        "property_status",
        "split_certificate",
    ]
    assert codes(out.notices) == ["restriction_review"]


def test_institution_every_blocker_reported_in_order() -> None:
    inp = {
        **INSTITUTION,
        "account_level": 3,
        "login_method": "password",
        "realname": "onsite",
        "chose_institution_card": False,
        "login_identity": "other",
        "multi_unit_mixed_usage": True,
    }
    out = title_check(TitleCheckInput(**inp))
    assert codes(out.blockers) == [
        "level_too_low",
        "sms_required",
        "institution_card",
        "agent_not_linked",
        "split_certificate",
    ]


def test_agent_combined_blockers_through_json_door() -> None:
    out = rules.evaluate(
        "title_check",
        {**AGENT, "agent_linked": False, "login_method": "password", "property_status": "other"},
    )
    assert out["result"] == "blocked"
    assert codes(out["blockers"]) == ["login_method", "agent_not_linked", "property_status"]


def test_json_door_matches_typed_function() -> None:
    changes = {"cert_name": "陳大文", "usage_standardized": False}
    assert door(**changes) == check(**changes).model_dump(mode="json")


# --------------------------------------------------------------------------- strict input


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"account_level": "4"}, "wrong_type"),
        ({"account_level": True}, "wrong_type"),
        ({"account_level": 4.0}, "wrong_type"),
        ({"blacklisted": "yes"}, "wrong_type"),
        ({"platform_name": 1}, "wrong_type"),
        ({"property_status": "frozen"}, "bad_enum"),
        ({"login_method": "wechat"}, "bad_enum"),
        ({"platform_doc_type": "id_card"}, "bad_enum"),
        ({"surprise": True}, "unknown_field"),
        ({"account_level": 6}, "invalid_input"),
        ({"account_level": -1}, "invalid_input"),
    ],
)
def test_json_door_strict_input(changes: dict[str, Any], code: str) -> None:
    with pytest.raises(RuleError) as info:
        door(**changes)
    assert info.value.code == code


@pytest.mark.parametrize("field", sorted(CLEAN))
def test_json_door_every_field_is_required(field: str) -> None:
    payload = {k: v for k, v in CLEAN.items() if k != field}
    with pytest.raises(RuleError) as info:
        rules.evaluate("title_check", payload)
    assert info.value.code == "missing_field"
    assert field in info.value.message


def test_typed_model_rejects_out_of_range_level() -> None:
    with pytest.raises(ValueError):
        TitleCheckInput(**{**CLEAN, "account_level": 6})


# --------------------------------------------------------------------------- hypothesis


@given(
    login_identity=st.sampled_from(["owner", "other"]),
    is_institution=st.booleans(),
    account_level=st.integers(0, 5),
    realname=st.sampled_from(["online", "onsite"]),
    login_method=st.sampled_from(["yss_scan", "digital_cert", "password"]),
    sms_verified=st.booleans(),
    chose_institution_card=st.booleans(),
    agent_linked=st.booleans(),
    blacklisted=st.booleans(),
    same_name=st.booleans(),
    platform_doc_type=st.sampled_from(["resident_id", "passport", "hk_id", "taiwan_permit", "uscc"]),
    same_id=st.booleans(),
    property_status=st.sampled_from(["valid", "mortgaged", "sealed", "cancelled", "other"]),
    multi_unit_mixed_usage=st.booleans(),
    usage_standardized=st.booleans(),
)
def test_result_follows_blockers_and_usage(same_name: bool, same_id: bool, **fields: Any) -> None:
    payload = {
        **fields,
        "platform_name": "陈大文",
        "cert_name": "陈大文" if same_name else "李四",
        "platform_id_number": "A1234563",
        "cert_id_number": "A1234563" if same_id else "Z9999999",
    }
    out = rules.evaluate("title_check", payload)
    assert (out["result"] == "blocked") == bool(out["blockers"])
    assert (out["result"] == "pending_review") == (not out["blockers"] and not fields["usage_standardized"])
    assert ("restriction_review" in codes(out["notices"])) == (not fields["usage_standardized"])
    assert len(set(codes(out["blockers"]))) == len(out["blockers"])


# --- account-and-password login (5.2.1.1 item 3, 5.2.2): one rule for the login and the title check


@pytest.mark.parametrize(
    ("realname", "sms_verified", "code"),
    [
        ("online", True, "login_method"),
        ("none", True, "login_method"),
        ("onsite", False, "sms_required"),
        ("onsite", True, None),
    ],
)
def test_password_login(realname: str, sms_verified: bool, code: str | None) -> None:
    found = password_login(
        PasswordLoginInput.model_validate({"realname": realname, "sms_verified": sms_verified})
    )
    assert (found.code if found else None) == code
    if found is not None:
        assert "账号和密码方式登录" in found.message and "5.2.1.1" in found.message and found.message_en
    # The title check asks the same of a password login (with its own, title-check wording).
    if realname != "none":
        out = title_check(
            TitleCheckInput(
                **{**CLEAN, "realname": realname, "login_method": "password", "sms_verified": sms_verified}
            )
        )
        assert [b.code for b in out.blockers if b.code in ("login_method", "sms_required")] == (
            [code] if code else []
        )


def test_password_login_texts_are_the_platforms() -> None:
    not_onsite = password_login(PasswordLoginInput(realname="online", sms_verified=True))
    no_sms = password_login(PasswordLoginInput(realname="onsite", sms_verified=False))
    assert not_onsite is not None and not_onsite.message == (
        "账号和密码方式登录只适用于在办事大厅现场实名核验的用户；线上实名核验的用户请用粤省事扫码或数字证书登录（手册5.2.1.1、5.2.2）。"
    )
    assert no_sms is not None and no_sms.message == (
        "账号和密码方式登录须输入发送到注册手机号的短信验证码（先调用 sms/send）（手册5.2.1.1第3条）。"
    )
