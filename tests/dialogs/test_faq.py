"""The FAQ: coverage of the manual, retrieval quality, fallback, languages, interfaces."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dialogs.faq import KnowledgeBase, load_entries
from dialogs.faq.evaluate import evaluate, load_eval
from dialogs.nlu import normalize_text

ROOT = Path(__file__).resolve().parents[2]

# Every heading of the manual (用户操作手册V1.0). The 5.2.2.x sub-steps printed under
# 5.3.1 are cited as 5.3.1.
MANUAL_SECTIONS = """
1 1.1 1.1.1 1.1.2 1.2 1.2.1 1.2.2 1.2.2.1 1.2.2.2 1.3 1.3.1 1.3.2 1.4 2 3 4 4.1 4.2 4.2.1 4.2.2
5 5.1 5.2 5.2.1 5.2.1.1 5.2.1.2 5.2.1.3 5.2.2 5.3 5.3.1 5.3.2 5.3.3 5.3.4 5.3.5 5.3.5.1 5.3.5.2
5.4 5.4.1 5.4.1.1 5.4.1.2 5.4.1.3 5.4.1.4 5.4.2 5.4.3 5.4.4 5.4.4.1 5.4.4.2 5.4.5 5.4.5.1
6 6.1 6.2 7 8 8.1 8.2 8.2.1 8.2.2 8.2.3 8.2.4 8.2.5 8.2.6 8.2.7
""".split()

# The figures reached (python -m dialogs.faq eval --set main|heldout|fresh, 2026-11-25; see
# docs/benchmarks.md). A change that loses more than 2 points fails here. The aims
# (top-1 0.90, top-3 0.97, out-of-scope recall 0.90, refused 5%) are met on the two sets written
# blind ("fresh" after all tuning, scored once); the main set's top-3 is 450 of 464, one short.
REACHED = {
    "main": {"top1": 0.9246, "top3": 0.9698, "oos_recall": 0.9403},
    "heldout": {"top1": 0.95, "top3": 0.9938, "oos_recall": 0.925},
    "fresh": {"top1": 0.9278, "top3": 0.9833, "oos_recall": 0.9},
}
MAX_REFUSED = 0.05  # in-scope questions wrongly refused


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


def test_every_manual_section_has_an_entry() -> None:
    cited = {s for e in load_entries() for s in e.sections}
    missing = [s for s in MANUAL_SECTIONS if s not in cited]
    assert not missing, f"sections without an entry: {missing}"
    assert cited <= set(MANUAL_SECTIONS), f"unknown sections cited: {sorted(cited - set(MANUAL_SECTIONS))}"


def test_knowledge_base_size_and_shape() -> None:
    entries = load_entries()
    assert len(entries) >= 150
    for entry in entries:
        assert len(entry.paraphrases) >= 5, entry.id
        cites = re.search(r"\d+\.\d+|第\s*\d+\s*章|[（(][\d、，, ]+[）)]|手册", entry.answer.zh)
        assert cites or "12345" in entry.answer.zh, f"{entry.id}: the answer cites no section"


@pytest.mark.parametrize(
    ("which", "at_least"), [("main", (300, 50)), ("heldout", (150, 40)), ("fresh", (150, 40))]
)
def test_eval_set_is_big_enough_and_not_copied(which: str, at_least: tuple[int, int]) -> None:
    inside, outside = load_eval(which=which)
    assert len(inside) >= at_least[0] and len(outside) >= at_least[1]
    known = set()
    for e in load_entries():
        for text in (e.question.zh, e.question.en, *e.paraphrases):
            known.add(_bare(text))
    copied = [c["q"] for c in inside + outside if _bare(str(c["q"])) in known]
    assert not copied, f"evaluation questions copied from the knowledge base: {copied[:10]}"
    ids = {e.id for e in load_entries() if e.covered}
    unknown = [c for c in inside if not set(c["ids"]) <= ids]
    assert not unknown, unknown[:5]


def _bare(text: str) -> str:
    return "".join(ch for ch in normalize_text(text) if ch.isalnum())


@pytest.mark.parametrize("which", sorted(REACHED))
def test_quality_does_not_regress(kb: KnowledgeBase, which: str) -> None:
    figures = evaluate(kb, which=which).figures()
    for key, reached in REACHED[which].items():
        assert figures[key] >= reached - 0.02, (key, figures)
    assert figures["in_scope_refused"] <= MAX_REFUSED, figures


@pytest.mark.parametrize(
    "question",
    [
        "买房要交多少契税",
        "今天深圳天气怎么样",
        "房贷利率现在多少",
        "学区房怎么划分",
        "tell me a joke",
        "新房怎么买",
    ],
)
def test_out_of_scope_falls_back_to_12345(kb: KnowledgeBase, question: str) -> None:
    out = kb.ask(question)
    assert out.fallback is True and out.answers == []
    assert out.message and "12345" in out.message


def test_answers_follow_the_question_language(kb: KnowledgeBase) -> None:
    english = kb.ask("Can a company sign the contract online?")
    assert not english.fallback
    assert "offline" in english.answers[0].answer.lower()
    traditional = kb.ask("公司的房子能線上簽署嗎")
    assert not traditional.fallback
    assert "線下" in traditional.answers[0].answer
    simplified = kb.ask("公司的房子能线上签署吗")
    assert "线下" in simplified.answers[0].answer
    forced = kb.ask("公司的房子能线上签署吗", "en")
    assert "offline" in forced.answers[0].answer.lower()


def test_response_shape(kb: KnowledgeBase) -> None:
    out = kb.ask("网签后还能改买方吗", None, 3).model_dump()
    assert set(out) == {"answers", "fallback", "message"}
    assert 1 <= len(out["answers"]) <= 3
    for answer in out["answers"]:
        assert set(answer) == {"id", "question", "answer", "score", "sections"}
        assert 0 <= answer["score"] <= 1 and answer["sections"]
    scores = [a["score"] for a in out["answers"]]
    assert scores == sorted(scores, reverse=True)


def test_slang_is_understood(kb: KnowledgeBase) -> None:
    for question in ("红本上的名字和我账号名字不一样怎么办", "卖家是公司能网上签吗", "过户在哪里办"):
        assert not kb.ask(question).fallback, question


def test_batch_command_line() -> None:
    lines = [
        json.dumps({"q": "公司的房子能线上签吗"}, ensure_ascii=False),
        "not json",
        json.dumps({"q": "What is the weather like?", "lang": "en"}),
        "",
        json.dumps({"q": "网签后还能改买方吗", "k": 1}, ensure_ascii=False),
        json.dumps({"q": 5}),
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "dialogs.faq", "batch"], input="\n".join(lines).encode(),
        capture_output=True, cwd=ROOT, timeout=120, check=True,
    )  # fmt: skip
    out = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert len(out) == 5
    assert out[0]["fallback"] is False and out[0]["answers"]
    assert out[1]["error"]["code"] == "invalid_input"
    assert out[2]["fallback"] is True and "12345" in out[2]["message"]
    assert len(out[3]["answers"]) == 1
    assert "error" in out[4]


def test_ask_command_line() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "dialogs.faq", "ask", "怎么注销已备案的合同"],
        capture_output=True, cwd=ROOT, timeout=120, check=True,
    )  # fmt: skip
    assert json.loads(proc.stdout)["fallback"] is False


# ---------------------------------------------------------------- questions the manual leaves open
@pytest.mark.parametrize(
    ("question", "lang", "names"),
    [
        ("卖房子的个税怎么算，满五唯一能免吗", None, "税费"),
        ("What interest rate do banks charge on a home loan now?", None, "mortgages"),
        ("買咗樓之後可唔可以幫仔女入深圳戶口", None, "戶籍"),
    ],
)
def test_a_question_on_a_not_covered_topic_says_what_the_manual_leaves_open(
    kb: KnowledgeBase, question: str, lang: str | None, names: str
) -> None:
    out = kb.ask(question, lang)
    assert out.fallback is True and out.answers == []
    assert out.message is not None and names in out.message and "12345" in out.message


def test_not_covered_entries_are_never_shown_as_answers(kb: KnowledgeBase) -> None:
    hidden = {e.id for e in kb.entries if not e.covered}
    assert len(hidden) >= 10
    inside, outside = load_eval()
    for case in inside + outside:
        shown = {a.id for a in kb.ask(str(case["q"]), None, 5).answers}
        assert not shown & hidden, (case["q"], shown & hidden)


def test_entry_schema_ties_sections_to_coverage(tmp_path: Path) -> None:
    from dialogs.faq.kb import KnowledgeError

    base = {
        "id": "x.y",
        "question": {"zh": "问", "en": "q"},
        "paraphrases": ["问一下"],
        "answer": {"zh": "答", "en": "a"},
    }
    for extra, error in (
        ({}, "needs its manual sections"),
        ({"covered": False, "sections": ["5.2"]}, "no sections"),
    ):
        (tmp_path / "k.yaml").write_text(
            json.dumps([{**base, **extra}], ensure_ascii=False), encoding="utf-8"
        )
        with pytest.raises(KnowledgeError, match=error):
            load_entries(tmp_path)


# ---------------------------------------------------------------- the index cache
def test_the_index_is_cached_and_a_bad_cache_is_rebuilt(tmp_path: Path) -> None:
    from dialogs.faq.retrieval import cached_index

    first = KnowledgeBase.load(nlu=_shared_nlu(), cache_dir=tmp_path)
    files = list(tmp_path.glob("faq-index-*.pickle"))
    assert len(files) == 1
    again = KnowledgeBase.load(nlu=_shared_nlu(), cache_dir=tmp_path)
    question = "房本上名字写错了能网签吗"
    assert again.ask(question) == first.ask(question)
    files[0].write_bytes(b"not a pickle")  # a damaged cache is rebuilt, not trusted
    rebuilt = cached_index(first.entries, first.synonyms, tmp_path)
    assert rebuilt.vocab == first.index.vocab
    assert files[0].read_bytes()[:1] == b"\x80"  # written again as a pickle
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    assert cached_index(first.entries, first.synonyms, blocked / "sub").vocab == first.index.vocab


def _shared_nlu() -> Any:
    from dialogs.nlu import NLU

    return NLU.load()


def test_a_strong_match_outweighs_a_middling_out_of_scope_guess(kb: KnowledgeBase) -> None:
    from dialogs.faq.retrieval import OOS_STRONG, OOS_THRESHOLD, SCORE_TRUSTED, THRESHOLD

    def with_guess(p: float) -> KnowledgeBase:
        return KnowledgeBase(kb.entries, kb.synonyms, out_of_scope=lambda q: p, index=kb.index)

    strong = "被查封的房子能网签吗？"  # an entry's own question: scores far above SCORE_TRUSTED
    weak = "签合同的时候填错了怎么办"  # answerable, but a weaker match
    assert kb.scores(strong)[0][1] >= SCORE_TRUSTED > kb.scores(weak)[0][1] >= THRESHOLD
    middling = (OOS_THRESHOLD + OOS_STRONG) / 2
    assert with_guess(0.0).ask(weak).fallback is False
    assert with_guess(middling).ask(strong).answers[0].id == "contract.sealed"
    assert with_guess(middling).ask(weak).fallback is True
    assert with_guess(OOS_STRONG).ask(strong).fallback is True


def test_fast_bm25_scores_equal_bm25s(kb: KnowledgeBase) -> None:
    import numpy as np

    from dialogs.faq.retrieval import bm25_scores

    inside, outside = load_eval()
    for case in (inside + outside)[::7]:
        tokens = [t for t in kb.tokens(kb.prepare(str(case["q"]))) if t in kb.index.vocab]
        if not tokens:
            continue
        expected = np.asarray(kb.index.bm25.get_scores(tokens), dtype=float)
        got = bm25_scores(kb.index.bm25, [kb.index.vocab[t] for t in tokens])
        assert np.allclose(got, expected, rtol=1e-5, atol=1e-6), case["q"]


def test_fast_char_features_equal_scikit_learns(kb: KnowledgeBase) -> None:
    import numpy as np

    inside, _ = load_eval()
    for case in inside[::11]:
        prepared = kb.prepare(str(case["q"]))
        expected = kb.index.tfidf.transform([prepared])
        columns, values = kb._char_features(prepared)
        got = dict(zip(columns.tolist(), values.tolist(), strict=True))
        want = dict(zip(expected.indices.tolist(), expected.data.tolist(), strict=True))
        assert got.keys() == want.keys(), case["q"]
        assert np.allclose([got[k] for k in want], list(want.values())), case["q"]
