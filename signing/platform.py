"""The platform mock's behaviour: it stores and enforces, ``rules`` decides.

Who may act is :func:`rules.permission.permission`; every status change goes
through :func:`rules.lifecycle.advance` (role first: 403, then status: 409); the
title check, the signing options, the steps and both cancellations are the rules
of the same names.  This module only fills their inputs from the records
(accounts, logins, the registry, the contract) and writes what they allow, with
one event per lifecycle event (:class:`storage.platform.PlatformStore`).

Every recorded event is handed to the async callbacks in :attr:`Platform.on_event`,
every SMS to :attr:`Platform.on_sms`, and a single party's i深圳 signature (no status
change) to :attr:`Platform.on_signature`: ``signing/webhook.py`` posts them to the
assistant, which writes them into the linked conversations (``bot/notices.py``).
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, cast

from dialogs.privacy import mask_number
from rules import RuleError
from rules.cancel import CancelFiledInput, CancelUnfiledInput, cancel_filed, cancel_unfiled
from rules.certs import ValidateCertInput, validate_cert_number
from rules.ids import ValidateIdInput, normalize, validate_id
from rules.lifecycle import MESSAGES as LIFECYCLE_MESSAGES
from rules.lifecycle import STATUS_NAMES, ContractFacts, TransitionError, advance, allowed_events
from rules.parties import AllowedDocTypesInput, Party, SigningOptionsInput, allowed_doc_types, signing_options
from rules.permission import Action, PermissionInput, permission
from rules.steps import ContractStepsInput, contract_steps, filing_required
from rules.title import (
    PasswordLoginInput,
    RealnameLevelInput,
    TitleCheckInput,
    password_login,
    realname_level,
    title_check,
)
from storage.db import StorageError, now_iso
from storage.platform import Change, PlatformStore, StatusConflict
from storage.staff import digest, hash_password, verify_password

from . import models as m
from .http import ApiError
from .messages import ISZ_STEP_NAMES, msg

log = logging.getLogger("esf.signing")

EventHook = Callable[[dict[str, Any]], Awaitable[None]]
SmsHook = Callable[[str, str], Awaitable[None]]
BodyReader = Callable[[], Awaitable[bytes]]
PartsReader = Callable[[], Awaitable[list[tuple[str, bytes]]]]

#: lifecycle event -> the action in ``next`` (the path after /contracts/{id}/).
EVENT_ACTIONS: dict[str, str] = {
    "generate": "generate",
    "print": "print",
    "apply_qualification": "qualification",
    "void_qualification": "qualification/void",
    "upload_commitment": "commitment",
    "send_for_signing": "send-for-signing",
    "offline_upload": "offline-upload",
    "submit_filing": "filing",
    "edit_terms": "edit_terms",
    "upload_notarization": "notarization",
    "upload_filing_materials": "filing-materials",
}
#: the action in the path -> its lifecycle event (EVENT_ACTIONS read the other way)
ACTION_EVENTS: dict[str, str] = {action: event for event, action in EVENT_ACTIONS.items()}
BACK_OFFICE_ACTIONS: dict[str, str] = {
    "qualification_approve": "qualification",
    "qualification_reject": "qualification",
    "filing_approve": "filing",
    "filing_reject": "filing",
}
FIRST_CANCEL_PARTS = ("authorization", "application", "commitment", "agreement")
#: refusals of :func:`rules.lifecycle.advance` answered 409 with its code (``forbidden`` is 403)
CONFLICT_CODES = frozenset(
    {"wrong_status", "notarization_required", "already_signed", "not_applicable", "already_notarized"}
)


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


@dataclass(frozen=True)
class Caller:
    """A logged-in user (``account``, and the legal person a 经办人 acts for), or the
    hall's counter staff (``account`` None: the admin token on a contract route)."""

    account: dict[str, Any] | None
    acting_for: dict[str, Any] | None = None
    login_method: str = "yss_scan"
    sms_verified: bool = False

    @property
    def keys(self) -> set[str]:
        out = set()
        if self.account is not None:
            out.add(str(self.account["id"]))
        if self.acting_for is not None:
            out.add(str(self.acting_for["id"]))
        return out

    @property
    def actor(self) -> str:
        return str(self.account["id"]) if self.account is not None else "counter_staff"


COUNTER_STAFF = Caller(account=None)


@lru_cache(maxsize=4096)
def _allowed_events(facts: ContractFacts, role: str) -> tuple[str, ...]:
    """:func:`rules.lifecycle.allowed_events`, remembered: it is a pure function of the
    (frozen, hashable) facts and the role, and it tries every event (``next`` of every view)."""
    return tuple(allowed_events(facts, role))


class Platform:
    """The mock platform over a :class:`PlatformStore`."""

    def __init__(
        self,
        store: PlatformStore,
        *,
        admin_token: str,
        token_ttl_seconds: float = 12 * 3600,
        sms_ttl_seconds: float = 300,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self._admin_token = admin_token
        self.token_ttl_seconds = token_ttl_seconds
        self.sms_ttl_seconds = sms_ttl_seconds
        self.clock = clock
        self.on_event: list[EventHook] = []
        self.on_sms: list[SmsHook] = []
        #: one party's i深圳 signature while others are pending (not a status change, so no event)
        self.on_signature: list[EventHook] = []

    # ================================================================== hooks
    async def _emit(self, event: dict[str, Any] | None, contract: dict[str, Any]) -> None:
        if event is None:
            return
        payload = {
            "type": "status",
            "contract_id": event["contract_id"],
            "event": event["event"],
            "from": event["from_status"],
            "to": event["to_status"],
            "who": event["actor"],
            "role": event["role"],
            "at": event["at"],
            "parties": sorted({p["account_id"] for p in contract["parties"] if p.get("account_id")}),
        }
        await self._call_hooks(payload, self.on_event)

    async def _call_hooks(self, payload: dict[str, Any], hooks: list[EventHook]) -> None:
        for hook in list(hooks):
            try:
                await hook(payload)
            except Exception:
                log.exception("on_event hook failed for event %s", payload.get("event", payload.get("type")))

    async def _send_sms(self, account_id: str, text: str, code: str | None, purpose: str) -> None:
        expires = self.clock() + self.sms_ttl_seconds if code is not None else None
        self.store.add_sms(account_id, text, code, purpose, expires)
        for hook in list(self.on_sms):
            try:
                await hook(account_id, text)
            except Exception:
                log.exception("on_sms hook failed")

    # ================================================================== who is calling
    def is_admin(self, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token.encode(), self._admin_token.encode())

    def user(self, token: str | None) -> Caller:
        """The logged-in user behind a bearer token; 401 when none, forged or expired."""
        if token is None:
            raise ApiError(401, "unauthorized", msg("login_required"))
        row = self.store.token(digest(token), self.clock())
        account = self.store.account(str(row["account_id"])) if row else None
        if row is None or account is None:
            raise ApiError(401, "invalid_token", msg("invalid_token"))
        acting = self.store.account(str(row["acting_for"])) if row["acting_for"] else None
        return Caller(account, acting, str(row["login_method"]), bool(row["sms_verified"]))

    def contract_caller(self, token: str | None) -> Caller:
        """A user, or the counter staff (the back office's token on a contract route)."""
        return COUNTER_STAFF if self.is_admin(token) else self.user(token)

    def admin(self, token: str | None) -> None:
        """The back office only: 401 without a valid token, 403 for a user's token."""
        if self.is_admin(token):
            return
        if token is not None and self.store.token(digest(token), self.clock()) is not None:
            raise ApiError(403, "forbidden", msg("back_office_only"))
        raise ApiError(401, "unauthorized", msg("admin_token_required"))

    # ================================================================== login and SMS
    async def login(self, body: m.LoginBody) -> dict[str, Any]:
        wrong = ApiError(401, "wrong_credentials", msg("wrong_credentials"))
        account = self.store.account(body.account_id)
        if account is None:
            raise wrong
        sms_verified = False
        if body.method == "password":
            if not verify_password(account["password_hash"], body.secret):
                raise wrong
            refused = password_login(
                PasswordLoginInput(realname=account["realname"], sms_verified=bool(body.sms_code))
            )
            if refused is not None and refused.code == "login_method":
                raise ApiError(403, "password_login_not_allowed", refused.message)
            if refused is not None:
                raise ApiError(401, "sms_code_required", refused.message)
            assert body.sms_code is not None
            if not self.store.use_sms_code(account["id"], "login", body.sms_code, self.clock()):
                raise ApiError(401, "wrong_sms_code", msg("wrong_sms_code"))
            sms_verified = True
        elif not hmac.compare_digest(digest(body.secret), str(account["secret_hash"])):
            raise wrong
        acting_for: str | None = None
        if body.institution_id:
            institution = self.store.account(body.institution_id)
            if institution is None or institution["kind"] != "legal_person":
                raise ApiError(404, "unknown_institution", msg("unknown_institution"))
            if body.institution_id not in self.store.active_legal_persons(account["id"]):
                raise ApiError(403, "not_bound", msg("not_bound"))
            acting_for = body.institution_id
        token = secrets.token_urlsafe(32)
        self.store.add_token(
            {
                "token_hash": digest(token),
                "account_id": account["id"],
                "acting_for": acting_for,
                "login_method": body.method,
                "sms_verified": sms_verified,
                "expires_at": self.clock() + self.token_ttl_seconds,
            }
        )
        return {
            "token": token,
            "account_id": account["id"],
            "acting_for": acting_for,
            "level": account["level"],
        }

    async def send_login_sms(self, body: m.SmsSendBody) -> dict[str, Any]:
        account = self.store.account(body.account_id)
        if account is None:
            raise ApiError(404, "unknown_account", msg("unknown_account"))
        code = f"{secrets.randbelow(10**6):06d}"
        minutes = max(1, int(self.sms_ttl_seconds // 60))
        text = msg("sms_login", code=code, minutes=minutes)
        await self._send_sms(account["id"], text, code, "login")
        return {"sent": True, "mobile": mask_number(account["mobile"])}

    def sms_inbox(self, account_id: str) -> dict[str, Any]:
        if self.store.account(account_id) is None:
            raise ApiError(404, "unknown_account", msg("unknown_account"))
        return {"messages": self.store.sms(account_id)}

    # ================================================================== seeding (back office)
    @staticmethod
    def _checked_id(doc_type: str, number: str, what: str) -> str:
        out = validate_id(ValidateIdInput.model_validate({"doc_type": doc_type, "number": number}))
        if not out.valid or out.normalized is None:
            raise ApiError(422, "invalid_id_number", msg("field_message", where=what, message=out.message))
        return out.normalized

    def seed_account(
        self, body: m.AccountBody, *, account_id: str | None = None, secret: str | None = None
    ) -> dict[str, Any]:
        """A new account; ``account_id`` and ``secret`` are given only by the demo data (fixed, public)."""
        if (body.kind == "legal_person") != (body.doc_type == "uscc"):
            raise ApiError(422, "invalid_doc_type", msg("invalid_doc_type"))
        number = self._checked_id(body.doc_type, body.id_number, "id_number")
        mobile = self._checked_id("mobile", body.mobile, "mobile")
        account_id = account_id or _new_id("acc")
        secret = secret or secrets.token_urlsafe(24)
        self.store.add_account(
            {
                "id": account_id,
                "kind": body.kind,
                "name": body.name,
                "doc_type": body.doc_type,
                "id_number": number,
                "mobile": mobile,
                "level": body.level,
                "realname": body.realname,
                "origin": body.origin,
                "capacity": body.capacity,
                "can_use_isz": body.can_use_isz,
                "blacklisted": body.blacklisted,
                "secret_hash": digest(secret),
                "password_hash": hash_password(body.password) if body.password else None,
            }
        )
        return {"account_id": account_id, "login_secret": secret}

    def seed_property(self, body: m.PropertyBody, *, property_id: str | None = None) -> dict[str, Any]:
        cert = validate_cert_number(
            ValidateCertInput.model_validate({"cert_type": body.cert_type, "number": body.cert_number})
        )
        if not cert.valid or cert.normalized is None:
            raise ApiError(
                422, "invalid_cert_number", msg("field_message", where="cert_number", message=cert.message)
            )
        if body.industrial and body.usage == "residential":
            raise ApiError(422, "invalid_input", msg("industrial_not_residential"))
        owners = []
        for index, owner in enumerate(body.owners):
            if owner.account_id is not None and self.store.account(owner.account_id) is None:
                raise ApiError(
                    422, "unknown_account", msg("unknown_account_at", where=f"owners.{index}.account_id")
                )
            owners.append(
                {
                    **owner.model_dump(),
                    "id_number": self._checked_id(
                        owner.doc_type, owner.id_number, f"owners.{index}.id_number"
                    ),
                }
            )
        property_id = property_id or _new_id("prop")
        values = body.model_dump(exclude={"owners", "cert_number"})
        try:
            self.store.add_property({**values, "id": property_id, "cert_number": cert.normalized}, owners)
        except StorageError:
            raise ApiError(409, "already_registered", msg("already_registered")) from None
        return {"property_id": property_id}

    def seed_link(self, body: m.LinkBody) -> dict[str, Any]:
        prop = self.store.property(body.property_id)
        if prop is None:
            raise ApiError(404, "unknown_property", msg("unknown_property"))
        for field in ("owner_account_id", "agent_account_id"):
            if self.store.account(getattr(body, field)) is None:
                raise ApiError(422, "unknown_account", msg("unknown_account_at", where=field))
        if body.owner_account_id not in {o["account_id"] for o in prop["owners"]}:
            raise ApiError(422, "not_an_owner", msg("not_an_owner"))
        link_id = _new_id("link")
        self.store.add_link(link_id, body.owner_account_id, body.agent_account_id, body.property_id)
        return {"link_id": link_id}

    # ================================================================== agents of a legal person
    def add_agent(self, caller: Caller, body: m.AgentBody) -> dict[str, Any]:
        account = caller.account
        if account is None or account["kind"] != "legal_person" or caller.acting_for is not None:
            raise ApiError(403, "not_a_legal_person", msg("not_a_legal_person"))
        level = realname_level(RealnameLevelInput(level=account["level"], purpose="add_agent"))
        if not level.ok:
            raise ApiError(403, "level_too_low", level.message)
        agent = self.store.account(body.agent_account_id)
        if agent is None:
            raise ApiError(404, "unknown_account", msg("unknown_agent_account"))
        if agent["kind"] != "individual":
            raise ApiError(422, "not_an_individual", msg("not_an_individual"))
        agent_level = realname_level(RealnameLevelInput(level=agent["level"], purpose="add_agent"))
        if not agent_level.ok:
            raise ApiError(422, "agent_level_too_low", agent_level.message)
        if self.store.bindings_between(account["id"], agent["id"]):
            raise ApiError(409, "already_bound", msg("already_bound"))
        binding_id = _new_id("bind")
        self.store.add_binding(binding_id, account["id"], agent["id"])
        return {"binding_id": binding_id, "status": "pending"}

    def _binding(self, binding_id: str) -> dict[str, Any]:
        binding = self.store.binding(binding_id)
        if binding is None:
            raise ApiError(404, "unknown_binding", msg("unknown_binding"))
        return binding

    def confirm_agent(self, caller: Caller, binding_id: str) -> dict[str, Any]:
        binding = self._binding(binding_id)
        if caller.account is None or binding["agent_id"] != caller.account["id"] or caller.acting_for:
            raise ApiError(403, "forbidden", msg("confirm_by_agent_only"))
        if binding["status"] != "pending":
            raise ApiError(409, "wrong_status", msg("binding_not_pending", status=binding["status"]))
        self.store.set_binding_status(binding_id, "active")
        return {"binding_id": binding_id, "status": "active"}

    def unbind_agent(self, caller: Caller, binding_id: str) -> dict[str, Any]:
        binding = self._binding(binding_id)
        if caller.account is None or binding["legal_person_id"] != caller.account["id"] or caller.acting_for:
            raise ApiError(403, "forbidden", msg("unbind_by_legal_person_only"))
        if binding["status"] == "unbound":
            raise ApiError(409, "wrong_status", msg("already_unbound"))
        self.store.set_binding_status(binding_id, "unbound")
        return {"binding_id": binding_id, "status": "unbound"}

    # ================================================================== title check
    @staticmethod
    def _match_owner(owners: list[dict[str, Any]], identity: dict[str, Any]) -> dict[str, Any] | None:
        for owner in owners:
            if owner["account_id"] and owner["account_id"] == identity["id"]:
                return owner
        for owner in owners:
            if owner["doc_type"] == identity["doc_type"] and normalize(
                owner["doc_type"], owner["id_number"]
            ) == normalize(identity["doc_type"], identity["id_number"]):
                return owner
        return None

    def check_title(self, caller: Caller, body: m.TitleCheckBody) -> dict[str, Any]:
        account = caller.account
        assert account is not None
        cert = validate_cert_number(
            ValidateCertInput.model_validate({"cert_type": body.cert_type, "number": body.cert_number})
        )
        number = cert.normalized if cert.valid and cert.normalized else body.cert_number.strip()
        prop = self.store.find_property(body.cert_type, number, body.region)
        if prop is None:
            raise ApiError(404, "unknown_certificate", msg("unknown_certificate"))
        owners: list[dict[str, Any]] = prop["owners"]
        institution = caller.acting_for
        identity = institution or account
        is_institution = institution is not None
        if (
            institution is None
            and body.login_identity == "owner"
            and self._match_owner(owners, account) is None
        ):
            # A 经办人 of an owning institution who logged in with the personal card.
            owning = {o["account_id"] for o in owners if o["account_id"]}
            for legal_person in self.store.active_legal_persons(account["id"]):
                found = self.store.account(legal_person) if legal_person in owning else None
                if found is not None:
                    identity, is_institution = found, True
                    break
        owner = self._match_owner(owners, identity) or owners[0]
        linked = self.store.linked_owners(account["id"], prop["id"])
        flagged = [account, institution, *(self.store.account(a) for a in linked)]
        if owner["account_id"]:
            flagged.append(self.store.account(owner["account_id"]))
        unverified = account["realname"] == "none"
        inp = TitleCheckInput(
            login_identity=body.login_identity,
            is_institution=is_institution,
            # An account never verified is not at 四级 whatever its level (platform-api.md).
            account_level=min(account["level"], 3) if unverified else account["level"],
            realname="online" if unverified else account["realname"],
            login_method=cast(Any, caller.login_method),
            sms_verified=caller.sms_verified,
            chose_institution_card=institution is not None,
            agent_linked=bool(linked),
            blacklisted=any(a is not None and a["blacklisted"] for a in flagged),
            platform_name=identity["name"],
            cert_name=owner["name"],
            platform_doc_type=identity["doc_type"],
            platform_id_number=identity["id_number"],
            cert_id_number=owner["id_number"],
            property_status=prop["status"],
            multi_unit_mixed_usage=prop["multi_unit_mixed_usage"],
            usage_standardized=prop["usage_standardized"],
        )
        out = title_check(inp).model_dump(mode="json")
        self.store.add_title_check(
            {
                "account_id": account["id"],
                "acting_for": institution["id"] if institution else None,
                "property_id": prop["id"],
                "login_identity": body.login_identity,
                "result": out["result"],
            }
        )
        if out["result"] != "blocked":
            out["property_id"] = prop["id"]
        return out

    # ================================================================== contracts: reading
    def _contract(self, contract_id: str) -> dict[str, Any]:
        contract = self.store.contract(contract_id)
        if contract is None:
            raise ApiError(404, "unknown_contract", msg("unknown_contract"))
        return contract

    @staticmethod
    def role_of(contract: dict[str, Any], caller: Caller) -> str | None:
        """The caller's role on the contract: seller, buyer, counter_staff, or None (not a party)."""
        if caller.account is None:
            return "counter_staff"
        keys = caller.keys
        sellers = {contract["creator_account_id"], contract["creator_acting_for"]}
        buyers: set[str] = set()
        for party in contract["parties"]:
            side = sellers if party["role"] == "seller" else buyers
            side.add(party.get("account_id"))
            if party.get("agent"):
                side.add(party["agent"].get("account_id"))
        if keys & {s for s in sellers if s}:
            return "seller"
        if keys & {b for b in buyers if b}:
            return "buyer"
        return None

    def _party_role(self, contract: dict[str, Any], caller: Caller) -> str:
        role = self.role_of(contract, caller)
        if role is None:
            raise ApiError(403, "not_a_party", msg("not_a_party"))
        return role

    @staticmethod
    def facts(contract: dict[str, Any], signatures: list[dict[str, Any]]) -> ContractFacts:
        """What :mod:`rules.lifecycle` decides on: the contract's record and its ``signatures``."""
        return ContractFacts(
            status=contract["status"],
            signing=contract["signing"],
            usage=contract["usage"],
            filing_required=contract["filing_required"],
            overseas_party=contract["overseas_party"],
            notarized=contract["notarized"],
            anyone_signed=any(s["status"] == "signed" for s in signatures),
        )

    @staticmethod
    def _party_accounts(contract: dict[str, Any]) -> list[str]:
        out: list[str] = []
        for party in contract["parties"]:
            account_id = party.get("account_id")
            if account_id and account_id not in out:
                out.append(account_id)
        return out

    def _permitted(self, contract: dict[str, Any], role: str, action: Action) -> bool:
        if role not in ("buyer", "seller", "counter_staff"):
            return False
        verdict = permission(
            PermissionInput(role=cast(Any, role), filed=contract["status"] == "filed", action=action)
        )
        return verdict.allowed

    def _permit(self, contract: dict[str, Any], role: str, action: Action) -> None:
        verdict = permission(
            PermissionInput(role=cast(Any, role), filed=contract["status"] == "filed", action=action)
        )
        if not verdict.allowed:
            raise ApiError(403, "forbidden", verdict.message)

    def _advance(self, contract: dict[str, Any], event: str, role: str, kind: str | None = None) -> str:
        facts = self.facts(contract, self.store.signatures(contract["id"]))
        try:
            return str(advance(facts, event, role, kind=kind))
        except TransitionError as exc:
            if exc.code == "forbidden":
                raise ApiError(403, "forbidden", exc.message) from None
            if exc.code in CONFLICT_CODES:
                raise ApiError(409, exc.code, exc.message) from None
            raise

    def _unfiled_cancel(self, contract: dict[str, Any]) -> Any:
        return cancel_unfiled(
            CancelUnfiledInput(
                signed=contract["signed_at"] is not None,
                qualification_code_applied=contract["qualification_code_applied"],
                signing=contract["signing"],
                downloaded=contract["downloaded"],
            )
        )

    def _filed_cancel(self, contract: dict[str, Any], change: str) -> Any:
        return cancel_filed(
            CancelFiledInput(
                transfer_registration_accepted=contract["transfer_accepted"],
                both_agree=True,
                legal_document=False,
                change=cast(Any, change),
            )
        )

    def _party_key(self, contract: dict[str, Any], caller: Caller, uploaded: list[str]) -> str:
        """Which party a caller uploads cancellation materials for."""
        accounts = self._party_accounts(contract)
        for key in (caller.acting_for, caller.account):
            if key is not None and key["id"] in accounts:
                return str(key["id"])
        role = self.role_of(contract, caller)
        for party in contract["parties"]:
            if party["role"] == role and party.get("account_id") and party["account_id"] not in uploaded:
                return str(party["account_id"])
        return caller.actor

    def _next(
        self,
        contract: dict[str, Any],
        role: str | None,
        caller: Caller | None,
        cancellation: dict[str, Any] | None,
        signatures: list[dict[str, Any]],
    ) -> list[str]:
        """The actions ``role`` may take now; ``cancellation`` and ``signatures`` are the
        contract's open cancellation and signatures, read once by :meth:`view`."""
        facts = self.facts(contract, signatures)
        if role is None:  # the back office
            office = {
                BACK_OFFICE_ACTIONS[e]
                for e in _allowed_events(facts, "back_office")
                if e in BACK_OFFICE_ACTIONS
            }
            if cancellation is not None and cancellation["status"] == "under_review":
                office.add("cancellation")
            if contract["status"] == "filed" and not contract["transfer_accepted"]:
                office.add("transfer-accepted")
            return sorted(office)
        events = _allowed_events(facts, role)
        out: list[str] = []
        for event in events:
            action = EVENT_ACTIONS.get(event)
            if action is not None:
                out.append(action)
        status = contract["status"]
        if status == "awaiting_signatures" and caller is not None and caller.account is not None:
            mine = [s for s in signatures if s["account_id"] == caller.account["id"]]
            if mine and mine[0]["status"] == "pending":
                out.append("sign")
        if cancellation is None:
            if "apply_cancel" in events:
                if status == "filed":
                    allowed = self._filed_cancel(contract, "none").online_allowed
                else:
                    allowed = self._unfiled_cancel(contract).allowed
                if allowed:
                    out.append("cancellations")
        elif cancellation["status"] == "awaiting_confirmation":
            if "cancel_confirmed" in events and role != cancellation["applicant_role"]:
                out.append("cancellations/confirm")
        elif cancellation["status"] == "awaiting_materials" and caller is not None:
            uploaded = list(cancellation["uploaded_by"])
            if self._permitted(contract, role, "upload_cancel_materials"):
                if self._party_key(contract, caller, uploaded) not in uploaded:
                    out.append("cancellations/materials")
                if uploaded and not self._missing_materials(contract, uploaded):
                    out.append("cancellations/submit")
        return out

    def _missing_materials(self, contract: dict[str, Any], uploaded: list[str]) -> list[str]:
        return [a for a in self._party_accounts(contract) if a not in uploaded]

    def view(self, contract: dict[str, Any], role: str | None, caller: Caller | None) -> dict[str, Any]:
        """A contract as a party (or the back office, ``role`` None) sees it."""
        cancellation = self.store.open_cancellation(contract["id"])
        signatures = self.store.signatures(contract["id"])
        parties = []
        for party in contract["parties"]:
            shown = {**party, "id_number": mask_number(party["id_number"])}
            if party.get("agent"):
                shown["agent"] = {**party["agent"], "id_number": mask_number(party["agent"]["id_number"])}
            parties.append(shown)
        return {
            "contract_id": contract["id"],
            "status": contract["status"],
            "signing": contract["signing"],
            "usage": contract["usage"],
            "steps": contract["steps"],
            "next": self._next(contract, role, caller, cancellation, signatures),
            "parties": parties,
            "signatures": {s["account_id"]: s["status"] for s in signatures},
            "downloaded": contract["downloaded"],
            "cancellation": None
            if cancellation is None
            else {
                "kind": cancellation["kind"],
                "applicant": cancellation["applicant_role"],
                "status": cancellation["status"],
            },
            "property_id": contract["property_id"],
            "filing_required": contract["filing_required"],
            "terms": contract["terms"],
            "notarized": contract["notarized"],
            "filing_stamp": contract["filing_stamp"],
            "role": role,
        }

    def get_contract(self, caller: Caller, contract_id: str) -> dict[str, Any]:
        contract = self._contract(contract_id)
        role = self._party_role(contract, caller)
        self._permit(contract, role, "view")
        return self.view(contract, role, caller)

    def admin_contract(self, contract_id: str) -> dict[str, Any]:
        """The back office's view, plus what the hotline's case lookup needs: ``next_by_role`` (what
        a seller, a buyer and the counter staff may do now) and, while a filed contract's
        cancellation collects materials, the accounts whose materials are still missing."""
        contract = self._contract(contract_id)
        out = self.view(contract, None, None)
        cancellation = self.store.open_cancellation(contract["id"])
        signatures = self.store.signatures(contract["id"])
        out["next_by_role"] = {
            role: self._next(contract, role, None, cancellation, signatures)
            for role in ("seller", "buyer", "counter_staff")
        }
        if cancellation is not None and out["cancellation"] is not None:
            uploaded = list(cancellation["uploaded_by"])
            out["cancellation"]["materials_missing"] = (
                self._missing_materials(contract, uploaded)
                if cancellation["status"] == "awaiting_materials"
                else []
            )
        return out

    def list_contracts(self, caller: Caller) -> dict[str, Any]:
        out = []
        for contract in self.store.contracts_of(sorted(caller.keys)):
            role = self.role_of(contract, caller)
            if role is not None:
                out.append(self.view(contract, role, caller))
        return {"contracts": out}

    def events(self, caller: Caller | None, contract_id: str) -> dict[str, Any]:
        contract = self._contract(contract_id)
        if caller is not None:
            self._permit(contract, self._party_role(contract, caller), "view")
        return {
            "events": [
                {
                    "id": e["id"],
                    "event": e["event"],
                    "from": e["from_status"],
                    "to": e["to_status"],
                    "who": e["actor"],
                    "role": e["role"],
                    "at": e["at"],
                }
                for e in self.store.events(contract_id)
            ]
        }

    def text(self, caller: Caller, contract_id: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
        contract = self._contract(contract_id)
        self._permit(contract, self._party_role(contract, caller), "view")
        return contract, self.store.property(contract["property_id"])

    def text_pdf(self, caller: Caller, contract_id: str) -> dict[str, Any]:
        """Any party may download; a buyer's or seller's download sets ``downloaded`` (manual 7)."""
        contract = self._contract(contract_id)
        role = self._party_role(contract, caller)
        self._permit(contract, role, "view")
        if role in ("buyer", "seller") and not contract["downloaded"]:
            self._write(contract, Change(fields={"downloaded": True}))
        return contract

    # ================================================================== contracts: creating
    def _party(self, body: m.PartyBody, role: str, where: str) -> dict[str, Any]:
        account = None
        if body.account_id is not None:
            account = self.store.account(body.account_id)
            if account is None:
                raise ApiError(422, "unknown_account", msg("unknown_account_at", where=f"{where}.account_id"))
        if role == "buyer":
            allowed = allowed_doc_types(
                AllowedDocTypesInput(role="buyer", type=body.type, origin=body.origin)
            )
            if body.doc_type not in allowed.doc_types:
                raise ApiError(
                    422,
                    "doc_type_not_allowed",
                    msg("field_message", where=f"{where}.doc_type", message=allowed.message),
                )
        number = self._checked_id(body.doc_type, body.id_number, f"{where}.id_number")
        can_use_isz = body.can_use_isz
        if can_use_isz is None:
            can_use_isz = bool(account["can_use_isz"]) if account is not None else False
        return {
            **body.model_dump(),
            "role": role,
            "id_number": number,
            "can_use_isz": can_use_isz,
        }

    async def create_contract(self, caller: Caller, body: m.ContractBody) -> dict[str, Any]:
        account = caller.account
        assert account is not None
        prop = self.store.property(body.property_id)
        if prop is None:
            raise ApiError(404, "unknown_property", msg("unknown_property"))
        acting_for = caller.acting_for["id"] if caller.acting_for else None
        check = self.store.last_title_check(account["id"], acting_for, prop["id"])
        if check is None or check["result"] == "blocked":
            raise ApiError(403, "title_check_required", msg("title_check_required"))
        parties: list[dict[str, Any]] = []
        for index, seller in enumerate(body.sellers):
            if seller.owner_index >= len(prop["owners"]):
                raise ApiError(
                    422, "invalid_body", msg("no_such_owner", where=f"sellers.{index}.owner_index")
                )
            owner = prop["owners"][seller.owner_index]
            owner_account = self.store.account(owner["account_id"]) if owner["account_id"] else None
            agent = self._party(seller.agent, "agent", f"sellers.{index}.agent") if seller.agent else None
            parties.append(
                {
                    "role": "seller",
                    "account_id": owner["account_id"],
                    "type": owner["type"],
                    "origin": owner["origin"],
                    "capacity": owner["capacity"],
                    "name": owner["name"],
                    "doc_type": owner["doc_type"],
                    "id_number": owner["id_number"],
                    "via_agent": agent is not None,
                    "can_use_isz": bool(owner_account["can_use_isz"]) if owner_account else False,
                    "share": owner["share"],
                    "transfer_share": seller.transfer_share,
                    "agent": agent,
                }
            )
        for index, buyer in enumerate(body.buyers):
            parties.insert(index, self._party(buyer, "buyer", f"buyers.{index}"))
        try:
            options = signing_options(
                SigningOptionsInput(
                    parties=[
                        Party(
                            role=p["role"],
                            type=p["type"],
                            origin=p["origin"],
                            capacity=p["capacity"],
                            via_agent=p["via_agent"],
                            can_use_isz=p["can_use_isz"],
                        )
                        for p in parties
                    ]
                )
            )
            overseas = any(r.code == "overseas_party" for r in options.reasons)
            if body.signing == "online" and not options.online_allowed:
                raise ApiError(
                    422,
                    "online_not_allowed",
                    msg("online_not_allowed"),
                    [r.model_dump(mode="json") for r in options.reasons],
                )
            if body.signing == "online" and any(not p.get("account_id") for p in parties):
                raise ApiError(422, "account_required", msg("account_required"))
            required = filing_required(
                prop["usage"],
                bool(prop["industrial"]),
                [p["type"] for p in parties if p["role"] == "seller"],
                [p["type"] for p in parties if p["role"] == "buyer"],
            )
            steps = contract_steps(
                ContractStepsInput(
                    usage=prop["usage"],
                    signing=body.signing,
                    filing_required=required,
                    overseas_party=overseas,
                )
            )
        except RuleError as exc:
            raise ApiError(422, exc.code, exc.message) from None
        contract_id = _new_id("c")
        values = {
            "id": contract_id,
            "property_id": prop["id"],
            "creator_account_id": account["id"],
            "creator_acting_for": acting_for,
            "signing": body.signing,
            "usage": prop["usage"],
            "filing_required": required,
            "overseas_party": overseas,
            "status": "draft",
            "steps": [s.code for s in steps.steps],
            "parties": parties,
            "terms": body.terms.model_dump(mode="json"),
        }
        signatories = self._party_accounts({"parties": parties})
        self.store.add_contract(values, signatories, ("create", "draft", account["id"], "seller"))
        contract = self._contract(contract_id)
        events = self.store.events(contract_id)
        await self._emit({**events[-1], "contract_id": contract_id}, contract)
        return {"contract_id": contract_id, "status": "draft", "steps": values["steps"]}

    # ================================================================== contracts: writing
    def _write(self, contract: dict[str, Any], change: Change) -> dict[str, Any] | None:
        try:
            return self.store.commit(contract["id"], contract["status"], change)
        except StatusConflict:
            raise ApiError(409, "conflict", msg("conflict")) from None

    async def _move(
        self,
        contract: dict[str, Any],
        event: str,
        role: str,
        actor: str,
        *,
        kind: str | None = None,
        change: Change | None = None,
        target: str | None = None,
    ) -> dict[str, Any]:
        """Advance the lifecycle (403 / 409 as it refuses) and write the change with its event."""
        to = target if target is not None else self._advance(contract, event, role, kind)
        change = change or Change()
        change.status = to
        change.event = (event, contract["status"], to, actor, role)
        recorded = self._write(contract, change)
        updated = self._contract(contract["id"])
        await self._emit(recorded, updated)
        return updated

    def _load(self, caller: Caller, contract_id: str) -> tuple[dict[str, Any], str]:
        contract = self._contract(contract_id)
        return contract, self._party_role(contract, caller)

    async def simple_action(self, caller: Caller, contract_id: str, action: str) -> dict[str, Any]:
        """generate, print, qualification, qualification/void, send-for-signing, filing."""
        contract, role = self._load(caller, contract_id)
        event = ACTION_EVENTS[action]
        change = Change()
        target = self._advance(contract, event, role)
        if event == "print":
            change.fields["downloaded"] = True
        elif event == "apply_qualification":
            change.fields["qualification_code_applied"] = True
        elif event == "void_qualification":
            change.fields["qualification_code_applied"] = False
            change.reset_signatures = self._party_accounts(contract)
        elif event == "send_for_signing":
            change.reset_signatures = self._party_accounts(contract)
        updated = await self._move(contract, event, role, caller.actor, change=change, target=target)
        return self.view(updated, role, caller)

    async def commitment(self, caller: Caller, contract_id: str, read: BodyReader) -> dict[str, Any]:
        contract, role = self._load(caller, contract_id)
        self._permit(contract, role, "upload_commitment")
        data = await read()
        contract = self._contract(contract_id)
        target = self._advance(contract, "upload_commitment", role)
        change = Change(attachments=[("commitment", "commitment", data, caller.actor)])
        updated = await self._move(
            contract, "upload_commitment", role, caller.actor, change=change, target=target
        )
        return self.view(updated, role, caller)

    async def offline_upload(self, caller: Caller, contract_id: str, read: PartsReader) -> dict[str, Any]:
        contract, role = self._load(caller, contract_id)
        self._permit(contract, role, "offline_upload")
        parts = dict(await read())
        missing = [name for name in ("contract", "commitment") if name not in parts]
        if missing:
            raise ApiError(422, "missing_part", msg("missing_signed_parts", missing="、".join(missing)))
        contract = self._contract(contract_id)
        target = self._advance(contract, "offline_upload", role)
        now = now_iso()
        change = Change(
            fields={"signed_at": now},
            signatures=[(a, {"status": "signed", "signed_at": now}) for a in self._party_accounts(contract)],
            attachments=[(name, name, parts[name], caller.actor) for name in ("contract", "commitment")],
        )
        updated = await self._move(
            contract, "offline_upload", role, caller.actor, change=change, target=target
        )
        return self.view(updated, role, caller)

    async def notarization(self, caller: Caller, contract_id: str, read: BodyReader) -> dict[str, Any]:
        contract, role = self._load(caller, contract_id)
        self._permit(contract, role, "upload_notarization")
        data = await read()
        contract = self._contract(contract_id)
        self._advance(contract, "upload_notarization", role)  # a self-loop: no status change, no event
        change = Change(
            fields={"notarized": True}, attachments=[("notarization", "notarization", data, caller.actor)]
        )
        self._write(contract, change)
        return self.view(self._contract(contract_id), role, caller)

    async def filing_materials(self, caller: Caller, contract_id: str, read: PartsReader) -> dict[str, Any]:
        contract, role = self._load(caller, contract_id)
        self._permit(contract, role, "upload_filing_materials")
        parts = await read()
        contract = self._contract(contract_id)
        self._advance(contract, "upload_filing_materials", role)  # a self-loop: no status change, no event
        actor = caller.account["id"] if caller.account else None
        self._write(contract, Change(attachments=[("filing_material", n, d, actor) for n, d in parts]))
        return self.view(self._contract(contract_id), role, caller)

    async def edit_terms(self, caller: Caller, contract_id: str, body: m.PatchBody) -> dict[str, Any]:
        contract, role = self._load(caller, contract_id)
        target = self._advance(contract, "edit_terms", role)
        patch = body.terms.model_dump(mode="json", exclude_none=True)
        terms = m.TermsBody.model_validate({**contract["terms"], **patch}).model_dump(mode="json")
        change = Change(fields={"terms": terms})
        updated = await self._move(contract, "edit_terms", role, caller.actor, change=change, target=target)
        return self.view(updated, role, caller)

    # ------------------------------------------------------------------ cancellations
    async def apply_cancellation(
        self, caller: Caller, contract_id: str, body: m.CancellationBody
    ) -> dict[str, Any]:
        contract, role = self._load(caller, contract_id)
        self._advance(contract, "apply_cancel", role)  # role (403), then open status (409)
        if self.store.open_cancellation(contract_id) is not None:
            raise ApiError(409, "cancellation_pending", msg("cancellation_pending"))
        actor = caller.actor
        if contract["status"] == "filed":
            decided = self._filed_cancel(contract, body.change)
            if not decided.online_allowed:
                raise ApiError(409, "cancel_not_allowed", decided.message)
            if body.kind not in decided.options:
                raise ApiError(409, "kind_not_allowed", decided.message)
            change = _new_cancellation(body.kind, body.change, "filed", role, actor, "awaiting_materials")
            updated = await self._move(contract, "apply_cancel", role, actor, change=change)
            return self.view(updated, role, caller)
        if body.kind != "cancel_netsign":
            raise ApiError(409, "kind_not_allowed", msg("unfiled_cancel_netsign_only"))
        decided = self._unfiled_cancel(contract)
        if not decided.allowed:
            raise ApiError(409, decided.prerequisite or "cancel_not_allowed", decided.message)
        if not decided.needs_confirmation:
            updated = await self._move(contract, "cancel_direct", role, actor)
            return self.view(updated, role, caller)
        change = _new_cancellation(
            "cancel_netsign", body.change, "unfiled", role, actor, "awaiting_confirmation"
        )
        updated = await self._move(contract, "apply_cancel", role, actor, change=change)
        return self.view(updated, role, caller)

    async def confirm_cancellation(self, caller: Caller, contract_id: str) -> dict[str, Any]:
        contract, role = self._load(caller, contract_id)
        self._permit(contract, role, "confirm_cancel")
        cancellation = self.store.open_cancellation(contract_id)
        if cancellation is None or cancellation["status"] != "awaiting_confirmation":
            raise ApiError(409, "no_cancellation", msg("no_cancellation_to_confirm"))
        if cancellation["applicant_role"] == role:
            raise ApiError(403, "not_other_party", msg("not_other_party"))
        target = self._advance(contract, "cancel_confirmed", role)
        change = Change(cancellation={"status": "done"})
        updated = await self._move(
            contract, "cancel_confirmed", role, caller.actor, change=change, target=target
        )
        return self.view(updated, role, caller)

    def _filed_cancellation(self, contract: dict[str, Any], wanted: str) -> dict[str, Any]:
        cancellation = self.store.open_cancellation(contract["id"])
        if cancellation is None or cancellation["case_type"] != "filed" or cancellation["status"] != wanted:
            raise ApiError(409, "no_cancellation", msg("no_cancellation_awaiting_materials"))
        return cancellation

    async def cancellation_materials(
        self, caller: Caller, contract_id: str, read: PartsReader
    ) -> dict[str, Any]:
        contract, role = self._load(caller, contract_id)
        self._permit(contract, role, "upload_cancel_materials")
        parts = dict(await read())
        contract = self._contract(contract_id)
        cancellation = self._filed_cancellation(contract, "awaiting_materials")
        uploaded = list(cancellation["uploaded_by"])
        key = self._party_key(contract, caller, uploaded)
        needed = FIRST_CANCEL_PARTS if not uploaded else ("authorization",)
        if not uploaded or "identity" not in parts:
            missing = [p for p in needed if p not in parts]
            if missing:
                names = {"needed": "、".join(needed), "missing": "、".join(missing)}
                if uploaded:
                    raise ApiError(422, "missing_part", msg("missing_cancel_parts", **names))
                raise ApiError(422, "missing_part", msg("missing_cancel_parts_applicant", **names))
        fields: dict[str, Any] = {"uploaded_by": [*uploaded, key] if key not in uploaded else uploaded}
        if not uploaded:
            fields.update(applicant_role=role, applicant_account=caller.actor)
        actor = caller.account["id"] if caller.account else None
        change = Change(
            cancellation=fields, attachments=[("cancel_material", n, d, actor) for n, d in parts.items()]
        )
        self._write(contract, change)
        return self.view(self._contract(contract_id), role, caller)

    async def submit_cancellation(self, caller: Caller, contract_id: str) -> dict[str, Any]:
        contract, role = self._load(caller, contract_id)
        self._permit(contract, role, "submit_cancel")
        cancellation = self._filed_cancellation(contract, "awaiting_materials")
        missing = self._missing_materials(contract, list(cancellation["uploaded_by"]))
        if missing or not cancellation["uploaded_by"]:
            count = len(missing) or msg("all_parties")
            raise ApiError(409, "materials_missing", msg("materials_missing", count=count))
        change = Change(cancellation={"status": "under_review"})
        updated = await self._move(contract, "submit_cancel", role, caller.actor, change=change)
        return self.view(updated, role, caller)

    # ------------------------------------------------------------------ back office reviews
    async def _notify_parties(self, contract: dict[str, Any], text: str) -> None:
        for account_id in self._party_accounts(contract):
            await self._send_sms(account_id, text, None, "notice")

    async def review_qualification(self, contract_id: str, approve: bool) -> dict[str, Any]:
        contract = self._contract(contract_id)
        event = "qualification_approve" if approve else "qualification_reject"
        updated = await self._move(contract, event, "back_office", "back_office")
        if approve:
            text = msg("sms_qualification_approved", contract_id=contract_id)
        else:
            text = msg("sms_qualification_rejected", contract_id=contract_id)
        await self._notify_parties(updated, text)
        return self.view(updated, None, None)

    async def review_filing(self, contract_id: str, approve: bool) -> dict[str, Any]:
        contract = self._contract(contract_id)
        change = Change()
        if approve:
            year = datetime.now(UTC).year
            change.fields["filing_stamp"] = msg("filing_stamp", year=year, number=secrets.randbelow(10**8))
        event = "filing_approve" if approve else "filing_reject"
        updated = await self._move(contract, event, "back_office", "back_office", change=change)
        if approve:
            text = msg("sms_filing_approved", contract_id=contract_id, stamp=updated["filing_stamp"])
        else:
            text = msg("sms_filing_rejected", contract_id=contract_id)
        await self._notify_parties(updated, text)
        return self.view(updated, None, None)

    async def review_cancellation(self, contract_id: str, approve: bool) -> dict[str, Any]:
        contract = self._contract(contract_id)
        cancellation = self.store.open_cancellation(contract_id)
        if cancellation is None or cancellation["status"] != "under_review":
            raise ApiError(409, "no_cancellation", msg("no_cancellation_under_review"))
        event = "cancellation_approve" if approve else "cancellation_reject"
        kind = cancellation["kind"] if approve else None
        change = Change(cancellation={"status": "approved" if approve else "rejected"})
        if approve and kind == "cancel_filing":
            change.fields["filing_stamp"] = None
        updated = await self._move(contract, event, "back_office", "back_office", kind=kind, change=change)
        return self.view(updated, None, None)

    async def transfer_accepted(self, contract_id: str, accepted: bool) -> dict[str, Any]:
        contract = self._contract(contract_id)
        if contract["status"] != "filed":
            raise ApiError(409, "wrong_status", msg("transfer_needs_filed"))
        self._write(contract, Change(fields={"transfer_accepted": accepted}))
        return self.view(self._contract(contract_id), None, None)

    # ================================================================== i深圳
    async def isz_sign(self, caller: Caller, contract_id: str, body: m.SignBody) -> dict[str, Any]:
        account = caller.account
        assert account is not None
        contract = self._contract(contract_id)
        self._party_role(contract, caller)
        mine = [s for s in self.store.signatures(contract_id) if s["account_id"] == account["id"]]
        if not mine:
            raise ApiError(403, "not_a_signatory", msg("not_a_signatory"))
        signature = mine[0]
        if contract["status"] != "awaiting_signatures":
            zh = LIFECYCLE_MESSAGES["wrong_status"][0].format(
                status=STATUS_NAMES[contract["status"]][0],
                event=msg("isz_sign_event"),
                needs=LIFECYCLE_MESSAGES["needs_awaiting_signatures"][0],
            )
            raise ApiError(409, "wrong_status", zh)
        if signature["status"] == "signed":
            raise ApiError(409, "already_signed", msg("you_already_signed"))
        done = signature["step"]
        expected = m.ISZ_STEPS[m.ISZ_STEPS.index(done) + 1] if done else m.ISZ_STEPS[0]
        if body.step != expected:
            raise ApiError(
                409, "out_of_order", msg("isz_out_of_order", name=ISZ_STEP_NAMES[expected], step=expected)
            )
        values: dict[str, Any] = {"step": body.step}
        if body.step == "realname":
            if not account["can_use_isz"]:  # the account's own i深圳 (platform-api.md)
                raise ApiError(409, "isz_unavailable", msg("isz_unavailable"))
            if body.method is None:
                raise ApiError(422, "method_required", msg("isz_method_required"))
            values["method"] = body.method
        elif body.step == "signature":
            code = f"{secrets.randbelow(10**6):06d}"
            await self._send_sms(
                account["id"],
                msg("sms_isz", code=code),
                code,
                f"isz:{contract_id}",
            )
        elif body.step == "sms":
            if not body.sms_code:
                raise ApiError(422, "sms_code_required", msg("isz_sms_code_required"))
            if not self.store.use_sms_code(account["id"], f"isz:{contract_id}", body.sms_code, self.clock()):
                raise ApiError(422, "wrong_sms_code", msg("wrong_sms_code"))
        elif body.step == "confirm":
            values.update(status="signed", signed_at=now_iso())
        others_pending = [
            s
            for s in self.store.signatures(contract_id)
            if s["account_id"] != account["id"] and s["status"] != "signed"
        ]
        change = Change(signatures=[(account["id"], values)])
        if body.step == "confirm" and not others_pending:
            target = self._advance(contract, "all_signed", "isz")
            change.fields["signed_at"] = values["signed_at"]
            updated = await self._move(contract, "all_signed", "isz", "isz", change=change, target=target)
        else:
            self._write(contract, change)
            updated = self._contract(contract_id)
            if body.step == "confirm":  # one party signed, others still pending: not a status change
                await self._call_hooks(
                    {
                        "type": "signed",
                        "contract_id": contract_id,
                        "who": account["id"],
                        "status": updated["status"],
                        "parties": sorted(self._party_accounts(updated)),
                    },
                    self.on_signature,
                )
        return {
            "contract_id": contract_id,
            "step": body.step,
            "signature": "signed" if body.step == "confirm" else "pending",
            "status": updated["status"],
        }


def _new_cancellation(kind: str, change: str, case_type: str, role: str, actor: str, status: str) -> Change:
    """The change that opens a cancellation: what is asked, by whom, and where it stands."""
    return Change(
        new_cancellation={
            "kind": kind,
            "change": change,
            "case_type": case_type,
            "applicant_role": role,
            "applicant_account": actor,
            "status": status,
        }
    )
