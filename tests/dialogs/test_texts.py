"""The wording of what the assistant says: citations, list separators, answer openers, Traditional forms."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from dialogs import yamlio
from dialogs.faq.kb import load_entries
from dialogs.i18n import pick, to_traditional
from dialogs.render import render

DIALOGS = Path(__file__).resolve().parents[2] / "dialogs"
MESSAGES = yamlio.load((DIALOGS / "messages.yaml").read_text(encoding="utf-8"))
COVERED = [e for e in load_entries() if e.covered]


def say(key: str, lang: str, **kw: Any) -> str:
    node = MESSAGES
    for part in key.split("."):
        node = node[part]
    return render(pick(node["zh"], node["en"], lang), {"lang": lang, **kw})


@pytest.mark.parametrize("lang", ["zh", "zh-Hant", "en"])
def test_a_faq_reply_cites_the_manual_once(lang: str) -> None:
    """An answer that already cites the manual is not given a second "（手册…）" / "(manual …)"."""
    for entry in COVERED:
        answer = entry.answer.en if lang == "en" else entry.answer.zh
        if lang == "zh-Hant":
            answer = to_traditional(answer)
        reply = say("faq_answer", lang, answer=answer, sections="、".join(entry.sections))
        marker = {"zh": "（手册", "zh-Hant": "（手冊", "en": "(manual "}[lang]
        assert reply.count(marker) <= max(1, answer.count(marker)), (entry.id, reply)
        assert reply.startswith(answer)
        if lang == "en":
            assert "、" not in reply[len(answer) :], (entry.id, reply)


def test_english_lists_use_commas() -> None:
    assert (
        say("faq_answer", "en", answer="Answer.", sections="5.3、5.4.5.1") == "Answer. (manual 5.3, 5.4.5.1)"
    )
    assert say("invalid.choice", "en", options="Residential、Non-residential") == (
        "Please choose one of: Residential, Non-residential."
    )
    assert say("invalid.choice", "zh", options="住宅、非住宅") == "请从这些选项中选一个：住宅、非住宅。"


_OPENER = re.compile(
    r"^(是|是的|不是|可以|不可以|算|不算|能|不能|要|不要|需要|不需要|会|不会|对|不对|一样|不一样|"
    r"不用|不行|行|还没有|不适用)[。，,；：]"
)
_OPENER_EN = re.compile(r"^(Yes|No|Not yet)\b")


def test_faq_answers_do_not_open_with_yes_or_no() -> None:
    """One answer serves many wordings of its question ("过户在哪里办" as well as "备案了就是过户了吗"):
    an opening 是/不是/可以/Yes/No reads wrong for most of them."""
    bad = [e.id for e in COVERED if _OPENER.match(e.answer.zh) or _OPENER_EN.match(e.answer.en)]
    assert not bad, bad


def _zh_texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        out = []
        for key, value in node.items():
            out += [value] if key == "zh" and isinstance(value, str) else _zh_texts(value)
        return out
    if isinstance(node, list):
        return [t for item in node for t in _zh_texts(item)]
    return []


def test_traditional_forms_hong_kong_and_taiwan_readers_write() -> None:
    """OpenCC's s2t gives 籤 (for 签 standing alone), 爲, 覈 and 纔; zh_hant.yaml turns them into 簽, 為, 核, 才."""
    assert to_traditional("合同列表里找不到要签的合同") == "合同列表裏找不到要簽的合同"
    assert (
        to_traditional("实名核验") == "實名核驗"
        and to_traditional("我们回到刚才的问题") == "我們回到剛才的問題"
    )
    assert to_traditional("权利人为未成年人") == "權利人為未成年人"
    files = [DIALOGS / "messages.yaml", *sorted((DIALOGS / "flows").glob("*.yaml"))]
    texts = [t for f in files for t in _zh_texts(yamlio.load(f.read_text(encoding="utf-8")))]
    texts += [e.answer.zh for e in COVERED]
    odd = {t[:30] for t in texts if re.search("[籤爲覈纔]", to_traditional(t))}
    assert not odd, sorted(odd)[:5]
