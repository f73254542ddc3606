"""Tests for rules.lifecycle: the contract state machine (manual 5.3, 5.4, 6.2, 7, 8)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from rules.lifecycle import (
    EDGES,
    EVENTS,
    ROLES,
    STATUS_NAMES,
    STATUSES,
    TRANSITIONS,
    ContractFacts,
    TransitionError,
    advance,
    allowed_events,
)
from rules.permission import PermissionInput, permission

PLATFORM_STATES = [
    "draft",
    "text_generated",
    "qualification_pending",
    "qualification_approved",
    "qualification_rejected",
    "commitment_uploaded",
    "awaiting_signatures",
    "signed",
    "filing_submitted",
    "filed",
    "filing_cancelled",
    "cancelled",
    "completed",
]

ON_RES: dict[str, Any] = {"signing": "online", "usage": "residential", "filing_required": True}
OFF_RES: dict[str, Any] = {"signing": "offline", "usage": "residential", "filing_required": True}
ON_NON: dict[str, Any] = {"signing": "online", "usage": "non_residential", "filing_required": True}
OFF_NON: dict[str, Any] = {"signing": "offline", "usage": "non_residential", "filing_required": True}
NO_FILING: dict[str, Any] = {"signing": "offline", "usage": "non_residential", "filing_required": False}
OFF_RES_OVERSEAS: dict[str, Any] = {**OFF_RES, "overseas_party": True}


def facts(status: str, kind: dict[str, Any] = ON_RES, **kw: Any) -> ContractFacts:
    return ContractFacts.model_validate({"status": status, "overseas_party": False, **kind, **kw})


def refused(f: ContractFacts, event: str, role: str, kind: str | None = None) -> TransitionError:
    with pytest.raises(TransitionError) as err:
        advance(f, event, role, kind=kind)
    return err.value


UNFILED_OPEN = [
    "draft",
    "text_generated",
    "qualification_pending",
    "qualification_approved",
    "qualification_rejected",
    "commitment_uploaded",
    "awaiting_signatures",
    "signed",
    "filing_submitted",
    "filing_cancelled",
]
EDITABLE = [
    "draft",
    "text_generated",
    "qualification_pending",
    "qualification_approved",
    "qualification_rejected",
    "commitment_uploaded",
    "signed",
    "filing_cancelled",
]

# (test id with the manual section, facts kind, from, event, role, cancellation kind, to)
CASES: list[tuple[str, dict[str, Any], str, str, str, str | None, str]] = [
    ("5_3_2_generate", ON_RES, "draft", "generate", "seller", None, "text_generated"),
    ("5_4_2_generate_offline", OFF_RES, "draft", "generate", "seller", None, "text_generated"),
    ("5_3_4_print_no_filing_buyer", NO_FILING, "text_generated", "print", "buyer", None, "completed"),
    ("5_4_4_print_no_filing_seller", NO_FILING, "text_generated", "print", "seller", None, "completed"),
    ("5_3_3_apply_qualification", ON_RES, "text_generated", "apply_qualification", "buyer", None,
     "qualification_pending"),
    ("5_3_3_reapply_after_rejection", ON_RES, "qualification_rejected", "apply_qualification", "buyer", None,
     "qualification_pending"),
    ("5_4_3_qualification_approve", OFF_RES, "qualification_pending", "qualification_approve", "back_office",
     None, "qualification_approved"),
    ("5_4_3_qualification_reject", ON_RES, "qualification_pending", "qualification_reject", "back_office",
     None, "qualification_rejected"),
    *[
        (f"7_void_qualification_from_{s}", ON_RES, s, "void_qualification", "buyer", None, "text_generated")
        for s in ["qualification_pending", "qualification_approved", "qualification_rejected",
                  "commitment_uploaded", "awaiting_signatures"]
    ],
    ("5_3_4_upload_commitment_residential", ON_RES, "qualification_approved", "upload_commitment", "seller",
     None, "commitment_uploaded"),
    ("5_3_4_upload_commitment_non_residential", ON_NON, "text_generated", "upload_commitment", "seller",
     None, "commitment_uploaded"),
    ("5_3_5_1_send_for_signing", ON_RES, "commitment_uploaded", "send_for_signing", "seller", None,
     "awaiting_signatures"),
    ("5_3_5_1_all_signed", ON_RES, "awaiting_signatures", "all_signed", "isz", None, "signed"),
    ("5_4_4_offline_upload_residential", OFF_RES, "qualification_approved", "offline_upload", "seller", None,
     "signed"),
    ("5_4_4_offline_upload_non_residential", OFF_NON, "text_generated", "offline_upload", "seller", None,
     "signed"),
    ("5_3_5_2_submit_filing_seller", ON_RES, "signed", "submit_filing", "seller", None, "filing_submitted"),
    ("5_4_5_submit_filing_counter_staff", OFF_RES, "signed", "submit_filing", "counter_staff", None,
     "filing_submitted"),
    ("8_1_refile_after_cancel_filing", ON_RES, "filing_cancelled", "submit_filing", "seller", None,
     "filing_submitted"),
    ("5_3_5_2_filing_approve", ON_RES, "filing_submitted", "filing_approve", "back_office", None, "filed"),
    ("5_3_5_2_filing_reject", ON_RES, "filing_submitted", "filing_reject", "back_office", None, "signed"),
    *[(f"7_cancel_direct_from_{s}", ON_RES, s, "cancel_direct", "buyer", None, "cancelled")
      for s in UNFILED_OPEN],
    *[(f"7_cancel_confirmed_from_{s}", ON_RES, s, "cancel_confirmed", "seller", None, "cancelled")
      for s in UNFILED_OPEN],
    *[(f"6_2_apply_cancel_stays_{s}", ON_RES, s, "apply_cancel", "buyer", None, s)
      for s in [*UNFILED_OPEN, "filed"]],
    ("8_2_7_submit_cancel_stays_filed", ON_RES, "filed", "submit_cancel", "buyer", None, "filed"),
    ("8_1_cancellation_approve_netsign", ON_RES, "filed", "cancellation_approve", "back_office",
     "cancel_netsign", "cancelled"),
    ("8_1_cancellation_approve_filing", ON_RES, "filed", "cancellation_approve", "back_office",
     "cancel_filing", "filing_cancelled"),
    ("8_2_7_cancellation_reject_stays_filed", ON_RES, "filed", "cancellation_reject", "back_office", None,
     "filed"),
    *[(f"6_2_edit_terms_in_{s}", ON_RES, s, "edit_terms", "seller", None, s) for s in EDITABLE],
    *[(f"5_4_5_1_upload_notarization_stays_{s}", OFF_RES_OVERSEAS, s, "upload_notarization", "seller", None, s)
      for s in ["signed", "filing_cancelled"]],
    *[(f"5_3_5_2_upload_filing_materials_stays_{s}_{who}", kind, s, "upload_filing_materials", who, None, s)
      for s in ["signed", "filing_cancelled"] for kind in (ON_RES, OFF_RES)
      for who in ("seller", "counter_staff")],
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "source", "event", "role", "cancel_kind", "target"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_transition(
    kind: dict[str, Any], source: str, event: str, role: str, cancel_kind: str | None, target: str
) -> None:
    f = facts(source, kind)
    assert advance(f, event, role, kind=cancel_kind) == target
    assert (source, target) in EDGES
    assert event in allowed_events(f, role)


def test_cases_cover_every_transition_and_edges_are_exactly_these() -> None:
    """The machine has no transition the tests above do not exercise, and EDGES is exactly theirs."""
    exercised = {(c[3], c[2], c[6]) for c in CASES}
    modelled = {(t.event, s, t.target) for t in TRANSITIONS for s in t.sources}
    assert modelled == exercised
    assert {(c[2], c[6]) for c in CASES} == EDGES


def test_states_are_the_platform_codes_with_names() -> None:
    """platform-api.md State codes; names in the manual's words (5.3.5.1 待签署 / 已签署)."""
    assert list(STATUSES) == PLATFORM_STATES
    assert list(STATUS_NAMES) == PLATFORM_STATES
    assert STATUS_NAMES["awaiting_signatures"][0] == "待签署"
    assert STATUS_NAMES["signed"][0] == "已签署"
    assert all(zh and en for zh, en in STATUS_NAMES.values())


def test_terminal_states_have_no_way_out() -> None:
    assert not any(src in ("cancelled", "completed") for src, _ in EDGES)
    assert {src for src, dst in EDGES if dst == "cancelled"} == {*UNFILED_OPEN, "filed"}


# --- wrong status, naming what must happen first ----------------------------------------

WRONG_STATUS: list[tuple[str, dict[str, Any], str, str, str, str | None, list[str]]] = [
    ("5_3_3_commitment_needs_qualification", ON_RES, "text_generated", "upload_commitment", "seller", None,
     ["须先通过购房资格审查", "5.3.3"]),
    ("5_4_3_offline_upload_needs_qualification", OFF_RES, "qualification_pending", "offline_upload",
     "seller", None, ["须先通过购房资格审查"]),
    ("5_3_4_non_residential_commitment_needs_text", ON_NON, "draft", "upload_commitment", "seller", None,
     ["须先生成合同示范文本"]),
    ("5_4_4_non_residential_offline_upload_needs_text", OFF_NON, "draft", "offline_upload", "seller", None,
     ["须先生成合同示范文本"]),
    ("5_3_5_1_send_needs_commitment", ON_RES, "qualification_approved", "send_for_signing", "seller", None,
     ["承诺书", "5.3.4"]),
    ("5_3_5_1_all_signed_needs_awaiting", ON_RES, "commitment_uploaded", "all_signed", "isz", None,
     ["待签署", "5.3.5.1"]),
    ("5_3_5_2_filing_needs_signed", ON_RES, "awaiting_signatures", "submit_filing", "seller", None,
     ["已签署"]),
    ("5_3_5_2_filing_review_needs_submission", ON_RES, "signed", "filing_approve", "back_office", None,
     ["须先提交备案申请"]),
    ("5_3_5_2_filing_reject_needs_submission", ON_RES, "filed", "filing_reject", "back_office", None,
     ["须先提交备案申请"]),
    ("5_3_3_qualification_needs_text", ON_RES, "draft", "apply_qualification", "buyer", None,
     ["须先生成合同示范文本"]),
    ("5_3_3_no_reapply_while_pending", ON_RES, "qualification_pending", "apply_qualification", "buyer", None,
     ["须先生成合同示范文本", "重新申请"]),
    ("5_4_3_review_needs_application", ON_RES, "text_generated", "qualification_approve", "back_office",
     None, ["须先由买方申请购房资格审查"]),
    ("5_4_3_reject_needs_application", ON_RES, "qualification_approved", "qualification_reject",
     "back_office", None, ["须先由买方申请购房资格审查"]),
    ("7_void_needs_code", ON_RES, "text_generated", "void_qualification", "buyer", None,
     ["购房资格码", "手册7"]),
    ("7_void_not_after_signing", ON_RES, "signed", "void_qualification", "buyer", None, ["尚未签署"]),
    ("5_3_2_generate_only_from_draft", ON_RES, "text_generated", "generate", "seller", None,
     ["草稿", "5.3.2"]),
    ("5_3_4_print_needs_text", NO_FILING, "draft", "print", "buyer", None, ["须先生成合同示范文本"]),
    ("7_cancel_direct_not_for_filed", ON_RES, "filed", "cancel_direct", "buyer", None,
     ["已备案合同", "8.1"]),
    ("7_cancel_confirmed_not_for_filed", ON_RES, "filed", "cancel_confirmed", "seller", None,
     ["已备案合同"]),
    ("8_2_7_submit_cancel_needs_filed", ON_RES, "signed", "submit_cancel", "buyer", None, ["须为已备案合同"]),
    ("8_2_7_cancellation_review_needs_filed", ON_RES, "signed", "cancellation_approve", "back_office",
     "cancel_netsign", ["须为已备案合同"]),
    ("8_2_7_cancellation_reject_needs_filed", ON_RES, "filing_cancelled", "cancellation_reject",
     "back_office", None, ["须为已备案合同"]),
    ("6_2_no_edit_while_awaiting_signatures", ON_RES, "awaiting_signatures", "edit_terms", "seller", None,
     ["待签署", "6.2"]),
    ("6_2_no_edit_while_filing_submitted", ON_RES, "filing_submitted", "edit_terms", "seller", None,
     ["已提交备案", "6.2"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "status", "event", "role", "cancel_kind", "words"),
    [c[1:] for c in WRONG_STATUS],
    ids=[c[0] for c in WRONG_STATUS],
)
def test_wrong_status_names_prerequisite(
    kind: dict[str, Any], status: str, event: str, role: str, cancel_kind: str | None, words: list[str]
) -> None:
    err = refused(facts(status, kind), event, role, cancel_kind)
    assert err.code == "wrong_status"
    assert err.message.startswith(f"合同状态为“{STATUS_NAMES[status][0]}”")  # type: ignore[index]
    for word in words:
        assert word in err.message
    assert STATUS_NAMES[status][1] in err.message_en  # type: ignore[index]
    assert "manual" in err.message_en


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("status", ["cancelled", "completed"])
def test_7_8_terminal_states_refuse_everything(status: str, event: str) -> None:
    """A cancelled (7, 8.1) or completed (5.3.4) contract takes no event from anyone."""
    kind = NO_FILING if status == "completed" else ON_RES
    f = facts(status, kind)
    for role in ROLES:
        with pytest.raises(TransitionError) as info:
            advance(f, event, role, kind="cancel_netsign")
        assert info.value.code in ("forbidden", "wrong_status")
    assert all(allowed_events(f, role) == [] for role in ROLES)
    err = refused(f, "edit_terms", "seller")
    assert err.code == "wrong_status"
    assert ("已注销网签" if status == "cancelled" else "已完成") in err.message


# --- guards on the contract's facts ------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "event", "role", "word"),
    [
        (ON_RES, "text_generated", "print", "buyer", "须办理合同备案"),  # 5.3.4 注意
        (OFF_RES, "qualification_approved", "upload_commitment", "seller", "线下签署"),  # 5.4.4
        (ON_RES, "qualification_approved", "offline_upload", "seller", "线上签署"),  # 5.3.4
        (OFF_RES, "commitment_uploaded", "send_for_signing", "seller", "线下签署"),
        (OFF_RES, "awaiting_signatures", "all_signed", "isz", "线下签署"),
        (ON_NON, "text_generated", "apply_qualification", "buyer", "非住宅"),  # 5.3 流程（非住宅）
        (ON_NON, "qualification_pending", "qualification_approve", "back_office", "非住宅"),
        (ON_NON, "commitment_uploaded", "void_qualification", "buyer", "非住宅"),
        (NO_FILING, "text_generated", "offline_upload", "seller", "无需办理合同备案"),
        (NO_FILING, "signed", "submit_filing", "seller", "无需办理合同备案"),
        (
            {**NO_FILING, "signing": "online"},
            "text_generated",
            "upload_commitment",
            "seller",
            "无需办理合同备案",
        ),
    ],
)
def test_5_3_5_4_guards_on_contract_facts(
    kind: dict[str, Any], status: str, event: str, role: str, word: str
) -> None:
    err = refused(facts(status, kind), event, role)
    assert err.code == "wrong_status"
    assert word in err.message
    assert err.message_en


@pytest.mark.parametrize("cancel_kind", [None, "cancel_everything"])
def test_8_1_cancellation_approve_needs_kind(cancel_kind: str | None) -> None:
    err = refused(facts("filed"), "cancellation_approve", "back_office", cancel_kind)
    assert err.code == "bad_kind"
    assert "注销网签" in err.message and "注销备案" in err.message


def test_unknown_event() -> None:
    err = refused(facts("draft"), "delete", "seller")
    assert err.code == "unknown_event"


# --- notarisation (5.4.5.1) --------------------------------------------------------------


@pytest.mark.parametrize("status", ["signed", "filing_cancelled"])
def test_5_4_5_1_overseas_offline_needs_notarization_before_filing(status: str) -> None:
    """5.4.5.1: 在合同备案之前 … 到公证处办理涉外合同公证，办理后，再办理二手房合同备案."""
    f = ContractFacts.model_validate({"status": status, "overseas_party": True, **OFF_RES})
    for role in ("seller", "counter_staff"):
        err = refused(f, "submit_filing", role)
        assert err.code == "notarization_required"
        assert "涉外合同公证" in err.message and "5.4.5.1" in err.message
        assert "notar" in err.message_en
    assert "submit_filing" not in allowed_events(f, "seller")
    done = f.model_copy(update={"notarized": True})
    assert advance(done, "submit_filing", "seller") == "filing_submitted"
    assert "submit_filing" in allowed_events(done, "seller")


def test_5_4_5_1_no_notarization_without_overseas_party() -> None:
    assert advance(facts("signed", OFF_RES), "submit_filing", "seller") == "filing_submitted"
    assert advance(facts("signed", ON_RES), "submit_filing", "seller") == "filing_submitted"


def test_5_4_5_1_status_checked_before_notarization() -> None:
    f = ContractFacts(status="qualification_approved", overseas_party=True, **OFF_RES)
    assert refused(f, "submit_filing", "seller").code == "wrong_status"


@pytest.mark.parametrize("status", ["signed", "filing_cancelled"])
def test_5_4_5_1_notarization_is_offered_until_it_is_uploaded(status: str) -> None:
    """The seller uploads the notarisation of a signed, unfiled contract with an overseas party, once."""
    f = ContractFacts.model_validate({"status": status, **OFF_RES_OVERSEAS})
    assert "upload_notarization" in allowed_events(f, "seller")
    assert advance(f, "upload_notarization", "seller") == status
    done = f.model_copy(update={"notarized": True})
    assert "upload_notarization" not in allowed_events(done, "seller")
    err = refused(done, "upload_notarization", "seller")
    assert err.code == "already_notarized" and "5.4.5.1" in err.message and err.message_en
    assert refused(f, "upload_notarization", "buyer").code == "forbidden"  # the 合同录入人's (5.3.4)
    assert "upload_notarization" not in allowed_events(f, "buyer")


@pytest.mark.parametrize("kind", [ON_RES, OFF_RES, OFF_NON])
def test_5_4_5_1_notarization_not_applicable_without_an_overseas_party(kind: dict[str, Any]) -> None:
    f = facts("signed", kind)
    err = refused(f, "upload_notarization", "seller")
    assert err.code == "not_applicable"
    assert err.message == "涉外合同公证只适用于有境外当事人的线下签署合同（手册5.4.5.1）。"
    assert "upload_notarization" not in allowed_events(f, "seller")


@pytest.mark.parametrize("status", ["draft", "awaiting_signatures", "filing_submitted", "cancelled"])
def test_5_3_5_2_filing_materials_only_between_signing_and_filing(status: str) -> None:
    """The seller or the counter uploads the filing materials once the contract is signed and
    until the filing is submitted (again after 注销备案); the buyer only views them (5.3.5.2)."""
    f = facts(status, ON_RES)
    err = refused(f, "upload_filing_materials", "seller")
    assert err.code == "wrong_status" and "上传备案材料" in err.message
    if status in ("draft", "awaiting_signatures"):
        assert "须先完成合同签署" in err.message
    assert "upload_filing_materials" not in allowed_events(f, "seller")
    # a filed contract's materials are no longer the seller's to change (the 未备案 permission)
    assert refused(facts("filed", ON_RES), "upload_filing_materials", "seller").code == "forbidden"
    signed = facts("signed", ON_RES)
    assert refused(signed, "upload_filing_materials", "buyer").code == "forbidden"
    assert "upload_filing_materials" not in allowed_events(signed, "buyer")


def test_5_3_5_2_no_filing_materials_for_a_sale_that_needs_no_filing() -> None:
    f = facts("signed", NO_FILING)
    err = refused(f, "upload_filing_materials", "seller")
    assert err.code == "wrong_status" and "上传备案材料" in err.message
    assert "upload_filing_materials" not in allowed_events(f, "seller")


def test_5_4_5_1_notarization_before_signing_is_a_wrong_status() -> None:
    f = ContractFacts(status="qualification_approved", **OFF_RES_OVERSEAS)
    err = refused(f, "upload_notarization", "seller")
    assert err.code == "wrong_status" and "须先完成合同签署" in err.message


# --- voiding the qualification code (7) ----------------------------------------------------


@pytest.mark.parametrize("status", ["qualification_approved", "commitment_uploaded", "awaiting_signatures"])
def test_7_no_voiding_the_qualification_code_once_anyone_signed(status: str) -> None:
    """7 情况2 is for a contract nobody has signed; once a party has, it is case 1 (apply, confirm)."""
    f = facts(status, ON_RES, anyone_signed=True)
    err = refused(f, "void_qualification", "buyer")
    assert err.code == "already_signed"
    assert err.message == "已有当事人签署合同，不能再作废购房资格码；已签署的合同按手册7情况1注销（手册7）。"
    assert "manual 7" in err.message_en
    assert "void_qualification" not in allowed_events(f, "buyer")
    assert "void_qualification" in allowed_events(facts(status, ON_RES), "buyer")
    assert refused(f, "void_qualification", "seller").code == "forbidden"  # role first


def test_7_already_signed_comes_after_the_status() -> None:
    err = refused(facts("draft", ON_RES, anyone_signed=True), "void_qualification", "buyer")
    assert err.code == "wrong_status"


# --- role before status ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "event", "role"),
    [
        (ON_RES, "draft", "upload_commitment", "buyer"),  # wrong role and wrong status
        (ON_RES, "signed", "apply_qualification", "seller"),
        (ON_RES, "filed", "edit_terms", "seller"),  # filed: permission refuses (the mock's 403)
        (ON_RES, "filed", "edit_terms", "buyer"),
        (ON_RES, "awaiting_signatures", "edit_terms", "counter_staff"),
        (ON_RES, "draft", "apply_cancel", "counter_staff"),
        (ON_RES, "filed", "submit_filing", "counter_staff"),
        (ON_RES, "cancelled", "generate", "buyer"),  # even on a cancelled contract
        (NO_FILING, "completed", "print", "counter_staff"),
    ],
)
def test_role_refused_before_status(kind: dict[str, Any], status: str, event: str, role: str) -> None:
    """A refused role is ``forbidden`` (403) whatever the status, with rules.permission's message."""
    f = facts(status, kind)
    err = refused(f, event, role)
    assert err.code == "forbidden"
    action = next(t.trigger for t in TRANSITIONS if t.event == event)
    verdict = permission(PermissionInput(role=role, filed=f.filed, action=action))  # type: ignore[arg-type]
    assert verdict.allowed is False
    assert (err.message, err.message_en) == (verdict.message, verdict.message_en)


@pytest.mark.parametrize(
    ("status", "event", "role"),
    [
        ("qualification_pending", "qualification_approve", "buyer"),
        ("filing_submitted", "filing_approve", "seller"),
        ("filing_submitted", "filing_approve", "counter_staff"),
        ("filed", "cancellation_approve", "buyer"),
        ("awaiting_signatures", "all_signed", "seller"),
        ("awaiting_signatures", "all_signed", "back_office"),
        ("draft", "generate", "back_office"),
        ("draft", "generate", "isz"),
        ("draft", "generate", "notary"),
        ("draft", "qualification_approve", "isz"),  # wrong role and status
    ],
)
def test_system_events_only_by_their_system(status: str, event: str, role: str) -> None:
    """Reviews are the back office's, all_signed is i深圳's (5.3.5.1); neither acts for the parties."""
    err = refused(facts(status), event, role)
    assert err.code == "forbidden"
    assert err.message and err.message_en


# --- whole paths -------------------------------------------------------------------------


def run(f: ContractFacts, steps: list[tuple[str, str, str | None]]) -> ContractFacts:
    for event, role, kind in steps:
        new = advance(f, event, role, kind=kind)
        assert (f.status, new) in EDGES
        f = f.model_copy(update={"status": new})
    return f


def test_5_3_happy_path_online_residential_to_filed() -> None:
    """5.3 流程（住宅）: 生成 → 购房资格审查 → 承诺书 → i深圳签署 → 合同备案."""
    f = run(
        facts("draft", ON_RES),
        [
            ("generate", "seller", None),
            ("apply_qualification", "buyer", None),
            ("qualification_approve", "back_office", None),
            ("upload_commitment", "seller", None),
            ("send_for_signing", "seller", None),
            ("all_signed", "isz", None),
            ("submit_filing", "seller", None),
            ("filing_approve", "back_office", None),
        ],
    )
    assert f.status == "filed" and f.filed
    assert allowed_events(f, "seller") == ["apply_cancel", "submit_cancel"]


def test_5_3_happy_path_online_non_residential_skips_qualification() -> None:
    """5.3 流程（非住宅）: no qualification review."""
    f = run(
        facts("draft", ON_NON),
        [
            ("generate", "seller", None),
            ("upload_commitment", "seller", None),
            ("send_for_signing", "seller", None),
            ("all_signed", "isz", None),
            ("submit_filing", "counter_staff", None),
            ("filing_approve", "back_office", None),
        ],
    )
    assert f.status == "filed"


def test_5_4_5_1_happy_path_offline_overseas_with_notarization() -> None:
    """5.4 + 5.4.5.1: offline, an overseas party, notarised before filing."""
    f = ContractFacts(status="draft", overseas_party=True, **OFF_RES)
    f = run(
        f,
        [
            ("generate", "seller", None),
            ("apply_qualification", "buyer", None),
            ("qualification_approve", "back_office", None),
            ("offline_upload", "seller", None),
        ],
    )
    assert f.status == "signed"
    assert refused(f, "submit_filing", "seller").code == "notarization_required"
    f = run(
        f.model_copy(update={"notarized": True}),
        [("submit_filing", "seller", None), ("filing_approve", "back_office", None)],
    )
    assert f.status == "filed"


def test_5_3_4_happy_path_no_filing_print_completed() -> None:
    """5.3.4 / 5.4.4 注意: 无需办理合同备案的 … 直接在线下载打印合同到不动产登记中心办理转移登记."""
    f = run(facts("draft", NO_FILING), [("generate", "seller", None)])
    assert "print" in allowed_events(f, "buyer")
    assert "upload_commitment" not in allowed_events(f, "seller")
    f = run(f, [("print", "buyer", None)])
    assert f.status == "completed"
    assert all(allowed_events(f, role) == [] for role in ROLES)


def test_8_1_filed_cancel_filing_edit_and_refile() -> None:
    """8.1: 申请注销备案的，备案信息将被撤销，撤销后，可对合同部分内容进行修改后重新申请备案."""
    f = run(
        facts("filed", ON_RES),
        [
            ("apply_cancel", "buyer", None),
            ("submit_cancel", "seller", None),
            ("cancellation_approve", "back_office", "cancel_filing"),
        ],
    )
    assert f.status == "filing_cancelled" and not f.filed
    f = run(
        f,
        [
            ("edit_terms", "seller", None),
            ("submit_filing", "seller", None),
            ("filing_approve", "back_office", None),
        ],
    )
    assert f.status == "filed"


def test_8_1_filed_cancel_netsign_deletes() -> None:
    """8.1: 申请注销网签的，备案信息将被撤销，同时，合同也将被删除."""
    f = run(
        facts("filed", ON_RES),
        [
            ("apply_cancel", "seller", None),
            ("submit_cancel", "buyer", None),
            ("cancellation_approve", "back_office", "cancel_netsign"),
        ],
    )
    assert f.status == "cancelled"


def test_7_case2_void_code_then_cancel() -> None:
    """7 情况2: 买方作废资格码后买卖双方任何一方才可以注销网签 (then case 3 online: direct)."""
    f = run(
        facts("qualification_approved", ON_RES),
        [("void_qualification", "buyer", None), ("cancel_direct", "seller", None)],
    )
    assert f.status == "cancelled"


def test_7_case1_signed_apply_then_confirm() -> None:
    """7 情况1: 一方申请注销网签，另一方进行确认."""
    f = run(
        facts("signed", OFF_RES),
        [("apply_cancel", "seller", None), ("cancel_confirmed", "buyer", None)],
    )
    assert f.status == "cancelled"


def test_allowed_events_per_role() -> None:
    f = facts("qualification_approved", ON_RES)
    assert allowed_events(f, "buyer") == [
        "void_qualification",
        "cancel_direct",
        "apply_cancel",
        "cancel_confirmed",
    ]
    assert allowed_events(f, "seller") == [
        "upload_commitment",
        "cancel_direct",
        "apply_cancel",
        "cancel_confirmed",
        "edit_terms",
    ]
    assert allowed_events(f, "counter_staff") == []
    assert allowed_events(facts("filing_submitted"), "back_office") == ["filing_approve", "filing_reject"]
    assert allowed_events(facts("filed"), "back_office") == ["cancellation_approve", "cancellation_reject"]
    assert allowed_events(facts("awaiting_signatures"), "isz") == ["all_signed"]


# --- ContractFacts -----------------------------------------------------------------------


def test_contract_facts_filed_is_derived_from_status() -> None:
    assert facts("filed").filed is True
    assert not any(facts(s).filed for s in PLATFORM_STATES if s != "filed")


@pytest.mark.parametrize(
    "payload",
    [
        {"status": "draft", "signing": "online", "usage": "residential", "filing_required": True,
         "overseas_party": True},  # 5.3.1: an overseas party signs offline only
        {"status": "draft", "signing": "offline", "usage": "residential", "filing_required": False,
         "overseas_party": False},  # 5.3.4: only industrial / enterprise non-residential skip filing
        {"status": "draft", "signing": "online", "usage": "residential", "filing_required": "yes",
         "overseas_party": False},
        {"status": "pending_cancellation", "signing": "online", "usage": "residential",
         "filing_required": True, "overseas_party": False},  # not a state
        {"status": "draft", "signing": "online", "usage": "residential", "filing_required": True,
         "overseas_party": False, "filed": True},
    ],
)  # fmt: skip
def test_contract_facts_rejects_impossible_or_loose_input(payload: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ContractFacts.model_validate(payload)


# --- property: the machine only ever moves along EDGES ------------------------------------

FACT_KINDS = [ON_RES, OFF_RES, ON_NON, OFF_NON, NO_FILING, {**NO_FILING, "signing": "online"}]
STEP = st.tuples(
    st.sampled_from([*EVENTS, "delete", ""]),
    st.sampled_from([*ROLES, "notary", ""]),
    st.sampled_from([None, "cancel_netsign", "cancel_filing", "other"]),
    st.booleans(),  # notarise before this step
)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(FACT_KINDS),
    overseas=st.booleans(),
    start=st.sampled_from(PLATFORM_STATES),
    steps=st.lists(STEP, max_size=40),
)
def test_random_sequences_only_move_along_edges(
    kind: dict[str, Any], overseas: bool, start: str, steps: list[tuple[str, str, str | None, bool]]
) -> None:
    overseas = overseas and kind["signing"] == "offline"
    f = ContractFacts.model_validate({"status": start, "overseas_party": overseas, **kind})
    for event, role, cancel_kind, notarise in steps:
        if notarise:
            f = f.model_copy(update={"notarized": True})
        try:
            new = advance(f, event, role, kind=cancel_kind)
        except TransitionError as err:
            assert err.code in (
                "forbidden",
                "wrong_status",
                "notarization_required",
                "not_applicable",
                "already_notarized",
                "unknown_event",
                "bad_kind",
            )
            assert err.message and err.message_en
            continue
        assert (f.status, new) in EDGES
        assert event in allowed_events(f, role)
        f = f.model_copy(update={"status": new})
