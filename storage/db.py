"""The SQLite store: sessions, their transcript, events; numbered migrations.

This module (and ``storage/migrations/*.sql``) is the only place that speaks SQL.
It uses sqlite-utils over one connection in WAL mode.  A turn's new state and
its transcript rows are written in one transaction, guarded by the session's
version number, so a crash never leaves half a turn and two writers never
overwrite each other silently.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import sqlite_utils

Sender = Literal["user", "assistant", "staff", "platform"]
WAL_AUTOCHECKPOINT_PAGES = 10_000
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class StorageError(Exception):
    """The store cannot do what was asked."""


class VersionConflict(StorageError):
    """The session changed since it was read (another turn won the race)."""


class UnknownSession(StorageError):
    """No such session, or it has expired."""


@dataclass(frozen=True)
class SessionRecord:
    id: str
    state: dict[str, Any]
    version: int
    last_seq: int


@dataclass(frozen=True)
class NewMessage:
    sender: Sender
    text: str
    buttons: Sequence[dict[str, str]] = field(default_factory=tuple)


@dataclass(frozen=True)
class Message:
    seq: int
    sender: Sender
    text: str
    buttons: list[dict[str, str]]
    at: str


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def migration_files() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped in ``storage/migrations``, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    # Unique and increasing; a gap is allowed (a number taken on another branch is applied when it lands).
    if len(set(numbers)) != len(numbers) or (numbers and numbers[0] != 1):
        raise StorageError(f"migrations must be numbered 0001, 0002, … each number once: {numbers}")
    return found


class Store:
    """One SQLite file. Safe to share between threads (one lock around the connection)."""

    def __init__(self, path: str | Path, *, ttl_seconds: float = 7 * 24 * 3600) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db = sqlite_utils.Database(conn)
        self.ttl_seconds = ttl_seconds
        self._lock = threading.RLock()
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        # Checkpoints fsync: keep them off the request path. The server runs checkpoint()
        # every few seconds in a worker thread; this bound only matters without it.
        self.db.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA busy_timeout = 5000")
        self.migrate()

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def migrate(self) -> list[int]:
        """Apply the migrations not yet applied; return their numbers."""
        applied_now = []
        with self._tx() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
            for number, name, sql in migration_files():
                if number in done:
                    continue
                for statement in _statements(sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (number, name, _now_iso()),
                )
                applied_now.append(number)
        return applied_now

    def checkpoint(self) -> tuple[int, int, int]:
        """Copy the WAL into the database without blocking writers (PASSIVE), from a
        connection of its own so it can run in a worker thread; (busy, wal pages, copied)."""
        if str(self.path) == ":memory:":
            return (0, 0, 0)
        conn = sqlite3.connect(str(self.path), timeout=1)
        try:
            row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            conn.close()
        return (int(row[0]), int(row[1]), int(row[2]))

    def schema_version(self) -> int:
        row = self.db.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def close(self) -> None:
        with self._lock:
            self.db.conn.close()

    # ------------------------------------------------------------------ sessions
    def create_session(self, session_id: str, state: dict[str, Any]) -> SessionRecord:
        now = _now_iso()
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO sessions (id, state, version, last_seq, created_at, updated_at, expires_at) "
                "VALUES (?, ?, 1, 0, ?, ?, ?)",
                (session_id, _dumps(state), now, now, time.time() + self.ttl_seconds),
            )
        return SessionRecord(session_id, state, 1, 0)

    def load_session(self, session_id: str) -> SessionRecord:
        """The session's state; :class:`UnknownSession` if missing or expired."""
        with self._lock:
            row = self.db.conn.execute(
                "SELECT state, version, last_seq, expires_at FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        if row is None or row[3] < time.time():
            raise UnknownSession(session_id)
        return SessionRecord(session_id, json.loads(row[0]), row[1], row[2])

    def state_sizes(self) -> list[int]:
        """The stored state's size in bytes, one per session (for benchmarks and monitoring)."""
        with self._lock:
            rows = self.db.conn.execute("SELECT length(CAST(state AS BLOB)) FROM sessions").fetchall()
        return [int(r[0]) for r in rows]

    def session_exists(self, session_id: str) -> bool:
        try:
            self.load_session(session_id)
        except UnknownSession:
            return False
        return True

    def save_turn(
        self,
        session_id: str,
        state: dict[str, Any],
        expected_version: int,
        messages: Sequence[NewMessage] = (),
        events: Sequence[tuple[str, dict[str, Any]]] = (),
    ) -> int:
        """Store the new state, the turn's messages and its events in one transaction; the new version."""
        now = _now_iso()
        with self._tx() as conn:
            row = conn.execute(
                "SELECT version, last_seq FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            if row is None:
                raise UnknownSession(session_id)
            if row[0] != expected_version:
                raise VersionConflict(f"{session_id}: version {row[0]}, expected {expected_version}")
            seq = row[1]
            rows = []
            for message in messages:
                seq += 1
                rows.append(
                    (session_id, seq, message.sender, message.text, _dumps(list(message.buttons)), now)
                )
            if rows:
                conn.executemany(
                    "INSERT INTO transcript (session_id, seq, sender, text, buttons, at) VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )
            if events:
                conn.executemany(
                    "INSERT INTO events (session_id, kind, data, at) VALUES (?, ?, ?, ?)",
                    [(session_id, kind, _dumps(data), now) for kind, data in events],
                )
            conn.execute(
                "UPDATE sessions SET state = ?, version = ?, last_seq = ?, updated_at = ?, expires_at = ? "
                "WHERE id = ?",
                (_dumps(state), expected_version + 1, seq, now, time.time() + self.ttl_seconds, session_id),
            )
        return expected_version + 1

    def append_messages(self, session_id: str, messages: Sequence[NewMessage]) -> list[int]:
        """Messages that reach a conversation outside a turn (staff, platform); their seqs."""
        now = _now_iso()
        with self._tx() as conn:
            row = conn.execute("SELECT last_seq FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise UnknownSession(session_id)
            seq = row[0]
            seqs = []
            for message in messages:
                seq += 1
                seqs.append(seq)
                conn.execute(
                    "INSERT INTO transcript (session_id, seq, sender, text, buttons, at) VALUES (?, ?, ?, ?, ?, ?)",
                    (session_id, seq, message.sender, message.text, _dumps(list(message.buttons)), now),
                )
            conn.execute(
                "UPDATE sessions SET last_seq = ?, updated_at = ? WHERE id = ?", (seq, now, session_id)
            )
        return seqs

    def messages(self, session_id: str, after: int = 0) -> list[Message]:
        with self._lock:
            rows = self.db.conn.execute(
                "SELECT seq, sender, text, buttons, at FROM transcript WHERE session_id = ? AND seq > ? ORDER BY seq",
                (session_id, after),
            ).fetchall()
        return [Message(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]

    def expire_sessions(self, now: float | None = None) -> int:
        """Delete sessions past their expiry (with their transcript and events); how many."""
        with self._tx() as conn:
            cursor = conn.execute("DELETE FROM sessions WHERE expires_at < ?", (now or time.time(),))
            return cursor.rowcount

    # ------------------------------------------------------------------ telegram
    def telegram_session(self, chat_id: int) -> str | None:
        """The session a Telegram chat talks to, if any."""
        with self._lock:
            row = self.db.conn.execute(
                "SELECT session_id FROM telegram_chats WHERE chat_id = ?", (chat_id,)
            ).fetchone()
        return None if row is None else str(row[0])

    def set_telegram_session(self, chat_id: int, session_id: str) -> None:
        """Point a chat at a session; what the session already holds counts as pushed."""
        with self._tx() as conn:
            row = conn.execute("SELECT last_seq FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise UnknownSession(session_id)
            conn.execute(
                "INSERT INTO telegram_chats (chat_id, session_id, last_pushed, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET session_id = excluded.session_id, "
                "last_pushed = excluded.last_pushed, updated_at = excluded.updated_at",
                (chat_id, session_id, row[0], _now_iso()),
            )

    def telegram_unpushed(self) -> list[tuple[int, str, int]]:
        """(chat_id, session_id, last_pushed) of the chats whose session has messages past last_pushed."""
        with self._lock:
            rows = self.db.conn.execute(
                "SELECT t.chat_id, t.session_id, t.last_pushed FROM telegram_chats t "
                "JOIN sessions s ON s.id = t.session_id WHERE s.last_seq > t.last_pushed ORDER BY t.chat_id"
            ).fetchall()
        return [(int(r[0]), str(r[1]), int(r[2])) for r in rows]

    def set_telegram_pushed(self, chat_id: int, session_id: str, seq: int) -> None:
        """Remember that the chat has been served up to ``seq`` (never moves back, nor to another session)."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE telegram_chats SET last_pushed = ?, updated_at = ? "
                "WHERE chat_id = ? AND session_id = ? AND last_pushed < ?",
                (seq, _now_iso(), chat_id, session_id, seq),
            )

    # ------------------------------------------------------------------ events
    def add_event(self, session_id: str | None, kind: str, data: dict[str, Any] | None = None) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO events (session_id, kind, data, at) VALUES (?, ?, ?, ?)",
                (session_id, kind, _dumps(data or {}), _now_iso()),
            )

    def events(self, session_id: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        where, params = [], []
        if session_id is not None:
            where.append("session_id = ?")
            params.append(session_id)
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        sql = "SELECT id, session_id, kind, data, at FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._lock:
            rows = self.db.conn.execute(sql + " ORDER BY id", params).fetchall()
        return [
            {"id": r[0], "session_id": r[1], "kind": r[2], "data": json.loads(r[3]), "at": r[4]} for r in rows
        ]


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (no semicolons inside literals; a trigger's BEGIN … END stays whole)."""
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    out, buf = [], ""
    for piece in "\n".join(lines).split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \t\n;"):
                out.append(buf.strip())
            buf = ""
    return out
