"""dialogs/nlu/data/words.yaml: the retry words and language names are data the engine follows."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from dialogs.engine import Assistant
from dialogs.faq import KnowledgeBase
from dialogs.flows import load_flows
from dialogs.nlu import NLU
from dialogs.nlu.data import DataError
from dialogs.nlu.words import Words
from storage import Store


def test_the_packaged_words() -> None:
    words = Words.load()
    assert words.is_retry("重试") and words.is_retry("請再試一次！") and words.is_retry("Try again.")
    assert not words.is_retry("重试了三次都不行，怎么办")  # a question, not a retry
    assert words.language_named("English please") == "en"
    assert words.language_named("繁體中文") == "zh-Hant"  # not plain 中文
    assert words.language_named("正體") == "zh-Hant"
    assert words.language_named("中文") == "zh"
    assert words.language_named("日本語") is None


def test_a_word_added_to_the_file_is_understood(tmp_path: Path) -> None:
    (tmp_path / "words.yaml").write_text(
        "retry: [再来]\nlanguage_names: {en: [英國話], zh: [国语]}\n", encoding="utf-8"
    )
    words = Words.load(tmp_path)
    assert words.is_retry("再来") and not words.is_retry("重试")
    assert words.language_named("讲英國話") == "en" and words.language_named("国语") == "zh"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("retry: [重试]\n", "language_names"),
        ("retry: [重试]\nlanguage_names: {fr: [français]}\n", "fr"),
        ("retry: [1]\nlanguage_names: {en: [english]}\n", "retry[0]"),
    ],
)
def test_a_bad_words_file_names_what_is_wrong(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "words.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        Words.load(tmp_path)


def test_the_engine_switches_to_the_language_named(tmp_path: Path) -> None:
    nlu = NLU.load()
    assistant = Assistant(
        Store(tmp_path / "w.db"),
        load_flows(),
        nlu,
        KnowledgeBase.load(nlu=nlu),
        today=lambda: datetime.date(2026, 11, 25),
    )
    session = assistant.new_session("zh")
    for text, lang in (("繁體", "zh-Hant"), ("English", "en"), ("简体", "zh")):
        assistant.handle(session, text=text)
        assert assistant.state_of(session)["lang"] == lang


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("还有银行贷款没还完，押着呢", "mortgaged"),  # manual 5.2.1.3: 抵押 passes the check
        ("房子押在银行", "mortgaged"),
        ("按揭还没供完", "mortgaged"),
        ("被法院查封了", "sealed"),
        ("正常", "valid"),
    ],
)
def test_the_property_status_is_understood_as_people_say_it(text: str, value: str) -> None:
    from dialogs.engine import _match_choice

    step = next(s for s in load_flows()["title_check"].steps if s.id == "property_status")
    assert step.ask is not None
    choice = _match_choice(step.ask.choices, text, None, "zh")
    assert choice is not None and choice.value == value


@pytest.mark.parametrize(
    ("text", "informational"),
    [
        ("注销网签几种情况", True),
        ("注销备案和注销网签区别", True),
        ("承诺书在哪下载", True),
        ("委託咗人辦，可唔可以用i深圳網上簽？", True),
        ("What is 网签备案?", True),
        ("能不能帮我查一下我的合同", False),  # a wish, politely put
        ("我要注销网签", False),
        ("我想知道注销网签有几种情况", False),  # 我想 reads as a wish: the flow explains the cases too
    ],
)
def test_a_question_to_know_is_told_from_a_wish_to_do(text: str, informational: bool) -> None:
    assert Words.load().asks_for_information(text) is informational
