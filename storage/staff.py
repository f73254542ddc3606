"""Hotline staff in SQLite: accounts, tokens, failed sign-ins, the audit log, the handoff queue.

All of the staff desk's SQL lives here (tables of ``migrations/0004_staff.sql``).
:class:`StaffStore` opens the same database file as the assistant's
:class:`~storage.db.Store`, through a ``Store`` of its own: the same pragmas
(WAL, foreign keys, busy timeout) and the same migrations, which it applies
when the file is new, so ``python -m bot staff …`` works before the server ever
ran.  Its own connection keeps its transactions apart from the assistant's.

The queue needs no code on the turn's path: triggers on ``events`` open a
handoff when the engine records ``handoff_requested`` and close it on
``handoff_cancelled`` / ``handoff_closed``, in the transaction that saves the
turn.  Expired sessions take their handoffs with them (foreign key cascade).

Passwords are hashed with argon2id (argon2-cffi); tokens and the names typed at
failed sign-ins are kept only as SHA-256 digests.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import argon2

from .db import StorageError, Store, now_iso

Role = Literal["agent", "supervisor"]
ROLES: tuple[Role, ...] = ("agent", "supervisor")
MIN_PASSWORD_CHARS = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
_HASHER = argon2.PasswordHasher()  # argon2id, RFC 9106 low-memory profile
_DUMMY_HASH = _HASHER.hash("not-a-password: equalises the time of unknown names")


class StaffError(StorageError):
    """A staff account cannot be made or changed as asked (the message is one line for people)."""


@dataclass(frozen=True)
class StaffAccount:
    username: str
    role: Role
    disabled: bool
    created_at: str


@dataclass(frozen=True)
class Handoff:
    session_id: str
    since: str
    taken_by: str | None
    taken_at: str | None


@dataclass(frozen=True)
class Waiting:
    """A conversation in the queue, with the assistant's state (to summarise it).

    ``version`` is the session's state version (every saved turn adds one): what a reader
    caches on.  The state is parsed from ``raw_state`` only when asked for.
    """

    session_id: str
    since: str
    version: int
    raw_state: str | bytes = field(repr=False)

    @cached_property
    def state(self) -> dict[str, Any]:
        return dict(json.loads(self.raw_state))


TakeResult = Literal["taken", "held_by_other", "not_waiting"]


# ---------------------------------------------------------------------------- credentials
def check_username(username: str) -> str:
    """The canonical (lower-case) name, or :class:`StaffError`."""
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise StaffError(
            "username must be 2-32 characters: a-z, 0-9, '.', '_' or '-', starting with a letter or digit"
        )
    return name


def check_password(password: str, username: str = "") -> None:
    """:class:`StaffError` for an empty or weak password (never echoing it)."""
    if not password:
        raise StaffError("the password is empty")
    if len(password) < MIN_PASSWORD_CHARS:
        raise StaffError(f"the password is too weak: at least {MIN_PASSWORD_CHARS} characters")
    if len(set(password)) < 4 or (username and username.lower() in password.lower()):
        raise StaffError(
            "the password is too weak: too few different characters, or it contains the username"
        )


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists (``None``: check against a dummy hash)."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)


def digest(secret: str) -> str:
    """SHA-256 hex of a token or a typed name (high-entropy tokens need no salt)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------- the store
class StaffStore:
    """Staff tables of one SQLite file. Safe to share between threads (one lock)."""

    def __init__(self, path: str | Path) -> None:
        self._store = Store(path)  # opens like the assistant's store and applies the migrations
        self.db = self._store.db

    def close(self) -> None:
        self._store.close()

    def _tx(self) -> AbstractContextManager[Any]:
        """One write transaction on the store's connection, under its lock (``Store._tx``)."""
        return self._store._tx()

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of one query on the store's read connection (``Store._read``)."""
        return [tuple(row) for row in self._store._read(sql, params)]

    # ------------------------------------------------------------------ accounts
    def add(self, username: str, role: Role, password_hash: str) -> None:
        with self._tx() as conn:
            if conn.execute("SELECT 1 FROM staff WHERE username = ?", (username,)).fetchone():
                raise StaffError(f"staff member {username!r} already exists")
            conn.execute(
                "INSERT INTO staff (username, role, password_hash, disabled, created_at) VALUES (?, ?, ?, 0, ?)",
                (username, role, password_hash, now_iso()),
            )

    def accounts(self) -> list[StaffAccount]:
        rows = self._rows("SELECT username, role, disabled, created_at FROM staff ORDER BY username")
        return [StaffAccount(r[0], r[1], bool(r[2]), r[3]) for r in rows]

    def password_hash(self, username: str) -> tuple[StaffAccount, str] | None:
        rows = self._rows(
            "SELECT username, role, disabled, created_at, password_hash FROM staff WHERE username = ?",
            (username,),
        )
        if not rows:
            return None
        r = rows[0]
        return StaffAccount(r[0], r[1], bool(r[2]), r[3]), str(r[4])

    def set_password_hash(self, username: str, password_hash: str, *, sign_out: bool = True) -> None:
        """A new password; every token of the account stops working (unless ``sign_out`` is False)."""
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE staff SET password_hash = ? WHERE username = ?", (password_hash, username)
            )
            if cur.rowcount == 0:
                raise StaffError(f"no staff member named {username!r}")
            if sign_out:
                conn.execute("DELETE FROM staff_tokens WHERE username = ?", (username,))

    def disable(self, username: str) -> None:
        """The account can no longer sign in, and its tokens stop working."""
        with self._tx() as conn:
            cur = conn.execute("UPDATE staff SET disabled = 1 WHERE username = ?", (username,))
            if cur.rowcount == 0:
                raise StaffError(f"no staff member named {username!r}")
            conn.execute("DELETE FROM staff_tokens WHERE username = ?", (username,))

    # ------------------------------------------------------------------ tokens
    def add_token(self, token_hash: str, username: str, expires_at: float) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM staff_tokens WHERE expires_at < ?", (time.time(),))
            conn.execute(
                "INSERT INTO staff_tokens (token_hash, username, expires_at, created_at) VALUES (?, ?, ?, ?)",
                (token_hash, username, expires_at, now_iso()),
            )

    def remove_token(self, token_hash: str) -> bool:
        """Sign out: the token stops working at once. True when it existed."""
        with self._tx() as conn:
            return bool(
                conn.execute("DELETE FROM staff_tokens WHERE token_hash = ?", (token_hash,)).rowcount > 0
            )

    def token_owner(self, token_hash: str, now: float | None = None) -> StaffAccount | None:
        """The enabled account a live token belongs to, else None."""
        rows = self._rows(
            "SELECT s.username, s.role, s.disabled, s.created_at FROM staff_tokens t "
            "JOIN staff s ON s.username = t.username "
            "WHERE t.token_hash = ? AND t.expires_at > ? AND s.disabled = 0",
            (token_hash, now if now is not None else time.time()),
        )
        return StaffAccount(rows[0][0], rows[0][1], False, rows[0][3]) if rows else None

    # ------------------------------------------------------------------ failed sign-ins
    def add_login_failure(self, username_hash: str, address: str, at: float) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO staff_login_failures (username_hash, address, at) VALUES (?, ?, ?)",
                (username_hash, address, at),
            )

    def login_failures(
        self, username_hash: str, address: str, since: float
    ) -> tuple[list[float], list[float]]:
        """Times (oldest first) of the failures since ``since``: for the name, for the address.
        Older rows are deleted on the way."""
        with self._tx() as conn:
            conn.execute("DELETE FROM staff_login_failures WHERE at < ?", (since,))
            by_name = conn.execute(
                "SELECT at FROM staff_login_failures WHERE username_hash = ? ORDER BY at", (username_hash,)
            ).fetchall()
            by_address = conn.execute(
                "SELECT at FROM staff_login_failures WHERE address = ? ORDER BY at", (address,)
            ).fetchall()
        return [float(r[0]) for r in by_name], [float(r[0]) for r in by_address]

    def clear_login_failures(self, username_hash: str) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM staff_login_failures WHERE username_hash = ?", (username_hash,))

    # ------------------------------------------------------------------ audit log
    def audit(
        self,
        who: str | None,
        action: str,
        session_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """One row of the audit log; ``detail`` must hold no personal data (counts, codes, flow ids)."""
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO staff_audit (who, action, session_id, at, detail) VALUES (?, ?, ?, ?, ?)",
                (who, action, session_id, now_iso(), json.dumps(detail or {}, ensure_ascii=False)),
            )

    def audit_entries(self, limit: int = 100, session_id: str | None = None) -> list[dict[str, Any]]:
        """Newest first."""
        sql = "SELECT id, who, action, session_id, at, detail FROM staff_audit"
        params: tuple[Any, ...] = ()
        if session_id is not None:
            sql, params = sql + " WHERE session_id = ?", (session_id,)
        rows = self._rows(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
        return [
            {
                "id": r[0],
                "who": r[1],
                "action": r[2],
                "session_id": r[3],
                "at": r[4],
                "detail": json.loads(r[5]),
            }
            for r in rows
        ]

    # ------------------------------------------------------------------ the handoff queue
    def waiting(self, now: float | None = None) -> list[Waiting]:
        """Open handoffs nobody has taken yet, oldest first, with the session's state."""
        rows = self._rows(
            "SELECT h.session_id, h.since, s.version, s.state FROM handoffs h "
            "JOIN sessions s ON s.id = h.session_id "
            "WHERE h.closed_at IS NULL AND h.taken_by IS NULL AND s.expires_at >= ? ORDER BY h.since, h.id",
            (now if now is not None else time.time(),),
        )
        return [Waiting(r[0], r[1], int(r[2]), r[3]) for r in rows]

    def waiting_count(self) -> int:
        rows = self._rows(
            "SELECT count(*) FROM handoffs h JOIN sessions s ON s.id = h.session_id "
            "WHERE h.closed_at IS NULL AND h.taken_by IS NULL AND s.expires_at >= ?",
            (time.time(),),
        )
        return int(rows[0][0])

    def open_handoff(self, session_id: str) -> Handoff | None:
        rows = self._rows(
            "SELECT session_id, since, taken_by, taken_at FROM handoffs WHERE session_id = ? AND closed_at IS NULL",
            (session_id,),
        )
        return Handoff(*rows[0]) if rows else None

    def take(self, session_id: str, username: str) -> TakeResult:
        """Hold the open handoff of ``session_id`` (again, if ``username`` holds it already)."""
        with self._tx() as conn:
            row = conn.execute(
                "SELECT taken_by FROM handoffs WHERE session_id = ? AND closed_at IS NULL", (session_id,)
            ).fetchone()
            if row is None:
                return "not_waiting"
            if row[0] is not None and row[0] != username:
                return "held_by_other"
            if row[0] is None:
                conn.execute(
                    "UPDATE handoffs SET taken_by = ?, taken_at = ? WHERE session_id = ? AND closed_at IS NULL",
                    (username, now_iso(), session_id),
                )
        return "taken"
