"""Benchmark ``dialogs.nlu``: parses per second and per-call latency, plus load time.

    .venv/bin/python bench/nlu.py [--messages 20000] [--seed 7]

The workload is what citizens type: every example of ``intents.yaml`` and every
text of ``entities_eval.yaml``, the same with Traditional characters and
full-width forms where they have some, messages carrying numbers (certificate,
ID, mobile, amount, date, share), and one message in fifty a long one (a
pasted paragraph of about 300 characters).  Messages are drawn at random
(seeded) and parsed one at a time after a warm-up.

* ``uncached``: :meth:`NLU.parse_strict`, which skips the parse cache — every
  call does the full work.  These are the figures the target is about
  (average under 150 µs, p99 under 1 ms).
* ``cached``: :meth:`NLU.parse` on the same stream: repeated texts hit the
  ``lru_cache`` (as "是", "好的", "返回" do in real conversations).
* ``load``: ``NLU.load()`` training from the YAML (cold, no cache) and reading
  the fitted model back from the cache (warm).

Last line: JSON ``{"parses_per_s": …, "p50_us": …, "p99_us": …, …}`` (uncached).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/platform.py (the name) would shadow the stdlib's platform: this folder off the path
if sys.path and sys.path[0].rstrip("/").endswith("bench"):
    sys.path.pop(0)
sys.path.insert(0, str(ROOT))

from bench.common import percentile  # noqa: E402
from dialogs.nlu import NLU, normalize_text  # noqa: E402
from dialogs.nlu.data import load_entity_cases, load_intents  # noqa: E402

TODAY = datetime.date(2026, 1, 15)
WITH_NUMBERS = [
    "我的房产证号是深房地字第3000123456号，想卖300万",
    "粵(2020)深圳市不動產權第0123456號 校驗不過",
    "身份证440301199001011234，手机+86 138 0013 8000",
    "香港身份证A123456(3)，回乡证H12345678",
    "明年三月过户，价格两百五十万，份额一半",
    "定金5万，2026年3月1日签约，我占三分之一",
    "I want to sell for 2.5 million on 1 March 2026, my share is 50%",
    "公司统一社会信用代码91440300708461136T，经办人手机13912345678",
]
_TRAD = str.maketrans(
    "卖买房证号码办签约经验权资审书备录实认证择时间发现单为业务处说个条这没还让进问们见关东",
    "賣買房證號碼辦簽約經驗權資審書備錄實認證擇時間發現單為業務處說個條這沒還讓進問們見關東",
)


def _variants(text: str) -> list[str]:
    out = [text]
    trad = text.translate(_TRAD)
    if trad != text:
        out.append(trad)
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    if wide != text:
        out.append(wide)
    return out


def corpus(seed: int) -> list[str]:
    rnd = random.Random(seed)
    base = [t for items in load_intents().values() for t in items]
    base += [text for text, _ in load_entity_cases()[1]]
    base += WITH_NUMBERS
    messages = [v for t in base for v in _variants(t)]
    long_ones = []
    for _ in range(20):
        parts = rnd.sample(base, 15)
        long_ones.append("，".join(parts)[:300])
    return messages + long_ones


def workload(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    messages = corpus(seed)
    short = [m for m in messages if len(m) < 100]
    long_ones = [m for m in messages if len(m) >= 100]
    return [rnd.choice(long_ones) if rnd.random() < 0.02 else rnd.choice(short) for _ in range(n)]


def measure_load() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        old = os.environ.get("ESF_CACHE_DIR")
        os.environ["ESF_CACHE_DIR"] = tmp
        try:
            start = time.perf_counter()
            NLU.load()  # trains and fills the empty cache
            cold = time.perf_counter() - start
            start = time.perf_counter()
            NLU.load()  # reads the cache
            warm = time.perf_counter() - start
        finally:
            if old is None:
                del os.environ["ESF_CACHE_DIR"]
            else:
                os.environ["ESF_CACHE_DIR"] = old
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    cold, warm = measure_load()
    nlu = NLU.load()
    stream = workload(args.messages, args.seed)
    for text in stream[:2000]:  # warm-up: per-character caches, numpy, regex compilation
        nlu.parse_strict(text, today=TODAY)

    gc.collect()
    timings: list[float] = []
    clock = time.perf_counter_ns
    total_start = time.perf_counter()
    for text in stream:
        normalize_text.cache_clear()  # uncached means the normalisation too
        tick = clock()
        nlu.parse_strict(text, today=TODAY)
        timings.append((clock() - tick) / 1000)
    total = time.perf_counter() - total_start
    timings.sort()

    cached_start = time.perf_counter()
    for text in stream:
        nlu.parse(text, today=TODAY)
    cached_total = time.perf_counter() - cached_start

    result = {
        "parses_per_s": round(len(stream) / total),
        "p50_us": round(percentile(timings, 0.50), 1),
        "p99_us": round(percentile(timings, 0.99), 1),
        "mean_us": round(statistics.fmean(timings), 1),
        "max_us": round(timings[-1], 1),
        "cached_parses_per_s": round(len(stream) / cached_total),
        "load_cold_s": round(cold, 3),
        "load_warm_s": round(warm, 3),
        "messages": len(stream),
    }
    print(f"dialogs.nlu, {len(stream)} messages ({len(set(stream))} distinct), one at a time, after warm-up")
    print(
        f"uncached parse: {result['parses_per_s']} parses/s, mean {result['mean_us']} µs, "
        f"p50 {result['p50_us']} µs, p99 {result['p99_us']} µs, max {result['max_us']} µs"
    )
    print(f"cached parse (lru_cache hits for repeated texts): {result['cached_parses_per_s']} parses/s")
    print(f"NLU.load(): {cold:.3f} s training (empty cache), {warm:.3f} s from the cache")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
