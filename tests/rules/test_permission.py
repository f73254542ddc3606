"""Tests for rules.permission (manual 5.3.3, 5.3.4, 5.3.5.2, 5.4.4, 5.4.5.1, 6.2, 7, 8.2.7)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

import rules
from rules import RuleError
from rules.codes import ROLE_NAMES
from rules.permission import ACTIONS, GRANTS, PermissionInput, permission

B, S, C = "buyer", "seller", "counter_staff"
U, F, E = "unfiled", "filed", "either"

# The spec's grants, written out independently of the module:
# action -> (roles, on which contracts, section of the first grant).
EXPECTED: dict[str, tuple[frozenset[str], str, str]] = {
    "view": (frozenset({B, S, C}), E, "6.2"),  # 6.2 查看按钮：买卖双方都有权限; counter staff may view
    "edit_terms": (frozenset({S}), U, "6.2"),  # 6.2 卖方：对于在途未备案合同 … 编辑合同条款
    "upload_filing_materials": (frozenset({S, C}), U, "5.3.5.2"),  # 备案材料由卖方或公积金服务厅窗口人员上传
    "submit_filing": (frozenset({S, C}), U, "5.3.5.2"),
    "apply_cancel": (frozenset({B, S}), E, "6.2"),  # 6.2 已备案合同 … 申请注销; 注销按钮：合同备案之前
    "confirm_cancel": (frozenset({B, S}), E, "7"),  # 7 另一方进行确认
    "upload_cancel_materials": (frozenset({B, S}), E, "8.2.7"),
    "submit_cancel": (frozenset({B, S}), E, "8.2.7"),  # 8.2.7 买方或卖方任何一方可以提交审核
    "generate": (frozenset({S}), U, "5.3.4"),  # 合同录入人（卖方）
    "print": (frozenset({B, S}), E, "5.3.4"),  # 买卖双方可以直接在线下载打印合同
    "apply_qualification": (frozenset({B}), U, "5.3.3"),  # 由买方登录到信息平台申请购房资格审查
    "void_qualification": (frozenset({B}), U, "7"),  # 7 由买方作废资格码
    "upload_commitment": (frozenset({S}), U, "5.3.4"),
    "send_for_signing": (frozenset({S}), U, "5.3.4"),
    "offline_upload": (frozenset({S}), U, "5.4.4"),
    "upload_notarization": (frozenset({S}), U, "5.4.5.1"),
}


def check(role: str, filed: bool, action: str) -> dict[str, Any]:
    payload = {"role": role, "filed": filed, "action": action}
    typed = permission(PermissionInput.model_validate(payload)).model_dump(mode="json")
    door = rules.evaluate("permission", payload)
    assert typed == door
    return door


def test_spec_table_lists_all_sixteen_actions() -> None:
    assert set(ACTIONS) == set(EXPECTED) == set(GRANTS)
    assert len(ACTIONS) == 16


@pytest.mark.parametrize(
    ("action", "role", "filed"),
    list(itertools.product(EXPECTED, [B, S, C], [False, True])),
)
def test_5_3_to_8_2_7_permission_table(action: str, role: str, filed: bool) -> None:
    """Every row of the permission table (5.3.3, 5.3.4, 5.3.5.2, 5.4.4, 6.2, 7, 8.2.7), each role and filed value."""
    roles, when, _section = EXPECTED[action]
    expected = role in roles and (when == E or (when == F) == filed)
    out = check(role, filed, action)
    assert out["allowed"] is expected
    assert out["message"] and out["message_en"]
    assert "手册" in out["message"] and "manual" in out["message_en"]
    assert out["section"]


@pytest.mark.parametrize("action", [a for a, (roles, _w, _s) in EXPECTED.items() if B in roles or S in roles])
def test_section_of_grant_cited(action: str) -> None:
    """The section of the grant is returned for the parties (the manual's heading numbers)."""
    roles, _when, section = EXPECTED[action]
    role = B if B in roles else S
    out = check(role, False, action)
    assert out["section"] == section
    assert f"手册{section}" in out["message"]


@pytest.mark.parametrize(
    ("action", "role", "filed"),
    [
        (a, r, f)
        for a, r, f in itertools.product(EXPECTED, [B, S, C], [False, True])
        if r not in EXPECTED[a][0]
    ],
)
def test_refusal_names_who_may_instead(action: str, role: str, filed: bool) -> None:
    """A refusal says who may do it instead and on which contracts."""
    roles, when, _section = EXPECTED[action]
    out = check(role, filed, action)
    assert out["allowed"] is False
    assert any(ROLE_NAMES[r][0] in out["message"] for r in roles)
    assert any(ROLE_NAMES[r][1] in out["message_en"] for r in roles)
    if when == U:
        assert "未备案" in out["message"]


@pytest.mark.parametrize("action", [a for a, (_r, when, _s) in EXPECTED.items() if when == U])
@pytest.mark.parametrize("role", [B, S, C])
def test_6_2_unfiled_only_actions_refused_once_filed(action: str, role: str) -> None:
    """6.2: the seller edits 在途未备案合同 only; once filed, the unfiled-only actions are refused."""
    out = check(role, True, action)
    assert out["allowed"] is False
    assert "在途未备案合同" in out["message"]


def test_6_2_buyer_only_views_unfiled_contract() -> None:
    """6.2 买方：对于在途未备案合同，买方只可以查看合同，不可以修改."""
    out = check(B, False, "edit_terms")
    assert out == {
        "allowed": False,
        "message": "买方对在途未备案合同只能查看，不能修改；合同条款由卖方编辑（手册6.2）。",
        "message_en": out["message_en"],
        "section": "6.2",
    }
    assert "only view" in out["message_en"]
    assert check(B, False, "view")["allowed"] is True


def test_5_3_5_2_buyer_only_views_filing_materials() -> None:
    """5.3.5.2 注意：备案材料由卖方或公积金服务厅窗口人员上传，买方只可查看."""
    out = check(B, False, "upload_filing_materials")
    assert out["allowed"] is False
    assert (
        out["message"]
        == "在途未备案合同的备案材料由卖方或公积金服务厅窗口人员上传，买方只可查看（手册5.3.5.2）。"
    )
    assert check(S, False, "upload_filing_materials")["allowed"] is True
    assert check(C, False, "upload_filing_materials")["allowed"] is True


def test_6_2_filed_edit_refused_points_to_cancel_filing() -> None:
    """6.2 / 8.1: a filed contract is not edited; 注销备案 then edit and re-file."""
    out = check(S, True, "edit_terms")
    assert out["allowed"] is False
    assert "注销备案" in out["message"] and "8.1" in out["message"]


@pytest.mark.parametrize("filed", [False, True])
@pytest.mark.parametrize("action", ["apply_cancel", "edit_terms"])
def test_counter_staff_never_apply_cancel_or_edit_terms(action: str, filed: bool) -> None:
    """Counter staff may view and handle filing materials, but never apply to cancel or edit terms."""
    out = check(C, filed, action)
    assert out["allowed"] is False
    assert "公积金服务厅窗口人员不能" in out["message"]


@pytest.mark.parametrize("filed", [False, True])
def test_6_2_either_party_applies_to_cancel(filed: bool) -> None:
    """6.2: 已备案合同 either party applies for 注销网签或注销备案; before filing either may negotiate 注销."""
    assert check(B, filed, "apply_cancel")["allowed"] is True
    assert check(S, filed, "apply_cancel")["allowed"] is True


def test_5_3_3_only_buyer_applies_for_qualification() -> None:
    """5.3.3 注意：由买方登录到信息平台申请购房资格审查."""
    assert check(B, False, "apply_qualification")["allowed"] is True
    out = check(S, False, "apply_qualification")
    assert out["allowed"] is False
    assert "只有买方" in out["message"]


def test_7_only_buyer_voids_qualification_code() -> None:
    """7 情况2: 由买方作废资格码."""
    assert check(B, False, "void_qualification")["allowed"] is True
    assert check(S, False, "void_qualification")["allowed"] is False


def test_5_3_4_contract_entry_is_the_sellers() -> None:
    """5.3.4: 合同录入人（卖方）… 自行下载并上传承诺书."""
    for action in (
        "generate",
        "upload_commitment",
        "send_for_signing",
        "offline_upload",
        "upload_notarization",
    ):
        assert check(S, False, action)["allowed"] is True
        assert check(B, False, action)["allowed"] is False


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"role": B, "filed": False, "action": "view", "who": "me"}, "unknown_field"),
        ({"role": B, "filed": "yes", "action": "view"}, "wrong_type"),
        ({"role": B, "filed": 0, "action": "view"}, "wrong_type"),
        ({"role": "agent", "filed": False, "action": "view"}, "bad_enum"),
        ({"role": B, "filed": False, "action": "delete"}, "bad_enum"),
        ({"role": B, "action": "view"}, "missing_field"),
    ],
)
def test_json_door_strict_input(payload: dict[str, Any], code: str) -> None:
    with pytest.raises(RuleError) as err:
        rules.evaluate("permission", payload)
    assert err.value.code == code
