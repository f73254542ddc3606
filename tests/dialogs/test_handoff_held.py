"""While a member of staff holds a handoff, the person's messages never move the flow (explore report E13)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from dialogs.engine import Assistant
from dialogs.faq import KnowledgeBase
from dialogs.flows import load_flows
from dialogs.nlu import NLU
from storage import Store


@pytest.fixture(scope="module")
def parts() -> tuple[NLU, KnowledgeBase]:
    nlu = NLU.load()
    return nlu, KnowledgeBase.load(nlu=nlu)


def _assistant(tmp_path: Path, parts: tuple[NLU, KnowledgeBase], holder: str | None) -> Assistant:
    nlu, kb = parts
    assistant = Assistant(
        Store(tmp_path / "h.db"), load_flows(), nlu, kb, today=lambda: datetime.date(2026, 11, 24)
    )
    assistant.handoff_holder = lambda session_id: holder
    return assistant


def test_held_by_staff_the_flow_stays_still(tmp_path: Path, parts: tuple[NLU, KnowledgeBase]) -> None:
    assistant = _assistant(tmp_path, parts, "alice")
    session = assistant.new_session("zh")
    assistant.handle(session, payload="/flow cancel_filed")
    assert assistant.handle(session, text="转人工").handoff is True
    turn = assistant.handle(session, text="好的")
    assert (turn.state.step, turn.state.slots) == ("transfer_accepted", {})
    assert [r.text for r in turn.replies] == [assistant.m["handoff_held"]["zh"]]
    turn = assistant.handle(session, text="你好，我想问注销网签几种情况")  # for the human: no FAQ, no flow
    assert turn.replies == [] and turn.state.step == "transfer_accepted" and turn.state.slots == {}
    assert assistant.handle(session, payload="yes").state.slots == {}  # an old button neither
    texts = [m.text for m in assistant.store.messages(session)]
    assert "好的" in texts and "你好，我想问注销网签几种情况" in texts
    turn = assistant.handle(session, text="取消")  # commands still work
    assert turn.handoff is False and turn.state.step == "transfer_accepted"
    assert assistant.handle(session, text="是").state.slots == {"transfer_registration_accepted": True}


def test_waiting_for_staff_the_assistant_still_serves(
    tmp_path: Path, parts: tuple[NLU, KnowledgeBase]
) -> None:
    assistant = _assistant(tmp_path, parts, None)
    session = assistant.new_session("zh")
    assistant.handle(session, payload="/flow cancel_filed")
    assistant.handle(session, text="转人工")
    turn = assistant.handle(session, text="否")
    assert turn.handoff is True and turn.state.slots == {"transfer_registration_accepted": False}


def test_a_failing_desk_keeps_the_flow_still(tmp_path: Path, parts: tuple[NLU, KnowledgeBase]) -> None:
    assistant = _assistant(tmp_path, parts, None)

    def broken(session_id: str) -> str | None:
        raise OSError("database is locked")

    assistant.handoff_holder = broken
    session = assistant.new_session("zh")
    assistant.handle(session, payload="/flow cancel_filed")
    assistant.handle(session, text="转人工")
    assert assistant.handle(session, text="否").state.slots == {}
