"""Score the FAQ on the evaluation set: top-1/top-3 accuracy, MRR, out-of-scope precision/recall.

In-scope questions: ``tests/data/faq_eval_*.yaml`` (``- {q: …, ids: [entry ids]}``);
out-of-scope: ``tests/data/faq_out_of_scope.yaml`` (``- {q: …}``).  A fallback on an
in-scope question counts as a miss (and as "wrongly refused").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .retrieval import KnowledgeBase

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "tests" / "data"


@dataclass
class Report:
    n_in: int = 0
    n_out: int = 0
    top1: int = 0
    top3: int = 0
    rr: float = 0.0
    refused_in: int = 0
    fallback_out: int = 0
    misses: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
    leaks: list[tuple[str, str]] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        fallbacks = self.refused_in + self.fallback_out
        return {
            "top1": round(self.top1 / self.n_in, 4),
            "top3": round(self.top3 / self.n_in, 4),
            "mrr": round(self.rr / self.n_in, 4),
            "oos_precision": round(self.fallback_out / fallbacks, 4) if fallbacks else 1.0,
            "oos_recall": round(self.fallback_out / self.n_out, 4) if self.n_out else 1.0,
            "in_scope_refused": round(self.refused_in / self.n_in, 4),
            "n_in_scope": self.n_in,
            "n_out_of_scope": self.n_out,
        }


# name → (in-scope files, out-of-scope file) under the data directory
SETS = {
    "main": ("faq_eval_*.yaml", "faq_out_of_scope.yaml"),
    # written blind, after the main set and before the tuning it guided (tests/data/faq_heldout*.yaml)
    "heldout": ("faq_heldout.yaml", "faq_heldout_out_of_scope.yaml"),
    # written blind from the manual on 2026-11-25 after all tuning; scored once, never tuned on
    "fresh": ("faq_fresh.yaml", "faq_fresh_out_of_scope.yaml"),
}


def load_eval(
    data: Path = DEFAULT_DATA, which: str = "main"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    inside_glob, outside_name = SETS[which]
    inside: list[dict[str, Any]] = []
    for path in sorted(data.glob(inside_glob)):
        inside.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    out_path = data / outside_name
    outside = yaml.safe_load(out_path.read_text(encoding="utf-8")) if out_path.is_file() else []
    return inside, outside or []


def evaluate(kb: KnowledgeBase, data: Path = DEFAULT_DATA, which: str = "main") -> Report:
    inside, outside = load_eval(data, which)
    report = Report(n_in=len(inside), n_out=len(outside))
    for case in inside:
        wanted = set(case["ids"])
        response = kb.ask(str(case["q"]), None, 3)
        got = [a.id for a in response.answers]
        if response.fallback:
            report.refused_in += 1
        rank = next((i for i, g in enumerate(got) if g in wanted), None)
        if rank == 0:
            report.top1 += 1
        else:
            report.misses.append((str(case["q"]), sorted(wanted), got))
        if rank is not None and rank < 3:
            report.top3 += 1
            report.rr += 1 / (rank + 1)
    for case in outside:
        response = kb.ask(str(case["q"]), None, 3)
        if response.fallback:
            report.fallback_out += 1
        else:
            report.leaks.append((str(case["q"]), response.answers[0].id))
    return report
