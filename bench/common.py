"""What the benchmark scripts share: a free port, waiting for a server, percentiles.

The scripts put the project's root on ``sys.path`` (and take ``bench/`` off it: the issue
names one script ``platform.py``, which would shadow the standard library's), then
``from bench.common import ...``.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
from pathlib import Path

import aiohttp


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(sorted_values: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) of already sorted values: the value at rank ceil(q·n), so p99 of
    100 values is the 99th."""
    return sorted_values[max(0, int(len(sorted_values) * q) - 1)]


def p50_p99_ms(latencies: list[float], digits: int = 2) -> tuple[float, float]:
    """Median and p99 of latencies in seconds, in milliseconds."""
    ordered = sorted(latencies)
    return round(percentile(ordered, 0.5) * 1000, digits), round(percentile(ordered, 0.99) * 1000, digits)


async def wait_healthy(
    url: str, proc: subprocess.Popen[bytes] | None = None, log: Path | None = None, seconds: float = 60
) -> None:
    """Until ``url``/healthz answers 200; a ``proc`` that exits first fails with its ``log``'s tail."""
    async with aiohttp.ClientSession() as http:
        for _ in range(int(seconds * 10)):
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")[-2000:] if log else f"{url} exited")
            try:
                async with http.get(url + "/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy")
