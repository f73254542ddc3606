"""case_progress: whose move it is and what a contract still waits for (manual 5.3 / 5.4, 7, 8)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from rules.lifecycle import STATUSES
from rules.progress import (
    FORWARD,
    PARTY_ACTIONS,
    WAITING,
    CaseCancellation,
    CaseParty,
    CaseProgressInput,
    case_progress,
    whose_turn,
)


def progress(status: str, **fields: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    inp = {"status": status, "signing": "online", "filing_required": True, "next_by_role": {}, **fields}
    out = case_progress(CaseProgressInput.model_validate(inp))
    return list(out.turn), [
        tuple(v for v in (m.code, m.status, m.action, m.role, m.party_index, m.section) if v is not None)
        for m in out.missing
    ]


def test_forward_actions_are_platform_actions_and_optional_ones_are_not_forward() -> None:
    assert set(FORWARD) <= set(PARTY_ACTIONS)
    for optional in ("edit_terms", "print", "qualification/void", "cancellations", "filing-materials"):
        assert optional not in FORWARD
    assert set(WAITING) <= set(STATUSES)


def test_the_turn_is_whoever_can_move_the_case_and_the_back_office_whenever_it_has_work() -> None:
    assert whose_turn({"seller": ["edit_terms", "cancellations", "print"], "buyer": []}) == []
    assert whose_turn({"seller": ["generate"], "buyer": [], "back_office": []}) == ["seller"]
    assert whose_turn({"seller": ["edit_terms"], "back_office": ["transfer-accepted"]}) == ["back_office"]
    assert whose_turn({"buyer": ["cancellations/confirm"], "counter_staff": ["filing"]}) == [
        "buyer",
        "counter_staff",
    ]
    assert whose_turn({"seller": ["some-new-platform-action"]}) == []  # unknown: shown, never forward


def test_a_waiting_status_says_what_it_waits_for() -> None:
    """5.3.2 (the seller generates), 5.3.3 (the review and its SMS), 5.3.5.1 (the seller sends)."""
    draft = {"seller": ["generate", "edit_terms"], "buyer": [], "back_office": []}
    assert progress("draft", next_by_role=draft) == (["seller"], [("waiting", "draft")])
    pending = {"seller": [], "buyer": [], "back_office": ["qualification"]}
    assert progress("qualification_pending", next_by_role=pending) == (
        ["back_office"],
        [("waiting", "qualification_pending")],
    )
    for status in ("qualification_rejected", "commitment_uploaded", "filing_submitted"):
        assert progress(status)[1] == [("waiting", status)]
    for status in ("filed", "cancelled", "completed", "awaiting_signatures"):
        assert progress(status)[1] == []


def test_after_the_text_each_sides_next_step_is_missing() -> None:
    """5.3.3: the buyer applies for the qualification review; non-residential: the seller's letter."""
    by_role = {"seller": ["edit_terms", "print"], "buyer": ["qualification"], "counter_staff": ["commitment"]}
    assert progress("text_generated", next_by_role=by_role) == (
        ["buyer", "counter_staff"],
        [("action", "qualification", "buyer")],  # the counter staff's steps are not listed as missing
    )
    approved = {"seller": ["commitment", "cancellations"], "buyer": ["qualification/void"]}
    assert progress("qualification_approved", next_by_role=approved) == (
        ["seller"],
        [("action", "commitment", "seller")],
    )


def test_pending_signatures_make_it_the_signers_turn() -> None:
    """5.3.5.1: 待签署 until every party has confirmed in i深圳."""
    parties = [
        CaseParty(role="seller", account_id="s", signature="pending"),
        CaseParty(role="buyer", account_id="b1", signature="signed"),
        CaseParty(role="buyer", account_id="b2", signature="pending"),
    ]
    turn, missing = progress(
        "awaiting_signatures", next_by_role={"seller": ["cancellations"]}, parties=parties
    )
    assert turn == ["seller", "buyer"]
    assert missing == [("signature", "seller", 0, "5.3.5.1"), ("signature", "buyer", 2, "5.3.5.1")]


def test_a_signed_contract_waits_for_its_filing_online_or_offline() -> None:
    """5.3.5.2 online, 5.4.5 offline; 5.4.5.1 an overseas party's notarisation first."""
    assert progress("signed", next_by_role={"seller": ["filing-materials"]})[1] == [
        ("filing", "seller", "5.3.5.2")
    ]
    offline = {"seller": ["notarization", "filing-materials"]}
    assert progress("filing_cancelled", signing="offline", next_by_role=offline)[1] == [
        ("notarization", "5.4.5.1"),
        ("filing", "seller", "5.4.5"),
    ]
    assert progress("signed", filing_required=False)[1] == []


def test_the_cancellation_and_its_chapter() -> None:
    """7: the other side confirms; 8: every party's materials, then the review (the contract stays filed)."""
    confirm = CaseCancellation(applicant="seller", status="awaiting_confirmation")
    out = case_progress(
        CaseProgressInput(
            status="awaiting_signatures",
            signing="online",
            filing_required=True,
            next_by_role={"buyer": ["cancellations/confirm"]},
            cancellation=confirm,
        )
    )
    assert out.cancellation_section == "7" and out.turn == ["buyer"]
    assert [(m.code, m.role, m.section) for m in out.missing] == [("cancel_confirmation", "buyer", "7")]
    parties = [CaseParty(role="seller", account_id="a1"), CaseParty(role="buyer", account_id="a2")]
    materials = {"applicant": "buyer", "status": "awaiting_materials", "materials_missing": ["a1"]}
    _, missing = progress("filed", parties=parties, cancellation=materials)
    assert missing == [("cancel_materials", "seller", 0, "8.2.3–8.2.7")]
    review = {"applicant": "buyer", "status": "under_review"}
    out = case_progress(
        CaseProgressInput.model_validate(
            {
                "status": "filed",
                "signing": "offline",
                "filing_required": True,
                "next_by_role": {"back_office": ["cancellation"]},
                "cancellation": review,
            }
        )
    )
    assert out.cancellation_section == "8" and out.turn == ["back_office"]
    assert [m.code for m in out.missing] == ["cancel_review"]
    assert case_progress(CaseProgressInput(status="draft", signing="online", filing_required=True,
                                           next_by_role={})).cancellation_section is None  # fmt: skip


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "on_hold"},
        {"next_by_role": {"notary": ["generate"]}},
        {"cancellation": {"applicant": "seller", "status": "pending"}},
        {"parties": [{"role": "seller", "signature": "maybe"}]},
    ],
)
def test_inputs_are_strict(bad: dict[str, Any]) -> None:
    inp = {"status": "draft", "signing": "online", "filing_required": True, "next_by_role": {}, **bad}
    with pytest.raises(ValidationError):
        CaseProgressInput.model_validate(inp)


def test_every_status_gives_an_answer() -> None:
    everything = {"seller": list(PARTY_ACTIONS), "buyer": list(PARTY_ACTIONS), "back_office": ["filing"]}
    for status in STATUSES:
        for signing in ("online", "offline"):
            out = case_progress(
                CaseProgressInput.model_validate(
                    {
                        "status": status,
                        "signing": signing,
                        "filing_required": True,
                        "next_by_role": everything,
                    }
                )
            )
            assert out.turn == ["seller", "buyer", "back_office"]
