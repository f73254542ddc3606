"""The intent classifier: character n-gram TF-IDF and a multinomial logistic regression.

Training is scikit-learn's (:class:`~sklearn.feature_extraction.text.TfidfVectorizer`
with ``analyzer="char_wb"`` and sublinear tf, then
:class:`~sklearn.linear_model.LogisticRegression`).  Scoring one message does not
go through sklearn's sparse pipeline, which costs hundreds of microseconds a
call: :class:`IntentModel` keeps the fitted vocabulary, idf weights, coefficients
and intercepts, and computes the same n-grams, the same TF-IDF vector and the
same softmax with a few numpy operations (tests check it agrees with
``predict_proba``).

Fitting takes a few hundred milliseconds, so the fitted numbers are cached in
``$ESF_CACHE_DIR`` (default ``~/.cache/esf-guide/``) as a numpy ``.npz`` file
(no pickle: nothing executable is read back) named by a hash of the training
data and the settings; any problem with the cache means training again.

>>> model = train({"greet": ["你好", "hello"], "thanks": ["谢谢", "thank you"]})
>>> model.ranking("你好呀")[0][0]
'greet'
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

#: Bump when the features or the model change, to invalidate caches.
MODEL_VERSION = "nlu-1"
NGRAM_RANGE = (1, 3)
C_VALUE = 20.0
MAX_ITER = 1000
_MAX_CHARS = 1000  # characters of a message scored (the rest adds nothing)

FloatArray = npt.NDArray[np.float64]


def char_wb_ngrams(text: str, min_n: int = NGRAM_RANGE[0], max_n: int = NGRAM_RANGE[1]) -> list[str]:
    """The character n-grams of sklearn's ``analyzer="char_wb"``, in the same order.

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


class IntentModel:
    """A fitted classifier, reduced to arrays: scores a normalised message in microseconds."""

    def __init__(
        self,
        classes: Sequence[str],
        vocabulary: Mapping[str, int],
        idf: FloatArray,
        coef_t: FloatArray,
        intercept: FloatArray,
        ngram_range: tuple[int, int] = NGRAM_RANGE,
    ) -> None:
        self.classes: tuple[str, ...] = tuple(classes)
        self.vocabulary: dict[str, int] = dict(vocabulary)
        self.idf = np.asarray(idf, dtype=np.float64)
        self.coef_t = np.ascontiguousarray(coef_t, dtype=np.float64)  # (n_features, n_classes)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.ngram_range = ngram_range

    def probabilities(self, normalized: str) -> FloatArray | None:
        """Class probabilities (softmax of the decision values), or None when no n-gram is known."""
        counts: dict[int, int] = {}
        vocab = self.vocabulary
        for gram in char_wb_ngrams(normalized[:_MAX_CHARS], *self.ngram_range):
            index = vocab.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return None
        indices = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts))
        weights = tf * self.idf[indices]
        norm = math.sqrt(float(weights @ weights))
        scores = (weights @ self.coef_t[indices]) / norm + self.intercept
        scores -= scores.max()
        exp = np.exp(scores)
        result: FloatArray = exp / exp.sum()
        return result

    def ranking(self, normalized: str, top: int | None = None) -> list[tuple[str, float]]:
        """``(intent, probability)`` pairs, best first (all of them, or the ``top`` best)."""
        probs = self.probabilities(normalized)
        if probs is None:
            return []
        k = len(self.classes) if top is None else min(top, len(self.classes))
        if k < len(self.classes):
            best = np.argpartition(-probs, k - 1)[:k]
            order = best[np.argsort(-probs[best], kind="stable")]
        else:
            order = np.argsort(-probs, kind="stable")
        return [(self.classes[i], float(probs[i])) for i in order]

    # -- persistence (no pickle) ---------------------------------------------

    def save(self, path: Path) -> None:
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".nlu-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(
                    handle,
                    classes=np.array(self.classes, dtype=np.str_),
                    terms=np.array(terms, dtype=np.str_),
                    idf=self.idf,
                    coef_t=self.coef_t,
                    intercept=self.intercept,
                    ngram_range=np.array(self.ngram_range, dtype=np.int64),
                )
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> IntentModel:
        with np.load(path, allow_pickle=False) as data:
            classes = [str(c) for c in data["classes"]]
            terms = [str(t) for t in data["terms"]]
            idf = np.array(data["idf"], dtype=np.float64)
            coef_t = np.array(data["coef_t"], dtype=np.float64)
            intercept = np.array(data["intercept"], dtype=np.float64)
            low, high = (int(x) for x in data["ngram_range"])
        if coef_t.shape != (len(terms), len(classes)) or idf.shape != (len(terms),):
            raise ValueError("inconsistent cached model")
        if intercept.shape != (len(classes),):
            raise ValueError("inconsistent cached model")
        vocabulary = {term: i for i, term in enumerate(terms)}
        if len(vocabulary) != len(terms):
            raise ValueError("duplicate terms in cached model")
        return cls(classes, vocabulary, idf, coef_t, intercept, (low, high))


def fit_sklearn(examples: Mapping[str, Sequence[str]]) -> tuple[Any, Any]:
    """Fit the sklearn vectorizer and classifier on normalised examples; return both."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    texts: list[str] = []
    labels: list[str] = []
    for intent, items in examples.items():
        for item in items:
            texts.append(item)
            labels.append(intent)
    if len(set(labels)) < 2:
        raise ValueError("the classifier needs examples of at least two intents")
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=NGRAM_RANGE, sublinear_tf=True, lowercase=False, dtype=np.float64
    )
    matrix = vectorizer.fit_transform(texts)
    classifier = LogisticRegression(C=C_VALUE, max_iter=MAX_ITER)
    classifier.fit(matrix, labels)
    return vectorizer, classifier


def from_sklearn(vectorizer: Any, classifier: Any) -> IntentModel:
    """Reduce a fitted vectorizer and (multinomial) logistic regression to an :class:`IntentModel`."""
    classes = [str(c) for c in classifier.classes_]
    coef = np.asarray(classifier.coef_, dtype=np.float64)
    intercept = np.asarray(classifier.intercept_, dtype=np.float64)
    if len(classes) == 2:  # binary: sklearn keeps one row; softmax over (-z/2, z/2) gives the same odds
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
    return IntentModel(classes, vocabulary, vectorizer.idf_, coef.T, intercept, NGRAM_RANGE)


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
        "ngram": NGRAM_RANGE,
        "C": C_VALUE,
        "max_iter": MAX_ITER,
        "sklearn": _sklearn_version(),
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
                return model
    except Exception:
        pass  # a broken or foreign cache file: train again (and overwrite it)
    model = train(examples)
    try:
        model.save(path)
    except Exception:
        pass  # read-only home, full disk…: the model still works
    return model
