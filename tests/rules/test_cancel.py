"""Tests for rules.cancel: ``cancel_unfiled`` (manual 7) and ``cancel_filed`` (manual 8.1, 8.2)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

import rules
from rules import RuleError
from rules.cancel import (
    CancelFiledInput,
    CancelUnfiledInput,
    cancel_filed,
    cancel_unfiled,
)

AGREED = ["电子证照调用授权书", "注销二手房买卖合同备案申请表", "注销网签备案承诺书", "买卖双方解除协议"]
LEGAL = ["电子证照调用授权书", "注销二手房买卖合同备案申请表", "注销网签备案承诺书", "已生效的法律文书"]


def unfiled(**kw: Any) -> dict[str, Any]:
    """Run cancel_unfiled through the typed function and the JSON door; they must agree."""
    payload = {"signed": False, "qualification_code_applied": False, "signing": "online", "downloaded": False}
    payload.update(kw)
    typed = cancel_unfiled(CancelUnfiledInput.model_validate(payload)).model_dump(mode="json")
    door = rules.evaluate("cancel_unfiled", payload)
    assert typed == door
    return door


def filed(**kw: Any) -> dict[str, Any]:
    payload = {
        "transfer_registration_accepted": False,
        "both_agree": True,
        "legal_document": False,
        "change": "none",
    }
    payload.update(kw)
    typed = cancel_filed(CancelFiledInput.model_validate(payload)).model_dump(mode="json")
    door = rules.evaluate("cancel_filed", payload)
    assert typed == door
    return door


# --- manual 7 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "signing", "downloaded"),
    list(itertools.product([False, True], ["online", "offline"], [False, True])),
)
def test_7_case1_signed_either_applies_other_confirms(code: bool, signing: str, downloaded: bool) -> None:
    """7 情况1: 合同已经买卖双方签署的，则由买卖双方任何一方申请注销网签，另一方进行确认 —
    whatever the other fields say."""
    out = unfiled(signed=True, qualification_code_applied=code, signing=signing, downloaded=downloaded)
    assert out["covered"] is True
    assert out["allowed"] is True
    assert out["prerequisite"] is None
    assert out["who_can_apply"] == ["buyer", "seller"]
    assert out["needs_confirmation"] is True
    assert out["section"] == "7"
    assert "情况1" in out["message"] and "另一方进行确认" in out["message"]
    assert "case 1" in out["message_en"]


@pytest.mark.parametrize(
    ("signing", "downloaded", "confirm"),
    [
        ("online", False, False),
        ("online", True, False),
        ("offline", True, True),
    ],
)
def test_7_case2_buyer_voids_code_first_then_decided_again(
    signing: str, downloaded: bool, confirm: bool
) -> None:
    """7 情况2: 合同未签署但买方已申请了购房资格码的，则由买方作废资格码后买卖双方任何一方才可以注销网签.

    The decision after voiding follows the spec (decided again as unsigned with no code); the message
    states only case 2 and says the manual is silent on confirmation and on how the code is voided."""
    out = unfiled(qualification_code_applied=True, signing=signing, downloaded=downloaded)
    assert out["covered"] is True
    assert out["allowed"] is False
    assert out["prerequisite"] == "buyer_voids_qualification_code"
    assert out["who_can_apply"] == ["buyer", "seller"]
    assert out["needs_confirmation"] is confirm
    assert "情况2" in out["message"] and "作废资格码后" in out["message"]
    assert "没有写作废之后是否需要另一方确认" in out["message"] and "12345" in out["message"]
    # no follow-up case is asserted as the manual's rule
    assert "另一方进行确认" not in out["message"] and "无需对方确认" not in out["message"]
    assert "case 2" in out["message_en"] and "does not say whether the other party" in out["message_en"]
    assert out["section"] == "7"


def test_7_case2_offline_never_downloaded_same_message() -> None:
    """7 情况2 does not depend on the signing method or the download: the same text whatever they are."""
    out = unfiled(qualification_code_applied=True, signing="offline", downloaded=False)
    assert (out["covered"], out["allowed"], out["needs_confirmation"]) == (True, False, False)
    assert out["prerequisite"] == "buyer_voids_qualification_code"
    assert out["message"] == unfiled(qualification_code_applied=True, signing="online")["message"]
    assert "12345" in out["message"] and "住房公积金管理中心" in out["message"]
    assert "12345" in out["message_en"]


@pytest.mark.parametrize("downloaded", [False, True])
def test_7_case3_online_unsigned_no_code_direct(downloaded: bool) -> None:
    """7 情况3: 合同未签署且买方未申请购房资格码的，线上签署，则买方或卖方直接注销网签，无需对方确认."""
    out = unfiled(signing="online", downloaded=downloaded)
    assert out == {
        "covered": True,
        "allowed": True,
        "prerequisite": None,
        "who_can_apply": ["buyer", "seller"],
        "needs_confirmation": False,
        "message": out["message"],
        "message_en": out["message_en"],
        "section": "7",
    }
    assert "情况3" in out["message"] and "无需对方确认" in out["message"]
    assert "case 3" in out["message_en"]


def test_7_case4_offline_downloaded_needs_confirmation() -> None:
    """7 情况4: 线下签署且已下载过合同，则由买卖双方任何一方申请注销网签，另一方进行确认."""
    out = unfiled(signing="offline", downloaded=True)
    assert (out["covered"], out["allowed"], out["prerequisite"]) == (True, True, None)
    assert out["who_can_apply"] == ["buyer", "seller"]
    assert out["needs_confirmation"] is True
    assert "情况4" in out["message"] and "另一方进行确认" in out["message"]
    assert "case 4" in out["message_en"]


def test_7_uncovered_offline_never_downloaded() -> None:
    """Unsigned, no code, offline, never downloaded: none of the four cases of 7 — do not guess."""
    out = unfiled(signing="offline", downloaded=False)
    assert out["covered"] is False
    assert out["allowed"] is False
    assert out["prerequisite"] is None
    assert out["who_can_apply"] == []
    assert out["needs_confirmation"] is False
    assert out["section"] == "7"
    assert "手册未作规定" in out["message"]
    assert "12345" in out["message"] and "住房公积金管理中心" in out["message"]
    assert "12345" in out["message_en"] and "does not" in out["message_en"]


@pytest.mark.parametrize("combo", list(itertools.product([False, True], repeat=4)))
def test_7_every_input_has_section_and_both_languages(combo: tuple[bool, ...]) -> None:
    signed, code, online, downloaded = combo
    out = unfiled(
        signed=signed,
        qualification_code_applied=code,
        signing="online" if online else "offline",
        downloaded=downloaded,
    )
    assert out["section"] == "7"
    assert "手册7" in out["message"] and "manual 7" in out["message_en"]
    # Allowed only without a pending prerequisite; covered unless the fifth case.
    assert out["allowed"] == (out["prerequisite"] is None and out["covered"])


# --- manual 8.1 / 8.2 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agree", "legal", "change"),
    list(
        itertools.product(
            [False, True], [False, True], ["none", "buyer_identity", "buyers_added_or_removed", "other_terms"]
        )
    ),
)
def test_8_1_bullet1_nothing_after_transfer_registration_accepted(
    agree: bool, legal: bool, change: str
) -> None:
    """8.1 第一条: 登记部门未受理该合同房产的转移登记申请时 … 可线上申请 — after acceptance, nothing here."""
    out = filed(transfer_registration_accepted=True, both_agree=agree, legal_document=legal, change=change)
    assert out["online_allowed"] is False
    assert out["onsite_allowed"] is False
    assert out["options"] == []
    assert out["required_option"] is None
    assert out["materials"] == []
    assert "不动产登记中心" in out["message"] and "12345" in out["message"]
    assert "12345" in out["message_en"]
    # 8.1 closes only the online route; the manual says nothing about on site after acceptance
    assert "已不能办理" not in out["message"] and "手册都没有写" in out["message"]
    assert out["section"] == "8.1"


def test_8_1_bullet1_online_with_agreement() -> None:
    """8.1 第一条: 买卖双方经协商一致的，可线上申请注销备案或网签."""
    out = filed(both_agree=True)
    assert out["online_allowed"] is True
    assert out["onsite_allowed"] is True
    assert "合同网签备案注销" in out["message"] and "我的二手房" in out["message"]


@pytest.mark.parametrize("change", ["none", "buyer_identity", "buyers_added_or_removed", "other_terms"])
def test_8_1_8_2_no_agreement_no_legal_document_closed(change: str) -> None:
    """8.1 / 8.2 注意: without agreement or an effective legal document, no channel is open."""
    out = filed(both_agree=False, legal_document=False, change=change)
    assert out == {
        "online_allowed": False,
        "onsite_allowed": False,
        "options": [],
        "required_option": None,
        "materials": [],
        "message": out["message"],
        "message_en": out["message_en"],
        "section": "8.1",
    }
    assert "协商一致" in out["message"] and "已生效的法律文书" in out["message"]
    assert "legal document" in out["message_en"]


def test_8_1_bullet2_both_options_explained() -> None:
    """8.1 第二条: 注销网签 — 备案撤销、合同删除; 注销备案 — 备案撤销，可修改后重新申请备案."""
    out = filed(change="none")
    assert out["options"] == ["cancel_netsign", "cancel_filing"]
    assert out["required_option"] is None
    assert "合同同时被删除" in out["message"]
    assert "重新申请备案" in out["message"]
    assert "deleted" in out["message_en"] and "filed again" in out["message_en"]


@pytest.mark.parametrize("change", ["buyer_identity", "buyers_added_or_removed"])
def test_8_1_bullet3_buyer_change_requires_cancel_netsign(change: str) -> None:
    """8.1 第三条: 如需修改买方身份信息或增减买方，买卖双方需在完成网签注销业务办理后重新进行网签."""
    out = filed(change=change)
    assert out["required_option"] == "cancel_netsign"
    assert out["options"] == ["cancel_netsign"]
    assert "重新进行网签" in out["message"]
    assert ("买方身份信息" if change == "buyer_identity" else "增减买方") in out["message"]


def test_8_1_bullet2_other_terms_cancel_filing() -> None:
    """8.1 第二条: 申请注销备案的 … 可对合同部分内容进行修改后重新申请备案."""
    out = filed(change="other_terms")
    assert out["required_option"] == "cancel_filing"
    assert out["options"] == ["cancel_filing"]
    assert "注销备案" in out["message"] and "重新申请备案" in out["message"]
    # 可对合同部分内容进行修改 — which parts (the price?) the manual does not say
    assert "部分内容" in out["message"] and "哪些内容可以修改，手册没有写" in out["message"]
    assert "价款" not in out["message"]


def test_8_2_note_legal_document_onsite_only_one_party() -> None:
    """8.2 注意: 其中一方持已生效的法律文书等材料，可在预约后前往住房公积金管理中心现场申请."""
    out = filed(both_agree=False, legal_document=True)
    assert out["online_allowed"] is False
    assert out["onsite_allowed"] is True
    assert out["options"] == ["cancel_netsign", "cancel_filing"]
    assert out["materials"] == LEGAL
    assert "住房公积金管理中心" in out["message"] and "预约" in out["message"]
    # 8.2 注意 lists no materials for this route and says nothing of replacing the 解除协议
    assert "单独申请" not in out["message"] and "代替" not in out["message"]
    assert "没有列出现场申请要带的材料" in out["message"]
    assert "alone" not in out["message_en"] and "in place of" not in out["message_en"]


@pytest.mark.parametrize("legal", [False, True])
def test_8_2_note_agreement_also_onsite_with_agreement_materials(legal: bool) -> None:
    """8.2 注意: 买卖双方经协商一致 … 可在预约后前往住房公积金管理中心现场申请; 8.2.4 materials."""
    out = filed(both_agree=True, legal_document=legal)
    assert (out["online_allowed"], out["onsite_allowed"]) == (True, True)
    assert out["materials"] == AGREED
    assert "预约" in out["message"]


@pytest.mark.parametrize(("agree", "legal"), [(True, False), (False, True), (True, True)])
def test_8_2_3_identity_documents_may_replace_authorisation(agree: bool, legal: bool) -> None:
    """8.2.3: 系统未自动获取电子证照信息 … 需手动上传有效的身份证明材料."""
    out = filed(both_agree=agree, legal_document=legal)
    assert "身份证明材料" in out["message"] and "8.2.3" in out["message"]
    assert "identity documents" in out["message_en"]


def test_8_2_7_either_party_submits() -> None:
    """8.2.7: 买方和卖方材料都已上传完后，买方或卖方任何一方可以提交审核."""
    out = filed(both_agree=True)
    assert "提交审核" in out["message"] and "8.2.7" in out["message"]


@pytest.mark.parametrize("change", ["none", "buyer_identity", "buyers_added_or_removed", "other_terms"])
def test_8_1_required_option_alone_in_options(change: str) -> None:
    out = filed(change=change)
    if out["required_option"] is not None:
        assert out["options"] == [out["required_option"]]
    assert out["section"] == "8.1"


# --- the JSON door's strict input --------------------------------------------------------

UNFILED_OK = {"signed": False, "qualification_code_applied": False, "signing": "online", "downloaded": False}
FILED_OK = {
    "transfer_registration_accepted": False,
    "both_agree": True,
    "legal_document": False,
    "change": "none",
}


@pytest.mark.parametrize(
    ("name", "payload", "code"),
    [
        ("cancel_unfiled", {**UNFILED_OK, "kind": "x"}, "unknown_field"),
        ("cancel_unfiled", {**UNFILED_OK, "signed": "yes"}, "wrong_type"),
        ("cancel_unfiled", {**UNFILED_OK, "downloaded": 1}, "wrong_type"),
        ("cancel_unfiled", {**UNFILED_OK, "signing": "paper"}, "bad_enum"),
        ("cancel_unfiled", {k: v for k, v in UNFILED_OK.items() if k != "signed"}, "missing_field"),
        ("cancel_filed", {**FILED_OK, "extra": True}, "unknown_field"),
        ("cancel_filed", {**FILED_OK, "both_agree": "yes"}, "wrong_type"),
        ("cancel_filed", {**FILED_OK, "change": "price"}, "bad_enum"),
        ("cancel_filed", {k: v for k, v in FILED_OK.items() if k != "change"}, "missing_field"),
    ],
)
def test_json_door_strict_input(name: str, payload: dict[str, Any], code: str) -> None:
    with pytest.raises(RuleError) as err:
        rules.evaluate(name, payload)
    assert err.value.code == code
