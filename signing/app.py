"""The platform mock as an aiohttp application (``platform-api.md``).

:func:`make_app` builds the app whose routes sit under ``/api``, ``/isz`` and
``/admin``; it is mounted at ``/mock`` (``bot/web.py`` for ``make run``, and
:func:`make_root_app` for ``python -m signing``), so the public paths are
``/mock/api/...``, ``/mock/isz/...`` and ``/mock/admin/...``.  Handlers are thin:
authenticate, parse, call :class:`signing.platform.Platform`, answer JSON.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web

from storage import Store
from storage.platform import PlatformStore

from . import documents
from . import models as m
from .demo import load_demo
from .documents import FORMS, FontMissing, contract_html, form_pdf
from .http import ApiError, api_error_of, bearer, errors_middleware, read_json, read_pdf_body, read_pdf_parts
from .messages import msg
from .platform import Platform
from .webhook import WebhookNotifier

log = logging.getLogger("esf.signing")

PLATFORM: web.AppKey[Platform] = web.AppKey("platform", Platform)
#: JSON bodies at most this big; uploads are streamed and limited per PDF (10 MB).
MAX_JSON_BYTES = 256 * 1024
CHECKPOINT_SECONDS = 5.0
TOKEN_PURGE_SECONDS = 600.0

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _platform(request: web.Request) -> Platform:
    return request.app[PLATFORM]


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status)


# ---------------------------------------------------------------------- login, SMS
async def login(request: web.Request) -> web.Response:
    return _json(await _platform(request).login(await read_json(request, m.LoginBody)))


async def sms_send(request: web.Request) -> web.Response:
    return _json(await _platform(request).send_login_sms(await read_json(request, m.SmsSendBody)))


# ---------------------------------------------------------------------- agents, title checks
async def add_agent(request: web.Request) -> web.Response:
    platform = _platform(request)
    caller = platform.user(bearer(request))
    return _json(platform.add_agent(caller, await read_json(request, m.AgentBody)), 201)


async def confirm_agent(request: web.Request) -> web.Response:
    platform = _platform(request)
    return _json(platform.confirm_agent(platform.user(bearer(request)), request.match_info["binding_id"]))


async def unbind_agent(request: web.Request) -> web.Response:
    platform = _platform(request)
    return _json(platform.unbind_agent(platform.user(bearer(request)), request.match_info["binding_id"]))


async def title_checks(request: web.Request) -> web.Response:
    platform = _platform(request)
    caller = platform.user(bearer(request))
    return _json(platform.check_title(caller, await read_json(request, m.TitleCheckBody)))


# ---------------------------------------------------------------------- contracts
async def create_contract(request: web.Request) -> web.Response:
    platform = _platform(request)
    caller = platform.user(bearer(request))
    return _json(await platform.create_contract(caller, await read_json(request, m.ContractBody)), 201)


async def list_contracts(request: web.Request) -> web.Response:
    platform = _platform(request)
    return _json(platform.list_contracts(platform.user(bearer(request))))


async def get_contract(request: web.Request) -> web.Response:
    platform = _platform(request)
    caller = platform.contract_caller(bearer(request))
    return _json(platform.get_contract(caller, request.match_info["contract_id"]))


async def patch_contract(request: web.Request) -> web.Response:
    platform = _platform(request)
    caller = platform.contract_caller(bearer(request))
    body = await read_json(request, m.PatchBody)
    return _json(await platform.edit_terms(caller, request.match_info["contract_id"], body))


async def contract_text(request: web.Request) -> web.Response:
    platform = _platform(request)
    contract, prop = platform.text(
        platform.contract_caller(bearer(request)), request.match_info["contract_id"]
    )
    return web.Response(text=contract_html(contract, prop), content_type="text/html", charset="utf-8")


async def contract_pdf(request: web.Request) -> web.Response:
    platform = _platform(request)
    contract = platform.text_pdf(platform.contract_caller(bearer(request)), request.match_info["contract_id"])
    prop = platform.store.property(contract["property_id"])
    return _pdf(await _render(documents.contract_pdf, contract, prop), f"{contract['id']}.pdf")


async def form(request: web.Request) -> web.Response:
    """``GET /api/forms/{name}.pdf``: a blank form (names in :mod:`signing.documents`), to any user."""
    platform = _platform(request)
    platform.contract_caller(bearer(request))
    name = request.match_info["name"]
    if name not in FORMS:
        raise ApiError(404, "unknown_form", msg("unknown_form", name=name, forms="、".join(sorted(FORMS))))
    return _pdf(await _render(form_pdf, name), f"{name}.pdf")


async def _render(make: Callable[..., bytes], *args: Any) -> bytes:
    """A PDF made off the event loop (embedding the font takes a fraction of a second)."""
    try:
        return await asyncio.to_thread(make, *args)
    except FontMissing as exc:
        raise ApiError(503, "font_missing", str(exc)) from None


def _pdf(data: bytes, filename: str) -> web.Response:
    return web.Response(
        body=data,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def contract_events(request: web.Request) -> web.Response:
    platform = _platform(request)
    caller = platform.contract_caller(bearer(request))
    return _json(platform.events(caller, request.match_info["contract_id"]))


async def contract_action(request: web.Request) -> web.Response:
    """``POST /contracts/{id}/{action}``: every action of the spec's table."""
    platform = _platform(request)
    caller = platform.contract_caller(bearer(request))
    contract_id = request.match_info["contract_id"]
    action = request.match_info["action"]

    async def pdf() -> bytes:
        return await read_pdf_body(request)

    async def parts() -> list[tuple[str, bytes]]:
        return await read_pdf_parts(request)

    if action in ("generate", "print", "qualification", "qualification/void", "send-for-signing", "filing"):
        return _json(await platform.simple_action(caller, contract_id, action))
    if action == "commitment":
        return _json(await platform.commitment(caller, contract_id, pdf))
    if action == "notarization":
        return _json(await platform.notarization(caller, contract_id, pdf))
    if action == "offline-upload":
        return _json(await platform.offline_upload(caller, contract_id, parts))
    if action == "filing-materials":
        return _json(await platform.filing_materials(caller, contract_id, parts))
    if action == "cancellations":
        body = await read_json(request, m.CancellationBody)
        return _json(await platform.apply_cancellation(caller, contract_id, body))
    if action == "cancellations/confirm":
        return _json(await platform.confirm_cancellation(caller, contract_id))
    if action == "cancellations/materials":
        return _json(await platform.cancellation_materials(caller, contract_id, parts))
    if action == "cancellations/submit":
        return _json(await platform.submit_cancellation(caller, contract_id))
    raise ApiError(404, "unknown_action", msg("unknown_action", action=action))


# ---------------------------------------------------------------------- i深圳
async def isz_sign(request: web.Request) -> web.Response:
    platform = _platform(request)
    caller = platform.user(bearer(request))
    body = await read_json(request, m.SignBody)
    return _json(await platform.isz_sign(caller, request.match_info["contract_id"], body))


# ---------------------------------------------------------------------- back office
def _admin(request: web.Request) -> Platform:
    platform = _platform(request)
    platform.admin(bearer(request))
    return platform


async def admin_accounts(request: web.Request) -> web.Response:
    platform = _admin(request)
    return _json(platform.seed_account(await read_json(request, m.AccountBody)), 201)


async def admin_properties(request: web.Request) -> web.Response:
    platform = _admin(request)
    return _json(platform.seed_property(await read_json(request, m.PropertyBody)), 201)


async def admin_links(request: web.Request) -> web.Response:
    platform = _admin(request)
    return _json(platform.seed_link(await read_json(request, m.LinkBody)), 201)


async def admin_sms(request: web.Request) -> web.Response:
    platform = _admin(request)
    account_id = request.query.get("account_id")
    if not account_id:
        raise ApiError(422, "invalid_query", msg("account_id_required"))
    return _json(platform.sms_inbox(account_id))


async def admin_contract(request: web.Request) -> web.Response:
    return _json(_admin(request).admin_contract(request.match_info["contract_id"]))


async def admin_events(request: web.Request) -> web.Response:
    return _json(_admin(request).events(None, request.match_info["contract_id"]))


async def admin_review(request: web.Request) -> web.Response:
    platform = _admin(request)
    contract_id = request.match_info["contract_id"]
    review = request.match_info["review"]
    if review == "transfer-accepted":
        raw = await request.read()
        body = await read_json(request, m.TransferBody) if raw.strip() else m.TransferBody()
        return _json(await platform.transfer_accepted(contract_id, body.accepted))
    approve = (await read_json(request, m.ReviewBody)).approve
    if review == "qualification":
        return _json(await platform.review_qualification(contract_id, approve))
    if review == "filing":
        return _json(await platform.review_filing(contract_id, approve))
    return _json(await platform.review_cancellation(contract_id, approve))


async def healthz(request: web.Request) -> web.Response:
    return _json({"status": "ok"})


# ---------------------------------------------------------------------- the app
def make_app(platform: Platform) -> web.Application:
    """The mock's routes (``/api``, ``/isz``, ``/admin``), to be mounted at ``/mock``."""
    app = web.Application(middlewares=[errors_middleware], client_max_size=MAX_JSON_BYTES)
    app[PLATFORM] = platform
    r = app.router
    r.add_post("/api/login", login)
    r.add_post("/api/sms/send", sms_send)
    r.add_post("/api/agents", add_agent)
    r.add_post("/api/agents/{binding_id}/confirm", confirm_agent)
    r.add_delete("/api/agents/{binding_id}", unbind_agent)
    r.add_post("/api/title-checks", title_checks)
    r.add_post("/api/contracts", create_contract)
    r.add_get("/api/contracts", list_contracts)
    r.add_get("/api/contracts/{contract_id}", get_contract)
    r.add_patch("/api/contracts/{contract_id}", patch_contract)
    r.add_get("/api/contracts/{contract_id}/text", contract_text)
    r.add_get("/api/contracts/{contract_id}/text.pdf", contract_pdf)
    r.add_get("/api/contracts/{contract_id}/events", contract_events)
    r.add_get("/api/forms/{name}.pdf", form)
    r.add_post(
        r"/api/contracts/{contract_id}/{action:(?:qualification/void|cancellations/(?:confirm|materials|submit)|[a-z-]+)}",
        contract_action,
    )
    r.add_post("/isz/contracts/{contract_id}/sign", isz_sign)
    r.add_post("/admin/accounts", admin_accounts)
    r.add_post("/admin/properties", admin_properties)
    r.add_post("/admin/links", admin_links)
    r.add_get("/admin/sms", admin_sms)
    r.add_get("/admin/contracts/{contract_id}", admin_contract)
    r.add_get("/admin/contracts/{contract_id}/events", admin_events)
    r.add_post(
        "/admin/contracts/{contract_id}/{review:(?:qualification|filing|cancellation|transfer-accepted)}",
        admin_review,
    )
    r.add_get("/healthz", healthz)
    app.cleanup_ctx.append(_purge_tokens)
    return app


def platform_from_settings(store: Store, settings: Any) -> Platform:
    """The platform on ``store``'s SQLite file, with the ``mock`` settings: the demo data loaded
    (``mock.demo_data``, idempotent) and notices posted to the assistant's webhook."""
    platform = Platform(
        PlatformStore(store),
        admin_token=settings.mock.admin_token,
        token_ttl_seconds=settings.mock.token_ttl_seconds,
        sms_ttl_seconds=settings.mock.sms_ttl_minutes * 60,
    )
    if settings.mock.demo_data:
        report = load_demo(platform)
        log.info("demo data: %d records created, %d already there", len(report.created), len(report.existing))
    notifier = WebhookNotifier(
        webhook_url(settings), settings.mock.webhook_secret, settings.mock.webhook_timeout_seconds
    )
    platform.on_event.append(notifier.event)
    platform.on_signature.append(notifier.event)
    platform.on_sms.append(notifier.sms)
    return platform


def webhook_url(settings: Any) -> str:
    """``mock.webhook_url``, or this server's ``/api/platform/events``."""
    if settings.mock.webhook_url:
        return str(settings.mock.webhook_url)
    host = settings.server.host
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{settings.server.port}/api/platform/events"


async def _purge_tokens(app: web.Application) -> AsyncIterator[None]:
    """Forget expired login tokens every few minutes (they are refused anyway)."""

    async def loop() -> None:
        while True:
            app[PLATFORM].store.purge_tokens(time.time())
            await asyncio.sleep(TOKEN_PURGE_SECONDS)

    task = asyncio.create_task(loop())
    yield
    task.cancel()


async def _checkpoints(store: Store) -> AsyncIterator[None]:
    """Copy the SQLite WAL into the file every few seconds, off the event loop (as ``bot.web``)."""

    async def loop() -> None:
        while True:
            await asyncio.sleep(CHECKPOINT_SECONDS)
            await asyncio.to_thread(store.checkpoint)

    task = asyncio.create_task(loop())
    yield
    task.cancel()


@web.middleware
async def _root_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Outside ``/mock`` too, an error is the JSON error shape (platform-api.md), not aiohttp's
    text; what ``/mock`` answers has been through its own middleware already."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return api_error_of(exc).response()


def make_root_app(store: Store, platform: Platform) -> web.Application:
    """``python -m signing``: the mock alone, mounted at ``/mock``, with ``/healthz``."""
    root = web.Application(client_max_size=MAX_JSON_BYTES, middlewares=[_root_errors])
    root.router.add_get("/healthz", healthz)
    root.add_subapp("/mock", make_app(platform))
    root.cleanup_ctx.append(lambda app: _checkpoints(store))
    return root
