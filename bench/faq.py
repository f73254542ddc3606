"""Benchmark the FAQ: single queries per second and p99 latency, and the load time.

    .venv/bin/python bench/faq.py [--repeat 3]

Every evaluation question (in scope and out of scope) is asked one at a time,
with the FAQ's answer cache and the NLU's parse cache both bypassed, so each
query is really computed; printed: queries
per second, p50/p99 ms, the time to load the index, and a last JSON line
``{"qps": …, "p99_ms": …}``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

# bench/platform.py (the name) would shadow the stdlib's platform: this folder off the path
if sys.path and sys.path[0].rstrip("/").endswith("bench"):
    sys.path.pop(0)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import p50_p99_ms
from dialogs.faq import KnowledgeBase, load_entries
from dialogs.faq.evaluate import load_eval
from dialogs.faq.kb import DEFAULT_DIR
from dialogs.faq.retrieval import NOT_QUESTIONS, Synonyms
from dialogs.nlu import NLU, normalize_text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    nlu = NLU.load()  # the assistant loads it anyway; the FAQ shares it
    started = time.perf_counter()
    KnowledgeBase.load(nlu=nlu)
    load_s = time.perf_counter() - started
    # the same index, but its out-of-scope guard parses without the NLU's cache
    kb = KnowledgeBase(
        load_entries(),
        Synonyms.load(DEFAULT_DIR / "synonyms.yaml"),
        out_of_scope=lambda q: sum(p for i, p in nlu.parse_strict(q).ranking if i in NOT_QUESTIONS),
    )
    inside, outside = load_eval()
    questions = [str(c["q"]) for c in inside + outside]
    uncached = kb._ask  # the answer without the lru cache in front of it
    for q in questions[:50]:
        uncached(q, None, 3)  # warm-up
    latencies = []
    wall = time.perf_counter()
    for _ in range(args.repeat):
        for q in questions:
            normalize_text.cache_clear()  # the normalisation's memory bypassed too
            t = time.perf_counter()
            uncached(q, None, 3)
            latencies.append(time.perf_counter() - t)
    wall = time.perf_counter() - wall
    p50, p99 = p50_p99_ms(latencies, 3)
    result = {
        "qps": round(len(latencies) / wall),
        "p50_ms": p50,
        "p99_ms": p99,
        "load_s": round(load_s, 3),
        "entries": len(kb.entries),
    }
    print(f"{len(latencies)} queries ({len(questions)} questions x {args.repeat}), uncached")
    print(
        f"qps {result['qps']}, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms; "
        f"index of {len(kb.entries)} entries loaded in {load_s:.2f} s"
    )
    print(
        json.dumps(
            {
                "qps": result["qps"],
                "p99_ms": result["p99_ms"],
                "p50_ms": result["p50_ms"],
                "load_s": result["load_s"],
            }
        )
    )


if __name__ == "__main__":
    main()
