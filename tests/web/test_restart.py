"""A server killed with SIGKILL mid-conversation loses nothing: the next turn continues."""

from __future__ import annotations

from typing import Any

ServerProcess = Any  # the ``server`` fixture of tests/conftest.py


def chat(server: ServerProcess, session: str, **body: str) -> dict[str, object]:
    status, out = server.post("/api/chat", {"session_id": session, **body})
    assert status == 200, out
    assert isinstance(out, dict)
    return out


def test_sigkill_mid_flow_then_resume_at_same_step(server: ServerProcess) -> None:
    status, created = server.post("/api/sessions", {"lang": "zh"})
    assert status == 201
    session = created["session_id"]
    chat(server, session, text=None)  # type: ignore[arg-type]
    chat(server, session, payload="/flow title_check")
    chat(server, session, text="深圳")
    before = chat(server, session, payload="property_cert")
    assert before["state"]["step"] == "cert_number"  # type: ignore[index]

    server.kill()  # SIGKILL: no clean shutdown, no flush
    server.start()

    again = chat(server, session, text=None)  # type: ignore[arg-type]
    state = again["state"]
    assert state["flow"] == "title_check" and state["step"] == "cert_number"  # type: ignore[index]
    assert state["slots"] == {"region": "shenzhen", "cert_type": "property_cert"}  # type: ignore[index]
    after = chat(server, session, text="粤(2020)深圳市不动产权第0123456号")
    assert after["state"]["slots"]["cert_number"] == "粤（2020）深圳市不动产权第0123456号"  # type: ignore[index]
    assert after["state"]["step"] == "is_institution"  # type: ignore[index]
    status, history = server.get(f"/api/sessions/{session}/messages")
    assert status == 200
    seqs = [m["seq"] for m in history["messages"]]
    assert seqs == list(range(1, len(seqs) + 1))


def test_faq_endpoint_and_errors(server: ServerProcess) -> None:
    status, out = server.post("/api/faq", {"q": "公司的房子能线上签吗"})
    assert status == 200 and out["fallback"] is False and out["answers"][0]["sections"]
    status, out = server.post("/api/faq", {"q": "What's the weather?", "k": 2})
    assert status == 200 and out["fallback"] is True and "12345" in out["message"]
    assert server.post("/api/faq", {"q": "x" * 3000})[0] == 413
    assert server.post("/api/faq", {"q": "hi", "k": 0})[0] == 422
    assert server.post("/api/faq", {"q": "hi", "lang": "fr"})[0] == 422
    assert server.post("/api/faq", {"question": "hi"})[0] == 400
