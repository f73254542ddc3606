"""``python -m rules``: batch and single mode, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import rules

ROOT = Path(__file__).resolve().parents[2]
STEPS_IN = {"usage": "residential", "signing": "online", "filing_required": True, "overseas_party": False}


def run(*args: str, stdin: str | bytes = "") -> subprocess.CompletedProcess[bytes]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "rules", *args],
        input=data,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_spec_rule_names_are_registered() -> None:
    assert set(rules.RULE_NAMES) == {
        "validate_id",
        "validate_cert_number",
        "allowed_doc_types",
        "signing_options",
        "contract_steps",
        "title_check",
        "cancel_unfiled",
        "cancel_filed",
        "permission",
        "realname_level",
    }


def test_batch_bad_lines_get_an_error_each_and_the_batch_goes_on() -> None:
    good = json.dumps({"rule": "contract_steps", "input": STEPS_IN})
    lines = [
        good,
        '{"rule": "no_such_rule", "input": {}}',  # unknown rule
        json.dumps({"rule": "contract_steps", "input": {k: v for k, v in STEPS_IN.items() if k != "usage"}}),
        json.dumps({"rule": "contract_steps", "input": {**STEPS_IN, "colour": "red"}}),  # unknown field
        json.dumps({"rule": "contract_steps", "input": {**STEPS_IN, "filing_required": "yes"}}),  # wrong type
        json.dumps({"rule": "contract_steps", "input": {**STEPS_IN, "usage": "castle"}}),  # wrong enum
        "{this is not json",
        "",  # blank: skipped, no output line
        "   ",
        json.dumps(
            {"rule": "realname_level", "input": {"level": "4", "purpose": "title_check"}}
        ),  # "4" for an int
        json.dumps(
            {"rule": "realname_level", "input": {"level": True, "purpose": "title_check"}}
        ),  # true for an int
        json.dumps(
            {"rule": "contract_steps", "input": {**STEPS_IN, "overseas_party": True}}
        ),  # contradiction
        json.dumps({"input": STEPS_IN}),  # no rule
        json.dumps({"rule": "contract_steps"}),  # no input
        json.dumps({"rule": "contract_steps", "input": STEPS_IN, "extra": 1}),
        json.dumps({"rule": "contract_steps", "input": [1, 2]}),
        "[1, 2]",
        good,
    ]
    proc = run("batch", stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    codes = [o["error"]["code"] if "error" in o else "ok" for o in out]
    assert codes == [
        "ok",
        "unknown_rule",
        "missing_field",
        "unknown_field",
        "wrong_type",
        "bad_enum",
        "invalid_json",
        "wrong_type",
        "wrong_type",
        "invalid_input",
        "missing_field",
        "missing_field",
        "unknown_field",
        "wrong_type",
        "wrong_type",
        "ok",
    ]
    assert out[0] == out[-1] and out[0]["steps"][0]["code"] == "title_check"
    for o in out:
        if "error" in o:
            assert set(o) == {"error"} and set(o["error"]) == {"code", "message"} and o["error"]["message"]


def test_batch_error_messages_name_the_field() -> None:
    line = json.dumps({"rule": "contract_steps", "input": {**STEPS_IN, "usage": "castle"}})
    err = json.loads(run("batch", stdin=line).stdout)["error"]
    assert "usage" in err["message"] and "residential" in err["message"]


def test_batch_undecodable_bytes_do_not_crash_earlier_lines() -> None:
    good = json.dumps({"rule": "contract_steps", "input": STEPS_IN}).encode()
    proc = run("batch", stdin=good + b"\n\xff\xfe\n")
    first = proc.stdout.decode().splitlines()[0]
    assert json.loads(first)["steps"]
    assert b"Traceback" not in proc.stderr


def test_single_mode_prints_output() -> None:
    proc = run("validate_id", json.dumps({"doc_type": "hk_id", "number": "A123456(3)"}))
    assert proc.returncode == 0
    out = json.loads(proc.stdout)
    assert out["valid"] is True and out["normalized"] == "A1234563"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("no_such_rule", "{}"), "unknown_rule"),
        (("realname_level", "{level"), "invalid_json"),
        (("realname_level", '{"level": 4}'), "missing_field"),
    ],
)
def test_single_mode_errors(args: tuple[str, str], code: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["error"]["code"] == code


def test_list_and_usage() -> None:
    assert set(run("list").stdout.decode().split()) == set(rules.RULE_NAMES)
    proc = run()
    assert proc.returncode == 2 and b"usage" in proc.stderr
