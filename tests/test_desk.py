"""``python -m bot desk``: the hotline desk in a terminal, a client of a real server on 127.0.0.1.

The staff account is made with ``python -m bot staff add … --password-stdin``
in the server's own SQLite file; the citizen talks through /api/chat; the desk
runs as a subprocess with its commands on a pipe and its password in
``ESF_DESK_PASSWORD`` (or ``--password-file``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, ServerProcess, free_port

PASSWORD = "Desk-Secret-4711"
CERT = "粤（2020）深圳市不动产权第0123456号"


def env(**extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("ESF_")}
    out.update(COLUMNS="240", **extra)  # wide tables: no cell wrapped in the middle of a word
    return out


def add_staff(srv: ServerProcess, name: str = "dora") -> None:
    subprocess.run(
        [sys.executable, "-m", "bot", "staff", "add", name, "--role", "agent", "--password-stdin"],
        input=PASSWORD + "\n", text=True, cwd=ROOT, env=env(ESF_DB=str(srv.db)),
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip


def desk(
    url: str, lines: list[str], *extra: str, password: str | None = PASSWORD
) -> subprocess.CompletedProcess[str]:
    more = {} if password is None else {"ESF_DESK_PASSWORD": password}
    return subprocess.run(
        [sys.executable, "-m", "bot", "desk", "--url", url, "--user", "dora", *extra],
        input="\n".join(lines) + "\n", text=True, cwd=ROOT, env=env(**more),
        capture_output=True, timeout=120,
    )  # fmt: skip


def waiting_citizen(srv: ServerProcess) -> str:
    session = str(srv.post("/api/sessions", {"lang": "zh"})[1]["session_id"])
    for text in (None, "我要做房屋产权校验", "深圳", "不动产权证书", CERT, "转人工"):
        status, turn = srv.post("/api/chat", {"session_id": session, "text": text})
        assert status == 200, turn
    assert turn["handoff"] is True and turn["state"]["step"] == "is_institution"
    return session


def test_queue_take_reply_close_faq_and_situation(server: ServerProcess) -> None:
    add_staff(server)
    session = waiting_citizen(server)
    done = desk(
        server.url,
        [
            "help",
            "queue",
            "open 1",
            "take",
            "reply 您好，我是12345",
            "copy",
            "close",
            "faq 公司的房子能线上签吗",
            "situation seller=enterprise buyer=individual:hk usage=residential",
            "copy",
            "quit",
        ],
    )
    out, err = done.stdout, done.stderr
    assert done.returncode == 0, err
    assert "Traceback" not in out + err
    assert "situation" in out and "copy" in out and "queue" in out  # help lists the commands
    assert "等待人工 / waiting (1)" in out
    row = next(line for line in out.splitlines() if line.startswith("│ 1 "))  # the queue row
    assert "title_check" in row and "is_institution" in row and "房屋产权校验" in row
    assert "0123456" not in out  # the certificate number masked in the transcript and state
    assert "01***56" in out
    assert "已接手" in out and "已发送" in out and "handed back to the assistant" in out

    messages = server.get(f"/api/sessions/{session}/messages")[1]["messages"]
    staff = [m for m in messages if m["from"] == "staff"]
    assert [m["text"] for m in staff] == ["您好，我是12345"]
    assert messages[-1]["from"] == "assistant"  # closed: the assistant asks its step again
    assert server.get("/api/staff/handoffs")[0] == 401  # (the queue needs a token)

    # the FAQ: the answer and its manual sections
    assert "公司（法人）的房子能线上签署吗" in out and "只能选择线下签署" in out
    assert "manual sections: 5.3.1" in out
    # the situation: offline, the reasons, the steps with notarisation, the document types
    assert "只能线下签署 / offline signing only" in out
    assert "organization_party" in out and "overseas_party" in out
    assert "foreign_notarization" in out and "涉外合同公证" in out and "5.4.5.1" in out
    assert "港澳居民来往内地通行证 (hk_macau_permit)" in out and "uscc" in out
    # copy before any answer refuses; after the situation it is plain text, one fact a line
    assert "还没有可复制的答案" in out
    copied = out.split("plain text to paste or send as SMS ——\n")[-1].split("\n——")[0]
    assert copied.startswith("【签署方式】只能线下签署。")
    assert "涉外合同公证" in copied and "│" not in copied and "【证件】" in copied


def test_rules_errors_and_a_token_that_expires(tmp_path: Path) -> None:
    srv = ServerProcess(
        db=tmp_path / "esf.db", port=free_port(), env={"ESF_STAFF__TOKEN_TTL_MINUTES": "0.02"}
    )
    srv.start()
    try:
        add_staff(srv)
        session = waiting_citizen(srv)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "desk", "--url", srv.url, "--user", "dora"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=ROOT, env=env(ESF_DESK_PASSWORD=PASSWORD),
        )  # fmt: skip
        assert proc.stdin is not None
        proc.stdin.write("rule signing_options buyer=individual seller=individual:foreign:agent\n")
        proc.stdin.write("rule validate_id doc_type=resident_id number=110105194912310021\n")
        proc.stdin.write("rule nope\nfrobnicate\ntake\n")
        proc.stdin.flush()
        time.sleep(2)  # the token (1.2 s) expires: the desk says so and signs in again
        out, err = proc.communicate(f"open {session}\ntake\nquit\n", timeout=120)
    finally:
        srv.stop()
    assert proc.returncode == 0, err
    assert "Traceback" not in out + err
    assert "online_allowed: ✘ false" in out
    assert "agent_without_esign" in out and "overseas_party" in out and "5.3.1" in out
    assert "valid: ✘ false" in out and "校验码" in out
    assert "没有这个规则" in out and "不认识的命令" in out
    assert "先用 open N 打开一个会话" in out  # take with nothing open
    assert "登录已过期" in out and "已重新登录" in out and "已接手" in out


@pytest.mark.parametrize("how", ["env", "file"])
def test_wrong_password_is_one_line_and_exit_1(server: ServerProcess, tmp_path: Path, how: str) -> None:
    add_staff(server)
    if how == "file":
        secret = tmp_path / "pw"
        secret.write_text("not-the-password\n", encoding="utf-8")
        done = desk(server.url, ["queue"], "--password-file", str(secret), password=None)
    else:
        done = desk(server.url, ["queue"], password="not-the-password")
    assert done.returncode == 1
    assert "用户名或密码错误 / wrong username or password" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr and "not-the-password" not in done.stderr


def test_server_down_is_a_clear_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    done = desk(url, ["queue", "quit"])
    assert done.returncode == 1
    assert "无法连接服务器" in done.stderr and "cannot reach the server" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_no_password_anywhere_is_a_usage_error(tmp_path: Path) -> None:
    done = desk("http://127.0.0.1:9", ["quit"], password=None)
    assert done.returncode == 2 and "ESF_DESK_PASSWORD" in done.stderr
