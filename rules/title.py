"""Title check (房屋产权校验) and the real-name level of the login account.

Manual sections: chapter 1 (用户注册; the flowchart's note on 实名核验 四级及以上 and
1.3.1 法人添加经办人), chapter 2 (用户实名), chapter 3 (业主委托代理人办理关联业务),
chapter 4 (用户登录信息平台, 4.2.2 经办人登录（机构）), 5.2.1.1 权利人（个人）身份验证,
5.2.1.2 权利人（机构）身份验证, 5.2.1.3 房屋校验, 5.2.2 界面操作, and 5.3.5.1 (i深圳
实人认证, for the ``esign`` purpose of :func:`realname_level`).

Where the manual is not uniform on the login method (5.2.2 校验按钮 item 1 says
online real-name users scan with 粤省事; the flowcharts of 5.2.1.1 and 5.2.1.2 allow
粤省事 or a digital certificate), the flowcharts are followed, as the spec says.

>>> out = title_check(TitleCheckInput(**{**_DOCTEST_OK, "property_status": "sealed"}))
>>> out.result, [b.code for b in out.blockers]
('blocked', ['property_status'])
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ._base import RuleInput, RuleOutput, rule
from .codes import DOC_TYPE_NAMES, OVERSEAS_DOC_TYPES, DocType
from .ids import normalize
from .text import strip_spaces, to_simplified

LoginIdentity = Literal["owner", "other"]
Realname = Literal["online", "onsite"]
LoginMethod = Literal["yss_scan", "digital_cert", "password"]
PropertyStatus = Literal["valid", "mortgaged", "sealed", "cancelled", "other"]
TitleResult = Literal["pass", "blocked", "pending_review"]
FindingCode = Literal[
    "blacklisted",
    "level_too_low",
    "login_method",
    "sms_required",
    "institution_card",
    "agent_not_linked",
    "name_mismatch",
    "name_script_mismatch",
    "id_mismatch",
    "id_editable",
    "property_status",
    "split_certificate",
    "restriction_review",
]
Purpose = Literal["title_check", "add_agent", "esign"]
#: an account's real-name verification, as the platform keeps it (``none``: never verified)
AccountRealname = Literal["online", "onsite", "none"]

# --------------------------------------------------------------------------- texts

#: The ways to raise the account to 四级: the first three are the chapter 1
#: flowchart's words, the fourth is 5.2.1.1 item 3's on-site verification.
REALNAME_METHODS: tuple[str, ...] = (
    "粤省事扫码",
    "个人网银证书核验",
    "个人CA证书核验",
    "办事大厅现场实名核验",
)

_HELP_URL = "http://www.gdzwfw.gov.cn/portal/help/rc-lobby-scene-licenses.html"
_LEVEL_ZH = ("零", "一", "二", "三", "四", "五")

_RAISE_LEVEL_ZH = (
    "登录广东省统一身份认证平台进行实名核验，通过粤省事扫码、个人网银证书核验或个人CA证书核验把账号"
    "可信等级提升到四级或以上（手册第1章流程图）；线上无法完成的，携带资料到省统办事大厅现场实名核验"
    f"（手册5.2.1.1第3条）。实名核验帮助指南：{_HELP_URL}，或电话咨询12345（手册第2章）。"
)
_RAISE_LEVEL_EN = (
    "verify your identity on the 广东省统一身份认证平台 (Guangdong unified identity authentication platform) "
    "by 粤省事扫码 (Yueshengshi scan), 个人网银证书核验 (personal online-banking certificate) "
    "or 个人CA证书核验 (personal CA certificate) to reach level 4 or above (manual ch. 1 flowchart); "
    "if that cannot be done online, bring your documents to the provincial 办事大厅 (service hall) "
    f"for on-site verification (manual 5.2.1.1 item 3). Help guide: {_HELP_URL}, "
    "or call 12345 (manual ch. 2)."
)

#: key -> (code, message zh, message en, next_step zh, section).  ``{...}`` fields are
#: filled in by :func:`_finding`.
_FINDINGS: dict[str, tuple[FindingCode, str, str, str, str]] = {
    "blacklisted": (
        "blacklisted",
        "业主已被纳入黑名单，不能进行房屋产权校验（手册5.2.1.1第1条）。",
        "The owner is on the blacklist and cannot pass the title check (manual 5.2.1.1 item 1).",
        "手册没有说明黑名单的处理办法，请电话咨询12345或向住房公积金管理中心咨询。",
        "5.2.1.1",
    ),
    "level_too_low": (
        "level_too_low",
        "当前登录账号的实名等级为{level_zh}级：业主或代理人的广东省统一身份认证平台账号等级需达四级或以上"
        "才能进行房屋产权校验（手册5.2.1.1第2条）。",
        "The logged-in account's real-name level is {level}: the owner's or agent's account on the "
        "广东省统一身份认证平台 must be level 4 (四级) or above for the title check (manual 5.2.1.1 item 2).",
        _RAISE_LEVEL_ZH,
        "5.2.1.1",
    ),
    "level_too_low_institution": (
        "level_too_low",
        "机构经办人账号的实名等级为{level_zh}级：机构经办人的广东省统一身份认证平台账号等级需达四级或以上"
        "才能进行房屋产权校验（手册5.2.1.2第1条）。",
        "The institution's 经办人 (handling agent) account is at real-name level {level}: it must be level 4 "
        "(四级) or above on the 广东省统一身份认证平台 for the title check (manual 5.2.1.2 item 1).",
        _RAISE_LEVEL_ZH + "经办人无法完成实名核验的，由法人在广东省统一身份认证平台重新添加授权可以实名核验的"
        "经办人（手册5.2.1.2流程图、1.3.1）。",
        "5.2.1.2",
    ),
    "login_method_online": (
        "login_method",
        "线上实名核验的用户须通过粤省事扫码或数字证书方式登录广东省统一身份认证平台才能进行房屋产权校验"
        "（手册{section}流程图；5.2.2校验按钮第1条）；账号和密码方式登录只适用于在办事大厅现场实名核验的用户。",
        "Users verified online must log in to the 广东省统一身份认证平台 by 粤省事 (Yueshengshi) scan or a "
        "digital certificate for the title check (manual {section} flowchart; 5.2.2 校验按钮 item 1); "
        "account-and-password login is only for users verified on site at the service hall.",
        "退出后，在深圳市房地产信息平台右上角点击【登录】，跳转到广东省统一身份认证平台，选择粤省事扫码"
        "（或数字证书）方式重新登录，再进行房屋产权校验（手册第4章）。",
        "5.2.1.1",
    ),
    "login_method_agent": (
        "login_method",
        "代理人须本人通过粤省事扫脸（或数字证书）方式登录广东省统一身份认证平台进行房屋产权校验，"
        "不能用账号和密码方式登录（手册5.2.1.1第4条及流程图）。",
        "An agent must log in to the 广东省统一身份认证平台 personally by 粤省事 (Yueshengshi) face scan "
        "(or a digital certificate) for the title check, not by account and password "
        "(manual 5.2.1.1 item 4 and flowchart).",
        "退出后，代理人在深圳市房地产信息平台右上角点击【登录】，跳转到广东省统一身份认证平台，用粤省事扫码"
        "（或数字证书）方式重新登录，再进行房屋产权校验（手册第4章、5.2.1.1第4条）。",
        "5.2.1.1",
    ),
    "password_login_not_onsite": (
        "login_method",
        "账号和密码方式登录只适用于在办事大厅现场实名核验的用户；线上实名核验的用户请用粤省事扫码"
        "或数字证书登录（手册5.2.1.1、5.2.2）。",
        "Account-and-password login is only for users verified on site at the service hall; users "
        "verified online log in by 粤省事 (Yueshengshi) scan or a digital certificate (manual 5.2.1.1, 5.2.2).",
        "在广东省统一身份认证平台选择粤省事扫码（或数字证书）方式登录（手册第4章）。",
        "5.2.1.1",
    ),
    "password_login_sms": (
        "sms_required",
        "账号和密码方式登录须输入发送到注册手机号的短信验证码（先调用 sms/send）（手册5.2.1.1第3条）。",
        "Account-and-password login needs the SMS verification code sent to the registered mobile "
        "number (call sms/send first) (manual 5.2.1.1 item 3).",
        "获取发送到注册手机号的短信验证码，连同账号和密码一起登录（手册5.2.1.1第3条）。",
        "5.2.1.1",
    ),
    "sms_required": (
        "sms_required",
        "在办事大厅现场实名核验、通过账号和密码方式登录的，进行房屋产权校验时须输入手机短信验证码以确认"
        "本人身份，手机号为用户注册手机号（手册{section}第{item}条；5.2.2校验按钮第2条）。",
        "Users verified on site who log in with account and password must enter the SMS verification code "
        "sent to their registered mobile number to confirm their identity for the title check "
        "(manual {section} item {item}; 5.2.2 校验按钮 item 2).",
        "按页面提示获取发送到广东省统一身份认证平台注册手机号的手机短信验证码，输入后再点击校验"
        "（手册{section}流程图）。",
        "5.2.1.1",
    ),
    "institution_card": (
        "institution_card",
        "法人或其他组织交易房产的，由机构经办人登录，登录时须选择机构卡片，不要选个人"
        "（手册5.2.1.2流程图、4.2.2）。",
        "When a legal person or other organisation sells, its 经办人 (handling agent) logs in and must "
        "choose the institution card, not the personal one (manual 5.2.1.2 flowchart, 4.2.2).",
        "退出后重新登录广东省统一身份认证平台，在身份卡片中选择机构卡片（不要选个人），再进行房屋产权校验"
        "（手册4.2.2、5.2.1.2）。",
        "5.2.1.2",
    ),
    "agent_not_linked": (
        "agent_not_linked",
        "“当前登录用户身份”选择“其他”（代理人）的，须经公证或认证授权，且已到住房公积金管理中心房屋交易"
        "业务网点办理了账号关联房产信息的业务（手册5.2.2当前登录用户身份；第3章）。",
        "With 当前登录用户身份 set to 其他 (agent), the agent must hold a notarised or authenticated "
        "authorisation and have the account linked to the property at a 住房公积金管理中心房屋交易业务网点 "
        "(provident fund centre housing transaction outlet) (manual 5.2.2; chapter 3).",
        "第一步：业主到公证处办理委托公证；第二步：代理人携带公证委托书和《账号关联房产信息申请表》等材料到"
        "住房公积金管理中心房屋交易业务网点办理关联业务；第三步：关联成功后，代理人登录深圳市房地产信息平台"
        "进行房屋产权校验，在“当前登录用户身份”处选择“其他”（手册第3章）。申请材料的问题可向深圳市住房"
        "公积金管理中心咨询。",
        "5.2.2",
    ),
    "agent_not_linked_institution": (
        "agent_not_linked",
        "第3章的代理人账号关联房产信息业务只适用于卖方为自然人的情形；法人或其他组织交易房产的，统一由机构"
        "经办人登录，不按代理人（“其他”）办理（手册第3章、4.2.2、5.2.1.2）。",
        "The agent account linking of chapter 3 is only for sellers who are natural persons; a legal person "
        "or other organisation acts through its 经办人 (handling agent), not as 其他 (agent) "
        "(manual ch. 3, 4.2.2, 5.2.1.2).",
        "由机构经办人登录广东省统一身份认证平台并选择机构卡片（不要选个人），在“当前登录用户身份”处选择"
        "“权利人”再进行房屋产权校验；尚未授权经办人的，先由法人在广东省统一身份认证平台添加经办人"
        "（手册1.3.1、4.2.2、5.2.1.2）。",
        "3",
    ),
    "name_script_mismatch": (
        "name_script_mismatch",
        "产权证书上的权利人名称“{cert_name}”与广东省统一身份认证平台注册的姓名“{platform_name}”只差在"
        "简体/繁体，系统视为不一致：简体繁体两边也要统一（手册5.2.2权利人名称）。",
        "The 权利人名称 on the certificate ('{cert_name}') and the name registered on the "
        "广东省统一身份认证平台 ('{platform_name}') differ only in simplified/traditional characters, "
        "which still counts as a mismatch: both sides must use the same script (manual 5.2.2 权利人名称).",
        "权利人名称默认取广东省统一身份认证平台注册的姓名，页面上不可修改：请自行修改一方姓名（广东省统一身份"
        "认证平台的注册姓名或产权证书上的名称），使两边一致且简体繁体统一，再重新校验（手册5.2.2）。",
        "5.2.2",
    ),
    "name_mismatch": (
        "name_mismatch",
        "产权证书上的权利人名称“{cert_name}”与广东省统一身份认证平台注册的姓名“{platform_name}”不一致"
        "（已忽略空格；手册5.2.2权利人名称）。",
        "The 权利人名称 on the certificate ('{cert_name}') differs from the name registered on the "
        "广东省统一身份认证平台 ('{platform_name}') (spaces ignored; manual 5.2.2 权利人名称).",
        "权利人名称默认取广东省统一身份认证平台注册的姓名，页面上不可修改：请自行修改一方姓名（广东省统一身份"
        "认证平台的注册姓名或产权证书上的名称），使两边一致，再重新校验（手册5.2.2）。",
        "5.2.2",
    ),
    "id_mismatch": (
        "id_mismatch",
        "产权证书上的证件号码与广东省统一身份认证平台注册的{doc_zh}号码不一致；{doc_zh}不属于可手动修改"
        "证件号码的境外人士证件，两边必须一致（手册5.2.2权利人证件号码）。",
        "The ID number on the certificate differs from the {doc_en} number registered on the "
        "广东省统一身份认证平台; for this document type the number cannot be edited and both must match "
        "(manual 5.2.2 权利人证件号码).",
        "核对广东省统一身份认证平台注册的证件号码与产权证书上的证件号码；注册信息有误的，在广东省统一身份认证"
        "平台更正。手册没有说明其他更正办法，请电话咨询12345或向住房公积金管理中心咨询。",
        "5.2.2",
    ),
    "id_editable": (
        "id_editable",
        "广东省统一身份认证平台注册的证件类型为{doc_zh}（境外人士），产权证书上的证件号码与注册号码不一致的，"
        "两者可以不一致，权利人证件号码输入栏可以手动修改（手册5.2.2权利人证件号码，条件1、2）。",
        "The document registered on the 广东省统一身份认证平台 is a {doc_en} (a person from outside the "
        "mainland): the certificate's ID number may differ from it, and the 权利人证件号码 field may be "
        "edited (manual 5.2.2 权利人证件号码, conditions 1 and 2).",
        "在房屋产权校验页面把“权利人证件号码”输入栏手动修改成产权证书上的证件号码，再点击校验（手册5.2.2）。",
        "5.2.2",
    ),
    "property_status": (
        "property_status",
        "房屋状态为“{status_zh}”：只有房屋状态为有效、抵押的才能通过房屋产权校验（手册5.2.1.3第1条）。",
        "The property's status is {status_en}: only a status of 有效 (valid) or 抵押 (mortgaged) passes "
        "the title check (manual 5.2.1.3 item 1).",
        "手册没有说明其他房屋状态的处理办法：请电话咨询12345或向住房公积金管理中心咨询，房屋状态为有效或"
        "抵押后再进行房屋产权校验。",
        "5.2.1.3",
    ),
    "split_certificate": (
        "split_certificate",
        "一个产权证书对应多套房（一证多房）且房屋用途大类不一样的，必须先到不动产登记中心办理分证后方可交易"
        "（手册5.2.1.3第2条）。",
        "One certificate covers several units (一证多房) whose usage classes differ: the certificate must "
        "first be split at the 不动产登记中心 (real estate registration centre) before the sale "
        "(manual 5.2.1.3 item 2).",
        "先到不动产登记中心办理分证，取得分证后的产权证书再进行房屋产权校验（手册5.2.1.3第2条）。",
        "5.2.1.3",
    ),
    "restriction_review": (
        "restriction_review",
        "房屋用途大类未规范：根据我市房地产宏观调控政策，本次交易房产需由深圳市住房公积金中心进行限购/限售"
        "核定，核定结果将于一个工作日内做出，并以短信方式通知合同录入人（手册5.2.1.3第3条、5.2.2校验按钮"
        "第3条）。",
        "The property's usage class is not standardised: under Shenzhen's housing policy the "
        "深圳市住房公积金中心 (provident fund centre) must review purchase/sale restrictions "
        "(限购/限售核定); the result is made within one working day and sent by SMS to the "
        "合同录入人 (contract entry person) (manual 5.2.1.3 item 3, 5.2.2 校验按钮 item 3).",
        "等待深圳市住房公积金中心的限购/限售核定结果短信（一个工作日内发给合同录入人）；超过一个工作日未收到的，"
        "可向住房公积金管理中心咨询或电话咨询12345。",
        "5.2.1.3",
    ),
}

_STATUS_NAMES: dict[str, tuple[str, str]] = {
    "valid": ("有效", "valid (有效)"),
    "mortgaged": ("抵押", "mortgaged (抵押)"),
    "sealed": ("查封", "sealed (查封)"),
    "cancelled": ("注销", "cancelled (注销)"),
    "other": ("其他", "other"),
}

#: purpose -> ok -> (message zh, message en); ``{level_zh}`` / ``{level}`` filled in.
_LEVEL_MESSAGES: dict[str, dict[bool, tuple[str, str]]] = {
    "title_check": {
        True: (
            "实名等级为{level_zh}级，已达四级或以上，可以进行房屋产权校验（手册5.2.1.1第2条、5.2.1.2第1条）。",
            "Real-name level {level} is level 4 (四级) or above: enough for the title check "
            "(manual 5.2.1.1 item 2, 5.2.1.2 item 1).",
        ),
        False: (
            "实名等级为{level_zh}级，未达四级：房屋产权校验要求广东省统一身份认证平台账号等级达四级或以上"
            "（手册5.2.1.1第2条、5.2.1.2第1条）。请" + _RAISE_LEVEL_ZH,
            "Real-name level {level} is below level 4 (四级): the title check needs a 广东省统一身份认证平台 "
            "account at level 4 or above (manual 5.2.1.1 item 2, 5.2.1.2 item 1). To raise it, "
            + _RAISE_LEVEL_EN,
        ),
    },
    "add_agent": {
        True: (
            "实名等级为{level_zh}级，已达四级或以上：法人账户可以“法人登录”方式登录广东省统一身份认证平台添加"
            "经办人（手册1.3.1），经办人的可信等级也达到了要求（手册第1章流程图）。",
            "Real-name level {level} is level 4 (四级) or above: a legal person's account may log in as "
            "法人登录 on the 广东省统一身份认证平台 and add a 经办人 (manual 1.3.1), and a 经办人 meets "
            "the level required (manual ch. 1 flowchart).",
        ),
        False: (
            "实名等级为{level_zh}级，未达四级：法人账户等级达到四级或以上后才能添加经办人（手册1.3.1），"
            "经办人的可信等级也一定要达四级及以上（手册第1章流程图）。请" + _RAISE_LEVEL_ZH,
            "Real-name level {level} is below level 4 (四级): a legal person's account can add a 经办人 only "
            "at level 4 or above (manual 1.3.1), and the 经办人 must be level 4 or above too "
            "(manual ch. 1 flowchart). To raise it, " + _RAISE_LEVEL_EN,
        ),
    },
    "esign": {
        True: (
            "手册没有写电子签署对广东省统一身份认证平台账号等级的要求：手册5.3.5.1写的是在i深圳注册并实人认证，"
            "签署时可选择“数字认证”或“腾讯云”认证方式；无法实人认证的，只能选择线下签署（手册5.3.5.1流程图）。",
            "The manual sets no 广东省统一身份认证平台 account level for electronic signing: manual 5.3.5.1 "
            "has the signer register in the i深圳 (iShenzhen) app and pass its real-person authentication "
            "(实人认证), choosing 数字认证 (digital certification) or 腾讯云 (Tencent Cloud) when signing. "
            "Anyone who cannot pass it can only choose 线下签署 (offline signing) (manual 5.3.5.1 flowchart).",
        ),
    },
}


# --------------------------------------------------------------------------- models


class TitleCheckInput(RuleInput):
    """The facts the 房屋产权校验 page decides on (spec ``title_check``)."""

    login_identity: LoginIdentity
    is_institution: bool
    account_level: int = Field(ge=0, le=5)
    realname: Realname
    login_method: LoginMethod
    sms_verified: bool
    chose_institution_card: bool
    agent_linked: bool
    blacklisted: bool
    platform_name: str
    cert_name: str
    platform_doc_type: DocType
    platform_id_number: str
    cert_id_number: str
    property_status: PropertyStatus
    multi_unit_mixed_usage: bool
    usage_standardized: bool


class Finding(RuleOutput):
    """One blocker or notice: what is wrong, what to do next, where the manual says so."""

    code: FindingCode
    message: str
    message_en: str
    next_step: str
    section: str


class TitleCheckOutput(RuleOutput):
    result: TitleResult
    blockers: list[Finding]
    notices: list[Finding]


class PasswordLoginInput(RuleInput):
    """An account-and-password login: the account's verification and whether an SMS code came."""

    realname: AccountRealname
    sms_verified: bool


class RealnameLevelInput(RuleInput):
    level: int = Field(ge=0, le=5)
    purpose: Purpose


class RealnameLevelOutput(RuleOutput):
    ok: bool
    message: str
    message_en: str
    methods: list[str]


# --------------------------------------------------------------------------- logic


def _finding(key: str, section: str | None = None, **fields: Any) -> Finding:
    code, zh, en, step, default_section = _FINDINGS[key]
    sec = section or default_section
    return Finding(
        code=code,
        message=zh.format(section=sec, **fields),
        message_en=en.format(section=sec, **fields),
        next_step=step.format(section=sec, **fields),
        section=sec,
    )


def _password_problem(realname: str, sms_verified: bool) -> Literal["login_method", "sms_required"] | None:
    """Account and password are only for users verified on site, and only with the SMS code
    sent to the registered mobile (5.2.1.1 item 3, 5.2.2 校验按钮 1-2)."""
    if realname != "onsite":
        return "login_method"
    if not sms_verified:
        return "sms_required"
    return None


def password_login(inp: PasswordLoginInput) -> Finding | None:
    """Why an account-and-password login is refused, or ``None`` when it may go ahead: the
    platform's login (``platform-api.md``) asks the same as the title check does of it.

    >>> password_login(PasswordLoginInput(realname="online", sms_verified=True)).code
    'login_method'
    >>> password_login(PasswordLoginInput(realname="onsite", sms_verified=False)).code
    'sms_required'
    >>> password_login(PasswordLoginInput(realname="onsite", sms_verified=True)) is None
    True
    """
    problem = _password_problem(inp.realname, inp.sms_verified)
    if problem is None:
        return None
    return _finding("password_login_not_onsite" if problem == "login_method" else "password_login_sms")


def _login_findings(inp: TitleCheckInput) -> list[Finding]:
    """Login method and SMS code (5.2.1.1 items 3-4, 5.2.1.2 item 2, 5.2.2 校验按钮 1-2)."""
    if inp.login_method != "password":
        return []  # 粤省事 or a digital certificate: both allowed by the 5.2.1 flowcharts
    if inp.login_identity == "other" and not inp.is_institution:
        return [_finding("login_method_agent")]
    section = "5.2.1.2" if inp.is_institution else "5.2.1.1"
    problem = _password_problem(inp.realname, inp.sms_verified)
    if problem == "login_method":
        return [_finding("login_method_online", section)]
    if problem == "sms_required":
        return [_finding("sms_required", section, item="2" if inp.is_institution else "3")]
    return []


def _identity_findings(inp: TitleCheckInput) -> tuple[list[Finding], list[Finding]]:
    """Name and ID of the logged-in owner against the certificate (5.2.2)."""
    blockers: list[Finding] = []
    notices: list[Finding] = []
    platform_name, cert_name = strip_spaces(inp.platform_name), strip_spaces(inp.cert_name)
    if platform_name != cert_name:
        key = (
            "name_script_mismatch"
            if to_simplified(platform_name) == to_simplified(cert_name)
            else "name_mismatch"
        )
        blockers.append(_finding(key, platform_name=inp.platform_name, cert_name=inp.cert_name))
    doc = inp.platform_doc_type
    if normalize(doc, inp.platform_id_number) != normalize(doc, inp.cert_id_number):
        doc_zh, doc_en = DOC_TYPE_NAMES[doc]
        key = "id_editable" if doc in OVERSEAS_DOC_TYPES else "id_mismatch"
        (notices if key == "id_editable" else blockers).append(_finding(key, doc_zh=doc_zh, doc_en=doc_en))
    return blockers, notices


@rule("title_check", TitleCheckInput)
def title_check(inp: TitleCheckInput) -> TitleCheckOutput:
    """Decide the 房屋产权校验 (title check) of manual 5.2.1 / 5.2.2.

    Every blocker that applies is reported, in the order of the manual's checks;
    ``restriction_review`` is a notice that makes an otherwise clean check
    ``pending_review``.

    >>> ok = title_check(TitleCheckInput(**_DOCTEST_OK))
    >>> ok.result, ok.blockers, ok.notices
    ('pass', [], [])
    >>> out = title_check(TitleCheckInput(**{**_DOCTEST_OK, "cert_name": "陳大文"}))
    >>> out.result, out.blockers[0].code, out.blockers[0].section
    ('blocked', 'name_script_mismatch', '5.2.2')
    >>> out = title_check(TitleCheckInput(**{**_DOCTEST_OK, "usage_standardized": False}))
    >>> out.result, [n.code for n in out.notices]
    ('pending_review', ['restriction_review'])
    """
    blockers: list[Finding] = []
    notices: list[Finding] = []
    if inp.blacklisted:
        blockers.append(_finding("blacklisted"))
    if inp.account_level < 4:
        key = "level_too_low_institution" if inp.is_institution else "level_too_low"
        blockers.append(_finding(key, level=inp.account_level, level_zh=_LEVEL_ZH[inp.account_level]))
    blockers.extend(_login_findings(inp))
    if inp.is_institution and not inp.chose_institution_card:
        blockers.append(_finding("institution_card"))
    if inp.login_identity == "other":
        if inp.is_institution:
            blockers.append(_finding("agent_not_linked_institution"))
        elif not inp.agent_linked:
            blockers.append(_finding("agent_not_linked"))
    else:
        found_blockers, found_notices = _identity_findings(inp)
        blockers.extend(found_blockers)
        notices.extend(found_notices)
    if inp.property_status not in ("valid", "mortgaged"):
        zh, en = _STATUS_NAMES[inp.property_status]
        blockers.append(_finding("property_status", status_zh=zh, status_en=en))
    if inp.multi_unit_mixed_usage:
        blockers.append(_finding("split_certificate"))
    if not inp.usage_standardized:
        notices.append(_finding("restriction_review"))
    result: TitleResult
    if blockers:
        result = "blocked"
    elif not inp.usage_standardized:
        result = "pending_review"
    else:
        result = "pass"
    return TitleCheckOutput(result=result, blockers=blockers, notices=notices)


@rule("realname_level", RealnameLevelInput)
def realname_level(inp: RealnameLevelInput) -> RealnameLevelOutput:
    """Whether the account's real-name level (0-5) is enough for ``purpose``.

    ``title_check`` and ``add_agent`` need 四级 or above (manual ch. 1 flowchart,
    1.3.1, 5.2.1.1 item 2); for ``esign`` the manual names no level, only i深圳's real-person
    authentication (5.3.5.1), so ``ok`` is true (the spec's reading) and the message says the manual is silent.

    >>> realname_level(RealnameLevelInput(level=3, purpose="title_check")).methods
    ['粤省事扫码', '个人网银证书核验', '个人CA证书核验', '办事大厅现场实名核验']
    >>> realname_level(RealnameLevelInput(level=4, purpose="add_agent")).ok
    True
    >>> realname_level(RealnameLevelInput(level=0, purpose="esign")).ok
    True
    """
    ok = inp.purpose == "esign" or inp.level >= 4
    zh, en = _LEVEL_MESSAGES[inp.purpose][ok]
    return RealnameLevelOutput(
        ok=ok,
        message=zh.format(level_zh=_LEVEL_ZH[inp.level]),
        message_en=en.format(level=inp.level),
        methods=[] if ok else list(REALNAME_METHODS),
    )


#: A clean title check, for the doctests.
_DOCTEST_OK: dict[str, Any] = {
    "login_identity": "owner",
    "is_institution": False,
    "account_level": 4,
    "realname": "online",
    "login_method": "yss_scan",
    "sms_verified": False,
    "chose_institution_card": False,
    "agent_linked": False,
    "blacklisted": False,
    "platform_name": "陈大文",
    "cert_name": "陈 大文",
    "platform_doc_type": "resident_id",
    "platform_id_number": "11010519491231002X",
    "cert_id_number": "11010519491231002x",
    "property_status": "valid",
    "multi_unit_mixed_usage": False,
    "usage_standardized": True,
}
