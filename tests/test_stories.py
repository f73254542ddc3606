"""Conversation tests as data: every ``tests/stories/*.yaml`` story is one pytest case.

A story file holds a list of stories::

    - name: title check, happy path
      lang: zh                  # optional: the session's language (else zh, not chosen)
      turns:
        - user: null            # text (null asks for the greeting / the current question again)
          expect: {flow: null, says: [办事助手]}
        - payload: /flow title_check
          expect: {flow: title_check, step: region, buttons: [深圳市], progress: [1, 17]}
        - user: 深圳
          expect: {step: cert_type, slots: {region: shenzhen}}

``expect`` keys: ``flow``, ``step`` (exact, null allowed), ``slots`` (these slots have
these values), ``no_slots`` (these slots are absent), ``says`` / ``not_says``
(substrings of the turn's replies, all joined), ``buttons`` (button titles
present), ``payloads`` (button payloads present), ``progress`` ([current, total]
or null), ``handoff`` (bool), ``replies`` (how many replies).  A turn may also
set ``lang`` (sent with the turn).  Sessions use a fresh SQLite file and a fixed
today (2026-11-24).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from dialogs.engine import Assistant
from dialogs.faq import KnowledgeBase
from dialogs.flows import load_flows
from dialogs.nlu import NLU
from storage import Store

STORIES = Path(__file__).with_name("stories")
TODAY = datetime.date(2026, 11, 24)
_KEYS = {
    "flow",
    "step",
    "slots",
    "no_slots",
    "says",
    "not_says",
    "buttons",
    "payloads",
    "progress",
    "handoff",
    "replies",
}


def _stories() -> list[Any]:
    cases = []
    for path in sorted(STORIES.glob("*.yaml")):
        for story in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            cases.append(pytest.param(story, id=f"{path.stem}: {story['name']}"))
    return cases


@pytest.fixture(scope="module")
def shared() -> tuple[dict[str, Any], NLU, KnowledgeBase]:
    nlu = NLU.load()
    return load_flows(), nlu, KnowledgeBase.load(nlu=nlu)


@pytest.mark.parametrize("story", _stories())
def test_story(
    story: dict[str, Any], shared: tuple[dict[str, Any], NLU, KnowledgeBase], tmp_path: Path
) -> None:
    flows, nlu, kb = shared
    assistant = Assistant(Store(tmp_path / "s.db"), flows, nlu, kb, today=lambda: TODAY)
    session = assistant.new_session(story.get("lang"))
    for number, turn in enumerate(story["turns"], 1):
        out = assistant.handle(
            session, text=turn.get("user"), payload=turn.get("payload"), lang=turn.get("lang")
        )
        data = out.model_dump()
        said = "\n".join(r["text"] for r in data["replies"])
        where = f"turn {number} ({turn.get('user') or turn.get('payload')!r}) said:\n{said}\nstate: {data['state']}"
        expect = turn.get("expect") or {}
        unknown = set(expect) - _KEYS
        assert not unknown, f"turn {number}: unknown expect keys {unknown}"
        state = data["state"]
        if "flow" in expect:
            assert state["flow"] == expect["flow"], where
        if "step" in expect:
            assert state["step"] == expect["step"], where
        for name, value in (expect.get("slots") or {}).items():
            assert name in state["slots"] and state["slots"][name] == value, f"slot {name}: {where}"
        for name in expect.get("no_slots") or []:
            assert name not in state["slots"], f"slot {name} present: {where}"
        for text in map(str, expect.get("says") or []):
            assert text in said, f"missing {text!r}: {where}"
        for text in map(str, expect.get("not_says") or []):
            assert text not in said, f"unexpected {text!r}: {where}"
        titles = [b["title"] for r in data["replies"] for b in r["buttons"]]
        payloads = [b["payload"] for r in data["replies"] for b in r["buttons"]]
        for title in expect.get("buttons") or []:
            assert title in titles, f"button {title!r} not in {titles}: {where}"
        for payload in expect.get("payloads") or []:
            assert payload in payloads, f"payload {payload!r} not in {payloads}: {where}"
        if "progress" in expect:
            progress = state["progress"]
            wanted = expect["progress"]
            got = None if progress is None else [progress["current"], progress["total"]]
            assert got == wanted, where
        if "handoff" in expect:
            assert data["handoff"] is expect["handoff"], where
        if "replies" in expect:
            assert len(data["replies"]) == expect["replies"], where
