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

import hashlib
import json
import math
import os
import pickle
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel
from scipy.sparse import hstack

from .. import yamlio
from ..i18n import normalize_lang, to_traditional
from ..nlu import NLU, detect_language, normalize_text
from .kb import DEFAULT_DIR, Entry, load_entries

# Calibrated score under which the FAQ falls back (keeps in-scope refusals ≤ 5%; docs/benchmarks.md).
THRESHOLD = 0.13
_K1, _B = 1.2, 0.75  # BM25 parameters
_W_COSINE = 0.5  # confidence: weight of the n-gram cosine against the calibrated BM25
_W_DOC = 0.3  # ranking: weight of the best single wording against the entry as a whole
_W_BM25 = 0.7  # ranking: weight of BM25 against the classifier trained on the wordings
_TEMPERATURE = 5.0  # sharpness of the classifier's margins: exp(T * (margin - best margin))
_C = 1.0  # the linear classifier's regularisation
# Bump when the index's construction changes: the cache key includes it.
INDEX_VERSION = 4
# The NLU's probability of "not a question for the manual" from which nothing is answered.
OOS_THRESHOLD = 0.25
# A match this strong (calibrated score) is answered unless the NLU is at least OOS_STRONG sure
# the message is no question for the manual: short in-scope questions ("网址多少", "深汕的房子")
# often look like small talk to the intent classifier.
SCORE_TRUSTED = 0.35
OOS_STRONG = 0.8
# Intents that are no question about the system: outside the manual, or small talk.
NOT_QUESTIONS = frozenset({"out_of_scope", "greet", "thanks", "goodbye", "affirm", "deny"})
_PUNCT = re.compile(r"[^\w\u4e00-\u9fff§ ]+")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN = re.compile(r"[a-z0-9]+")
_MESSAGES = Path(__file__).resolve().parent.parent / "messages.yaml"
# Where the built index is kept (config paths.cache overrides it for the assistant).
DEFAULT_CACHE = Path(__file__).resolve().parents[2] / "data" / "cache"
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

    def pairs(self) -> list[tuple[str, str]]:
        """(variant, canonical) pairs, and the canonical words (for the index's cache key)."""
        return [*self._to.items(), *((c, c) for c in self.canonical)]

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


class Tokenizer:
    """BM25 tokens of a prepared text: the manual's domain words found in it (``§`` +
    word), Latin words, and Chinese characters and character pairs. A class (not a
    closure) so the fitted vectorisers that use it can be pickled into the cache."""

    def __init__(self, canonical: list[str]) -> None:
        self.canonical = canonical

    def __call__(self, prepared: str) -> list[str]:
        out = [f"§{term}" for term in self.canonical if term in prepared]
        out += [w for w in _LATIN.findall(prepared) if w not in _STOP_EN]
        for run in _CJK_RUN.findall(prepared):
            out.extend(run)
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        return out


@dataclass
class Index:
    """Everything built from the knowledge base's wordings (one document per canonical
    question or paraphrase; ``owners[d]`` is document ``d``'s entry)."""

    tokenizer: Tokenizer
    owners: Any  # numpy int array
    entry_docs: list[Any]  # per entry, its documents' numbers
    starts: Any  # per entry, its first document's number (documents are stored entry by entry)
    bm25: Any  # bm25s.BM25 over the documents
    vocab: dict[str, int]
    entry_bm25: Any  # bm25s.BM25 with one document per entry (all its wordings)
    idf: dict[str, float]  # for the self-score that calibrates BM25
    avgdl: float
    tfidf: Any  # character 1-3-gram TfidfVectorizer
    doc_vectors: Any  # the documents' TF-IDF vectors (csr)
    token_tfidf: Any  # TfidfVectorizer over the BM25 tokens
    weights: Any  # the linear classifier (entry from wording): features × entries, float32, C order
    intercept: Any


def build_index(entries: list[Entry], synonyms: Synonyms) -> Index:
    """Build the index: BM25 (bm25s) per wording and per entry, TF-IDF vectors, and a
    linear SVM (scikit-learn) trained to tell the entries apart from their wordings."""
    import bm25s
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    tokenizer = Tokenizer(synonyms.canonical)
    texts: list[str] = []
    owner_list: list[int] = []
    for number, entry in enumerate(entries):
        for text in (entry.question.zh, entry.question.en, *entry.paraphrases):
            prepared = prepare_text(text, synonyms)
            if prepared:
                texts.append(prepared)
                owner_list.append(number)
    if len(set(owner_list)) != len(entries):
        raise ValueError("every entry needs at least one wording with words in it")
    owners = np.asarray(owner_list)
    corpus = [tokenizer(t) for t in texts]
    bm25 = bm25s.BM25(k1=_K1, b=_B)
    bm25.index(corpus, show_progress=False)
    entry_corpus: list[list[str]] = [[] for _ in entries]
    for doc, owner in zip(corpus, owner_list, strict=True):
        entry_corpus[owner].extend(doc)
    entry_bm25 = bm25s.BM25(k1=_K1, b=_B)
    entry_bm25.index(entry_corpus, show_progress=False)
    df: dict[str, int] = {}
    for doc in corpus:
        for token in set(doc):
            df[token] = df.get(token, 0) + 1
    n = len(corpus)
    tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
    doc_vectors = tfidf.fit_transform(texts).tocsr()
    token_tfidf = TfidfVectorizer(analyzer=tokenizer, sublinear_tf=True)
    features = hstack([doc_vectors, token_tfidf.fit_transform(texts)]).tocsr()
    classifier = LinearSVC(C=_C)
    classifier.fit(features, owners)
    weights = np.zeros((features.shape[1], len(entries)), dtype=np.float32)  # columns = entry numbers
    intercept = np.full(len(entries), -1e9)
    weights[:, classifier.classes_] = classifier.coef_.T
    intercept[classifier.classes_] = classifier.intercept_
    return Index(
        tokenizer=tokenizer,
        owners=owners,
        entry_docs=[np.flatnonzero(owners == i) for i in range(len(entries))],
        starts=np.searchsorted(owners, np.arange(len(entries))),
        bm25=bm25,
        vocab=dict(bm25.vocab_dict),
        entry_bm25=entry_bm25,
        idf={t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()},
        avgdl=sum(len(d) for d in corpus) / n,
        tfidf=tfidf,
        doc_vectors=doc_vectors,
        token_tfidf=token_tfidf,
        weights=np.ascontiguousarray(weights),
        intercept=intercept,
    )


def index_key(entries: list[Entry], synonyms: Synonyms) -> str:
    """What the index is built from: the entries, the synonyms, the recipe and the libraries."""
    import bm25s
    import sklearn

    recipe = [INDEX_VERSION, _K1, _B, _C, sklearn.__version__, getattr(bm25s, "__version__", "?")]
    payload = json.dumps(
        [recipe, [e.model_dump() for e in entries], sorted(synonyms.pairs())], ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


def cached_index(entries: list[Entry], synonyms: Synonyms, cache_dir: Path | None) -> Index:
    """The index from ``cache_dir`` when one was built from the same inputs, else built and stored.

    The cache is a pickle this program wrote itself (never a downloaded file); one that is
    unreadable or stale is rebuilt; a cache directory that cannot be written is skipped.
    """
    if cache_dir is None:
        return build_index(entries, synonyms)
    path = cache_dir / f"faq-index-{index_key(entries, synonyms)}.pickle"
    try:
        with path.open("rb") as handle:
            loaded = pickle.load(handle)
        if isinstance(loaded, Index):
            return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        pass
    index = build_index(entries, synonyms)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob("faq-index-*.pickle"):
            old.unlink(missing_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)  # atomic: a reader never sees half a file
    except OSError:
        pass
    return index


def bm25_scores(bm25: Any, token_ids: list[int]) -> Any:
    """``bm25.get_scores`` for token ids, in one ``np.bincount`` over the query tokens' postings
    of bm25s's precomputed score matrix instead of one ``np.add.at`` per token (same numbers;
    tests/dialogs/test_faq.py::test_fast_bm25_scores_equal_bm25s)."""
    matrix = bm25.scores
    num_docs = int(matrix["num_docs"])
    if not token_ids:
        return np.zeros(num_docs)
    indptr, ids = matrix["indptr"], np.asarray(token_ids)
    spans = [slice(int(a), int(b)) for a, b in zip(indptr[ids], indptr[ids + 1], strict=True)]
    docs = np.concatenate([matrix["indices"][span] for span in spans])
    weights = np.concatenate([matrix["data"][span] for span in spans]).astype(float)
    out = np.bincount(docs, weights=weights, minlength=num_docs)
    if bm25.nonoccurrence_array is not None:  # BM25 variants that score absent tokens too
        out += bm25.nonoccurrence_array[ids].sum()
    return out


def _tfidf_vector(vectorizer: Any, terms: Iterable[str]) -> tuple[Any, Any]:
    """``vectorizer.transform`` of one text already cut into ``terms``, for a fitted
    TfidfVectorizer with sublinear tf and L2 norm, without scikit-learn's per-call checks
    (a third of the query time): (feature columns, values)."""
    vocabulary = vectorizer.vocabulary_
    counts: dict[int, int] = {}
    for term in terms:
        column = vocabulary.get(term)
        if column is not None:
            counts[column] = counts.get(column, 0) + 1
    if not counts:
        return np.zeros(0, dtype=int), np.zeros(0)
    columns = np.fromiter(counts, dtype=int, count=len(counts))
    tf = 1 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))
    values = tf * vectorizer.idf_[columns]
    return columns, values / np.linalg.norm(values)


def prepare_text(text: str, synonyms: Synonyms) -> str:
    """Normalised, synonyms replaced, punctuation and extra spaces removed."""
    text = synonyms.apply(normalize_text(text))
    return re.sub(r"\s+", " ", _PUNCT.sub(" ", text)).strip()


class KnowledgeBase:
    """The FAQ index. ``ask`` returns the ``/api/faq`` response."""

    def __init__(
        self,
        entries: list[Entry],
        synonyms: Synonyms,
        messages: dict[str, Any] | None = None,
        out_of_scope: Callable[[str], float] | None = None,
        index: Index | None = None,
    ) -> None:
        """``out_of_scope``: the probability that a question is outside the manual (the NLU's
        ``out_of_scope`` intent); at :data:`OOS_THRESHOLD` or above the FAQ does not answer."""
        if not entries:
            raise ValueError("the knowledge base is empty")
        self.entries = entries
        self.synonyms = synonyms
        self.out_of_scope = out_of_scope
        self.by_id = {e.id: e for e in entries}
        self.index = index if index is not None else build_index(entries, synonyms)
        self.tokens = self.index.tokenizer
        self._char_ngrams = self.index.tfidf.build_analyzer()  # the fitted vectoriser's own analyzer
        messages = messages or yamlio.load(_MESSAGES.read_text(encoding="utf-8"))
        self._fallback = messages["faq_fallback"]
        self._not_covered = messages["faq_not_covered"]
        self.ask = lru_cache(maxsize=4096)(self._ask)

    @classmethod
    def load(
        cls, directory: Path = DEFAULT_DIR, nlu: NLU | None = None, cache_dir: Path | None = DEFAULT_CACHE
    ) -> KnowledgeBase:
        """The knowledge base of ``directory``, using ``nlu`` (loaded if not given) to spot
        questions outside the manual. The built index is kept in ``cache_dir`` (None: no cache)
        under a key made of the knowledge files' content and the index's recipe."""
        understanding = nlu if nlu is not None else NLU.load()
        entries = load_entries(directory)
        synonyms = Synonyms.load(directory / "synonyms.yaml")

        def out_of_scope(question: str) -> float:
            ranking = understanding.parse(question).ranking
            return sum(p for intent, p in ranking if intent in NOT_QUESTIONS)

        index = cached_index(entries, synonyms, cache_dir)
        return cls(entries, synonyms, out_of_scope=out_of_scope, index=index)

    # ------------------------------------------------------------------ text
    def prepare(self, text: str) -> str:
        return prepare_text(text, self.synonyms)

    # ------------------------------------------------------------------ scoring
    def scores(self, question: str, k: int = 3) -> list[tuple[int, float]]:
        """The ``k`` best entries with their calibrated scores, best first.

        Ranking: BM25 of the best single wording (30%) and of the entry as a whole
        (70%), each relative to the best entry. Score: for each ranked entry, its
        best wording's blend of n-gram cosine and calibrated BM25 (0–1).
        """
        prepared = self.prepare(question)
        ix = self.index
        tokens = [t for t in self.tokens(prepared) if t in ix.vocab] if prepared else []
        if not tokens:
            return []
        doc_bm = bm25_scores(ix.bm25, [ix.vocab[t] for t in tokens])
        if doc_bm.max() <= 0:
            return []
        # documents are stored entry by entry: each entry's best wording in one reduceat
        best_doc = np.maximum.reduceat(doc_bm, ix.starts) / doc_bm.max()
        entry_vocab = ix.entry_bm25.vocab_dict
        entry_bm = bm25_scores(ix.entry_bm25, [entry_vocab[t] for t in tokens if t in entry_vocab])
        rank = _W_DOC * best_doc + (1 - _W_DOC) * entry_bm / max(entry_bm.max(), 1e-9)
        q_cols, q_vals = self._char_features(prepared)
        # the linear classifier's one-vs-rest margins, from the query's few non-zero features
        columns, values = self._token_features(tokens)
        margins = q_vals @ ix.weights[q_cols] + values @ ix.weights[columns] + ix.intercept
        rank = _W_BM25 * rank + (1 - _W_BM25) * np.exp(_TEMPERATURE * (margins - margins.max()))
        order = np.argsort(-rank)[: max(1, k)]
        self_score = self.self_score(tokens)
        docs = np.concatenate([ix.entry_docs[int(i)] for i in order])
        query = np.zeros(ix.doc_vectors.shape[1])
        query[q_cols] = q_vals
        cosine = ix.doc_vectors[docs] @ query  # one product for all
        blended = _W_COSINE * cosine + (1 - _W_COSINE) * np.minimum(doc_bm[docs] / self_score, 1.0)
        out = []
        start = 0
        for index in order:
            size = len(ix.entry_docs[int(index)])
            out.append((int(index), float(blended[start : start + size].max())))
            start += size
        return out

    def _char_features(self, prepared: str) -> tuple[Any, Any]:
        """The text's character n-gram TF-IDF vector as the fitted ``tfidf`` makes it:
        (feature columns, values)."""
        return _tfidf_vector(self.index.tfidf, self._char_ngrams(prepared))

    def _token_features(self, tokens: list[str]) -> tuple[Any, Any]:
        """The tokens' TF-IDF vector as the fitted ``token_tfidf`` makes it, its columns after
        the character n-grams' (the classifier's feature order)."""
        columns, values = _tfidf_vector(self.index.token_tfidf, tokens)
        return columns + self.index.doc_vectors.shape[1], values

    def self_score(self, tokens: list[str]) -> float:
        """BM25 of the question against a document made of exactly its own tokens.

        No document can score much higher, so ``bm25 / self_score`` is a 0–1 measure
        comparable across questions (a calibrated BM25).
        """
        counts: dict[str, int] = {}
        for t in tokens:
            counts[t] = counts.get(t, 0) + 1
        norm = _K1 * (1 - _B + _B * len(tokens) / self.index.avgdl)
        total = sum(self.index.idf.get(t, 0.0) * tf * (_K1 + 1) / (tf + norm) for t, tf in counts.items())
        return max(total, 1e-9)

    def _ask(self, question: str, lang: str | None = None, k: int = 3) -> FaqResponse:
        chosen = normalize_lang(lang) or detect_language(question) or "zh"
        ranked = self.scores(question, k)
        if ranked and ranked[0][1] >= THRESHOLD and not self.entries[ranked[0][0]].covered:
            # ranks on a question the manual leaves open: say what is not covered, never guess
            what = _pick(self.entries[ranked[0][0]].answer.model_dump(), chosen)
            return FaqResponse(
                answers=[], fallback=True, message=_pick(self._not_covered, chosen).replace("{answer}", what)
            )
        out_of_scope = self.out_of_scope(question) if self.out_of_scope is not None else 0.0
        oos_limit = OOS_STRONG if ranked and ranked[0][1] >= SCORE_TRUSTED else OOS_THRESHOLD
        if not ranked or ranked[0][1] < THRESHOLD or out_of_scope >= oos_limit:
            return FaqResponse(answers=[], fallback=True, message=_pick(self._fallback, chosen))
        answers = []
        shown = 1.0
        for index, score in ranked:  # best first: a lower-ranked entry never shows a higher score
            shown = min(shown, score)
            if shown < THRESHOLD * 0.75:
                break
            entry = self.entries[index]
            if not entry.covered:
                continue
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
