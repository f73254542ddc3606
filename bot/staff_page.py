"""The hotline staff's page at ``/staff`` and the few routes it needs beside the staff API.

``bot.staff.setup`` calls ``setup(app)``; the page itself is plain HTML, CSS and
JavaScript in ``bot/static/staff.*`` (no build step), rendering everything the
server sends as text.

- ``GET /staff``: the page.
- ``POST /staff/login`` (an HTML form: ``username``, ``password``): signs in like
  ``POST /api/staff/login`` (same 401/429 rules), sets the token as a cookie and
  redirects (303) to ``/staff`` (``/staff?error=…`` when refused). A form post
  whose ``Origin`` is another site is refused (403), so no site can sign a
  browser in to an account of its choosing. The page itself signs in with
  ``POST /api/staff/login`` ``{"username", "password", "cookie": true}``, which
  answers ``{"username", "role", "csrf_token"}`` (no token in the body) and sets
  the cookie.
- The cookie (``esf_staff``) is HttpOnly, SameSite=Strict, ``Path=/``, lives as
  long as the token, and is ``Secure`` only when the request came over HTTPS
  (``request.secure``), so tests on http://127.0.0.1 work; behind a TLS-ending
  proxy, serve the page over HTTPS end to end or have the proxy add ``Secure``.
- A state-changing request authenticated by the cookie must carry the session's
  CSRF token in ``X-CSRF-Token`` (else 403 ``csrf_failed``); bearer-token calls
  need none. ``GET /api/staff/me`` gives the page its name, role and CSRF token
  again after a reload (a cross-site page cannot read it: no CORS).
- ``POST /api/staff/logout``: the token stops working at once, the cookie is cleared.
- ``POST /api/staff/situation``: the consulting panel's situation (seller and
  buyer, property, where the contract stands) answered at once by the rules
  (``signing_options``, ``contract_steps``, ``allowed_doc_types``, and
  ``cancel_unfiled`` or ``cancel_filed``), each reason with its manual sections.
- ``GET /api/staff/manual/{section}``: the manual's own words for a section the FAQ
  cites (``{"section", "title", "text"}``, from :mod:`dialogs.manual`'s index built at
  start-up); 404 ``unknown_section``, or 404 ``no_manual`` when the server has no manual
  (``paths.manual`` absent): the page then simply shows no excerpt.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit

from aiohttp import web
from pydantic import BaseModel

import rules
from dialogs.manual import SECTION_ID, ManualIndex
from rules.parties import DOC_TYPE_SECTIONS, REASON_SECTIONS, SIGNING_OPTIONS_SECTIONS
from rules.steps import FILING_REQUIRED_SECTIONS, filing_required
from storage.staff import digest

from .staff import (
    COOKIE,
    STAFF,
    _who,
    csrf_token,
    request_token,
    set_token_cookie,
    sign_in,
)
from .web import _PAGE_HEADERS, STATIC, ApiError, _Body, _json, _parse

PartyType = Literal["individual", "enterprise", "other_org"]
Origin = Literal["mainland", "hk", "macau", "taiwan", "foreign"]
Capacity = Literal["full", "limited", "none"]


class PartyIn(_Body):
    type: PartyType = "individual"
    origin: Origin = "mainland"
    capacity: Capacity = "full"
    via_agent: bool = False
    can_use_isz: bool = True


class SituationBody(_Body):
    seller: PartyIn = PartyIn()
    buyer: PartyIn = PartyIn()
    usage: Literal["residential", "non_residential"] = "residential"
    industrial: bool = False  # an industrial building (non-residential): no filing
    signing: Literal["auto", "online", "offline"] = "auto"  # auto: online when allowed
    filed: bool = False
    signed: bool = False
    qualification_code_applied: bool = False
    downloaded: bool = False
    transfer_registration_accepted: bool = False
    both_agree: bool = True
    legal_document: bool = False
    change: Literal["none", "buyer_identity", "buyers_added_or_removed", "other_terms"] = "none"


class ManualSection(BaseModel):
    section: str
    title: str
    text: str


MANUAL: web.AppKey[ManualIndex] = web.AppKey("manual", ManualIndex)


def setup(app: web.Application) -> None:
    app.router.add_get("/api/staff/manual/{section}", manual_section)
    app.router.add_get("/staff", page)
    app.router.add_post("/staff/login", form_login)
    app.router.add_get("/api/staff/me", me)
    app.router.add_post("/api/staff/logout", logout)
    app.router.add_post("/api/staff/situation", situation)


async def page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "staff.html", headers={**_PAGE_HEADERS, "Cache-Control": "no-store"})


def _same_origin(request: web.Request) -> bool:
    """No ``Origin`` (an old browser, curl) or this very host."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    return parts.scheme == request.scheme and parts.netloc == request.host


async def form_login(request: web.Request) -> web.StreamResponse:
    if not _same_origin(request):
        raise ApiError(403, "cross_site", "sign in from the staff page of this site")
    form = await request.post()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    if not username.strip() or not password or len(username) > 200 or len(password) > 1024:
        return _see_other("/staff?error=credentials")
    try:
        _, token = await sign_in(request, username, password)
    except ApiError as exc:
        return _see_other("/staff?error=" + ("locked" if exc.status == 429 else "credentials"))
    response = _see_other("/staff")
    set_token_cookie(request, response, token)
    return response


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


async def me(request: web.Request) -> web.Response:
    who = _who(request)
    token, from_cookie = request_token(request)
    out: dict[str, Any] = {"username": who.username, "role": who.role}
    if from_cookie:
        out["csrf_token"] = csrf_token(token)
    return web.json_response(out, headers={"Cache-Control": "no-store"})


async def logout(request: web.Request) -> web.Response:
    who = _who(request)  # a cookie needs the CSRF header here too: no site can sign a member out
    token, _ = request_token(request)
    staff = request.app[STAFF]
    staff.remove_token(digest(token))
    staff.audit(who.username, "logout")
    response = web.json_response({"signed_out": True})
    response.del_cookie(COOKIE, path="/")
    return response


def _evaluate(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    try:
        return dict(rules.evaluate(name, payload))
    except rules.RuleError as exc:
        return dict(exc.as_json())


def answer(body: SituationBody) -> dict[str, Any]:
    """Every rule the panel shows, for one situation.

    >>> out = answer(SituationBody(seller=PartyIn(type="enterprise"), buyer=PartyIn(origin="hk")))
    >>> out["signing"], [r["code"] for r in out["signing_options"]["reasons"]]
    ('offline', ['organization_party', 'overseas_party'])
    >>> [s["code"] for s in out["contract_steps"]["steps"]][-2:]
    ['foreign_notarization', 'filing']
    """
    parties = [("seller", body.seller), ("buyer", body.buyer)]
    options = _evaluate(
        "signing_options", {"parties": [{"role": role, **p.model_dump()} for role, p in parties]}
    )
    for reason in options.get("reasons", []):
        reason["party"] = parties[reason["party_index"]][0]
        reason["sections"] = list(REASON_SECTIONS[reason["code"]])
    options["sections"] = list(SIGNING_OPTIONS_SECTIONS)
    online_allowed = bool(options.get("online_allowed"))
    signing = body.signing if body.signing != "auto" else ("online" if online_allowed else "offline")
    overseas = any(p.origin != "mainland" for _, p in parties)
    filing = filing_required(body.usage, body.industrial, [body.seller.type], [body.buyer.type])
    steps = _evaluate(
        "contract_steps",
        {"usage": body.usage, "signing": signing, "filing_required": filing, "overseas_party": overseas},
    )
    docs = {}
    for role, p in parties:
        docs[role] = _evaluate("allowed_doc_types", {"role": role, "type": p.type, "origin": p.origin})
        docs[role]["sections"] = list(DOC_TYPE_SECTIONS)
    if body.filed:
        cancel_input: dict[str, Any] = {
            "transfer_registration_accepted": body.transfer_registration_accepted,
            "both_agree": body.both_agree,
            "legal_document": body.legal_document,
            "change": body.change,
        }
        cancel = {"rule": "cancel_filed", "output": _evaluate("cancel_filed", cancel_input)}
    else:
        cancel_input = {
            "signed": body.signed,
            "qualification_code_applied": body.qualification_code_applied,
            "signing": signing,
            "downloaded": body.downloaded,
        }
        cancel = {"rule": "cancel_unfiled", "output": _evaluate("cancel_unfiled", cancel_input)}
    return {
        "signing": signing,
        "overseas_party": overseas,
        "filing_required": filing,
        "filing_sections": list(FILING_REQUIRED_SECTIONS),
        "signing_options": options,
        "contract_steps": steps,
        "doc_types": docs,
        "cancel": cancel,
    }


async def manual_section(request: web.Request) -> web.Response:
    _who(request)
    number = request.match_info["section"].strip()
    if not SECTION_ID.match(number):
        raise ApiError(400, "invalid_section", "a section is a heading number such as 5.3.5.1")
    if MANUAL not in request.app:
        raise ApiError(404, "no_manual", "this server has no copy of the manual (paths.manual)")
    found = request.app[MANUAL].get(number)
    if found is None:
        raise ApiError(404, "unknown_section", f"the manual has no section {number}")
    out = ManualSection(section=found.number, title=found.title, text=found.text)
    return web.json_response(out.model_dump(), headers={"Cache-Control": "private, max-age=3600"})


async def situation(request: web.Request) -> web.Response:
    _who(request)
    body: SituationBody = _parse(SituationBody, await _json(request))
    return web.json_response(answer(body))
