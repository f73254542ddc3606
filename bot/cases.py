"""The hotline's case lookup: ``GET /api/staff/cases/{contract_id}`` (staff token).

A caller gives their contract number; the desk sees where it stands. The assistant reads the
platform over HTTP only, as it would a real one: the mock's back office
``GET {mock.base_url}/admin/contracts/{id}`` with ``mock.admin_token`` (``mock.base_url`` empty: this
server's own ``/mock``). The answer is reshaped for the desk: the status in words, the steps
(with their manual sections), what each role may do now (``next``), whose move it is
(``turn``), what is still missing, the cancellation, and the parties with names and numbers
masked (no account ids). Whose move it is and what is missing are decided by
:func:`rules.progress.case_progress`; the words (status, actions, roles, missing) are
``dialogs/contract_texts.yaml``'s ``desk`` vocabulary. Unknown contract → 404 ``unknown_contract``; the platform
unreachable or too slow → 503 ``platform_unavailable``; any other answer from it (a refused
token, an error, a status or role the rules do not know) → 502 ``platform_error``. Every lookup is in the audit log (the contract id,
nothing personal).
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web
from pydantic import BaseModel, ValidationError

from dialogs.contract_texts import contract_texts
from dialogs.privacy import mask_name, mask_text
from rules.progress import CaseProgressInput, Missing, case_progress
from rules.steps import STEPS

from .staff import STAFF, _who
from .web import ApiError

log = logging.getLogger("esf.cases")
TIMEOUT_SECONDS = 5.0
CONTRACT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


class Action(BaseModel):
    action: str
    text: str


class CaseParty(BaseModel):
    role: str
    type: str
    origin: str
    name: str  # masked
    doc_type: str
    id_number: str  # masked
    via_agent: bool = False
    agent: str | None = None  # the agent's masked name and number
    signature: str | None = None  # pending | signed (online signing)


class CaseStep(BaseModel):
    code: str
    title: str
    section: str


class CaseCancellation(BaseModel):
    kind: str
    applicant: str
    status: str
    section: str


class Case(BaseModel):
    contract_id: str
    status: str
    status_text: str
    signing: str
    usage: str
    filing_required: bool
    steps: list[CaseStep]
    next: dict[str, list[Action]]  # seller, buyer, counter_staff, back_office → what each may do now
    turn: list[str]  # the roles whose move it is
    missing: list[str]
    cancellation: CaseCancellation | None
    parties: list[CaseParty]
    filing_stamp: str | None = None


class CaseLookup:
    """The mock's back office over HTTP (one client session for the server's lifetime)."""

    def __init__(self, base_url: str, admin_token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.admin_token = admin_token
        self.session: aiohttp.ClientSession | None = None

    async def fetch(self, contract_id: str) -> tuple[int, Any]:
        if self.session is None:
            self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS))
        url = f"{self.base_url}/admin/contracts/{quote(contract_id, safe='')}"
        headers = {"Authorization": f"Bearer {self.admin_token}"}
        async with self.session.get(url, headers=headers) as response:
            try:
                body = await response.json(content_type=None)
            except ValueError:
                body = None
            return response.status, body

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()


CASES: web.AppKey[CaseLookup] = web.AppKey("case_lookup", CaseLookup)


def setup(app: web.Application, base_url: str, admin_token: str) -> None:
    lookup = CaseLookup(base_url, admin_token)
    app[CASES] = lookup

    async def close(app: web.Application) -> None:
        await lookup.close()

    app.on_cleanup.append(close)
    app.router.add_get("/api/staff/cases/{contract_id}", case)


async def case(request: web.Request) -> web.Response:
    who = _who(request)
    contract_id = request.match_info["contract_id"].strip()
    if not CONTRACT_ID.match(contract_id):
        raise ApiError(400, "invalid_contract_id", "a contract id is 1-100 letters, digits, '.', '_' or '-'")
    lookup = request.app[CASES]
    if not lookup.base_url:
        raise ApiError(
            503, "platform_unavailable", "no platform is configured for case lookups (mock.base_url)"
        )
    try:
        status, raw = await lookup.fetch(contract_id)
    except (TimeoutError, aiohttp.ClientError, OSError):
        log.warning("case lookup: the platform cannot be reached")
        raise ApiError(
            503, "platform_unavailable", "the platform cannot be reached right now; try again shortly",
            {"Retry-After": "10"},
        ) from None  # fmt: skip
    if status == 404:
        raise ApiError(404, "unknown_contract", "the platform has no contract with this id")
    if status != 200 or not isinstance(raw, dict):
        log.warning("case lookup: the platform answered %d", status)
        detail = " (check mock.admin_token)" if status in (401, 403) else ""
        raise ApiError(502, "platform_error", f"the platform answered {status}{detail}")
    try:
        found = view(raw)
    except ValidationError:  # a status, role or cancellation this desk does not know
        log.warning("case lookup: the platform's contract could not be read")
        raise ApiError(502, "platform_error", "the platform's answer could not be read") from None
    request.app[STAFF].audit(who.username, "read_case", None, {"contract_id": contract_id})
    return web.Response(
        body=found.model_dump_json().encode(), content_type="application/json", charset="utf-8"
    )


def view(raw: dict[str, Any]) -> Case:
    """The desk's view of the back office's contract.

    >>> c = view({"contract_id": "c1", "status": "awaiting_signatures", "signing": "online",
    ...     "usage": "residential", "filing_required": True, "steps": ["fill_terms", "esign"],
    ...     "next": [], "next_by_role": {"seller": ["cancellations"], "buyer": []},
    ...     "signatures": {"a1": "signed", "a2": "pending"}, "cancellation": None, "parties": [
    ...       {"role": "seller", "account_id": "a1", "type": "individual", "origin": "mainland",
    ...        "name": "陈大文", "doc_type": "resident_id", "id_number": "440***********1235"},
    ...       {"role": "buyer", "account_id": "a2", "type": "individual", "origin": "hk",
    ...        "name": "李四", "doc_type": "hk_macau_permit", "id_number": "H1****78"}]})
    >>> c.turn, c.missing, [p.name for p in c.parties]
    (['buyer'], ['买方 李* 尚未在i深圳确认签署（5.3.5.1）'], ['陈*文', '李*'])
    >>> [s.section for s in c.steps], [a.text for a in c.next["seller"]]
    (['5.3.1', '5.3.5.1'], ['申请注销'])
    """
    texts = contract_texts()
    status = str(raw.get("status"))
    signing = str(raw.get("signing"))
    online = signing == "online"
    by_role: dict[str, list[str]] = {
        **{str(role): [str(a) for a in actions] for role, actions in (raw.get("next_by_role") or {}).items()}
    }
    by_role["back_office"] = [str(a) for a in raw.get("next") or []]
    next_actions = {
        role: [Action(action=a, text=texts.action(role, a)) for a in actions]
        for role, actions in by_role.items()
    }
    signatures = raw.get("signatures") or {}
    parties: list[CaseParty] = []
    for p in raw.get("parties") or []:
        agent = p.get("agent") or None
        parties.append(
            CaseParty(
                role=str(p.get("role")),
                type=str(p.get("type")),
                origin=str(p.get("origin")),
                name=mask_name(str(p.get("name", ""))),
                doc_type=str(p.get("doc_type")),
                id_number=mask_text(str(p.get("id_number", ""))),
                via_agent=bool(p.get("via_agent")),
                agent=f"{mask_name(str(agent.get('name', '')))} {mask_text(str(agent.get('id_number', '')))}"
                if agent
                else None,
                signature=signatures.get(p.get("account_id")) if online else None,
            )
        )
    c = raw.get("cancellation")
    progress = case_progress(
        CaseProgressInput.model_validate(
            {
                "status": status,
                "signing": signing,
                "filing_required": bool(raw.get("filing_required")),
                "next_by_role": by_role,
                "parties": [
                    {
                        "role": party.role,
                        "account_id": str(p["account_id"]) if p.get("account_id") else None,
                        "signature": party.signature,
                    }
                    for p, party in zip(raw.get("parties") or [], parties, strict=True)
                ],
                "cancellation": {
                    "applicant": c.get("applicant"),
                    "status": c.get("status"),
                    "materials_missing": [str(a) for a in c.get("materials_missing") or []],
                }
                if isinstance(c, dict)
                else None,
            }
        )
    )
    cancellation = None
    if isinstance(c, dict):
        cancellation = CaseCancellation(
            kind=str(c.get("kind")),
            applicant=str(c.get("applicant")),
            status=str(c.get("status")),
            section=progress.cancellation_section or "7",
        )
    steps = []
    for code in raw.get("steps") or []:
        title, on, off = STEPS.get(str(code), (str(code), "", ""))
        steps.append(CaseStep(code=str(code), title=title, section=on if online else off))
    return Case(
        contract_id=str(raw.get("contract_id")),
        status=status,
        status_text=texts.statuses[status].desk.get("zh") if status in texts.statuses else status,
        signing=signing,
        usage=str(raw.get("usage")),
        filing_required=bool(raw.get("filing_required")),
        steps=steps,
        next=next_actions,
        turn=list(progress.turn),
        missing=[missing_text(m, parties) for m in progress.missing],
        cancellation=cancellation,
        parties=parties,
        filing_stamp=raw.get("filing_stamp") or None,
    )


def missing_text(m: Missing, parties: list[CaseParty], lang: str = "zh") -> str:
    """One thing the case waits for, in words (``dialogs/contract_texts.yaml``'s ``missing``).

    >>> missing_text(Missing(code="filing", role="seller", section="5.4.5"), [])
    '卖方上传备案材料并提交合同备案（5.4.5）'
    """
    texts = contract_texts()
    code: str = m.code
    if code == "cancel_materials" and m.party_index is None:
        code = "cancel_materials_unknown"
    fields = {
        "status": "",
        "action": texts.action(m.role or "", m.action or "", lang),
        "role": texts.role(m.role or "", lang),
        "name": parties[m.party_index].name if m.party_index is not None else "",
        "section": m.section or "",
    }
    if m.status is not None:
        waiting = texts.statuses[m.status].waiting
        fields["status"] = waiting.get(lang) if waiting else m.status
    return texts.missing[code].get(lang).format(**fields)
