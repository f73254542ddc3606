"""The hotline staff's API (12345): sign-in, the handoff queue, conversations, the audit log.

``setup(app, assistant, token_ttl_minutes)`` registers the routes of the
"Hotline staff" section of ``chat-api.md`` (``bot/web.py``'s ``create_app``
calls it once):

- ``POST /api/staff/login`` ``{"username", "password"}`` → 200 ``{"token"}``.
  A wrong password, an unknown name and a **disabled account all get the same
  401** (``invalid_credentials``), so the answer never tells whether a name
  exists or which accounts are disabled.  More than 10 failures for one name or
  one client address within 15 minutes → 429 with ``Retry-After`` (every
  attempt, right or wrong, until the oldest failure leaves the window).
  Tokens are random (256 bits), kept only as SHA-256 digests, and expire after
  ``staff.token_ttl_minutes``; disabling an account or changing its password
  ends its tokens.
- With ``Authorization: Bearer <token>`` (none, forged, expired, or a disabled
  account → 401): the queue, one conversation (state and transcript, personal
  numbers masked, every read audited), take / reply / close, and for a
  supervisor the audit log (an agent → 403).

**How a conversation enters the queue.** The engine already records a
``handoff_requested`` event when a person asks for a human (and
``handoff_cancelled`` when they withdraw); triggers on the ``events`` table
(``storage/migrations/0004_staff.sql``) open and close a row of ``handoffs`` in
the very transaction that saves the turn.  So the queue is right for every door
(web, Telegram, terminal), needs no call on the turn's path, and cannot drift
from the conversation's state.  ``GET /api/staff/handoffs`` lists the open
handoffs nobody holds yet, oldest first.  Closing saves ``handoff: false`` with a
``handoff_closed`` event (the trigger closes the row) and a short note, then runs
an empty turn so the assistant asks the step it stood at again, slots intact.

**The queue's summaries.** Every poll of ``GET /api/staff/handoffs`` lists each waiting
conversation with a one-line summary; :class:`QueueSummaries` keeps each line under the
session's state version (and the day), so an unchanged conversation is not summarised again
and a changed one always is.

**Place in the queue.** ``setup`` gives the engine ``queue_place`` (how many
wait, plus one); the turn that asks for a human then tells the person their
place.  Doors without the web server (``python -m bot chat``) do not say it.
``handoff_holder`` tells the engine who holds a conversation's handoff: while a
member of staff holds it, the person's messages are for them and never answer
the flow's question.

Nothing here logs a password, a token, a message text or a personal number.
"""

from __future__ import annotations

import asyncio
import logging
import math
import secrets
import sqlite3
import time
from typing import Any

from aiohttp import web
from pydantic import Field

from dialogs.engine import Assistant
from dialogs.i18n import pick
from dialogs.privacy import mask_text
from dialogs.render import render
from storage import NewMessage, UnknownSession, VersionConflict
from storage.staff import (
    StaffAccount,
    StaffStore,
    Waiting,
    digest,
    hash_password,
    needs_rehash,
    verify_password,
)

from .web import ApiError, _Body, _json, _parse

log = logging.getLogger("esf.staff")

MAX_FAILURES = 10  # more than this many failed sign-ins within WINDOW_SECONDS → 429
WINDOW_SECONDS = 15 * 60
STAFF: web.AppKey[StaffStore] = web.AppKey("staff_store", StaffStore)
BRAIN: web.AppKey[Assistant] = web.AppKey("staff_assistant", Assistant)
TTL: web.AppKey[float] = web.AppKey("staff_token_ttl_seconds", float)
_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="esf-staff"'}


class LoginBody(_Body):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024)
    cookie: bool = False  # true: the token goes into an HttpOnly cookie, the answer carries the CSRF token


class ReplyBody(_Body):
    text: str = Field(min_length=1)


def setup(app: web.Application, assistant: Assistant, token_ttl_minutes: float = 8 * 60) -> None:
    """Register the staff routes on ``app`` (the staff tables live in the assistant's database)."""
    staff = StaffStore(assistant.store.path)
    app[STAFF], app[BRAIN], app[TTL] = staff, assistant, token_ttl_minutes * 60
    app[QUEUE] = QueueSummaries()

    def queue_place() -> int:
        try:
            return staff.waiting_count() + 1
        except sqlite3.Error:  # never let the desk break a person's turn
            return 0

    def handoff_holder(session_id: str) -> str | None:
        held = staff.open_handoff(session_id)  # an error: the engine keeps the flow still
        return held.taken_by if held else None

    assistant.queue_place = queue_place
    assistant.handoff_holder = handoff_holder

    async def close(app: web.Application) -> None:
        if assistant.queue_place is queue_place:
            assistant.queue_place = None
        if assistant.handoff_holder is handoff_holder:
            assistant.handoff_holder = None
        staff.close()

    app.on_cleanup.append(close)
    app.router.add_post("/api/staff/login", login)
    app.router.add_get("/api/staff/handoffs", handoffs)
    app.router.add_get("/api/staff/sessions/{session_id}", session)
    app.router.add_post("/api/staff/sessions/{session_id}/take", take)
    app.router.add_post("/api/staff/sessions/{session_id}/reply", reply)
    app.router.add_post("/api/staff/sessions/{session_id}/close", close_handoff)
    app.router.add_get("/api/staff/audit", audit)
    from .staff_page import setup as setup_page  # here: bot.staff_page imports this module

    setup_page(app)  # the staff page (/staff), sign-out, the session check, the situation panel


# ---------------------------------------------------------------------------- sign-in
async def login(request: web.Request) -> web.Response:
    body: LoginBody = _parse(LoginBody, await _json(request))
    account, token = await sign_in(request, body.username, body.password)
    if not body.cookie:
        return web.json_response({"token": token})
    response = web.json_response(
        {"username": account.username, "role": account.role, "csrf_token": csrf_token(token)}
    )
    set_token_cookie(request, response, token)
    return response


async def sign_in(request: web.Request, username: str, password: str) -> tuple[StaffAccount, str]:
    """Check a name and password (with the brute-force limit); a new token, or ApiError 401/429."""
    staff = request.app[STAFF]
    name = username.strip().lower()
    name_hash, address, now = digest(name), request.remote or "?", time.time()
    wait = _blocked_for(staff, name_hash, address, now)
    if wait > 0:
        log.warning("staff sign-in refused: too many failures")
        raise ApiError(
            429,
            "too_many_failures",
            f"too many failed sign-ins; try again in {wait} s",
            {"Retry-After": str(wait)},
        )
    found = staff.password_hash(name)
    ok = await asyncio.to_thread(verify_password, found[1] if found else None, password)
    if not ok or found is None or found[0].disabled:
        staff.add_login_failure(name_hash, address, now)
        reason = "unknown" if found is None else "disabled" if ok else "password"
        staff.audit(found[0].username if found else None, "login_failed", detail={"reason": reason})
        log.info("staff sign-in failed")
        raise ApiError(401, "invalid_credentials", "wrong username or password", _UNAUTHORIZED)
    account, stored = found
    if needs_rehash(stored):
        staff.set_password_hash(account.username, hash_password(password), sign_out=False)
    token = secrets.token_urlsafe(32)
    staff.add_token(digest(token), account.username, now + request.app[TTL])
    staff.clear_login_failures(name_hash)
    staff.audit(account.username, "login", detail={"role": account.role})
    log.info("staff %s signed in", account.username)
    return account, token


def _blocked_for(staff: StaffStore, name_hash: str, address: str, now: float) -> int:
    """Seconds until one more attempt is allowed (0: now)."""
    by_name, by_address = staff.login_failures(name_hash, address, now - WINDOW_SECONDS)
    wait = 0.0
    for times in (by_name, by_address):
        if len(times) >= MAX_FAILURES:  # the next failure would be one too many
            wait = max(wait, times[len(times) - MAX_FAILURES] + WINDOW_SECONDS - now)
    return max(1, math.ceil(wait)) if wait > 0 else 0


# ---------------------------------------------------------------------------- the staff page's cookie
COOKIE = "esf_staff"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(token: str) -> str:
    """The CSRF token of a signed-in session: derived from the session's token, so it needs no storage,
    ends with it, and cannot be computed without the token (which the HttpOnly cookie keeps from scripts).

    >>> csrf_token("abc") == csrf_token("abc") != csrf_token("abd")
    True
    """
    return digest("esf-staff-csrf:" + token)


def set_token_cookie(request: web.Request, response: web.StreamResponse, token: str) -> None:
    """HttpOnly, SameSite=Strict, for the token's lifetime, and ``Secure`` (chat-api.md) — except
    on plain http to this machine's own loopback name, where a browser would not send it back
    to a developer's ``make run``."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(request.app[TTL]),
        path="/",
        httponly=True,
        samesite="Strict",
        secure=cookie_must_be_secure(request.secure, request.headers.get("X-Forwarded-Proto"), request.host),
    )


_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def cookie_must_be_secure(tls: bool, forwarded_proto: str | None, host: str) -> bool:
    """Over TLS, behind a TLS proxy, or under any name but the loopback's: Secure.

    >>> cookie_must_be_secure(False, None, "127.0.0.1:8080"), cookie_must_be_secure(False, None, "localhost")
    (False, False)
    >>> cookie_must_be_secure(True, None, "127.0.0.1:8080"), cookie_must_be_secure(False, "https", "127.0.0.1")
    (True, True)
    >>> cookie_must_be_secure(False, None, "desk.example.gov.cn")
    True
    """
    if tls or (forwarded_proto or "").split(",")[0].strip().lower() == "https":
        return True
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name.lower() not in _LOOPBACK_HOSTS


def request_token(request: web.Request) -> tuple[str, bool]:
    """(token, from_cookie): the bearer token when the header is there, else the cookie's; ApiError 401."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(
                401, "unauthorized", "sign in first (Authorization: Bearer <token>)", _UNAUTHORIZED
            )
        return token.strip(), False
    token = request.cookies.get(COOKIE, "").strip()
    if not token:
        raise ApiError(401, "unauthorized", "sign in first (Authorization: Bearer <token>)", _UNAUTHORIZED)
    return token, True


def _who(request: web.Request) -> StaffAccount:
    """The signed-in staff member: a bearer token, or the page's cookie (then, on a POST, the CSRF
    header too: 403 ``csrf_failed`` without it; a bearer token cannot ride along cross-site, a cookie can)."""
    token, from_cookie = request_token(request)
    account = request.app[STAFF].token_owner(digest(token))
    if account is None:
        raise ApiError(401, "unauthorized", "the token is unknown or expired; sign in again", _UNAUTHORIZED)
    if from_cookie and request.method not in _SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not secrets.compare_digest(sent.encode(), csrf_token(token).encode()):
            raise ApiError(
                403, "csrf_failed", f"a request signed in by cookie needs the {CSRF_HEADER} header"
            )
    return account


def _session_state(request: web.Request) -> tuple[str, dict[str, Any]]:
    session_id = request.match_info["session_id"]
    try:
        return session_id, request.app[BRAIN].store.load_session(session_id).state
    except UnknownSession:
        raise ApiError(404, "unknown_session", "no such session (or it has expired)") from None


# ---------------------------------------------------------------------------- the queue and a conversation
async def handoffs(request: web.Request) -> web.Response:
    _who(request)
    out = request.app[QUEUE].rows(request.app[BRAIN], request.app[STAFF].waiting())
    return web.json_response({"handoffs": out})


class QueueSummaries:
    """The queue's lines (flow, step, summary), one per waiting conversation, summarised again only
    when the conversation changed: each is kept under the session's state version (every saved turn
    adds one) and the assistant's day (a flow's conditions may read ``today``).  Only the sessions
    of the latest poll are kept, so the cache never outgrows the queue."""

    def __init__(self) -> None:
        self._lines: dict[str, tuple[tuple[int, str], dict[str, Any]]] = {}

    def rows(self, assistant: Assistant, waiting: list[Waiting]) -> list[dict[str, Any]]:
        today = assistant.today().isoformat()
        kept: dict[str, tuple[tuple[int, str], dict[str, Any]]] = {}
        out = []
        for w in waiting:
            key = (w.version, today)
            line = self._lines.get(w.session_id)
            if line is None or line[0] != key:
                state = w.state
                summary = summarise(assistant, state)
                line = (key, {"flow": state.get("flow"), "step": state.get("step"), "summary": summary})
            kept[w.session_id] = line
            out.append({"session_id": w.session_id, "since": w.since, **line[1]})
        self._lines = kept
        return out


QUEUE: web.AppKey[QueueSummaries] = web.AppKey("staff_queue_summaries", QueueSummaries)


async def session(request: web.Request) -> web.Response:
    who = _who(request)
    session_id, state = _session_state(request)
    staff, assistant = request.app[STAFF], request.app[BRAIN]
    held = staff.open_handoff(session_id)
    transcript = [
        {"seq": m.seq, "from": m.sender, "text": mask_text(m.text), "at": m.at}
        for m in assistant.store.messages(session_id)
    ]
    staff.audit(who.username, "read_session", session_id, {"messages": len(transcript)})
    view = {
        "flow": state.get("flow"),
        "step": state.get("step"),
        "slots": masked(state.get("slots", {})),
        "results": masked(state.get("results", {})),
        "lang": state.get("lang"),
        "handoff": bool(state.get("handoff")),
        "since": held.since if held else None,
        "taken_by": held.taken_by if held else None,
        "summary": summarise(assistant, state),
    }
    return web.json_response({"state": view, "transcript": transcript})


def _hold(request: web.Request, who: StaffAccount, session_id: str) -> None:
    result = request.app[STAFF].take(session_id, who.username)
    if result == "held_by_other":
        raise ApiError(409, "held_by_other", "another staff member holds this conversation")
    if result == "not_waiting":
        raise ApiError(409, "not_waiting", "this conversation is not waiting for a human")


async def take(request: web.Request) -> web.Response:
    who = _who(request)
    session_id, _ = _session_state(request)
    _hold(request, who, session_id)
    request.app[STAFF].audit(who.username, "take", session_id)
    return web.json_response({"session_id": session_id, "taken_by": who.username})


async def reply(request: web.Request) -> web.Response:
    who = _who(request)
    session_id, _ = _session_state(request)
    body: ReplyBody = _parse(ReplyBody, await _json(request))
    assistant = request.app[BRAIN]
    if len(body.text) > assistant.max_text_chars:
        raise ApiError(413, "text_too_long", f"text is longer than {assistant.max_text_chars} characters")
    if not body.text.strip():
        raise ApiError(422, "empty_text", "text is blank")
    _hold(request, who, session_id)
    # stored masked like every transcript row: staff echoing a caller's number does not keep it
    (seq,) = assistant.store.append_messages(session_id, [NewMessage("staff", mask_text(body.text.strip()))])
    request.app[STAFF].audit(who.username, "reply", session_id, {"seq": seq, "chars": len(body.text)})
    return web.json_response({"session_id": session_id, "seq": seq})


async def close_handoff(request: web.Request) -> web.Response:
    """Agents close what they hold (or what nobody holds); a supervisor may close any."""
    who = _who(request)
    session_id, _ = _session_state(request)
    staff, assistant = request.app[STAFF], request.app[BRAIN]
    held = staff.open_handoff(session_id)
    if held is None:
        raise ApiError(409, "not_waiting", "this conversation is not waiting for a human")
    if held.taken_by not in (None, who.username) and who.role != "supervisor":
        raise ApiError(409, "held_by_other", "another staff member holds this conversation")
    end_handoff(assistant, session_id)
    staff.audit(who.username, "close", session_id, {"held_by": held.taken_by})
    return web.json_response({"session_id": session_id, "handoff": False})


def end_handoff(assistant: Assistant, session_id: str) -> None:
    """``handoff`` false (the trigger closes the queue row), a note, and the step asked again."""
    store = assistant.store
    for attempt in range(3):
        record = store.load_session(session_id)
        state = {**record.state, "handoff": False}
        note = assistant.m["handoff_closed"]
        lang = str(state.get("lang", assistant.default_lang))
        text = render(pick(note["zh"], note["en"], lang), {"lang": lang})
        try:
            store.save_turn(
                session_id,
                state,
                record.version,
                [NewMessage("assistant", text)],
                [("handoff_closed", {"flow": state.get("flow"), "step": state.get("step")})],
            )
            break
        except VersionConflict:
            if attempt == 2:
                raise
    assistant.handle(session_id)  # no text: the assistant asks the current step again (or greets)


# ---------------------------------------------------------------------------- the audit log
async def audit(request: web.Request) -> web.Response:
    who = _who(request)
    if who.role != "supervisor":
        raise ApiError(403, "forbidden", "only a supervisor may read the audit log")
    try:
        limit = min(max(int(request.query.get("limit", "100")), 1), 1000)
    except ValueError:
        raise ApiError(400, "invalid_limit", "limit must be an integer") from None
    staff = request.app[STAFF]
    entries = staff.audit_entries(limit, request.query.get("session_id"))
    staff.audit(who.username, "read_audit", None, {"rows": len(entries)})
    return web.json_response({"entries": entries})


# ---------------------------------------------------------------------------- helpers
def masked(value: Any) -> Any:
    """Every string inside ``value`` with its personal numbers masked.

    >>> masked({"cert": "粤（2020）深圳市不动产权第0123456号", "ids": ["11010519491231002X"], "n": 3})
    {'cert': '粤（2020）深圳市不动产权第01***56号', 'ids': ['110***********002X'], 'n': 3}
    """
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def summarise(assistant: Assistant, state: dict[str, Any]) -> str:
    """One line, no personal data: the flow, the step among the questions that apply, the slots still missing."""
    flow_id = state.get("flow")
    if not flow_id or flow_id not in assistant.flows:
        return "无进行中的流程（自由提问）"
    flow = assistant.flows[flow_id]
    slots = state.get("slots", {})
    step = state.get("step")
    asks = assistant.asks_that_apply(state)
    ids = [s.id for s in asks]
    where = f"第{ids.index(step) + 1}/{len(ids)}步 {step}" if step in ids else f"步骤 {step or '—'}"
    missing = [s.ask.slot for s in asks if s.ask is not None and s.ask.slot not in slots]
    shown = "、".join(missing[:8]) + ("…" if len(missing) > 8 else "") if missing else "无"
    return f"{pick(flow.title.zh, flow.title.en, 'zh')}（{flow_id}）· {where} · 尚缺：{shown}"
