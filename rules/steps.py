"""The steps of a contract, in order (manual 5.3 / 5.4 流程, 5.3.4 / 5.4.4 注意, 5.4.5.1).

>>> [s.code for s in contract_steps(ContractStepsInput(
...     usage="non_residential", signing="online", filing_required=True, overseas_party=False)).steps]
['title_check', 'fill_terms', 'generate_text', 'commitment_letter', 'esign', 'filing']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from ._base import RuleInput, RuleOutput, invalid_input, rule
from .codes import Signing, Usage

StepCode = Literal[
    "title_check",
    "fill_terms",
    "generate_text",
    "buyer_qualification",
    "commitment_letter",
    "esign",
    "offline_sign_upload",
    "foreign_notarization",
    "filing",
    "download_print",
    "transfer_registration",
]

# code -> (title, section when signing online, section when signing offline)
STEPS: dict[str, tuple[str, str, str]] = {
    "title_check": ("房屋产权校验", "5.2", "5.2"),
    "fill_terms": ("填写合同条款（签署方式、买方信息、卖方信息、合同条款）", "5.3.1", "5.4.1"),
    "generate_text": ("生成合同示范文本", "5.3.2", "5.4.2"),
    "buyer_qualification": ("买方申请购房资格审查（由买方登录信息平台申请）", "5.3.3", "5.4.3"),
    "commitment_letter": ("下载并上传承诺书（买卖双方签署后，卖方上传PDF）", "5.3.4", "5.3.4"),
    "esign": ("买卖双方i深圳电子签署（合同状态为已签署才算完成）", "5.3.5.1", "5.3.5.1"),
    "offline_sign_upload": ("下载合同、承诺书，买卖双方签署后上传", "5.4.4", "5.4.4"),
    "foreign_notarization": ("涉外合同公证（备案前下载打印合同，到公证处办理）", "5.4.5.1", "5.4.5.1"),
    "filing": (
        "上传备案材料并提交合同备案（备案后到深圳市不动产登记中心办理转移登记，不在本系统内）",
        "5.3.5.2",
        "5.4.5",
    ),
    "download_print": ("在线下载并打印合同（无需办理合同备案）", "5.3.4", "5.4.4"),
    "transfer_registration": ("到不动产登记中心办理转移登记", "5.3.4", "5.4.4"),
}


class ContractStepsInput(RuleInput):
    usage: Usage
    signing: Signing
    filing_required: bool
    overseas_party: bool


class Step(RuleOutput):
    code: StepCode
    title: str
    section: str


class ContractSteps(RuleOutput):
    steps: list[Step]


def _codes(inp: ContractStepsInput) -> list[StepCode]:
    codes: list[StepCode] = ["title_check", "fill_terms", "generate_text"]
    if not inp.filing_required:
        # 5.3.4 / 5.4.4 注意: industrial buildings and enterprise-to-enterprise existing
        # non-residential property print the contract and go to the registration centre.
        return [*codes, "download_print", "transfer_registration"]
    if inp.usage == "residential":
        codes.append("buyer_qualification")
    if inp.signing == "online":
        codes += ["commitment_letter", "esign"]
    else:
        codes.append("offline_sign_upload")
        if inp.overseas_party:
            codes.append("foreign_notarization")
    codes.append("filing")
    return codes


_LEGAL_ENTITIES = frozenset({"enterprise", "other_org"})


#: Where filing_required rests: the 注意 of 5.3.4 / 5.4.4 (no filing for industrial buildings and
#: non-residential property between enterprises).
FILING_REQUIRED_SECTIONS: tuple[str, ...] = ("5.3.4", "5.4.4")


def filing_required(
    usage: str, industrial: bool, seller_types: Iterable[str], buyer_types: Iterable[str]
) -> bool:
    """Whether the contract must be filed (manual 5.3.4 / 5.4.4 注意; platform-api.md).

    The manual lets industrial buildings and existing non-residential property traded
    between enterprises skip filing ("工业楼宇或企业之间的存量非住宅等"); the platform
    contract reads "between enterprises" as enterprise or other organisation on both
    sides. A residential sale is always filed.

    >>> filing_required("residential", False, ["individual"], ["individual"])
    True
    >>> filing_required("non_residential", True, ["individual"], ["individual"])
    False
    >>> filing_required("non_residential", False, ["enterprise"], ["other_org", "enterprise"])
    False
    >>> filing_required("non_residential", False, ["enterprise"], ["enterprise", "individual"])
    True
    >>> filing_required("non_residential", False, [], ["enterprise"])
    True
    """
    if usage != "non_residential":
        return True
    if industrial:
        return False
    sellers, buyers = list(seller_types), list(buyer_types)
    legal_on_both_sides = (
        bool(sellers) and bool(buyers) and all(t in _LEGAL_ENTITIES for t in [*sellers, *buyers])
    )
    return not legal_on_both_sides


@rule("contract_steps", ContractStepsInput)
def contract_steps(inp: ContractStepsInput) -> ContractSteps:
    """The contract's steps in order, each with the manual heading it rests on.

    >>> [s.section for s in contract_steps(ContractStepsInput(
    ...     usage="residential", signing="offline", filing_required=True, overseas_party=True)).steps]
    ['5.2', '5.4.1', '5.4.2', '5.4.3', '5.4.4', '5.4.5.1', '5.4.5']
    """
    if inp.signing == "online" and inp.overseas_party:
        raise invalid_input(
            "有境外当事人时只能线下签署（手册5.3.1 选择合同签署方式 第2种情况）",
            "a party from outside the mainland means offline signing (manual 5.3.1, case 2)",
        )
    if inp.usage == "residential" and not inp.filing_required:
        raise invalid_input(
            "住宅必须办理合同备案：手册只对工业楼宇和企业间存量非住宅免于备案（5.3.4、5.4.4 注意）",
            "a residential sale must be filed: the manual exempts only industrial buildings and "
            "enterprise-to-enterprise non-residential property (5.3.4, 5.4.4 note)",
        )
    column = 1 if inp.signing == "online" else 2
    return ContractSteps(
        steps=[Step(code=c, title=STEPS[c][0], section=STEPS[c][column]) for c in _codes(inp)]
    )
