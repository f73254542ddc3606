"""The FAQ inside a conversation: answers with their section, feedback stored, place kept."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from dialogs.engine import Assistant
from dialogs.faq import KnowledgeBase
from dialogs.flows import load_flows
from dialogs.nlu import NLU
from dialogs.schema import Flow
from storage import Store

Parts = tuple[dict[str, Flow], NLU, KnowledgeBase]


@pytest.fixture(scope="module")
def parts() -> Parts:
    nlu = NLU.load()
    return load_flows(), nlu, KnowledgeBase.load(nlu=nlu)


def make(parts: Parts, tmp_path: Path) -> Assistant:
    flows, nlu, kb = parts
    return Assistant(Store(tmp_path / "c.db"), flows, nlu, kb, today=lambda: datetime.date(2026, 11, 24))


def test_top_level_question_answered_with_feedback_stored(parts: Parts, tmp_path: Path) -> None:
    assistant = make(parts, tmp_path)
    session = assistant.new_session("zh")
    turn = assistant.handle(session, text="公司的房子能线上签吗？")
    said = "\n".join(r.text for r in turn.replies)
    assert "线下签署" in said and "5.3.1" in said and "这个回答有帮助吗" in said
    payloads = [b.payload for r in turn.replies for b in r.buttons]
    yes = next(p for p in payloads if p.startswith("/feedback ") and p.endswith(" yes"))
    entry_id = yes.split()[1]
    thanks = assistant.handle(session, payload=yes)
    assert "谢谢您的反馈" in thanks.replies[0].text
    no = assistant.handle(session, payload=f"/feedback {entry_id} no")
    assert no.state.flow is None
    events = assistant.store.events(session, kind="faq_feedback")
    assert [(e["data"]["id"], e["data"]["helpful"]) for e in events] == [(entry_id, True), (entry_id, False)]
    assert [e["data"]["id"] for e in assistant.store.events(session, kind="faq_answered")] == [entry_id]


def test_feedback_mid_flow_keeps_the_step(parts: Parts, tmp_path: Path) -> None:
    assistant = make(parts, tmp_path)
    session = assistant.new_session("zh")
    assistant.handle(session, payload="/flow title_check")
    assistant.handle(session, text="深圳")
    turn = assistant.handle(session, text="网签备案以后还能改买方吗？")
    assert turn.state.step == "cert_type"
    feedback = next(b.payload for r in turn.replies for b in r.buttons if b.payload.startswith("/feedback"))
    after = assistant.handle(session, payload=feedback)
    assert after.state.step == "cert_type" and after.state.slots == {"region": "shenzhen"}
    assert "产权证书是哪一种" in "\n".join(r.text for r in after.replies)


def test_out_of_scope_in_chat_points_to_12345(parts: Parts, tmp_path: Path) -> None:
    assistant = make(parts, tmp_path)
    session = assistant.new_session("en")
    turn = assistant.handle(session, text="What is the mortgage rate now?")
    said = "\n".join(r.text for r in turn.replies)
    assert "12345" in said and turn.state.flow is None
