"""``python -m bot chat``: the assistant in a terminal, buttons as numbered choices."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_chat(lines: list[str], tmp_path: Path, *extra: str) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESF_")}
    env["ESF_DB"] = str(tmp_path / "term.db")
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "chat", *extra], input="\n".join(lines).encode() + b"\n",
        capture_output=True, cwd=ROOT, env=env, timeout=120, check=True,
    )  # fmt: skip
    return proc.stdout.decode(), proc.stderr.decode()


def test_numbered_buttons_and_typed_answers(tmp_path: Path) -> None:
    out, err = run_chat(["2", "1", "不动产权证书", "深房地字第3000123456号", "退出"], tmp_path)
    assert "[1] 我该从哪开始" in out and "[2] 房屋产权校验" in out  # the greeting's buttons, numbered
    assert "房产在哪个区域" in out  # "2" pressed the title-check button
    assert "产权证书是哪一种" in out  # "1" chose 深圳市
    assert "这是房地产权证书的编号格式" in out  # the rule's specific message
    assert "(title_check: 3/11)" in out
    assert "Traceback" not in out + err
    session = re.search(r"\(session (\S+)\)", err)
    assert session, err

    # the same conversation continues in a new process, at the same step ("--session=ID": an id
    # may begin with "-", which argparse would take for an option)
    again, _ = run_chat(
        ["粤（2020）深圳市不动产权第0123456号", "退出"], tmp_path, f"--session={session.group(1)}"
    )
    assert "权利人是个人" in again


def test_english(tmp_path: Path) -> None:
    out, _ = run_chat(["I want to do the title check", "Shenzhen", "quit"], tmp_path, "--lang", "en")
    assert "Where is the property" in out and "Which kind of title certificate" in out
