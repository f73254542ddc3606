"""Conversations linked to platform accounts (migration ``0005_session_accounts.sql``).

A session linked to an account gets that account's platform notices (status changes
of its contracts, its SMS) as ``platform`` messages.  It shares the
:class:`storage.db.Store`'s connection, lock and migrations.
"""

from __future__ import annotations

from collections.abc import Iterable

from .db import Store, UnknownSession, now_iso


class SessionLinks:
    """The ``session_accounts`` table over a :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def link(self, session_id: str, account_id: str) -> None:
        """Link a session to an account (again: no change); :class:`UnknownSession` if none."""
        with self.store._tx() as conn:
            if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
                raise UnknownSession(session_id)
            conn.execute(
                "INSERT OR IGNORE INTO session_accounts (session_id, account_id, linked_at) VALUES (?, ?, ?)",
                (session_id, account_id, now_iso()),
            )

    def unlink(self, session_id: str, account_id: str) -> bool:
        with self.store._tx() as conn:
            cursor = conn.execute(
                "DELETE FROM session_accounts WHERE session_id = ? AND account_id = ?",
                (session_id, account_id),
            )
            return cursor.rowcount > 0

    def accounts(self, session_id: str) -> list[str]:
        with self.store._lock:
            rows = self.store.db.conn.execute(
                "SELECT account_id FROM session_accounts WHERE session_id = ? ORDER BY linked_at, account_id",
                (session_id,),
            ).fetchall()
        return [str(r[0]) for r in rows]

    def sessions(self, account_ids: Iterable[str]) -> list[tuple[str, str]]:
        """(session_id, account_id) of the sessions linked to any of ``account_ids``, oldest link first."""
        ids = sorted(set(account_ids))
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        with self.store._lock:
            rows = self.store.db.conn.execute(
                f"SELECT session_id, account_id FROM session_accounts WHERE account_id IN ({marks}) "
                "ORDER BY linked_at, session_id",
                ids,
            ).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]
