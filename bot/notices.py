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

from dialogs.contract_texts import contract_texts
from storage import NewMessage, Store, UnknownSession
from storage.links import SessionLinks

log = logging.getLogger("esf.notices")
SECRET_HEADER = "X-Platform-Secret"
LINKS: web.AppKey[SessionLinks] = web.AppKey("session_links", SessionLinks)
SECRET: web.AppKey[str] = web.AppKey("platform_secret", str)

# Every text (the prefixes, the status and event lines) is dialogs/contract_texts.yaml's:
# ``notice_prefix``, ``sms_prefix``, a status's ``notice``, ``events``, ``other_signed``.


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
    vocabulary = contract_texts()
    texts = vocabulary.events.get(notice.event)
    if texts is None and notice.from_ != notice.to and notice.to in vocabulary.statuses:
        texts = vocabulary.statuses[notice.to].notice
    if texts is None:
        return None
    return vocabulary.notice_prefix.get(lang).format(cid=notice.contract_id) + texts.get(lang)


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
        if kind == "sms":
            text: str | None = contract_texts().sms_prefix.get(lang) + sms.text
        elif kind == "signed":
            vocabulary = contract_texts()
            prefix = vocabulary.notice_prefix.get(lang).format(cid=signed.contract_id)
            text = prefix + vocabulary.other_signed.get(lang)
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
