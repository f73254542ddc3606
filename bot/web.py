"""The web door: the JSON API of ``chat-api.md`` on aiohttp.

Thin: it validates the request, calls the engine, and shapes the answer or the
error (``{"error": {"code", "message"}}``, never a stack trace).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

import rules
from dialogs.engine import Assistant
from dialogs.i18n import normalize_lang
from dialogs.manual import ManualIndex
from rules.text import loads_json_text
from storage import UnknownSession

from .openapi import document as openapi_document
from .ratelimit import RateLimiter

log = logging.getLogger("esf.web")
ASSISTANT: web.AppKey[Assistant] = web.AppKey("assistant", Assistant)
MAX_TEXT: web.AppKey[int] = web.AppKey("max_text", int)
BY_SESSION: web.AppKey[RateLimiter] = web.AppKey("rate_per_session", RateLimiter)
BY_ADDRESS: web.AppKey[RateLimiter] = web.AppKey("rate_per_address", RateLimiter)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


class _Body(BaseModel):
    # strict: "3" is no int and 5 no str (a malformed field, 400), as rules-api.md asks of rule inputs
    model_config = ConfigDict(extra="forbid", strict=True)


class NewSessionBody(_Body):
    lang: str | None = None


class FaqBody(_Body):
    q: str = Field(min_length=1)
    lang: str | None = None
    k: int = Field(default=3, ge=1, le=20)


class ChatBody(_Body):
    session_id: str = Field(min_length=1, max_length=200)
    text: str | None = None
    payload: str | None = Field(default=None, max_length=200)
    lang: str | None = None


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status, headers=headers)


@web.middleware
async def errors_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.code, exc.message, exc.headers)
    except web.HTTPRequestEntityTooLarge:
        return error_response(413, "too_large", "request body too large")
    except web.HTTPException as exc:
        if exc.status >= 400:
            return error_response(exc.status, exc.reason.lower().replace(" ", "_"), exc.reason)
        raise
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "internal error")


def _limit(limiter: RateLimiter, key: str) -> None:
    wait = limiter.hit(key)
    if wait:
        raise ApiError(
            429,
            "rate_limited",
            f"too many requests; try again in {int(wait)} s",
            {"Retry-After": str(int(wait))},
        )


@web.middleware
async def limits_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Requests per minute per client address on the API (``limits.rate_per_address``)."""
    if request.path.startswith("/api/"):
        _limit(request.app[BY_ADDRESS], request.remote or "?")
    return await handler(request)


@web.middleware
async def log_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """One line per request: method, path (session ids cut short), status, time. No bodies."""
    if not log.isEnabledFor(logging.INFO):
        return await handler(request)
    started = time.perf_counter()
    response = await handler(request)
    path = _SESSION_IN_PATH.sub(lambda m: m.group(1) + m.group(2)[:6] + "…", request.path)
    log.info("%s %s %d %.1fms", request.method, path, response.status, (time.perf_counter() - started) * 1000)
    return response


_SESSION_IN_PATH = re.compile(r"(/sessions/)([^/]+)")


async def _json(request: web.Request) -> Any:
    try:
        return loads_json_text(await request.read())
    except web.HTTPRequestEntityTooLarge:
        raise
    except ValueError:  # UnicodeError is one
        raise ApiError(400, "invalid_json", "the body is not valid UTF-8 JSON") from None


def _parse(model: type[BaseModel], data: Any) -> Any:
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_body", "the body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"])
        if _malformed(err["type"]):
            raise ApiError(400, "invalid_body", f"{where}: {err['msg']}") from None
        raise ApiError(422, "invalid_value", f"{where}: {err['msg']}") from None


def _malformed(error_type: str) -> bool:
    """chat-api.md's Errors: a field missing, unknown or of the wrong JSON type is a malformed body
    (400); a field of the right type with a value out of bounds (k = 0, an empty q, a payload
    over 200 characters) is an invalid field value (422).

    >>> _malformed("missing"), _malformed("extra_forbidden"), _malformed("int_type"), _malformed("string_too_short")
    (True, True, True, False)
    """
    return error_type in ("missing", "extra_forbidden") or error_type.endswith("_type")


async def create_session(request: web.Request) -> web.Response:
    body: NewSessionBody = _parse(NewSessionBody, await _json(request))
    if body.lang is not None and normalize_lang(body.lang) is None:
        raise ApiError(422, "invalid_lang", "lang must be zh, zh-Hant or en")
    session_id = request.app[ASSISTANT].new_session(body.lang)
    return web.json_response({"session_id": session_id}, status=201)


async def chat(request: web.Request) -> web.Response:
    body: ChatBody = _parse(ChatBody, await _json(request))
    _limit(request.app[BY_SESSION], body.session_id)
    if body.text is not None and len(body.text) > request.app[MAX_TEXT]:
        raise ApiError(413, "text_too_long", f"text is longer than {request.app[MAX_TEXT]} characters")
    if body.lang is not None and normalize_lang(body.lang) is None:
        raise ApiError(422, "invalid_lang", "lang must be zh, zh-Hant or en")
    try:
        turn = await request.app[ASSISTANT].handle_async(body.session_id, body.text, body.payload, body.lang)
    except UnknownSession:
        raise ApiError(404, "unknown_session", "no such session (or it has expired)") from None
    return _json_response(turn)


def _json_response(model: BaseModel, status: int = 200) -> web.Response:
    """A model as UTF-8 JSON, serialised by pydantic-core (no dict in between)."""
    return web.Response(
        body=model.model_dump_json().encode(), status=status, content_type="application/json", charset="utf-8"
    )


async def faq(request: web.Request) -> web.Response:
    data = await _json(request)
    if isinstance(data, dict) and isinstance(data.get("q"), str) and len(data["q"]) > request.app[MAX_TEXT]:
        raise ApiError(413, "text_too_long", f"q is longer than {request.app[MAX_TEXT]} characters")
    body: FaqBody = _parse(FaqBody, data)
    if body.lang is not None and normalize_lang(body.lang) is None:
        raise ApiError(422, "invalid_lang", "lang must be zh, zh-Hant or en")
    answer = request.app[ASSISTANT].faq.ask(body.q, body.lang, body.k)
    return _json_response(answer)


async def messages(request: web.Request) -> web.Response:
    session_id = request.match_info["session_id"]
    _limit(request.app[BY_SESSION], session_id)
    try:
        after = int(request.query.get("after", "0"))
    except ValueError:
        raise ApiError(400, "invalid_after", "after must be an integer") from None
    store = request.app[ASSISTANT].store
    if not store.session_exists(session_id):
        raise ApiError(404, "unknown_session", "no such session (or it has expired)")
    out = [
        {"seq": m.seq, "from": m.sender, "text": m.text, "buttons": m.buttons, "at": m.at}
        for m in store.messages(session_id, after=after)
    ]
    return web.json_response({"messages": out})


async def rule(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in rules.REGISTRY:
        raise ApiError(404, "unknown_rule", f"no rule named {name!r}")
    if not await request.read():  # rules-api.md: 400 when the body is not JSON (an empty one is not)
        raise ApiError(400, "invalid_json", "the body is not valid UTF-8 JSON")
    payload = await _json(request)
    try:
        return web.json_response(rules.evaluate(name, payload))
    except rules.RuleError as exc:
        return web.json_response(exc.as_json(), status=422)


STATIC = Path(__file__).with_name("static")
CHECKPOINT_SECONDS = 1.0
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


async def index(request: web.Request) -> web.FileResponse:
    """The chat page (no build step: plain HTML, CSS and JavaScript in bot/static)."""
    return web.FileResponse(STATIC / "index.html", headers=_PAGE_HEADERS)


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())


async def healthz(request: web.Request) -> web.Response:
    assistant = request.app[ASSISTANT]
    return web.json_response(
        {"status": "ok", "flows": len(assistant.flows), "schema": assistant.store.schema_version()}
    )


async def _expire_sessions_periodically(app: web.Application) -> AsyncIterator[None]:
    """Delete expired sessions at start-up and every ten minutes (``limits.session_ttl_minutes``),
    and checkpoint the SQLite WAL every second, both in worker threads, off the event loop.
    (Every second: under load the WAL grows by thousands of pages a second, and past
    ``WAL_AUTOCHECKPOINT_PAGES`` a commit would checkpoint inline, a 20–30 ms stall.)"""

    store = app[ASSISTANT].store

    async def loop() -> None:
        while True:
            removed = await asyncio.to_thread(store.expire_sessions)
            if removed:
                log.info("expired %d sessions", removed)
            await asyncio.sleep(600)

    async def checkpoints() -> None:  # fsync happens here, in a thread, not in a request
        while True:
            await asyncio.sleep(CHECKPOINT_SECONDS)
            await asyncio.to_thread(store.checkpoint)

    tasks = [asyncio.create_task(loop()), asyncio.create_task(checkpoints())]
    yield
    for task in tasks:
        task.cancel()
    await store.drain()  # turns handed to the writer thread are committed before the process ends


def create_app(
    assistant: Assistant,
    *,
    max_body_bytes: int = 64 * 1024,
    max_text_chars: int = 2000,
    rate_per_session: int = 60,
    rate_per_address: int = 600,
    staff_token_ttl_minutes: float = 8 * 60,
    manual: ManualIndex | None = None,
    mock_url: str = "",
    mock_admin_token: str = "",
    stream_heartbeat_seconds: float = 15.0,
) -> web.Application:
    """The API. Rate limits are requests per minute; 0 turns one off. ``manual``: the manual's
    sections for the staff page (none: no excerpts); ``mock_url`` and ``mock_admin_token``: the
    platform's back office for the staff's case lookup (empty: lookups answer 503)."""
    app = web.Application(
        middlewares=[log_middleware, errors_middleware, limits_middleware], client_max_size=max_body_bytes
    )
    app[ASSISTANT] = assistant
    app[MAX_TEXT] = max_text_chars
    app[BY_SESSION] = RateLimiter(rate_per_session)
    app[BY_ADDRESS] = RateLimiter(rate_per_address)
    app.router.add_get("/api/openapi.json", openapi)
    app.router.add_get("/", index)
    app.router.add_static("/static", STATIC)
    app.cleanup_ctx.append(_expire_sessions_periodically)
    app.router.add_post("/api/sessions", create_session)
    app.router.add_post("/api/chat", chat)
    app.router.add_post("/api/faq", faq)
    app.router.add_get("/api/sessions/{session_id}/messages", messages)
    app.router.add_post("/api/rules/{name}", rule)
    app.router.add_get("/healthz", healthz)
    from .staff import setup as setup_staff  # here: bot.staff imports this module

    setup_staff(app, assistant, staff_token_ttl_minutes)  # the hotline staff's API (/api/staff/…)
    from .cases import setup as setup_cases
    from .staff_page import MANUAL
    from .stream import setup as setup_stream

    if manual is not None:
        app[MANUAL] = manual
    setup_cases(app, mock_url, mock_admin_token)  # GET /api/staff/cases/{contract_id}
    setup_stream(app, stream_heartbeat_seconds)  # GET /api/sessions/{session_id}/stream
    return app


def serve(settings: Any) -> None:
    """Start the server with ``settings`` (``make run``)."""
    assistant = Assistant.from_settings(settings)
    app = create_app(
        assistant,
        max_body_bytes=settings.server.max_body_bytes,
        max_text_chars=settings.limits.max_text_chars,
        rate_per_session=settings.limits.rate_per_session,
        rate_per_address=settings.limits.rate_per_address,
        staff_token_ttl_minutes=settings.staff.token_ttl_minutes,
        manual=ManualIndex.load(settings.paths.manual),
        mock_url=settings.mock.base_url or _own_url(settings) + "/mock",
        mock_admin_token=settings.mock.admin_token,
        stream_heartbeat_seconds=settings.server.stream_heartbeat_seconds,
    )
    from signing import make_app as make_mock_app
    from signing import platform_from_settings

    # The platform mock (platform-api.md) on the same SQLite file, under /mock.
    app.add_subapp("/mock", make_mock_app(platform_from_settings(assistant.store, settings)))
    from .notices import attach as attach_notices

    attach_notices(app, assistant.store, settings.mock.webhook_secret)  # the mock's notices, into sessions
    from .telegram import attach as attach_telegram

    attach_telegram(app, assistant, settings.telegram)  # polling or webhook, or one line: skipped
    # The models, flows and knowledge base loaded above are ~160,000 objects that live as long
    # as the process: out of the collector's sight, a full collection takes a millisecond or
    # two instead of 40–80 ms (a pause that every request in flight would wait out).
    gc.collect()
    gc.freeze()
    web.run_app(app, host=settings.server.host, port=settings.server.port, access_log=None, print=_announce)


def _own_url(settings: Any) -> str:
    """This server as seen from itself (a wildcard address becomes the loopback)."""
    host = settings.server.host
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{settings.server.port}"


def _announce(text: str) -> None:
    log.info(text.strip())
    print(text.strip(), flush=True)
