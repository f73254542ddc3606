"""The staff queue's one-line summary counts the questions as the person's step bar does."""

from __future__ import annotations

import datetime
from pathlib import Path

from bot.staff import summarise
from dialogs.engine import Assistant
from dialogs.faq import KnowledgeBase
from dialogs.flows import load_flows
from dialogs.nlu import NLU
from storage import Store


def test_the_summary_says_the_step_and_what_is_missing_like_the_step_bar(tmp_path: Path) -> None:
    nlu = NLU.load()
    assistant = Assistant(
        Store(tmp_path / "q.db"), load_flows(), nlu, KnowledgeBase.load(nlu=nlu),
        today=lambda: datetime.date(2026, 11, 25),
    )  # fmt: skip
    session = assistant.new_session("zh")
    assistant.handle(session, payload="/flow title_check")
    turn = assistant.handle(session, text="深圳")
    assert turn.state.progress is not None
    line = summarise(assistant, assistant.state_of(session))
    current, total = turn.state.progress.current, turn.state.progress.total
    assert f"第{current}/{total}步 cert_type" in line
    missing = line.split("尚缺：")[1]
    assert "cert_type" in missing and "region" not in missing
    assert summarise(assistant, {"flow": None}) == "无进行中的流程（自由提问）"
