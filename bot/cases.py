"""The hotline's case lookup: ``GET /api/staff/cases/{contract_id}`` (staff token).

A caller gives their contract number; the desk sees where it stands. The assistant reads the
platform over HTTP only, as it would a real one: the mock's back office
``GET {mock.base_url}/admin/contracts/{id}`` with ``mock.admin_token`` (``mock.base_url`` empty: this
server's own ``/mock``). The answer is reshaped for the desk: the status in words, the steps
(with their manual sections), what each role may do now (``next``), whose move it is
(``turn``), what is still missing, the cancellation, and the parties with names and numbers
masked (no account ids). Unknown contract → 404 ``unknown_contract``; the platform
unreachable or too slow → 503 ``platform_unavailable``; any other answer from it (a refused
token, an error) → 502 ``platform_error``. Every lookup is in the audit log (the contract id,
nothing personal).
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web
from pydantic import BaseModel

from dialogs.privacy import mask_name, mask_text
from rules.steps import STEPS

from .staff import STAFF, _who
from .web import ApiError

log = logging.getLogger("esf.cases")
TIMEOUT_SECONDS = 5.0
CONTRACT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")

STATUS_TEXT = {
    "draft": "草稿：合同条款已填写，合同文本尚未生成",
    "text_generated": "已生成合同示范文本",
    "qualification_pending": "购房资格审查中",
    "qualification_approved": "购房资格审查已通过",
    "qualification_rejected": "购房资格审查未通过",
    "commitment_uploaded": "承诺书已上传，待发送电子签署",
    "awaiting_signatures": "待买卖双方i深圳电子签署",
    "signed": "已签署，待办理合同备案",
    "filing_submitted": "备案审核中",
    "filed": "已备案",
    "filing_cancelled": "备案已注销（可修改条款后重新备案）",
    "cancelled": "已注销网签",
    "completed": "已完成（无需备案：打印合同后到不动产登记中心办理转移登记）",
}
ACTION_TEXT = {
    "generate": "生成合同示范文本",
    "print": "下载打印合同",
    "qualification": "申请购房资格审查",
    "qualification/void": "作废购房资格码",
    "commitment": "上传承诺书",
    "send-for-signing": "发送买卖双方电子签署",
    "offline-upload": "上传签署后的合同和承诺书",
    "notarization": "上传涉外合同公证书",
    "filing-materials": "上传备案材料",
    "filing": "提交合同备案",
    "edit_terms": "修改合同条款",
    "cancellations": "申请注销",
    "cancellations/confirm": "确认注销",
    "cancellations/materials": "上传注销材料",
    "cancellations/submit": "提交注销审核",
}
BACK_OFFICE_TEXT = {
    "qualification": "审核购房资格",
    "filing": "审核合同备案",
    "cancellation": "审核注销申请",
    "transfer-accepted": "登记转移登记已受理",
}
# Actions that move the case forward (the others are optional: edit, void, cancel, print copies).
FORWARD = {
    "generate",
    "qualification",
    "commitment",
    "send-for-signing",
    "offline-upload",
    "notarization",
    "filing",
    "cancellations/confirm",
    "cancellations/materials",
    "cancellations/submit",
}
ROLE_TEXT = {"seller": "卖方", "buyer": "买方", "counter_staff": "窗口工作人员", "back_office": "审核部门"}
WAITING = {  # status → what the case waits for (besides signatures and cancellation materials)
    "draft": "卖方生成合同示范文本（5.3.2 / 5.4.2）",
    "qualification_pending": "购房资格审查结果（审核部门；结果以短信通知）",
    "qualification_rejected": "买方重新申请购房资格审查（5.3.3 / 5.4.3）",
    "commitment_uploaded": "卖方发送买卖双方电子签署（5.3.5.1）",
    "filing_submitted": "合同备案审核结果（审核部门）",
}


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
    request.app[STAFF].audit(who.username, "read_case", None, {"contract_id": contract_id})
    return web.Response(
        body=view(raw).model_dump_json().encode(), content_type="application/json", charset="utf-8"
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
    status = str(raw.get("status"))
    signing = str(raw.get("signing"))
    online = signing == "online"
    by_role: dict[str, list[str]] = {
        **{role: list(actions) for role, actions in (raw.get("next_by_role") or {}).items()}
    }
    by_role["back_office"] = list(raw.get("next") or [])
    next_actions = {
        role: [
            Action(action=a, text=(BACK_OFFICE_TEXT if role == "back_office" else ACTION_TEXT).get(a, a))
            for a in actions
        ]
        for role, actions in by_role.items()
    }
    turn = [r for r, actions in by_role.items() if (r == "back_office" and actions) or set(actions) & FORWARD]
    signatures = raw.get("signatures") or {}
    parties: list[CaseParty] = []
    by_account: dict[str, CaseParty] = {}
    for p in raw.get("parties") or []:
        agent = p.get("agent") or None
        party = CaseParty(
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
        parties.append(party)
        if p.get("account_id"):
            by_account.setdefault(str(p["account_id"]), party)
    missing = []
    if status in WAITING:
        missing.append(WAITING[status])
    if status in ("text_generated", "qualification_approved"):
        wanted = [a.text for r in ("seller", "buyer") for a in next_actions.get(r, []) if a.action in FORWARD]
        missing += [f"{t}（{'卖方' if t != '申请购房资格审查' else '买方'}）" for t in wanted]
    if status == "awaiting_signatures":
        for party in parties:
            if party.signature == "pending":
                if party.role not in turn:
                    turn.append(party.role)
                missing.append(
                    f"{ROLE_TEXT.get(party.role, party.role)} {party.name} 尚未在i深圳确认签署（5.3.5.1）"
                )
    if status in ("signed", "filing_cancelled") and raw.get("filing_required"):
        if "notarization" in by_role.get("seller", []):
            missing.append("涉外合同公证书（5.4.5.1）")
        missing.append("卖方上传备案材料并提交合同备案（" + ("5.3.5.2" if online else "5.4.5") + "）")
    cancellation = None
    c = raw.get("cancellation")
    if isinstance(c, dict):
        cancellation = CaseCancellation(
            kind=str(c.get("kind")),
            applicant=str(c.get("applicant")),
            status=str(c.get("status")),
            section="8" if status == "filed" else "7",  # a filed contract stays filed while it is reviewed
        )
        if c.get("status") == "awaiting_confirmation":
            other = "卖方" if c.get("applicant") == "buyer" else "买方"
            missing.append(f"{other}确认注销（7）")
        elif c.get("status") == "awaiting_materials":
            for account in c.get("materials_missing") or []:
                who = by_account.get(str(account))
                name = f"{ROLE_TEXT.get(who.role, who.role)} {who.name}" if who else "一方当事人"
                missing.append(f"{name} 的注销材料（8.2.3–8.2.7）")
        elif c.get("status") == "under_review":
            missing.append("注销审核结果（审核部门）")
    steps = []
    for code in raw.get("steps") or []:
        title, on, off = STEPS.get(str(code), (str(code), "", ""))
        steps.append(CaseStep(code=str(code), title=title, section=on if online else off))
    return Case(
        contract_id=str(raw.get("contract_id")),
        status=status,
        status_text=STATUS_TEXT.get(status, status),
        signing=signing,
        usage=str(raw.get("usage")),
        filing_required=bool(raw.get("filing_required")),
        steps=steps,
        next=next_actions,
        turn=turn,
        missing=missing,
        cancellation=cancellation,
        parties=parties,
        filing_stamp=raw.get("filing_stamp") or None,
    )
