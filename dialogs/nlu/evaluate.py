"""How well the NLU understands: held-out intent accuracy and macro-F1, entity F1.

The split is deterministic: every 5th example of each intent in ``intents.yaml``
(the 5th, 10th, …) is held out; the model is trained on the rest plus the
command phrases.  Entities are scored on ``entities_eval.yaml`` (micro F1 over
``(type, value)`` pairs).  :func:`threshold_sweep` shows, for each confidence
threshold, how many held-out messages get an intent and how many of those are
right — the data :data:`dialogs.nlu.nlu.CONFIDENCE_THRESHOLD` was tuned on.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .data import DATA_DIR, load_commands, load_entity_cases, load_intents
from .entities import extract_entities
from .nlu import CONFIDENCE_THRESHOLD, NLU

HOLD_OUT_EVERY = 5


def split(examples: Mapping[str, Sequence[str]]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """``(train, held_out)``: every ``HOLD_OUT_EVERY``-th example of each intent is held out.

    >>> train_part, held = split({"a": ["1", "2", "3", "4", "5", "6"]})
    >>> train_part, held
    ({'a': ['1', '2', '3', '4', '6']}, {'a': ['5']})
    """
    train_part: dict[str, list[str]] = {}
    held: dict[str, list[str]] = {}
    for intent, items in examples.items():
        for i, item in enumerate(items):
            target = held if i % HOLD_OUT_EVERY == HOLD_OUT_EVERY - 1 else train_part
            target.setdefault(intent, []).append(item)
    return train_part, held


@dataclass
class IntentScores:
    n: int
    accuracy: float
    macro_f1: float
    per_intent: dict[str, tuple[float, float, float, int]]  # precision, recall, f1, support
    errors: list[tuple[str, str, str, float]]  # text, expected, predicted, confidence
    confidences: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, correct)


@dataclass
class EntityScores:
    n: int
    precision: float
    recall: float
    f1: float
    per_type: dict[str, tuple[float, float, float, int]]
    errors: list[tuple[str, list[tuple[str, Any]], list[tuple[str, Any]]]]  # text, expected, got


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def score_intents(nlu: NLU, held_out: Mapping[str, Sequence[str]]) -> IntentScores:
    """Accuracy and macro-F1 of the best intent (no threshold) over the held-out examples.

    The prediction is what :meth:`NLU.parse` ranks first: the classifier, the
    exact command phrases and the yes/no answer rule together.
    """
    gold: list[str] = []
    pred: list[str] = []
    errors: list[tuple[str, str, str, float]] = []
    confidences: list[tuple[float, bool]] = []
    for intent, items in held_out.items():
        for text in items:
            ranking = nlu.parse_strict(text).ranking
            best, conf = ranking[0] if ranking else ("", 0.0)
            gold.append(intent)
            pred.append(best)
            confidences.append((conf, best == intent))
            if best != intent:
                errors.append((text, intent, best, conf))
    n = len(gold)
    correct = sum(g == p for g, p in zip(gold, pred, strict=True))
    per_intent: dict[str, tuple[float, float, float, int]] = {}
    for label in sorted(set(gold)):
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        predicted = sum(p == label for p in pred)
        support = sum(g == label for g in gold)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        per_intent[label] = (precision, recall, _f1(precision, recall), support)
    macro = sum(v[2] for v in per_intent.values()) / len(per_intent) if per_intent else 0.0
    return IntentScores(n, correct / n if n else 0.0, macro, per_intent, errors, confidences)


def _key(pair: tuple[str, Any]) -> tuple[str, str]:
    kind, value = pair
    return kind, repr(value) if isinstance(value, bool) else str(value)


def score_entities(
    cases: Sequence[tuple[str, Sequence[tuple[str, Any]]]], today: datetime.date
) -> EntityScores:
    """Micro precision / recall / F1 over ``(type, value)`` pairs, and per type."""
    tp_all = fp_all = fn_all = 0
    by_type: dict[str, list[int]] = {}
    errors: list[tuple[str, list[tuple[str, Any]], list[tuple[str, Any]]]] = []
    for text, expected in cases:
        got = [(e.type, e.value) for e in extract_entities(text, today)]
        want_c = Counter(_key(p) for p in expected)
        got_c = Counter(_key(p) for p in got)
        common = want_c & got_c
        for (kind, _), count in common.items():
            by_type.setdefault(kind, [0, 0, 0])[0] += count
        for (kind, _), count in (got_c - want_c).items():
            by_type.setdefault(kind, [0, 0, 0])[1] += count
        for (kind, _), count in (want_c - got_c).items():
            by_type.setdefault(kind, [0, 0, 0])[2] += count
        tp, fp, fn = sum(common.values()), sum((got_c - want_c).values()), sum((want_c - got_c).values())
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        if fp or fn:
            errors.append((text, list(expected), got))
    precision = tp_all / (tp_all + fp_all) if tp_all + fp_all else 1.0
    recall = tp_all / (tp_all + fn_all) if tp_all + fn_all else 1.0
    per_type: dict[str, tuple[float, float, float, int]] = {}
    for kind, (tp, fp, fn) in sorted(by_type.items()):
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        per_type[kind] = (p, r, _f1(p, r), tp + fn)
    return EntityScores(len(cases), precision, recall, _f1(precision, recall), per_type, errors)


#: In tuning the threshold, a wrong intent costs this many "please say it again" (no intent).
WRONG_COST = 2.0


class SweepRow(NamedTuple):
    threshold: float
    coverage: float  # share of messages that get an intent
    precision: float  # share of those that are right
    correct: int
    wrong: int

    def utility(self, wrong_cost: float = WRONG_COST) -> float:
        return self.correct - wrong_cost * self.wrong


def threshold_sweep(
    confidences: Sequence[tuple[float, bool]], thresholds: Sequence[float] | None = None
) -> list[SweepRow]:
    """For each threshold: coverage, precision of the accepted answers, correct and wrong counts.

    >>> threshold_sweep([(0.9, True), (0.4, False), (0.2, True)], [0.3])
    [SweepRow(threshold=0.3, coverage=0.6666666666666666, precision=0.5, correct=1, wrong=1)]
    """
    steps = thresholds if thresholds is not None else [round(0.05 * i, 2) for i in range(1, 19)]
    out: list[SweepRow] = []
    n = len(confidences) or 1
    for t in steps:
        accepted = [ok for conf, ok in confidences if conf >= t]
        right = sum(accepted)
        precision = right / len(accepted) if accepted else 1.0
        out.append(SweepRow(t, len(accepted) / n, precision, right, len(accepted) - right))
    return out


def best_threshold(sweep: Sequence[SweepRow], wrong_cost: float = WRONG_COST) -> float:
    """The threshold with the best ``correct - wrong_cost * wrong``; the lowest on ties.

    >>> rows = threshold_sweep([(0.9, True), (0.5, False), (0.45, True)], [0.4, 0.6])
    >>> best_threshold(rows, 2.0), best_threshold(rows, 0.5)
    (0.6, 0.4)
    """
    best = max(sweep, key=lambda row: (row.utility(wrong_cost), -row.threshold))
    return best.threshold


@dataclass
class Report:
    intents: IntentScores
    entities: EntityScores
    sweep: list[SweepRow]
    threshold: float
    suggested_threshold: float

    def summary(self) -> dict[str, Any]:
        return {
            "intent_accuracy": round(self.intents.accuracy, 4),
            "intent_macro_f1": round(self.intents.macro_f1, 4),
            "entity_f1": round(self.entities.f1, 4),
            "n_intent": self.intents.n,
            "n_entity": self.entities.n,
        }


def run(folder: Path | None = None) -> Report:
    """Train on the training split of ``folder`` (default: the package data) and score everything."""
    data = folder or DATA_DIR
    intents = load_intents(data)
    commands = load_commands(data)
    train_part, held = split(intents)
    nlu = NLU.from_examples(train_part, commands)
    intent_scores = score_intents(nlu, held)
    today, cases = load_entity_cases(data)
    entity_scores = score_entities(cases, today)
    sweep = threshold_sweep(intent_scores.confidences)
    return Report(intent_scores, entity_scores, sweep, CONFIDENCE_THRESHOLD, best_threshold(sweep))


def format_report(report: Report, *, errors: bool = True) -> str:
    """The human table (without the final JSON line)."""
    lines: list[str] = []
    ints, ents = report.intents, report.entities
    lines.append(f"Intents: {ints.n} held-out examples (every {HOLD_OUT_EVERY}th of each intent)")
    lines.append(f"{'intent':<24}{'prec':>7}{'recall':>8}{'f1':>7}{'n':>5}")
    for label, (p, r, f, n) in ints.per_intent.items():
        lines.append(f"{label:<24}{p:>7.2f}{r:>8.2f}{f:>7.2f}{n:>5}")
    lines.append(f"{'accuracy':<24}{ints.accuracy:>22.4f}")
    lines.append(f"{'macro F1':<24}{ints.macro_f1:>22.4f}")
    if errors and ints.errors:
        lines.append("")
        lines.append("Held-out mistakes (text | expected -> predicted, confidence):")
        for text, want, got, conf in ints.errors:
            lines.append(f"  {text} | {want} -> {got} ({conf:.2f})")
    lines.append("")
    lines.append(f"Confidence threshold sweep (a wrong intent costs {WRONG_COST:g} unanswered ones):")
    lines.append(f"  {'thresh':>6} {'covered':>8} {'right':>7} {'#right':>6} {'#wrong':>6} {'utility':>7}")
    for row in report.sweep:
        mark = "  <- CONFIDENCE_THRESHOLD" if abs(row.threshold - report.threshold) < 1e-9 else ""
        lines.append(
            f"  {row.threshold:>6.2f} {row.coverage:>8.2%} {row.precision:>7.2%} {row.correct:>6}"
            f" {row.wrong:>6} {row.utility():>7.1f}{mark}"
        )
    lines.append(f"  suggested: {report.suggested_threshold:.2f}; in use: {report.threshold:.2f}")
    lines.append("")
    lines.append(f"Entities: {ents.n} cases")
    lines.append(f"{'type':<24}{'prec':>7}{'recall':>8}{'f1':>7}{'n':>5}")
    for kind, (p, r, f, n) in ents.per_type.items():
        lines.append(f"{kind:<24}{p:>7.2f}{r:>8.2f}{f:>7.2f}{n:>5}")
    lines.append(f"{'micro F1':<24}{ents.f1:>22.4f}")
    if errors and ents.errors:
        lines.append("")
        lines.append("Entity mistakes (text | expected | got):")
        for sample, expected, found in ents.errors:
            lines.append(f"  {sample} | {expected} | {found}")
    return "\n".join(lines)
