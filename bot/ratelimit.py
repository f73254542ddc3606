"""A sliding-window rate limiter: at most N requests per key in any 60 seconds.

>>> limiter = RateLimiter(2)
>>> limiter.hit("k", now=0.0), limiter.hit("k", now=1.0), limiter.hit("k", now=2.0)
(0.0, 0.0, 58.0)
>>> limiter.hit("k", now=60.5)
0.0
>>> RateLimiter(0).hit("k", now=0.0)  # 0 turns the limit off
0.0
"""

from __future__ import annotations

import math
import time
from collections import deque

WINDOW = 60.0


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = {}
        self._last_sweep = 0.0

    def hit(self, key: str, now: float | None = None) -> float:
        """Count one request for ``key``; 0 when allowed, else the seconds to wait (Retry-After)."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - WINDOW:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return float(math.ceil(hits[0] + WINDOW - now))
        hits.append(now)
        if now - self._last_sweep > WINDOW:  # forget idle keys now and then
            self._sweep(now)
        return 0.0

    def _sweep(self, now: float) -> None:
        self._last_sweep = now
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - WINDOW]:
            del self._hits[key]
