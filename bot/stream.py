"""``GET /api/sessions/{session_id}/stream``: a conversation's new messages as server-sent events.

Each event is one message, the same JSON object as ``/messages`` gives, with ``id:`` its
``seq``; a reconnecting browser sends ``Last-Event-ID`` and gets what it missed (``?after=SEQ``
does the same for a first connection). A comment line every ``server.stream_heartbeat_seconds`` keeps
proxies from closing an idle stream and notices a client that went away.

**Cheap by design.** An open stream is one coroutine asleep on an :class:`asyncio.Event`.
The store calls :meth:`Notifier.wake` after every commit that added messages to a session
(``Store.message_listeners``: turns, staff replies, platform notices, from whichever thread
committed); only that session's streams wake, each reads its new rows once
(``messages(after=…)``, an indexed range) and goes back to sleep. No polling of the store,
except one read of new messages per heartbeat, which also covers messages written by another
process on the same SQLite file. Whether the session still exists is read once when the stream
opens and again only when the stream is woken, never per heartbeat: the store calls
:meth:`Notifier.wake_all` after expiring sessions (``Store.expiry_listeners``), so a stream whose
session was deleted ends then. At shutdown (``on_shutdown``) every stream is woken and ends, so
the server does not wait out its shutdown timeout for them.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import defaultdict

from aiohttp import web

from storage import Store

from .web import ASSISTANT, BY_SESSION, ApiError, _limit

RETRY_MS = 3000  # the browser's reconnection delay (the ``retry:`` field)


class Notifier:
    """Wakes the streams of one session when messages were added to it; safe from any thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.closing = False
        self._waiters: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._lock = threading.Lock()

    def wake(self, session_id: str) -> None:
        with self._lock:
            events = list(self._waiters.get(session_id, ()))
        if events:
            self.loop.call_soon_threadsafe(_set_all, events)

    def add(self, session_id: str, event: asyncio.Event) -> None:
        with self._lock:
            self._waiters[session_id].add(event)

    def remove(self, session_id: str, event: asyncio.Event) -> None:
        with self._lock:
            waiters = self._waiters.get(session_id)
            if waiters is not None:
                waiters.discard(event)
                if not waiters:
                    del self._waiters[session_id]

    def open_streams(self) -> int:
        with self._lock:
            return sum(len(w) for w in self._waiters.values())

    def wake_all(self) -> None:
        """Every stream checks its session (sessions were deleted); safe from any thread."""
        with self._lock:
            events = [e for waiters in self._waiters.values() for e in waiters]
        if events:
            self.loop.call_soon_threadsafe(_set_all, events)

    def close_all(self) -> None:
        """Shutdown: every stream ends at its next wake-up, which is now."""
        self.closing = True
        with self._lock:
            events = [e for waiters in self._waiters.values() for e in waiters]
        _set_all(events)


def _set_all(events: list[asyncio.Event]) -> None:
    for event in events:
        event.set()


NOTIFIER: web.AppKey[Notifier] = web.AppKey("stream_notifier", Notifier)
HEARTBEAT: web.AppKey[float] = web.AppKey("stream_heartbeat_seconds", float)


def setup(app: web.Application, heartbeat_seconds: float = 15.0) -> None:
    app[HEARTBEAT] = heartbeat_seconds
    app.router.add_get("/api/sessions/{session_id}/stream", stream)

    async def start(app: web.Application) -> None:
        store: Store = app[ASSISTANT].store
        notifier = Notifier(asyncio.get_running_loop())
        app[NOTIFIER] = notifier
        store.message_listeners.append(notifier.wake)
        store.expiry_listeners.append(notifier.wake_all)

    async def shutdown(app: web.Application) -> None:
        if NOTIFIER in app:
            app[NOTIFIER].close_all()

    async def cleanup(app: web.Application) -> None:
        if NOTIFIER in app:
            listeners = app[ASSISTANT].store.message_listeners
            if app[NOTIFIER].wake in listeners:
                listeners.remove(app[NOTIFIER].wake)
            if app[NOTIFIER].wake_all in app[ASSISTANT].store.expiry_listeners:
                app[ASSISTANT].store.expiry_listeners.remove(app[NOTIFIER].wake_all)

    app.on_startup.append(start)
    app.on_shutdown.append(shutdown)
    app.on_cleanup.append(cleanup)


def _start_after(request: web.Request) -> int:
    """``Last-Event-ID`` (a browser reconnecting) wins over ``?after=``; both default to 0 (all)."""
    raw = request.headers.get("Last-Event-ID", "").strip() or request.query.get("after", "0")
    try:
        after = int(raw)
    except ValueError:
        raise ApiError(400, "invalid_after", "Last-Event-ID and after must be integers") from None
    return max(after, 0)


async def stream(request: web.Request) -> web.StreamResponse:
    session_id = request.match_info["session_id"]
    _limit(request.app[BY_SESSION], session_id)
    after = _start_after(request)
    store = request.app[ASSISTANT].store
    if not store.session_exists(session_id):
        raise ApiError(404, "unknown_session", "no such session (or it has expired)")
    notifier = request.app[NOTIFIER]
    if notifier.closing:
        raise ApiError(503, "shutting_down", "the server is shutting down")
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",  # nginx: do not buffer the stream
        }
    )
    wake = asyncio.Event()
    notifier.add(session_id, wake)  # before the first read: nothing committed in between is missed
    try:
        await response.prepare(request)
        await response.write(f"retry: {RETRY_MS}\n: open\n\n".encode())
        woken = False  # the session's existence was read just above
        while not notifier.closing:
            wake.clear()
            if woken and not store.session_exists(session_id):
                break  # expired (deleted) meanwhile
            for m in store.messages(session_id, after=after):
                data = {"seq": m.seq, "from": m.sender, "text": m.text, "buttons": m.buttons, "at": m.at}
                payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                await response.write(f"id: {m.seq}\ndata: {payload}\n\n".encode())
                after = m.seq
            try:
                await asyncio.wait_for(wake.wait(), request.app[HEARTBEAT])
                woken = True
            except TimeoutError:
                woken = False  # a heartbeat reads new messages only, not the session
                await response.write(b": heartbeat\n\n")
    except ConnectionResetError:
        pass  # the client went away
    finally:
        notifier.remove(session_id, wake)
    return response
