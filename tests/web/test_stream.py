"""``GET /api/sessions/{id}/stream`` (server-sent events) against a real server on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ServerProcess, free_port

from storage.staff import StaffStore, hash_password

PASSWORD = "stream-Secret-4242"


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    db = tmp_path_factory.mktemp("stream") / "esf.db"
    staff = StaffStore(db)
    staff.add("sam", "agent", hash_password(PASSWORD))
    staff.close()
    server = ServerProcess(db=db, port=free_port(), env={"ESF_SERVER__STREAM_HEARTBEAT_SECONDS": "0.5"})
    server.start()
    yield server
    server.stop()


class Stream:
    """One open event stream, read line by line (each read waits at most ``timeout`` seconds)."""

    def __init__(self, srv: ServerProcess, session: str, headers: dict[str, str] | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        self.conn.request("GET", f"/api/sessions/{session}/stream", headers=headers or {})
        self.response = self.conn.getresponse()

    def next_block(self) -> list[str]:
        """The lines of the next event or comment block (empty at the end of the stream)."""
        lines: list[str] = []
        while True:
            raw = self.response.readline()
            if not raw:
                return lines
            line = raw.decode().rstrip("\n")
            if line == "":
                if lines:
                    return lines
                continue
            lines.append(line)

    def next_event(self) -> tuple[int, dict[str, Any]]:
        """The next message event (comments and ``retry:`` skipped): (id, message)."""
        while True:
            block = self.next_block()
            assert block, "the stream ended"
            fields = dict(line.split(": ", 1) for line in block if not line.startswith(":"))
            if "data" in fields:
                return int(fields["id"]), json.loads(fields["data"])

    def close(self) -> None:
        self.conn.close()


def staff_reply(srv: ServerProcess, session: str, text: str) -> None:
    status, out = srv.post("/api/staff/login", {"username": "sam", "password": PASSWORD})
    assert status == 200
    req = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    body = json.dumps({"text": text}).encode()
    headers = {"Authorization": f"Bearer {out['token']}", "Content-Type": "application/json"}
    req.request("POST", f"/api/staff/sessions/{session}/reply", body=body, headers=headers)
    assert req.getresponse().status == 200
    req.close()


def waiting_session(srv: ServerProcess) -> str:
    session = str(srv.post("/api/sessions", {})[1]["session_id"])
    for text in (None, "转人工"):
        assert srv.post("/api/chat", {"session_id": session, "text": text})[0] == 200
    return session


def test_a_staff_reply_arrives_as_an_event_and_last_event_id_resumes(srv: ServerProcess) -> None:
    session = waiting_session(srv)
    history = srv.get(f"/api/sessions/{session}/messages")[1]["messages"]
    stream = Stream(srv, session)
    try:
        assert stream.response.status == 200
        assert stream.response.headers["Content-Type"].startswith("text/event-stream")
        assert stream.response.headers["Cache-Control"] == "no-store"
        first = stream.next_block()
        assert first[0].startswith("retry: ") and first[1].startswith(":")  # retry, then a comment
        for old in history:  # no after / Last-Event-ID: the whole conversation first, same objects
            seq, message = stream.next_event()
            assert seq == old["seq"] and message == old
        started = time.monotonic()
        staff_reply(srv, session, "您好，这里是12345，我来帮您。")
        seq, message = stream.next_event()
        assert time.monotonic() - started < 2  # woken by the commit, not by a slow poll
        assert (message["from"], message["text"], seq) == (
            "staff",
            "您好，这里是12345，我来帮您。",
            message["seq"],
        )
        assert seq == history[-1]["seq"] + 1 and set(message) == {"seq", "from", "text", "buttons", "at"}
        assert stream.next_block() == [": heartbeat"]  # idle: a comment every 0.5 s here
        # the citizen's own turn comes through too
        assert srv.post("/api/chat", {"session_id": session, "text": "好的"})[0] == 200
        assert stream.next_event()[1]["text"] == "好的"
    finally:
        stream.close()

    # a browser reconnecting sends the last id it saw: only what came after it
    resumed = Stream(srv, session, {"Last-Event-ID": str(seq - 1)})
    try:
        assert resumed.next_event() == (seq, message)
    finally:
        resumed.close()
    after = Stream(srv, session, {})  # ?after= works for a first connection
    after.close()
    status, out = srv.get(f"/api/sessions/{session}/stream?after=x")
    assert status == 400 and out["error"]["code"] == "invalid_after"


def test_an_unknown_session_is_a_404_json_error(srv: ServerProcess) -> None:
    status, headers, out = srv.exchange("GET", "/api/sessions/no-such-session/stream")
    assert status == 404 and headers["Content-Type"].startswith("application/json")
    assert out == {"error": {"code": "unknown_session", "message": "no such session (or it has expired)"}}


def test_open_streams_end_cleanly_when_the_server_stops(tmp_path: Path) -> None:
    server = ServerProcess(db=tmp_path / "esf.db", port=free_port())
    server.start()
    try:
        session = str(server.post("/api/sessions", {})[1]["session_id"])
        streams = [Stream(server, session) for _ in range(3)]
        for stream in streams:
            assert stream.next_block()[0].startswith("retry: ")
        assert server.proc is not None
        started = time.monotonic()
        server.proc.terminate()
        assert server.proc.wait(timeout=10) == 0
        assert time.monotonic() - started < 5  # not the 60 s shutdown timeout
        for stream in streams:
            assert stream.next_block() == []  # the stream ended (a clean end of the chunked body)
            stream.close()
    finally:
        server.stop()
    assert "Traceback" not in server.log_text()
