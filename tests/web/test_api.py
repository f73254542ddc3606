"""The JSON API of chat-api.md against a real server process on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import pytest

ServerProcess = Any  # the ``server`` fixture of tests/conftest.py


def error_of(out: Any) -> str:
    assert set(out) == {"error"} and set(out["error"]) == {"code", "message"}, out
    assert "Traceback" not in out["error"]["message"]
    return str(out["error"]["code"])


def test_sessions_chat_messages_health(server: ServerProcess) -> None:
    status, health = server.get("/healthz")
    assert status == 200 and health["status"] == "ok"
    status, created = server.post("/api/sessions", {"lang": "en"})
    assert status == 201 and len(created["session_id"]) >= 22  # ≥ 128 random bits, url-safe
    other = server.post("/api/sessions", {})[1]["session_id"]
    assert other != created["session_id"]
    session = created["session_id"]
    status, turn = server.post("/api/chat", {"session_id": session, "text": None})
    assert status == 200 and set(turn) == {"session_id", "replies", "state", "handoff"}
    assert turn["state"]["flow"] is None and turn["replies"][0]["buttons"]
    assert set(turn["state"]) == {"flow", "step", "progress", "slots"}
    status, turn = server.post(
        "/api/chat", {"session_id": session, "payload": "/flow title_check", "text": "Title check"}
    )
    assert status == 200 and turn["state"]["flow"] == "title_check"
    assert turn["state"]["progress"] == {"current": 1, "total": 11}
    status, turn = server.post("/api/chat", {"session_id": session, "text": "   "})
    assert status == 200 and turn["state"]["step"] == "region"  # blank text: a re-prompt, not an error
    status, history = server.get(f"/api/sessions/{session}/messages")
    assert status == 200
    messages = history["messages"]
    assert [m["seq"] for m in messages] == list(range(1, len(messages) + 1))
    assert {m["from"] for m in messages} == {"user", "assistant"}
    assert all(set(m) == {"seq", "from", "text", "buttons", "at"} for m in messages)
    later = server.get(f"/api/sessions/{session}/messages?after=2")[1]["messages"]
    assert [m["seq"] for m in later] == [m["seq"] for m in messages if m["seq"] > 2]


def test_error_codes(server: ServerProcess) -> None:
    session = server.post("/api/sessions", {})[1]["session_id"]
    cases = [
        ("POST", "/api/chat", None, b"{not json", 400),
        ("POST", "/api/chat", {"session_id": session, "text": 5}, None, 400),
        ("POST", "/api/chat", {"session_id": session, "colour": "red"}, None, 400),
        ("POST", "/api/chat", ["a", "list"], None, 400),
        ("POST", "/api/chat", {"text": "hi"}, None, 400),
        ("POST", "/api/chat", {"session_id": "no-such-session", "text": "hi"}, None, 404),
        ("POST", "/api/chat", {"session_id": session, "text": "x" * 2001}, None, 413),
        ("POST", "/api/chat", {"session_id": session, "text": "hi", "lang": "fr"}, None, 422),
        ("POST", "/api/sessions", {"lang": "klingon"}, None, 422),
        ("POST", "/api/sessions", None, b"\xff\xfe", 400),
        ("GET", "/api/sessions/no-such-session/messages", None, None, 404),
        ("GET", f"/api/sessions/{session}/messages?after=abc", None, None, 400),
        ("POST", "/api/rules/no_such_rule", {}, None, 404),
        ("POST", "/api/rules/realname_level", {"level": "4", "purpose": "title_check"}, None, 422),
        ("POST", "/api/rules/realname_level", None, b"{oops", 400),
        ("POST", "/api/rules/realname_level", None, b"", 400),  # an empty body is no JSON
        # chat-api.md: a field missing, unknown or of the wrong type → 400; a value out of bounds → 422
        ("POST", "/api/faq", {"q": "hi", "k": "3"}, None, 400),
        ("POST", "/api/faq", {"q": "hi", "k": 0}, None, 422),
        ("POST", "/api/faq", {"q": "hi", "k": 21}, None, 422),
        ("POST", "/api/faq", {"q": ""}, None, 422),
        ("POST", "/api/chat", {"session_id": "", "text": "hi"}, None, 422),
        ("POST", "/api/chat", {"session_id": session, "payload": "x" * 201}, None, 422),
        # a lone surrogate escaped in JSON is no text at all
        ("POST", "/api/chat", None, b'{"session_id": "%s", "text": "\\ud800"}' % session.encode(), 400),
        ("POST", "/api/faq", None, b'{"q": "\\udfff?"}', 400),
        ("GET", "/api/nowhere", None, None, 404),
    ]
    for method, path, body, raw, expected in cases:
        status, out = server.request(method, path, body, raw)
        assert status == expected, (path, body, raw, status, out)
        error_of(out)


def test_an_escaped_emoji_is_text(server: ServerProcess) -> None:
    session = server.post("/api/sessions", {})[1]["session_id"]
    raw = b'{"session_id": "%s", "text": "\\ud83d\\ude00"}' % session.encode()
    status, out = server.request("POST", "/api/chat", raw=raw)
    assert status == 200 and out["replies"], out


def test_oversize_body_is_413(server: ServerProcess) -> None:
    big = b'{"session_id": "x", "text": "' + b"a" * 200_000 + b'"}'
    status, out = server.request("POST", "/api/chat", raw=big)
    assert status == 413 and error_of(out) == "too_large"


def test_rules_over_http(server: ServerProcess) -> None:
    status, out = server.post("/api/rules/validate_id", {"doc_type": "hk_id", "number": "A123456(3)"})
    assert status == 200 and out["normalized"] == "A1234563"
    status, out = server.post("/api/rules/validate_id", {"doc_type": "hk_id", "number": "A123456(3)", "x": 1})
    assert status == 422 and error_of(out) == "unknown_field"


def test_openapi_document(server: ServerProcess) -> None:
    status, doc = server.get("/api/openapi.json")
    assert status == 200 and doc["openapi"].startswith("3.")
    assert {"/api/sessions", "/api/chat", "/api/faq", "/api/sessions/{session_id}/messages"} <= set(
        doc["paths"]
    )
    schemas = doc["components"]["schemas"]
    assert {"ChatBody", "Turn", "FaqResponse", "ErrorBody"} <= set(schemas)
    assert set(schemas["ChatBody"]["properties"]) == {"session_id", "text", "payload", "lang"}


@pytest.mark.server_env(ESF_RATE_PER_SESSION="3", ESF_RATE_PER_ADDRESS="0")
def test_rate_limit_per_session(server: ServerProcess) -> None:
    session = server.post("/api/sessions", {})[1]["session_id"]
    for _ in range(3):
        assert server.post("/api/chat", {"session_id": session, "text": None})[0] == 200
    status, headers, out = server.exchange("POST", "/api/chat", {"session_id": session, "text": None})
    assert status == 429 and error_of(out) == "rate_limited"
    assert 1 <= int(headers["Retry-After"]) <= 60
    other = server.post("/api/sessions", {})[1]["session_id"]
    assert server.post("/api/chat", {"session_id": other, "text": None})[0] == 200  # another session is fine


@pytest.mark.server_env(ESF_RATE_PER_SESSION="0", ESF_RATE_PER_ADDRESS="4")
def test_rate_limit_per_address(server: ServerProcess) -> None:
    codes = [server.post("/api/sessions", {})[0] for _ in range(6)]
    assert codes[:4] == [201] * 4 and codes[4:] == [429, 429]
    assert server.get("/healthz")[0] == 200  # health is never limited


def test_request_log_has_no_personal_data(server: ServerProcess) -> None:
    session = server.post("/api/sessions", {})[1]["session_id"]
    server.post("/api/chat", {"session_id": session, "payload": "/flow title_check"})
    server.post(
        "/api/chat", {"session_id": session, "text": "我的身份证是11010519491231002X 电话13800138000"}
    )
    server.get(f"/api/sessions/{session}/messages")
    server.stop()
    log = server.log_text()
    assert "POST /api/chat 200" in log
    assert "11010519491231002X" not in log and "13800138000" not in log
    assert session not in log  # session ids appear cut short only


def _turn(server: ServerProcess, session: str, **body: Any) -> dict[str, Any]:
    status, out = server.post("/api/chat", {"session_id": session, **body})
    assert status == 200, out
    return dict(out)


def test_text_null_mid_flow_asks_the_current_question_again(server: ServerProcess) -> None:
    """chat-api.md: ``text: null`` with no payload asks the current question again, state unchanged."""
    session = server.post("/api/sessions", {"lang": "zh"})[1]["session_id"]
    _turn(server, session, text=None)
    _turn(server, session, payload="/flow title_check")
    asked = _turn(server, session, text="深圳")
    assert asked["state"]["step"] == "cert_type" and asked["state"]["slots"] == {"region": "shenzhen"}
    question = asked["replies"][-1]
    assert "产权证书是哪一种" in question["text"]
    for _ in range(2):
        again = _turn(server, session, text=None)
        assert again["state"] == asked["state"] and again["handoff"] is False
        assert again["replies"][-1]["text"] == question["text"]
        assert again["replies"][-1]["buttons"] == question["buttons"]
    # Left out altogether is the same as null.
    assert _turn(server, session)["state"] == asked["state"]
    # The flow goes on from there.
    after = _turn(server, session, payload="property_cert")
    assert after["state"]["step"] == "cert_number"
    assert after["state"]["slots"] == {"region": "shenzhen", "cert_type": "property_cert"}


def test_slots_belong_to_their_own_session(server: ServerProcess) -> None:
    """chat-api.md: ``state.slots`` holds what this conversation collected, for its own session only."""
    one = server.post("/api/sessions", {})[1]["session_id"]
    two = server.post("/api/sessions", {})[1]["session_id"]
    idle = server.post("/api/sessions", {})[1]["session_id"]
    for session in (one, two, idle):
        _turn(server, session, text=None)
        if session != idle:
            _turn(server, session, payload="/flow title_check")
    # Interleaved answers: different region and certificate in each session.
    _turn(server, one, text="深圳")
    _turn(server, two, text="深汕")
    a = _turn(server, one, payload="property_cert")
    b = _turn(server, two, payload="realty_cert")
    assert a["state"]["slots"] == {"region": "shenzhen", "cert_type": "property_cert"}
    assert b["state"]["slots"] == {"region": "shenshan", "cert_type": "realty_cert"}
    a = _turn(server, one, text="粤(2020)深圳市不动产权第0123456号")
    assert a["state"]["slots"]["cert_number"] == "粤（2020）深圳市不动产权第0123456号"
    b = _turn(server, two, text=None)
    assert b["state"]["slots"] == {"region": "shenshan", "cert_type": "realty_cert"}
    assert _turn(server, idle, text=None)["state"]["slots"] == {}
    assert "0123456" not in str(server.get(f"/api/sessions/{two}/messages")[1])


def test_faq_answers_best_first_and_k_defaults_to_3(server: ServerProcess) -> None:
    """chat-api.md: ``answers`` best first; ``k`` defaults to 3."""
    q = "网签备案怎么注销"
    status, out = server.post("/api/faq", {"q": q})
    assert status == 200 and out["fallback"] is False, out
    answers = out["answers"]
    assert len(answers) == 3, answers
    scores = [a["score"] for a in answers]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0, scores
    assert len({a["id"] for a in answers}) == 3
    status, more = server.post("/api/faq", {"q": q, "k": 6})
    assert status == 200 and len(more["answers"]) == 6  # there were more than 3 to give
    more_scores = [a["score"] for a in more["answers"]]
    assert more_scores == sorted(more_scores, reverse=True), more_scores
    # The default's three are the best three (equal scores may come in either order).
    assert more_scores[:3] == scores and {a["id"] for a in answers} <= {a["id"] for a in more["answers"]}
    status, one = server.post("/api/faq", {"q": q, "k": 1})
    assert status == 200 and [a["id"] for a in one["answers"]] == [answers[0]["id"]]
