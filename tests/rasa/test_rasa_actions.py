"""The Rasa action server, for real: ``python -m rasa_sdk --actions bot.rasa_actions`` as a child
process on 127.0.0.1, driven with Rasa's own webhook payloads (``POST /webhook``).

The domain sent is the ``domain.yml`` snippet of ``docs/rasa.md``, so the docs are checked too.
A form validation is called the way Rasa's ``FormAction`` calls it: the slot candidates
are the trailing ``slot`` events of the tracker (rasa-sdk's ``Tracker.slots_to_validate``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import rules

ROOT = Path(__file__).resolve().parents[2]
FORM = "id_number_form"


def domain_from_docs() -> dict[str, Any]:
    """The ``domain.yml`` snippet of docs/rasa.md (the block that starts with ``version:``)."""
    text = (ROOT / "docs" / "rasa.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    domain = next(yaml.safe_load(b) for b in blocks if b.startswith("version:"))
    assert isinstance(domain, dict)
    return domain


DOMAIN = domain_from_docs()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http(method: str, url: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The action server's base URL; the process (and its Sanic worker) is stopped afterwards."""
    if importlib.util.find_spec("rasa_sdk") is None:
        pytest.fail(
            "rasa-sdk is not installed: the Rasa action server needs the 'rasa' extra "
            "(.venv/bin/pip install -e '.[test,rasa]'; make test installs it)",
            pytrace=False,
        )
    port = free_port()
    log = tmp_path_factory.mktemp("rasa") / "action_server.log"
    env = {**os.environ, "SANIC_HOST": "127.0.0.1", "ACTION_SERVER_SANIC_WORKERS": "1"}
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "bot.rasa_actions", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the Sanic worker goes down with it
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 25
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"the action server exited ({proc.returncode}):\n{log.read_text()}", pytrace=False
                )
            try:
                if http("GET", f"{url}/health") == (200, {"status": "ok"}):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the action server did not answer /health:\n{log.read_text()}", pytrace=False)
            time.sleep(0.1)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def slots_of(domain: dict[str, Any], **values: Any) -> dict[str, Any]:
    """Every domain slot, unset unless given (Rasa sends them all), plus ``requested_slot``."""
    slots: dict[str, Any] = dict.fromkeys(domain["slots"])
    slots["requested_slot"] = None
    slots.update(values)
    return slots


def webhook_payload(
    next_action: str,
    *,
    slots: dict[str, Any],
    text: str,
    candidates: dict[str, Any] | None = None,
    active_loop: str | None = None,
) -> dict[str, Any]:
    """Rasa's request to the action endpoint (``RemoteAction._action_call_format``).

    ``candidates`` are the slots a form just extracted: Rasa appends them as ``slot``
    events at the end of the tracker and calls the form's validation action.
    """
    now = time.time()
    parse_data = {
        "text": text,
        "intent": {"name": "inform", "confidence": 1.0},
        "entities": [],
        "intent_ranking": [{"name": "inform", "confidence": 1.0}],
    }
    events: list[dict[str, Any]] = [
        {"event": "action", "timestamp": now - 3, "name": "action_session_start", "policy": None,
         "confidence": 1.0, "action_text": None, "hide_rule_turn": False},
        {"event": "session_started", "timestamp": now - 3},
        {"event": "action", "timestamp": now - 2, "name": "action_listen", "policy": None,
         "confidence": None, "action_text": None, "hide_rule_turn": False},
        {"event": "user", "timestamp": now - 1, "text": text, "parse_data": parse_data,
         "input_channel": "rest", "message_id": "m1", "metadata": {}},
    ]  # fmt: skip
    for name, value in (candidates or {}).items():
        events.append({"event": "slot", "timestamp": now, "name": name, "value": value})
    all_slots = {**slots, **(candidates or {})}
    if active_loop:
        all_slots["requested_slot"] = next(iter(candidates or {}), None)
    tracker = {
        "sender_id": "rasa-test",
        "slots": all_slots,
        "latest_message": {**parse_data, "message_id": "m1", "metadata": {}},
        "latest_event_time": now,
        "followup_action": None,
        "paused": False,
        "stack": [],
        "events": events,
        "latest_input_channel": "rest",
        "active_loop": {"name": active_loop} if active_loop else {},
        "latest_action": {"action_name": "action_listen"},
        "latest_action_name": "action_listen",
    }
    return {
        "next_action": next_action,
        "sender_id": "rasa-test",
        "tracker": tracker,
        "domain": DOMAIN,
        "version": "3.11.0",
    }


def slot_events(body: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in body["events"] if e["event"] == "slot"}


def texts(body: dict[str, Any]) -> list[str]:
    return [m["text"] for m in body["responses"] if m.get("text")]


def validate(url: str, text: str, candidates: dict[str, Any], **slots: Any) -> dict[str, Any]:
    payload = webhook_payload(
        f"validate_{FORM}",
        slots=slots_of(DOMAIN, **slots),
        text=text,
        candidates=candidates,
        active_loop=FORM,
    )
    status, body = http("POST", f"{url}/webhook", payload)
    assert status == 200, body
    assert isinstance(body, dict)
    return body


def test_docs_domain_lists_every_action_of_the_server(action_server: str) -> None:
    status, actions = http("GET", f"{action_server}/actions")
    assert status == 200
    served = {a["name"] for a in actions}
    assert served == set(DOMAIN["actions"])
    assert DOMAIN["forms"][FORM]["required_slots"] == ["doc_type", "id_number", "cert_type", "cert_number"]


def test_valid_hk_id_is_stored_normalized(action_server: str) -> None:
    body = validate(action_server, "A123456(3)", {"id_number": "A123456(3)"}, doc_type="hk_id")
    assert slot_events(body) == {"id_number": "A1234563"}
    assert texts(body) == []


def test_doc_type_and_number_validated_in_one_turn(action_server: str) -> None:
    body = validate(
        action_server, "香港身份证 A123456(3)", {"doc_type": "香港居民身份证", "id_number": "a123456 (3)"}
    )
    assert slot_events(body) == {"doc_type": "hk_id", "id_number": "A1234563"}


def test_invalid_resident_id_clears_the_slot_with_the_rules_message(action_server: str) -> None:
    body = validate(
        action_server, "110105194912310021", {"id_number": "110105194912310021"}, doc_type="resident_id"
    )
    assert slot_events(body) == {"id_number": None}
    [message] = texts(body)
    assert "第18位校验码应为X" in message


def test_invalid_resident_id_in_english(action_server: str) -> None:
    body = validate(
        action_server,
        "110105194912310021",
        {"id_number": "110105194912310021"},
        doc_type="resident_id",
        lang="en",
    )
    assert slot_events(body) == {"id_number": None}
    [message] = texts(body)
    assert "check digit (18th character) should be X" in message


def test_certificate_number_of_the_other_type_names_the_right_type(action_server: str) -> None:
    number = "粤（2020）深圳市不动产权第0123456号"
    body = validate(action_server, number, {"cert_number": number}, cert_type="realty_cert")
    assert slot_events(body) == {"cert_number": None}
    [message] = texts(body)
    assert "不动产权证书" in message and "证书类型" in message


def test_valid_certificate_number_is_normalized(action_server: str) -> None:
    body = validate(
        action_server,
        "粤(2020)深圳市不动产权第0123456号",
        {"cert_number": "粤 (2020) 深圳市不动产权第0123456号"},
        cert_type="property_cert",
    )
    assert slot_events(body) == {"cert_number": "粤（2020）深圳市不动产权第0123456号"}


def test_unknown_doc_type_is_refused(action_server: str) -> None:
    body = validate(action_server, "driving licence", {"doc_type": "driving_licence"})
    assert slot_events(body) == {"doc_type": None}
    assert "居民身份证" in texts(body)[0]


def party(role: str, origin: str = "mainland") -> dict[str, Any]:
    return {
        "role": role,
        "type": "individual",
        "origin": origin,
        "capacity": "full",
        "via_agent": False,
        "can_use_isz": True,
    }


def run_action(url: str, action: str, **slots: Any) -> tuple[int, Any]:
    payload = webhook_payload(action, slots=slots_of(DOMAIN, **slots), text="/check")
    return http("POST", f"{url}/webhook", payload)


def test_signing_options_with_an_overseas_party(action_server: str) -> None:
    status, body = run_action(
        action_server, "action_signing_options", parties=[party("buyer", "hk"), party("seller")]
    )
    assert status == 200, body
    events = slot_events(body)
    assert events["online_allowed"] is False
    assert [(r["code"], r["party_index"]) for r in events["signing_reasons"]] == [("overseas_party", 0)]
    assert texts(body) == [events["signing_reasons"][0]["message"]]


def test_rule_error_is_a_message_and_sets_no_slot(action_server: str) -> None:
    status, body = run_action(action_server, "action_signing_options", parties=[party("buyer")])  # no seller
    assert status == 200, body
    assert body["events"] == []
    [message] = texts(body)
    assert message.startswith("抱歉，暂时无法判断：") and "Traceback" not in message


def test_cancel_unfiled_signed_contract(action_server: str) -> None:
    status, body = run_action(
        action_server,
        "action_cancel_unfiled",
        signed=True,
        qualification_code_applied=False,
        signing="online",
        downloaded=False,
    )
    assert status == 200, body
    events = slot_events(body)
    assert events["cancel_allowed"] is True and events["cancel_needs_confirmation"] is True
    assert "手册7" in texts(body)[0]


def test_cancel_filed_after_transfer_registration(action_server: str) -> None:
    status, body = run_action(
        action_server, "action_cancel_filed",
        transfer_registration_accepted=True, both_agree=True, legal_document=False, change="none", lang="en",
    )  # fmt: skip
    assert status == 200, body
    events = slot_events(body)
    assert events["cancel_allowed"] is False and events["cancel_options"] == []
    inputs = {
        "transfer_registration_accepted": True,
        "both_agree": True,
        "legal_document": False,
        "change": "none",
    }
    assert texts(body) == [rules.evaluate("cancel_filed", inputs)["message_en"]]


def test_title_check_blockers_come_with_next_steps(action_server: str) -> None:
    facts = {
        "login_identity": "owner", "is_institution": False, "account_level": 3.0, "realname": "online",
        "login_method": "yss_scan", "sms_verified": False, "chose_institution_card": False,
        "agent_linked": False, "blacklisted": False, "platform_name": "张三", "cert_name": "张三",
        "platform_doc_type": "resident_id", "platform_id_number": "11010519491231002X",
        "cert_id_number": "11010519491231002X", "property_status": "valid",
        "multi_unit_mixed_usage": False, "usage_standardized": True,
    }  # fmt: skip
    status, body = run_action(action_server, "action_title_check", **facts)
    assert status == 200, body
    assert slot_events(body) == {"title_check_result": "blocked"}
    assert any("下一步" in t for t in texts(body))


def test_unknown_action_is_an_error_response(action_server: str) -> None:
    status, body = run_action(action_server, "action_does_not_exist")
    assert status == 404
    assert body["action_name"] == "action_does_not_exist" and "error" in body
