"""``python -m signing`` killed with SIGKILL mid-transaction keeps contracts, signatures and events."""

from __future__ import annotations

from typing import Any

from tests.signing.mockclient import PDF, TERMS, MockProcess, owner_of, party_of, resident_id


def _ok(result: tuple[int, Any]) -> Any:
    status, out = result
    assert status == 200, out
    return out


def _sign(mock: MockProcess, cid: str, account: dict[str, Any], token: str) -> None:
    path = f"/mock/isz/contracts/{cid}/sign"
    _ok(mock.call("POST", path, {"step": "preview"}, token=token))
    _ok(mock.call("POST", path, {"step": "realname", "method": "数字认证"}, token=token))
    _ok(mock.call("POST", path, {"step": "signature"}, token=token))
    code = mock.admin("GET", f"/sms?account_id={account['account_id']}")[1]["messages"][-1]["code"]
    _ok(mock.call("POST", path, {"step": "sms", "sms_code": code}, token=token))
    _ok(mock.call("POST", path, {"step": "confirm"}, token=token))


def test_sigkill_mid_transaction_keeps_contract_signatures_and_events(mock_process: MockProcess) -> None:
    mock = mock_process
    seller = mock.seed_account()
    buyer = mock.seed_account(name="李四", id_number=resident_id("19900215", "456"), mobile="13900139000")
    s_tok, b_tok = mock.login(seller), mock.login(buyer)
    prop = mock.seed_property([owner_of(seller)])
    query = {"cert_type": "property_cert", "cert_number": prop["cert_number"], "region": "shenzhen",
             "login_identity": "owner"}  # fmt: skip
    assert _ok(mock.call("POST", "/mock/api/title-checks", query, token=s_tok))["result"] == "pass"
    body = {"property_id": prop["property_id"], "signing": "online", "buyers": [party_of(buyer)],
            "sellers": [{"owner_index": 0, "transfer_share": "1/1", "agent": None}], "terms": TERMS}  # fmt: skip
    status, created = mock.call("POST", "/mock/api/contracts", body, token=s_tok)
    assert status == 201
    cid = created["contract_id"]
    _ok(mock.act(cid, "generate", s_tok))
    _ok(mock.act(cid, "qualification", b_tok))
    _ok(mock.admin("POST", f"/contracts/{cid}/qualification", {"approve": True}))
    _ok(mock.upload(cid, "commitment", s_tok, PDF))
    _ok(mock.act(cid, "send-for-signing", s_tok))
    _sign(mock, cid, buyer, b_tok)
    before = mock.contract(cid, s_tok)
    events_before = mock.call("GET", f"/mock/api/contracts/{cid}/events", token=s_tok)[1]["events"]

    mock.kill()
    mock.start()

    after = mock.contract(cid, s_tok)  # the tokens survive too
    assert after["status"] == "awaiting_signatures"
    assert after["signatures"] == {buyer["account_id"]: "signed", seller["account_id"]: "pending"}
    assert after == before
    assert mock.call("GET", f"/mock/api/contracts/{cid}/events", token=s_tok)[1]["events"] == events_before
    _sign(mock, cid, seller, s_tok)
    assert mock.contract(cid, b_tok)["status"] == "signed"
