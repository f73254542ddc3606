"""The staff's consulting tools against a real server: the manual's text by section, the case lookup
on the platform mock (a contract made through the mock's own API), and the OpenAPI document."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, ServerProcess, free_port

from dialogs.manual import ManualIndex
from esf_settings import load_settings
from storage.staff import StaffStore, hash_password
from tests.signing.mockclient import ADMIN, PDF, Client, party_of, resident_id

PASSWORD = "tools-Secret-4242"
MANUAL = load_settings(ROOT / "config.yaml").paths.manual
SELLER_ID = resident_id("19750505", "321")
BUYER_ID = resident_id("19900215", "456")


def start(tmp: Path, **env: str) -> ServerProcess:
    db = tmp / "esf.db"
    staff = StaffStore(db)
    staff.add("tina", "agent", hash_password(PASSWORD))
    staff.close()
    srv = ServerProcess(db=db, port=free_port(), env={"ESF_MOCK_ADMIN_TOKEN": ADMIN, **env})
    srv.start()
    return srv


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = start(tmp_path_factory.mktemp("tools"))
    yield srv
    srv.stop()


def get(srv: ServerProcess, path: str, token: str | None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    req = urllib.request.Request(srv.url + path, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def login(srv: ServerProcess) -> str:
    status, out = srv.post("/api/staff/login", {"username": "tina", "password": PASSWORD})
    assert status == 200
    return str(out["token"])


@pytest.mark.skipif(
    ManualIndex.load(MANUAL) is None, reason="the manual (paths.manual) is not on this machine"
)
def test_the_manual_text_of_a_section(desk: ServerProcess) -> None:
    token = login(desk)
    status, out = get(desk, "/api/staff/manual/5.3.5.1", token)
    assert status == 200 and set(out) == {"section", "title", "text"} and out["section"] == "5.3.5.1"
    assert "发送买卖双方电子签署" in out["title"] and "i深圳" in out["text"] and "确认签署" in out["text"]
    # 5.3.1 holds its misnumbered sub-steps (5.2.2.1 选择合同签署方式 …), as the FAQ cites them
    status, out = get(desk, "/api/staff/manual/5.3.1", token)
    assert status == 200 and "填写合同条款" in out["title"] and "选择合同签署方式" in out["text"]
    status, out = get(desk, "/api/staff/manual/7", token)
    assert status == 200 and out["title"] == "未备案合同注销网签" and "购房资格码" in out["text"]
    assert "用户操作手册V1.0" not in out["text"]  # page furniture dropped
    # every section the knowledge base cites is found
    cited = set()
    for path in (ROOT / "dialogs" / "knowledge").glob("*.yaml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("sections:"):
                cited |= {s.strip(" '\"") for s in line.split("[", 1)[1].rstrip("]").split(",") if s.strip()}
    index = ManualIndex.load(MANUAL)
    assert index is not None and cited and cited <= set(index.sections())
    assert get(desk, "/api/staff/manual/9.9", token) == (
        404,
        {"error": {"code": "unknown_section", "message": "the manual has no section 9.9"}},
    )
    assert get(desk, "/api/staff/manual/abc", token)[0] == 400
    assert get(desk, "/api/staff/manual/5.3.5.1", None)[0] == 401


def test_no_manual_and_no_platform(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/mock"  # nothing listens there
    srv = start(tmp_path, ESF_PATHS__MANUAL=str(tmp_path / "absent"), ESF_MOCK__BASE_URL=closed)
    try:
        status, out = get(srv, "/api/staff/manual/5.3.5.1", login(srv))
        assert status == 404 and out["error"]["code"] == "no_manual"
        # the platform is down (nothing listens on mock.base_url): a clear 503
        status, out = get(srv, "/api/staff/cases/some-contract", login(srv))
        assert status == 503 and out["error"]["code"] == "platform_unavailable"
    finally:
        srv.stop()


def _contract(client: Client) -> tuple[str, dict[str, Any], dict[str, Any], str, str]:
    seller = client.seed_account(name="陈大文", id_number=SELLER_ID)
    buyer = client.seed_account(name="李小四", id_number=BUYER_ID, mobile="13900139000")
    s_tok, b_tok = client.login(seller), client.login(buyer)
    status, created = client.create_contract(seller, party_of(buyer), s_tok)
    assert status == 201, created
    return str(created["contract_id"]), seller, buyer, s_tok, b_tok


def _sign(client: Client, cid: str, account: dict[str, Any], token: str) -> None:
    path = f"/mock/isz/contracts/{cid}/sign"
    for step in ({"step": "preview"}, {"step": "realname", "method": "腾讯云"}, {"step": "signature"}):
        assert client.call("POST", path, step, token=token)[0] == 200
    inbox = client.admin("GET", f"/sms?account_id={account['account_id']}")[1]
    code = inbox["messages"][-1]["code"]
    for step in ({"step": "sms", "sms_code": code}, {"step": "confirm"}):
        assert client.call("POST", path, step, token=token)[0] == 200


def test_case_lookup_follows_a_contract_made_on_the_mock(desk: ServerProcess) -> None:
    client = Client(desk.url)
    cid, seller, buyer, s_tok, b_tok = _contract(client)
    token = login(desk)

    def case() -> dict[str, Any]:
        status, out = get(desk, f"/api/staff/cases/{cid}", token)
        assert status == 200, out
        raw = json.dumps(out, ensure_ascii=False)
        for secret in (SELLER_ID, BUYER_ID, "陈大文", "李小四", seller["account_id"], buyer["account_id"]):
            assert secret not in raw  # masked names and numbers, no account ids
        return dict(out)

    out = case()
    assert (out["contract_id"], out["status"], out["signing"]) == (cid, "draft", "online")
    assert out["turn"] == ["seller"] and [a["action"] for a in out["next"]["seller"]][:1] == ["generate"]
    assert out["missing"] == ["卖方生成合同示范文本（5.3.2 / 5.4.2）"]
    assert [s["code"] for s in out["steps"]][:2] == ["title_check", "fill_terms"]
    assert {s["section"] for s in out["steps"]} >= {"5.2", "5.3.1", "5.3.5.1"}
    assert sorted((p["role"], p["name"], p["id_number"]) for p in out["parties"]) == [
        ("buyer", "李*四", BUYER_ID[:3] + "*" * 11 + BUYER_ID[-4:]),
        ("seller", "陈*文", SELLER_ID[:3] + "*" * 11 + SELLER_ID[-4:]),
    ]
    assert out["cancellation"] is None

    assert client.act(cid, "generate", s_tok)[0] == 200
    assert client.act(cid, "qualification", b_tok)[0] == 200
    out = case()
    assert out["status"] == "qualification_pending" and out["turn"] == ["back_office"]
    assert [a["text"] for a in out["next"]["back_office"]] == ["审核购房资格"]
    assert client.admin("POST", f"/contracts/{cid}/qualification", {"approve": True})[0] == 200
    assert client.upload(cid, "commitment", s_tok, PDF)[0] == 200
    assert client.act(cid, "send-for-signing", s_tok)[0] == 200
    _sign(client, cid, seller, s_tok)
    out = case()
    assert out["status"] == "awaiting_signatures" and out["turn"] == ["buyer"]
    assert {p["role"]: p["signature"] for p in out["parties"]} == {"seller": "signed", "buyer": "pending"}
    assert out["missing"] == ["买方 李*四 尚未在i深圳确认签署（5.3.5.1）"]

    # the seller asks to cancel: it waits for the buyer's confirmation
    status, _ = client.act(cid, "cancellations", s_tok, {"kind": "cancel_netsign"})
    if status == 200 and client.contract(cid, s_tok)["cancellation"]:
        out = case()
        assert (
            out["cancellation"]["status"] == "awaiting_confirmation" and out["cancellation"]["section"] == "7"
        )
        assert "买方确认注销（7）" in out["missing"]

    assert get(desk, "/api/staff/cases/no-such-contract", token)[1]["error"]["code"] == "unknown_contract"
    assert get(desk, "/api/staff/cases/no-such-contract", token)[0] == 404
    assert get(desk, f"/api/staff/cases/{cid}", None)[0] == 401
    assert get(desk, "/api/staff/cases/a%20b", token)[0] == 400
    audit = StaffStore(desk.db)
    try:
        rows = [r for r in audit.audit_entries(1000) if r["action"] == "read_case"]
    finally:
        audit.close()
    assert rows and rows[0]["detail"] == {"contract_id": cid}
    assert SELLER_ID not in desk.log_text() and BUYER_ID not in desk.log_text()


def test_the_staff_endpoints_and_the_stream_are_in_openapi(desk: ServerProcess) -> None:
    status, doc = desk.get("/api/openapi.json")
    assert status == 200
    paths = doc["paths"]
    for path, method in [
        ("/api/sessions/{session_id}/stream", "get"),
        ("/api/staff/login", "post"),
        ("/api/staff/me", "get"),
        ("/api/staff/logout", "post"),
        ("/api/staff/handoffs", "get"),
        ("/api/staff/sessions/{session_id}", "get"),
        ("/api/staff/sessions/{session_id}/take", "post"),
        ("/api/staff/sessions/{session_id}/reply", "post"),
        ("/api/staff/sessions/{session_id}/close", "post"),
        ("/api/staff/audit", "get"),
        ("/api/staff/situation", "post"),
        ("/api/staff/manual/{section}", "get"),
        ("/api/staff/cases/{contract_id}", "get"),
    ]:
        assert method in paths[path], path
        if path.startswith("/api/staff/") and path != "/api/staff/login":
            assert paths[path][method]["security"] == [{"staffToken": []}, {"staffCookie": []}]
            assert "401" in paths[path][method]["responses"]
    schemas = doc["components"]["schemas"]
    # the same pydantic models the server validates with
    assert set(schemas["LoginBody"]["properties"]) == {"username", "password", "cookie"}
    assert set(schemas["ReplyBody"]["properties"]) == {"text"}
    assert "seller" in schemas["SituationBody"]["properties"]
    assert set(schemas["ManualSection"]["properties"]) == {"section", "title", "text"}
    assert {"status", "next", "turn", "missing", "cancellation", "parties"} <= set(
        schemas["Case"]["properties"]
    )
    assert set(schemas["Message"]["properties"]) == {"seq", "from", "text", "buttons", "at"}
    stream = paths["/api/sessions/{session_id}/stream"]["get"]["responses"]["200"]["content"]
    assert stream["text/event-stream"]["schema"] == {"$ref": "#/components/schemas/Message"}
    assert "404" in paths["/api/sessions/{session_id}/stream"]["get"]["responses"]
