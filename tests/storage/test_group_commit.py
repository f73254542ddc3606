"""Group commit (Store.save_turn_async, storage.group) against a real SQLite file.

Turns handed in together are committed together, each whole or not at all; a
turn's caller hears back only once its transaction is committed.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from storage import NewMessage, Store, TurnWrite, UnknownSession, VersionConflict
from storage.group import GroupCommit


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "esf.db")


def on_disk(path: Path, session_id: str) -> tuple[Any, ...]:
    """(state, version, last_seq, transcript texts) through a connection of its own."""
    conn = sqlite3.connect(path)
    try:
        state, version, last_seq = conn.execute(
            "SELECT state, version, last_seq FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        texts = [
            r[0]
            for r in conn.execute(
                "SELECT text FROM transcript WHERE session_id = ? ORDER BY seq", (session_id,)
            )
        ]
    finally:
        conn.close()
    return state, version, last_seq, texts


def test_many_concurrent_turns_all_stored_in_few_transactions(store: Store) -> None:
    sessions = [f"s{n}" for n in range(60)]
    for session in sessions:
        store.create_session(session, {"n": 0})
    batches: list[int] = []

    def save_turns(turns: Sequence[TurnWrite]) -> list[int | Exception]:
        batches.append(len(turns))
        return store.save_turns(turns)

    async def scenario() -> None:
        group = GroupCommit(save_turns, asyncio.get_running_loop())

        async def user(session: str) -> None:
            for n in range(5):
                turn = TurnWrite(session, {"n": n + 1}, n + 1, [NewMessage("user", f"{session}-{n}")])
                assert await group.submit(turn) == n + 2

        await asyncio.gather(*(user(s) for s in sessions))
        group.shutdown()

    asyncio.run(scenario())
    assert sum(batches) == 300
    assert len(batches) < 300 / 10  # the turns that arrived together were committed together
    for session in sessions:
        record = store.load_session(session)
        assert record.state == {"n": 5} and record.version == 6 and record.last_seq == 5
        assert [m.text for m in store.messages(session)] == [f"{session}-{n}" for n in range(5)]


def test_a_turn_is_on_disk_when_its_caller_hears_back(store: Store, tmp_path: Path) -> None:
    store.create_session("s1", {"step": "a"})

    async def scenario() -> None:
        version = await store.save_turn_async("s1", {"step": "b"}, 1, [NewMessage("user", "hi")])
        assert version == 2
        # another connection (another process, after a SIGKILL) sees the whole turn
        assert on_disk(tmp_path / "esf.db", "s1") == ('{"step":"b"}', 2, 1, ["hi"])

    asyncio.run(scenario())
    store.close()


def test_a_failing_turn_in_a_batch_loses_nothing_of_the_others(store: Store, tmp_path: Path) -> None:
    for session in ("good1", "bad_sender", "stale", "good2"):
        store.create_session(session, {"n": 0})
    store.save_turn("stale", {"n": 1}, 1, [NewMessage("user", "first")])
    bad = NewMessage("robot", "not a sender")  # type: ignore[arg-type]  # the CHECK constraint refuses it

    async def scenario() -> list[int | BaseException]:
        turns = [
            store.save_turn_async("good1", {"n": 1}, 1, [NewMessage("user", "g1")]),
            store.save_turn_async("bad_sender", {"n": 1}, 1, [NewMessage("user", "ok"), bad]),
            store.save_turn_async("stale", {"n": 99}, 1, [NewMessage("user", "lost")]),
            store.save_turn_async("nobody", {"n": 1}, 1, [NewMessage("user", "?")]),
            store.save_turn_async("good2", {"n": 1}, 1, [NewMessage("user", "g2")], [("flow_finished", {})]),
        ]
        return await asyncio.gather(*turns, return_exceptions=True)

    results = asyncio.run(scenario())
    assert results[0] == 2 and results[4] == 2
    assert isinstance(results[1], sqlite3.IntegrityError)
    assert isinstance(results[2], VersionConflict)
    assert isinstance(results[3], UnknownSession)
    path = tmp_path / "esf.db"
    assert on_disk(path, "good1") == ('{"n":1}', 2, 1, ["g1"])
    assert on_disk(path, "good2") == ('{"n":1}', 2, 1, ["g2"])
    assert on_disk(path, "bad_sender") == ('{"n":0}', 1, 0, [])  # not half a turn: no "ok" either
    assert on_disk(path, "stale") == ('{"n":1}', 2, 1, ["first"])
    assert [e["kind"] for e in store.events("good2")] == ["flow_finished"]


def test_two_turns_of_one_session_in_one_batch_the_second_conflicts(store: Store) -> None:
    store.create_session("s1", {"n": 0})
    one = TurnWrite("s1", {"n": 1}, 1, [NewMessage("user", "one")])
    other = TurnWrite("s1", {"n": 2}, 1, [NewMessage("user", "other")])
    results = store.save_turns([one, other])
    assert results[0] == 2 and isinstance(results[1], VersionConflict)
    assert store.load_session("s1").state == {"n": 1}
    assert [m.text for m in store.messages("s1")] == ["one"]


def test_a_failed_transaction_fails_every_turn_of_it(store: Store, tmp_path: Path) -> None:
    store.create_session("a", {"n": 0})
    store.create_session("b", {"n": 0})
    store.db.execute("PRAGMA busy_timeout = 0")
    blocker = sqlite3.connect(tmp_path / "esf.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock: BEGIN fails at once

    async def scenario() -> list[int | BaseException]:
        turns = [store.save_turn_async(s, {"n": 1}, 1, [NewMessage("user", s)]) for s in ("a", "b")]
        return await asyncio.gather(*turns, return_exceptions=True)

    results = asyncio.run(scenario())
    assert all(isinstance(r, sqlite3.OperationalError) for r in results)
    blocker.execute("ROLLBACK")
    blocker.close()
    assert store.load_session("a").version == 1 and store.messages("b") == []

    async def again() -> int:  # the writer goes on after a failed batch
        return await store.save_turn_async("a", {"n": 1}, 1, [NewMessage("user", "a")])

    assert asyncio.run(again()) == 2


def test_drain_waits_for_every_submitted_turn(store: Store, tmp_path: Path) -> None:
    sessions = [f"s{n}" for n in range(20)]
    for session in sessions:
        store.create_session(session, {})

    async def scenario() -> None:
        tasks = [
            asyncio.ensure_future(store.save_turn_async(s, {"done": True}, 1, [NewMessage("user", "x")]))
            for s in sessions
        ]
        await asyncio.sleep(0)
        await store.drain()
        for session in sessions:
            assert on_disk(tmp_path / "esf.db", session)[1] == 2
        await asyncio.gather(*tasks)

    asyncio.run(scenario())


def test_reads_see_each_commit_and_leave_no_read_open(tmp_path: Path) -> None:
    store = Store(tmp_path / "r.db")
    store.create_session("s1", {"n": 0})
    for n in range(20):
        assert store.load_session("s1").version == n + 1  # the read connection sees the last commit
        store.save_turn("s1", {"n": n + 1}, n + 1, [NewMessage("user", f"m{n}")])
        assert len(store.messages("s1")) == n + 1
    busy, wal_pages, copied = store.checkpoint()
    assert busy == 0 and copied == wal_pages  # no read transaction held the WAL back


def test_in_memory_store_saves_async_turns_too() -> None:
    store = Store(":memory:")
    store.create_session("s1", {})

    async def scenario() -> int:
        return await store.save_turn_async("s1", {"n": 1}, 1, [NewMessage("user", "hi")])

    assert asyncio.run(scenario()) == 2
    assert store.load_session("s1").state == {"n": 1}
    store.close()
