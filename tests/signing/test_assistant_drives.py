"""The assistant acts on the platform mock for a person who linked a demo account in the conversation
(issue 7 point 4): through ``/api/chat`` only, on a real server with the mock mounted (or the mock
as its own process, stopped and started again for the platform-down path)."""

from __future__ import annotations

import re
import time
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
        self.lang = lang
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
    expected = "Logged in to the practice platform" if chat.lang == "en" else "已用演示账号"
    assert expected in out["said"], out
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


def _walk(chat: Chat, start: str, answers: dict[str, str], until: str | None = None) -> dict[str, Any]:
    """Start a flow by its button and answer each question by its step id (payloads) until the flow
    ends, or ``until`` is asked; the last turn, with ``said`` holding everything said on the way."""
    out = chat(payload=start)
    said = [out["said"]]
    for _ in range(60):
        step = out["state"]["step"]
        if out["state"]["flow"] is None or step == until:
            break
        assert step in answers, (step, out)
        answer = answers[step]
        out = chat(text=answer[1:]) if answer.startswith("=") else chat(payload=answer)
        said.append(out["said"])
    out["said"] = "\n".join(said)
    return out


def _platform_messages(server: ServerProcess, chat: Chat, needle: str, timeout: float = 20.0) -> list[str]:
    """The platform's messages in the conversation, once one containing ``needle`` has arrived."""
    deadline = time.monotonic() + timeout
    while True:
        status, out = server.get(f"/api/sessions/{chat.id}/messages")
        assert status == 200, out
        texts = [m["text"] for m in out["messages"] if m["from"] == "platform"]
        if any(needle in t for t in texts) or time.monotonic() > deadline:
            assert any(needle in t for t in texts), texts
            return texts


def _sms_code(server: ServerProcess, chat: Chat, seen: int) -> str:
    """The newest i深圳 SMS code that reached the conversation as a platform message."""
    deadline = time.monotonic() + 20
    while True:
        codes = re.findall(r"验证码为(\d{6})", "\n".join(_platform_messages(server, chat, "")))
        if len(codes) > seen or time.monotonic() > deadline:
            assert len(codes) > seen, codes
            return codes[-1]


CONTRACT_ANSWERS = {
    "usage": "residential", "buyer_role": "buyer", "b_type": "individual", "b_origin": "mainland",
    "b_capacity": "full", "b_agent": "no", "b_isz": "yes", "b_account": "acc_demo_buyer",
    "more_buyers": "seller", "identity_changed": "no", "s_type": "individual", "s_origin": "mainland",
    "s_capacity": "full", "s_agent": "no", "s_isz": "yes", "s_share": "=1/1", "more_sellers": "done",
    "signing": "online", "price": "=300万", "payment": "loan", "deposit": "=10万", "handover": "=2030年6月30日",
}  # fmt: skip


@pytest.mark.server_env(ESF_MOCK_ADMIN_TOKEN=ADMIN, ESF_RATE_PER_SESSION="0")
def test_an_individual_sells_online_from_title_check_to_filed(server: ServerProcess) -> None:
    client = Client(server.url)
    seller, buyer = Chat(server), Chat(server)
    _link(seller, "seller")
    _link(buyer, "buyer")

    seller.title_check_until_identity(FLAT.cert_number)
    checked = seller(payload="owner")
    assert checked["state"]["slots"]["property_id"] == FLAT.property_id, checked

    # a buyer who cannot use i深圳: the platform refuses online signing, with its reasons, and asks again
    refused = _walk(seller, "/flow contract", {**CONTRACT_ANSWERS, "b_account": "acc_demo_abroad"}, "create")
    assert "平台没有办理这一步" in refused["said"] and "不能线上签署" in refused["said"], refused
    assert "原因" in refused["said"] and "i深圳" in refused["said"].split("原因")[-1], refused
    assert refused["state"]["step"] == "signing" and "offline" in refused["payloads"], refused
    assert refused["state"]["slots"]["price"] == 3_000_000  # the answers are kept
    assert seller("取消")["state"]["flow"] is None

    # the contract, made on the platform from the conversation
    made = _walk(seller, "/flow contract", CONTRACT_ANSWERS)
    assert "平台已创建合同" in made["said"] and "买方申请购房资格审查" in made["said"], made
    contract_id = made["state"]["slots"]["contract_id"]
    assert contract_id and contract_id in made["said"]
    assert "/flow generate_text" in made["payloads"]

    def status() -> str:
        code, out = client.admin("GET", f"/contracts/{contract_id}")
        assert code == 200, out
        return str(out["status"])

    assert status() == "draft"
    generated = _walk(
        seller, "/flow generate_text", {"signing": "online", "terms_confirmed": "yes", "usage": "residential"}
    )
    assert "平台已为合同" in generated["said"] and status() == "text_generated", generated

    # the buyer finds the contract in 我的二手房 and applies for the qualification; the back office approves
    listed = buyer(payload="/flow my_contracts")
    assert contract_id in listed["said"] and "/flow qualification" in listed["payloads"], listed
    applied = _walk(
        buyer, "/flow qualification", {"usage": "residential", "who": "buyer", "signing": "online"}
    )
    assert "平台已受理" in applied["said"] and status() == "qualification_pending", applied
    code, _ = client.admin("POST", f"/contracts/{contract_id}/qualification", {"approve": True})
    assert code == 200
    _platform_messages(server, buyer, "资格审查已通过")

    # the seller uploads the commitment letter (a stand-in, said to be a rehearsal) and sends it for signing
    committed = _walk(
        seller, "/flow commitment",
        {"signing": "online", "usage": "residential", "qualified": "yes", "who": "seller", "send_now": "yes"},
    )  # fmt: skip
    assert "这是演练" in committed["said"] and "commitment.pdf" in committed["said"], committed
    assert "平台已把合同" in committed["said"] and status() == "awaiting_signatures", committed

    # each party signs in (the mock's) i深圳; the SMS code arrives in the conversation and is typed back
    sign = {"can_auth": "yes", "realname_method": "腾讯云"}
    at_code = _walk(seller, "/flow esign", sign, until="sms_code")
    assert at_code["state"]["step"] == "sms_code" and "短信验证码" in at_code["said"], at_code
    signed = seller(_sms_code(server, seller, 0))
    assert "您的签名：已签署" in signed["said"] and signed["state"]["flow"] is None, signed
    at_code = _walk(buyer, "/flow esign", {**sign, "realname_method": "数字认证"}, until="sms_code")
    wrong = buyer("000000")
    assert "短信验证码不正确" in wrong["said"] and wrong["state"]["step"] == "sms_code", wrong
    signed = buyer(_sms_code(server, buyer, 0))
    assert "已签署" in signed["said"] and status() == "signed", signed

    # the seller files (stand-in materials); the back office approves; the notice reaches the seller
    filing = _walk(seller, "/flow filing", {"signing": "online", "who": "seller", "fetched": "yes"})
    assert "这是演练" in filing["said"] and "平台已收到合同" in filing["said"], filing
    assert status() == "filing_submitted"
    code, _ = client.admin("POST", f"/contracts/{contract_id}/filing", {"approve": True})
    assert code == 200 and status() == "filed"
    _platform_messages(server, seller, "备案")

    # both cancel the filing to change the price (stand-in uploads); the back office approves
    cancel = {"transfer_accepted": "no", "both_agree": "yes", "change": "other_terms"}
    applied = _walk(seller, "/flow cancel_filed", cancel)
    assert "您是申请人" in applied["said"] and "这是演练" in applied["said"], applied
    joined = _walk(buyer, "/flow cancel_filed", cancel)
    assert "已提交审核" in joined["said"], joined
    code, _ = client.admin("POST", f"/contracts/{contract_id}/cancellation", {"approve": True})
    assert code == 200 and status() == "filing_cancelled"

    # the seller edits the price and files again; approved: filed
    refile = {
        "signing": "online",
        "who": "seller",
        "fetched": "yes",
        "edit_price": "yes",
        "new_price": "=280万",
    }
    refiled = _walk(seller, "/flow filing", refile)
    assert "2,800,000元" in refiled["said"] and "平台已收到合同" in refiled["said"], refiled
    assert status() == "filing_submitted"
    code, out = client.admin("POST", f"/contracts/{contract_id}/filing", {"approve": True})
    assert code == 200 and out["status"] == "filed", out
    assert out["terms"]["price_yuan"] == 2_800_000, out

    # the token and the secrets are never shown or logged
    everything = str(server.get(f"/api/sessions/{seller.id}/messages")) + server.log_text()
    assert SELLER.secret not in everything and BUYER.secret not in everything


def _online_signed(server: ServerProcess, seller: Chat, buyer: Chat, status: Any) -> str:
    """A residential contract made, generated, qualified, committed and signed by both, all through the
    chat (the back office approves the qualification); its id."""
    made = _walk(seller, "/flow contract", CONTRACT_ANSWERS)
    contract_id = str(made["state"]["slots"]["contract_id"])
    _walk(
        seller, "/flow generate_text", {"signing": "online", "terms_confirmed": "yes", "usage": "residential"}
    )
    listed = buyer(payload="/flow my_contracts")
    assert listed["state"]["slots"]["contract_id"] == contract_id, listed
    _walk(buyer, "/flow qualification", {"usage": "residential", "who": "buyer", "signing": "online"})
    code, _ = Client(server.url).admin("POST", f"/contracts/{contract_id}/qualification", {"approve": True})
    assert code == 200
    _walk(
        seller, "/flow commitment",
        {"signing": "online", "usage": "residential", "qualified": "yes", "who": "seller", "send_now": "yes"},
    )  # fmt: skip
    sign = {"can_auth": "yes", "realname_method": "腾讯云"}
    seen = {}
    for chat in (seller, buyer):
        seen[chat.id] = len(re.findall(r"验证码为(\d{6})", "\n".join(_platform_messages(server, chat, ""))))
        _walk(chat, "/flow esign", sign, until="sms_code")
        signed = chat(_sms_code(server, chat, seen[chat.id]))
        assert "已签署" in signed["said"], signed
    assert status(contract_id) == "signed"
    return contract_id


@pytest.mark.server_env(ESF_MOCK_ADMIN_TOKEN=ADMIN, ESF_RATE_PER_SESSION="0")
def test_the_four_unfiled_cancellation_cases_and_the_fifth(server: ServerProcess) -> None:
    """Manual 7 on the mock, through the chat: case 3 cancelled at once, cases 1 and 4 confirmed by the
    other party's conversation, the fifth (offline, never downloaded) and case 2 (a 购房资格码 applied
    for) refused with the rule's message."""
    client = Client(server.url)
    seller, buyer = Chat(server), Chat(server)
    _link(seller, "seller")
    _link(buyer, "buyer")
    seller.title_check_until_identity(FLAT.cert_number)
    assert seller(payload="owner")["state"]["slots"]["property_id"] == FLAT.property_id

    def status(contract_id: str) -> str:
        code, out = client.admin("GET", f"/contracts/{contract_id}")
        assert code == 200, out
        return str(out["status"])

    def made(signing: str) -> str:
        out = _walk(seller, "/flow contract", {**CONTRACT_ANSWERS, "signing": signing})
        contract_id = str(out["state"]["slots"]["contract_id"])
        _walk(
            seller,
            "/flow generate_text",
            {"signing": signing, "terms_confirmed": "yes", "usage": "residential"},
        )
        assert status(contract_id) == "text_generated"
        return contract_id

    cancel = {"apply_now": "yes"}

    # case 3: unsigned, no 购房资格码, online: either party cancels at once
    case3 = made("online")
    out = _walk(seller, "/flow cancel_unfiled", cancel)
    assert "平台已直接注销合同" in out["said"] and "无需对方确认" in out["said"], out
    assert status(case3) == "cancelled" and out["state"]["flow"] is None

    # case 1: signed by both: the seller applies, the buyer's own conversation confirms
    case1 = _online_signed(server, seller, buyer, status)
    out = _walk(seller, "/flow cancel_unfiled", cancel)
    assert "须由另一方" in out["said"] and status(case1) == "signed", out
    _, view = client.admin("GET", f"/contracts/{case1}")
    assert view["cancellation"]["status"] == "awaiting_confirmation", view
    again = _walk(seller, "/flow cancel_unfiled", {})
    assert "正在等另一方" in again["said"], again
    out = _walk(buyer, "/flow cancel_unfiled", {"confirm_now": "yes"})
    assert "对方已在平台上申请注销" in out["said"] and "平台已注销合同" in out["said"], out
    assert status(case1) == "cancelled"

    # case 4: unsigned, offline, the contract downloaded (5.4.4.1, through the chat): the other confirms
    case4 = made("offline")
    fetched = _walk(
        seller,
        "/flow offline_upload",
        {"usage": "residential", "who": "seller", "upload_now": "no", "overseas": "no"},
    )
    assert "平台已为您下载合同" in fetched["said"], fetched
    assert client.admin("GET", f"/contracts/{case4}")[1]["downloaded"] is True
    out = _walk(seller, "/flow cancel_unfiled", cancel)
    assert "须由另一方" in out["said"] and status(case4) == "text_generated", out
    assert buyer(payload="/flow my_contracts")["state"]["slots"]["contract_id"] == case4
    out = _walk(buyer, "/flow cancel_unfiled", {"confirm_now": "yes"})
    assert "平台已注销合同" in out["said"] and status(case4) == "cancelled", out

    # the fifth: unsigned, offline, never downloaded: not one of the four cases, the platform refuses
    fifth = made("offline")
    out = _walk(seller, "/flow cancel_unfiled", cancel)
    assert "平台没有办理这一步" in out["said"] and "手册未作规定" in out["said"], out
    assert "12345" in out["said"] and status(fifth) == "text_generated" and out["state"]["flow"] is None

    # case 2: unsigned, the buyer applied for the 购房资格码: refused until the buyer voids it
    case2 = made("online")
    assert buyer(payload="/flow my_contracts")["state"]["slots"]["contract_id"] == case2
    _walk(buyer, "/flow qualification", {"usage": "residential", "who": "buyer", "signing": "online"})
    assert status(case2) == "qualification_pending"
    out = _walk(seller, "/flow cancel_unfiled", cancel)
    assert "平台没有办理这一步" in out["said"] and "由买方作废资格码后" in out["said"], out
    assert status(case2) == "qualification_pending" and "/flow qualification" in out["payloads"], out
    # ... and the buyer's own conversation offers to void it, then the cancellation goes through
    # (unsigned online with no qualification code any more: case 3, cancelled at once)
    out = _walk(buyer, "/flow cancel_unfiled", {"void_now": "yes", "apply_now": "yes"})
    assert "平台已作废合同" in out["said"] and "平台已直接注销" in out["said"], out
    assert status(case2) == "cancelled"

    # not linked: the same flow only explains (the fifth case: 12345)
    guide = Chat(server)
    out = _walk(guide, "/flow cancel_unfiled", {"signed": "no", "qualification_code": "no",
                                                "signing_method": "offline", "downloaded": "no"})  # fmt: skip
    assert "手册第7章只列了四种情况" in out["said"] and "平台已" not in out["said"], out


COMPANY_CONTRACT = {
    **CONTRACT_ANSWERS, "usage": "non_residential", "b_type": "enterprise", "b_origin": "mainland",
    "b_account": "acc_demo_buyer_company", "s_type": "enterprise", "s_origin": "mainland",
    "signing": "offline", "price": "=800万", "payment": "full",
}  # fmt: skip


def _clerk_checks_the_company_title(clerk: Chat) -> None:
    """The company's 经办人, logged in for the institution, checks the company's non-residential title."""
    company = next(p for p in PROPERTIES if p.key == "company")
    assert clerk(payload="/flow title_check")["state"]["step"] == "region"
    clerk("深圳")
    clerk(payload="property_cert")
    assert clerk(company.cert_number)["state"]["step"] == "is_institution"
    done = clerk(payload="true")
    assert "平台已完成房屋产权校验：通过" in done["said"], done
    assert done["state"]["slots"]["property_id"] == company.property_id


@pytest.mark.server_env(ESF_MOCK_ADMIN_TOKEN=ADMIN, ESF_RATE_PER_SESSION="0")
def test_companies_sell_non_residential_without_filing(server: ServerProcess) -> None:
    client = Client(server.url)
    clerk = Chat(server)
    _link(clerk, "clerk")
    _clerk_checks_the_company_title(clerk)

    made = _walk(clerk, "/flow contract", COMPANY_CONTRACT)
    assert "平台已创建合同" in made["said"] and "在线下载并打印合同" in made["said"], made
    assert "上传备案材料" not in made["said"].split("平台给出的流程")[-1], made
    contract_id = made["state"]["slots"]["contract_id"]
    code, view = client.admin("GET", f"/contracts/{contract_id}")
    assert code == 200 and "filing" not in view["steps"] and "download_print" in view["steps"], view
    buyer = next(p for p in view["parties"] if p["role"] == "buyer")
    assert buyer["name"] == "测试辛有限公司" and buyer["type"] == "enterprise", view

    _walk(
        clerk,
        "/flow generate_text",
        {"signing": "offline", "terms_confirmed": "yes", "usage": "non_residential"},
    )
    printed = _walk(clerk, "/flow offline_upload", {"usage": "non_residential", "no_filing": "yes"})
    assert "无需办理合同备案" in printed["said"] and "平台已记下合同" in printed["said"], printed
    assert "已完成" in printed["said"] and printed["state"]["flow"] is None, printed
    code, view = client.admin("GET", f"/contracts/{contract_id}")
    assert view["status"] == "completed" and view["downloaded"] is True, view


@pytest.mark.server_env(ESF_MOCK_ADMIN_TOKEN=ADMIN, ESF_RATE_PER_SESSION="0")
def test_a_company_sells_offline_to_a_hong_kong_buyer_with_notarisation(server: ServerProcess) -> None:
    client = Client(server.url)
    clerk = Chat(server)
    _link(clerk, "clerk")
    _clerk_checks_the_company_title(clerk)

    def status() -> str:
        code, out = client.admin("GET", f"/contracts/{contract_id}")
        assert code == 200, out
        return str(out["status"])

    hk = {
        **COMPANY_CONTRACT, "b_type": "individual", "b_origin": "hk", "b_capacity": "full", "b_isz": "no",
        "b_account": "acc_demo_hk_buyer", "price": "=500万", "industrial": "no",
    }  # fmt: skip
    made = _walk(clerk, "/flow contract", hk)
    assert "平台已创建合同" in made["said"] and "涉外合同公证" in made["said"], made
    contract_id = made["state"]["slots"]["contract_id"]
    _, view = client.admin("GET", f"/contracts/{contract_id}")
    buyer = next(p for p in view["parties"] if p["role"] == "buyer")
    assert buyer["name"] == "测试庚" and buyer["doc_type"] == "hk_macau_permit", view
    assert "foreign_notarization" in view["steps"] and "filing" in view["steps"], view

    _walk(
        clerk,
        "/flow generate_text",
        {"signing": "offline", "terms_confirmed": "yes", "usage": "non_residential"},
    )
    upload = {
        "usage": "non_residential",
        "no_filing": "no",
        "who": "seller",
        "upload_now": "yes",
        "overseas": "yes",
    }
    uploaded = _walk(clerk, "/flow offline_upload", upload)
    assert "这是演练" in uploaded["said"] and "平台已为您下载合同" in uploaded["said"], uploaded
    assert status() == "signed"

    # filing before the notarisation: the platform refuses with its message, the step waits
    filing = {"signing": "offline", "who": "seller", "overseas": "yes", "fetched": "yes"}
    early = _walk(clerk, "/flow filing", {**filing, "notarize_now": "no"}, until="submit")
    assert (
        "平台没有办理这一步" in early["said"] and "公证" in early["said"].split("平台没有办理这一步")[-1]
    ), early
    assert early["state"]["step"] == "submit" and "/retry" in early["payloads"], early
    assert status() == "signed"
    assert clerk("取消")["state"]["flow"] is None

    # notarised (a stand-in PDF, said to be a rehearsal), then filed; the back office approves
    filed = _walk(clerk, "/flow filing", {**filing, "notarize_now": "yes"})
    assert "平台已记下涉外合同公证" in filed["said"] and "平台已收到合同" in filed["said"], filed
    assert status() == "filing_submitted"
    code, out = client.admin("POST", f"/contracts/{contract_id}/filing", {"approve": True})
    assert code == 200 and out["status"] == "filed", out
