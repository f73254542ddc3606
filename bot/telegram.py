"""The Telegram door (python-telegram-bot 22): one Telegram chat, one assistant session.

Thin, like the web door: every text and every button comes from the engine.

* A text message is a turn with ``text``; a pressed inline button is a turn with
  its ``payload`` (the callback query is answered and the pressed keyboard removed).
  /start begins a new session and shows the greeting; /help, /restart and /lang
  send the payloads ``/help``, ``/restart`` and ``/lang``.
* A new session takes its language from Telegram's ``language_code``: zh-HK,
  zh-TW, zh-MO, zh-Hant → zh-Hant; en… → en; zh… → zh; anything else, none: the
  engine's default, following the script the person writes in.
* Buttons become an inline keyboard.  Telegram's ``callback_data`` holds at most
  64 bytes: a longer payload travels as a short id (``#~`` + 22 characters of its
  SHA-256) that is looked up among the buttons of the session's latest messages.
* Replies longer than Telegram's 4096 characters are split (at a line break or a
  sentence end when one is near).
* Messages that reach a conversation outside a turn (staff, platform) are pushed
  by a small periodic task; the last pushed transcript seq is kept per chat.
* The chat → session mapping lives in the engine's store (``telegram_chats``).

Polling is the default; in webhook mode the main web app gets
``POST /telegram/webhook``, which checks ``X-Telegram-Bot-Api-Secret-Token``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import re
import traceback
from collections.abc import AsyncIterator, Sequence
from typing import Any

from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from dialogs.engine import Assistant, Turn
from dialogs.privacy import mask_text
from esf_settings import ConfigError
from storage import UnknownSession

log = logging.getLogger("esf.telegram")

TgApplication = Application[Any, Any, Any, Any, Any, Any]
TEXT_LIMIT = 4096  # Telegram's longest message, in UTF-16 code units
CALLBACK_LIMIT = 64  # bytes of callback_data
SHORT_PREFIX = "#~"  # callback_data that stands for a longer payload
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram/webhook"
ALLOWED_UPDATES = ["message", "callback_query"]
COMMAND_PAYLOADS = {"help": "/help", "restart": "/restart", "lang": "/lang"}
PUSHED_SENDERS = ("staff", "platform")
_SECRET_OK = re.compile(r"[A-Za-z0-9_-]{1,256}")
# A message with nothing but buttons (rare: the engine adds buttons to an empty turn).
_INVISIBLE = "\u2063"

Buttons = Sequence[tuple[str, str]]  # (title, payload)


# ---------------------------------------------------------------------------- pure helpers
def telegram_lang(code: str | None) -> str | None:
    """A new session's language from Telegram's ``language_code``.

    >>> [telegram_lang(c) for c in ("zh-hk", "zh-TW", "en-GB", "zh-hans", "ru", None)]
    ['zh-Hant', 'zh-Hant', 'en', 'zh', None, None]
    """
    if not code:
        return None
    low = code.lower().replace("_", "-")
    if low in ("zh-hk", "zh-tw", "zh-mo") or low.startswith("zh-hant"):
        return "zh-Hant"
    if low == "en" or low.startswith("en-"):
        return "en"
    if low == "zh" or low.startswith("zh-"):
        return "zh"
    return None


def callback_data(payload: str) -> str:
    """The payload itself when it fits in 64 bytes, else a short id of it.

    >>> callback_data("/flow title_check")
    '/flow title_check'
    >>> short = callback_data("很长的选项" * 10)
    >>> short.startswith(SHORT_PREFIX) and len(short.encode()) <= CALLBACK_LIMIT
    True
    """
    if 0 < len(payload.encode("utf-8")) <= CALLBACK_LIMIT and not payload.startswith(SHORT_PREFIX):
        return payload
    digest = hashlib.sha256(payload.encode("utf-8")).digest()
    return SHORT_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii")[:22]


def _units(ch: str) -> int:
    return 2 if ord(ch) > 0xFFFF else 1


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """``text`` in pieces of at most ``limit`` UTF-16 units (Telegram's measure).

    A piece ends at the last line break, else sentence end, else space in its
    second half; with none there it is cut hard.

    >>> split_text("ab\\ncd", 3)
    ['ab', 'cd']
    >>> split_text("一二三四五", 2)
    ['一二', '三四', '五']
    """
    pieces: list[str] = []
    rest = text
    while sum(_units(ch) for ch in rest) > limit:
        used = fit = 0
        for ch in rest:
            if used + _units(ch) > limit:
                break
            used += _units(ch)
            fit += 1
        window = rest[:fit]
        cut, skip = fit, 0
        newline = window.rfind("\n")
        sentence = max(window.rfind(mark) for mark in "。！？；.!?")
        space = window.rfind(" ")
        if newline >= fit // 2:
            cut, skip = newline, 1
        elif sentence >= fit // 2:
            cut = sentence + 1
        elif space >= fit // 2:
            cut, skip = space, 1
        pieces.append(rest[:cut])
        rest = rest[cut + skip :]
    pieces.append(rest)
    return [p for p in pieces if p.strip()]


def _keyboard(buttons: Buttons) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(title, callback_data=callback_data(payload))] for title, payload in buttons]
    )


def _outgoing(replies: Sequence[tuple[str, Buttons]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Replies as Telegram messages: a reply with buttons but no text lends them to its neighbour."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    carried: list[tuple[str, str]] = []
    for text, buttons in replies:
        if text.strip():
            out.append((text, carried + list(buttons)))
            carried = []
        elif out:
            out[-1][1].extend(buttons)
        else:
            carried.extend(buttons)
    if carried:
        out.append((_INVISIBLE, carried))
    return out


# ---------------------------------------------------------------------------- the door
class TelegramDoor:
    """Binds a python-telegram-bot ``Application`` to the assistant."""

    def __init__(
        self, assistant: Assistant, application: TgApplication, *, push_interval: float = 2.5
    ) -> None:
        self.assistant = assistant
        self.store = assistant.store
        self.application = application
        self.push_interval = push_interval
        self._push_lock = asyncio.Lock()
        self.ready = False
        self._push_task: asyncio.Task[None] | None = None
        application.add_handler(CommandHandler("start", self.on_start))
        application.add_handler(CommandHandler(list(COMMAND_PAYLOADS), self.on_command))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL, self.on_message)
        )
        application.add_error_handler(self.on_error)

    @classmethod
    def build(
        cls,
        assistant: Assistant,
        token: str,
        *,
        base_url: str | None = None,
        base_file_url: str | None = None,
        polling: bool = True,
        push_interval: float = 2.5,
    ) -> TelegramDoor:
        """An Application for ``token`` (against another Bot API server with ``base_url``)."""
        # httpx logs every request's URL at INFO, and the URL holds the bot token.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        builder = Application.builder().token(token)
        if base_url:
            builder = builder.base_url(base_url)
        if base_file_url:
            builder = builder.base_file_url(base_file_url)
        if not polling:
            builder = builder.updater(None)
        return cls(assistant, builder.build(), push_interval=push_interval)

    # ------------------------------------------------------------------ lifecycle
    async def start(self, *, polling: bool, webhook_url: str = "", secret: str = "") -> None:
        """Initialise (getMe), start polling or set the webhook, start the push task."""
        await self.application.initialize()
        if polling:
            assert self.application.updater is not None
            await self.application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        elif webhook_url:
            await self.application.bot.set_webhook(
                webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
            )
        await self.application.start()
        self._push_task = asyncio.create_task(self._push_loop())
        self.ready = True

    async def stop(self) -> None:
        self.ready = False
        if self._push_task is not None:
            self._push_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._push_task
            self._push_task = None
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    # ------------------------------------------------------------------ sessions
    def _session(self, chat_id: int, language_code: str | None, *, new: bool = False) -> str:
        session = None if new else self.store.telegram_session(chat_id)
        if session is None or not self.store.session_exists(session):
            session = self.assistant.new_session(telegram_lang(language_code))
            self.store.set_telegram_session(chat_id, session)
        return session

    async def _turn(self, update: Update, *, text: str | None = None, payload: str | None = None) -> Turn:
        """The engine's turn through its event-loop entry (group-committed; a turn that calls the
        platform runs in a worker thread), so a chat never holds up the others."""
        chat = update.effective_chat
        assert chat is not None
        user = update.effective_user
        code = user.language_code if user is not None else None
        session = self._session(chat.id, code)
        if payload is not None:
            payload = self._resolve(session, payload)
        try:
            return await self.assistant.handle_async(session, text=text, payload=payload)
        except UnknownSession:  # expired between the look-up and the turn
            fresh = self._session(chat.id, code, new=True)
            return await self.assistant.handle_async(fresh, text=text, payload=payload)

    def _resolve(self, session: str, data: str) -> str:
        """The payload behind a callback_data: a short id is looked up in the latest buttons."""
        if not data.startswith(SHORT_PREFIX):
            return data
        last = self.store.load_session(session).last_seq
        for message in reversed(self.store.messages(session, after=max(0, last - 200))):
            for button in message.buttons:
                if callback_data(button.get("payload", "")) == data:
                    return button["payload"]
        return "/" + data  # gone: an unknown command payload, which the engine treats as a stale button

    # ------------------------------------------------------------------ handlers
    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None
        session = self._session(chat.id, user.language_code if user else None, new=True)
        await self.send_turn(chat.id, await self.assistant.handle_async(session))

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        assert message is not None and chat is not None
        word = (message.text or "").split(maxsplit=1)[0][1:].split("@", 1)[0].lower()
        await self.send_turn(chat.id, await self._turn(update, payload=COMMAND_PAYLOADS[word]))

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any other message: its text (or caption); without either the engine asks again."""
        message, chat = update.effective_message, update.effective_chat
        assert message is not None and chat is not None
        text = message.text or message.caption or ""
        await self.send_turn(chat.id, await self._turn(update, text=text))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, chat = update.callback_query, update.effective_chat
        assert query is not None
        await query.answer()
        if chat is None or not query.data:
            return
        with contextlib.suppress(TelegramError):  # the pressed keyboard goes; too old a message keeps it
            await query.edit_message_reply_markup(reply_markup=None)
        await self.send_turn(chat.id, await self._turn(update, payload=query.data))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if error is None:
            return
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        trace = trace.replace(self.application.bot.token, "<token>")
        log.error("telegram update failed\n%s", mask_text(trace))

    # ------------------------------------------------------------------ sending
    async def send_turn(self, chat_id: int, turn: Turn) -> None:
        replies = [(r.text, [(b.title, b.payload) for b in r.buttons]) for r in turn.replies]
        await self.send(chat_id, replies)

    async def send(self, chat_id: int, replies: Sequence[tuple[str, Buttons]]) -> None:
        """Send replies in order; long texts split, each reply's buttons under its last piece."""
        bot = self.application.bot
        for text, buttons in _outgoing(replies):
            pieces = split_text(text) or [_INVISIBLE]
            for i, piece in enumerate(pieces):
                markup = _keyboard(buttons) if i == len(pieces) - 1 else None
                await bot.send_message(chat_id, piece, reply_markup=markup)

    async def push_pending(self) -> int:
        """Send every chat the staff and platform messages it has not had yet; how many were sent.

        One round at a time: a round marks a message pushed only after sending it, so two
        overlapping rounds (the loop's and a direct call) would send it twice."""
        async with self._push_lock:
            return await self._push_round()

    async def _push_round(self) -> int:
        sent = 0
        for chat_id, session, after in self.store.telegram_unpushed():
            for message in self.store.messages(session, after=after):
                if message.sender in PUSHED_SENDERS:
                    buttons = [(b["title"], b["payload"]) for b in message.buttons]
                    try:
                        await self.send(chat_id, [(message.text, buttons)])
                        sent += 1
                    except (Forbidden, BadRequest) as exc:  # blocked, or a chat that is gone: skip it
                        log.warning("telegram: push to a chat refused (%s)", type(exc).__name__)
                    except TelegramError as exc:  # the network: try again on the next round
                        log.warning("telegram: push failed, will retry (%s)", type(exc).__name__)
                        break
                self.store.set_telegram_pushed(chat_id, session, message.seq)
        return sent

    async def _push_loop(self) -> None:
        while True:
            try:
                await self.push_pending()
            except Exception:
                log.exception("telegram: push round failed")
            await asyncio.sleep(self.push_interval)


# ---------------------------------------------------------------------------- the web app's part
TELEGRAM: web.AppKey[TelegramDoor] = web.AppKey("telegram", TelegramDoor)
SECRET: web.AppKey[str] = web.AppKey("telegram_secret", str)


async def webhook(request: web.Request) -> web.Response:
    """``POST /telegram/webhook``: an update from Telegram, only with the right secret header."""
    expected = request.app[SECRET]
    given = request.headers.get(SECRET_HEADER, "")
    if not expected or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise web.HTTPForbidden()
    door = request.app[TELEGRAM]
    if not door.ready:
        raise web.HTTPServiceUnavailable()  # Telegram retries later
    try:
        data = json.loads(await request.read())
        update = Update.de_json(data, door.application.bot)
    except (ValueError, TypeError, KeyError):
        raise web.HTTPBadRequest() from None
    await door.application.process_update(update)
    return web.json_response({"ok": True})


def attach(
    app: web.Application, assistant: Assistant, settings: Any, *, push_interval: float = 2.5
) -> TelegramDoor | None:
    """Add the Telegram door to the web app per ``settings`` (``settings.telegram``); None without a token.

    Polling or webhook, it starts and stops with the web app.  A Telegram that
    cannot be reached at start-up is logged and leaves the web door serving.
    """
    if not settings.token:
        log.info("telegram: no token configured, skipped")
        return None
    webhook_mode = settings.mode == "webhook"
    if webhook_mode and not _SECRET_OK.fullmatch(settings.webhook_secret):
        raise ConfigError(
            "config error: telegram.webhook_secret: webhook mode needs a secret of 1-256 characters "
            "A-Z, a-z, 0-9, _ or -"
        )
    api = settings.api_url.rstrip("/")
    door = TelegramDoor.build(
        assistant,
        settings.token,
        base_url=f"{api}/bot" if api else None,
        base_file_url=f"{api}/file/bot" if api else None,
        polling=not webhook_mode,
        push_interval=push_interval,
    )
    app[TELEGRAM] = door
    if webhook_mode:
        app[SECRET] = settings.webhook_secret
        app.router.add_post(WEBHOOK_PATH, webhook)

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        try:
            await door.start(
                polling=not webhook_mode, webhook_url=settings.webhook_url, secret=settings.webhook_secret
            )
            log.info("telegram: %s", settings.mode)
        except Exception as exc:  # the web door goes on without Telegram
            reason = str(exc).replace(settings.token, "<token>")  # InvalidToken quotes the token
            log.error("telegram: could not start (%s: %s); the web door goes on", type(exc).__name__, reason)
        yield
        with contextlib.suppress(Exception):
            await door.stop()

    app.cleanup_ctx.append(lifecycle)
    return door


__all__ = ["TelegramDoor", "attach", "callback_data", "split_text", "telegram_lang", "webhook"]
