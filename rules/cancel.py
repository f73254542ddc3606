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
        "合同未签署，但买方已申请了购房资格码：由买方作废资格码后，买卖双方任何一方才可以注销网签"
        "（手册7，情况2）。",
        "The contract is unsigned but the buyer has applied for a purchase qualification code "
        "(购房资格码): only after the buyer voids the code may either party cancel the net-signing "
        "(manual 7, case 2).",
    ),
    "case2_gaps": (
        "情况2没有写作废之后是否需要另一方确认，手册也没有写作废资格码在哪里、怎样操作；情况3、4写的是"
        "“买方未申请购房资格码”的合同，是否适用于已作废资格码的合同，手册没有说明。请拨打12345或咨询"
        "住房公积金管理中心确认，不要自行推断。",
        "Case 2 does not say whether the other party must confirm after the code is voided, and the manual "
        "does not say where or how the code is voided; cases 3 and 4 are about contracts whose buyer has not "
        "applied for a code, and the manual does not say whether they apply once a code is voided. Ask 12345 "
        "or the provident fund centre (住房公积金管理中心) rather than guessing.",
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
        "登记部门已受理该合同房产的转移登记申请：手册8.1写的是登记部门未受理转移登记申请时，买卖双方经协商一致的，"
        "可线上申请注销备案或网签，所以这种情况不能线上申请。受理之后能否到住房公积金管理中心现场申请"
        "（8.2注意没有写这一条件）、还能怎样处理，手册都没有写；请咨询不动产登记中心或拨打12345（手册8.1、8.2）。",
        "The registration department has accepted the transfer registration of this property: manual 8.1 "
        "lets the parties apply online to cancel the filing or the net-signing when the registration "
        "department has not accepted it, so an online application is not possible now. Whether one can still "
        "apply on site at the provident fund centre (住房公积金管理中心) (the note of 8.2 does not state this "
        "condition), or what else can be done, the manual does not say: ask the real estate registration "
        "centre (不动产登记中心) or 12345 (manual 8.1, 8.2).",
    ),
    "filed_no_basis": (
        "手册写了两种申请注销已备案合同网签或备案的情形：买卖双方经协商一致的，可线上申请（手册8.1），"
        "也可预约后到住房公积金管理中心现场申请；其中一方持已生效的法律文书等材料的，可预约后到住房公积金管理中心"
        "现场申请（手册8.2注意）。两者都不具备时怎么办，手册没有写；请拨打12345或咨询住房公积金管理中心。",
        "The manual gives two situations for cancelling the net-signing or the filing of a filed contract: "
        "both parties agree — apply online (manual 8.1) or on site at the provident fund centre "
        "(住房公积金管理中心) after an appointment; or one party holds an effective legal document or similar "
        "materials — on site after an appointment (manual 8.2, note). The manual does not say what can be "
        "done when neither is the case: ask 12345 or the 住房公积金管理中心.",
    ),
    "channel_online_and_onsite": (
        "买卖双方已协商一致：可线上申请——进入个人中心“我的二手房”，点击相应合同的“合同网签备案注销”"
        "（手册8.1、8.2.1）；也可预约后前往住房公积金管理中心现场申请（手册8.2）。",
        "Both parties agree: apply online — personal centre, 我的二手房, 合同网签备案注销 on the "
        "contract (manual 8.1, 8.2.1) — or on site at the provident fund centre "
        "(住房公积金管理中心) after an appointment (manual 8.2).",
    ),
    "channel_onsite_only": (
        "买卖双方未协商一致，不能线上申请（手册8.1：线上申请以协商一致为前提）。手册8.2注意写的是：“买卖双方经协商一致"
        "或其中一方持已生效的法律文书等材料，可在预约后前往住房公积金管理中心现场申请注销备案或注销网签”。",
        "The parties have not agreed, so no online application is possible (manual 8.1: online needs their "
        "agreement). The note of manual 8.2 says: with both parties' agreement, or with one party holding "
        "an effective legal document or similar materials, an application to cancel the filing or the "
        "net-signing may be made on site at the provident fund centre (住房公积金管理中心) after an "
        "appointment.",
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
        "修改合同其他内容：手册8.1写的是，申请注销备案的，备案信息将被撤销，撤销后可对合同部分内容进行修改后"
        "重新申请备案（注销网签则撤销备案并删除合同）。哪些内容可以修改，手册没有写，请先向住房公积金管理中心"
        "或12345确认（手册8.1）。",
        "Changing other contract content: manual 8.1 says that after 注销备案 (cancelling the filing) the "
        "filing is revoked and part of the contract's content may be edited before applying for filing "
        "again (注销网签 would revoke the filing and delete the contract). Which content may be edited the "
        "manual does not say: check with the provident fund centre (住房公积金管理中心) or 12345 first "
        "(manual 8.1).",
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
        "材料：手册8.2注意只写了“持已生效的法律文书等材料”，没有列出现场申请要带的材料。线上申请时上传的是"
        "电子证照调用授权书、注销二手房买卖合同备案申请表、注销网签备案承诺书、买卖双方解除协议"
        "（手册8.2.3、8.2.4）；现场申请需要哪些、法律文书与这些材料的关系，请在预约时向住房公积金管理中心确认"
        "（手册8.2注意）。",
        "Materials: the note of manual 8.2 only says “an effective legal document or similar materials” "
        "and lists nothing for an on-site application. Online, the uploads are the 电子证照调用授权书 "
        "(authorisation to call electronic licences), 注销二手房买卖合同备案申请表 (application form), "
        "注销网签备案承诺书 (commitment) and 买卖双方解除协议 (termination agreement) (manual 8.2.3, 8.2.4); "
        "what is needed on site, and how the legal document relates to them, confirm with the "
        "住房公积金管理中心 when you book (manual 8.2, note).",
    ),
    "identity_documents": (
        "上传《电子证照调用授权书》后系统未自动获取电子证照信息，或当事人未签署授权书的，"
        "需手动上传有效的身份证明材料（手册8.2.3）。",
        "If the system cannot fetch a party's electronic licences after the authorisation is "
        "uploaded, or a party has not signed it, valid identity documents must be uploaded by hand "
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
            ("unfiled_case2", "case2_gaps"),
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
