"""Every flow of chat-api.md exists and can be completed end to end, in each language."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import pytest

from dialogs.autopilot import complete_flow
from dialogs.engine import Assistant
from dialogs.flows import load_flows
from dialogs.nlu import NLU
from storage import Store

CHAT_API_FLOWS = sorted(
    """register_individual register_legal_person add_agent confirm_agent unbind_agent realname
    owner_agent_link login enter_system title_check contract generate_text qualification commitment
    esign filing offline_upload my_contracts cancel_unfiled cancel_filed start""".split()
)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    store = Store(Path(tmp_path_factory.mktemp("flows")) / "f.db")
    return Assistant(store, load_flows(), NLU.load(), today=lambda: datetime.date(2026, 11, 24))


def test_the_flows_are_exactly_the_spec_ids() -> None:
    assert sorted(load_flows()) == CHAT_API_FLOWS


@pytest.mark.parametrize("lang", ["zh", "zh-Hant", "en"])
@pytest.mark.parametrize("flow_id", CHAT_API_FLOWS)
def test_flow_completes(assistant: Assistant, flow_id: str, lang: str) -> None:
    session = assistant.new_session(lang)
    turns = complete_flow(assistant, session, flow_id)
    assert turns[0].state.flow == flow_id
    assert turns[-1].state.flow is None, "the flow ended"
    last = "\n".join(r.text for r in turns[-1].replies)
    assert last.strip()
    if lang == "en":
        assert turns[0].replies[0].text.startswith("Let's start")
    elif lang == "zh-Hant":
        assert "我們開始" in turns[0].replies[0].text


@pytest.mark.parametrize("seed", range(12))
def test_random_paths_complete(assistant: Assistant, seed: int) -> None:
    rng = random.Random(seed)
    session = assistant.new_session("zh")
    for flow_id in rng.sample(CHAT_API_FLOWS, 4):
        turns = complete_flow(assistant, session, flow_id, rng=rng)
        assert turns[-1].state.flow is None
