"""Tests of ``realname_level``: manual ch. 1 flowchart, 1.3.1, 2, 5.2.1.1, 5.2.1.2, 5.3.5.1."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rules
from rules import RuleError
from rules.title import (
    REALNAME_METHODS,
    RealnameLevelInput,
    TitleCheckInput,
    realname_level,
    title_check,
)

METHODS = ["粤省事扫码", "个人网银证书核验", "个人CA证书核验", "办事大厅现场实名核验"]
HELP_URL = "http://www.gdzwfw.gov.cn/portal/help/rc-lobby-scene-licenses.html"


def level(level: int, purpose: str) -> dict[str, Any]:
    """Both doors at once; asserts they agree and returns the JSON output."""
    out = rules.evaluate("realname_level", {"level": level, "purpose": purpose})
    typed = realname_level(RealnameLevelInput.model_validate({"level": level, "purpose": purpose}))
    assert typed.model_dump(mode="json") == out
    assert set(out) == {"ok", "message", "message_en", "methods"}
    return out


# --------------------------------------------------------------------------- title_check


@pytest.mark.parametrize("lvl", [4, 5])
def test_5_2_1_1_item2_title_check_level_four_or_above_ok(lvl: int) -> None:
    out = level(lvl, "title_check")
    assert out["ok"] is True
    assert out["methods"] == []
    assert "5.2.1.1" in out["message"] and "5.2.1.1" in out["message_en"]


@pytest.mark.parametrize("lvl", [0, 1, 2, 3])
def test_5_2_1_1_item2_title_check_below_four_not_ok(lvl: int) -> None:
    out = level(lvl, "title_check")
    assert out["ok"] is False
    assert "四级" in out["message"] and "5.2.1.1" in out["message"]
    assert "level 4" in out["message_en"]


def test_1_flowchart_methods_are_the_manuals_words() -> None:
    # chapter 1 flowchart: 选择粤省事扫码、个人网银证书核验、个人CA证书核验; 5.2.1.1 item 3: 现场实名核验
    assert level(3, "title_check")["methods"] == METHODS
    assert list(REALNAME_METHODS) == METHODS


def test_5_2_1_1_item3_on_site_verification_offered_when_too_low() -> None:
    out = level(2, "title_check")
    assert "办事大厅" in out["message"] and "现场实名核验" in out["message"]


def test_2_help_guide_and_12345_when_too_low() -> None:
    for purpose in ("title_check", "add_agent"):
        out = level(1, purpose)
        assert HELP_URL in out["message"] and "12345" in out["message"]
        assert HELP_URL in out["message_en"] and "12345" in out["message_en"]


def test_methods_shared_with_title_check_level_too_low() -> None:
    base = {
        "login_identity": "owner",
        "is_institution": False,
        "account_level": 3,
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
    step = title_check(TitleCheckInput.model_validate(base)).blockers[0].next_step
    for method in METHODS[:3]:
        assert method in step
    assert "办事大厅现场实名核验" in step


# --------------------------------------------------------------------------- add_agent


@pytest.mark.parametrize("lvl", [4, 5])
def test_1_3_1_add_agent_level_four_or_above_ok(lvl: int) -> None:
    out = level(lvl, "add_agent")
    assert (out["ok"], out["methods"]) == (True, [])
    assert "1.3.1" in out["message"]


@pytest.mark.parametrize("lvl", [0, 1, 2, 3])
def test_1_3_1_add_agent_below_four_not_ok(lvl: int) -> None:
    out = level(lvl, "add_agent")
    assert (out["ok"], out["methods"]) == (False, METHODS)
    assert "1.3.1" in out["message"] and "经办人" in out["message"]


def test_1_flowchart_agent_trust_level_four_mentioned() -> None:
    assert "第1章流程图" in level(3, "add_agent")["message"]


# --------------------------------------------------------------------------- esign


@pytest.mark.parametrize("lvl", [0, 1, 2, 3, 4, 5])
def test_5_3_5_1_esign_ok_whatever_the_level(lvl: int) -> None:
    out = level(lvl, "esign")
    assert (out["ok"], out["methods"]) == (True, [])


def test_5_3_5_1_esign_message_explains_i_shenzhen_authentication() -> None:
    out = level(1, "esign")
    for words in ("i深圳", "实人认证", "数字认证", "腾讯云", "5.3.5.1"):
        assert words in out["message"]
    assert "i深圳" in out["message_en"] and "5.3.5.1" in out["message_en"]


def test_5_3_5_1_esign_message_says_the_manual_is_silent_on_the_level() -> None:
    """5.3.5.1 describes only i深圳's 实人认证; it says nothing either way about the account level, so
    the message must not claim that signing "does not look at" it."""
    out = level(2, "esign")
    assert "手册没有写电子签署对广东省统一身份认证平台账号等级的要求" in out["message"]
    assert "不看" not in out["message"]
    assert "sets no" in out["message_en"] and "does not depend" not in out["message_en"]


def test_5_3_5_1_flowchart_cannot_authenticate_must_sign_offline() -> None:
    out = level(0, "esign")
    assert "无法实人认证的，只能选择线下签署" in out["message"]
    assert "线下签署" in out["message_en"]


# --------------------------------------------------------------------------- strict input


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"level": "4", "purpose": "title_check"}, "wrong_type"),
        ({"level": True, "purpose": "title_check"}, "wrong_type"),
        ({"level": 4.0, "purpose": "title_check"}, "wrong_type"),
        ({"level": 4, "purpose": "sign"}, "bad_enum"),
        ({"level": 4, "purpose": "esign", "extra": 1}, "unknown_field"),
        ({"level": 4}, "missing_field"),
        ({"purpose": "esign"}, "missing_field"),
        ({"level": 6, "purpose": "esign"}, "invalid_input"),
        ({"level": -1, "purpose": "title_check"}, "invalid_input"),
    ],
)
def test_json_door_strict_input(payload: dict[str, Any], code: str) -> None:
    with pytest.raises(RuleError) as info:
        rules.evaluate("realname_level", payload)
    assert info.value.code == code


# --------------------------------------------------------------------------- hypothesis


@given(lvl=st.integers(0, 5), purpose=st.sampled_from(["title_check", "add_agent", "esign"]))
def test_ok_iff_level_four_or_esign(lvl: int, purpose: str) -> None:
    out = rules.evaluate("realname_level", {"level": lvl, "purpose": purpose})
    assert out["ok"] == (purpose == "esign" or lvl >= 4)
    assert (out["methods"] == []) == out["ok"]
    assert out["message"] and out["message_en"]
