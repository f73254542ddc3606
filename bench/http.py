"""Benchmark the web door: concurrent sessions over loopback against /api/chat.

    .venv/bin/python bench/http.py [--sessions 200] [--turns 10]

Starts the real server (``python -m bot serve``, its own SQLite file, rate limits
off) and, for comparison, a bare aiohttp app that answers a constant JSON, each
in its own process; then drives both with the same number of concurrent
clients (aiohttp). Each client makes a session and walks the title check
(buttons and typed answers). Prints turns/s, p50/p99 ms and the ratio of the two
throughputs; the last line is JSON ``{"turns_per_s", "p50_ms", "p99_ms", "ratio"}``.
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
import socket
import statistics
import subprocess
import tempfile
import textwrap
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = [
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_healthy(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(url + "/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


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


async def main_async(args: argparse.Namespace) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESF_")}
    with tempfile.TemporaryDirectory() as tmp:
        port, bare_port = free_port(), free_port()
        env.update(
            ESF_DB=str(Path(tmp) / "bench.db"), ESF_PORT=str(port), ESF_RATE_PER_SESSION="0",
            ESF_RATE_PER_ADDRESS="0", ESF_LOG_LEVEL="WARNING",
        )  # fmt: skip
        server = start([sys.executable, "-m", "bot", "serve"], env)
        bare = start([sys.executable, "-c", BARE, str(bare_port)], env)
        try:
            url, bare_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
            await wait_healthy(url)
            await wait_healthy(bare_url)
            await drive(url, 20, len(SCRIPT))  # warm-up
            wall, lat = await drive(url, args.sessions, args.turns)
            bare_wall, _ = await drive(bare_url, args.sessions, args.turns)
        finally:
            for proc in (server, bare):
                proc.terminate()
                proc.wait(timeout=10)
    lat.sort()
    turns = len(lat)
    result = {
        "turns_per_s": round(turns / wall),
        "p50_ms": round(statistics.median(lat) * 1000, 2),
        "p99_ms": round(lat[int(turns * 0.99) - 1] * 1000, 2),
        "ratio": round((turns / wall) / (turns / bare_wall), 3),
    }
    print(f"{args.sessions} concurrent sessions x {args.turns} turns = {turns} turns over loopback")
    print(f"/api/chat: {result['turns_per_s']} turns/s, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms")
    print(f"bare aiohttp endpoint: {round(turns / bare_wall)} turns/s; ratio {result['ratio']}")
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--turns", type=int, default=10)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
