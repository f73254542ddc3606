"""Whatever a person sends, ``handle`` never raises and always returns a valid turn."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.engine import Assistant, Turn
from dialogs.flows import load_flows
from dialogs.nlu import NLU
from storage import Store

NASTY = [
    "",
    " ",
    "\x00\x01\x02",
    "😀🏠📄" * 50,
    "x" * 10_000,
    "'; DROP TABLE sessions; --",
    "<script>alert(1)</script>",
    "{{ 7*7 }} {% for x in y %}",
    "/flow nowhere",
    "\u202e\u200b\ufeff",
    "返回",
    "重新开始",
    "取消",
    "转人工",
    "进度",
    "1",
    "99",
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    store = Store(Path(tmp_path_factory.mktemp("prop")) / "p.db")
    return Assistant(store, load_flows(), NLU.load(), today=lambda: datetime.date(2026, 11, 24))


def _check(turn: Turn) -> None:
    assert isinstance(turn, Turn)
    again = Turn.model_validate(turn.model_dump(mode="json"))
    assert again.replies, "every turn says something"
    for reply in again.replies:
        assert isinstance(reply.text, str)
    if again.state.progress is not None:
        assert 1 <= again.state.progress.current <= again.state.progress.total


texts = st.one_of(
    st.sampled_from(NASTY), st.text(max_size=300), st.text(alphabet=st.characters(codec="utf-8"), max_size=50)
)
payloads = st.one_of(
    st.none(),
    st.sampled_from(
        ["/flow title_check", "/back", "/restart", "/human", "/lang en", "yes", "true", "shenzhen", "/nope"]
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(texts, payloads), min_size=1, max_size=8),
    st.sampled_from([None, "zh", "zh-Hant", "en"]),
)
def test_any_sequence_never_raises(
    assistant: Assistant, turns: list[tuple[str, str | None]], lang: str | None
) -> None:
    session = assistant.new_session(lang)
    _check(assistant.handle(session, None))
    for text, payload in turns:
        _check(assistant.handle(session, text=text, payload=payload))
    # and the flow can still be driven afterwards
    _check(assistant.handle(session, payload="/flow title_check"))


@pytest.mark.parametrize("text", NASTY)
def test_nasty_inputs_mid_flow(assistant: Assistant, text: str) -> None:
    session = assistant.new_session("zh")
    assistant.handle(session, payload="/flow title_check")
    _check(assistant.handle(session, text=text))
