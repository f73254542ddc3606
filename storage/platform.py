"""The platform mock's tables (``signing/``): the only SQL the mock runs.

It shares the :class:`storage.db.Store`'s SQLite file, connection, lock and
migrations (``0003_platform.sql``), so ``make run`` keeps the assistant and the
mock in one file and one ``schema_migrations`` table.  Rows come back as plain
dicts; JSON columns are decoded.  A contract's status change, its event and the
writes that go with it are one transaction (:meth:`PlatformStore.commit`),
guarded by the status read before, so a crash never leaves a half change.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .db import StorageError, Store, _dumps, now_iso

_JSON_COLUMNS = ("steps", "parties", "terms", "uploaded_by")
_BOOL_COLUMNS = (
    "can_use_isz",
    "blacklisted",
    "industrial",
    "multi_unit_mixed_usage",
    "usage_standardized",
    "filing_required",
    "overseas_party",
    "downloaded",
    "notarized",
    "qualification_code_applied",
    "transfer_accepted",
    "sms_verified",
    "used",
)
#: Cancellation statuses that are still open (the contract's ``cancellation`` object).
OPEN_CANCELLATION = ("awaiting_confirmation", "awaiting_materials", "under_review")


class StatusConflict(StorageError):
    """The contract's status changed since it was read."""


@dataclass
class Change:
    """What one contract operation writes, all in one transaction.

    ``status``: the new status (``None``: unchanged); ``fields``: other contract
    columns; ``event``: (event, from, to, actor, role) to record; ``signatures``:
    (account_id, column values) upserts; ``reset_signatures``: the accounts whose
    signatures start again as pending; ``cancellation``: column values of the open
    cancellation (``new_cancellation`` inserts one); ``attachments``: (kind, name,
    bytes, account_id) to store.
    """

    status: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    event: tuple[str, str | None, str, str, str] | None = None
    signatures: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    reset_signatures: Sequence[str] | None = None
    cancellation: dict[str, Any] | None = None
    new_cancellation: dict[str, Any] | None = None
    attachments: list[tuple[str, str, bytes, str | None]] = field(default_factory=list)


def _row(cursor: sqlite3.Cursor, row: tuple[Any, ...] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    out = {d[0]: v for d, v in zip(cursor.description, row, strict=True)}
    for key in _JSON_COLUMNS:
        if key in out and isinstance(out[key], str):
            out[key] = json.loads(out[key])
    for key in _BOOL_COLUMNS:
        if key in out and out[key] is not None:
            out[key] = bool(out[key])
    return out


def contract_members(values: dict[str, Any]) -> list[str]:
    """The accounts a contract concerns (``platform_contract_members``): its creator, the
    institution the creator acted for, and every party and party's agent with an account.

    >>> contract_members({"creator_account_id": "a", "creator_acting_for": None,
    ...     "parties": [{"account_id": "b", "agent": {"account_id": "c"}}, {"account_id": None}]})
    ['a', 'b', 'c']
    """
    out = [values["creator_account_id"], values.get("creator_acting_for")]
    for party in values["parties"]:
        out.append(party.get("account_id"))
        out.append((party.get("agent") or {}).get("account_id"))
    return list(dict.fromkeys(a for a in out if a))


def sha256_hex(data: bytes) -> str:
    """The content address of an upload.

    >>> sha256_hex(b"%PDF-")[:12]
    '38523c087796'
    """
    return hashlib.sha256(data).hexdigest()


class PlatformStore:
    """The mock's records in the :class:`Store`'s SQLite file."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # ------------------------------------------------------------------ plumbing
    def _one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        with self.store._lock:
            cursor = self.store.db.conn.execute(sql, params)
            return _row(cursor, cursor.fetchone())

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.store._lock:
            cursor = self.store.db.conn.execute(sql, params)
            rows = cursor.fetchall()
            return [r for r in (_row(cursor, row) for row in rows) if r is not None]

    @staticmethod
    def _insert(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> int:
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = conn.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({marks})", [_sql(v) for v in values.values()]
        )
        return int(cursor.lastrowid or 0)

    def _insert_one(self, table: str, values: dict[str, Any]) -> int:
        with self.store._tx() as conn:
            return self._insert(conn, table, values)

    # ------------------------------------------------------------------ accounts
    def add_account(self, values: dict[str, Any]) -> None:
        self._insert_one("platform_accounts", {**values, "created_at": now_iso()})

    def account(self, account_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM platform_accounts WHERE id = ?", (account_id,))

    def set_password_hash(self, account_id: str, password_hash: str | None) -> None:
        with self.store._tx() as conn:
            conn.execute(
                "UPDATE platform_accounts SET password_hash = ? WHERE id = ?", (password_hash, account_id)
            )

    # ------------------------------------------------------------------ tokens
    def add_token(self, values: dict[str, Any]) -> None:
        self._insert_one("platform_tokens", {**values, "created_at": now_iso()})

    def token(self, token_hash: str, now: float) -> dict[str, Any] | None:
        """The login behind a token, unless it is unknown or expired."""
        return self._one(
            "SELECT * FROM platform_tokens WHERE token_hash = ? AND expires_at > ?", (token_hash, now)
        )

    def purge_tokens(self, now: float) -> int:
        with self.store._tx() as conn:
            return conn.execute("DELETE FROM platform_tokens WHERE expires_at <= ?", (now,)).rowcount

    # ------------------------------------------------------------------ SMS
    def add_sms(
        self, account_id: str, text: str, code: str | None, purpose: str, expires_at: float | None
    ) -> None:
        self._insert_one(
            "platform_sms",
            {
                "account_id": account_id,
                "text": text,
                "code": code,
                "purpose": purpose,
                "expires_at": expires_at,
                "at": now_iso(),
            },
        )

    def sms(self, account_id: str) -> list[dict[str, Any]]:
        return self._all(
            "SELECT text, code, at FROM platform_sms WHERE account_id = ? ORDER BY id", (account_id,)
        )

    def use_sms_code(self, account_id: str, purpose: str, code: str, now: float) -> bool:
        """Spend the newest unused, unexpired code of ``purpose`` if it is ``code``."""
        with self.store._tx() as conn:
            row = conn.execute(
                "SELECT id, code FROM platform_sms WHERE account_id = ? AND purpose = ? AND used = 0 "
                "AND expires_at > ? ORDER BY id DESC LIMIT 1",
                (account_id, purpose, now),
            ).fetchone()
            if row is None or row[1] != code:
                return False
            conn.execute("UPDATE platform_sms SET used = 1 WHERE id = ?", (row[0],))
            return True

    # ------------------------------------------------------------------ agents of a legal person
    def add_binding(self, binding_id: str, legal_person_id: str, agent_id: str) -> None:
        now = now_iso()
        self._insert_one(
            "platform_bindings",
            {
                "id": binding_id,
                "legal_person_id": legal_person_id,
                "agent_id": agent_id,
                "status": "pending",
                "created_at": now,
                "updated_at": now,
            },
        )

    def binding(self, binding_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM platform_bindings WHERE id = ?", (binding_id,))

    def bindings_between(self, legal_person_id: str, agent_id: str) -> list[dict[str, Any]]:
        return self._all(
            "SELECT * FROM platform_bindings WHERE legal_person_id = ? AND agent_id = ? AND status != 'unbound'",
            (legal_person_id, agent_id),
        )

    def active_legal_persons(self, agent_id: str) -> list[str]:
        rows = self._all(
            "SELECT legal_person_id FROM platform_bindings WHERE agent_id = ? AND status = 'active'",
            (agent_id,),
        )
        return [str(r["legal_person_id"]) for r in rows]

    def set_binding_status(self, binding_id: str, status: str) -> None:
        with self.store._tx() as conn:
            conn.execute(
                "UPDATE platform_bindings SET status = ?, updated_at = ? WHERE id = ?",
                (status, now_iso(), binding_id),
            )

    # ------------------------------------------------------------------ registry
    def add_property(self, values: dict[str, Any], owners: Sequence[dict[str, Any]]) -> None:
        """A property and its owners; :class:`StorageError` if the certificate is already registered."""
        try:
            with self.store._tx() as conn:
                self._insert(conn, "platform_properties", {**values, "created_at": now_iso()})
                for index, owner in enumerate(owners):
                    self._insert(
                        conn, "platform_owners", {**owner, "property_id": values["id"], "idx": index}
                    )
        except sqlite3.IntegrityError as exc:
            raise StorageError(str(exc)) from None

    def property(self, property_id: str) -> dict[str, Any] | None:
        prop = self._one("SELECT * FROM platform_properties WHERE id = ?", (property_id,))
        if prop is not None:
            prop["owners"] = self._all(
                "SELECT * FROM platform_owners WHERE property_id = ? ORDER BY idx", (property_id,)
            )
        return prop

    def find_property(self, cert_type: str, cert_number: str, region: str) -> dict[str, Any] | None:
        row = self._one(
            "SELECT id FROM platform_properties WHERE cert_type = ? AND cert_number = ? AND region = ?",
            (cert_type, cert_number, region),
        )
        return None if row is None else self.property(str(row["id"]))

    def add_link(self, link_id: str, owner_account_id: str, agent_account_id: str, property_id: str) -> None:
        self._insert_one(
            "platform_links",
            {
                "id": link_id,
                "owner_account_id": owner_account_id,
                "agent_account_id": agent_account_id,
                "property_id": property_id,
                "created_at": now_iso(),
            },
        )

    def linked_owners(self, agent_account_id: str, property_id: str) -> list[str]:
        rows = self._all(
            "SELECT owner_account_id FROM platform_links WHERE agent_account_id = ? AND property_id = ?",
            (agent_account_id, property_id),
        )
        return [str(r["owner_account_id"]) for r in rows]

    # ------------------------------------------------------------------ title checks
    def add_title_check(self, values: dict[str, Any]) -> None:
        self._insert_one("platform_title_checks", {**values, "at": now_iso()})

    def last_title_check(
        self, account_id: str, acting_for: str | None, property_id: str
    ) -> dict[str, Any] | None:
        return self._one(
            "SELECT * FROM platform_title_checks WHERE account_id = ? AND acting_for IS ? AND property_id = ? "
            "ORDER BY id DESC LIMIT 1",
            (account_id, acting_for, property_id),
        )

    # ------------------------------------------------------------------ contracts
    def add_contract(
        self, values: dict[str, Any], signatures: Iterable[str], event: tuple[str, str, str, str]
    ) -> None:
        """A new contract, its (pending) signatures and its creation event, together."""
        now = now_iso()
        with self.store._tx() as conn:
            self._insert(conn, "platform_contracts", {**values, "created_at": now, "updated_at": now})
            for account_id in signatures:
                self._insert(
                    conn,
                    "platform_signatures",
                    {"contract_id": values["id"], "account_id": account_id, "status": "pending"},
                )
            conn.executemany(
                "INSERT INTO platform_contract_members (account_id, contract_id) VALUES (?, ?)",
                [(account_id, values["id"]) for account_id in contract_members(values)],
            )
            name, to_status, actor, role = event
            self._insert(
                conn,
                "platform_events",
                {
                    "contract_id": values["id"],
                    "event": name,
                    "from_status": None,
                    "to_status": to_status,
                    "actor": actor,
                    "role": role,
                    "at": now,
                },
            )

    def contract(self, contract_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM platform_contracts WHERE id = ?", (contract_id,))

    def contracts_of(
        self, account_ids: Sequence[str], *, with_cancelled: bool = False
    ) -> list[dict[str, Any]]:
        """The contracts that concern any of ``account_ids`` (:func:`contract_members`), oldest
        first; cancelled ones only ``with_cancelled``."""
        if not account_ids:
            return []
        marks = ", ".join("?" for _ in account_ids)
        status = "" if with_cancelled else "AND c.status != 'cancelled' "
        return self._all(
            "SELECT c.* FROM platform_contracts AS c WHERE c.id IN (SELECT contract_id FROM "
            f"platform_contract_members WHERE account_id IN ({marks})) {status}ORDER BY c.created_at, c.id",
            tuple(account_ids),
        )

    def signatures(self, contract_id: str) -> list[dict[str, Any]]:
        return self._all(
            "SELECT * FROM platform_signatures WHERE contract_id = ? ORDER BY rowid", (contract_id,)
        )

    def open_cancellation(self, contract_id: str) -> dict[str, Any] | None:
        marks = ", ".join("?" for _ in OPEN_CANCELLATION)
        return self._one(
            f"SELECT * FROM platform_cancellations WHERE contract_id = ? AND status IN ({marks}) "
            "ORDER BY id DESC LIMIT 1",
            (contract_id, *OPEN_CANCELLATION),
        )

    def attachments(self, contract_id: str) -> list[dict[str, Any]]:
        return self._all(
            "SELECT kind, name, sha256, account_id, cancellation_id, at FROM platform_attachments "
            "WHERE contract_id = ? ORDER BY id",
            (contract_id,),
        )

    def upload(self, sha256: str) -> bytes | None:
        with self.store._lock:
            row = self.store.db.conn.execute(
                "SELECT content FROM platform_uploads WHERE sha256 = ?", (sha256,)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def events(self, contract_id: str) -> list[dict[str, Any]]:
        return self._all(
            "SELECT id, event, from_status, to_status, actor, role, at FROM platform_events "
            "WHERE contract_id = ? ORDER BY id",
            (contract_id,),
        )

    def all_events(self) -> list[dict[str, Any]]:
        return self._all(
            "SELECT id, contract_id, event, from_status, to_status, actor, role, at FROM platform_events ORDER BY id"
        )

    def commit(self, contract_id: str, expected_status: str, change: Change) -> dict[str, Any] | None:
        """Apply ``change`` if the contract is still ``expected_status``; the recorded event, if any.

        :class:`StatusConflict` when another request changed the status first.
        """
        now = now_iso()
        recorded: dict[str, Any] | None = None
        with self.store._tx() as conn:
            columns = dict(change.fields)
            if change.status is not None:
                columns["status"] = change.status
            columns["updated_at"] = now
            sets = ", ".join(f"{k} = ?" for k in columns)
            cursor = conn.execute(
                f"UPDATE platform_contracts SET {sets} WHERE id = ? AND status = ?",
                [*(_sql(v) for v in columns.values()), contract_id, expected_status],
            )
            if cursor.rowcount != 1:
                raise StatusConflict(contract_id)
            if change.reset_signatures is not None:
                conn.execute("DELETE FROM platform_signatures WHERE contract_id = ?", (contract_id,))
                for account_id in change.reset_signatures:
                    self._insert(
                        conn,
                        "platform_signatures",
                        {"contract_id": contract_id, "account_id": account_id, "status": "pending"},
                    )
            for account_id, values in change.signatures:
                sets = ", ".join(f"{k} = ?" for k in values)
                conn.execute(
                    f"UPDATE platform_signatures SET {sets} WHERE contract_id = ? AND account_id = ?",
                    [*(_sql(v) for v in values.values()), contract_id, account_id],
                )
            cancellation_id: int | None = None
            if change.new_cancellation is not None:
                cancellation_id = self._insert(
                    conn,
                    "platform_cancellations",
                    {
                        **change.new_cancellation,
                        "contract_id": contract_id,
                        "created_at": now,
                        "updated_at": now,
                    },
                )
            if change.cancellation is not None:
                marks = ", ".join("?" for _ in OPEN_CANCELLATION)
                row = conn.execute(
                    f"SELECT id FROM platform_cancellations WHERE contract_id = ? AND status IN ({marks}) "
                    "ORDER BY id DESC LIMIT 1",
                    (contract_id, *OPEN_CANCELLATION),
                ).fetchone()
                if row is None:
                    raise StatusConflict(contract_id)
                cancellation_id = int(row[0])
                values = {**change.cancellation, "updated_at": now}
                sets = ", ".join(f"{k} = ?" for k in values)
                conn.execute(
                    f"UPDATE platform_cancellations SET {sets} WHERE id = ?",
                    [*(_sql(v) for v in values.values()), cancellation_id],
                )
            for kind, name, data, uploader in change.attachments:
                digest = sha256_hex(data)
                conn.execute(
                    "INSERT OR IGNORE INTO platform_uploads (sha256, size, content, created_at) VALUES (?, ?, ?, ?)",
                    (digest, len(data), data, now),
                )
                self._insert(
                    conn,
                    "platform_attachments",
                    {
                        "contract_id": contract_id,
                        "kind": kind,
                        "name": name,
                        "sha256": digest,
                        "account_id": uploader,
                        "cancellation_id": cancellation_id if kind == "cancel_material" else None,
                        "at": now,
                    },
                )
            if change.event is not None:
                name, from_status, to_status, actor, role = change.event
                recorded = {
                    "contract_id": contract_id,
                    "event": name,
                    "from_status": from_status,
                    "to_status": to_status,
                    "actor": actor,
                    "role": role,
                    "at": now,
                }
                recorded["id"] = self._insert(conn, "platform_events", recorded)
        return recorded


def _sql(value: Any) -> Any:
    """Python values as SQLite stores them: JSON for lists and dicts, 0/1 for bools."""
    if isinstance(value, list | dict):
        return _dumps(value)
    if isinstance(value, bool):
        return int(value)
    return value
