"""The desk's hot paths, in-process: the queue summarises a conversation again only when it changed,
and an open event stream reads its session's existence at open and on a wake-up, not per heartbeat."""

from __future__ import annotations

import asyncio
import datetime
import json
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

import bot.staff
from bot.staff import QueueSummaries
from bot.web import create_app
from dialogs.engine import Assistant
from storage import NewMessage, Store
from storage.staff import StaffStore

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture(scope="module")
def brain(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """Flows, NLU, FAQ and messages loaded once; each test gets its own store."""
    return Assistant(Store(tmp_path_factory.mktemp("brain") / "brain.db"))


def assistant_on(brain: Assistant, db: Path) -> Assistant:
    return Assistant(Store(db), brain.flows, brain.nlu, brain.faq, messages=brain.m, today=lambda: TODAY)


def test_the_queue_summarises_a_conversation_again_only_when_it_changed(
    brain: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant = assistant_on(brain, tmp_path / "esf.db")
    staff = StaffStore(assistant.store.path)
    session = assistant.new_session("zh")
    for text in (None, "我要做房屋产权校验", "转人工"):
        turn = assistant.handle(session, text)
    assert turn.handoff
    calls: list[str] = []
    real = bot.staff.summarise

    def counting(assistant: Assistant, state: dict[str, Any]) -> str:
        calls.append(str(state.get("step")))
        return real(assistant, state)

    monkeypatch.setattr(bot.staff, "summarise", counting)
    queue = QueueSummaries()
    try:
        first = queue.rows(assistant, staff.waiting())
        assert [(r["session_id"], r["flow"]) for r in first] == [(session, "title_check")]
        assert set(first[0]) == {"session_id", "since", "flow", "step", "summary"}
        for _ in range(3):  # every poll of an unchanged queue: the same lines, summarised once
            assert queue.rows(assistant, staff.waiting()) == first
        assert len(calls) == 1

        # the conversation changes (its state is saved again): the next poll shows the change
        record = assistant.store.load_session(session)
        step = record.state["step"]
        assert step in first[0]["summary"]
        slots = {**record.state["slots"], step: "filled in meanwhile"}
        assistant.store.save_turn(session, {**record.state, "slots": slots}, record.version, [], [])
        second = queue.rows(assistant, staff.waiting())
        assert len(calls) == 2 and second[0]["summary"] != first[0]["summary"]
        assert second[0]["summary"] == real(assistant, assistant.store.load_session(session).state)
        assert queue.rows(assistant, staff.waiting()) == second and len(calls) == 2

        # a new day may change which questions apply: summarised again
        assistant.today = lambda: TODAY + datetime.timedelta(days=1)
        assert queue.rows(assistant, staff.waiting()) == second and len(calls) == 3

        # a conversation that left the queue leaves the cache too
        assert staff.take(session, "sam") == "taken"
        assert queue.rows(assistant, staff.waiting()) == [] and not queue._lines
    finally:
        staff.close()


async def _block(response: ClientResponse) -> list[str]:
    """The next event or comment block's lines ([] at the end of the stream)."""
    lines: list[str] = []
    while True:
        raw = await asyncio.wait_for(response.content.readline(), 5)
        if not raw:
            return lines
        line = raw.decode().rstrip("\n")
        if line:
            lines.append(line)
        elif lines:
            return lines


def test_a_stream_reads_its_session_at_open_and_on_a_wake_up_not_per_heartbeat(
    brain: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant = assistant_on(brain, tmp_path / "esf.db")
    store = assistant.store
    session = assistant.new_session("zh")
    assistant.handle(session)
    reads: list[str] = []
    real = store.session_exists

    def counting(session_id: str) -> bool:
        reads.append(session_id)
        return real(session_id)

    monkeypatch.setattr(store, "session_exists", counting)
    app = create_app(assistant, stream_heartbeat_seconds=0.05)

    async def scenario() -> None:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            response = await client.get(f"/api/sessions/{session}/stream")
            assert response.status == 200
            heartbeats = 0
            while heartbeats < 5:
                block = await _block(response)
                assert block, "the stream ended"
                heartbeats += block == [": heartbeat"]
            assert reads == [session]  # once, when the stream opened

            # a message wakes the stream: the session is read once, the message comes through
            store.append_messages(session, [NewMessage("staff", "您好，这里是12345。")])
            while True:
                block = await _block(response)
                data = [line for line in block if line.startswith("data: ")]
                if data:
                    assert json.loads(data[0][6:])["text"] == "您好，这里是12345。"
                    break
            assert reads == [session, session]

            # the session expires and is deleted: the stream ends (not left open until the client goes)
            assert await asyncio.to_thread(store.expire_sessions, time.time() + 10 * 365 * 86400) == 1
            while await _block(response):
                pass
            assert reads == [session, session, session]

    asyncio.run(scenario())
