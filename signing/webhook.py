"""The mock tells the assistant: every status change and every SMS is posted as JSON to a webhook.

The platform's callbacks (:attr:`Platform.on_event`, :attr:`Platform.on_sms`) only put
the notice on a queue; one background task posts them in order over real HTTP
(``X-Platform-Secret``, a timeout per attempt, one retry), so a slow or absent
assistant never blocks nor fails a platform call.  Bodies (see ``bot/notices.py``):

- ``{"type": "status", "contract_id", "event", "from", "to", "who", "role", "at", "parties"}``
- ``{"type": "signed", "contract_id", "who", "status", "parties"}`` (one party confirmed in i深圳)
- ``{"type": "sms", "account_id", "text"}``

The worker sends what has queued up together, in order, as ``{"notices": [notice, ...]}``
(at most :data:`BATCH` a post), so a busy platform's notices keep up instead of
filling the queue one round trip at a time.

Logs name the notice type and the HTTP status only, never the text (SMS codes).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

log = logging.getLogger("esf.signing.webhook")
SECRET_HEADER = "X-Platform-Secret"
QUEUE_SIZE = 10_000
BATCH = 200  # notices per post at most
RETRY_DELAY_SECONDS = 0.5


class WebhookNotifier:
    """Posts notices to ``url`` with ``secret``; :meth:`event` and :meth:`sms` are the platform hooks."""

    def __init__(self, url: str, secret: str, timeout_seconds: float = 5.0) -> None:
        self.url = url
        self.secret = secret
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._queue: asyncio.Queue[dict[str, Any]] | None = None
        self._worker: asyncio.Task[None] | None = None

    async def event(self, payload: dict[str, Any]) -> None:
        self.put({"type": payload.get("type", "status"), **payload})

    async def sms(self, account_id: str, text: str) -> None:
        self.put({"type": "sms", "account_id": account_id, "text": text})

    def put(self, notice: dict[str, Any]) -> None:
        """Queue a notice (never waits); the worker starts with the first one."""
        if self._queue is None:
            self._queue = asyncio.Queue(QUEUE_SIZE)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._run(self._queue))
        try:
            self._queue.put_nowait(notice)
        except asyncio.QueueFull:
            log.warning("webhook queue full: a %s notice was dropped", notice["type"])

    async def _run(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        async with aiohttp.ClientSession(timeout=self.timeout) as session:
            while True:
                batch = [await queue.get()]
                while len(batch) < BATCH and not queue.empty():
                    batch.append(queue.get_nowait())
                await self._deliver(session, batch)
                for _ in batch:
                    queue.task_done()

    async def _deliver(self, session: aiohttp.ClientSession, batch: list[dict[str, Any]]) -> None:
        body = {"notices": batch}
        for attempt in (1, 2):
            try:
                async with session.post(self.url, json=body, headers={SECRET_HEADER: self.secret}) as resp:
                    if resp.status < 300:
                        return
                    problem = f"HTTP {resp.status}"
                    if resp.status < 500:  # refused as sent: sending it again would not help
                        break
            except (aiohttp.ClientError, TimeoutError) as exc:
                problem = type(exc).__name__
            if attempt == 1:
                await asyncio.sleep(RETRY_DELAY_SECONDS)
        log.warning("webhook: %d notices were not delivered (%s)", len(batch), problem)

    async def drain(self) -> None:
        """Wait until every queued notice has been tried (tests, shutdown)."""
        if self._queue is not None and self._worker is not None and not self._worker.done():
            await self._queue.join()

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
