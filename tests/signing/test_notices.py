"""The platform's notices reach the linked conversations as ``platform`` messages (real server, real webhook)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.notices import link_account
from signing.demo import BY_KEY, PROPERTIES
from storage import Store
from tests.conftest import ServerProcess
from tests.signing.mockclient import ADMIN, PDF, TERMS, Client

SECRET = "test-webhook-secret"
SELLER, BUYER = BY_KEY["seller"], BY_KEY["buyer"]


def _login(client: Client, account: Any) -> str:
    return client.login({"account_id": account.account_id, "login_secret": account.secret})


def _ok(result: tuple[int, Any]) -> Any:
    status, out = result
    assert status in (200, 201), out
    return out


def _platform_messages(server: ServerProcess, session_id: str) -> list[str]:
    status, out = server.get(f"/api/sessions/{session_id}/messages")
    assert status == 200, out
    return [m["text"] for m in out["messages"] if m["from"] == "platform"]


def _wait_for(server: ServerProcess, session_id: str, needles: list[str]) -> list[str]:
    deadline = time.monotonic() + 15
    while True:
        texts = _platform_messages(server, session_id)
        if all(any(n in t for t in texts) for n in needles) or time.monotonic() > deadline:
            return texts
        time.sleep(0.2)


def _sms_code(client: Client, account_id: str) -> str:
    inbox = _ok(client.admin("GET", f"/sms?account_id={account_id}"))
    return str(inbox["messages"][-1]["code"])


def _sign(client: Client, cid: str, account: Any, token: str) -> None:
    path = f"/mock/isz/contracts/{cid}/sign"
    _ok(client.call("POST", path, {"step": "preview"}, token=token))
    _ok(client.call("POST", path, {"step": "realname", "method": "数字认证"}, token=token))
    _ok(client.call("POST", path, {"step": "signature"}, token=token))
    code = _sms_code(client, account.account_id)
    _ok(client.call("POST", path, {"step": "sms", "sms_code": code}, token=token))
    _ok(client.call("POST", path, {"step": "confirm"}, token=token))


@pytest.mark.server_env(ESF_MOCK_ADMIN_TOKEN=ADMIN, ESF_MOCK__WEBHOOK_SECRET=SECRET, ESF_RATE_PER_SESSION="0")
def test_status_changes_and_sms_reach_the_linked_sessions(server: ServerProcess) -> None:
    client = Client(server.url)
    seller_session = _ok(server.post("/api/sessions", {"lang": "zh"}))["session_id"]
    buyer_session = _ok(server.post("/api/sessions", {"lang": "en"}))["session_id"]
    other_session = _ok(server.post("/api/sessions", {"lang": "zh"}))["session_id"]
    store = Store(server.db)
    link_account(store, seller_session, SELLER.account_id)
    link_account(store, buyer_session, BUYER.account_id)
    link_account(store, buyer_session, BUYER.account_id)  # again: no change
    store.close()

    # The webhook refuses a caller without the shared secret.
    assert server.post("/api/platform/events", {"type": "sms", "account_id": "x", "text": "t"})[0] == 401

    s_tok, b_tok = _login(client, SELLER), _login(client, BUYER)
    flat = PROPERTIES[0]
    check = _ok(client.call("POST", "/mock/api/title-checks",
                            {"cert_type": "property_cert", "cert_number": flat.cert_number, "region": "shenzhen",
                             "login_identity": "owner"}, token=s_tok))  # fmt: skip
    buyer_party = {
        "account_id": BUYER.account_id, "type": "individual", "origin": "mainland", "capacity": "full",
        "name": BUYER.body.name, "doc_type": "resident_id", "id_number": BUYER.body.id_number,
        "via_agent": False, "can_use_isz": None,
    }  # fmt: skip
    body = {"property_id": check["property_id"], "signing": "online", "buyers": [buyer_party],
            "sellers": [{"owner_index": 0, "transfer_share": "1/1", "agent": None}], "terms": TERMS}  # fmt: skip
    cid = _ok(client.call("POST", "/mock/api/contracts", body, token=s_tok))["contract_id"]
    _ok(client.act(cid, "generate", s_tok))
    _ok(client.act(cid, "qualification", b_tok))
    _ok(client.admin("POST", f"/contracts/{cid}/qualification", {"approve": True}))
    _ok(client.upload(cid, "commitment", s_tok, PDF))
    _ok(client.act(cid, "send-for-signing", s_tok))
    _sign(client, cid, BUYER, b_tok)
    _sign(client, cid, SELLER, s_tok)
    _ok(client.act(cid, "filing", s_tok))
    assert _ok(client.admin("POST", f"/contracts/{cid}/filing", {"approve": True}))["status"] == "filed"

    seller_texts = _wait_for(server, seller_session, ["资格审查已通过", "对方已签署", "备案已通过"])
    for needle in ("资格审查已通过", "对方已签署", "买卖双方均已签署", "备案已通过"):
        assert any(needle in t and cid in t for t in seller_texts), (needle, seller_texts)
    buyer_texts = _wait_for(server, buyer_session, ["has been filed"])
    for needle in ("qualification check has passed", "both sides have signed", "has been filed"):
        assert any(needle in t for t in buyer_texts), (needle, buyer_texts)
    assert not any("the other party has signed" in t for t in buyer_texts)  # the buyer signed first
    # Status notices arrive once each, in order.
    filed = [t for t in seller_texts if t.endswith("备案已通过")]
    assert len(filed) == 1 and seller_texts.index(filed[0]) > seller_texts.index(
        next(t for t in seller_texts if "资格审查已通过" in t)
    )

    # The SMS code of a password login arrives in the buyer's conversation.
    _ok(client.call("POST", "/mock/api/sms/send", {"account_id": BUYER.account_id}))
    code = _sms_code(client, BUYER.account_id)
    texts = _wait_for(server, buyer_session, [f"登录验证码为{code}"])
    assert any(t.startswith("[SMS]") and code in t for t in texts), texts
    login = {"account_id": BUYER.account_id, "method": "password", "secret": BUYER.password, "sms_code": code}
    assert _ok(client.call("POST", "/mock/api/login", login))["account_id"] == BUYER.account_id

    assert _platform_messages(server, other_session) == []
    assert "demo-password-2" not in server.log_text() and code not in server.log_text()


@pytest.mark.server_env(ESF_MOCK__WEBHOOK_SECRET=SECRET)
def test_a_batch_of_notices_is_delivered_in_order_and_a_bad_one_refuses_the_batch(
    server: ServerProcess,
) -> None:
    import json
    import urllib.request

    session = _ok(server.post("/api/sessions", {"lang": "zh"}))["session_id"]
    store = Store(server.db)
    link_account(store, session, SELLER.account_id)
    store.close()

    def post(body: Any) -> int:
        request = urllib.request.Request(
            server.url + "/api/platform/events",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-Platform-Secret": SECRET},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    sms = [{"type": "sms", "account_id": SELLER.account_id, "text": f"验证码 {n}"} for n in (1, 2, 3)]
    assert post({"notices": [*sms[:2], {"type": "nonsense"}]}) == 400
    assert (
        post({"notices": [*sms[:2], {"type": "sms", "account_id": "", "text": "x"}]}) == 422
    )  # an empty account id: a field value out of bounds
    assert _platform_messages(server, session) == []  # nothing of a refused batch is written
    assert post({"notices": sms}) == 200
    texts = _platform_messages(server, session)
    assert len(texts) == 3 and all(t.endswith(m["text"]) for t, m in zip(texts, sms, strict=True)), texts
    assert post({"notices": []}) == 400
