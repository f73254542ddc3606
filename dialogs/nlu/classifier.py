"""The intent classifier: TF-IDF of character n-grams (and of Latin words) and a logistic regression.

Training is scikit-learn's: two :class:`~sklearn.feature_extraction.text.TfidfVectorizer`
side by side (a :class:`~sklearn.pipeline.FeatureUnion`) — ``analyzer="char_wb"``
with n-grams 1–3 for everything, and words (unigrams and bigrams of Latin letters
and digits) for the English messages, whose character n-grams say little — both
with sublinear tf, then a multinomial
:class:`~sklearn.linear_model.LogisticRegression`.

Scoring one message does not go through sklearn's sparse pipeline, which costs
hundreds of microseconds a call: :class:`IntentModel` keeps each block's fitted
vocabulary, idf weights and coefficients, and computes the same n-grams, the
same L2-normalised TF-IDF vectors and the same softmax with a few numpy
operations (tests check it agrees with ``predict_proba``).

Fitting takes about half a second (more on a busy machine), so the fitted numbers are cached in
``$ESF_CACHE_DIR`` (default ``~/.cache/esf-guide/``) as a numpy ``.npz`` file —
no pickle, so nothing executable is read back — named by a hash of the training
data and the settings; any problem with the cache means training again.  Files
of older data that have not been used for a day are removed when a new one is
written.

>>> model = train({"greet": ["你好", "hello"], "thanks": ["谢谢", "thank you"]})
>>> model.ranking("你好呀")[0][0], model.ranking("thank you so much")[0][0]
('greet', 'thanks')
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

#: Bump when the features or the model change, to invalidate caches.
MODEL_VERSION = "nlu-3"
CHAR_NGRAMS = (1, 3)
WORD_NGRAMS = (1, 2)
WORD_PATTERN = r"[a-z0-9][a-z0-9']*"
C_VALUE = 30.0
MAX_ITER = 3000
SOLVER = "newton-cg"  # same optimum as lbfgs here, in a third of the time
_MAX_CHARS = 1000  # characters of a message scored (the rest adds nothing)
#: Cache files of other training data unused for this long are removed when a new one is written.
STALE_AFTER_S = 24 * 3600

FloatArray = npt.NDArray[np.float64]
_WORD_RE = re.compile(WORD_PATTERN)


def char_wb_ngrams(text: str, min_n: int = CHAR_NGRAMS[0], max_n: int = CHAR_NGRAMS[1]) -> list[str]:
    """The character n-grams of sklearn's ``analyzer="char_wb"``.

    Each white-space separated word is padded with one space on each side; a word
    shorter than ``n`` gives one n-gram only.

    >>> char_wb_ngrams("买房", 1, 2)
    [' ', '买', '房', ' ', ' 买', '买房', '房 ']
    """
    grams: list[str] = []
    append = grams.append
    for word in text.split():
        w = f" {word} "
        w_len = len(w)
        for n in range(min_n, max_n + 1):
            if w_len <= n:
                append(w)
                break
            for offset in range(w_len - n + 1):
                append(w[offset : offset + n])
    return grams


def word_ngrams(text: str, min_n: int = WORD_NGRAMS[0], max_n: int = WORD_NGRAMS[1]) -> list[str]:
    """Word n-grams as sklearn's ``analyzer="word"`` with :data:`WORD_PATTERN` makes them.

    >>> word_ngrams("how do i log in? 登录")
    ['how', 'do', 'i', 'log', 'in', 'how do', 'do i', 'i log', 'log in']
    """
    tokens = _WORD_RE.findall(text)
    if max_n == 1:
        return tokens if min_n == 1 else []
    grams: list[str] = list(tokens) if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


_ANALYZERS: dict[str, Callable[[str, int, int], list[str]]] = {"char_wb": char_wb_ngrams, "word": word_ngrams}


@dataclass
class Block:
    """One TF-IDF feature block of the fitted model and its slice of the coefficients."""

    kind: str  # "char_wb" or "word"
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    idf: FloatArray  # (n_features,)
    coef_t: FloatArray  # (n_features, n_classes)

    def scores(self, text: str) -> FloatArray | None:
        """This block's contribution to the decision values, or None when no feature is known.

        The word-padding space (an n-gram of every text) counts in the vector, as
        in sklearn, but alone it does not make a text known.
        """
        counts: dict[int, int] = {}
        vocab = self.vocabulary
        informative = False
        for gram in _ANALYZERS[self.kind](text, *self.ngram_range):
            index = vocab.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
                informative = informative or not gram.isspace()
        if not informative:
            return None
        indices = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts))
        weights = tf * self.idf[indices]
        norm = math.sqrt(float(weights @ weights))
        result: FloatArray = (weights @ self.coef_t[indices]) / norm
        return result


class IntentModel:
    """A fitted classifier, reduced to arrays: scores a normalised message in microseconds."""

    def __init__(self, classes: Sequence[str], blocks: Sequence[Block], intercept: FloatArray) -> None:
        self.classes: tuple[str, ...] = tuple(classes)
        self.blocks: tuple[Block, ...] = tuple(blocks)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        for block in self.blocks:
            if block.coef_t.shape != (len(block.vocabulary), len(self.classes)):
                raise ValueError("coefficients do not match the vocabulary and the classes")
            if block.idf.shape != (len(block.vocabulary),):
                raise ValueError("idf does not match the vocabulary")
        if self.intercept.shape != (len(self.classes),):
            raise ValueError("intercept does not match the classes")

    def decision(self, normalized: str) -> FloatArray | None:
        """The decision values (before softmax), or None when no feature at all is known."""
        text = normalized[:_MAX_CHARS]
        total: FloatArray | None = None
        for block in self.blocks:
            part = block.scores(text)
            if part is not None:
                total = part if total is None else total + part
        if total is None:
            return None
        result: FloatArray = total + self.intercept
        return result

    def probabilities(self, normalized: str) -> FloatArray | None:
        """Class probabilities (softmax of the decision values), or None when nothing is known."""
        scores = self.decision(normalized)
        if scores is None:
            return None
        exp = np.exp(scores - scores.max())
        result: FloatArray = exp / exp.sum()
        return result

    def ranking(self, normalized: str, top: int | None = None) -> list[tuple[str, float]]:
        """``(intent, probability)`` pairs, best first (all of them, or the ``top`` best)."""
        probs = self.probabilities(normalized)
        if probs is None:
            return []
        k = len(self.classes) if top is None else max(0, min(top, len(self.classes)))
        if 0 < k < len(self.classes):
            best = np.argpartition(-probs, k - 1)[:k]
            order = best[np.argsort(-probs[best], kind="stable")]
        else:
            order = np.argsort(-probs, kind="stable")[:k]
        return [(self.classes[i], float(probs[i])) for i in order]

    # -- persistence (no pickle) ---------------------------------------------

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {
            "classes": np.array(self.classes, dtype=np.str_),
            "intercept": self.intercept,
            "kinds": np.array([b.kind for b in self.blocks], dtype=np.str_),
            "ranges": np.array([b.ngram_range for b in self.blocks], dtype=np.int64),
        }
        for i, block in enumerate(self.blocks):
            terms = sorted(block.vocabulary, key=block.vocabulary.__getitem__)
            arrays[f"terms{i}"] = np.array(terms, dtype=np.str_)
            arrays[f"idf{i}"] = block.idf
            arrays[f"coef{i}"] = block.coef_t
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".nlu-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, **arrays)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> IntentModel:
        with np.load(path, allow_pickle=False) as data:
            classes = [str(c) for c in data["classes"]]
            intercept = np.array(data["intercept"], dtype=np.float64)
            kinds = [str(k) for k in data["kinds"]]
            ranges = [(int(a), int(b)) for a, b in data["ranges"]]
            blocks: list[Block] = []
            for i, (kind, ngram_range) in enumerate(zip(kinds, ranges, strict=True)):
                if kind not in _ANALYZERS:
                    raise ValueError(f"unknown feature block {kind!r}")
                terms = [str(t) for t in data[f"terms{i}"]]
                vocabulary = {term: j for j, term in enumerate(terms)}
                if len(vocabulary) != len(terms):
                    raise ValueError("duplicate terms in a cached model")
                idf = np.array(data[f"idf{i}"], dtype=np.float64)
                coef_t = np.array(data[f"coef{i}"], dtype=np.float64)
                blocks.append(Block(kind, ngram_range, vocabulary, idf, coef_t))
        return cls(classes, blocks, intercept)


# -- training (sklearn) --------------------------------------------------------


def make_vectorizer(*, words: bool = True) -> Any:
    """The sklearn feature extractor: char_wb n-grams and Latin word n-grams, each TF-IDF, side by side.

    ``words=False`` leaves the word block out (for data without any Latin word).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, lowercase=False, dtype=np.float64
    )
    word_vectorizer = TfidfVectorizer(
        analyzer="word",
        ngram_range=WORD_NGRAMS,
        token_pattern=WORD_PATTERN,
        sublinear_tf=True,
        lowercase=False,
        dtype=np.float64,
    )
    blocks: list[tuple[str, Any]] = [("char_wb", chars)]
    if words:
        blocks.append(("word", word_vectorizer))
    return FeatureUnion(blocks)


def fit_sklearn(examples: Mapping[str, Sequence[str]]) -> tuple[Any, Any]:
    """Fit the sklearn features and classifier on normalised examples; return both."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # a sklearn dependency

    texts: list[str] = []
    labels: list[str] = []
    for intent, items in examples.items():
        for item in items:
            texts.append(item)
            labels.append(intent)
    if len(set(labels)) < 2:
        raise ValueError("the classifier needs examples of at least two intents")
    features = make_vectorizer(words=any(_WORD_RE.search(t) for t in texts))
    classifier = LogisticRegression(C=C_VALUE, max_iter=MAX_ITER, solver=SOLVER)
    # One BLAS thread: on small data, more threads only contend (twice slower on two cores).
    with threadpool_limits(limits=1):
        matrix = features.fit_transform(texts)
        classifier.fit(matrix, labels)
    return features, classifier


def from_sklearn(features: Any, classifier: Any) -> IntentModel:
    """Reduce fitted features and a logistic regression to an :class:`IntentModel`."""
    classes = [str(c) for c in classifier.classes_]
    coef = np.asarray(classifier.coef_, dtype=np.float64)
    intercept = np.asarray(classifier.intercept_, dtype=np.float64)
    if len(classes) == 2:  # binary: sklearn keeps one row; softmax over (-z/2, z/2) gives the same odds
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    blocks: list[Block] = []
    offset = 0
    for name, vectorizer in features.transformer_list:
        vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
        size = len(vocabulary)
        coef_t = np.ascontiguousarray(coef[:, offset : offset + size].T)
        idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        low, high = vectorizer.ngram_range
        blocks.append(Block(str(name), (int(low), int(high)), vocabulary, idf, coef_t))
        offset += size
    if offset != coef.shape[1]:
        raise ValueError("feature blocks do not add up to the coefficients")
    return IntentModel(classes, blocks, intercept)


def train(examples: Mapping[str, Sequence[str]]) -> IntentModel:
    """Fit on ``{intent: [normalised example, …]}`` (sklearn) and return the reduced model."""
    return from_sklearn(*fit_sklearn(examples))


# -- cache -------------------------------------------------------------------


def cache_dir() -> Path:
    """``$ESF_CACHE_DIR`` or ``~/.cache/esf-guide``."""
    configured = os.environ.get("ESF_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "esf-guide"


def _sklearn_version() -> str:
    try:
        return metadata.version("scikit-learn")
    except metadata.PackageNotFoundError:
        return "?"


def training_key(examples: Mapping[str, Sequence[str]]) -> str:
    """A hash of the training data and every setting the fitted numbers depend on."""
    payload = {
        "version": MODEL_VERSION,
        "char": CHAR_NGRAMS,
        "word": WORD_NGRAMS,
        "pattern": WORD_PATTERN,
        "C": C_VALUE,
        "max_iter": MAX_ITER,
        "solver": SOLVER,
        "sklearn": _sklearn_version(),
        "numpy": np.__version__,
        "examples": {k: list(v) for k, v in sorted(examples.items())},
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:32]


def train_cached(examples: Mapping[str, Sequence[str]], *, use_cache: bool = True) -> IntentModel:
    """:func:`train`, through the on-disk cache when it can be used (never failing because of it)."""
    if not use_cache:
        return train(examples)
    try:
        path = cache_dir() / f"nlu-{training_key(examples)}.npz"
    except Exception:
        return train(examples)
    try:
        if path.is_file():
            model = IntentModel.load(path)
            if set(model.classes) == set(examples):
                _touch(path)
                return model
    except Exception:
        pass  # a broken or foreign cache file: train again (and overwrite it)
    model = train(examples)
    try:
        model.save(path)
        _prune(path)
    except Exception:
        pass  # read-only home, full disk…: the model still works
    return model


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


def _prune(keep: Path) -> None:
    """Remove the cache files of older training data (unused for :data:`STALE_AFTER_S`)."""
    now = time.time()
    for other in keep.parent.glob("nlu-*.npz"):
        try:
            if other != keep and now - other.stat().st_mtime > STALE_AFTER_S:
                other.unlink()
        except OSError:
            pass
