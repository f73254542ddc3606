"""The SQLite store: sessions, their transcript, events; numbered migrations.

This module (and ``storage/migrations/*.sql``) is the only place that speaks SQL.
It uses sqlite-utils over one write connection in WAL mode (plus, for a file,
a read connection, so reads never wait for a commit).  A turn's new state and
its transcript rows are written in one transaction, guarded by the session's
version number, so a crash never leaves half a turn and two writers never
overwrite each other silently.  :meth:`Store.save_turn_async` group-commits:
the turns that arrive while a commit is under way are written together in the
next transaction, each under a savepoint of its own (see ``storage/group.py``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pydantic_core
import sqlite_utils

from .group import GroupCommit

log = logging.getLogger("esf.storage")

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
class TurnWrite:
    """One turn to store: the new state, its messages and events, guarded by the version read."""

    session_id: str
    state: dict[str, Any]
    expected_version: int
    messages: Sequence[NewMessage] = ()
    events: Sequence[tuple[str, dict[str, Any]]] = ()


@dataclass(frozen=True)
class Message:
    seq: int
    sender: Sender
    text: str
    buttons: list[dict[str, str]]
    at: str


def now_iso() -> str:
    """Now, UTC, to the millisecond, as stored everywhere (``2026-11-25T02:20:00.000Z``)."""
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
        self._lock = threading.RLock()  # the write connection (and, in memory, the only one)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        # Checkpoints fsync: keep them off the request path. The server runs checkpoint()
        # every few seconds in a worker thread; this bound only matters without it.
        self.db.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA busy_timeout = 5000")
        self.migrate()
        # Reads use a connection of their own (WAL: they see the last commit and never wait
        # for the writer), so the event loop reads while the writer thread commits.
        self._read_lock = self._lock
        self._read_conn = conn
        if str(path) != ":memory:":
            self._read_lock = threading.RLock()
            self._read_conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._read_conn.execute("PRAGMA busy_timeout = 5000")
        self._group: GroupCommit | None = None
        # Called with a session id after a commit that added messages to it (from whichever thread
        # committed: the event loop, the group-commit writer); the web server's streams listen here.
        self.message_listeners: list[Callable[[str], None]] = []
        # Called after expire_sessions deleted any session (the streams then check whether theirs is gone).
        self.expiry_listeners: list[Callable[[], None]] = []

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled back already (I/O error, full disk)
                    conn.execute("ROLLBACK")
                raise

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Rows of one query on the read connection (fetched to the end: no read stays open)."""
        with self._read_lock:
            return self._read_conn.execute(sql, params).fetchall()

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
                    (number, name, now_iso()),
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
        return int(self._read("SELECT max(version) FROM schema_migrations")[0][0] or 0)

    def close(self) -> None:
        if self._group is not None:
            self._group.shutdown()
        with self._lock:
            if self._read_conn is not self.db.conn:
                with self._read_lock:
                    self._read_conn.close()
            self.db.conn.close()

    # ------------------------------------------------------------------ sessions
    def create_session(self, session_id: str, state: dict[str, Any]) -> SessionRecord:
        now = now_iso()
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO sessions (id, state, version, last_seq, created_at, updated_at, expires_at) "
                "VALUES (?, ?, 1, 0, ?, ?, ?)",
                (session_id, _dumps(state), now, now, time.time() + self.ttl_seconds),
            )
        return SessionRecord(session_id, state, 1, 0)

    def load_session(self, session_id: str) -> SessionRecord:
        """The session's state; :class:`UnknownSession` if missing or expired."""
        rows = self._read(
            "SELECT state, version, last_seq, expires_at FROM sessions WHERE id = ?", (session_id,)
        )
        if not rows or rows[0][3] < time.time():
            raise UnknownSession(session_id)
        row = rows[0]
        return SessionRecord(session_id, pydantic_core.from_json(row[0]), row[1], row[2])

    def state_sizes(self) -> list[int]:
        """The stored state's size in bytes, one per session (for benchmarks and monitoring)."""
        rows = self._read("SELECT length(CAST(state AS BLOB)) FROM sessions")
        return [int(r[0]) for r in rows]

    def session_exists(self, session_id: str) -> bool:
        """Whether the session is there and not expired (one indexed read; the state is not parsed)."""
        rows = self._read("SELECT expires_at FROM sessions WHERE id = ?", (session_id,))
        return bool(rows) and rows[0][0] >= time.time()

    def save_turn(
        self,
        session_id: str,
        state: dict[str, Any],
        expected_version: int,
        messages: Sequence[NewMessage] = (),
        events: Sequence[tuple[str, dict[str, Any]]] = (),
    ) -> int:
        """Store the new state, the turn's messages and its events in one transaction; the new version."""
        turn = TurnWrite(session_id, state, expected_version, messages, events)
        with self._tx() as conn:
            version = self._write_turn(conn, turn, now_iso(), time.time() + self.ttl_seconds)
        if messages:
            self._messages_added(session_id)
        return version

    async def save_turn_async(
        self,
        session_id: str,
        state: dict[str, Any],
        expected_version: int,
        messages: Sequence[NewMessage] = (),
        events: Sequence[tuple[str, dict[str, Any]]] = (),
    ) -> int:
        """:meth:`save_turn` from the event loop, group-committed by a writer thread: it returns
        (the new version) once the transaction holding this turn is committed."""
        loop = asyncio.get_running_loop()
        if self._group is None or self._group.loop is not loop:
            if self._group is not None:
                self._group.shutdown()
            self._group = GroupCommit(self.save_turns, loop)
        turn = TurnWrite(session_id, state, expected_version, messages, events)
        return await self._group.submit(turn)

    async def drain(self) -> None:
        """Wait until every turn handed to :meth:`save_turn_async` is committed (or failed)."""
        if self._group is not None:
            await self._group.drain()

    def save_turns(self, turns: Sequence[TurnWrite]) -> list[int | Exception]:
        """Several turns in one transaction, each whole or not at all (a savepoint each): per turn,
        its new version or the exception that refused it (:class:`VersionConflict`, …), the
        others unharmed.  Raises only when the transaction itself fails (then none is stored)."""
        now, expires = now_iso(), time.time() + self.ttl_seconds
        results: list[int | Exception] = []
        with self._tx() as conn:
            for turn in turns:
                conn.execute("SAVEPOINT turn")
                try:
                    results.append(self._write_turn(conn, turn, now, expires))
                except Exception as exc:
                    if not conn.in_transaction:  # SQLite rolled the whole transaction back
                        raise
                    conn.execute("ROLLBACK TO turn")
                    results.append(exc)
                conn.execute("RELEASE turn")
        for turn, result in zip(turns, results, strict=True):
            if turn.messages and not isinstance(result, Exception):
                self._messages_added(turn.session_id)
        return results

    def _write_turn(self, conn: sqlite3.Connection, turn: TurnWrite, now: str, expires: float) -> int:
        session_id, expected_version = turn.session_id, turn.expected_version
        state = _dumps(turn.state)  # before any SQL: a state that cannot be stored writes nothing
        row = conn.execute("SELECT version, last_seq FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise UnknownSession(session_id)
        if row[0] != expected_version:
            raise VersionConflict(f"{session_id}: version {row[0]}, expected {expected_version}")
        seq = row[1]
        rows = []
        for message in turn.messages:
            seq += 1
            rows.append((session_id, seq, message.sender, message.text, _dumps(list(message.buttons)), now))
        if rows:
            conn.executemany(
                "INSERT INTO transcript (session_id, seq, sender, text, buttons, at) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
        if turn.events:
            conn.executemany(
                "INSERT INTO events (session_id, kind, data, at) VALUES (?, ?, ?, ?)",
                [(session_id, kind, _dumps(data), now) for kind, data in turn.events],
            )
        conn.execute(
            "UPDATE sessions SET state = ?, version = ?, last_seq = ?, updated_at = ?, expires_at = ? "
            "WHERE id = ?",
            (state, expected_version + 1, seq, now, expires, session_id),
        )
        return expected_version + 1

    def append_messages(self, session_id: str, messages: Sequence[NewMessage]) -> list[int]:
        """Messages that reach a conversation outside a turn (staff, platform); their seqs."""
        now = now_iso()
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
        if seqs:
            self._messages_added(session_id)
        return seqs

    def _messages_added(self, session_id: str) -> None:
        for listener in list(self.message_listeners):
            try:
                listener(session_id)
            except Exception:  # a listener never undoes a commit
                log.exception("message listener failed")

    def messages(self, session_id: str, after: int = 0) -> list[Message]:
        rows = self._read(
            "SELECT seq, sender, text, buttons, at FROM transcript WHERE session_id = ? AND seq > ? ORDER BY seq",
            (session_id, after),
        )
        return [Message(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]

    def expire_sessions(self, now: float | None = None) -> int:
        """Delete sessions past their expiry (with their transcript and events); how many.
        When any went, every ``expiry_listeners`` callable is called (the event streams check theirs)."""
        with self._tx() as conn:
            cursor = conn.execute("DELETE FROM sessions WHERE expires_at < ?", (now or time.time(),))
            removed = cursor.rowcount
        if removed:
            for listener in list(self.expiry_listeners):
                try:
                    listener()
                except Exception:  # a listener never undoes a commit
                    log.exception("expiry listener failed")
        return removed

    # ------------------------------------------------------------------ telegram
    def telegram_session(self, chat_id: int) -> str | None:
        """The session a Telegram chat talks to, if any."""
        rows = self._read("SELECT session_id FROM telegram_chats WHERE chat_id = ?", (chat_id,))
        return str(rows[0][0]) if rows else None

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
                (chat_id, session_id, row[0], now_iso()),
            )

    def telegram_unpushed(self) -> list[tuple[int, str, int]]:
        """(chat_id, session_id, last_pushed) of the chats whose session has messages past last_pushed."""
        rows = self._read(
            "SELECT t.chat_id, t.session_id, t.last_pushed FROM telegram_chats t "
            "JOIN sessions s ON s.id = t.session_id WHERE s.last_seq > t.last_pushed ORDER BY t.chat_id"
        )
        return [(int(r[0]), str(r[1]), int(r[2])) for r in rows]

    def set_telegram_pushed(self, chat_id: int, session_id: str, seq: int) -> None:
        """Remember that the chat has been served up to ``seq`` (never moves back, nor to another session)."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE telegram_chats SET last_pushed = ?, updated_at = ? "
                "WHERE chat_id = ? AND session_id = ? AND last_pushed < ?",
                (seq, now_iso(), chat_id, session_id, seq),
            )

    # ------------------------------------------------------------------ events
    def add_event(self, session_id: str | None, kind: str, data: dict[str, Any] | None = None) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO events (session_id, kind, data, at) VALUES (?, ?, ?, ?)",
                (session_id, kind, _dumps(data or {}), now_iso()),
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
        rows = self._read(sql + " ORDER BY id", params)
        return [
            {"id": r[0], "session_id": r[1], "kind": r[2], "data": json.loads(r[3]), "at": r[4]} for r in rows
        ]


def _dumps(obj: Any) -> str:
    """Compact UTF-8 JSON (pydantic-core: the same text as ``json.dumps(obj, ensure_ascii=False,
    separators=(",", ":"))``, four times faster on a session's state)."""
    return pydantic_core.to_json(obj).decode()


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
