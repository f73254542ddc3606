"""The contract lifecycle: states, events and who may trigger each one.

Manual sections: 5.3 and 5.4 (the flows 房屋产权校验、填写合同条款、生成合同示范文本、
买方购房资格审查、下载并上传承诺书、签署、合同备案、完成, online and offline), 5.3.3 /
5.4.3 (the buyer applies for the qualification review; the result comes by SMS),
5.3.4 / 5.4.4 (the 合同录入人（卖方） uploads the commitment letter; no filing needed:
download, print and go to the registration centre), 5.3.5.1 (i深圳: 待签署 until
every party has confirmed, then 已签署), 5.3.5.2 / 5.4.5 (filing: 审核通过的，合同
备案并加盖备案章), 5.4.5.1 (an overseas party: notarise the contract before filing),
6.2 (the seller edits 在途未备案合同), 7 (cancelling an unfiled contract) and 8
(cancelling a filed contract: 注销网签 deletes it, 注销备案 keeps it for re-filing).

The states are the platform's state codes (``platform-api.md``).  A pending
cancellation is *not* a state: it lives in the platform's separate cancellation
object, so applying for one, confirming materials or submitting them for review
leaves the status where it is (self-loops below) until the cancellation ends it.

The machine is data: :data:`TRANSITIONS`, a tuple of frozen :class:`Transition`
records (event, from-states, to-state, trigger, guards on the contract's facts).
:func:`advance` checks the caller's role first — with :func:`rules.permission.permission`
for user events — and only then the status and the guards, so a refusal for the
role (``forbidden``) wins over one for the status (``wrong_status``,
``notarization_required``).  :data:`EDGES` is every from→to pair the machine can
produce, so a status that changes any other way is a bug.

Readings the manual leaves open, taken here:

* ``edit_terms`` is a self-loop in every state but ``awaiting_signatures``,
  ``filing_submitted``, ``filed``, ``cancelled`` and ``completed``.  The manual
  only says the seller may edit 在途未备案合同 (6.2); it says nothing about edits
  while i深圳 signatures or the filing review are under way, which are blocked.
* ``cancel_direct`` (case 3 of manual 7) and ``cancel_confirmed`` (cases 1, 2 after
  voiding, 4) are allowed from every unfiled state that is not ``cancelled`` or
  ``completed``.  Which of the two applies depends on facts this machine does not
  hold (signatures, the 购房资格码, downloads): the caller decides it with
  :func:`rules.cancel.cancel_unfiled` first.
* ``void_qualification`` is refused once any party has signed (``already_signed``:
  a signed contract is cancelled under case 1 of manual 7); the caller supplies that
  fact (:attr:`ContractFacts.anyone_signed`).
* ``upload_notarization`` (5.4.5.1) is a self-loop on a signed, unfiled contract with
  an overseas party (offline by :class:`ContractFacts`) until the notarisation is
  recorded: not applicable without an overseas party (``not_applicable``), and not
  offered again once ``notarized`` (``already_notarized``).
* ``upload_filing_materials`` (5.3.5.2, 5.4.5) is a self-loop on a signed, unfiled contract
  that needs filing: the materials may be uploaded again until the filing is submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Self, cast, get_args

from pydantic import BaseModel, ConfigDict, model_validator

from .cancel import CancelKind
from .codes import Signing, Usage
from .permission import PERMISSION_ROLES, Action, PermissionInput, permission

Status = Literal[
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
Event = Literal[
    "generate",
    "print",
    "apply_qualification",
    "qualification_approve",
    "qualification_reject",
    "void_qualification",
    "upload_commitment",
    "send_for_signing",
    "all_signed",
    "offline_upload",
    "submit_filing",
    "filing_approve",
    "filing_reject",
    "cancel_direct",
    "apply_cancel",
    "cancel_confirmed",
    "submit_cancel",
    "cancellation_approve",
    "cancellation_reject",
    "edit_terms",
    "upload_notarization",
    "upload_filing_materials",
]
Trigger = Action | Literal["back_office", "isz"]
AdvanceRole = Literal["buyer", "seller", "counter_staff", "back_office", "isz"]
ErrorCode = Literal[
    "forbidden",
    "wrong_status",
    "notarization_required",
    "already_signed",
    "not_applicable",
    "already_notarized",
    "unknown_event",
    "bad_kind",
]

STATUSES: tuple[Status, ...] = get_args(Status)
EVENTS: tuple[Event, ...] = get_args(Event)
ROLES: tuple[AdvanceRole, ...] = get_args(AdvanceRole)
CANCEL_KINDS: tuple[CancelKind, ...] = get_args(CancelKind)

# The manual's words where it has them (待签署, 已签署 in 5.3.5.1; 已完成 is the
# completed transaction; 注销网签 / 注销备案 in 8.1).
STATUS_NAMES: dict[Status, tuple[str, str]] = {
    "draft": ("草稿（填写合同条款）", "draft (filling in the contract terms)"),
    "text_generated": ("已生成合同示范文本", "model contract text generated"),
    "qualification_pending": ("购房资格审查中", "purchase qualification under review"),
    "qualification_approved": ("购房资格审查通过", "purchase qualification approved"),
    "qualification_rejected": ("购房资格审查未通过", "purchase qualification rejected"),
    "commitment_uploaded": ("已上传承诺书", "commitment letter uploaded"),
    "awaiting_signatures": ("待签署", "awaiting signatures"),
    "signed": ("已签署", "signed"),
    "filing_submitted": ("已提交备案申请", "filing submitted"),
    "filed": ("已备案", "filed"),
    "filing_cancelled": ("已注销备案", "filing cancelled"),
    "cancelled": ("已注销网签", "net-signing cancelled"),
    "completed": ("已完成", "completed"),
}

EVENT_NAMES: dict[Event, tuple[str, str]] = {
    "generate": ("生成合同示范文本", "generate the model contract text"),
    "print": ("下载打印合同（无需备案）", "download and print the contract (no filing needed)"),
    "apply_qualification": ("申请购房资格审查", "apply for the purchase qualification review"),
    "qualification_approve": ("通过购房资格审查", "approve the purchase qualification"),
    "qualification_reject": ("不通过购房资格审查", "reject the purchase qualification"),
    "void_qualification": ("作废购房资格码", "void the purchase qualification code"),
    "upload_commitment": ("上传承诺书", "upload the commitment letter"),
    "send_for_signing": ("发送买卖双方电子签署", "send the contract for both parties' e-signature"),
    "all_signed": ("完成i深圳签署", "complete the i深圳 signing"),
    "offline_upload": ("上传经签署的合同、承诺书", "upload the signed contract and commitment letter"),
    "submit_filing": ("提交备案申请", "submit the filing application"),
    "filing_approve": ("通过合同备案", "approve the filing"),
    "filing_reject": ("不通过合同备案", "reject the filing"),
    "cancel_direct": ("直接注销网签", "cancel the net-signing directly"),
    "apply_cancel": ("申请注销", "apply for a cancellation"),
    "cancel_confirmed": ("确认注销网签", "confirm the cancellation"),
    "submit_cancel": ("提交注销审核", "submit the cancellation for review"),
    "cancellation_approve": ("通过注销审核", "approve the cancellation"),
    "cancellation_reject": ("不通过注销审核", "reject the cancellation"),
    "edit_terms": ("编辑合同条款", "edit the contract terms"),
    "upload_notarization": ("上传涉外合同公证材料", "upload the foreign-related contract notarisation"),
    "upload_filing_materials": ("上传备案材料", "upload the filing materials"),
}

# code -> (Chinese, English).  All texts of this module live here.
MESSAGES: dict[str, tuple[str, str]] = {
    "wrong_status": (
        "合同状态为“{status}”，不能{event}：{needs}",
        "The contract is '{status}', so you cannot {event} now: {needs}",
    ),
    "terminal_cancelled": (
        "合同已注销网签，不能再{event}；注销后的合同只供查阅（手册7、8.1）。",
        "The contract's net-signing has been cancelled, so you cannot {event}; it stays readable "
        "for the record only (manual 7, 8.1).",
    ),
    "terminal_completed": (
        "合同已完成：无需办理合同备案，买卖双方下载打印合同后到不动产登记中心办理转移登记，"
        "本系统中不能再{event}（手册5.3.4、5.4.4）。",
        "The contract is completed: no filing is needed, the parties print it and go to the real "
        "estate registration centre (不动产登记中心) for the transfer registration; you cannot "
        "{event} in this system any more (manual 5.3.4, 5.4.4).",
    ),
    "forbidden_system": (
        "“{event}”由{trigger}完成，{role}不能操作。",
        "'{event}' is done by {trigger}; the {role} cannot do it.",
    ),
    "forbidden_user_event": (
        "“{event}”须由买卖双方或公积金服务厅窗口人员在信息平台操作，{role}不能代为操作。",
        "'{event}' is done on the platform by the parties or the counter staff; {role} cannot do "
        "it for them.",
    ),
    "unknown_event": ("没有名为“{event}”的合同操作。", "There is no contract event named '{event}'."),
    "bad_kind": (
        "审核注销申请须指明注销方式：注销网签（cancel_netsign）或注销备案（cancel_filing）（手册8.1）。",
        "Approving a cancellation needs its kind: cancel_netsign (注销网签) or cancel_filing "
        "(注销备案) (manual 8.1).",
    ),
    "notarization_required": (
        "买卖一方或双方为境外人士：在合同备案之前，须先下载并打印合同，到公证处办理涉外合同公证，"
        "办理后再办理二手房合同备案（手册5.4.5.1）。",
        "One or both parties are from outside the mainland: before filing, download and print the "
        "contract and have it notarised as a foreign-related contract at a notary office, then "
        "file it (manual 5.4.5.1).",
    ),
    "already_signed": (
        "已有当事人签署合同，不能再作废购房资格码；已签署的合同按手册7情况1注销（手册7）。",
        "A party has already signed the contract, so the purchase qualification code can no longer "
        "be voided; a signed contract is cancelled under case 1 of manual 7 (manual 7).",
    ),
    "already_notarized": (
        "涉外合同公证已上传，无需再次上传，可以提交备案（手册5.4.5.1）。",
        "The foreign-related contract notarisation is already uploaded; there is nothing more to "
        "upload, the contract can be filed (manual 5.4.5.1).",
    ),
    # Guards on the contract's facts that no transition of the event satisfies.
    "guard_online": (
        "只有线上签署的合同才能{event}；本合同为线下签署：下载合同、承诺书，买卖双方签署后上传"
        "（手册5.4.4）。",
        "Only an online-signed contract can {event}; this one is signed offline: download the "
        "contract and commitment letter, have both parties sign them and upload them (manual 5.4.4).",
    ),
    "guard_offline": (
        "只有线下签署的合同才能{event}；本合同为线上签署：卖方上传经签署的承诺书后，"
        "发送买卖双方在i深圳电子签署（手册5.3.4、5.3.5.1）。",
        "Only an offline-signed contract can {event}; this one is signed online: the seller "
        "uploads the signed commitment letter and sends the contract for both parties' i深圳 "
        "e-signature (manual 5.3.4, 5.3.5.1).",
    ),
    "guard_filing_required": (
        "本合同无需办理合同备案（工业楼宇或企业间存量非住宅等），不能{event}："
        "买卖双方直接下载打印合同到不动产登记中心办理转移登记（手册5.3.4、5.4.4）。",
        "This contract needs no filing (industrial building or existing non-residential property "
        "between enterprises), so you cannot {event}: the parties download and print the contract "
        "and go to the real estate registration centre (不动产登记中心) (manual 5.3.4, 5.4.4).",
    ),
    "guard_no_filing": (
        "本合同须办理合同备案，不能直接下载打印后办理转移登记；只有工业楼宇或企业间存量非住宅等"
        "无需办理合同备案的才可以（手册5.3.4、5.4.4）。",
        "This contract must be filed; only contracts that need no filing (industrial buildings, "
        "existing non-residential property between enterprises) are printed and taken straight to "
        "the registration centre (manual 5.3.4, 5.4.4).",
    ),
    "guard_residential": (
        "非住宅无需买方申请购房资格审查，也没有购房资格码，不能{event}（手册5.3、5.4流程（非住宅））。",
        "Non-residential property needs no purchase qualification review and has no qualification "
        "code, so you cannot {event} (manual 5.3, 5.4, non-residential flow).",
    ),
    "guard_overseas": (
        "涉外合同公证只适用于有境外当事人的线下签署合同（手册5.4.5.1）。",
        "The foreign-related contract notarisation applies only to an offline contract with a party "
        "from outside the mainland (manual 5.4.5.1).",
    ),
    "guard_non_residential": (
        "{event}不适用于本合同的用途（手册5.3、5.4）。",
        "'{event}' does not apply to this contract's usage (manual 5.3, 5.4).",
    ),
    # What must be true first, per transition (the ``needs`` of a record).
    "needs_draft": (
        "合同示范文本在填写完合同条款并确认无误后生成，合同状态须为“草稿（填写合同条款）”（手册5.3.2、5.4.2）。",
        "the model text is generated once the terms are filled in and checked, while the contract "
        "is still a draft (manual 5.3.2, 5.4.2).",
    ),
    "needs_text_for_print": (
        "须先生成合同示范文本（手册5.3.2、5.3.4）。",
        "the model contract text must be generated first (manual 5.3.2, 5.3.4).",
    ),
    "needs_text_for_qualification": (
        "须先生成合同示范文本，买方才能申请购房资格审查；审查未通过的可重新申请（手册5.3.3、5.4.3）。",
        "the model contract text must be generated before the buyer applies for the purchase "
        "qualification review; a rejected application may be made again (manual 5.3.3, 5.4.3).",
    ),
    "needs_qualification_pending": (
        "须先由买方申请购房资格审查（手册5.3.3、5.4.3）。",
        "the buyer must first apply for the purchase qualification review (manual 5.3.3, 5.4.3).",
    ),
    "needs_qualification_code": (
        "须买方已申请购房资格码且合同尚未签署（手册7）。",
        "the buyer must have applied for a purchase qualification code and the contract must not "
        "be signed yet (manual 7).",
    ),
    "needs_qualification_approved": (
        "须先通过购房资格审查（手册5.3.3、5.3.4、5.4.3）。",
        "the purchase qualification review must be passed first (manual 5.3.3, 5.3.4, 5.4.3).",
    ),
    "needs_text_non_residential": (
        "须先生成合同示范文本，承诺书在其后上传（非住宅无需购房资格审查，手册5.3、5.4.4）。",
        "the model contract text must be generated first (non-residential property needs no "
        "qualification review; manual 5.3, 5.4.4).",
    ),
    "needs_commitment": (
        "须先由卖方上传经买卖双方签署的承诺书（手册5.3.4、5.3.5.1）。",
        "the seller must first upload the commitment letter signed by both parties (manual 5.3.4, 5.3.5.1).",
    ),
    "needs_awaiting_signatures": (
        "须先由卖方发送买卖双方电子签署，合同状态为“待签署”（手册5.3.5.1）。",
        "the seller must first send the contract for e-signature, so that it is awaiting "
        "signatures (待签署) (manual 5.3.5.1).",
    ),
    "needs_signed": (
        "须先完成合同签署，合同状态为“已签署”（手册5.3.5.1、5.4.4、5.4.5）。",
        "the contract must be signed (已签署) first (manual 5.3.5.1, 5.4.4, 5.4.5).",
    ),
    "needs_filing_submitted": (
        "须先提交备案申请（手册5.3.5.2、5.4.5）。",
        "the filing application must be submitted first (manual 5.3.5.2, 5.4.5).",
    ),
    "needs_unfiled": (
        "按手册7注销网签只适用于未备案的合同；已备案合同须申请注销网签或备案，经审核通过后注销"
        "（手册7、8.1）。",
        "cancelling under manual 7 is for unfiled contracts only; a filed contract's net-signing "
        "or filing is cancelled by application and review (manual 7, 8.1).",
    ),
    "needs_open": (
        "只有未注销、未完成的合同才能申请注销（手册7、8.1）。",
        "only a contract that is neither cancelled nor completed can be cancelled (manual 7, 8.1).",
    ),
    "needs_filed": (
        "须为已备案合同：未备案合同按手册7注销网签，无需提交审核（手册7、8.2.7）。",
        "the contract must be filed; an unfiled contract is cancelled under manual 7 without a "
        "review (manual 7, 8.2.7).",
    ),
    "needs_filed_review": (
        "须为已备案合同，且买卖双方已提交注销审核（手册8.2.7）。",
        "the contract must be filed and its cancellation submitted for review (manual 8.2.7).",
    ),
    "needs_editable": (
        "合同待签署、已提交备案或已备案时不能编辑合同条款；手册只说明卖方可以编辑在途未备案合同"
        "（手册6.2）。已备案合同须先注销备案（手册8.1）。",
        "the terms cannot be edited while the contract awaits signatures, is under filing review "
        "or is filed; the manual only says the seller edits unfiled contracts in progress "
        "(manual 6.2). A filed contract's filing must be cancelled first (manual 8.1).",
    ),
}

TRIGGER_NAMES: dict[str, tuple[str, str]] = {
    "back_office": ("审核部门（后台）", "the reviewing department (back office)"),
    "isz": ("i深圳（买卖双方都确认签署后）", "i深圳 (once every party has confirmed signing)"),
}
ROLE_WORDS: dict[str, tuple[str, str]] = {
    "buyer": ("买方", "buyer"),
    "seller": ("卖方", "seller"),
    "counter_staff": ("公积金服务厅窗口人员", "counter staff"),
    "back_office": ("后台", "back office"),
    "isz": ("i深圳", "i深圳"),
}


@dataclass(frozen=True)
class Transition:
    """``event`` moves a contract from any of ``sources`` to ``target``.

    ``trigger`` is a :mod:`rules.permission` action code for user events, or
    ``"back_office"`` / ``"isz"``.  The guards (``None``: any) are on the contract's
    facts; ``kind`` selects by the cancellation's kind; ``notarization`` means an
    offline contract with an overseas party must be notarised first (5.4.5.1);
    ``overseas`` means the event applies only with an overseas party, and
    ``until_notarized`` only until the notarisation is recorded (5.4.5.1);
    ``unsigned`` means no party may have signed yet (7).
    ``needs`` is the message code saying what must be true first.
    """

    event: Event
    sources: frozenset[Status]
    target: Status
    trigger: Trigger
    section: str
    needs: str
    signing: Signing | None = None
    usage: Usage | None = None
    filing_required: bool | None = None
    kind: CancelKind | None = None
    notarization: bool = False
    overseas: bool = False
    until_notarized: bool = False
    unsigned: bool = False


def _t(
    event: Event,
    sources: tuple[Status, ...],
    target: Status,
    trigger: Trigger,
    section: str,
    needs: str,
    *,
    signing: Signing | None = None,
    usage: Usage | None = None,
    filing_required: bool | None = None,
    kind: CancelKind | None = None,
    notarization: bool = False,
    overseas: bool = False,
    until_notarized: bool = False,
    unsigned: bool = False,
) -> Transition:
    return Transition(
        event,
        frozenset(sources),
        target,
        trigger,
        section,
        needs,
        signing,
        usage,
        filing_required,
        kind,
        notarization,
        overseas,
        until_notarized,
        unsigned,
    )


def _loops(
    event: Event, states: tuple[Status, ...], trigger: Trigger, section: str, needs: str
) -> tuple[Transition, ...]:
    """A self-loop in each of ``states``: the event is allowed there and keeps the status."""
    return tuple(_t(event, (s,), s, trigger, section, needs) for s in states)


QUALIFIED: tuple[Status, ...] = (
    "qualification_pending",
    "qualification_approved",
    "qualification_rejected",
    "commitment_uploaded",
    "awaiting_signatures",
)
# Unfiled and neither cancelled nor completed: manual 7 applies.
UNFILED_OPEN: tuple[Status, ...] = (
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
)
EDITABLE: tuple[Status, ...] = (
    "draft",
    "text_generated",
    "qualification_pending",
    "qualification_approved",
    "qualification_rejected",
    "commitment_uploaded",
    "signed",
    "filing_cancelled",
)
TERMINAL: frozenset[Status] = frozenset({"cancelled", "completed"})

# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    _t("generate", ("draft",), "text_generated", "generate", "5.3.2", "needs_draft"),
    _t("print", ("text_generated",), "completed", "print", "5.3.4", "needs_text_for_print",
       filing_required=False),
    _t("apply_qualification", ("text_generated", "qualification_rejected"), "qualification_pending",
       "apply_qualification", "5.3.3", "needs_text_for_qualification", usage="residential"),
    _t("qualification_approve", ("qualification_pending",), "qualification_approved", "back_office",
       "5.4.3", "needs_qualification_pending", usage="residential"),
    _t("qualification_reject", ("qualification_pending",), "qualification_rejected", "back_office",
       "5.4.3", "needs_qualification_pending", usage="residential"),
    _t("void_qualification", QUALIFIED, "text_generated", "void_qualification", "7",
       "needs_qualification_code", usage="residential", unsigned=True),
    _t("upload_commitment", ("qualification_approved",), "commitment_uploaded", "upload_commitment",
       "5.3.4", "needs_qualification_approved",
       signing="online", usage="residential", filing_required=True),
    _t("upload_commitment", ("text_generated",), "commitment_uploaded", "upload_commitment",
       "5.3.4", "needs_text_non_residential",
       signing="online", usage="non_residential", filing_required=True),
    _t("send_for_signing", ("commitment_uploaded",), "awaiting_signatures", "send_for_signing",
       "5.3.5.1", "needs_commitment", signing="online"),
    _t("all_signed", ("awaiting_signatures",), "signed", "isz", "5.3.5.1", "needs_awaiting_signatures",
       signing="online"),
    _t("offline_upload", ("qualification_approved",), "signed", "offline_upload",
       "5.4.4", "needs_qualification_approved",
       signing="offline", usage="residential", filing_required=True),
    _t("offline_upload", ("text_generated",), "signed", "offline_upload",
       "5.4.4", "needs_text_non_residential",
       signing="offline", usage="non_residential", filing_required=True),
    _t("submit_filing", ("signed", "filing_cancelled"), "filing_submitted", "submit_filing",
       "5.3.5.2", "needs_signed", filing_required=True, notarization=True),
    _t("filing_approve", ("filing_submitted",), "filed", "back_office", "5.3.5.2", "needs_filing_submitted"),
    _t("filing_reject", ("filing_submitted",), "signed", "back_office", "5.3.5.2", "needs_filing_submitted"),
    _t("cancel_direct", UNFILED_OPEN, "cancelled", "apply_cancel", "7", "needs_unfiled"),
    *_loops("apply_cancel", (*UNFILED_OPEN, "filed"), "apply_cancel", "6.2", "needs_open"),
    _t("cancel_confirmed", UNFILED_OPEN, "cancelled", "confirm_cancel", "7", "needs_unfiled"),
    *_loops("submit_cancel", ("filed",), "submit_cancel", "8.2.7", "needs_filed"),
    _t("cancellation_approve", ("filed",), "cancelled", "back_office", "8.1", "needs_filed_review",
       kind="cancel_netsign"),
    _t("cancellation_approve", ("filed",), "filing_cancelled", "back_office", "8.1", "needs_filed_review",
       kind="cancel_filing"),
    *_loops("cancellation_reject", ("filed",), "back_office", "8.2.7", "needs_filed_review"),
    *_loops("edit_terms", EDITABLE, "edit_terms", "6.2", "needs_editable"),
    *(_t("upload_notarization", (s,), s, "upload_notarization", "5.4.5.1", "needs_signed",
         overseas=True, until_notarized=True) for s in ("signed", "filing_cancelled")),
    *(_t("upload_filing_materials", (s,), s, "upload_filing_materials", "5.3.5.2", "needs_signed",
         filing_required=True) for s in ("signed", "filing_cancelled")),
)
# fmt: on

EDGES: frozenset[tuple[Status, Status]] = frozenset(
    (source, t.target) for t in TRANSITIONS for source in t.sources
)

_BY_EVENT: dict[str, tuple[Transition, ...]] = {
    e: tuple(t for t in TRANSITIONS if t.event == e) for e in EVENTS
}
_TRIGGER: dict[str, Trigger] = {e: ts[0].trigger for e, ts in _BY_EVENT.items()}
assert all(len({t.trigger for t in ts}) == 1 for ts in _BY_EVENT.values()), "one trigger per event"


class ContractFacts(BaseModel):
    """What the lifecycle needs to know about a contract.

    Impossible combinations are rejected, as ``rules.contract_steps`` rejects them:
    online signing with an overseas party (5.3.1) and a residential contract without
    filing (only industrial buildings and enterprise-to-enterprise non-residential
    property skip filing, 5.3.4).

    >>> ContractFacts(status="filed", signing="online", usage="residential",
    ...               filing_required=True, overseas_party=False).filed
    True
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    status: Status
    signing: Signing
    usage: Usage
    filing_required: bool
    overseas_party: bool
    notarized: bool = False
    #: some party has already signed (an i深圳 confirmation, or the offline upload)
    anyone_signed: bool = False

    @property
    def filed(self) -> bool:
        """The contract is filed (已备案): what :mod:`rules.permission` asks."""
        return self.status == "filed"

    @model_validator(mode="after")
    def _possible(self) -> Self:
        if self.signing == "online" and self.overseas_party:
            raise ValueError("an overseas party signs offline only (manual 5.3.1)")
        if self.usage == "residential" and not self.filing_required:
            raise ValueError("residential contracts are always filed (manual 5.3.4)")
        return self


class TransitionError(Exception):
    """An event refused: ``code`` is ``forbidden`` (the mock's 403), ``wrong_status``,
    ``notarization_required``, ``already_signed``, ``not_applicable`` or
    ``already_notarized`` (409); ``unknown_event`` / ``bad_kind`` are the caller's bugs."""

    def __init__(self, code: ErrorCode, message: str, message_en: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code: ErrorCode = code
        self.message = message
        self.message_en = message_en


def _error(code: ErrorCode, text: str, **fields: tuple[str, str]) -> TransitionError:
    zh, en = MESSAGES[text]
    return TransitionError(
        code,
        zh.format(**{k: v[0] for k, v in fields.items()}),
        en.format(**{k: v[1] for k, v in fields.items()}),
    )


def _check_role(facts: ContractFacts, event: Event, role: str) -> None:
    trigger = _TRIGGER[event]
    names = EVENT_NAMES[event]
    role_words = ROLE_WORDS.get(role, (role, role))
    if trigger == "back_office" or trigger == "isz":
        if role != trigger:
            raise _error(
                "forbidden", "forbidden_system", event=names, trigger=TRIGGER_NAMES[trigger], role=role_words
            )
        return
    if role not in PERMISSION_ROLES:
        raise _error("forbidden", "forbidden_user_event", event=names, role=role_words)
    verdict = permission(PermissionInput(role=role, filed=facts.filed, action=trigger))
    if not verdict.allowed:
        raise TransitionError("forbidden", verdict.message, verdict.message_en)


def _first_failed_guard(t: Transition, facts: ContractFacts, kind: str | None) -> str | None:
    if t.kind is not None and t.kind != kind:
        return "bad_kind"
    if t.signing is not None and t.signing != facts.signing:
        return f"guard_{t.signing}"
    if t.filing_required is not None and t.filing_required != facts.filing_required:
        return "guard_filing_required" if t.filing_required else "guard_no_filing"
    if t.usage is not None and t.usage != facts.usage:
        return f"guard_{t.usage}"
    if t.overseas and not facts.overseas_party:
        return "guard_overseas"
    return None


#: guard message code -> the error code it is refused with (``wrong_status`` otherwise)
_GUARD_CODES: dict[str, ErrorCode] = {"guard_overseas": "not_applicable"}


def _refused_in_status(t: Transition, facts: ContractFacts) -> TransitionError | None:
    """The refusal of a transition whose status fits, for facts checked after the status."""
    if t.notarization and facts.signing == "offline" and facts.overseas_party and not facts.notarized:
        return _error("notarization_required", "notarization_required")
    if t.until_notarized and facts.notarized:
        return _error("already_notarized", "already_notarized")
    if t.unsigned and facts.anyone_signed:
        return _error("already_signed", "already_signed")
    return None


def advance(facts: ContractFacts, event: str, role: str, *, kind: str | None = None) -> Status:
    """The status after ``role`` triggers ``event`` on a contract with ``facts``.

    Raises :class:`TransitionError`: ``forbidden`` when the role may not trigger the
    event (checked first, with :func:`rules.permission.permission`), ``wrong_status``
    when the status or the contract's facts do not allow it now (the message says
    what must happen first), ``notarization_required`` (5.4.5.1: filing before the
    notarisation), ``not_applicable`` / ``already_notarized`` (5.4.5.1: uploading a
    notarisation without an overseas party, or again), ``already_signed`` (7: voiding
    the qualification code once a party has signed).  ``kind``
    (``cancel_netsign`` / ``cancel_filing``) is needed by ``cancellation_approve`` only.

    >>> facts = ContractFacts(status="text_generated", signing="online", usage="residential",
    ...                       filing_required=True, overseas_party=False)
    >>> advance(facts, "apply_qualification", "buyer")
    'qualification_pending'
    >>> advance(facts, "upload_commitment", "buyer")
    Traceback (most recent call last):
    ...
    rules.lifecycle.TransitionError: forbidden: 买方不能上传承诺书：只有卖方可以对在途未备案合同上传承诺书（手册5.3.4）。
    >>> try:
    ...     advance(facts, "upload_commitment", "seller")
    ... except TransitionError as exc:
    ...     print(exc.code, exc.message)
    wrong_status 合同状态为“已生成合同示范文本”，不能上传承诺书：须先通过购房资格审查（手册5.3.3、5.3.4、5.4.3）。
    """
    if event not in _BY_EVENT:
        raise _error("unknown_event", "unknown_event", event=(event, event))
    ev = cast(Event, event)
    _check_role(facts, ev, role)
    names = EVENT_NAMES[ev]
    if facts.status in TERMINAL:
        raise _error("wrong_status", f"terminal_{facts.status}", event=names)
    records = _BY_EVENT[ev]
    fitting = [t for t in records if _first_failed_guard(t, facts, kind) is None]
    if not fitting:
        failed = _first_failed_guard(records[0], facts, kind)
        assert failed is not None
        if failed == "bad_kind":
            raise _error("bad_kind", "bad_kind")
        raise _error(_GUARD_CODES.get(failed, "wrong_status"), failed, event=names)
    for t in fitting:
        if facts.status in t.sources:
            refusal = _refused_in_status(t, facts)
            if refusal is not None:
                raise refusal
            return t.target
    needs = MESSAGES[fitting[0].needs]
    raise _error("wrong_status", "wrong_status", status=STATUS_NAMES[facts.status], event=names, needs=needs)


def allowed_events(facts: ContractFacts, role: str) -> list[str]:
    """The events ``role`` may trigger now, in :data:`EVENTS` order (the mock's ``next``).

    >>> facts = ContractFacts(status="signed", signing="offline", usage="residential",
    ...                       filing_required=True, overseas_party=False)
    >>> allowed_events(facts, "seller")
    ['submit_filing', 'cancel_direct', 'apply_cancel', 'cancel_confirmed', 'edit_terms', 'upload_filing_materials']
    >>> allowed_events(facts, "counter_staff")
    ['submit_filing', 'upload_filing_materials']
    """
    out: list[str] = []
    for event in EVENTS:
        kinds: tuple[str | None, ...] = CANCEL_KINDS if any(t.kind for t in _BY_EVENT[event]) else (None,)
        for kind in kinds:
            try:
                advance(facts, event, role, kind=kind)
            except TransitionError:
                continue
            out.append(event)
            break
    return out
