"""storage.Store against a real SQLite file: migrations, WAL, atomic turns, expiry."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from storage import NewMessage, Store, UnknownSession, VersionConflict, migration_files


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "esf.db")


def test_migrations_numbered_and_applied_once(tmp_path: Path) -> None:
    numbers = [n for n, _, _ in migration_files()]
    # Unique and increasing from 0001; a number taken on another branch may be missing until it lands.
    assert numbers == sorted(set(numbers)) and numbers[0] == 1
    first = Store(tmp_path / "a.db")
    assert first.schema_version() == numbers[-1]
    first.close()
    again = Store(tmp_path / "a.db")
    assert again.migrate() == []  # nothing left to apply
    rows = again.db.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert [r[0] for r in rows] == numbers


def test_wal_mode(store: Store) -> None:
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_turn_saves_state_and_transcript_together(store: Store) -> None:
    store.create_session("s1", {"step": "a"})
    version = store.save_turn(
        "s1",
        {"step": "b"},
        1,
        [NewMessage("user", "hi"), NewMessage("assistant", "hello", [{"title": "t", "payload": "p"}])],
    )
    assert version == 2
    record = store.load_session("s1")
    assert record.state == {"step": "b"} and record.version == 2 and record.last_seq == 2
    msgs = store.messages("s1")
    assert [(m.seq, m.sender, m.text) for m in msgs] == [(1, "user", "hi"), (2, "assistant", "hello")]
    assert msgs[1].buttons == [{"title": "t", "payload": "p"}]
    assert [m.seq for m in store.messages("s1", after=1)] == [2]


def test_stale_version_is_refused_and_nothing_is_written(store: Store) -> None:
    store.create_session("s1", {"n": 0})
    store.save_turn("s1", {"n": 1}, 1, [NewMessage("user", "one")])
    with pytest.raises(VersionConflict):
        store.save_turn("s1", {"n": 99}, 1, [NewMessage("user", "lost")])
    assert store.load_session("s1").state == {"n": 1}
    assert [m.text for m in store.messages("s1")] == ["one"]


def test_failed_transaction_leaves_no_half_turn(store: Store) -> None:
    store.create_session("s1", {"n": 0})
    bad = NewMessage("robot", "not a sender")  # type: ignore[arg-type]  # the CHECK constraint refuses it
    with pytest.raises(sqlite3.IntegrityError):
        store.save_turn("s1", {"n": 1}, 1, [NewMessage("user", "ok"), bad])
    assert store.load_session("s1").state == {"n": 0}
    assert store.messages("s1") == []


def test_outside_messages_continue_the_sequence(store: Store) -> None:
    store.create_session("s1", {})
    store.save_turn("s1", {}, 1, [NewMessage("user", "a")])
    assert store.append_messages("s1", [NewMessage("staff", "b"), NewMessage("platform", "c")]) == [2, 3]
    store.save_turn("s1", {}, 2, [NewMessage("user", "d")])
    assert [m.seq for m in store.messages("s1")] == [1, 2, 3, 4]


def test_unknown_and_expired_sessions(tmp_path: Path) -> None:
    store = Store(tmp_path / "e.db", ttl_seconds=0.05)
    with pytest.raises(UnknownSession):
        store.load_session("nope")
    store.create_session("old", {})
    time.sleep(0.1)
    with pytest.raises(UnknownSession):
        store.load_session("old")
    assert store.expire_sessions() == 1
    assert store.messages("old") == []


def test_state_survives_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    first = Store(path)
    first.create_session("s1", {"slots": {"region": "shenzhen"}})
    first.save_turn("s1", {"slots": {"region": "shenshan"}}, 1, [NewMessage("user", "深汕")])
    first.close()
    second = Store(path)
    assert second.load_session("s1").state == {"slots": {"region": "shenshan"}}


def test_events(store: Store) -> None:
    store.create_session("s1", {})
    store.add_event("s1", "handoff_requested", {"flow": "contract"})
    store.add_event(None, "startup")
    assert [e["kind"] for e in store.events("s1")] == ["handoff_requested"]
    assert store.events(kind="startup")[0]["session_id"] is None


def test_checkpoint_copies_the_wal_without_losing_anything(tmp_path: Path) -> None:
    store = Store(tmp_path / "w.db")
    store.create_session("s1", {"n": 0})
    for n in range(50):
        store.save_turn("s1", {"n": n + 1}, n + 1, [NewMessage("user", f"m{n}")])
    busy, wal_pages, copied = store.checkpoint()
    assert busy == 0 and wal_pages > 0 and copied == wal_pages
    assert store.load_session("s1").state == {"n": 50}
    assert len(store.messages("s1")) == 50


def test_state_sizes_in_bytes(store: Store) -> None:
    store.create_session("a", {"x": "深"})
    store.create_session("b", {})
    assert sorted(store.state_sizes()) == [2, len('{"x":"深"}'.encode())]
