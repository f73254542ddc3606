"""The assistant acts on the platform mock for a person who linked a demo account in the conversation
(issue 7 point 4): through ``/api/chat`` only, on a real server with the mock mounted (or the mock
as its own process, stopped and started again for the platform-down path)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from signing.demo import BY_KEY, PROPERTIES
from tests.conftest import ServerProcess, free_port
from tests.signing.mockclient import ADMIN, TERMS, Client, MockProcess

SELLER, BUYER = BY_KEY["seller"], BY_KEY["buyer"]
FLAT = PROPERTIES[0]


class Chat:
    """One conversation over /api/chat."""

    def __init__(self, server: ServerProcess, lang: str = "zh") -> None:
        self.server = server
        status, out = server.post("/api/sessions", {"lang": lang})
        assert status == 201, out
        self.id = out["session_id"]

    def __call__(self, text: str | None = None, payload: str | None = None) -> dict[str, Any]:
        status, out = self.server.post("/api/chat", {"session_id": self.id, "text": text, "payload": payload})
        assert status == 200, out
        out["said"] = "\n".join(r["text"] for r in out["replies"])
        out["payloads"] = [b["payload"] for r in out["replies"] for b in r["buttons"]]
        out["titles"] = [b["title"] for r in out["replies"] for b in r["buttons"]]
        return out

    def title_check_until_identity(self, cert_number: str) -> dict[str, Any]:
        assert self(payload="/flow title_check")["state"]["step"] == "region"
        assert self("深圳")["state"]["step"] == "cert_type"
        assert self(payload="property_cert")["state"]["step"] == "cert_number"
        assert self(cert_number)["state"]["step"] == "is_institution"
        out = self(payload="false")
        assert out["state"]["step"] == "login_identity", out
        return out


def _link(chat: Chat, key: str) -> dict[str, Any]:
    offer = chat(payload="/demo")
    assert f"/demo {key}" in offer["payloads"] and any("测试甲" in t for t in offer["titles"]), offer
    out = chat(payload=f"/demo {key}")
    assert "已用演示账号" in out["said"] or "Logged in to the practice platform" in out["said"], out
    return out


@pytest.mark.server_env(ESF_MOCK_ADMIN_TOKEN=ADMIN, ESF_RATE_PER_SESSION="0")
def test_a_linked_seller_checks_the_title_on_the_mock_and_sees_their_contracts(server: ServerProcess) -> None:
    guide = Chat(server)  # not linked: the same flow is guidance only (asks the level, decides by rule)
    guide.title_check_until_identity(FLAT.cert_number)
    assert guide(payload="owner")["state"]["step"] == "account_level"

    seller = Chat(server)
    _link(seller, "seller")
    seller.title_check_until_identity("粤（2024）深圳市不动产权第8000001号")  # not in the registry
    refused = seller(payload="owner")
    assert "平台没有办理这一步" in refused["said"] and "登记簿中没有这个产权证书" in refused["said"], refused
    assert refused["state"]["step"] == "cert_number"  # asked again, the other answers kept
    assert refused["state"]["slots"]["region"] == "shenzhen"
    done = seller(FLAT.cert_number)
    assert done["state"]["flow"] is None, done
    assert "平台已完成房屋产权校验：通过" in done["said"] and FLAT.property_id in done["said"], done
    assert done["state"]["slots"]["property_id"] == FLAT.property_id
    assert "/flow contract" in done["payloads"]
    assert "account_level" not in done["state"]["slots"]  # the platform knows the level: not asked

    empty = seller(payload="/flow my_contracts")
    assert "还没有合同" in empty["said"] and empty["state"]["flow"] is None, empty

    # a contract made on the platform (by the seller's own login) shows up with what may be done next
    client = Client(server.url)
    token = client.login({"account_id": SELLER.account_id, "login_secret": SELLER.secret})
    buyer = {
        "account_id": BUYER.account_id, "type": "individual", "origin": "mainland", "capacity": "full",
        "name": BUYER.body.name, "doc_type": "resident_id", "id_number": BUYER.body.id_number,
        "via_agent": False, "can_use_isz": None,
    }  # fmt: skip
    body = {"property_id": FLAT.property_id, "signing": "online", "buyers": [buyer],
            "sellers": [{"owner_index": 0, "transfer_share": "1/1", "agent": None}], "terms": TERMS}  # fmt: skip
    status, created = client.call("POST", "/mock/api/contracts", body, token=token)
    assert status == 201, created
    listed = seller(payload="/flow my_contracts")
    assert created["contract_id"] in listed["said"] and "草稿" in listed["said"], listed
    assert "生成合同文本" in listed["said"] and "/flow generate_text" in listed["payloads"], listed
    assert listed["state"]["slots"]["contract_id"] == created["contract_id"]

    # generate_text acts on that contract: done on the platform, and a second time refused with its reason
    assert seller(payload="/flow generate_text")["state"]["step"] == "signing"
    assert seller(payload="online")["state"]["step"] == "terms_confirmed"
    generated = seller(payload="yes")
    assert "平台已为合同" in generated["said"] and "已生成合同示范文本" in generated["said"], generated
    assert generated["state"]["step"] == "usage"
    assert client.call("GET", f"/mock/api/contracts/{created['contract_id']}", token=token)[1]["status"] == (
        "text_generated"
    )
    seller(payload="residential")
    seller(payload="/flow generate_text")
    seller(payload="online")
    twice = seller(payload="yes")
    assert "平台没有办理这一步" in twice["said"] and twice["state"]["step"] == "generate", twice
    assert "/retry" in twice["payloads"]
    assert seller("取消")["state"]["flow"] is None

    english = Chat(server, "en")
    _link(english, "buyer")
    listed_en = english(payload="/flow my_contracts")
    assert created["contract_id"] in listed_en["said"] and "you are the buyer" in listed_en["said"], listed_en

    # the token and the secret are never shown, returned or logged
    status, messages = server.get(f"/api/sessions/{seller.id}/messages")
    assert status == 200
    everything = str(messages) + str(listed) + server.log_text()
    assert "token" not in str(listed["state"]) and SELLER.secret not in everything
    assert token[:12] not in everything


def test_platform_down_keeps_the_answers_and_offers_the_step_again(tmp_path: Path) -> None:
    mock = MockProcess(base="", db=tmp_path / "mock.db", port=free_port())
    mock.start()
    server = ServerProcess(
        db=tmp_path / "esf.db",
        port=free_port(),
        env={
            "ESF_MOCK__BASE_URL": f"http://127.0.0.1:{mock.port}/mock",
            "ESF_MOCK__CLIENT_TIMEOUT_SECONDS": "3",
            "ESF_RATE_PER_SESSION": "0",
        },
    )
    server.start()
    try:
        chat = Chat(server)
        _link(chat, "seller")
        chat.title_check_until_identity(FLAT.cert_number)
        mock.stop()
        down = chat(payload="owner")
        assert "平台暂时无法连接" in down["said"], down
        assert down["state"]["flow"] == "title_check" and down["state"]["step"] == "verify"
        assert down["state"]["slots"]["cert_number"] == FLAT.cert_number
        assert down["state"]["slots"]["login_identity"] == "owner"
        assert "/retry" in down["payloads"]
        again = chat("重试")  # still down: the same message, the same place
        assert "平台暂时无法连接" in again["said"] and again["state"]["step"] == "verify", again
        assert "/retry" in chat()["payloads"]  # asking again offers the step again
        mock.start()  # back: the retry goes through
        done = chat(payload="/retry")
        assert "平台已完成房屋产权校验：通过" in done["said"], done
        assert done["state"]["slots"]["property_id"] == FLAT.property_id
    finally:
        server.stop()
        mock.stop()
