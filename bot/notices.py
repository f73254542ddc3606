"""The platform's notices reach the conversations: ``POST /api/platform/events``.

The platform (``signing/webhook.py``) posts every contract status change, every
single i深圳 signature and every SMS here, with the shared secret of
``mock.webhook_secret`` in ``X-Platform-Secret`` (else 401).  Each notice becomes
one ``platform`` message in every session linked to one of its accounts
(``storage/links.py``), worded in the session's language; a session linked to
several of them gets it once.  An SMS goes to the sessions linked to its account
(that is how a chatting person gets a login code).  Nothing personal is logged.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from storage import NewMessage, Store, UnknownSession
from storage.links import SessionLinks

log = logging.getLogger("esf.notices")
SECRET_HEADER = "X-Platform-Secret"
LINKS: web.AppKey[SessionLinks] = web.AppKey("session_links", SessionLinks)
SECRET: web.AppKey[str] = web.AppKey("platform_secret", str)

Lang = Literal["zh", "zh-Hant", "en"]
Texts = dict[str, tuple[str, str, str]]  # code -> (zh, zh-Hant, en)

#: What a party reads when the contract reaches a status.
STATUS_TEXTS: Texts = {
    "draft": ("合同已创建（草稿）", "合同已建立（草稿）", "the contract has been drafted"),
    "text_generated": ("合同文本已生成", "合同文本已生成", "the contract text has been generated"),
    "qualification_pending": (
        "已申请购房资格审查，等待审核",
        "已申請購房資格審查，等待審核",
        "the buyer's purchase qualification check has been applied for and awaits review",
    ),
    "qualification_approved": (
        "资格审查已通过",
        "資格審查已通過",
        "the purchase qualification check has passed",
    ),
    "qualification_rejected": (
        "资格审查未通过",
        "資格審查未通過",
        "the purchase qualification check did not pass",
    ),
    "commitment_uploaded": ("承诺书已上传", "承諾書已上傳", "the signed commitment letter has been uploaded"),
    "awaiting_signatures": (
        "合同已发送买卖双方签署，请在i深圳签署",
        "合同已發送買賣雙方簽署，請在i深圳簽署",
        "the contract has been sent for signing: please sign it in i深圳 (iShenzhen)",
    ),
    "signed": ("买卖双方均已签署合同", "買賣雙方均已簽署合同", "both sides have signed the contract"),
    "filing_submitted": (
        "已提交备案，等待审核",
        "已提交備案，等待審核",
        "filing has been submitted and awaits review",
    ),
    "filed": ("备案已通过", "備案已通過", "the contract has been filed (备案)"),
    "filing_cancelled": (
        "备案已注销，可修改条款后重新备案",
        "備案已註銷，可修改條款後重新備案",
        "the filing has been cancelled: the terms may be edited and filed again",
    ),
    "cancelled": ("合同已注销", "合同已註銷", "the contract has been cancelled"),
    "completed": (
        "合同已完成：请打印合同，到不动产登记中心办理转移登记",
        "合同已完成：請列印合同，到不動產登記中心辦理轉移登記",
        "the contract is complete: print it and apply for the transfer at the registration centre",
    ),
}
#: Events whose text is not just the status reached.
EVENT_TEXTS: Texts = {
    "filing_reject": (
        "备案审核未通过，请补正材料后重新提交",
        "備案審核未通過，請補正材料後重新提交",
        "filing was not approved: complete the materials and submit again",
    ),
    "void_qualification": (
        "购房资格码已作废",
        "購房資格碼已作廢",
        "the purchase qualification code has been voided",
    ),
    "edit_terms": ("合同条款已修改", "合同條款已修改", "the contract terms have been changed"),
    "apply_cancel": (
        "已有一方申请注销合同",
        "已有一方申請註銷合同",
        "a party has applied to cancel the contract",
    ),
    "submit_cancel": (
        "注销申请已提交审核",
        "註銷申請已提交審核",
        "the cancellation has been submitted for review",
    ),
    "cancellation_reject": ("注销申请未通过", "註銷申請未通過", "the cancellation was not approved"),
}
OTHER_SIGNED: tuple[str, str, str] = ("对方已签署", "對方已簽署", "the other party has signed")
_PREFIX = {
    "zh": "【平台通知】合同{cid}：",
    "zh-Hant": "【平台通知】合同{cid}：",
    "en": "[Platform] Contract {cid}: ",
}
_SMS_PREFIX = {"zh": "【短信】", "zh-Hant": "【短訊】", "en": "[SMS] "}
_LANG_INDEX = {"zh": 0, "zh-Hant": 1, "en": 2}


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class StatusNotice(_Body):
    type: Literal["status"]
    contract_id: str = Field(min_length=1, max_length=100)
    event: str = Field(max_length=100)
    to: str = Field(max_length=100)
    from_: str | None = Field(default=None, alias="from", max_length=100)
    parties: list[str] = Field(default_factory=list, max_length=100)


class SignedNotice(_Body):
    type: Literal["signed"]
    contract_id: str = Field(min_length=1, max_length=100)
    who: str = Field(max_length=100)
    parties: list[str] = Field(default_factory=list, max_length=100)


class SmsNotice(_Body):
    type: Literal["sms"]
    account_id: str = Field(min_length=1, max_length=100)
    text: str = Field(min_length=1, max_length=2000)


def status_text(notice: StatusNotice, lang: str) -> str | None:
    """The line a party reads, or None for an event that tells nothing new.

    >>> n = StatusNotice.model_validate({"type": "status", "contract_id": "c_1", "event": "filing_approve",
    ...     "from": "filing_submitted", "to": "filed", "parties": []})
    >>> status_text(n, "zh"), status_text(n, "en")
    ('【平台通知】合同c_1：备案已通过', '[Platform] Contract c_1: the contract has been filed (备案)')
    """
    texts = EVENT_TEXTS.get(notice.event)
    if texts is None and notice.from_ != notice.to:
        texts = STATUS_TEXTS.get(notice.to)
    if texts is None:
        return None
    lang = lang if lang in _LANG_INDEX else "zh"
    return _PREFIX[lang].format(cid=notice.contract_id) + texts[_LANG_INDEX[lang]]


def _lang(store: Store, session_id: str) -> str | None:
    try:
        return str(store.load_session(session_id).state.get("lang", "zh"))
    except UnknownSession:
        return None


def deliver(store: Store, links: SessionLinks, data: dict[str, Any]) -> int:
    """Write the notice into every linked session; how many messages were written."""
    kind = data.get("type")
    targets: list[str]
    if kind == "sms":
        sms = SmsNotice.model_validate(data)
        targets = [s for s, _ in links.sessions([sms.account_id])]
    elif kind == "signed":
        signed = SignedNotice.model_validate(data)
        targets = [s for s, _ in links.sessions(a for a in signed.parties if a != signed.who)]
    else:
        status = StatusNotice.model_validate(data)
        targets = [s for s, _ in links.sessions(status.parties)]
    written = 0
    for session_id in dict.fromkeys(targets):
        lang = _lang(store, session_id)
        if lang is None:
            continue
        index = _LANG_INDEX.get(lang, 0)
        if kind == "sms":
            text: str | None = _SMS_PREFIX.get(lang, _SMS_PREFIX["zh"]) + sms.text
        elif kind == "signed":
            text = _PREFIX.get(lang, _PREFIX["zh"]).format(cid=signed.contract_id) + OTHER_SIGNED[index]
        else:
            text = status_text(status, lang)
        if text is None:
            continue
        try:
            store.append_messages(session_id, [NewMessage("platform", text)])
        except UnknownSession:
            continue
        written += 1
    return written


async def platform_events(request: web.Request) -> web.Response:
    from .web import ApiError, _json, _parse  # here: bot.web imports this module

    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), request.app[SECRET].encode()):
        raise ApiError(401, "unauthorized", f"the platform's {SECRET_HEADER} is missing or wrong")
    data = await _json(request)
    # {"notices": [notice, ...]} (the mock batches what queued up) or one notice
    notices = data.get("notices") if isinstance(data, dict) and "notices" in data else [data]
    if not isinstance(notices, list) or not notices:
        raise ApiError(400, "invalid_body", "notices must be a non-empty list")
    models: dict[str, type[BaseModel]] = {"status": StatusNotice, "signed": SignedNotice, "sms": SmsNotice}
    for notice in notices:  # the whole batch is checked before any of it is written
        if not isinstance(notice, dict) or notice.get("type") not in models:
            raise ApiError(400, "invalid_body", "each notice's type must be status, signed or sms")
        _parse(models[notice["type"]], notice)
    links = request.app[LINKS]
    written = sum(deliver(links.store, links, notice) for notice in notices)
    log.info("platform notices: %d in, %d messages", len(notices), written)
    return web.json_response({"delivered": written})


def attach(app: web.Application, store: Store, secret: str) -> None:
    """Register ``POST /api/platform/events`` on the web app (``bot.web.serve``)."""
    app[LINKS] = SessionLinks(store)
    app[SECRET] = secret
    app.router.add_post("/api/platform/events", platform_events)


def link_account(store: Store, session_id: str, account_id: str) -> None:
    """Link a conversation to a platform account (the conversation's linking step comes later)."""
    SessionLinks(store).link(session_id, account_id)
