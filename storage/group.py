"""Group commit: the turns that arrive together are committed together.

The event loop hands each turn to :class:`GroupCommit`; one writer thread
commits them.  While it commits a batch, the turns that arrive meanwhile wait
and then go together into the next transaction (each under a savepoint of its
own, see :meth:`storage.db.Store.save_turns`).  A turn's future resolves only
after the transaction holding it is committed, so a reply is never sent for a
turn that is not on disk; under load, one commit serves many turns.  No SQL here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .db import TurnWrite

SaveTurns = Callable[[Sequence["TurnWrite"]], list[int | Exception]]
MAX_BATCH = 256


class GroupCommit:
    """One writer thread for one event loop. Used from the loop's thread only (but the writer)."""

    def __init__(self, save_turns: SaveTurns, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._save_turns = save_turns
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="esf-writer")
        self._pending: list[tuple[TurnWrite, asyncio.Future[int]]] = []
        self._running: asyncio.Future[list[int | Exception]] | None = None
        self._scheduled = False

    def submit(self, turn: TurnWrite) -> asyncio.Future[int]:
        """The turn's new version, once committed (or its error: VersionConflict, …)."""
        future: asyncio.Future[int] = self.loop.create_future()
        self._pending.append((turn, future))
        if self._running is None and not self._scheduled:
            # start on the next loop iteration: the turns handled in this one join the batch
            self._scheduled = True
            self.loop.call_soon(self._start)
        return future

    def _start(self) -> None:
        self._scheduled = False
        if self._running is not None or not self._pending:
            return
        batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
        try:
            running = self.loop.run_in_executor(self._executor, self._save_turns, [turn for turn, _ in batch])
        except RuntimeError as exc:  # the store was closed: the writer thread is gone
            running = self.loop.create_future()
            running.set_exception(exc)
        self._running = running
        running.add_done_callback(lambda done: self._finish(batch, done))

    def _finish(
        self, batch: list[tuple[TurnWrite, asyncio.Future[int]]], done: asyncio.Future[list[int | Exception]]
    ) -> None:
        self._running = None
        if done.cancelled():
            results: Sequence[int | BaseException] = [asyncio.CancelledError()] * len(batch)
        elif (error := done.exception()) is not None:  # the transaction failed: none of them is stored
            results = [error] * len(batch)
        else:
            results = done.result()
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():  # its caller went away; the turn is stored all the same
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
        if self._pending:
            self._start()

    async def drain(self) -> None:
        """Wait until every turn submitted so far is committed (or failed)."""
        while self._running is not None or self._pending:
            waiting: list[asyncio.Future[Any]] = [future for _, future in self._pending]
            if self._running is not None:
                waiting.append(self._running)
            await asyncio.wait(waiting)

    def shutdown(self) -> None:
        """Stop the writer thread once its current batch is committed (call :meth:`drain` first)."""
        self._executor.shutdown(wait=True)
