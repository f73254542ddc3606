"""Benchmark the web door: concurrent sessions over loopback against /api/chat.

    .venv/bin/python bench/http.py [--sessions 200] [--turns 10] [--rate 1000] [--rounds 3]

Starts the real server (``python -m bot serve``, its own SQLite file, rate limits
off) and, for comparison, a bare aiohttp app that answers a constant JSON, each
in its own process; then drives both with the same number of concurrent
clients (aiohttp, this process). Each client makes a session and walks the
title check (buttons and typed answers). Two phases, the same clients for both
targets, in ``--rounds`` rounds that alternate the targets (the machine's other
load then weighs on both; throughputs and the ratio are medians of the rounds):

* saturated: every session sends its next turn as soon as the last is
  answered, so ``--sessions`` requests are always in flight; this gives the
  throughput (turns/s) and the ratio of the two throughputs.  Its latencies are
  printed too, but they are queueing by construction: with N requests always in
  flight, mean latency = N / throughput (Little's law), whatever a turn costs.
* paced: the same number of concurrent sessions offer ``--rate`` turns/s in all
  (each session one turn every sessions/rate seconds, starts spread evenly); a
  turn's latency runs from when it was due, so a late server is charged for the
  turns it held back too (no coordinated omission).  This gives p50/p99 at the
  load the aim names.

Last line JSON: ``{"turns_per_s", "p50_ms", "p99_ms", "ratio", "saturated_p50_ms",
"saturated_p99_ms", "rate"}``: turns/s and ratio from the saturated phase,
p50/p99 from the paced one.
"""

from __future__ import annotations

import sys

# This file is called http.py (as the issue names it): take its own folder off the
# import path, or ``import http`` (inside aiohttp) would find this script.
if sys.path and sys.path[0] and sys.path[0].rstrip("/").endswith("bench"):
    sys.path.pop(0)

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import free_port, p50_p99_ms, wait_healthy  # noqa: E402

SCRIPT: list[dict[str, str | None]] = [
    {"text": None},
    {"payload": "/flow title_check", "text": "房屋产权校验"},
    {"text": "深圳"},
    {"payload": "property_cert", "text": "不动产权证书"},
    {"text": "粤(2020)深圳市不动产权第0123456号"},
    {"payload": "false", "text": "个人"},
    {"text": "本人"},
    {"text": "4"},
    {"text": "进度"},
    {"text": "返回"},
]
BARE = textwrap.dedent(
    """
    import sys
    from aiohttp import web
    BODY = {"session_id": "x", "replies": [{"text": "ok", "buttons": []}],
            "state": {"flow": None, "step": None, "progress": None, "slots": {}}, "handoff": False}
    async def chat(request):
        await request.read()
        return web.json_response(BODY)
    async def sessions(request):
        return web.json_response({"session_id": "x"}, status=201)
    app = web.Application()
    app.router.add_post("/api/chat", chat)
    app.router.add_post("/api/sessions", sessions)
    app.router.add_get("/healthz", lambda r: web.json_response({"status": "ok"}))
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
    """
)


async def paced(url: str, sessions: int, turns: int, rate: float) -> tuple[float, list[float]]:
    """Each session sends a turn every ``sessions / rate`` s (never two at once); the latency of a
    turn counts from when it was due.  The wall time and the latencies."""
    latencies: list[float] = []
    period = sessions / rate
    connector = aiohttp.TCPConnector(limit=sessions)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def new_session() -> str:
            async with http.post(url + "/api/sessions", json={"lang": "zh"}) as resp:
                return str((await resp.json())["session_id"])

        ids = await asyncio.gather(*(new_session() for _ in range(sessions)))
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.1

        async def one_user(index: int, session: str) -> None:
            for i in range(turns):
                due = start + index * period / sessions + i * period
                if due > loop.time():
                    await asyncio.sleep(due - loop.time())
                body = {"session_id": session, **SCRIPT[i % len(SCRIPT)]}
                async with http.post(url + "/api/chat", json=body) as resp:
                    await resp.read()
                    if resp.status != 200:
                        raise RuntimeError(f"{resp.status}: {await resp.text()}")
                latencies.append(loop.time() - due)

        await asyncio.gather(*(one_user(n, session) for n, session in enumerate(ids)))
        wall = loop.time() - start
    return wall, latencies


async def drive(url: str, sessions: int, turns: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=sessions)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def one_user() -> None:
            async with http.post(url + "/api/sessions", json={"lang": "zh"}) as resp:
                session = (await resp.json())["session_id"]
            for i in range(turns):
                body = {"session_id": session, **SCRIPT[i % len(SCRIPT)]}
                started = time.perf_counter()
                async with http.post(url + "/api/chat", json=body) as resp:
                    await resp.read()
                    if resp.status != 200:
                        raise RuntimeError(f"{resp.status}: {await resp.text()}")
                latencies.append(time.perf_counter() - started)

        wall = time.perf_counter()
        await asyncio.gather(*(one_user() for _ in range(sessions)))
        wall = time.perf_counter() - wall
    return wall, latencies


def start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@dataclass
class Phase:
    """One target in one phase, over every round: throughput per round, pooled latencies."""

    per_round: list[float] = field(default_factory=list)  # turns/s
    latencies: list[float] = field(default_factory=list)

    def add(self, wall: float, latencies: list[float]) -> float:
        self.per_round.append(len(latencies) / wall)
        self.latencies += latencies
        return self.per_round[-1]

    def line(self) -> str:
        p50, p99 = p50_p99_ms(self.latencies)
        rounds = ", ".join(f"{t:.0f}" for t in self.per_round)
        return (
            f"{statistics.median(self.per_round):.0f} turns/s (rounds: {rounds}), p50 {p50} ms, p99 {p99} ms"
        )


async def main_async(args: argparse.Namespace) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESF_")}
    chat, bare, chat_paced, bare_paced = Phase(), Phase(), Phase(), Phase()
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        port, bare_port = free_port(), free_port()
        env.update(
            ESF_DB=str(Path(tmp) / "bench.db"), ESF_PORT=str(port), ESF_RATE_PER_SESSION="0",
            ESF_RATE_PER_ADDRESS="0", ESF_LOG_LEVEL="WARNING",
        )  # fmt: skip
        server = start([sys.executable, "-m", "bot", "serve"], env)
        bare_server = start([sys.executable, "-c", BARE, str(bare_port)], env)
        try:
            url, bare_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
            await wait_healthy(url)
            await wait_healthy(bare_url)
            await drive(url, 20, len(SCRIPT))  # warm-up
            await drive(bare_url, 20, len(SCRIPT))
            # rounds alternate the two targets, so a neighbour's load on this machine weighs on both
            for _ in range(args.rounds):
                ours = chat.add(*await drive(url, args.sessions, args.turns))
                ratios.append(ours / bare.add(*await drive(bare_url, args.sessions, args.turns)))
                chat_paced.add(*await paced(url, args.sessions, args.turns, args.rate))
                bare_paced.add(*await paced(bare_url, args.sessions, args.turns, args.rate))
        finally:
            for proc in (server, bare_server):
                proc.terminate()
                proc.wait(timeout=10)
    sat_p50, sat_p99 = p50_p99_ms(chat.latencies)
    p50, p99 = p50_p99_ms(chat_paced.latencies)
    result = {
        "turns_per_s": round(statistics.median(chat.per_round)),
        "p50_ms": p50,
        "p99_ms": p99,
        "ratio": round(statistics.median(ratios), 3),
        "saturated_p50_ms": sat_p50,
        "saturated_p99_ms": sat_p99,
        "rate": args.rate,
    }
    print(
        f"{args.sessions} concurrent sessions x {args.turns} turns, {args.rounds} rounds"
        f" (medians of the rounds; latencies over all {len(chat.latencies)} turns of a phase)"
    )
    print(f"saturated   /api/chat: {chat.line()}")
    print(f"saturated   bare endpoint: {bare.line()}")
    print(
        f"  ratio {result['ratio']} (rounds: {', '.join(f'{r:.3f}' for r in ratios)}); saturated latency"
        f" is queueing: {args.sessions} in flight / {result['turns_per_s']} turns/s"
        f" = {args.sessions / result['turns_per_s'] * 1000:.0f} ms"
    )
    print(f"paced {args.rate:g}/s /api/chat: {chat_paced.line()}")
    print(f"paced {args.rate:g}/s bare endpoint: {bare_paced.line()}")
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--rate", type=float, default=1000.0, help="turns/s offered in all, paced phase")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each: both targets, both phases")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
