"""Hotline staff (chat-api.md, "Hotline staff (12345)") against a real server on 127.0.0.1.

Accounts are made in the server's own SQLite file (storage.staff, or the CLI in
``test_cli_*``); the citizen talks through /api/chat like the web page does.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, ServerProcess, free_port

from storage.staff import StaffStore, hash_password

PASSWORDS = {
    "alice": "alice-Secret-42",
    "bob": "bob-Secret-4242",
    "sue": "sue-Super-Visor-1",
    "carol": "carol-Pass-999",
}
ROLES = {"alice": "agent", "bob": "agent", "sue": "supervisor", "carol": "agent"}
ID_NUMBER = "11010519491231002X"
CERT = "粤（2020）深圳市不动产权第0123456号"


def make_accounts(db: Path) -> None:
    staff = StaffStore(db)
    for name, password in PASSWORDS.items():
        staff.add(name, ROLES[name], hash_password(password))  # type: ignore[arg-type]
    staff.close()


def start(tmp: Path, **env: str) -> ServerProcess:
    db = tmp / "esf.db"
    make_accounts(db)
    srv = ServerProcess(db=db, port=free_port(), env=env or None)
    srv.start()
    return srv


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = start(tmp_path_factory.mktemp("desk"))
    yield srv
    srv.stop()


def call(
    srv: ServerProcess, method: str, path: str, body: Any = None, token: str | None = None
) -> tuple[int, Any, Any]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(srv.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, json.loads(exc.read() or b"null")


def error_code(out: Any) -> str:
    assert set(out) == {"error"} and set(out["error"]) == {"code", "message"}, out
    return str(out["error"]["code"])


def login(srv: ServerProcess, name: str) -> str:
    status, _, out = call(srv, "POST", "/api/staff/login", {"username": name, "password": PASSWORDS[name]})
    assert status == 200 and set(out) == {"token"}, out
    return str(out["token"])


def chat(srv: ServerProcess, session: str, text: str | None) -> dict[str, Any]:
    status, out = srv.post("/api/chat", {"session_id": session, "text": text})
    assert status == 200, out
    return dict(out)


def waiting_citizen(srv: ServerProcess) -> str:
    """A citizen three answers into the title check who typed an ID number, then asked for a human."""
    session = srv.post("/api/sessions", {"lang": "zh"})[1]["session_id"]
    for text in (None, "我要做房屋产权校验", "深圳", "不动产权证书", CERT, f"我的身份证是{ID_NUMBER}"):
        turn = chat(srv, session, text)
    assert turn["state"]["step"] == "is_institution" and turn["handoff"] is False
    turn = chat(srv, session, "转人工")
    assert turn["handoff"] is True and turn["state"]["step"] == "is_institution"
    assert any("排在第" in r["text"] for r in turn["replies"])  # the place in the queue
    return str(session)


def queue(srv: ServerProcess, token: str) -> dict[str, dict[str, Any]]:
    status, _, out = call(srv, "GET", "/api/staff/handoffs", token=token)
    assert status == 200 and set(out) == {"handoffs"}
    sinces = [h["since"] for h in out["handoffs"]]
    assert sinces == sorted(sinces)  # oldest first
    return {h["session_id"]: h for h in out["handoffs"]}


def test_what_the_person_writes_to_the_staff_member_holding_them_is_no_answer(desk: ServerProcess) -> None:
    """Explore report E13: once staff hold the handoff, the person's messages are for them: no slot is
    filled and no step advanced (the text is in the transcript), said once; 取消 still works."""
    session = waiting_citizen(desk)
    turn = chat(desk, session, "个人")  # waiting, nobody holds it yet: the assistant still serves
    assert turn["state"]["step"] == "login_identity"
    alice = login(desk, "alice")
    assert call(desk, "POST", f"/api/staff/sessions/{session}/take", token=alice)[0] == 200
    turn = chat(desk, session, "本人")
    assert turn["handoff"] is True and turn["state"]["step"] == "login_identity"
    assert "login_identity" not in turn["state"]["slots"]
    assert [r["text"] for r in turn["replies"]] == [next(r["text"] for r in turn["replies"])]
    assert "工作人员正在为您服务" in turn["replies"][0]["text"]
    turn = chat(desk, session, "好的")
    assert turn["replies"] == [] and turn["state"]["step"] == "login_identity"
    texts = [m["text"] for m in desk.get(f"/api/sessions/{session}/messages")[1]["messages"]]
    assert "本人" in texts and "好的" in texts  # kept for the member of staff
    turn = chat(desk, session, "取消")
    assert turn["handoff"] is False and turn["state"]["step"] == "login_identity"


def test_the_whole_handoff_cycle(desk: ServerProcess) -> None:
    session = waiting_citizen(desk)
    alice, bob = login(desk, "alice"), login(desk, "bob")

    entry = queue(desk, alice)[session]
    assert set(entry) == {"session_id", "since", "flow", "step", "summary"}
    assert (entry["flow"], entry["step"]) == ("title_check", "is_institution")
    assert (
        "title_check" in entry["summary"]
        and "is_institution" in entry["summary"]
        and "\n" not in entry["summary"]
    )
    assert "login_identity" in entry["summary"]  # still missing
    assert "0123456" not in entry["summary"] and ID_NUMBER not in entry["summary"]

    status, _, seen = call(desk, "GET", f"/api/staff/sessions/{session}", token=alice)
    assert status == 200 and set(seen) == {"state", "transcript"}
    raw = json.dumps(seen, ensure_ascii=False)
    assert ID_NUMBER not in raw and "0123456" not in raw  # ID and certificate numbers masked, slots too
    assert seen["state"]["slots"]["cert_number"] == "粤（2020）深圳市不动产权第01***56号"
    texts = [m["text"] for m in seen["transcript"]]
    assert "我的身份证是110***********002X" in texts
    assert all(set(m) == {"seq", "from", "text", "at"} for m in seen["transcript"])

    assert call(desk, "POST", f"/api/staff/sessions/{session}/take", token=alice)[0] == 200
    assert session not in queue(desk, bob)  # held: no longer waiting
    for action, body in (("take", None), ("reply", {"text": "我来吧"}), ("close", None)):
        status, _, out = call(desk, "POST", f"/api/staff/sessions/{session}/{action}", body, token=bob)
        assert status == 409 and error_code(out) == "held_by_other", action

    status, _, out = call(
        desk,
        "POST",
        f"/api/staff/sessions/{session}/reply",
        {"text": "您好，我是12345坐席，请问哪里不清楚？"},
        alice,
    )
    assert status == 200
    last = desk.get(f"/api/sessions/{session}/messages")[1]["messages"][-1]
    assert (last["from"], last["text"]) == ("staff", "您好，我是12345坐席，请问哪里不清楚？")

    status, _, out = call(desk, "POST", f"/api/staff/sessions/{session}/close", token=alice)
    assert status == 200 and out["handoff"] is False
    after = desk.get(f"/api/sessions/{session}/messages?after={last['seq']}")[1]["messages"]
    assert [m["from"] for m in after] == ["assistant", "assistant"]  # a note, then the step asked again
    assert "房屋权利人是个人" in after[-1]["text"]

    turn = chat(desk, session, "个人")  # the assistant carries on at the exact step, slots intact
    assert turn["handoff"] is False and turn["state"]["flow"] == "title_check"
    assert turn["state"]["step"] == "login_identity"
    slots = turn["state"]["slots"]
    assert (slots["region"], slots["cert_type"], slots["is_institution"]) == (
        "shenzhen",
        "property_cert",
        False,
    )
    assert slots["cert_number"] == CERT  # the citizen's own view is theirs, unmasked
    status, _, out = call(desk, "POST", f"/api/staff/sessions/{session}/take", token=alice)
    assert status == 409 and error_code(out) == "not_waiting"

    log = desk.log_text()
    assert "staff alice signed in" in log
    assert ID_NUMBER not in log and "0123456" not in log
    assert not any(p in log for p in PASSWORDS.values())


def test_a_reply_takes_a_waiting_conversation_and_unknown_sessions_are_404(desk: ServerProcess) -> None:
    session = waiting_citizen(desk)
    bob = login(desk, "bob")
    assert call(desk, "POST", f"/api/staff/sessions/{session}/reply", {"text": "稍等"}, bob)[0] == 200
    status, _, out = call(desk, "POST", f"/api/staff/sessions/{session}/take", token=login(desk, "alice"))
    assert status == 409 and error_code(out) == "held_by_other"
    for method, action in (("GET", ""), ("POST", "/take"), ("POST", "/reply"), ("POST", "/close")):
        body = {"text": "hi"} if action == "/reply" else None
        status, _, out = call(desk, method, f"/api/staff/sessions/no-such-session{action}", body, bob)
        assert status == 404 and error_code(out) == "unknown_session", action
    status, _, out = call(desk, "POST", f"/api/staff/sessions/{session}/reply", {"txt": "x"}, bob)
    assert status == 400 and error_code(out) == "invalid_body"


ENDPOINTS = [
    ("GET", "/api/staff/handoffs", None),
    ("GET", "/api/staff/sessions/{s}", None),
    ("POST", "/api/staff/sessions/{s}/take", None),
    ("POST", "/api/staff/sessions/{s}/reply", {"text": "hello"}),
    ("POST", "/api/staff/sessions/{s}/close", None),
    ("GET", "/api/staff/audit", None),
]


def assert_refused(srv: ServerProcess, session: str, token: str | None) -> None:
    for method, path, body in ENDPOINTS:
        status, headers, out = call(srv, method, path.format(s=session), body, token)
        assert status == 401 and error_code(out) == "unauthorized", (path, token)
        assert headers["WWW-Authenticate"].startswith("Bearer")


def test_no_token_forged_token_and_a_disabled_account_are_401(desk: ServerProcess) -> None:
    session = desk.post("/api/sessions", {})[1]["session_id"]
    assert_refused(desk, session, None)
    assert_refused(desk, session, "forged-token")
    status, _, out = call(desk, "GET", "/api/staff/handoffs", token="")
    assert status == 401
    status, _, out = call(
        desk, "POST", "/api/staff/login", {"username": "alice", "password": "wrong-password"}
    )
    assert status == 401 and error_code(out) == "invalid_credentials"
    status, _, out = call(
        desk, "POST", "/api/staff/login", {"username": "nobody", "password": "wrong-password"}
    )
    assert status == 401 and error_code(out) == "invalid_credentials"

    carol = login(desk, "carol")
    assert call(desk, "GET", "/api/staff/handoffs", token=carol)[0] == 200
    staff = StaffStore(desk.db)  # what `python -m bot staff disable carol` does
    staff.disable("carol")
    staff.close()
    assert_refused(desk, session, carol)  # her token stops working at once …
    status, _, out = call(
        desk, "POST", "/api/staff/login", {"username": "carol", "password": PASSWORDS["carol"]}
    )
    assert status == 401 and error_code(out) == "invalid_credentials"  # … and she cannot sign in again


def test_every_read_is_audited_and_only_a_supervisor_reads_the_log(desk: ServerProcess) -> None:
    session = waiting_citizen(desk)
    alice, sue = login(desk, "alice"), login(desk, "sue")
    assert call(desk, "GET", f"/api/staff/sessions/{session}", token=alice)[0] == 200
    assert call(desk, "GET", f"/api/staff/sessions/{session}", token=sue)[0] == 200
    assert (
        call(desk, "POST", f"/api/staff/sessions/{session}/reply", {"text": f"证件号{ID_NUMBER}？"}, alice)[0]
        == 200
    )
    status, _, out = call(desk, "GET", "/api/staff/audit", token=alice)
    assert status == 403 and error_code(out) == "forbidden"
    status, _, out = call(desk, "GET", f"/api/staff/audit?session_id={session}", token=sue)
    assert status == 200
    rows = out["entries"]
    assert [(r["who"], r["action"]) for r in reversed(rows)] == [
        ("alice", "read_session"),
        ("sue", "read_session"),
        ("alice", "reply"),
    ]
    assert all(set(r) == {"id", "who", "action", "session_id", "at", "detail"} for r in rows)
    assert ID_NUMBER not in json.dumps(out) and "证件号" not in json.dumps(out, ensure_ascii=False)
    everything = call(desk, "GET", "/api/staff/audit?limit=1000", token=sue)[2]["entries"]
    assert {"login", "read_session", "reply", "read_audit"} <= {r["action"] for r in everything}
    assert any(r["action"] == "login" and r["who"] == "sue" for r in everything)
    # a staff reply is stored masked like the rest of the transcript
    last = desk.get(f"/api/sessions/{session}/messages")[1]["messages"][-1]
    assert last["from"] == "staff" and ID_NUMBER not in last["text"]


def test_tokens_expire_and_the_eleventh_failure_is_429(tmp_path: Path) -> None:
    srv = start(tmp_path, ESF_STAFF__TOKEN_TTL_MINUTES="0.02")  # 1.2 s
    try:
        session = srv.post("/api/sessions", {})[1]["session_id"]
        token = login(srv, "alice")
        assert call(srv, "GET", "/api/staff/handoffs", token=token)[0] == 200
        time.sleep(1.5)
        assert_refused(srv, session, token)

        for _ in range(10):
            status, _, out = call(
                srv, "POST", "/api/staff/login", {"username": "alice", "password": "not-it-at-all"}
            )
            assert status == 401
        status, headers, out = call(
            srv, "POST", "/api/staff/login", {"username": "alice", "password": "nope-nope"}
        )
        assert status == 429 and error_code(out) == "too_many_failures"
        assert 0 < int(headers["Retry-After"]) <= 15 * 60
        status, _, out = call(
            srv, "POST", "/api/staff/login", {"username": "alice", "password": PASSWORDS["alice"]}
        )
        assert status == 429  # no oracle: the right password waits too
        status, _, out = call(
            srv, "POST", "/api/staff/login", {"username": "bob", "password": PASSWORDS["bob"]}
        )
        assert status == 429  # ten failures from this address: every name waits
    finally:
        srv.stop()


# ---------------------------------------------------------------------------- the CLI
def staff_cli(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESF_")}
    env["ESF_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "bot", "staff", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def test_cli_add_list_disable_passwd(tmp_path: Path) -> None:
    db = tmp_path / "new" / "esf.db"  # nothing there yet: the command creates and migrates it
    password = "Tr0ub4dor&3-horse"
    done = staff_cli(db, "add", "Dana", "--role", "supervisor", "--password-stdin", stdin=password + "\n")
    assert done.returncode == 0, done.stderr
    assert password not in done.stdout + done.stderr

    for args, stdin, fragment in [
        (("add", "erin", "--role", "agent", "--password-stdin"), "", "empty"),
        (("add", "erin", "--role", "agent", "--password-stdin"), "short\n", "too weak"),
        (("add", "erin", "--role", "boss", "--password-stdin"), password, "unknown role"),
        (("add", "dana", "--role", "agent", "--password-stdin"), password, "already exists"),
        (("disable", "nobody"), "", "no staff member"),
        (("passwd", "nobody", "--password-stdin"), password, "no staff member"),
    ]:
        done = staff_cli(db, *args, stdin=stdin)
        assert done.returncode == 2, args
        assert len(done.stderr.strip().splitlines()) == 1 and fragment in done.stderr, done.stderr
        assert password not in done.stdout + done.stderr

    listed = staff_cli(db, "list")
    assert listed.returncode == 0 and listed.stdout.split("\t")[:3] == ["dana", "supervisor", "active"]
    with sqlite3.connect(db) as conn:
        (first_hash,) = conn.execute("SELECT password_hash FROM staff WHERE username = 'dana'").fetchone()
    assert first_hash.startswith("$argon2id$") and password not in first_hash

    new_password = "correct-horse-battery"
    assert staff_cli(db, "passwd", "dana", "--password-stdin", stdin=new_password).returncode == 0
    assert staff_cli(db, "disable", "dana").returncode == 0
    assert staff_cli(db, "list").stdout.split("\t")[:3] == ["dana", "supervisor", "disabled"]
    with sqlite3.connect(db) as conn:
        (second_hash,) = conn.execute("SELECT password_hash FROM staff WHERE username = 'dana'").fetchone()
        actions = [r[0] for r in conn.execute("SELECT action FROM staff_audit ORDER BY id")]
    assert second_hash != first_hash and new_password not in second_hash
    assert actions == ["staff_add", "staff_passwd", "staff_disable"]
