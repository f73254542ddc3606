"""Retrieval over the knowledge base: normalise, expand synonyms, BM25, re-rank, decide.

How a question is answered:

1. **Normalise** (:func:`dialogs.nlu.normalize_text`: Traditional → Simplified,
   full-width → half-width, lower case) and strip punctuation.
2. **Synonyms** (``dialogs/knowledge/synonyms.yaml``): the words people use are
   replaced by the manual's word (房本/红本 → 产权证书, 过户 → 转移登记,
   company → 企业 …), in the question and in the knowledge base alike.
3. **BM25** (bm25s) over tokens: the manual's domain words found in the text,
   Latin words, and Chinese characters and character pairs. Every canonical
   question and paraphrase is its own document; an entry scores as its best one.
4. **Re-rank** the BM25 candidates: the final score blends the cosine similarity
   of character 1–3-gram TF-IDF vectors (scikit-learn) with the BM25 score
   divided by the question's self-score (its BM25 against a document made of
   exactly its own tokens). Both parts are bounded (0–1) and comparable across
   questions, so the score is **calibrated** and one threshold
   (:data:`THRESHOLD`) separates answerable from unanswerable questions.
5. **Fallback** below the threshold: the reply says the manual does not cover
   it and points to 12345 / a human, instead of guessing.

The index is built at load from the YAML (a few hundred entries, a few thousand
documents: well under a second); answers to repeated questions are cached.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from .. import yamlio
from ..i18n import normalize_lang, to_traditional
from ..nlu import NLU, detect_language, normalize_text
from .kb import DEFAULT_DIR, Entry, load_entries

# Calibrated score under which the FAQ falls back (keeps in-scope refusals ≤ 5%; docs/benchmarks.md).
THRESHOLD = 0.17
_K1, _B = 1.2, 0.75  # BM25 parameters
_W_COSINE = 0.5  # confidence: weight of the n-gram cosine against the calibrated BM25
_W_DOC = 0.3  # ranking: weight of the best single wording against the entry as a whole
# The NLU's probability of "not a question for the manual" from which nothing is answered.
OOS_THRESHOLD = 0.25
# Intents that are no question about the system: outside the manual, or small talk.
NOT_QUESTIONS = frozenset({"out_of_scope", "greet", "thanks", "goodbye", "affirm", "deny"})
_PUNCT = re.compile(r"[^\w\u4e00-\u9fff§ ]+")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN = re.compile(r"[a-z0-9]+")
_MESSAGES = Path(__file__).resolve().parent.parent / "messages.yaml"
_STOP_EN = frozenset(
    "a an the to of in on for and or is are do does can i my me we our you it be how what".split()
)


class FaqAnswer(BaseModel):
    id: str
    question: str
    answer: str
    score: float
    sections: list[str]


class FaqResponse(BaseModel):
    answers: list[FaqAnswer] = []
    fallback: bool = True
    message: str | None = None


class Synonyms:
    """Replace people's words with the manual's (longest variant first)."""

    def __init__(self, mapping: dict[str, list[str]], plain: dict[str, list[str]] | None = None) -> None:
        """``mapping``: the manual's domain words (each also a BM25 token); ``plain``:
        replacements that are no domain words (function words such as Cantonese 点样 → 怎么)."""
        every = {**(plain or {}), **mapping}
        pairs = [(normalize_text(v), normalize_text(k)) for k, vs in every.items() for v in vs]
        pairs = [(v, k) for v, k in pairs if v and v != k]
        self.canonical = sorted({normalize_text(k) for k in mapping}, key=len, reverse=True)
        self._to = dict(pairs)
        alternatives = sorted(self._to, key=len, reverse=True)
        self._pattern = re.compile("|".join(_boundary(v) for v in alternatives)) if alternatives else None

    def apply(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._to[m.group(0)], text)

    @classmethod
    def load(cls, path: Path) -> Synonyms:
        data = (yamlio.load(path.read_text(encoding="utf-8")) if path.is_file() else None) or {}
        plain = data.pop("_plain", None) or {}

        def lists(section: dict[str, list[str]]) -> dict[str, list[str]]:
            return {str(k): [str(v) for v in vs] for k, vs in section.items()}

        return cls(lists(data), lists(plain))


def _boundary(variant: str) -> str:
    escaped = re.escape(variant)
    if variant.isascii():  # whole words for Latin variants ("deed" not inside "indeed")
        return rf"(?<![a-z0-9]){escaped}(?![a-z0-9])"
    return escaped


class KnowledgeBase:
    """The FAQ index. ``ask`` returns the ``/api/faq`` response."""

    def __init__(
        self,
        entries: list[Entry],
        synonyms: Synonyms,
        messages: dict[str, Any] | None = None,
        out_of_scope: Callable[[str], float] | None = None,
    ) -> None:
        """``out_of_scope``: the probability that a question is outside the manual (the NLU's
        ``out_of_scope`` intent); at :data:`OOS_THRESHOLD` or above the FAQ does not answer."""
        import bm25s
        from sklearn.feature_extraction.text import TfidfVectorizer

        if not entries:
            raise ValueError("the knowledge base is empty")
        self.entries = entries
        self.synonyms = synonyms
        self.out_of_scope = out_of_scope
        self.by_id = {e.id: e for e in entries}
        texts: list[str] = []
        owners: list[int] = []
        for index, entry in enumerate(entries):
            for text in (entry.question.zh, entry.question.en, *entry.paraphrases):
                prepared = self.prepare(text)
                if prepared:
                    texts.append(prepared)
                    owners.append(index)
        self.owners = np.asarray(owners)
        corpus = [self.tokens(t) for t in texts]
        self.bm25 = bm25s.BM25(k1=_K1, b=_B)  # one document per question / paraphrase
        self.bm25.index(corpus, show_progress=False)
        self.vocab = self.bm25.vocab_dict
        entry_corpus: list[list[str]] = [[] for _ in entries]
        for doc, owner in zip(corpus, owners, strict=True):
            entry_corpus[owner].extend(doc)
        self.entry_bm25 = bm25s.BM25(k1=_K1, b=_B)  # one document per entry: all its wordings
        self.entry_bm25.index(entry_corpus, show_progress=False)
        self.entry_docs = [np.flatnonzero(self.owners == i) for i in range(len(entries))]
        # document frequencies and mean length, for the self-score that calibrates BM25
        df: dict[str, int] = {}
        for doc in corpus:
            for token in set(doc):
                df[token] = df.get(token, 0) + 1
        n = len(corpus)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.avgdl = sum(len(d) for d in corpus) / n
        self.tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
        self.doc_vectors = self.tfidf.fit_transform(texts).tocsr()
        messages = messages or yamlio.load(_MESSAGES.read_text(encoding="utf-8"))
        self._fallback = messages["faq_fallback"]
        self.ask = lru_cache(maxsize=4096)(self._ask)

    @classmethod
    def load(cls, directory: Path = DEFAULT_DIR, nlu: NLU | None = None) -> KnowledgeBase:
        """The knowledge base of ``directory``, using ``nlu`` (loaded if not given) to spot
        questions outside the manual."""
        understanding = nlu if nlu is not None else NLU.load()

        def out_of_scope(question: str) -> float:
            ranking = understanding.parse(question).ranking
            return sum(p for intent, p in ranking if intent in NOT_QUESTIONS)

        return cls(
            load_entries(directory), Synonyms.load(directory / "synonyms.yaml"), out_of_scope=out_of_scope
        )

    # ------------------------------------------------------------------ text
    def prepare(self, text: str) -> str:
        text = normalize_text(text)
        text = self.synonyms.apply(text)
        return re.sub(r"\s+", " ", _PUNCT.sub(" ", text)).strip()

    def tokens(self, prepared: str) -> list[str]:
        out = [f"§{term}" for term in self.synonyms.canonical if term in prepared]
        out += [w for w in _LATIN.findall(prepared) if w not in _STOP_EN]
        for run in _CJK_RUN.findall(prepared):
            out.extend(run)
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        return out

    # ------------------------------------------------------------------ scoring
    def scores(self, question: str, k: int = 3) -> list[tuple[int, float]]:
        """The ``k`` best entries with their calibrated scores, best first.

        Ranking: BM25 of the best single wording (30%) and of the entry as a whole
        (70%), each relative to the best entry. Score: for each ranked entry, its
        best wording's blend of n-gram cosine and calibrated BM25 (0–1).
        """
        prepared = self.prepare(question)
        tokens = [t for t in self.tokens(prepared) if t in self.vocab] if prepared else []
        if not tokens:
            return []
        doc_bm = np.asarray(self.bm25.get_scores(tokens), dtype=float)
        if doc_bm.max() <= 0:
            return []
        best_doc = np.zeros(len(self.entries))
        np.maximum.at(best_doc, self.owners, doc_bm / doc_bm.max())
        entry_tokens = [t for t in tokens if t in self.entry_bm25.vocab_dict]
        entry_bm = np.asarray(self.entry_bm25.get_scores(entry_tokens), dtype=float)
        rank = _W_DOC * best_doc + (1 - _W_DOC) * entry_bm / max(entry_bm.max(), 1e-9)
        order = np.argsort(-rank)[: max(1, k)]
        query = self.tfidf.transform([prepared])
        self_score = self.self_score(tokens)
        docs = np.concatenate([self.entry_docs[int(i)] for i in order])
        cosine = np.asarray((self.doc_vectors[docs] @ query.T).todense()).ravel()  # one product for all
        blended = _W_COSINE * cosine + (1 - _W_COSINE) * np.minimum(doc_bm[docs] / self_score, 1.0)
        out = []
        start = 0
        for index in order:
            size = len(self.entry_docs[int(index)])
            out.append((int(index), float(blended[start : start + size].max())))
            start += size
        return out

    def self_score(self, tokens: list[str]) -> float:
        """BM25 of the question against a document made of exactly its own tokens.

        No document can score much higher, so ``bm25 / self_score`` is a 0–1 measure
        comparable across questions (a calibrated BM25).
        """
        counts: dict[str, int] = {}
        for t in tokens:
            counts[t] = counts.get(t, 0) + 1
        norm = _K1 * (1 - _B + _B * len(tokens) / self.avgdl)
        total = sum(self.idf.get(t, 0.0) * tf * (_K1 + 1) / (tf + norm) for t, tf in counts.items())
        return max(total, 1e-9)

    def _ask(self, question: str, lang: str | None = None, k: int = 3) -> FaqResponse:
        chosen = normalize_lang(lang) or detect_language(question) or "zh"
        ranked = self.scores(question, k)
        out_of_scope = self.out_of_scope(question) if self.out_of_scope is not None else 0.0
        if not ranked or ranked[0][1] < THRESHOLD or out_of_scope >= OOS_THRESHOLD:
            return FaqResponse(answers=[], fallback=True, message=_pick(self._fallback, chosen))
        answers = []
        shown = 1.0
        for index, score in ranked:  # best first: a lower-ranked entry never shows a higher score
            shown = min(shown, score)
            if shown < THRESHOLD * 0.75:
                break
            entry = self.entries[index]
            answers.append(
                FaqAnswer(
                    id=entry.id,
                    question=_pick(entry.question.model_dump(), chosen),
                    answer=_pick(entry.answer.model_dump(), chosen),
                    score=round(shown, 4),
                    sections=list(entry.sections),
                )
            )
        return FaqResponse(answers=answers, fallback=False, message=None)


def _pick(texts: dict[str, str], lang: str) -> str:
    if lang == "en":
        return texts["en"]
    return _traditional(texts["zh"]) if lang == "zh-Hant" else texts["zh"]


@cache
def _traditional(text: str) -> str:
    return to_traditional(text)
