"""The platform mock's HTTP API (platform-api.md) against the real app on 127.0.0.1."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from rules.ids import gb32100_check_char
from rules.lifecycle import EDGES
from tests.signing.mockclient import PDF, TERMS, Client, ThreadServer, owner_of, party_of, resident_id

BUYER_ID = resident_id("19900215", "456")


def _sms_code(client: Client, account_id: str) -> str:
    status, inbox = client.admin("GET", f"/sms?account_id={account_id}")
    assert status == 200
    code = inbox["messages"][-1]["code"]
    assert code
    return str(code)


def _people(client: Client) -> tuple[dict[str, Any], dict[str, Any], str, str]:
    seller = client.seed_account()
    buyer = client.seed_account(name="李四", id_number=BUYER_ID, mobile="13900139000")
    return seller, buyer, client.login(seller), client.login(buyer)


def _ok(result: tuple[int, Any], status: str | None = None) -> Any:
    code, out = result
    assert code == 200, out
    if status is not None:
        assert out["status"] == status, out
    return out


def _isz_sign(client: Client, cid: str, account: dict[str, Any], token: str) -> None:
    path = f"/mock/isz/contracts/{cid}/sign"
    _ok(client.call("POST", path, {"step": "preview"}, token=token))
    _ok(client.call("POST", path, {"step": "realname", "method": "腾讯云"}, token=token))
    _ok(client.call("POST", path, {"step": "signature"}, token=token))
    code = _sms_code(client, account["account_id"])
    _ok(client.call("POST", path, {"step": "sms", "sms_code": code}, token=token))
    _ok(client.call("POST", path, {"step": "confirm"}, token=token))


def _events(client: Client, cid: str, token: str) -> list[dict[str, Any]]:
    status, out = client.call("GET", f"/mock/api/contracts/{cid}/events", token=token)
    assert status == 200
    return list(out["events"])


def test_online_residential_sale_to_filed_then_cancel_filing_edit_and_refile(mock: ThreadServer) -> None:
    seen: list[dict[str, Any]] = []

    async def hook(event: dict[str, Any]) -> None:
        seen.append(event)

    assert mock.platform is not None
    mock.platform.on_event.append(hook)
    seller, buyer, s_tok, b_tok = _people(mock)
    status, created = mock.create_contract(seller, party_of(buyer), s_tok)
    assert status == 201, created
    assert created["status"] == "draft"
    assert created["steps"] == [
        "title_check", "fill_terms", "generate_text", "buyer_qualification", "commitment_letter", "esign", "filing"
    ]  # fmt: skip
    cid = created["contract_id"]
    view = mock.contract(cid, s_tok)
    assert view["next"][0] == "generate"
    assert BUYER_ID not in str(view["parties"]) and "*" in view["parties"][0]["id_number"]

    _ok(mock.act(cid, "generate", s_tok), "text_generated")
    _ok(mock.act(cid, "qualification", b_tok), "qualification_pending")
    _ok(mock.admin("POST", f"/contracts/{cid}/qualification", {"approve": True}), "qualification_approved")
    assert (
        "资格审查已通过"
        in mock.admin("GET", f"/sms?account_id={buyer['account_id']}")[1]["messages"][-1]["text"]
    )
    _ok(mock.upload(cid, "commitment", s_tok), "commitment_uploaded")
    _ok(mock.act(cid, "send-for-signing", s_tok), "awaiting_signatures")
    assert "sign" in mock.contract(cid, b_tok)["next"]
    _isz_sign(mock, cid, buyer, b_tok)
    assert mock.contract(cid, s_tok)["signatures"] == {
        buyer["account_id"]: "signed",
        seller["account_id"]: "pending",
    }
    _isz_sign(mock, cid, seller, s_tok)
    assert mock.contract(cid, s_tok)["status"] == "signed"

    _ok(mock.upload_parts(cid, "filing-materials", s_tok, {"id_docs": PDF, "tax": PDF}))
    _ok(mock.act(cid, "filing", s_tok), "filing_submitted")
    filed = _ok(mock.admin("POST", f"/contracts/{cid}/filing", {"approve": True}), "filed")
    assert filed["filing_stamp"]

    # Manual 8: cancel the filing (other terms change), both upload, submit, the back office approves.
    applied = _ok(mock.act(cid, "cancellations", b_tok, {"kind": "cancel_filing", "change": "other_terms"}))
    assert applied["status"] == "filed"
    assert applied["cancellation"] == {
        "kind": "cancel_filing",
        "applicant": "buyer",
        "status": "awaiting_materials",
    }
    assert mock.upload_parts(cid, "cancellations/materials", s_tok, {"authorization": PDF})[0] == 422
    first = {"authorization": PDF, "application": PDF, "commitment": PDF, "agreement": PDF}
    _ok(mock.upload_parts(cid, "cancellations/materials", s_tok, first))
    assert mock.act(cid, "cancellations/submit", s_tok)[0] == 409
    _ok(mock.upload_parts(cid, "cancellations/materials", b_tok, {"authorization": PDF}))
    submitted = _ok(mock.act(cid, "cancellations/submit", b_tok))
    assert submitted["cancellation"]["status"] == "under_review"
    _ok(mock.admin("POST", f"/contracts/{cid}/cancellation", {"approve": True}), "filing_cancelled")

    patched = _ok(
        mock.call("PATCH", f"/mock/api/contracts/{cid}", {"terms": {"price_yuan": 2_900_000}}, token=s_tok)
    )
    assert patched["terms"]["price_yuan"] == 2_900_000 and patched["terms"]["payment"] == "loan"
    _ok(mock.act(cid, "filing", s_tok), "filing_submitted")
    _ok(mock.admin("POST", f"/contracts/{cid}/filing", {"approve": True}), "filed")

    # A filed contract's terms are nobody's to edit (rules.permission): 403, not 409.
    patch = {"terms": {"price_yuan": 1}}
    for token in (s_tok, b_tok):
        assert mock.call("PATCH", f"/mock/api/contracts/{cid}", patch, token=token)[0] == 403
    # Once the registration department accepts the transfer, no online cancellation (manual 8.1).
    _ok(mock.admin("POST", f"/contracts/{cid}/transfer-accepted", {}), "filed")
    status, out = mock.act(cid, "cancellations", s_tok, {"kind": "cancel_netsign"})
    assert status == 409 and "不动产登记中心" in out["error"]["message"]
    assert "cancellations" not in mock.contract(cid, s_tok)["next"]

    events = _events(mock, cid, b_tok)
    changes = [(e["from"], e["to"]) for e in events if e["from"] != e["to"]]
    assert [to for _, to in changes] == [
        "draft", "text_generated", "qualification_pending", "qualification_approved", "commitment_uploaded",
        "awaiting_signatures", "signed", "filing_submitted", "filed", "filing_cancelled", "filing_submitted", "filed",
    ]  # fmt: skip
    assert all(e["who"] and e["at"] for e in events)
    assert [e["event"] for e in seen] == [e["event"] for e in events]
    assert set(seen[0]["parties"]) == {seller["account_id"], buyer["account_id"]}
    _, listed = mock.call("GET", "/mock/api/contracts", token=b_tok)
    assert [c["contract_id"] for c in listed["contracts"]] == [cid]


def test_every_recorded_status_change_is_a_lifecycle_edge(mock: ThreadServer) -> None:
    """Across the scenarios of this module's first test and some cancellations, read back from the store."""
    seller, buyer, s_tok, b_tok = _people(mock)
    # An online contract cancelled directly (manual 7 case 3), one cancelled with confirmation (case 1).
    _, c1 = mock.create_contract(seller, party_of(buyer), s_tok)
    _ok(mock.act(c1["contract_id"], "generate", s_tok))
    _ok(mock.act(c1["contract_id"], "cancellations", b_tok, {"kind": "cancel_netsign"}), "cancelled")
    _, c2 = mock.create_contract(seller, party_of(buyer), s_tok, "offline")
    cid = c2["contract_id"]
    _ok(mock.act(cid, "generate", s_tok))
    _ok(mock.act(cid, "qualification", b_tok))
    assert mock.act(cid, "cancellations", s_tok, {"kind": "cancel_netsign"})[1]["error"]["code"] == (
        "buyer_voids_qualification_code"
    )
    _ok(mock.admin("POST", f"/contracts/{cid}/qualification", {"approve": True}))
    _ok(mock.upload_parts(cid, "offline-upload", s_tok, {"contract": PDF, "commitment": PDF}), "signed")
    _ok(mock.act(cid, "cancellations", s_tok, {"kind": "cancel_netsign"}), "signed")
    assert mock.act(cid, "cancellations/confirm", s_tok)[0] == 403
    _ok(mock.act(cid, "cancellations/confirm", b_tok), "cancelled")
    _, listed = mock.call("GET", "/mock/api/contracts", token=s_tok)
    assert listed["contracts"] == []
    assert mock.contract(cid, s_tok)["status"] == "cancelled"

    assert mock.platform is not None
    recorded = mock.platform.store.all_events()
    assert len(recorded) >= 10
    for event in recorded:
        if event["from_status"] is None:
            assert event["event"] == "create" and event["to_status"] == "draft"
        else:
            assert (event["from_status"], event["to_status"]) in EDGES, event


def test_offline_sale_with_an_overseas_buyer_needs_notarization_before_filing(mock: ThreadServer) -> None:
    seller = mock.seed_account()
    foreigner = mock.seed_account(
        name="JOHN SMITH", doc_type="passport", id_number="E12345678", origin="foreign", mobile="13700137000"
    )
    s_tok = mock.login(seller)
    party = {**party_of(foreigner), "doc_type": "passport"}
    status, refused = mock.create_contract(seller, party, s_tok, "online")
    assert status == 422 and refused["error"]["code"] == "online_not_allowed"
    assert [r["code"] for r in refused["error"]["reasons"]] == ["overseas_party"]
    status, created = mock.create_contract(seller, party, s_tok, "offline")
    assert status == 201
    assert "foreign_notarization" in created["steps"] and created["steps"][-1] == "filing"
    cid = created["contract_id"]
    b_tok = mock.login(foreigner)
    _ok(mock.act(cid, "generate", s_tok))
    _ok(mock.act(cid, "qualification", b_tok))
    _ok(mock.admin("POST", f"/contracts/{cid}/qualification", {"approve": True}))
    _ok(mock.upload_parts(cid, "offline-upload", s_tok, {"contract": PDF, "commitment": PDF}), "signed")
    assert "notarization" in mock.contract(cid, s_tok)["next"]
    status, err = mock.act(cid, "filing", s_tok)
    assert status == 409 and err["error"]["code"] == "notarization_required"
    assert "公证" in err["error"]["message"]
    _ok(mock.upload(cid, "notarization", s_tok))
    _ok(mock.act(cid, "filing", s_tok), "filing_submitted")


def test_each_action_in_a_wrong_state_is_409_saying_what_comes_first(mock: ThreadServer) -> None:
    seller, buyer, s_tok, b_tok = _people(mock)
    _, created = mock.create_contract(seller, party_of(buyer), s_tok)
    cid = created["contract_id"]
    draft_refusals = [
        (mock.act(cid, "print", s_tok), "备案"),
        (mock.act(cid, "qualification", b_tok), "须先生成合同示范文本"),
        (mock.act(cid, "qualification/void", b_tok), "购房资格码"),
        (mock.upload(cid, "commitment", s_tok), "须先通过购房资格审查"),
        (mock.act(cid, "send-for-signing", s_tok), "须先由卖方上传"),
        (mock.upload_parts(cid, "offline-upload", s_tok, {"contract": PDF, "commitment": PDF}), "线下签署"),
        (mock.act(cid, "filing", s_tok), "须先完成合同签署"),
        (mock.upload_parts(cid, "filing-materials", s_tok, {"x": PDF}), "须先完成合同签署"),
        (mock.upload(cid, "notarization", s_tok), "境外"),
        (mock.act(cid, "cancellations/confirm", b_tok), "须先由买卖双方任何一方申请"),
        (mock.upload_parts(cid, "cancellations/materials", s_tok, {"authorization": PDF}), "须先"),
        (mock.act(cid, "cancellations/submit", s_tok), "须先"),
        (
            mock.call("POST", f"/mock/isz/contracts/{cid}/sign", {"step": "preview"}, token=b_tok),
            "须先由卖方发送",
        ),
    ]
    for (status, out), words in draft_refusals:
        assert status == 409, out
        assert words in out["error"]["message"], out
    _ok(mock.act(cid, "generate", s_tok))
    status, out = mock.act(cid, "generate", s_tok)
    assert status == 409 and "草稿" in out["error"]["message"]
    # i深圳 steps in order only.
    _ok(mock.act(cid, "qualification", b_tok))
    _ok(mock.admin("POST", f"/contracts/{cid}/qualification", {"approve": True}))
    _ok(mock.upload(cid, "commitment", s_tok))
    _ok(mock.act(cid, "send-for-signing", s_tok))
    status, out = mock.call("POST", f"/mock/isz/contracts/{cid}/sign", {"step": "signature"}, token=b_tok)
    assert status == 409 and out["error"]["code"] == "out_of_order" and "预览合同" in out["error"]["message"]
    status, out = mock.admin("POST", f"/contracts/{cid}/filing", {"approve": True})
    assert status == 409 and "须先提交备案申请" in out["error"]["message"]


def test_isz_refuses_a_party_whose_account_cannot_use_it_at_realname(mock: ThreadServer) -> None:
    seller = mock.seed_account()
    buyer = mock.seed_account(name="李四", id_number=BUYER_ID, mobile="13900139000", can_use_isz=False)
    s_tok, b_tok = mock.login(seller), mock.login(buyer)
    # The contract was filled in saying the buyer can use i深圳; the account says otherwise.
    _, created = mock.create_contract(seller, {**party_of(buyer), "can_use_isz": True}, s_tok)
    cid = created["contract_id"]
    _ok(mock.act(cid, "generate", s_tok))
    _ok(mock.act(cid, "qualification", b_tok))
    _ok(mock.admin("POST", f"/contracts/{cid}/qualification", {"approve": True}))
    _ok(mock.upload(cid, "commitment", s_tok))
    _ok(mock.act(cid, "send-for-signing", s_tok))
    path = f"/mock/isz/contracts/{cid}/sign"
    _ok(mock.call("POST", path, {"step": "preview"}, token=b_tok))
    status, out = mock.call("POST", path, {"step": "realname", "method": "数字认证"}, token=b_tok)
    assert (
        status == 409 and out["error"]["code"] == "isz_unavailable" and "线下签署" in out["error"]["message"]
    )
    _ok(mock.call("POST", path, {"step": "preview"}, token=s_tok))
    status, out = mock.call("POST", path, {"step": "realname"}, token=s_tok)
    assert status == 422 and out["error"]["code"] == "method_required"


def test_roles_come_before_status(mock: ThreadServer) -> None:
    seller, buyer, s_tok, b_tok = _people(mock)
    stranger = mock.seed_account(name="王五", id_number=resident_id("19751111", "789"), mobile="13600136000")
    x_tok = mock.login(stranger)
    _, created = mock.create_contract(seller, party_of(buyer), s_tok)
    cid = created["contract_id"]
    status, out = mock.call("PATCH", f"/mock/api/contracts/{cid}", {"terms": {"price_yuan": 1}}, token=b_tok)
    assert status == 403 and "买方" in out["error"]["message"]
    assert mock.call("GET", f"/mock/api/contracts/{cid}", token=x_tok)[0] == 403
    assert mock.call("GET", f"/mock/api/contracts/{cid}/events", token=x_tok)[0] == 403
    assert mock.act(cid, "generate", x_tok)[0] == 403
    # The buyer may not upload the commitment (403), whatever the status (draft: 409 for the seller).
    assert mock.upload(cid, "commitment", b_tok)[0] == 403
    assert mock.upload(cid, "commitment", s_tok)[0] == 409
    assert mock.act(cid, "qualification", s_tok)[0] == 403
    # A user's token on the back office: 403; none: 401.
    assert mock.call("GET", f"/mock/admin/contracts/{cid}", token=s_tok)[0] in (401, 403)
    assert mock.call("POST", "/mock/admin/accounts", {}, token=s_tok)[0] in (401, 403)
    assert mock.call("GET", f"/mock/admin/contracts/{cid}")[0] == 401
    admin_view = mock.admin("GET", f"/contracts/{cid}")[1]
    assert admin_view["contract_id"] == cid and admin_view["status"] == "draft"
    # Someone who has not passed the title check may not create a contract.
    body = {"property_id": admin_view["property_id"], "signing": "offline", "buyers": [party_of(buyer)],
            "sellers": [{"owner_index": 0, "transfer_share": "1/1", "agent": None}], "terms": TERMS}  # fmt: skip
    assert mock.call("POST", "/mock/api/contracts", body, token=x_tok)[0] == 403


def test_errors_outside_mock_have_the_error_shape_too(mock: ThreadServer) -> None:
    """platform-api.md: every error body is {"error": {"code", "message"}}, at /nope as under /mock."""
    for path in ("/nope", "/mock/nope"):
        status, out = mock.call("GET", path)
        assert status == 404 and set(out["error"]) == {"code", "message"}, (path, out)
    status, out = mock.call("POST", "/healthz")
    assert status == 405 and out["error"]["code"] == "method_not_allowed"


def test_tokens_none_forged_expired_are_401(mock: ThreadServer) -> None:
    seller = mock.seed_account()
    token = mock.login(seller)
    assert mock.call("GET", "/mock/api/contracts", token=token)[0] == 200
    status, out = mock.call("GET", "/mock/api/contracts")
    assert status == 401 and set(out["error"]) == {"code", "message"}
    assert mock.call("GET", "/mock/api/contracts", token=token + "x")[0] == 401
    bad = {"account_id": seller["account_id"], "method": "yss_scan", "secret": "wrong"}
    assert mock.call("POST", "/mock/api/login", bad)[0] == 401
    mock.now += 13 * 3600  # past the default 12 h lifetime
    assert mock.call("GET", "/mock/api/contracts", token=token)[0] == 401


def test_uploads_must_be_pdfs_of_at_most_10_mb(mock: ThreadServer) -> None:
    seller, buyer, s_tok, _ = _people(mock)
    _, created = mock.create_contract(seller, party_of(buyer), s_tok)
    cid = created["contract_id"]
    status, out = mock.upload(cid, "commitment", s_tok, b"GIF89a not a pdf")
    assert status == 415 and out["error"]["code"] == "not_pdf"
    status, out = mock.upload(cid, "commitment", s_tok, b"%PDF-" + b"0" * (10 * 1024 * 1024))
    assert status == 413 and out["error"]["code"] == "too_large"
    status, out = mock.upload_parts(cid, "offline-upload", s_tok, {"contract": PDF, "commitment": b"<html>"})
    assert status == 415


def test_seeding_checks_numbers_and_password_login_needs_onsite_and_sms(mock: ThreadServer) -> None:
    status, out = mock.admin(
        "POST", "/accounts",
        {"kind": "individual", "name": "X", "doc_type": "resident_id", "id_number": "110105194912310025",
         "mobile": "13800138000", "level": 4, "realname": "online", "origin": "mainland", "capacity": "full",
         "can_use_isz": True, "blacklisted": False},
    )  # fmt: skip
    assert status == 422 and "校验码应为X" in out["error"]["message"]
    hall = mock.seed_account(realname="onsite", password="pw-123456")
    login = {"account_id": hall["account_id"], "method": "password", "secret": "pw-123456"}
    assert mock.call("POST", "/mock/api/login", login)[0] == 401  # no SMS code
    assert mock.call("POST", "/mock/api/sms/send", {"account_id": hall["account_id"]})[0] == 200
    code = _sms_code(mock, hall["account_id"])
    assert (
        mock.call("POST", "/mock/api/login", {**login, "sms_code": "999999" if code != "999999" else "1"})[0]
        == 401
    )
    status, out = mock.call("POST", "/mock/api/login", {**login, "sms_code": code})
    assert status == 200 and out["level"] == 4 and out["acting_for"] is None
    online = mock.seed_account(password="pw-123456", mobile="13500135000")
    assert mock.call("POST", "/mock/api/login", {**login, "account_id": online["account_id"]})[0] == 403


def test_title_checks_fill_the_rule_from_account_login_and_registry(mock: ThreadServer) -> None:
    owner = mock.seed_account(realname="none")
    token = mock.login(owner)
    prop = mock.seed_property([owner_of(owner)])
    query = {"cert_type": "property_cert", "cert_number": prop["cert_number"], "region": "shenzhen",
             "login_identity": "owner"}  # fmt: skip
    status, out = mock.call("POST", "/mock/api/title-checks", query, token=token)
    assert status == 200 and out["result"] == "blocked" and "property_id" not in out
    assert [b["code"] for b in out["blockers"]] == ["level_too_low"]
    status, out = mock.call(
        "POST", "/mock/api/title-checks", {**query, "login_identity": "other"}, token=token
    )
    assert "agent_not_linked" in [b["code"] for b in out["blockers"]]
    missing = {**query, "cert_number": "粤（2024）深圳市不动产权第9999999号"}
    status, out = mock.call("POST", "/mock/api/title-checks", missing, token=token)
    assert status == 404 and out["error"]["code"] == "unknown_certificate"
    # A linked agent (manual 3) passes as "other".
    agent = mock.seed_account(name="赵六", id_number=resident_id("19850505", "321"), mobile="13300133000")
    owner2 = mock.seed_account(id_number=resident_id("19700707", "111"), mobile="13200132000")
    prop2 = mock.seed_property([owner_of(owner2)], usage_standardized=False)
    assert mock.admin("POST", "/links", {"owner_account_id": owner2["account_id"],
                      "agent_account_id": agent["account_id"], "property_id": prop2["property_id"]})[0] == 201  # fmt: skip
    status, out = mock.call(
        "POST", "/mock/api/title-checks", {**query, "cert_number": prop2["cert_number"], "login_identity": "other"},
        token=mock.login(agent),
    )  # fmt: skip
    assert out["result"] == "pending_review" and out["property_id"] == prop2["property_id"]


def test_legal_person_binds_an_agent_who_logs_in_for_it(mock: ThreadServer) -> None:
    first17 = "91440300MA5F00001"
    company = mock.seed_account(
        kind="legal_person", name="深圳市示例科技有限公司", doc_type="uscc",
        id_number=first17 + gb32100_check_char(first17), mobile="13100131000",
    )  # fmt: skip
    agent = mock.seed_account(name="钱七", id_number=resident_id("19880808", "222"), mobile="13000130000")
    c_tok, a_tok = mock.login(company), mock.login(agent)
    login = {"account_id": agent["account_id"], "method": "yss_scan", "secret": agent["login_secret"],
             "institution_id": company["account_id"]}  # fmt: skip
    assert mock.call("POST", "/mock/api/login", login)[0] == 403  # not bound yet
    assert (
        mock.call("POST", "/mock/api/agents", {"agent_account_id": agent["account_id"]}, token=a_tok)[0]
        == 403
    )
    status, bound = mock.call(
        "POST", "/mock/api/agents", {"agent_account_id": agent["account_id"]}, token=c_tok
    )
    assert status == 201 and bound["status"] == "pending"
    bid = bound["binding_id"]
    assert mock.call("POST", f"/mock/api/agents/{bid}/confirm", token=c_tok)[0] == 403
    assert mock.call("POST", f"/mock/api/agents/{bid}/confirm", token=a_tok)[1]["status"] == "active"
    status, out = mock.call("POST", "/mock/api/login", login)
    assert status == 200 and out["acting_for"] == company["account_id"]
    # The 经办人 with the institution card passes the title check of the company's property.
    prop = mock.seed_property([{**owner_of(company), "type": "enterprise"}], usage="non_residential")
    query = {"cert_type": "property_cert", "cert_number": prop["cert_number"], "region": "shenzhen",
             "login_identity": "owner"}  # fmt: skip
    assert mock.call("POST", "/mock/api/title-checks", query, token=out["token"])[1]["result"] == "pass"
    status, check = mock.call("POST", "/mock/api/title-checks", query, token=a_tok)
    assert "institution_card" in [b["code"] for b in check["blockers"]]
    assert mock.call("DELETE", f"/mock/api/agents/{bid}", token=c_tok)[1]["status"] == "unbound"
    assert mock.call("POST", "/mock/api/login", login)[0] == 403


def test_voiding_the_qualification_code_once_a_party_signed_is_409_already_signed(mock: ThreadServer) -> None:
    """Manual 7: the rule (rules.lifecycle, ``anyone_signed``) refuses it; the answer is the mock's 409."""
    seller, buyer, s_tok, b_tok = _people(mock)
    _, created = mock.create_contract(seller, party_of(buyer), s_tok)
    cid = created["contract_id"]
    _ok(mock.act(cid, "generate", s_tok))
    _ok(mock.act(cid, "qualification", b_tok))
    _ok(mock.admin("POST", f"/contracts/{cid}/qualification", {"approve": True}))
    _ok(mock.upload(cid, "commitment", s_tok))
    _ok(mock.act(cid, "send-for-signing", s_tok), "awaiting_signatures")
    assert "qualification/void" in mock.contract(cid, b_tok)["next"]
    _isz_sign(mock, cid, buyer, b_tok)  # one party signed, the other still pending
    assert "qualification/void" not in mock.contract(cid, b_tok)["next"]
    status, out = mock.act(cid, "qualification/void", b_tok)
    assert (status, out["error"]["code"]) == (409, "already_signed")
    assert (
        out["error"]["message"]
        == "已有当事人签署合同，不能再作废购房资格码；已签署的合同按手册7情况1注销（手册7）。"
    )
    assert mock.act(cid, "qualification/void", s_tok)[0] == 403  # role before status
    assert mock.contract(cid, b_tok)["status"] == "awaiting_signatures"


def test_notarization_is_offered_once_and_only_with_an_overseas_party(mock: ThreadServer) -> None:
    seller = mock.seed_account()
    foreigner = mock.seed_account(
        name="JANE DOE", doc_type="passport", id_number="E87654321", origin="foreign", mobile="13700137001"
    )
    s_tok, f_tok = mock.login(seller), mock.login(foreigner)
    _, created = mock.create_contract(
        seller, {**party_of(foreigner), "doc_type": "passport"}, s_tok, "offline"
    )
    cid = created["contract_id"]
    _ok(mock.act(cid, "generate", s_tok))
    _ok(mock.act(cid, "qualification", f_tok))
    _ok(mock.admin("POST", f"/contracts/{cid}/qualification", {"approve": True}))
    _ok(mock.upload_parts(cid, "offline-upload", s_tok, {"contract": PDF, "commitment": PDF}), "signed")
    assert "notarization" in mock.contract(cid, s_tok)["next"]
    assert "notarization" not in mock.contract(cid, f_tok)["next"]
    assert mock.upload(cid, "notarization", f_tok)[0] == 403
    _ok(mock.upload(cid, "notarization", s_tok), "signed")
    assert "notarization" not in mock.contract(cid, s_tok)["next"]
    status, out = mock.upload(cid, "notarization", s_tok)
    assert (status, out["error"]["code"]) == (409, "already_notarized")
    # Without an overseas party: not applicable (the same 409 as before the rule moved to rules/).
    local = mock.seed_account(name="王五", id_number=BUYER_ID, mobile="13900139001")
    _, other = mock.create_contract(seller, party_of(local), s_tok, "offline")
    status, out = mock.upload(other["contract_id"], "notarization", s_tok)
    assert (status, out["error"]["code"]) == (409, "not_applicable")
    assert out["error"]["message"] == "涉外合同公证只适用于有境外当事人的线下签署合同（手册5.4.5.1）。"


def test_a_party_lists_only_its_own_contracts_read_by_account_in_sql(
    mock: ThreadServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GET /contracts selects the caller's contracts in SQL (platform_contract_members), never all of them."""
    seller, buyer, s_tok, b_tok = _people(mock)
    other = mock.seed_account(name="赵六", id_number=resident_id("19800101", "777"), mobile="13600136000")
    o_tok = mock.login(other)
    _, mine = mock.create_contract(seller, party_of(buyer), s_tok)
    _, theirs = mock.create_contract(other, party_of(buyer), o_tok)
    assert mock.platform is not None
    store = mock.platform.store
    read: list[str] = []
    real_all = store._all

    def spy(sql: str, params: Any = ()) -> list[dict[str, Any]]:
        rows = real_all(sql, params)
        read.extend(str(r["id"]) for r in rows if "FROM platform_contracts" in sql and "id" in r)
        return rows

    monkeypatch.setattr(store, "_all", spy)
    listed = [c["contract_id"] for c in mock.call("GET", "/mock/api/contracts", token=s_tok)[1]["contracts"]]
    assert listed == [mine["contract_id"]]
    assert read == listed  # the other seller's contract was never read
    listed = [c["contract_id"] for c in mock.call("GET", "/mock/api/contracts", token=b_tok)[1]["contracts"]]
    assert listed == [mine["contract_id"], theirs["contract_id"]]
    assert [c["role"] for c in mock.call("GET", "/mock/api/contracts", token=b_tok)[1]["contracts"]] == [
        "buyer",
        "buyer",
    ]


def _signed_offline(client: Client, seller: dict[str, Any], buyers: list[dict[str, Any]], s_tok: str) -> str:
    """An offline residential contract between local parties, taken to ``signed``; its id."""
    status, created = client.create_contract(seller, [party_of(b) for b in buyers], s_tok, "offline")
    assert status == 201, created
    cid = str(created["contract_id"])
    _ok(client.act(cid, "generate", s_tok), "text_generated")
    _ok(client.act(cid, "qualification", client.login(buyers[0])), "qualification_pending")
    _ok(client.admin("POST", f"/contracts/{cid}/qualification", {"approve": True}), "qualification_approved")
    _ok(client.upload_parts(cid, "offline-upload", s_tok, {"contract": PDF, "commitment": PDF}), "signed")
    return cid


def _inbox(client: Client, account_id: str) -> list[str]:
    status, inbox = client.admin("GET", f"/sms?account_id={account_id}")
    assert status == 200, inbox
    return [m["text"] for m in inbox["messages"]]


def test_a_filed_contracts_cancel_netsign_needs_every_partys_materials_and_approval_cancels_it(
    mock: ThreadServer,
) -> None:
    """platform-api.md: cancellations (filed) → materials from each party → submit → under_review;
    the back office's approval of a ``cancel_netsign`` → ``cancelled`` (not ``filing_cancelled``)."""
    seller, buyer, s_tok, b_tok = _people(mock)
    buyer2 = mock.seed_account(name="王五", id_number=resident_id("19920303", "654"), mobile="13700137002")
    b2_tok = mock.login(buyer2)
    cid = _signed_offline(mock, seller, [buyer, buyer2], s_tok)
    _ok(mock.act(cid, "filing", s_tok), "filing_submitted")
    _ok(mock.admin("POST", f"/contracts/{cid}/filing", {"approve": True}), "filed")

    # Applying online means both agree; `change` left out is "none". The status stays filed.
    applied = _ok(mock.act(cid, "cancellations", b_tok, {"kind": "cancel_netsign"}), "filed")
    assert applied["cancellation"] == {
        "kind": "cancel_netsign",
        "applicant": "buyer",
        "status": "awaiting_materials",
    }
    assert mock.act(cid, "cancellations", s_tok, {"kind": "cancel_filing"})[0] == 409  # one at a time
    assert mock.act(cid, "cancellations/confirm", s_tok)[0] == 409  # a filed case goes by materials
    status, out = mock.upload_parts(cid, "cancellations/materials", b_tok, {"authorization": PDF})
    assert status == 422 and out["error"]["code"] == "missing_part"  # the applicant sends all four
    first = {"authorization": PDF, "application": PDF, "commitment": PDF, "agreement": PDF}
    _ok(mock.upload_parts(cid, "cancellations/materials", b_tok, first), "filed")
    _ok(mock.upload_parts(cid, "cancellations/materials", s_tok, {"authorization": PDF}), "filed")
    # The second buyer's authorisation is still missing: no submission yet.
    status, out = mock.act(cid, "cancellations/submit", s_tok)
    assert status == 409 and out["error"]["code"] == "materials_missing", out
    office = _ok(mock.admin("GET", f"/contracts/{cid}"))
    assert office["cancellation"]["materials_missing"] == [buyer2["account_id"]]
    assert mock.admin("POST", f"/contracts/{cid}/cancellation", {"approve": True})[0] == 409  # not submitted
    _ok(mock.upload_parts(cid, "cancellations/materials", b2_tok, {"authorization": PDF}), "filed")
    submitted = _ok(mock.act(cid, "cancellations/submit", b2_tok), "filed")
    assert submitted["cancellation"] == {
        "kind": "cancel_netsign",
        "applicant": "buyer",
        "status": "under_review",
    }

    approved = _ok(mock.admin("POST", f"/contracts/{cid}/cancellation", {"approve": True}), "cancelled")
    assert approved["contract_id"] == cid
    # Gone from every party's list, still readable by id for the record.
    for token in (s_tok, b_tok, b2_tok):
        assert mock.call("GET", "/mock/api/contracts", token=token)[1]["contracts"] == []
        assert mock.contract(cid, token)["status"] == "cancelled"
    changes = [(e["from"], e["to"]) for e in _events(mock, cid, s_tok) if e["from"] != e["to"]]
    assert changes[-1] == ("filed", "cancelled")


def test_the_back_office_rejecting_a_filing_sends_the_contract_back_to_signed_to_file_again(
    mock: ThreadServer,
) -> None:
    seller, buyer, s_tok, b_tok = _people(mock)
    cid = _signed_offline(mock, seller, [buyer], s_tok)
    _ok(mock.act(cid, "filing", s_tok), "filing_submitted")
    rejected = _ok(mock.admin("POST", f"/contracts/{cid}/filing", {"approve": False}), "signed")
    assert rejected["filing_stamp"] is None
    view = mock.contract(cid, s_tok)
    assert view["status"] == "signed" and "filing" in view["next"]
    assert (
        mock.admin("POST", f"/contracts/{cid}/filing", {"approve": True})[0] == 409
    )  # nothing submitted now
    # Filed again: submitted, approved, stamped.
    _ok(mock.upload_parts(cid, "filing-materials", s_tok, {"id_docs": PDF}))
    _ok(mock.act(cid, "filing", s_tok), "filing_submitted")
    filed = _ok(mock.admin("POST", f"/contracts/{cid}/filing", {"approve": True}), "filed")
    assert filed["filing_stamp"]
    changes = [(e["from"], e["to"]) for e in _events(mock, cid, b_tok) if e["from"] != e["to"]]
    assert changes[-4:] == [
        ("signed", "filing_submitted"), ("filing_submitted", "signed"),
        ("signed", "filing_submitted"), ("filing_submitted", "filed"),
    ]  # fmt: skip


def test_a_rejected_qualification_is_applied_for_again_and_each_review_texts_both_parties(
    mock: ThreadServer,
) -> None:
    seller, buyer, s_tok, b_tok = _people(mock)
    _, created = mock.create_contract(seller, party_of(buyer), s_tok)
    cid = created["contract_id"]
    _ok(mock.act(cid, "generate", s_tok))
    _ok(mock.act(cid, "qualification", b_tok), "qualification_pending")
    assert mock.act(cid, "qualification", b_tok)[0] == 409  # already pending
    before = {a["account_id"]: len(_inbox(mock, a["account_id"])) for a in (seller, buyer)}

    _ok(mock.admin("POST", f"/contracts/{cid}/qualification", {"approve": False}), "qualification_rejected")
    for account in (seller, buyer):
        texts = _inbox(mock, account["account_id"])
        assert len(texts) == before[account["account_id"]] + 1, texts
        assert cid in texts[-1] and "资格审查未通过" in texts[-1], texts
    assert mock.contract(cid, s_tok)["status"] == "qualification_rejected"
    assert mock.upload(cid, "commitment", s_tok)[0] == 409  # no commitment without an approval
    assert mock.act(cid, "qualification", s_tok)[0] == 403  # the buyer's action, whatever the status

    _ok(mock.act(cid, "qualification", b_tok), "qualification_pending")
    _ok(mock.admin("POST", f"/contracts/{cid}/qualification", {"approve": True}), "qualification_approved")
    for account in (seller, buyer):
        texts = _inbox(mock, account["account_id"])
        assert len(texts) == before[account["account_id"]] + 2, texts
        assert cid in texts[-1] and "资格审查已通过" in texts[-1], texts
    changes = [(e["from"], e["to"]) for e in _events(mock, cid, b_tok) if e["from"] != e["to"]]
    assert changes[-4:] == [
        ("text_generated", "qualification_pending"), ("qualification_pending", "qualification_rejected"),
        ("qualification_rejected", "qualification_pending"), ("qualification_pending", "qualification_approved"),
    ]  # fmt: skip
    _ok(mock.upload(cid, "commitment", s_tok), "commitment_uploaded")


def _get_text(client: Client, path: str, token: str | None) -> tuple[int, str, bytes]:
    """(status, Content-Type, body) of a GET that may answer something other than JSON."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    req = urllib.request.Request(client.base + path, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def test_the_contract_text_is_html_for_every_party_and_nobody_else(mock: ThreadServer) -> None:
    seller, buyer, s_tok, b_tok = _people(mock)
    _, created = mock.create_contract(seller, party_of(buyer), s_tok)
    cid = created["contract_id"]
    for token in (s_tok, b_tok):
        status, ctype, body = _get_text(mock, f"/mock/api/contracts/{cid}/text", token)
        assert status == 200 and ctype.startswith("text/html"), (status, ctype)
        page = body.decode("utf-8")
        assert page.lstrip().lower().startswith("<!doctype html") and cid in page
        assert "深圳市二手房买卖合同" in page and "3000000" in page
        assert BUYER_ID not in page and seller["id_number"] not in page  # identity numbers masked
    # Reading the HTML is not the download of text.pdf that manual 7 counts.
    assert mock.contract(cid, s_tok)["downloaded"] is False

    stranger = mock.seed_account(name="王五", id_number=resident_id("19751111", "789"), mobile="13600136000")
    status, ctype, body = _get_text(mock, f"/mock/api/contracts/{cid}/text", mock.login(stranger))
    assert status == 403 and "json" in ctype and json.loads(body)["error"]["code"] == "not_a_party"
    status, _, body = _get_text(mock, f"/mock/api/contracts/{cid}/text", None)
    assert status == 401 and set(json.loads(body)["error"]) == {"code", "message"}
    # An id that is no contract (the spec fixes only the error shape; the mock answers 404).
    status, _, body = _get_text(mock, "/mock/api/contracts/no-such-contract/text", s_tok)
    assert status == 404 and set(json.loads(body)["error"]) == {"code", "message"}
