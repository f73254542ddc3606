"""Cancelling a contract: net-signing (网签) and filing (备案) cancellations.

Manual sections:

* 7 未备案合同注销网签 — the four cases of cancelling an unfiled contract
  (rule ``cancel_unfiled``);
* 8.1 已备案合同注销网签或备案的规则 and 8.2 系统界面操作 (its 注意 on on-site
  applications, 8.2.3 the 电子证照调用授权书 or identity documents, 8.2.4 the
  signed forms, 8.2.7 the other parties' uploads and submission) — rule
  ``cancel_filed``;
* 6.2 我的二手房 — where the 注销 / 注销合同确认 buttons are.

The manual is silent on one unfiled case (unsigned, no 购房资格码, offline, the
contract never downloaded): ``cancel_unfiled`` says so (``covered`` false) and
sends the user to 12345 / the 住房公积金管理中心 instead of guessing.
"""

from __future__ import annotations

from typing import Literal

from ._base import RuleInput, RuleOutput, rule
from .codes import Role, Signing

Change = Literal["none", "buyer_identity", "buyers_added_or_removed", "other_terms"]
CancelKind = Literal["cancel_netsign", "cancel_filing"]
Prerequisite = Literal["buyer_voids_qualification_code"]

BOTH_PARTIES: tuple[Role, ...] = ("buyer", "seller")

CANCEL_KIND_NAMES: dict[str, tuple[str, str]] = {
    "cancel_netsign": ("注销网签", "cancel the net-signing"),
    "cancel_filing": ("注销备案", "cancel the filing"),
}

# The materials of a filed-contract cancellation (manual 8.2.3, 8.2.4, 8.2 注意).
MATERIALS_AGREED: tuple[str, ...] = (
    "电子证照调用授权书",
    "注销二手房买卖合同备案申请表",
    "注销网签备案承诺书",
    "买卖双方解除协议",
)
MATERIALS_LEGAL_DOCUMENT: tuple[str, ...] = (
    "电子证照调用授权书",
    "注销二手房买卖合同备案申请表",
    "注销网签备案承诺书",
    "已生效的法律文书",
)

# code -> (Chinese, English).  All texts of this module live here.
MESSAGES: dict[str, tuple[str, str]] = {
    # --- chapter 7: unfiled contracts -------------------------------------------------
    "unfiled_case1": (
        "合同已经买卖双方签署：由买卖双方任何一方在个人中心“我的二手房”申请注销网签，"
        "另一方进行确认（注销合同确认）（手册7，情况1；手册6.2）。",
        "The contract has been signed by both parties: either party applies to cancel the "
        "net-signing under 我的二手房 in the personal centre and the other party confirms it "
        "(manual 7, case 1; manual 6.2).",
    ),
    "unfiled_case2": (
        "合同未签署，但买方已申请了购房资格码：须先由买方作废购房资格码，之后买卖双方任何一方"
        "才可以注销网签（手册7，情况2）。作废后：",
        "The contract is unsigned but the buyer has applied for a purchase qualification code "
        "(购房资格码): the buyer must first void the code; only then may either party cancel the "
        "net-signing (manual 7, case 2). After voiding it: ",
    ),
    "then_case3": (
        "合同签署方式为线上签署，买方或卖方可直接注销网签，无需对方确认（手册7，情况3）。",
        "the contract is signed online, so the buyer or the seller cancels the net-signing "
        "directly, without the other party's confirmation (manual 7, case 3).",
    ),
    "then_case4": (
        "合同签署方式为线下签署且已下载过合同，由买卖双方任何一方申请注销网签，另一方进行确认（手册7，情况4）。",
        "the contract is signed offline and has been downloaded, so either party applies to cancel "
        "the net-signing and the other party confirms it (manual 7, case 4).",
    ),
    "then_uncovered": (
        "合同为线下签署且从未下载过合同，这种情况不属于手册7所列的四种情况，手册未作规定；"
        "请拨打12345或咨询住房公积金管理中心，不要自行推断。",
        "the contract is signed offline and was never downloaded, which is none of the four cases "
        "of manual 7: the manual does not cover it. Ask 12345 or the provident fund centre "
        "(住房公积金管理中心) rather than guessing.",
    ),
    "unfiled_case3": (
        "合同未签署且买方未申请购房资格码，签署方式为线上签署：买方或卖方可在个人中心“我的二手房”"
        "直接注销网签，无需对方确认（手册7，情况3；手册6.2）。",
        "The contract is unsigned, the buyer has not applied for a purchase qualification code and "
        "it is signed online: the buyer or the seller cancels the net-signing directly under "
        "我的二手房, without the other party's confirmation (manual 7, case 3; manual 6.2).",
    ),
    "unfiled_case4": (
        "合同未签署且买方未申请购房资格码，签署方式为线下签署且已下载过合同：由买卖双方任何一方"
        "在个人中心“我的二手房”申请注销网签，另一方进行确认（手册7，情况4；手册6.2）。",
        "The contract is unsigned, the buyer has not applied for a purchase qualification code, it "
        "is signed offline and has been downloaded: either party applies to cancel the net-signing "
        "under 我的二手房 and the other party confirms it (manual 7, case 4; manual 6.2).",
    ),
    "unfiled_uncovered": (
        "合同未签署、买方未申请购房资格码、签署方式为线下签署且从未下载过合同：这种情况不属于"
        "手册7所列的四种情况，手册未作规定，无法确定能否注销、由谁办理。请拨打12345或咨询"
        "住房公积金管理中心，不要自行推断（手册7）。",
        "The contract is unsigned, the buyer has not applied for a purchase qualification code, it "
        "is signed offline and was never downloaded: this is none of the four cases of manual 7 "
        "and the manual does not say whether or by whom it may be cancelled. Ask 12345 or the "
        "provident fund centre (住房公积金管理中心) rather than guessing (manual 7).",
    ),
    # --- chapter 8: filed contracts ---------------------------------------------------
    "filed_transfer_accepted": (
        "登记部门已受理该合同房产的转移登记申请：手册8.1只允许在受理之前注销备案或网签，"
        "本系统（线上或住房公积金管理中心现场）已不能办理。手册未说明此后如何处理，"
        "请咨询不动产登记中心或拨打12345（手册8.1）。",
        "The registration department has accepted the transfer registration of this property: "
        "manual 8.1 allows cancelling the filing or the net-signing only before that, so neither "
        "online nor on site at the provident fund centre (住房公积金管理中心) is open any more. The "
        "manual does not say what to do instead: ask the real estate registration centre "
        "(不动产登记中心) or 12345 (manual 8.1).",
    ),
    "filed_no_basis": (
        "注销已备案合同的网签或备案，须买卖双方协商一致（线上申请，或预约后到住房公积金管理中心"
        "现场申请），或由其中一方持已生效的法律文书等材料预约后到住房公积金管理中心现场申请"
        "（手册8.1、8.2）。目前两者都不具备，暂不能申请。",
        "Cancelling the net-signing or the filing of a filed contract needs both parties' agreement "
        "(apply online, or on site at the provident fund centre (住房公积金管理中心) after an "
        "appointment) or one party holding an effective legal document, on site after an "
        "appointment (manual 8.1, 8.2). Neither is the case, so no application can be made yet.",
    ),
    "channel_online_and_onsite": (
        "买卖双方已协商一致：可线上申请——进入个人中心“我的二手房”，点击相应合同的“合同网签备案注销”"
        "（手册8.1、8.2.1）；也可预约后前往住房公积金管理中心现场申请（手册8.2）。",
        "Both parties agree: apply online — personal centre, 我的二手房, 合同网签备案注销 on the "
        "contract (manual 8.1, 8.2.1) — or on site at the provident fund centre "
        "(住房公积金管理中心) after an appointment (manual 8.2).",
    ),
    "channel_onsite_only": (
        "买卖双方未协商一致，不能线上申请；持已生效的法律文书的一方可在预约后前往住房公积金管理中心"
        "现场申请注销备案或注销网签（手册8.2注意）。",
        "The parties have not agreed, so no online application is possible; the party holding an "
        "effective legal document may apply on site at the provident fund centre "
        "(住房公积金管理中心) after an appointment (manual 8.2, note).",
    ),
    "options_both": (
        "可选两种方式：注销网签——备案信息被撤销，合同同时被删除；注销备案——备案信息被撤销，"
        "合同保留，可修改合同部分内容后重新申请备案（手册8.1）。",
        "Two options: cancel the net-signing (注销网签) — the filing is revoked and the contract is "
        "deleted; or cancel the filing (注销备案) — the filing is revoked, the contract is kept and "
        "parts of it may be edited and filed again (manual 8.1).",
    ),
    "option_netsign_buyer_identity": (
        "需修改买方身份信息：须选择注销网签（备案信息被撤销，合同被删除），完成后买卖双方重新进行网签；"
        "注销备案只撤销备案、保留合同供修改部分内容后重新备案，不能用于修改买方身份信息（手册8.1）。",
        "The buyer's identity details change: choose 注销网签 (the filing is revoked and the "
        "contract deleted), then both parties sign a new contract; 注销备案 only revokes the "
        "filing and keeps the contract for editing and re-filing, which cannot change the buyer's "
        "identity (manual 8.1).",
    ),
    "option_netsign_buyers_changed": (
        "需增减买方：须选择注销网签（备案信息被撤销，合同被删除），完成后买卖双方重新进行网签；"
        "注销备案只撤销备案、保留合同供修改部分内容后重新备案，不能用于增减买方（手册8.1）。",
        "Buyers are added or removed: choose 注销网签 (the filing is revoked and the contract "
        "deleted), then both parties sign a new contract; 注销备案 only revokes the filing and "
        "keeps the contract for editing and re-filing, which cannot add or remove buyers "
        "(manual 8.1).",
    ),
    "option_filing_other_terms": (
        "修改合同其他内容：选择注销备案——备案信息被撤销，合同保留，修改部分内容后重新申请备案"
        "（注销网签则会撤销备案并删除合同，须重新网签）（手册8.1）。",
        "Other contract terms change: choose 注销备案 — the filing is revoked, the contract is kept, "
        "edit it and apply for filing again (注销网签 would revoke the filing and delete the "
        "contract, so a new contract would have to be signed) (manual 8.1).",
    ),
    "materials_agreed": (
        "所需材料：电子证照调用授权书、注销二手房买卖合同备案申请表、注销网签备案承诺书、"
        "买卖双方解除协议（手册8.2.3、8.2.4）。第一个上传材料的用户为申请人；其他买方和卖方各自"
        "上传本人签署的授权书，材料都上传后买方或卖方任何一方可提交审核（手册8.2.3、8.2.7）。",
        "Materials: 电子证照调用授权书 (authorisation to call electronic licences), "
        "注销二手房买卖合同备案申请表 (application form), 注销网签备案承诺书 (commitment) and "
        "买卖双方解除协议 (the parties' termination agreement) (manual 8.2.3, 8.2.4). The first "
        "party to upload is the applicant; every other buyer and seller uploads their own signed "
        "authorisation, and once all are in either party may submit for review (manual 8.2.3, 8.2.7).",
    ),
    "materials_legal_document": (
        "所需材料：电子证照调用授权书、注销二手房买卖合同备案申请表、注销网签备案承诺书，以及"
        "已生效的法律文书（代替买卖双方解除协议）；持法律文书的一方可单独申请（手册8.2注意、8.2.3、8.2.4）。",
        "Materials: 电子证照调用授权书 (authorisation to call electronic licences), "
        "注销二手房买卖合同备案申请表 (application form), 注销网签备案承诺书 (commitment), and the "
        "effective legal document (已生效的法律文书) in place of the termination agreement; the "
        "party holding it may apply alone (manual 8.2 note, 8.2.3, 8.2.4).",
    ),
    "identity_documents": (
        "上传《电子证照调用授权书》后系统未自动获取电子证照信息，或当事人未签署授权书的，"
        "须手动上传有效的身份证明材料代替（手册8.2.3）。",
        "If the system cannot fetch a party's electronic licences after the authorisation is "
        "uploaded, or a party has not signed it, upload valid identity documents instead "
        "(manual 8.2.3).",
    ),
}


def _text(*codes: str) -> tuple[str, str]:
    zh = "".join(MESSAGES[c][0] for c in codes)
    en = " ".join(MESSAGES[c][1].strip() for c in codes)
    return zh, en


# --- cancel_unfiled -------------------------------------------------------------------


class CancelUnfiledInput(RuleInput):
    signed: bool
    qualification_code_applied: bool
    signing: Signing
    downloaded: bool


class CancelUnfiledOutput(RuleOutput):
    covered: bool
    allowed: bool
    prerequisite: Prerequisite | None
    who_can_apply: list[Role]
    needs_confirmation: bool
    message: str
    message_en: str
    section: Literal["7"] = "7"


def _without_code(signing: Signing, downloaded: bool) -> tuple[str | None, bool]:
    """Cases 3 and 4 of manual 7: (case, needs_confirmation); case None = not covered."""
    if signing == "online":
        return "case3", False
    if downloaded:
        return "case4", True
    return None, False


@rule("cancel_unfiled", CancelUnfiledInput)
def cancel_unfiled(inp: CancelUnfiledInput) -> CancelUnfiledOutput:
    """Who may cancel the net-signing of an unfiled contract (manual 7).

    >>> out = cancel_unfiled(CancelUnfiledInput(
    ...     signed=True, qualification_code_applied=False, signing="online", downloaded=False))
    >>> out.allowed, out.who_can_apply, out.needs_confirmation
    (True, ['buyer', 'seller'], True)
    >>> out = cancel_unfiled(CancelUnfiledInput(
    ...     signed=False, qualification_code_applied=True, signing="online", downloaded=False))
    >>> out.allowed, out.prerequisite, out.needs_confirmation
    (False, 'buyer_voids_qualification_code', False)
    >>> out = cancel_unfiled(CancelUnfiledInput(
    ...     signed=False, qualification_code_applied=False, signing="offline", downloaded=False))
    >>> out.covered, out.allowed, out.who_can_apply
    (False, False, [])
    """
    if inp.signed:
        return _unfiled(("unfiled_case1",), allowed=True, confirm=True)
    case, confirm = _without_code(inp.signing, inp.downloaded)
    if inp.qualification_code_applied:
        return _unfiled(
            ("unfiled_case2", f"then_{case or 'uncovered'}"),
            allowed=False,
            confirm=confirm,
            prerequisite="buyer_voids_qualification_code",
        )
    if case is None:
        return _unfiled(("unfiled_uncovered",), allowed=False, confirm=False, covered=False)
    return _unfiled((f"unfiled_{case}",), allowed=True, confirm=confirm)


def _unfiled(
    keys: tuple[str, ...],
    *,
    allowed: bool,
    confirm: bool,
    covered: bool = True,
    prerequisite: str | None = None,
) -> CancelUnfiledOutput:
    """The answer with the texts of ``keys``; either party may apply where the manual covers the case."""
    zh, en = _text(*keys)
    return CancelUnfiledOutput(
        covered=covered,
        allowed=allowed,
        prerequisite=prerequisite,
        who_can_apply=list(BOTH_PARTIES) if covered else [],
        needs_confirmation=confirm,
        message=zh,
        message_en=en,
    )


# --- cancel_filed ---------------------------------------------------------------------


class CancelFiledInput(RuleInput):
    transfer_registration_accepted: bool
    both_agree: bool
    legal_document: bool
    change: Change


class CancelFiledOutput(RuleOutput):
    online_allowed: bool
    onsite_allowed: bool
    options: list[CancelKind]
    required_option: CancelKind | None
    materials: list[str]
    message: str
    message_en: str
    section: Literal["8.1"] = "8.1"


# change -> (required option or None, message code explaining the option(s)), manual 8.1.
_OPTIONS: dict[str, tuple[CancelKind | None, str]] = {
    "none": (None, "options_both"),
    "buyer_identity": ("cancel_netsign", "option_netsign_buyer_identity"),
    "buyers_added_or_removed": ("cancel_netsign", "option_netsign_buyers_changed"),
    "other_terms": ("cancel_filing", "option_filing_other_terms"),
}


def _closed(code: str) -> CancelFiledOutput:
    zh, en = _text(code)
    return CancelFiledOutput(
        online_allowed=False,
        onsite_allowed=False,
        options=[],
        required_option=None,
        materials=[],
        message=zh,
        message_en=en,
    )


@rule("cancel_filed", CancelFiledInput)
def cancel_filed(inp: CancelFiledInput) -> CancelFiledOutput:
    """How a filed contract's net-signing or filing may be cancelled (manual 8.1, 8.2).

    >>> out = cancel_filed(CancelFiledInput(transfer_registration_accepted=False,
    ...     both_agree=True, legal_document=False, change="buyers_added_or_removed"))
    >>> out.online_allowed, out.options, out.required_option
    (True, ['cancel_netsign'], 'cancel_netsign')
    >>> out = cancel_filed(CancelFiledInput(transfer_registration_accepted=False,
    ...     both_agree=False, legal_document=True, change="none"))
    >>> out.online_allowed, out.onsite_allowed, out.materials[-1]
    (False, True, '已生效的法律文书')
    >>> cancel_filed(CancelFiledInput(transfer_registration_accepted=True,
    ...     both_agree=True, legal_document=False, change="none")).options
    []
    """
    if inp.transfer_registration_accepted:
        return _closed("filed_transfer_accepted")
    online = inp.both_agree
    onsite = inp.both_agree or inp.legal_document
    if not onsite:
        return _closed("filed_no_basis")
    required, option_code = _OPTIONS[inp.change]
    options: list[CancelKind] = [required] if required else ["cancel_netsign", "cancel_filing"]
    if inp.both_agree:
        materials, materials_code = MATERIALS_AGREED, "materials_agreed"
        channel_code = "channel_online_and_onsite"
    else:
        materials, materials_code = MATERIALS_LEGAL_DOCUMENT, "materials_legal_document"
        channel_code = "channel_onsite_only"
    zh, en = _text(channel_code, option_code, materials_code, "identity_documents")
    return CancelFiledOutput(
        online_allowed=online,
        onsite_allowed=onsite,
        options=options,
        required_option=required,
        materials=list(materials),
        message=zh,
        message_en=en,
    )
