"""Benchmark the dialog engine with persistence on (a real SQLite file, WAL).

    .venv/bin/python bench/engine.py [--users 200] [--seed 1]

Simulated users each complete whole flows (every flow in turn, answers chosen
by ``dialogs.autopilot``, text and buttons mixed) through ``Assistant.handle``,
one core, in process.  Prints turns per second, p50/p99 ms per turn, the stored
state's size per session, and its last line as JSON:
``{"turns_per_s": …, "p50_ms": …, "p99_ms": …, "state_bytes": …}``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

# bench/platform.py (the name) would shadow the stdlib's platform: this folder off the path
if sys.path and sys.path[0].rstrip("/").endswith("bench"):
    sys.path.pop(0)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import p50_p99_ms
from dialogs.autopilot import answer_for, complete_flow
from dialogs.engine import Assistant
from storage import Store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        assistant = Assistant(Store(Path(tmp) / "bench.db"))
        load_s = time.perf_counter() - started
        flow_ids = sorted(assistant.flows)
        latencies: list[float] = []
        sessions = []
        # warm-up: every flow once in each language (compiled templates, converted texts, NLU cache)
        for lang in ("zh", "zh-Hant", "en"):
            warm = assistant.new_session(lang)
            for flow_id in flow_ids:
                complete_flow(assistant, warm, flow_id)
        wall = time.perf_counter()
        for _user in range(args.users):
            session = assistant.new_session(rng.choice(["zh", "zh", "zh-Hant", "en"]))
            sessions.append(session)
            flows = rng.sample(flow_ids, k=min(3, len(flow_ids)))
            t = time.perf_counter()
            assistant.handle(session, None)
            latencies.append(time.perf_counter() - t)
            for flow_id in flows:
                request: dict[str, str] | None = {"payload": f"/flow {flow_id}"}
                visits: dict[str | None, int] = {}
                for _ in range(120):
                    if request is None:
                        break
                    t = time.perf_counter()
                    turn = assistant.handle(session, **request)
                    latencies.append(time.perf_counter() - t)
                    if turn.state.flow is None:
                        break
                    visits[turn.state.step] = visits.get(turn.state.step, 0) + 1
                    request = answer_for(assistant, session, rng, visits[turn.state.step])
        wall = time.perf_counter() - wall
        sizes = assistant.store.state_sizes()
    p50, p99 = p50_p99_ms(latencies, 3)
    turns = len(latencies)
    result = {
        "turns_per_s": round(turns / wall),
        "p50_ms": p50,
        "p99_ms": p99,
        "state_bytes": round(statistics.mean(sizes)),
    }
    print(
        f"{args.users} users, {turns} turns over {len(flow_ids)} flows in {wall:.2f} s (start-up {load_s:.2f} s)"
    )
    print(
        f"turns/s {result['turns_per_s']}, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
        f"state {result['state_bytes']} bytes/session (max {max(sizes)})"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
