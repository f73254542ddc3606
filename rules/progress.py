"""Where a contract stands for the hotline desk: whose move it is and what is still missing.

Manual sections: 5.3 / 5.4 流程 (the order of the steps), 5.3.2 / 5.4.2 (the seller generates
the text), 5.3.3 / 5.4.3 (the buyer applies for the qualification review; the result comes by
SMS), 5.3.5.1 (i深圳: 待签署 until every party has confirmed), 5.3.5.2 / 5.4.5 (filing),
5.4.5.1 (an overseas party: notarise before filing), 7 (cancelling an unfiled contract: the other
side confirms) and 8 (a filed contract: every party's materials, then the review).

The input is what the platform's back office shows of a contract (``platform-api.md``, the
admin view the case lookup reads): its status, what each role may do now, the parties'
i深圳 signatures and the open cancellation.  The output holds codes only; the desk words
them (``dialogs/contract_texts.yaml``).

>>> p = case_progress(CaseProgressInput(status="draft", signing="online", filing_required=True,
...     next_by_role={"seller": ["generate", "edit_terms", "cancellations"], "buyer": [], "back_office": []}))
>>> p.turn, [(m.code, m.status) for m in p.missing]
(['seller'], [('waiting', 'draft')])
>>> p = case_progress(CaseProgressInput(status="awaiting_signatures", signing="online",
...     filing_required=True, next_by_role={"seller": ["cancellations"], "buyer": []},
...     parties=[CaseParty(role="seller", signature="signed"), CaseParty(role="buyer", signature="pending")]))
>>> p.turn, [(m.code, m.role, m.party_index) for m in p.missing]
(['buyer'], [('signature', 'buyer', 1)])
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field

from ._base import RuleInput, RuleOutput
from .codes import Signing
from .lifecycle import Status

CaseRole = Literal["seller", "buyer", "counter_staff", "back_office"]
PartyRole = Literal["seller", "buyer", "counter_staff"]
#: What a party (seller, buyer, counter staff) may do on the platform: the action codes of
#: ``platform-api.md``'s ``next``.
PartyAction = Literal[
    "generate",
    "print",
    "qualification",
    "qualification/void",
    "commitment",
    "send-for-signing",
    "offline-upload",
    "notarization",
    "filing-materials",
    "filing",
    "edit_terms",
    "sign",
    "cancellations",
    "cancellations/confirm",
    "cancellations/materials",
    "cancellations/submit",
]
#: What the back office may do (its ``next``).
OfficeAction = Literal["qualification", "filing", "cancellation", "transfer-accepted"]
CancelStatus = Literal["awaiting_confirmation", "awaiting_materials", "under_review"]
MissingCode = Literal[
    "waiting",  # the status itself waits for something (``status``)
    "action",  # a party's step that moves the case forward (``action``, ``role``)
    "signature",  # a party has not confirmed in i深圳 yet (``role``, ``party_index``)
    "notarization",  # the overseas contract's notarial certificate (5.4.5.1)
    "filing",  # the seller's filing materials and filing (``section``)
    "cancel_confirmation",  # the other side confirms the cancellation (``role``)
    "cancel_materials",  # a party's cancellation materials (``role``, ``party_index``; both None: unknown)
    "cancel_review",  # the back office reviews the cancellation
]

CASE_ROLES: tuple[CaseRole, ...] = get_args(CaseRole)
PARTY_ACTIONS: tuple[PartyAction, ...] = get_args(PartyAction)
OFFICE_ACTIONS: tuple[OfficeAction, ...] = get_args(OfficeAction)
MISSING_CODES: tuple[MissingCode, ...] = get_args(MissingCode)

#: The actions that move a case forward; the others are optional (edit, void, cancel, print copies).
FORWARD: frozenset[PartyAction] = frozenset(
    {
        "generate",
        "qualification",
        "commitment",
        "send-for-signing",
        "offline-upload",
        "notarization",
        "filing",
        "cancellations/confirm",
        "cancellations/materials",
        "cancellations/submit",
    }
)
#: The statuses that wait for one thing besides signatures and cancellation materials
#: (each has its ``waiting`` text): the seller's text (5.3.2 / 5.4.2), the review's result
#: (5.3.3 / 5.4.3, 5.3.5.2 / 5.4.5), the buyer's new application, the seller's sending (5.3.5.1).
WAITING: frozenset[Status] = frozenset(
    {"draft", "qualification_pending", "qualification_rejected", "commitment_uploaded", "filing_submitted"}
)
#: The statuses where the parties' own next steps are what is missing (who does what next).
_NEXT_STEPS: frozenset[Status] = frozenset({"text_generated", "qualification_approved"})
#: Signed but not filed: the filing (after the notarisation, for an overseas offline contract).
_TO_FILE: frozenset[Status] = frozenset({"signed", "filing_cancelled"})


class CaseParty(RuleInput):
    """One party of the contract, in the platform's order (``party_index`` refers to it)."""

    role: PartyRole
    account_id: str | None = None
    signature: Literal["pending", "signed"] | None = None  # online signing only


class CaseCancellation(RuleInput):
    """The platform's open cancellation; ``materials_missing``: the accounts still to upload (8)."""

    applicant: PartyRole
    status: CancelStatus
    materials_missing: list[str] = Field(default_factory=list)


class CaseProgressInput(RuleInput):
    status: Status
    signing: Signing
    filing_required: bool
    #: role -> the action codes it may take now (the platform's ``next``). Codes stay strings: an
    #: action this module does not know is shown, just never counted as moving the case forward.
    next_by_role: dict[CaseRole, list[str]]
    parties: list[CaseParty] = Field(default_factory=list)
    cancellation: CaseCancellation | None = None


class Missing(RuleOutput):
    code: MissingCode
    status: Status | None = None
    action: str | None = None
    role: CaseRole | None = None
    party_index: int | None = None
    section: str | None = None


class CaseProgress(RuleOutput):
    turn: list[CaseRole]  # the roles whose move it is, in the input's role order, then signers
    missing: list[Missing]
    cancellation_section: Literal["7", "8"] | None  # the manual chapter of the open cancellation


def whose_turn(next_by_role: dict[CaseRole, list[str]]) -> list[CaseRole]:
    """The roles with a step that moves the case forward; the back office whenever it has anything.

    >>> whose_turn({"seller": ["edit_terms", "cancellations"], "buyer": ["qualification"], "back_office": []})
    ['buyer']
    >>> whose_turn({"seller": [], "back_office": ["qualification"]})
    ['back_office']
    """
    return [
        role
        for role, actions in next_by_role.items()
        if (role == "back_office" and actions) or any(a in FORWARD for a in actions)
    ]


def case_progress(inp: CaseProgressInput) -> CaseProgress:
    """Whose move it is and what the case still waits for.

    >>> p = case_progress(CaseProgressInput(status="text_generated", signing="online",
    ...     filing_required=True, next_by_role={"seller": ["edit_terms"], "buyer": ["qualification"]}))
    >>> p.turn, [(m.code, m.action, m.role) for m in p.missing]
    (['buyer'], [('action', 'qualification', 'buyer')])
    >>> p = case_progress(CaseProgressInput(status="signed", signing="offline", filing_required=True,
    ...     next_by_role={"seller": ["notarization", "filing-materials"]}))
    >>> [(m.code, m.section) for m in p.missing]
    [('notarization', '5.4.5.1'), ('filing', '5.4.5')]
    >>> p = case_progress(CaseProgressInput(status="filed", signing="online", filing_required=True,
    ...     next_by_role={"seller": [], "buyer": [], "back_office": ["transfer-accepted"]},
    ...     parties=[CaseParty(role="seller", account_id="a1"), CaseParty(role="buyer", account_id="a2")],
    ...     cancellation=CaseCancellation(applicant="seller", status="awaiting_materials",
    ...         materials_missing=["a2", "a9"])))
    >>> p.cancellation_section, [(m.code, m.role, m.party_index) for m in p.missing]
    ('8', [('cancel_materials', 'buyer', 1), ('cancel_materials', None, None)])
    """
    status, by_role = inp.status, inp.next_by_role
    turn = whose_turn(by_role)
    missing: list[Missing] = []
    if status in WAITING:
        missing.append(Missing(code="waiting", status=status))
    if status in _NEXT_STEPS:
        for role in ("seller", "buyer"):
            for action in by_role.get(role, []):
                if action in FORWARD:
                    missing.append(Missing(code="action", action=action, role=role))
    if status == "awaiting_signatures":
        for index, party in enumerate(inp.parties):
            if party.signature == "pending":
                if party.role not in turn:
                    turn.append(party.role)
                missing.append(
                    Missing(code="signature", role=party.role, party_index=index, section="5.3.5.1")
                )
    if status in _TO_FILE and inp.filing_required:
        if "notarization" in by_role.get("seller", []):
            missing.append(Missing(code="notarization", section="5.4.5.1"))
        filing_section = "5.3.5.2" if inp.signing == "online" else "5.4.5"
        missing.append(Missing(code="filing", role="seller", section=filing_section))
    section: Literal["7", "8"] | None = None
    c = inp.cancellation
    if c is not None:
        section = "8" if status == "filed" else "7"  # a filed contract stays filed while it is reviewed
        if c.status == "awaiting_confirmation":
            other: CaseRole = "seller" if c.applicant == "buyer" else "buyer"
            missing.append(Missing(code="cancel_confirmation", role=other, section="7"))
        elif c.status == "awaiting_materials":
            by_account: dict[str, tuple[int, PartyRole]] = {}
            for index, party in enumerate(inp.parties):
                if party.account_id is not None:
                    by_account.setdefault(party.account_id, (index, party.role))
            for account in c.materials_missing:
                found = by_account.get(account)
                missing.append(
                    Missing(
                        code="cancel_materials",
                        role=found[1] if found else None,
                        party_index=found[0] if found else None,
                        section="8.2.3–8.2.7",
                    )
                )
        else:
            missing.append(Missing(code="cancel_review", role="back_office"))
    return CaseProgress(turn=turn, missing=missing, cancellation_section=section)
