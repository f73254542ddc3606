"""Who the parties are: their documents and whether they can sign online.

Manual 5.3.1 / 5.4.1 (选择合同签署方式, 填写买方信息, 填写卖方信息).  The manual
reuses the numbers 5.2.2.x for the sub-steps printed under 5.3.1; we cite 5.3.1.

>>> allowed_doc_types(AllowedDocTypesInput(role="buyer", type="individual", origin="hk")).doc_types
['hk_macau_permit']
>>> p = {"type": "individual", "origin": "mainland", "capacity": "full", "via_agent": False, "can_use_isz": True}
>>> signing_options(SigningOptionsInput.model_validate(
...     {"parties": [dict(p, role="buyer"), dict(p, role="seller")]})).online_allowed
True
"""

from __future__ import annotations

from typing import Literal, get_args

from ._base import RuleInput, RuleOutput, invalid_input, rule
from .codes import DOC_TYPE_NAMES, ORIGIN_NAMES, Capacity, DocType, Origin, PartyType, Role

_ORGS = ("enterprise", "other_org")

# 5.3.1 填写买方信息 / 5.4.1: a buyer's document type is fixed by where the buyer is from.
_BUYER_DOCS: dict[str, list[DocType]] = {
    "mainland": ["resident_id", "officer_id"],
    "hk": ["hk_macau_permit"],
    "macau": ["hk_macau_permit"],
    "taiwan": ["taiwan_permit"],
    "foreign": ["passport"],
}
# The manual's own words for them ("只能选择身份证或军官证"), shown instead of the codes' names.
_BUYER_DOC_WORDS: dict[str, str] = {
    "mainland": "身份证或军官证",
    "hk": "港澳居民来往内地通行证",
    "macau": "港澳居民来往内地通行证",
    "taiwan": "台湾居民来往大陆通行证",
    "foreign": "护照",
}
# 5.3.1 填写卖方信息: the seller's fields come from the title certificate.  The manual lists no
# document types for a seller; these lists are the codes fixed by the rules spec (rules-api.md,
# allowed_doc_types) and are not shown to the user as the manual's words (the message says the
# manual has no such list).
_SELLER_DOCS: dict[str, list[DocType]] = {
    "mainland": ["resident_id", "officer_id"],
    "hk": ["hk_id", "hk_macau_permit", "hkmt_residence_permit", "passport"],
    "macau": ["macau_id", "hk_macau_permit", "hkmt_residence_permit", "passport"],
    "taiwan": ["taiwan_permit", "hkmt_residence_permit", "passport"],
    "foreign": ["passport", "foreign_permanent_id"],
}

MESSAGES = {
    "buyer": (
        "{who}买方的证件类型只能选择：{docs}（手册5.3.1、5.4.1 填写买方信息）。",
        "A buyer who is {who_en} can only use: {docs_en} (manual 5.3.1, 5.4.1, buyer information).",
    ),
    "buyer_org": (
        "买方为企业或其他组织：手册5.3.1、5.4.1“填写买方信息”只写了买方类型可选个人、企业和其他组织机构等，"
        "没有写企业或其他组织买方的证件类型（手册只在第1章法人注册的流程图中要求法人证件类型选择"
        "“统一社会信用代码”）。请以页面上的选项为准，有疑问请拨打12345。",
        "A buyer that is an enterprise or other organisation: the manual's buyer information (5.3.1, 5.4.1) "
        "only says the buyer type may be an individual, an enterprise or another organisation; it does not "
        "say which document type such a buyer uses (only the chapter-1 flowchart, for registering a legal "
        "person, requires the type 统一社会信用代码). Go by the options on the page; if unsure, call 12345.",
    ),
    "seller": (
        "卖方名称、国籍/地区、证件号码、发证地、所占份额为产权证书上的信息，不可修改；如有问题，请到不动产登记中心"
        "修改（手册5.3.1、5.4.1.3 填写卖方信息）。手册没有列出卖方的证件类型有哪些。",
        "The seller's name, nationality/region, document number, place of issue and share are the title "
        "certificate's details and cannot be edited; if something is wrong, have it corrected at the "
        "不动产登记中心 (real estate registration centre) (manual 5.3.1, 5.4.1.3, seller information). "
        "The manual does not list the document types a seller may have.",
    ),
    "seller_hk_macau": (
        "手册只写明：卖方证件号码为港澳身份证号码的，证件类型需对应地选择“港澳居民身份证”"
        "（手册5.3.1、5.4.1.3）。",
        "It only states: if the seller's document number is a Hong Kong or Macao identity card "
        "number, choose the document type “港澳居民身份证” (manual 5.3.1, 5.4.1.3).",
    ),
    "seller_org": (
        "卖方为企业或其他组织：卖方名称、证件号码等同样为产权证书上的信息，不可修改，如有问题请到不动产登记中心"
        "修改（手册5.3.1、5.4.1.3 填写卖方信息）。手册没有写企业或其他组织卖方的证件类型；有疑问请拨打12345。",
        "A seller that is an enterprise or other organisation: its name, document number and so on are the "
        "title certificate's details too and cannot be edited; corrections at the 不动产登记中心 (manual "
        "5.3.1, 5.4.1.3, seller information). The manual does not say which document type such a seller "
        "has; if unsure, call 12345.",
    ),
}

# 5.3.1 选择合同签署方式 items 1–4 (5.4.1 repeats them); one entry per reason code.
REASONS: dict[str, tuple[str, str]] = {
    "organization_party": (
        "{party}为法人或其他组织，只能线下签署（手册5.3.1 选择合同签署方式 第1种情况）。",
        "{party_en} is a legal person or other organisation, so the contract can only be signed offline "
        "(manual 5.3.1, signing method, case 1).",
    ),
    "overseas_party": (
        "{party}为境外人士（{origin}），只能线下签署（手册5.3.1 第2种情况写“买卖一方或双方”，5.4.1 只写“买方”；"
        "本助手采用较严格的5.3.1，买方或卖方为境外人士均须线下签署）。",
        "{party_en} is from outside the mainland ({origin_en}), so the contract can only be signed offline "
        "(manual 5.3.1 case 2 says “either or both parties”, 5.4.1 says “the buyer”; we follow the stricter "
        "5.3.1).",
    ),
    "incapacity": (
        "{party}为无民事行为能力人或限制民事行为能力人，只能线下签署（手册5.3.1 第3种情况）。",
        "{party_en} has no or limited civil capacity, so the contract can only be signed offline "
        "(manual 5.3.1, case 3).",
    ),
    "agent_without_esign": (
        "{party}委托代理人办理，无法使用电子签章，只能线下签署（手册5.3.1 第4种情况）。",
        "{party_en} acts through an entrusted agent and cannot use an electronic signature, so the contract "
        "can only be signed offline (manual 5.3.1, case 4).",
    ),
    "isz_unavailable": (
        "{party}无法下载i深圳APP或无法通过实人认证，只能线下签署（手册5.3.1：所有买卖双方都能下载i深圳APP"
        "并线上签署的才可选线上签署；5.3.5.1：无法实人认证的，只能选择线下签署）。",
        "{party_en} cannot install i深圳 (iShenzhen) or pass its real-person authentication, so the contract "
        "can only be signed offline (manual 5.3.1: online only when every party can sign in i深圳; "
        "5.3.5.1: whoever cannot pass the authentication signs offline).",
    ),
}


def _names(docs: list[DocType]) -> tuple[str, str]:
    return "、".join(DOC_TYPE_NAMES[d][0] for d in docs), ", ".join(DOC_TYPE_NAMES[d][1] for d in docs)


class AllowedDocTypesInput(RuleInput):
    role: Role
    type: PartyType
    origin: Origin


class AllowedDocTypes(RuleOutput):
    doc_types: list[DocType]
    message: str
    message_en: str


@rule("allowed_doc_types", AllowedDocTypesInput)
def allowed_doc_types(inp: AllowedDocTypesInput) -> AllowedDocTypes:
    """The document types a buyer or seller may carry (manual 5.3.1 / 5.4.1).

    Buyers' lists are the manual's (填写买方信息); the sellers' and the organisations' are the spec's
    codes, and their messages say the manual has no such list.

    >>> allowed_doc_types(AllowedDocTypesInput(role="seller", type="individual", origin="hk")).doc_types
    ['hk_id', 'hk_macau_permit', 'hkmt_residence_permit', 'passport']
    >>> allowed_doc_types(AllowedDocTypesInput(role="buyer", type="enterprise", origin="foreign")).doc_types
    ['uscc']
    """
    if inp.type in _ORGS:
        zh, en = MESSAGES["buyer_org" if inp.role == "buyer" else "seller_org"]
        return AllowedDocTypes(doc_types=["uscc"], message=zh, message_en=en)
    who, who_en = ORIGIN_NAMES[inp.origin]
    if inp.role == "buyer":
        docs = _BUYER_DOCS[inp.origin]
        names_en = _names(docs)[1]
        zh = MESSAGES["buyer"][0].format(who=who, docs=_BUYER_DOC_WORDS[inp.origin])
        en = MESSAGES["buyer"][1].format(who_en=who_en, docs_en=names_en)
    else:
        # the manual lists no seller document types: the message names none (see _SELLER_DOCS)
        docs = _SELLER_DOCS[inp.origin]
        zh, en = MESSAGES["seller"]
    if inp.role == "seller" and inp.origin in ("hk", "macau"):
        extra_zh, extra_en = MESSAGES["seller_hk_macau"]
        zh += extra_zh
        en += " " + extra_en
    return AllowedDocTypes(doc_types=docs, message=zh, message_en=en)


class Party(RuleInput):
    role: Role
    type: PartyType
    origin: Origin
    capacity: Capacity
    via_agent: bool
    can_use_isz: bool


class SigningOptionsInput(RuleInput):
    parties: list[Party]


ReasonCode = Literal[
    "organization_party", "overseas_party", "incapacity", "agent_without_esign", "isz_unavailable"
]
REASON_CODES: tuple[ReasonCode, ...] = get_args(ReasonCode)
#: The manual's sections behind each reason (the reasons' own output carries none): 5.3.1 选择合同签署方式
#: cases 1–4, 5.4.1 repeating case 2, 5.3.5.1 on whoever cannot pass i深圳's authentication.
REASON_SECTIONS: dict[str, tuple[str, ...]] = {
    "organization_party": ("5.3.1",),
    "overseas_party": ("5.3.1", "5.4.1"),
    "incapacity": ("5.3.1",),
    "agent_without_esign": ("5.3.1",),
    "isz_unavailable": ("5.3.1", "5.3.5.1"),
}
#: Where signing_options and allowed_doc_types rest as a whole (填写合同条款, online and offline).
SIGNING_OPTIONS_SECTIONS: tuple[str, ...] = ("5.3.1", "5.4.1")
DOC_TYPE_SECTIONS: tuple[str, ...] = ("5.3.1", "5.4.1")


class Reason(RuleOutput):
    code: ReasonCode
    party_index: int
    message: str
    message_en: str


class SigningOptions(RuleOutput):
    online_allowed: bool
    reasons: list[Reason]


def _reason_codes(party: Party) -> list[ReasonCode]:
    codes: list[ReasonCode] = []
    if party.type in _ORGS:
        codes.append("organization_party")
    if party.origin != "mainland":
        codes.append("overseas_party")
    if party.capacity != "full":
        codes.append("incapacity")
    if party.via_agent:
        codes.append("agent_without_esign")
    if not party.can_use_isz:
        codes.append("isz_unavailable")
    return codes


@rule("signing_options", SigningOptionsInput)
def signing_options(inp: SigningOptionsInput) -> SigningOptions:
    """Whether the contract may be signed online (manual 5.3.1 / 5.4.1 选择合同签署方式).

    Online only when no reason applies; one reason per (code, party), parties in order.

    >>> hk = Party(role="buyer", type="individual", origin="hk", capacity="full", via_agent=False, can_use_isz=True)
    >>> co = Party(role="seller", type="enterprise", origin="mainland", capacity="full", via_agent=False,
    ...            can_use_isz=True)
    >>> [(r.code, r.party_index) for r in signing_options(SigningOptionsInput(parties=[hk, co])).reasons]
    [('overseas_party', 0), ('organization_party', 1)]
    """
    roles = {p.role for p in inp.parties}
    if roles != {"buyer", "seller"}:
        raise invalid_input("至少需要一名买方和一名卖方", "at least one buyer and one seller are required")
    counts = {"buyer": 0, "seller": 0}
    reasons: list[Reason] = []
    for index, party in enumerate(inp.parties):
        counts[party.role] += 1
        label = f"{'买方' if party.role == 'buyer' else '卖方'}{counts[party.role]}"
        label_en = f"{party.role.capitalize()} {counts[party.role]}"
        origin, origin_en = ORIGIN_NAMES[party.origin]
        for code in _reason_codes(party):
            zh, en = REASONS[code]
            reasons.append(
                Reason(
                    code=code,
                    party_index=index,
                    message=zh.format(party=label, origin=origin),
                    message_en=en.format(party_en=label_en, origin_en=origin_en),
                )
            )
    return SigningOptions(online_allowed=not reasons, reasons=reasons)
