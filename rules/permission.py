"""Who may do what on a contract: buyer, seller or the hall's counter staff.

Manual sections: 5.3.3 / 5.4.3 (由买方登录到信息平台申请购房资格审查), 5.3.4
(合同录入人（卖方） downloads and uploads the commitment letter; 买卖双方 download
and print the contract when no filing is needed), 5.3.5.2 / 5.4.5 (备案材料由卖方
或公积金服务厅窗口人员上传，买方只可查看), 5.4.4 (offline: download, sign and upload
the contract and commitment letter), 5.4.5.1 (foreign-related notarisation), 6.2
(我的二手房: 查看 for both parties; the seller edits an unfiled contract, the buyer
only views it; either applies to cancel a filed contract; 注销 before filing by
agreement), 7 (the buyer voids the 购房资格码; the other party confirms a
cancellation) and 8.2.7 (each party uploads cancellation materials; either submits).

:data:`GRANTS` is the whole table: action -> the roles it is granted to, on which
contracts (unfiled, filed or either) and the manual section.  Anything not in it
is refused, and the refusal says who may do it instead and on which contracts.
Whether the contract's *status* allows the action now is :mod:`rules.lifecycle`'s
question, not this rule's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from ._base import RuleInput, RuleOutput, rule
from .codes import ROLE_NAMES

Action = Literal[
    "view",
    "edit_terms",
    "upload_filing_materials",
    "submit_filing",
    "apply_cancel",
    "confirm_cancel",
    "upload_cancel_materials",
    "submit_cancel",
    "generate",
    "print",
    "apply_qualification",
    "void_qualification",
    "upload_commitment",
    "send_for_signing",
    "offline_upload",
    "upload_notarization",
]
PermissionRole = Literal["buyer", "seller", "counter_staff"]
Filedness = Literal["unfiled", "filed", "either"]

ACTIONS: tuple[Action, ...] = get_args(Action)
PERMISSION_ROLES: tuple[PermissionRole, ...] = get_args(PermissionRole)


@dataclass(frozen=True)
class Grant:
    """``roles`` may do the action on contracts that are ``when``; the manual says so in ``section``."""

    roles: frozenset[PermissionRole]
    when: Filedness
    section: str


def _g(when: Filedness, section: str, *roles: PermissionRole) -> Grant:
    return Grant(frozenset(roles), when, section)


# action -> its grants.  The first grant's section is cited in refusals.
GRANTS: dict[Action, tuple[Grant, ...]] = {
    "view": (_g("either", "6.2", "buyer", "seller"), _g("either", "5.3.5.2", "counter_staff")),
    "edit_terms": (_g("unfiled", "6.2", "seller"),),
    "upload_filing_materials": (_g("unfiled", "5.3.5.2", "seller", "counter_staff"),),
    "submit_filing": (_g("unfiled", "5.3.5.2", "seller", "counter_staff"),),
    "apply_cancel": (_g("either", "6.2", "buyer", "seller"),),
    "confirm_cancel": (_g("either", "7", "buyer", "seller"),),
    "upload_cancel_materials": (_g("either", "8.2.7", "buyer", "seller"),),
    "submit_cancel": (_g("either", "8.2.7", "buyer", "seller"),),
    "generate": (_g("unfiled", "5.3.4", "seller"),),
    "print": (_g("either", "5.3.4", "buyer", "seller"),),
    "apply_qualification": (_g("unfiled", "5.3.3", "buyer"),),
    "void_qualification": (_g("unfiled", "7", "buyer"),),
    "upload_commitment": (_g("unfiled", "5.3.4", "seller"),),
    "send_for_signing": (_g("unfiled", "5.3.4", "seller"),),
    "offline_upload": (_g("unfiled", "5.4.4", "seller"),),
    "upload_notarization": (_g("unfiled", "5.4.5.1", "seller"),),
}

ACTION_NAMES: dict[Action, tuple[str, str]] = {
    "view": ("查看合同", "view the contract"),
    "edit_terms": ("编辑合同条款", "edit the contract terms"),
    "upload_filing_materials": ("上传备案材料", "upload the filing materials"),
    "submit_filing": ("提交备案申请", "submit the filing application"),
    "apply_cancel": ("申请注销网签或备案", "apply to cancel the net-signing or the filing"),
    "confirm_cancel": ("确认注销网签（注销合同确认）", "confirm a cancellation (注销合同确认)"),
    "upload_cancel_materials": ("上传合同网签备案注销材料", "upload the cancellation materials"),
    "submit_cancel": ("提交注销审核", "submit the cancellation for review"),
    "generate": ("生成合同示范文本", "generate the model contract text"),
    "print": ("下载打印合同", "download and print the contract"),
    "apply_qualification": ("申请购房资格审查", "apply for the purchase qualification review"),
    "void_qualification": ("作废购房资格码", "void the purchase qualification code (购房资格码)"),
    "upload_commitment": ("上传承诺书", "upload the commitment letter"),
    "send_for_signing": ("发送买卖双方电子签署", "send the contract for both parties' e-signature"),
    "offline_upload": ("上传经签署的合同、承诺书", "upload the signed contract and commitment letter"),
    "upload_notarization": ("上传涉外合同公证材料", "upload the foreign-related contract notarisation"),
}

# Which contracts a grant covers, as a phrase: (zh, en).
WHEN_PHRASES: dict[Filedness, tuple[str, str]] = {
    "unfiled": ("对在途未备案合同", " on an unfiled contract (在途未备案合同)"),
    "filed": ("对已备案合同", " on a filed contract"),
    "either": ("", ""),
}

# code -> (Chinese, English) templates.  All texts of this module live here.
MESSAGES: dict[str, tuple[str, str]] = {
    "allowed": (
        "{role}可以{when}{action}（手册{section}）。",
        "The {role} may {action}{when} (manual {section}).",
    ),
    "refused_role": (
        "{role}不能{action}：只有{who}可以{when}{action}（手册{section}）。",
        "The {role} may not {action}: only the {who} may{when_bare} (manual {section}).",
    ),
    "refused_filed": (
        "合同已备案，{role}不能再{action}：{who}只能对在途未备案合同{action}（手册{section}）。",
        "The contract is filed, so the {role} may no longer {action}: the {who} may do so only "
        "on an unfiled contract (在途未备案合同) (manual {section}).",
    ),
    "refused_unfiled": (
        "合同尚未备案，{role}不能{action}：{who}只能对已备案合同{action}（手册{section}）。",
        "The contract is not filed, so the {role} may not {action}: the {who} may do so only on a "
        "filed contract (manual {section}).",
    ),
    # Refusals the manual words itself: (role, action, filed) -> text.
    "buyer_views_only_terms": (
        "买方对在途未备案合同只能查看，不能修改；合同条款由卖方编辑（手册6.2）。",
        "On an unfiled contract (在途未备案合同) the buyer may only view, not change it; the seller "
        "edits the contract terms (manual 6.2).",
    ),
    "buyer_views_only_filing": (
        "在途未备案合同的备案材料由卖方或公积金服务厅窗口人员上传，买方只可查看（手册5.3.5.2）。",
        "The filing materials of an unfiled contract are uploaded by the seller or the provident fund hall's counter "
        "staff; the buyer may only view them (manual 5.3.5.2).",
    ),
    # Extra advice appended to a refusal: (action, filed) -> text.
    "hint_edit_filed": (
        "如需修改已备案合同，买卖双方可申请注销备案：备案撤销后可修改合同部分内容并重新申请备案；"
        "修改买方身份信息或增减买方则须注销网签后重新网签（手册6.2、8.1）。",
        "To change a filed contract, the parties may apply to cancel the filing (注销备案): once it "
        "is revoked, parts of the contract can be edited and filed again; changing the buyer's "
        "identity or adding or removing buyers needs 注销网签 and a new contract (manual 6.2, 8.1).",
    ),
    "hint_counter_cancel": (
        "注销网签或备案须由买卖双方在个人中心“我的二手房”申请，或预约后到住房公积金管理中心现场申请（手册6.2、8.2）。",
        "A cancellation is applied for by the buyer or the seller under 我的二手房 in the personal "
        "centre, or on site at the provident fund centre (住房公积金管理中心) after an appointment "
        "(manual 6.2, 8.2).",
    ),
}

_OVERRIDES: dict[tuple[str, str, bool], str] = {
    ("buyer", "edit_terms", False): "buyer_views_only_terms",
    ("buyer", "upload_filing_materials", False): "buyer_views_only_filing",
}
# (role or None for any, action, filed or None for either) -> hint code.
_HINTS: dict[tuple[str | None, str, bool | None], str] = {
    (None, "edit_terms", True): "hint_edit_filed",
    ("counter_staff", "apply_cancel", None): "hint_counter_cancel",
}


class PermissionInput(RuleInput):
    role: PermissionRole
    filed: bool
    action: Action


class PermissionOutput(RuleOutput):
    allowed: bool
    message: str
    message_en: str
    section: str


def _covers(grant: Grant, filed: bool) -> bool:
    return grant.when == "either" or (grant.when == "filed") == filed


def _who(roles: frozenset[PermissionRole], lang: int) -> str:
    names = [ROLE_NAMES[r][lang] for r in PERMISSION_ROLES if r in roles]
    return ("或" if lang == 0 else " or the ").join(names)


def _format(code: str, **fields: tuple[str, str]) -> tuple[str, str]:
    zh, en = MESSAGES[code]
    return (
        zh.format(**{k: v[0] for k, v in fields.items()}),
        en.format(**{k: v[1] for k, v in fields.items()}),
    )


def _hint(role: str, action: str, filed: bool) -> tuple[str, str] | None:
    for key in ((role, action, filed), (None, action, filed), (role, action, None), (None, action, None)):
        if key in _HINTS:
            return MESSAGES[_HINTS[key]]
    return None


@rule("permission", PermissionInput)
def permission(inp: PermissionInput) -> PermissionOutput:
    """May ``role`` do ``action`` on a filed / unfiled contract (manual 5.3.3–5.4.5.1, 6.2, 7, 8.2.7)?

    >>> permission(PermissionInput(role="seller", filed=False, action="edit_terms")).allowed
    True
    >>> out = permission(PermissionInput(role="buyer", filed=False, action="edit_terms"))
    >>> out.allowed, out.section
    (False, '6.2')
    >>> out.message
    '买方对在途未备案合同只能查看，不能修改；合同条款由卖方编辑（手册6.2）。'
    >>> permission(PermissionInput(role="buyer", filed=True, action="apply_cancel")).allowed
    True
    >>> permission(PermissionInput(role="counter_staff", filed=True, action="apply_cancel")).allowed
    False
    """
    grants = GRANTS[inp.action]
    role_n = ROLE_NAMES[inp.role]
    action_n = ACTION_NAMES[inp.action]
    for grant in grants:
        if inp.role in grant.roles and _covers(grant, inp.filed):
            zh, en = _format(
                "allowed",
                role=role_n,
                action=action_n,
                when=WHEN_PHRASES[grant.when],
                section=(grant.section, grant.section),
            )
            return PermissionOutput(allowed=True, message=zh, message_en=en, section=grant.section)

    own = [g for g in grants if inp.role in g.roles]
    grant = own[0] if own else grants[0]
    section = (grant.section, grant.section)
    override = _OVERRIDES.get((inp.role, inp.action, inp.filed))
    if override:
        zh, en = MESSAGES[override]
    elif own:
        # The role is right but the contract is filed (or not yet filed).
        code = "refused_filed" if inp.filed else "refused_unfiled"
        zh, en = _format(code, role=role_n, action=action_n, who=role_n, section=section)
    else:
        roles = frozenset(r for g in grants for r in g.roles)
        who = (_who(roles, 0), _who(roles, 1))
        when = WHEN_PHRASES[grant.when]
        zh, en = _format(
            "refused_role",
            role=role_n,
            action=action_n,
            who=who,
            when=when,
            when_bare=(when[0], f" do so{when[1]}"),
            section=section,
        )
    hint = _hint(inp.role, inp.action, inp.filed)
    if hint:
        zh, en = zh + hint[0], f"{en} {hint[1]}"
    return PermissionOutput(allowed=False, message=zh, message_en=en, section=grant.section)
