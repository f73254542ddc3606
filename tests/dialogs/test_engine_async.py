"""``Assistant.handle_async`` (the web door's turn, group-committed) is ``handle``'s twin."""

from __future__ import annotations

import asyncio
import datetime
from pathlib import Path

import pytest

from dialogs.engine import Assistant
from dialogs.flows import load_flows
from dialogs.nlu import NLU
from storage import Store

SCRIPT: list[tuple[str | None, str | None]] = [
    (None, None),
    ("房屋产权校验", "/flow title_check"),
    ("深圳", None),
    ("不动产权证书", "property_cert"),
    ("粤(2020)深圳市不动产权第0123456号", None),
    ("个人", "false"),
    ("进度", None),
    ("返回", None),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    store = Store(Path(tmp_path_factory.mktemp("async")) / "a.db")
    return Assistant(store, load_flows(), NLU.load(), today=lambda: datetime.date(2026, 11, 24))


def test_same_turns_as_handle(assistant: Assistant) -> None:
    sync_session, async_session = assistant.new_session("zh"), assistant.new_session("zh")

    async def scenario() -> None:
        for text, payload in SCRIPT:
            expected = assistant.handle(sync_session, text, payload).model_dump()
            got = (await assistant.handle_async(async_session, text, payload)).model_dump()
            assert got | {"session_id": None} == expected | {"session_id": None}

    asyncio.run(scenario())
    assert assistant.state_of(sync_session) == assistant.state_of(async_session)
    texts = [m.text for m in assistant.store.messages(async_session)]
    assert texts == [m.text for m in assistant.store.messages(sync_session)]


def test_two_turns_at_once_on_one_session_both_count(assistant: Assistant) -> None:
    session = assistant.new_session("zh")
    assistant.handle(session, None)

    async def scenario() -> None:
        # both read version 2 and are committed in one batch: the second conflicts, is worked
        # out again on the first one's state and stored after it
        first, second = await asyncio.gather(
            assistant.handle_async(session, payload="/flow title_check"),
            assistant.handle_async(session, text="深圳"),
        )
        assert first.state.flow == "title_check" and first.state.step == "region"
        assert second.state.slots == {"region": "shenzhen"}

    asyncio.run(scenario())
    record = assistant.store.load_session(session)
    assert record.version == 4 and record.state["slots"] == {"region": "shenzhen"}
    messages = assistant.store.messages(session)
    assert [m.seq for m in messages] == list(range(1, len(messages) + 1))
    users = [m.text for m in messages if m.sender == "user"]
    assert users == ["/flow title_check", "深圳"]
