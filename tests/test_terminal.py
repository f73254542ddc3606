"""The interim terminal chat answers through the rules (``make run`` until the web server)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.terminal import answer

ROOT = Path(__file__).resolve().parents[1]


def test_valid_and_invalid_id_numbers() -> None:
    assert "✔" in answer("A123456(3)") and "A1234563" in answer("A123456(3)")
    bad = answer("A123456(4)")
    assert "✘" in bad and "3" in bad  # the rule's specific message names the right check digit


def test_certificate_number() -> None:
    assert "✔" in answer("粤(2020)深圳市不动产权第0123456号")
    assert "✘" in answer("深房地字第12a号")


def test_steps_and_rule_call() -> None:
    out = answer("流程 住宅 线下 境外")
    assert "5.4.5.1" in out and "公证" in out
    assert "online_allowed" not in answer("规则")
    assert '"ok": false' in answer('规则 realname_level {"level": 3, "purpose": "title_check"}')
    assert "✘" in answer("规则 realname_level {oops")
    assert "steps" not in answer("steps residential online", "en").lower().split("\n")[1]


def test_unknown_input_points_to_12345() -> None:
    assert "12345" in answer("今天天气怎么样")


def test_whole_session_over_stdin() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESF_")}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="A123456(3)\n流程 非住宅 线上\n退出\n".encode(),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=True,
    )
    out = proc.stdout.decode()
    assert "A1234563" in out and "5.3.5.1" in out and "再见" in out
    assert proc.stderr == b""
