"""The Telegram door with real parts: a local fake Bot API server (aiohttp on 127.0.0.1),
a real python-telegram-bot Application polling it or fed by the webhook route of the real
web app, a real Assistant on a real SQLite file.  No network beyond 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from conftest import ServerProcess, free_port

from bot.telegram import (
    CALLBACK_LIMIT,
    SECRET_HEADER,
    SHORT_PREFIX,
    TEXT_LIMIT,
    TelegramDoor,
    attach,
    callback_data,
    split_text,
    telegram_lang,
)
from bot.web import create_app
from dialogs.engine import Assistant
from esf_settings import ConfigError, TelegramSettings
from storage import NewMessage, Store

TOKEN = "123456:TEST-token_for-the-fake-api"
CHAT = 4242


# ---------------------------------------------------------------------------- the fake Bot API
@dataclass
class Call:
    method: str
    params: dict[str, Any]


class FakeBotApi:
    """Telegram's Bot API as far as the door uses it; records every call.

    It runs in its own thread (own event loop), so a server process and the tests'
    event loops can both talk to it.  ``queue`` hands an update to the next getUpdates.
    """

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._next_update = 1
        self._next_message = 100
        self._ready = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        assert self._ready.wait(10), "fake Bot API did not start"

    def stop(self) -> None:
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self._close)
        self._thread.join(10)

    def queue(self, update: dict[str, Any]) -> None:
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self._queue, update)

    def of(self, method: str) -> list[Call]:
        return [c for c in list(self.calls) if c.method == method]

    # -- inside the fake's thread
    def _close(self) -> None:
        self._closing = True  # a waiting getUpdates returns at once
        self._wake.set()
        self._stopping.set()

    def _queue(self, update: dict[str, Any]) -> None:
        self._updates.append({"update_id": self._next_update, **update})
        self._next_update += 1
        self._wake.set()

    async def _main(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._closing = False
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.port = runner.addresses[0][1]
        self._ready.set()
        await self._stopping.wait()
        await runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = dict(await request.json())
        else:
            params = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        for key in ("chat_id", "message_id", "offset", "timeout"):
            if key in params:
                params[key] = int(params[key])
        if "reply_markup" in params:
            params["reply_markup"] = json.loads(params["reply_markup"])
        if method != "getUpdates":
            self.calls.append(Call(method, params))
        result: Any = True
        if method == "getMe":
            result = {"id": 777, "is_bot": True, "first_name": "ESF", "username": "esf_test_bot"}
        elif method == "getUpdates":
            result = await self._get_updates(params)
            if result:
                self.calls.append(Call(method, params))
        elif method in ("sendMessage", "editMessageReplyMarkup"):
            self._next_message += 1
            result = {
                "message_id": params.get("message_id", self._next_message),
                "date": int(time.time()),
                "chat": {"id": params["chat_id"], "type": "private"},
                "text": params.get("text", "…"),
            }
        elif method not in ("deleteWebhook", "setWebhook", "answerCallbackQuery"):
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Queued updates once (those at or after ``offset``); waits a moment when there are none."""
        offset = params.get("offset", 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and params.get("timeout", 0) > 0 and not self._closing:
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=min(params["timeout"], 1.0))
        out, self._updates = self._updates, []
        return out


# ---------------------------------------------------------------------------- updates
def _user(lang: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": CHAT, "is_bot": False, "first_name": "Ana"}
    if lang:
        user["language_code"] = lang
    return user


def message(text: str, *, lang: str | None = "en", chat: int = CHAT) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private"},
        "from": {**_user(lang), "id": chat},
        "text": text,
    }
    if text.startswith("/"):
        msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": msg}


def press(data: str, message_id: int, *, query_id: str = "cb-1", lang: str | None = "en") -> dict[str, Any]:
    return {
        "callback_query": {
            "id": query_id,
            "from": _user(lang),
            "chat_instance": "ci-1",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": CHAT, "type": "private"},
                "text": "…",
            },
        }
    }


# ---------------------------------------------------------------------------- fixtures and helpers
@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi()
    api.start()
    yield api
    api.stop()


@pytest.fixture(scope="module")
def brain(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """Flows, NLU, FAQ and messages loaded once; each test gets its own store."""
    return Assistant(Store(tmp_path_factory.mktemp("brain") / "brain.db"))


def assistant_on(brain: Assistant, db: Path, messages: dict[str, Any] | None = None) -> Assistant:
    return Assistant(Store(db), brain.flows, brain.nlu, brain.faq, messages=messages or brain.m)


@contextlib.asynccontextmanager
async def polling_door(
    assistant: Assistant, api: FakeBotApi, push: float = 0.05
) -> AsyncIterator[TelegramDoor]:
    door = TelegramDoor.build(
        assistant, TOKEN, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot", push_interval=push
    )
    await door.start(polling=True)
    try:
        yield door
    finally:
        await door.stop()


async def until(check: Callable[[], Any], timeout: float = 8.0) -> Any:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {check}")


def keyboard(buttons: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "inline_keyboard": [
            [{"text": b["title"], "callback_data": callback_data(b["payload"])}] for b in buttons
        ]
    }


def assistant_said(store: Store, session: str, after: int = 0) -> list[Any]:
    return [m for m in store.messages(session, after=after) if m.sender == "assistant"]


async def turn_sent(api: FakeBotApi, store: Store, session: str, after: int) -> list[Call]:
    """Waits for the turn after transcript seq ``after``; the sendMessage calls carrying its replies."""
    said = await until(lambda: assistant_said(store, session, after))
    texts = [m.text for m in said]

    def sent() -> list[Call] | None:
        calls = api.of("sendMessage")[-len(texts) :]
        return calls if [c.params["text"] for c in calls] == texts else None

    return list(await until(sent))


# ---------------------------------------------------------------------------- pure helpers
def test_language_codes_and_callback_data() -> None:
    assert [telegram_lang(c) for c in ("zh-hk", "zh-TW", "zh-Hant", "en", "en-GB", "zh", "zh-CN")] == [
        "zh-Hant", "zh-Hant", "zh-Hant", "en", "en", "zh", "zh",
    ]  # fmt: skip
    # anything else: the engine's default language, following the script the person writes in
    assert telegram_lang("de") is None and telegram_lang(None) is None
    assert callback_data("/flow title_check") == "/flow title_check"
    for long in ("/feedback " + "x" * 60, "选项" * 11, SHORT_PREFIX + "abc", ""):
        short = callback_data(long)
        assert short.startswith(SHORT_PREFIX) and 0 < len(short.encode()) <= CALLBACK_LIMIT
        assert callback_data(long) == short  # stable: the same payload, the same id
    assert callback_data("a" * 64) == "a" * 64 and callback_data("a" * 65) != callback_data("a" * 66)


def test_split_text_at_telegrams_limit() -> None:
    assert split_text("short") == ["short"]
    hard = "长" * 5000
    assert [len(p) for p in split_text(hard)] == [TEXT_LIMIT, 5000 - TEXT_LIMIT]
    assert "".join(split_text(hard)) == hard
    lines = "\n".join(["第一行。" * 300, "第二行。" * 300])  # 1200 + 1 + 1200 characters
    assert split_text(lines, 2000) == ["第一行。" * 300, "第二行。" * 300]
    emoji = "😀" * 3000  # two UTF-16 units each: Telegram counts 6000
    pieces = split_text(emoji)
    assert [len(p) for p in pieces] == [2048, 952] and "".join(pieces) == emoji
    words = ("word " * 1000).strip()
    assert all(len(p) <= TEXT_LIMIT for p in split_text(words)) and len(split_text(words)) == 2


# ---------------------------------------------------------------------------- storage
def test_store_keeps_chat_sessions_and_push_marks(tmp_path: Path) -> None:
    store = Store(tmp_path / "esf.db")
    assert store.telegram_session(1) is None
    store.create_session("s1", {})
    store.append_messages("s1", [NewMessage("assistant", "old")])
    store.set_telegram_session(1, "s1")
    assert store.telegram_session(1) == "s1" and store.telegram_unpushed() == []  # the past is not pushed
    store.append_messages("s1", [NewMessage("staff", "new")])
    assert store.telegram_unpushed() == [(1, "s1", 1)]
    store.set_telegram_pushed(1, "s1", 2)
    store.set_telegram_pushed(1, "s1", 1)  # never backwards
    assert store.telegram_unpushed() == []
    store.expire_sessions(now=time.time() + 10 * 365 * 86400)
    assert store.telegram_session(1) is None  # the mapping goes with its session


# ---------------------------------------------------------------------------- polling: turns
def test_text_turn_reaches_send_message_with_an_inline_keyboard(
    fake: FakeBotApi, brain: Assistant, tmp_path: Path
) -> None:
    assistant = assistant_on(brain, tmp_path / "esf.db")
    store = assistant.store

    async def scenario() -> None:
        async with polling_door(assistant, fake):
            assert [c.method for c in fake.calls[:2]] == ["getMe", "deleteWebhook"]
            fake.queue(message("/start", lang="en-US"))
            session = await until(lambda: store.telegram_session(CHAT))
            greeting = await turn_sent(fake, store, session, 0)
            assert assistant.state_of(session)["lang"] == "en"  # from Telegram's language_code
            said = assistant_said(store, session)
            assert [c.params["text"] for c in greeting] == [m.text for m in said]
            assert greeting[-1].params["chat_id"] == CHAT
            assert greeting[-1].params["reply_markup"] == keyboard(said[-1].buttons)
            assert {"text": "Title check", "callback_data": "/flow title_check"} in [
                row[0] for row in greeting[-1].params["reply_markup"]["inline_keyboard"]
            ]

            seen = store.load_session(session).last_seq
            fake.queue(message("I want to check my property title", lang="en-US"))
            sent = await turn_sent(fake, store, session, seen)
            user = [m for m in store.messages(session, after=seen) if m.sender == "user"]
            assert [m.text for m in user] == ["I want to check my property title"]
            said = assistant_said(store, session, seen)
            assert [c.params["text"] for c in sent] == [m.text for m in said]
            assert assistant.state_of(session)["flow"] == "title_check"
            if said[-1].buttons:
                assert sent[-1].params["reply_markup"] == keyboard(said[-1].buttons)

    asyncio.run(scenario())


def test_button_press_is_answered_and_moves_the_flow_on(
    fake: FakeBotApi, brain: Assistant, tmp_path: Path
) -> None:
    assistant = assistant_on(brain, tmp_path / "esf.db")
    store = assistant.store

    async def scenario() -> None:
        async with polling_door(assistant, fake):
            fake.queue(message("/start", lang="zh-HK"))
            session = await until(lambda: store.telegram_session(CHAT))
            await turn_sent(fake, store, session, 0)
            assert assistant.state_of(session)["lang"] == "zh-Hant"
            seen = store.load_session(session).last_seq
            fake.queue(press("/flow title_check", message_id=101, query_id="cb-7"))
            sent = await turn_sent(fake, store, session, seen)
            answered = await until(lambda: fake.of("answerCallbackQuery"))
            assert answered[0].params["callback_query_id"] == "cb-7"
            edited = await until(lambda: fake.of("editMessageReplyMarkup"))
            assert edited[0].params["message_id"] == 101 and "reply_markup" not in edited[0].params
            state = assistant.state_of(session)
            assert (state["flow"], state["step"]) == ("title_check", "region")
            assert [m.text for m in store.messages(session, after=seen) if m.sender == "user"] == [
                "/flow title_check"
            ]
            assert [c.params["text"] for c in sent] == [m.text for m in assistant_said(store, session, seen)]

            seen = store.load_session(session).last_seq
            fake.queue(message("/help", lang="zh-HK"))  # a command: the engine's /help payload
            await turn_sent(fake, store, session, seen)
            assert [m.text for m in store.messages(session, after=seen) if m.sender == "user"] == ["/help"]
            assert assistant.state_of(session)["step"] == "region"

    asyncio.run(scenario())


def test_reply_longer_than_4096_characters_goes_in_two_messages(
    fake: FakeBotApi, brain: Assistant, tmp_path: Path
) -> None:
    texts = dict(brain.m)
    texts["greeting"] = {"zh": "长" * 4000 + "\n" + "文" * 1000, "en": "long"}
    assistant = assistant_on(brain, tmp_path / "esf.db", messages=texts)

    async def scenario() -> None:
        async with polling_door(assistant, fake):
            fake.queue(message("/start", lang="zh-CN"))
            sent = await until(lambda: fake.of("sendMessage") if len(fake.of("sendMessage")) >= 2 else None)
            await asyncio.sleep(0.1)  # nothing more comes
            assert [len(c.params["text"]) for c in fake.of("sendMessage")] == [4000, 1000]
            assert "reply_markup" not in sent[0].params  # the buttons go under the last piece
            session = assistant.store.telegram_session(CHAT)
            assert session is not None
            greeting = assistant_said(assistant.store, session)[0]
            assert sent[1].params["reply_markup"] == keyboard(greeting.buttons)

    asyncio.run(scenario())


# ---------------------------------------------------------------------------- messages from outside a turn
def test_staff_and_platform_messages_are_pushed_once(
    fake: FakeBotApi, brain: Assistant, tmp_path: Path
) -> None:
    assistant = assistant_on(brain, tmp_path / "esf.db")
    store = assistant.store
    long_payload = "choose the option whose payload is far longer than sixty-four bytes allow"

    async def scenario() -> None:
        async with polling_door(assistant, fake) as door:
            fake.queue(message("/start"))
            session = await until(lambda: store.telegram_session(CHAT))
            await turn_sent(fake, store, session, 0)
            before = len(fake.of("sendMessage"))
            store.append_messages(
                session,
                [
                    NewMessage("staff", "Hello, this is the 12345 hotline."),
                    NewMessage("platform", "资格审查已通过", [{"title": "OK", "payload": long_payload}]),
                ],
            )
            await until(lambda: len(fake.of("sendMessage")) >= before + 2)
            pushed = fake.of("sendMessage")[before:]
            assert [(c.params["chat_id"], c.params["text"]) for c in pushed] == [
                (CHAT, "Hello, this is the 12345 hotline."),
                (CHAT, "资格审查已通过"),
            ]
            short = pushed[1].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            assert short == callback_data(long_payload) and len(short.encode()) <= CALLBACK_LIMIT
            assert await door.push_pending() == 0  # each message once; the turns' own never
            await asyncio.sleep(0.15)
            assert len(fake.of("sendMessage")) == before + 2

            seen = store.load_session(session).last_seq
            fake.queue(press(short, message_id=200))  # the short id is mapped back to the payload
            await turn_sent(fake, store, session, seen)
            assert [m.text for m in store.messages(session, after=seen) if m.sender == "user"] == [
                long_payload
            ]

            seen = store.load_session(session).last_seq
            fake.queue(
                press(callback_data("a button no message holds " * 3), message_id=201, query_id="cb-2")
            )
            sent = await turn_sent(fake, store, session, seen)  # an unknown id: the engine's stale button
            assert sent[0].params["text"] == assistant._t("stale_button", "en")

    asyncio.run(scenario())


# ---------------------------------------------------------------------------- webhook mode
def test_webhook_checks_the_secret_and_feeds_the_application(
    fake: FakeBotApi, brain: Assistant, tmp_path: Path
) -> None:
    assistant = assistant_on(brain, tmp_path / "esf.db")
    store = assistant.store
    settings = TelegramSettings(
        token=TOKEN,
        mode="webhook",
        webhook_secret="s3cret-Value_1",
        webhook_url="https://esf.example.org/telegram/webhook",
        api_url=fake.url,
    )
    app = create_app(assistant)
    attach(app, assistant, settings, push_interval=0.05)

    async def scenario() -> None:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            hooks = await until(lambda: fake.of("setWebhook"))
            assert hooks[0].params["url"] == settings.webhook_url
            assert hooks[0].params["secret_token"] == settings.webhook_secret
            assert not fake.of("deleteWebhook")  # no polling in webhook mode

            update = {"update_id": 1, **message("/start", lang="en", chat=CHAT)}
            for headers in ({SECRET_HEADER: "wrong"}, {}):
                resp = await client.post("/telegram/webhook", json=update, headers=headers)
                assert resp.status == 403
                assert (await resp.json())["error"]["code"] == "forbidden"
            await asyncio.sleep(0.1)
            assert not fake.of("sendMessage") and store.telegram_session(CHAT) is None  # nothing processed

            resp = await client.post(
                "/telegram/webhook", json=update, headers={SECRET_HEADER: settings.webhook_secret}
            )
            assert resp.status == 200
            session = store.telegram_session(CHAT)
            assert session is not None  # processed within the request
            sent = fake.of("sendMessage")
            assert [c.params["text"] for c in sent] == [m.text for m in assistant_said(store, session)]

            resp = await client.post(
                "/telegram/webhook", data=b"{nope", headers={SECRET_HEADER: settings.webhook_secret}
            )
            assert resp.status == 400
            assert (await client.get("/healthz")).status == 200  # the web door is all there

    asyncio.run(scenario())


def test_webhook_mode_needs_a_secret(brain: Assistant, tmp_path: Path) -> None:
    assistant = assistant_on(brain, tmp_path / "esf.db")
    with pytest.raises(ConfigError, match=r"telegram\.webhook_secret"):
        attach(create_app(assistant), assistant, TelegramSettings(token=TOKEN, mode="webhook"))
    app = create_app(assistant)
    assert attach(app, assistant, TelegramSettings()) is None  # no token: nothing added
    assert not [r for r in app.router.routes() if r.resource and r.resource.canonical == "/telegram/webhook"]


# ---------------------------------------------------------------------------- make run (python -m bot serve)
def test_serve_without_a_token_logs_one_line(tmp_path: Path) -> None:
    srv = ServerProcess(db=tmp_path / "esf.db", port=free_port())
    srv.start()
    try:
        lines = srv.log_text().splitlines()
    finally:
        srv.stop()
    telegram_lines = [line for line in lines if "telegram" in line]
    assert len(telegram_lines) == 1
    assert telegram_lines[0].endswith("esf.telegram: telegram: no token configured, skipped")


def test_serve_polls_telegram_alongside_the_web_server(fake: FakeBotApi, tmp_path: Path) -> None:
    srv = ServerProcess(
        db=tmp_path / "esf.db",
        port=free_port(),
        env={"ESF_TELEGRAM_TOKEN": TOKEN, "ESF_TELEGRAM__API_URL": fake.url},
    )
    srv.start()
    try:
        assert srv.get("/healthz")[0] == 200
        assert {"getMe", "deleteWebhook"} <= {c.method for c in fake.calls}
        fake.queue(message("/start", lang="en"))
        deadline = time.monotonic() + 10
        while not fake.of("sendMessage") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert fake.of("sendMessage")[0].params["chat_id"] == CHAT
        store = Store(srv.db)  # the server's own file: a hotline reply lands in the transcript …
        session = store.telegram_session(CHAT)
        assert session is not None
        store.append_messages(session, [NewMessage("staff", "A person from 12345 here.")])
        store.close()
        deadline = time.monotonic() + 10  # … and the server's push task (every 2.5 s) sends it
        while "A person from 12345 here." not in [c.params["text"] for c in fake.of("sendMessage")]:
            assert time.monotonic() < deadline, "staff message not pushed"
            time.sleep(0.05)
        assert TOKEN not in srv.log_text()  # httpx's request lines (URLs with the token) stay out
    finally:
        srv.stop()
