"""Personal numbers typed by a citizen (and echoed by staff) stay out of everything staff see, the
audit log and the server's log: only the session's own state (the engine's slots) keeps them whole."""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from conftest import ServerProcess, free_port

from rules.ids import gb11643_check_digit, gb32100_check_char
from storage.staff import StaffStore, hash_password

PASSWORD = "pii-Secret-4242"
RESIDENT = "44030519850707123" + gb11643_check_digit("44030519850707123")
RESIDENT_2 = "11010519491231002X"
HKID = "A123456(3)"
USCC = "91440300MA5F1234X" + gb32100_check_char("91440300MA5F1234X")
MOBILE = "13800138000"
MOBILE_SPACED = "139 0013 9000"
CERT_DIGITS = "0234567"
CERT = f"粤（2023）深圳市不动产权第{CERT_DIGITS}号"
# each as it could appear anywhere (digits only, and as typed)
SECRETS = [RESIDENT, RESIDENT_2, "A1234563", HKID, USCC, MOBILE, "13900139000", MOBILE_SPACED, CERT_DIGITS]


def call(srv: ServerProcess, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(srv.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"{method} {path}: {exc.code} {exc.read()!r}") from None


def leaks(text: str) -> list[str]:
    compact = re.sub(r"[\s()（）-]", "", text)
    return [s for s in SECRETS if s in text or re.sub(r"[\s()（）-]", "", s) in compact]


def test_personal_numbers_reach_no_staff_view_no_audit_row_and_no_log_line(tmp_path: Path) -> None:
    db = tmp_path / "esf.db"
    staff = StaffStore(db)
    staff.add("ann", "agent", hash_password(PASSWORD))
    staff.add("sup", "supervisor", hash_password(PASSWORD))
    staff.close()
    srv = ServerProcess(db=db, port=free_port())
    srv.start()
    try:
        session = call(srv, "POST", "/api/sessions", {})["session_id"]
        texts: list[str | None] = [
            None,
            f"我的身份证号是{RESIDENT}，手机{MOBILE}",  # free text, no flow
            f"香港身份证 {HKID}，公司统一社会信用代码 {USCC}",
            "我要做房屋产权校验",  # the title check: a certificate number into a slot
            "深圳",
            "不动产权证书",
            CERT,
            f"我爱人的身份证{RESIDENT_2}，电话 +86 {MOBILE_SPACED}",  # typed mid-flow
            "转人工",
        ]
        for text in texts:
            call(srv, "POST", "/api/chat", {"session_id": session, "text": text})
        ann = call(srv, "POST", "/api/staff/login", {"username": "ann", "password": PASSWORD})["token"]
        sup = call(srv, "POST", "/api/staff/login", {"username": "sup", "password": PASSWORD})["token"]

        seen = [call(srv, "GET", "/api/staff/handoffs", token=ann)]
        seen.append(call(srv, "GET", f"/api/staff/sessions/{session}", token=ann))
        reply = f"收到：身份证 {RESIDENT}、电话 {MOBILE}、证书 {CERT}，请核对。"
        call(srv, "POST", f"/api/staff/sessions/{session}/reply", {"text": reply}, ann)
        seen.append(call(srv, "GET", f"/api/staff/sessions/{session}", token=sup))
        seen.append(call(srv, "GET", "/api/staff/audit?limit=1000", token=sup))
        call(srv, "POST", f"/api/staff/sessions/{session}/close", token=ann)
        seen.append(call(srv, "GET", f"/api/sessions/{session}/messages"))  # the citizen's page

        view = seen[1]
        assert any("110***********002X" in m["text"] for m in view["transcript"])  # masked, not dropped
        assert len(view["transcript"]) >= len(texts)
        for out in seen:
            raw = json.dumps(out, ensure_ascii=False)
            assert not leaks(raw), (leaks(raw), raw[:300])
    finally:
        srv.stop()

    log = srv.log_text()
    assert "POST /api/chat" in log and "reply" in log  # the log was written …
    for line in log.splitlines():
        assert not leaks(line), line  # … without a single number in it

    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        slots = json.loads(conn.execute("SELECT state FROM sessions WHERE id = ?", (session,)).fetchone()[0])
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            for column in columns:
                if (table, column) == ("sessions", "state"):
                    continue  # the engine's own state: the one place the full values may be
                for (value,) in conn.execute(f"SELECT {column} FROM {table}"):
                    if isinstance(value, str):
                        assert not leaks(value), (table, column, value[:200])
    assert slots["slots"]["cert_number"] == CERT  # the citizen's own state keeps what they typed
