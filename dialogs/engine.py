"""The dialog engine: runs the flows, understands answers, keeps the session.

``Assistant.handle(session_id, text=None, payload=None, lang=None)`` is one turn:
it loads the session, works out what the person meant (a button, a global
command, an answer to the current question, a question on the side, a wish to
do something else), moves the flow on, and saves the new state together with
the turn's messages in one transaction.  It returns the turn in the shape of
``chat-api.md``.  Nothing a person types can make it raise: a fault inside a
turn is logged (without personal data) and answered with an apology, and the
session stays as it was.

Every text comes from ``messages.yaml`` or the flows; none is written here.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import re
import secrets
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, cast

from pydantic import BaseModel

import rules
from storage import NewMessage, SessionRecord, Store, UnknownSession, VersionConflict
from storage.links import SessionLinks

from . import yamlio
from .faq import FaqResponse, KnowledgeBase
from .flows import load_flows
from .i18n import Lang, normalize_lang, pick
from .nlu import NLU, Parse, detect_language, normalize_text
from .nlu.numerals import any_to_decimal
from .platform_client import PlatformClient, PlatformDown, PlatformRefused
from .privacy import mask_text
from .render import evaluate, evaluate_all, render, rule_message
from .schema import Ask, Flow, Step

log = logging.getLogger("esf.engine")

MESSAGES_FILE = Path(__file__).with_name("messages.yaml")
DEMO_ACCOUNTS_FILE = Path(__file__).with_name("demo_accounts.yaml")
STATE_VERSION = 1
SAVE_ATTEMPTS = 3  # a turn is worked out again on the fresh state when another door saved first
FLOW_CONFIDENCE = 0.5  # below this a flow intent does not start a flow (no flow active)
SWITCH_CONFIDENCE = 0.7  # mid-flow, a wish for another flow must be this clear …
INFORM_SCORE = 0.35  # a question about a process is answered, not the process started, from this FAQ score
SWITCH_MIN_CHARS = 4  # … and this long: “六级” is a (bad) answer, “我要注销网签” a wish
_MAX_STEPS_PER_TURN = 200
_QUESTION = re.compile(
    r"[?？吗呢么]\s*$|^(怎么|如何|为什么|能不能|可以|是否|什么|哪|谁|多少|how|what|why|can|do|does|is|are|which|who|when|where)\b",
    re.I,
)
#: A question word anywhere (可信等级怎么查, 不知道用途大类是啥): after a failed answer, such a message
#: is answered from the FAQ when the FAQ is confident, and the step asked again.
_QUESTION_WORD = re.compile(
    r"怎么|怎样|如何|为什么|为何|什么|啥|哪|几|谁|多少|吗|呢|[?？]|点样|乜|边度|^(how|what|why|which|who|when|where)\b",
    re.I,
)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_EN_WORD = re.compile(r"[A-Za-z]{2,}(?:'[A-Za-z]+)?")
_EN_MIN_WORDS = 3  # a message this long in English, with no Chinese, is English whatever the session says
#: Steps whose answer may well be Latin letters (a passport name, a number): no language switch there.
_LATIN_ANSWERS = frozenset({"name", "id_number", "cert_number", "mobile"})

__all__ = ["Assistant", "Turn", "UnknownSession"]


# ---------------------------------------------------------------------------- the turn (chat-api.md)
class ButtonOut(BaseModel):
    title: str
    payload: str


class ReplyOut(BaseModel):
    text: str
    buttons: list[ButtonOut] = []


class Progress(BaseModel):
    current: int
    total: int


class TurnState(BaseModel):
    flow: str | None
    step: str | None
    progress: Progress | None
    slots: dict[str, Any]


class Turn(BaseModel):
    session_id: str
    replies: list[ReplyOut]
    state: TurnState
    handoff: bool


# ---------------------------------------------------------------------------- FAQ hook
class FaqLike(Protocol):
    def ask(self, question: str, lang: str | None = None, k: int = 3) -> FaqResponse: ...


# ---------------------------------------------------------------------------- per-turn work area
class _NeedsThread(Exception):
    """The turn must call the platform (blocking HTTP): :meth:`Assistant.handle_async` reruns it in a
    worker thread, so the event loop (which may serve the mock itself) never waits."""


@dataclass
class _Ctx:
    state: dict[str, Any]
    lang: Lang
    session_id: str = ""
    may_block: bool = True
    replies: list[ReplyOut] = field(default_factory=list)
    parse: Parse | None = None
    progress_memo: dict[tuple[Any, ...], Progress | None] = field(default_factory=dict)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def say(self, text: str, buttons: list[ButtonOut] | None = None) -> None:
        if text.strip() or buttons:
            self.replies.append(ReplyOut(text=text.strip(), buttons=buttons or []))

    def add_buttons(self, buttons: list[ButtonOut]) -> None:
        if not self.replies:
            self.replies.append(ReplyOut(text="", buttons=[]))
        self.replies[-1].buttons.extend(buttons)


def new_state(lang: Lang) -> dict[str, Any]:
    return {
        "v": STATE_VERSION,
        "lang": lang,
        "lang_set": False,
        "flow": None,
        "step": None,
        "slots": {},
        "results": {},
        "history": [],
        "failures": 0,
        "suspended": [],
        "pending": None,
        "handoff": False,
        "platform": None,  # a linked demo account: {"token", "account_id", "acting_for", "name"}
        "return_to": None,  # an ``act`` step refused: the step to go back to once the answer is fixed
        "handoff_noted": False,  # staff hold the handoff and the person was told so (once)
    }


class Assistant:
    """The engine behind every door (web, Telegram, terminal, tests)."""

    def __init__(
        self,
        store: Store,
        flows: dict[str, Flow] | None = None,
        nlu: NLU | None = None,
        faq: FaqLike | None = None,
        *,
        default_lang: Lang = "zh",
        max_failures: int = 3,
        max_text_chars: int = 2000,
        today: Callable[[], datetime.date] = datetime.date.today,
        messages: dict[str, Any] | None = None,
        platform: PlatformClient | None = None,
    ) -> None:
        self.store = store
        self.flows = flows if flows is not None else load_flows()
        self.nlu = nlu if nlu is not None else NLU.load()
        self.faq: FaqLike = faq if faq is not None else KnowledgeBase.load(nlu=self.nlu)
        self.default_lang = default_lang
        self.max_failures = max_failures
        self.max_text_chars = max_text_chars
        self.today = today
        self.m: dict[str, Any] = messages or yamlio.load(MESSAGES_FILE.read_text(encoding="utf-8"))
        self.queue_place: Callable[[], int] | None = None  # the staff desk's: a new handoff's place
        #: the staff desk's: who holds a session's open handoff (None: nobody yet).  Without a desk
        #: nobody can take a handoff, and the assistant keeps serving while the person waits.
        self.handoff_holder: Callable[[str], str | None] | None = None
        self.platform = platform  # None: guidance only, the flows' ``act`` steps are skipped
        self.demo_accounts: list[dict[str, Any]] = yamlio.load(DEMO_ACCOUNTS_FILE.read_text(encoding="utf-8"))
        #: account id -> the public party data a contract on the platform needs (``party`` in the file)
        self.demo_parties: dict[str, dict[str, Any]] = {
            str(a["account_id"]): {"account_id": str(a["account_id"]), **a["party"], "via_agent": False}
            for a in self.demo_accounts
            if a.get("party")
        }

    @classmethod
    def from_settings(
        cls, settings: Any, store: Store | None = None, faq: FaqLike | None = None
    ) -> Assistant:
        store = store or Store(settings.database.path, ttl_seconds=settings.limits.session_ttl_minutes * 60)
        nlu = NLU.load()
        host = settings.server.host if settings.server.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
        base_url = settings.mock.base_url or f"http://{host}:{settings.server.port}/mock"
        client = PlatformClient(
            base_url, timeout=settings.mock.client_timeout_seconds, retries=settings.mock.client_retries
        )
        return cls(
            store,
            load_flows(settings.paths.flows),
            nlu,
            faq=faq
            if faq is not None
            else KnowledgeBase.load(settings.paths.knowledge, nlu=nlu, cache_dir=settings.paths.cache),
            default_lang=settings.languages.default,
            max_failures=settings.limits.max_failures_per_step,
            max_text_chars=settings.limits.max_text_chars,
            platform=client,
        )

    # ------------------------------------------------------------------ sessions
    def new_session(self, lang: str | None = None) -> str:
        """A new conversation; its id is 192 random bits, never derived from user data."""
        session_id = secrets.token_urlsafe(24)
        chosen = normalize_lang(lang)
        state = new_state(chosen or self.default_lang)
        state["lang_set"] = chosen is not None
        self.store.create_session(session_id, state)
        return session_id

    def state_of(self, session_id: str) -> dict[str, Any]:
        return self.store.load_session(session_id).state

    # ------------------------------------------------------------------ one turn
    def handle(
        self, session_id: str, text: str | None = None, payload: str | None = None, lang: str | None = None
    ) -> Turn:
        """One turn. Raises :class:`UnknownSession` for an unknown or expired session only."""
        started = time.perf_counter()
        for _ in range(SAVE_ATTEMPTS):
            record = self.store.load_session(session_id)
            ctx, messages = self._work(session_id, record.state, text, payload, lang)
            try:
                self.store.save_turn(session_id, ctx.state, record.version, messages, ctx.events)
            except VersionConflict:
                continue  # another door saved this session meanwhile: the turn again, on its state
            return self._turn_out(session_id, ctx, started)
        raise VersionConflict(f"session {session_id[:6]}… changed {SAVE_ATTEMPTS} times during one turn")

    async def handle_async(
        self, session_id: str, text: str | None = None, payload: str | None = None, lang: str | None = None
    ) -> Turn:
        """:meth:`handle` on an event loop: the same turn, its save group-committed with the turns
        of other sessions (:meth:`storage.Store.save_turn_async`); returns once it is on disk."""
        started = time.perf_counter()
        for _ in range(SAVE_ATTEMPTS):
            record, ctx, messages = await self._work_async(session_id, text, payload, lang)
            try:
                await self.store.save_turn_async(session_id, ctx.state, record.version, messages, ctx.events)
            except VersionConflict:
                continue
            return self._turn_out(session_id, ctx, started)
        raise VersionConflict(f"session {session_id[:6]}… changed {SAVE_ATTEMPTS} times during one turn")

    async def _work_async(
        self, session_id: str, text: str | None, payload: str | None, lang: str | None
    ) -> tuple[SessionRecord, _Ctx, list[NewMessage]]:
        """:meth:`_work` on the session's stored record without blocking the event loop: a turn
        that may call the platform (blocking HTTP) runs in a thread."""
        record = self.store.load_session(session_id)
        if self.platform is not None and record.state.get("platform"):
            return record, *await asyncio.to_thread(self._work, session_id, record.state, text, payload, lang)
        try:
            return record, *self._work(session_id, record.state, text, payload, lang, may_block=False)
        except _NeedsThread:  # e.g. logging in with a demo account: again, in a thread, on a fresh
            record = self.store.load_session(session_id)  # copy (the first try may have changed it)
            return record, *await asyncio.to_thread(self._work, session_id, record.state, text, payload, lang)

    def _work(
        self,
        session_id: str,
        stored: dict[str, Any],
        text: str | None,
        payload: str | None,
        lang: str | None,
        may_block: bool = True,
    ) -> tuple[_Ctx, list[NewMessage]]:
        """The turn itself, on the stored state: its context (new state, replies, events) and the
        transcript messages to save with it.  With ``may_block`` false, a turn that would call the
        platform raises :class:`_NeedsThread` instead."""
        state = _upgrade(stored)
        ctx = _Ctx(state=state, lang=state["lang"], session_id=session_id, may_block=may_block)
        try:
            self._turn(ctx, text, payload, lang)
        except _NeedsThread:
            raise
        except Exception:  # a bug, never the person's fault: apologise, keep the old state
            # the traceback's last line may quote what the person typed: mask it like the transcript
            log.error(
                "turn failed (session %s…, flow %s)\n%s",
                session_id[:6],
                state.get("flow"),
                mask_text(traceback.format_exc()),
            )
            ctx = _Ctx(state=_upgrade(stored), lang=stored.get("lang", self.default_lang))
            ctx.say(self._t("internal_error", ctx.lang))
        messages = []
        if text is not None or payload is not None:
            shown = text if text is not None else payload or ""
            messages.append(NewMessage("user", mask_text(shown[: self.max_text_chars])))
        for reply in ctx.replies:
            buttons = [b.model_dump() for b in reply.buttons]
            messages.append(NewMessage("assistant", mask_text(reply.text), buttons))
        return ctx, messages

    def _turn(self, ctx: _Ctx, text: str | None, payload: str | None, lang: str | None) -> None:
        chosen = normalize_lang(lang)
        if chosen is not None:
            ctx.state["lang"], ctx.state["lang_set"], ctx.lang = chosen, True, chosen
        if payload:
            payload = payload.strip()
            if payload.startswith("/"):
                self._command_payload(ctx, payload)
            elif self._held_by_staff(ctx):
                self._note_staff_holds(ctx)
            else:
                self._free_text(ctx, text if text is not None else payload, button=payload)
            return
        if text is None:
            self._ask_again_or_greet(ctx)
            return
        if len(text) > self.max_text_chars:
            ctx.say(self._t("too_long", ctx.lang, limit=self.max_text_chars))
            self._ask_again_or_greet(ctx, quiet=True)
            return
        if not text.strip():
            ctx.say(self._t("empty_input", ctx.lang))
            self._ask_again_or_greet(ctx, quiet=True)
            return
        ctx.parse = self.nlu.parse(text, today=self.today())
        self._detect_language(ctx, text)
        if ctx.parse.command:
            self._command(ctx, ctx.parse.command, text)
            return
        if self._held_by_staff(ctx):
            self._note_staff_holds(ctx)
            return
        self._free_text(ctx, text, button=None)

    # ------------------------------------------------------------------ handoff
    def _held_by_staff(self, ctx: _Ctx) -> bool:
        """A member of staff holds this conversation's handoff: what the person writes is for them
        (it is in the transcript), never an answer to the flow's question."""
        if not ctx.state["handoff"]:
            ctx.state["handoff_noted"] = False
            return False
        if self.handoff_holder is None or not ctx.session_id:
            return False
        try:
            return self.handoff_holder(ctx.session_id) is not None
        except Exception:  # the desk's trouble must not break the turn: keep the flow still
            log.warning("handoff holder unavailable (session %s…)", ctx.session_id[:6])
            return True

    def _note_staff_holds(self, ctx: _Ctx) -> None:
        """Tell the person once that a person has their messages; afterwards say nothing."""
        if not ctx.state["handoff_noted"]:
            ctx.state["handoff_noted"] = True
            ctx.say(self._t("handoff_held", ctx.lang))

    # ------------------------------------------------------------------ language
    def _detect_language(self, ctx: _Ctx, text: str) -> None:
        """Follow the person's language.

        An explicit request inside the message ("Please answer in English", 請用繁體) always
        switches.  On a session with no chosen language, the script the person writes in is
        followed.  On one with a language, a message clearly in English (no Chinese, three
        English words or more, not at a question whose answer is Latin letters) is answered in
        English and the session follows; Traditional is never guessed there from a few
        characters (张建國 is a name), only on the explicit request.
        """
        requested = self.nlu.words.language_requested(text)
        if requested is not None:
            ctx.state["lang"] = ctx.lang = cast(Lang, requested)
            ctx.state["lang_set"] = True
            return
        if ctx.state["lang_set"]:
            step = self._current_step(ctx.state)
            answer_type = step.ask.type if step is not None and step.ask is not None else None
            if (
                ctx.lang != "en"
                and answer_type not in _LATIN_ANSWERS
                and not _CJK.search(text)
                and len(_EN_WORD.findall(text)) >= _EN_MIN_WORDS
            ):
                ctx.state["lang"] = ctx.lang = "en"
            return
        guess = detect_language(text)
        if guess == "en" and sum(ch.isascii() and ch.isalpha() for ch in text) < 3:
            guess = None  # "A123456(3)" or "ok" says nothing about the person's language
        if guess in ("zh", "zh-Hant", "en"):
            ctx.state["lang"] = ctx.lang = cast(Lang, guess)
            ctx.state["lang_set"] = True

    # ------------------------------------------------------------------ commands
    def _command_payload(self, ctx: _Ctx, payload: str) -> None:
        verb, _, arg = payload[1:].partition(" ")
        arg = arg.strip()
        if verb == "flow" and arg in self.flows:
            self._want_flow(ctx, arg)
        elif verb == "switch" and arg in self.flows:
            ctx.state["pending"] = None
            self._suspend_current(ctx)
            self._start_flow(ctx, arg)
        elif verb == "stay":
            ctx.state["pending"] = None
            if ctx.state["flow"]:
                ctx.say(self._t("stay", ctx.lang, title=self._flow_title(ctx.state["flow"], ctx.lang)))
            self._ask_again_or_greet(ctx, quiet=True)
        elif verb == "resume":
            self._resume(ctx)
        elif verb == "drop":
            ctx.state["suspended"] = []
            ctx.say(self._t("dropped", ctx.lang), self._menu(ctx.lang))
        elif verb == "lang":
            self._set_language(ctx, arg)
        elif verb == "faq":
            ctx.say(self._t("ask_question", ctx.lang))
        elif verb == "feedback":
            entry_id, _, verdict = arg.partition(" ")
            ctx.events.append(("faq_feedback", {"id": entry_id, "helpful": verdict == "yes"}))
            ctx.say(self._t("faq_thanks", ctx.lang))
            self._ask_again_or_greet(ctx, quiet=True)
        elif verb == "menu":
            ctx.say(self._t("greeting", ctx.lang), self._menu(ctx.lang))
        elif verb == "next":
            self._ask_again_or_greet(ctx)
        elif verb == "retry":
            step = self._current_step(ctx.state)
            if step is not None and step.act is not None:
                self._run(ctx, self.flows[ctx.state["flow"]].index(step.id))
            else:
                self._ask_again_or_greet(ctx)
        elif verb == "demo":
            self._demo(ctx, arg)
        elif verb in ("help", "back", "restart", "cancel", "progress", "human", "language"):
            self._command(ctx, verb, "")
        else:
            ctx.say(self._t("stale_button", ctx.lang))
            self._ask_again_or_greet(ctx, quiet=True)

    def _command(self, ctx: _Ctx, command: str, text: str) -> None:
        state = ctx.state
        flow_id = state["flow"]
        if command == "help":
            ctx.say(self._t("help", ctx.lang))
            step = self._current_step(state)
            if step is not None and step.ask is not None and step.ask.help is not None:
                ctx.say(self._render_text(step.ask.help.zh, step.ask.help.en, ctx))
            self._ask_again_or_greet(ctx, quiet=True)
        elif command == "back":
            self._back(ctx)
        elif command == "restart":
            if flow_id is None:
                ctx.say(self._t("greeting", ctx.lang), self._menu(ctx.lang))
                return
            self._clear_flow_slots(state, self.flows[flow_id])
            ctx.say(self._t("restarted", ctx.lang, title=self._flow_title(flow_id, ctx.lang)))
            self._enter(ctx, flow_id, 0)
        elif command == "cancel":
            if state["handoff"]:
                state["handoff"] = False
                ctx.events.append(("handoff_cancelled", {"flow": flow_id}))
                ctx.say(self._t("handoff_cancelled", ctx.lang))
                self._ask_again_or_greet(ctx, quiet=True)
            elif state["pending"]:
                state["pending"] = None
                self._ask_again_or_greet(ctx)
            elif flow_id is not None:
                title = self._flow_title(flow_id, ctx.lang)
                self._finish_flow(state)
                ctx.say(self._t("cancelled", ctx.lang, title=title), self._menu(ctx.lang))
                self._offer_resume(ctx)
            else:
                ctx.say(self._t("no_flow", ctx.lang), self._menu(ctx.lang))
        elif command == "progress":
            if flow_id is None:
                ctx.say(self._t("no_flow", ctx.lang), self._menu(ctx.lang))
                return
            progress = self._progress(ctx)
            current, total = (progress.current, progress.total) if progress else (0, 0)
            ctx.say(
                self._t(
                    "progress_report",
                    ctx.lang,
                    title=self._flow_title(flow_id, ctx.lang),
                    current=current,
                    total=total,
                )
            )
            self._ask_again_or_greet(ctx, quiet=True)
        elif command == "human":
            place = None
            if not state["handoff"]:
                ctx.events.append(("handoff_requested", {"flow": flow_id, "step": state["step"]}))
                place = self.queue_place() if self.queue_place is not None else None
            state["handoff"] = True
            ctx.say(self._t("handoff", ctx.lang))
            if place:
                ctx.say(self._t("handoff_place", ctx.lang, place=place))
        elif command == "language":
            target = self.nlu.words.language_named(text)
            if target is not None:
                self._set_language(ctx, target)
            else:
                ctx.say(self._t("choose_language", ctx.lang), self._buttons("language_buttons", ctx.lang))
        else:
            self._ask_again_or_greet(ctx)

    def _set_language(self, ctx: _Ctx, lang: str) -> None:
        chosen = normalize_lang(lang)
        if chosen is None:
            ctx.say(self._t("choose_language", ctx.lang), self._buttons("language_buttons", ctx.lang))
            return
        ctx.state["lang"], ctx.state["lang_set"], ctx.lang = chosen, True, chosen
        ctx.say(self._t("language_set", ctx.lang))
        self._ask_again_or_greet(ctx, quiet=True)

    # ------------------------------------------------------------------ free text and answers
    def _free_text(self, ctx: _Ctx, text: str, button: str | None) -> None:
        state = ctx.state
        parse = ctx.parse
        if state["pending"] and state["pending"].get("kind") == "switch":
            yes = _yes_no(parse)
            target = state["pending"]["flow"]
            if yes is True:
                self._command_payload(ctx, f"/switch {target}")
                return
            if yes is False:
                self._command_payload(ctx, "/stay")
                return
            state["pending"] = None  # anything else: drop the question, treat the text normally
        step = self._current_step(state)
        if step is not None and step.act is not None and not state["handoff"]:
            if button is None and self.nlu.words.is_retry(text):
                self._run(ctx, self.flows[state["flow"]].index(step.id))
            elif button is not None or not self._digress(ctx, text):
                self._ask_again_or_greet(ctx)
            return
        if step is not None and step.ask is not None:
            # Free-text questions accept almost anything: look for a question or a wish first.
            if button is None and self._looks_like_digression(ctx, step.ask.type):
                if self._digress(ctx, text):
                    return
            if button is None and self._other_party(ctx, step, text):
                return
            ok, value, error = self._accept(ctx, step, text, button)
            if ok:
                self._set_slot(ctx, step, value)
                self._continue(ctx)
                return
            if button is None and self._names_hidden_choice(ctx, step, text):
                return
            if button is None and self._digress(ctx, text):
                return
            state["failures"] += 1
            ctx.say(error)
            if state["failures"] >= self.max_failures:
                ctx.say(self._t("too_many_failures", ctx.lang), self._buttons("failure_buttons", ctx.lang))
            self._ask(ctx, step)
            return
        if state["handoff"]:
            if not self._answer_question(ctx, text, quiet_fallback=True):
                ctx.say(self._t("handoff_waiting", ctx.lang))
            return
        # No question open: what does the person want?
        if parse is not None and parse.intent in self.flows and self._clear_wish(parse, FLOW_CONFIDENCE):
            if not self._inform_instead(ctx, text, parse.intent):
                self._want_flow(ctx, parse.intent)
            return
        intent = parse.intent if parse is not None else None
        if intent == "greet":
            ctx.say(self._t("greeting", ctx.lang), self._menu(ctx.lang))
        elif intent == "thanks":
            ctx.say(self._t("thanks", ctx.lang))
        elif intent == "goodbye":
            ctx.say(self._t("goodbye", ctx.lang))
        elif not self._answer_question(ctx, text, quiet_fallback=False):
            ctx.add_buttons(self._menu(ctx.lang))

    @staticmethod
    def _clear_wish(parse: Parse, threshold: float) -> bool:
        """A flow intent clear enough to act on: confident, and more than a word or two
        (“个人”, “六级” are answers or fragments, not wishes) unless very confident."""
        long_enough = len(parse.normalized.replace(" ", "")) >= SWITCH_MIN_CHARS
        return parse.confidence >= threshold and (long_enough or parse.confidence >= 0.9)

    def _looks_like_digression(self, ctx: _Ctx, slot_type: str) -> bool:
        """Before taking text as an answer: is it rather a question on the side?

        Free-text questions accept almost anything, so any question or clear wish counts;
        elsewhere only a real question of some length (“公司的房子能线上签吗？” at a choice
        whose synonyms include 公司), so that “是吗？” or “六级” stay answers.
        """
        parse = ctx.parse
        if parse is None:
            return False
        question = _QUESTION.search(parse.normalized) is not None
        if slot_type in ("text", "name"):
            return question or (parse.intent in (*self.flows, "faq") and parse.confidence >= 0.75)
        return question and len(parse.normalized.replace(" ", "")) >= 6

    def _digress(self, ctx: _Ctx, text: str) -> bool:
        """A question or another wish in the middle of a flow; True when handled."""
        parse = ctx.parse
        if parse is None:
            return False
        current = ctx.state["flow"]
        if (
            parse.intent in self.flows
            and parse.intent != current
            and self._clear_wish(parse, SWITCH_CONFIDENCE)
        ):
            if not self._inform_instead(ctx, text, parse.intent):
                self._want_flow(ctx, parse.intent)
                return True
        elif parse.intent in ("faq", "out_of_scope") or (
            parse.intent not in (current, "affirm", "deny") and _QUESTION.search(parse.normalized)
        ):
            self._answer_question(ctx, text, quiet_fallback=False)
        elif not (
            parse.intent not in ("affirm", "deny")
            and _QUESTION_WORD.search(parse.normalized)
            and self._answer_question(ctx, text, quiet_fallback=True, confident_only=True)
        ):
            return False
        step = self._current_step(ctx.state)
        if step is not None:
            ctx.say(self._t("back_to_step", ctx.lang))
            self._ask(ctx, step)
        return True

    def _other_party(self, ctx: _Ctx, step: Step, text: str) -> bool:
        """At a question about one party (``party: seller``), an answer that names only the other
        (买家是香港人) is not taken: say whom the question is about and ask it again."""
        ask = step.ask
        if ask is None or ask.party is None:
            return False
        named = self.nlu.words.parties_named(text)
        other = "buyer" if ask.party == "seller" else "seller"
        if other not in named or ask.party in named:
            return False
        ctx.say(self._t(f"other_party.{ask.party}", ctx.lang))
        self._ask(ctx, step)
        return True

    def _inform_instead(self, ctx: _Ctx, text: str, flow_id: str) -> bool:
        """A message that names a process but asks to know something about it (注销网签几种情况,
        承诺书在哪下载): a confident FAQ answer, then the process offered with a button instead of
        started; False (nothing said) when it asks to do it or the FAQ is not sure."""
        if not self.nlu.words.asks_for_information(text):
            return False
        if not self._answer_question(
            ctx, text, quiet_fallback=True, confident_only=True, min_score=INFORM_SCORE
        ):
            return False
        title = self._flow_title(flow_id, ctx.lang)
        ctx.say(
            self._t("flow_offer", ctx.lang, title=title),
            [
                ButtonOut(
                    title=self._t("flow_offer_button", ctx.lang, title=title), payload=f"/flow {flow_id}"
                )
            ],
        )
        return True

    def _answer_question(
        self, ctx: _Ctx, text: str, quiet_fallback: bool, confident_only: bool = False, min_score: float = 0.0
    ) -> bool:
        """Answer from the FAQ, asking whether it helped; False when it had nothing
        (the fallback is said unless ``quiet_fallback``; with ``confident_only`` nothing at all
        is said or recorded then, nor below ``min_score``)."""
        result = self.faq.ask(text, ctx.lang, 3)
        if confident_only and (not result.answers or result.fallback or result.answers[0].score < min_score):
            return False
        if result.answers and not result.fallback:
            best = result.answers[0]
            ctx.events.append(("faq_answered", {"id": best.id, "score": best.score}))
            ctx.say(self._t("faq_answer", ctx.lang, answer=best.answer, sections="、".join(best.sections)))
            ctx.say(
                self._t("faq_helpful", ctx.lang),
                [
                    ButtonOut(title=self._t("faq_helpful_yes", ctx.lang), payload=f"/feedback {best.id} yes"),
                    ButtonOut(title=self._t("faq_helpful_no", ctx.lang), payload=f"/feedback {best.id} no"),
                ],
            )
            return True
        ctx.events.append(("faq_fallback", {}))
        if not quiet_fallback:
            ctx.say(result.message or self._t("faq_fallback", ctx.lang))
        return False

    def _accept(self, ctx: _Ctx, step: Step, text: str, button: str | None) -> tuple[bool, Any, str]:
        """Is ``text`` (or the pressed ``button``) a good answer to ``step``? (ok, value, error)."""
        ask = step.ask
        assert ask is not None
        lang = ctx.lang
        parse = ctx.parse
        raw = text.strip()
        if ask.type in ("choice", "int", "amount", "share", "yes_no"):
            raw = self.nlu.words.strip_particles(raw)  # 三级吧 / 个人啊
        entities = parse.entities if parse is not None else []

        def entity(kind: str) -> Any:
            for e in entities:
                if e.type == kind:
                    return e
            return None

        def bad(key: str, **kw: Any) -> tuple[bool, Any, str]:
            return False, None, self._t(f"invalid.{key}", lang, **kw)

        candidate: Any
        if ask.type == "choice":
            visible = self._visible_choices(ctx, ask)
            picked = _match_choice(visible, raw, button, lang)
            if picked is None:
                options = "、".join(pick(c.title.zh, c.title.en, lang) for c in visible)
                return bad("choice", options=options)
            candidate = picked.value
        elif ask.type == "yes_no":
            yes = True if button == "yes" else False if button == "no" else _yes_no(parse)
            if button is None and not ask.offer and self.nlu.words.is_acknowledgement(raw):
                return bad("yes_no_ack")  # 好的 / 知道了 state no fact: the question again, with its buttons
            if yes is None:
                return bad("yes_no")
            candidate = yes
        elif ask.type in ("text", "name"):
            limit = 50 if ask.type == "name" else 200
            if not raw or len(raw) > limit:
                return bad(ask.type)
            candidate = raw
        elif ask.type in ("id_number", "cert_number", "mobile"):
            found = entity(ask.type)
            candidate = found.raw if found is not None else raw
            if not candidate:
                return bad(ask.type)
        elif ask.type == "amount":
            found = entity("amount")
            candidate = found.value if found is not None else _plain_int(raw)
            if not isinstance(candidate, int) or isinstance(candidate, bool):
                return bad("amount")
            if (ask.min is not None and candidate < ask.min) or (ask.max is not None and candidate > ask.max):
                return bad("amount_range", min=ask.min or 0, max=ask.max or 10**12)
        elif ask.type == "date":
            found = entity("date")
            if found is None or found.extra.get("grain", "day") != "day":
                return bad("date")
            candidate = str(found.value)
            day = datetime.date.fromisoformat(candidate)
            if ask.future is True and day <= self.today():
                return bad("date_past")
            if ask.future is False and day > self.today():
                return bad("date_future")
        elif ask.type == "share":
            if normalize_text(raw) in ("0", "零", "0%", "不转让", "none", "nothing"):
                candidate = "0"
            else:
                found = entity("share")
                if found is None:
                    return bad("share")
                candidate = str(found.value)
        elif ask.type == "int":
            candidate = _plain_int(raw)
            low, high = ask.min if ask.min is not None else 0, ask.max if ask.max is not None else 10**9
            if candidate is None or not low <= candidate <= high:
                return bad("int", min=low, max=high)
        else:  # pragma: no cover - the schema allows no other type
            return bad("text")
        if ask.validate_ is not None:
            context = self._context(ctx, value=candidate)
            payload = {k: evaluate(expr, context) for k, expr in ask.validate_.input.items()}
            out = rules.evaluate(ask.validate_.rule, payload)
            if not out.get(ask.validate_.ok):
                return False, None, rule_message(out, lang) or self._t("invalid.text", lang)
            if ask.validate_.store is not None:
                candidate = out.get(ask.validate_.store, candidate)
        return True, candidate, ""

    def _visible_choices(self, ctx: _Ctx, ask: Ask) -> list[Any]:
        context = self._context(ctx)
        return [c for c in ask.choices if c.when is None or evaluate(c.when, context)]

    def _names_hidden_choice(self, ctx: _Ctx, step: Step, text: str) -> bool:
        """The answer names a choice its ``when`` hides here (线上签署 where only offline signing is
        possible): say why (its ``unavailable`` text) and ask again, instead of a wish for another flow."""
        ask = step.ask
        if ask is None or ask.type != "choice":
            return False
        visible = self._visible_choices(ctx, ask)
        hidden = [c for c in ask.choices if c not in visible and c.unavailable is not None]
        picked = _match_choice(hidden, text, None, ctx.lang) if hidden else None
        if picked is None or picked.unavailable is None:
            return False
        ctx.say(self._render_text(picked.unavailable.zh, picked.unavailable.en, ctx))
        self._ask(ctx, step)
        return True

    def _set_slot(self, ctx: _Ctx, step: Step, value: Any) -> None:
        state = ctx.state
        assert step.ask is not None
        slot = step.ask.slot
        state["history"].append(
            {
                "kind": "answer",
                "step": step.id,
                "slot": slot,
                "had": slot in state["slots"],
                "old": state["slots"].get(slot),
            }
        )
        state["slots"][slot] = value
        state["failures"] = 0

    # ------------------------------------------------------------------ running a flow
    def _want_flow(self, ctx: _Ctx, flow_id: str) -> None:
        state = ctx.state
        current = state["flow"]
        if current == flow_id:
            self._ask_again_or_greet(ctx)
            return
        if current is not None:
            state["pending"] = {"kind": "switch", "flow": flow_id}
            names = {
                "current": self._flow_title(current, ctx.lang),
                "target": self._flow_title(flow_id, ctx.lang),
            }
            ctx.say(
                self._t("switch_confirm", ctx.lang, **names),
                [
                    ButtonOut(title=self._t("switch_yes", ctx.lang, **names), payload=f"/switch {flow_id}"),
                    ButtonOut(title=self._t("switch_no", ctx.lang, **names), payload="/stay"),
                ],
            )
            return
        self._start_flow(ctx, flow_id)

    def _start_flow(self, ctx: _Ctx, flow_id: str) -> None:
        """Start ``flow_id`` afresh: its own earlier answers go, other flows' stay."""
        flow = self.flows[flow_id]
        self._clear_flow_slots(ctx.state, flow)
        ctx.events.append(("flow_started", {"flow": flow_id}))
        ctx.say(
            self._t(
                "flow_start",
                ctx.lang,
                title=self._flow_title(flow_id, ctx.lang),
                section=flow.section,
                description=self._render_text(flow.description.zh, flow.description.en, ctx),
            )
        )
        self._enter(ctx, flow_id, 0)

    def _enter(self, ctx: _Ctx, flow_id: str, index: int) -> None:
        state = ctx.state
        state["flow"], state["step"], state["history"], state["failures"] = flow_id, None, [], 0
        state["results"], state["return_to"] = {}, None
        self._run(ctx, index)

    def _continue(self, ctx: _Ctx) -> None:
        """After an answer: go on from the step after the current one."""
        state = ctx.state
        flow = self.flows[state["flow"]]
        step = flow.step(state["step"])
        back_to, state["return_to"] = state["return_to"], None
        if back_to in flow.positions:  # the answer the platform refused is fixed: try that step again
            self._run(ctx, flow.index(back_to))
            return
        self._run(ctx, flow.index(step.goto) if step.goto else flow.index(step.id) + 1)

    def _run(self, ctx: _Ctx, index: int) -> None:
        """Run steps from ``index`` until a question waits for an answer or the flow ends."""
        state = ctx.state
        flow = self.flows[state["flow"]]
        for _ in range(_MAX_STEPS_PER_TURN):
            if index >= len(flow.steps):
                self._end_flow(ctx, flow, None)
                return
            step = flow.steps[index]
            context = self._context(ctx)
            if step.when is not None and not evaluate(step.when, context):
                if step.ask is not None:  # a skipped question keeps no stale answer (e.g. after 返回)
                    state["slots"].pop(step.ask.slot, None)
                index += 1
                continue
            if step.act is not None and not self._linked(state):
                index += 1  # guidance only: no account linked
                continue
            state["step"] = step.id
            if step.ask is not None:
                self._ask(ctx, step)
                return
            if step.act is not None:
                goto = self._act(ctx, step)
                if goto is None:
                    return  # the step waits (platform down or refused): offered again
                if goto:  # refused: the platform's message was said, go back to the step named
                    index = flow.index(goto)
                    continue
            if step.say is not None:
                ctx.say(self._render_text(step.say.zh, step.say.en, ctx), self._step_buttons(ctx, step))
            elif step.decide is not None:
                payload = {k: evaluate(expr, context) for k, expr in step.decide.input.items()}
                state["results"][step.decide.save_as] = rules.evaluate(step.decide.rule, payload)
            elif step.collect is not None:
                record = {name: state["slots"].get(name) for name in step.collect.slots}
                state["history"].append({"kind": "collect", "into": step.collect.into, "record": record})
                state["slots"].setdefault(step.collect.into, []).append(record)
                for name in step.collect.slots:
                    state["slots"].pop(name, None)
            elif step.summary is not None:
                self._end_flow(ctx, flow, step)
                return
            if step.end:
                self._end_flow(ctx, flow, None)
                return
            if step.goto and flow.index(step.goto) <= index:
                self._discard_answer(state, flow.steps[flow.index(step.goto)])
            index = flow.index(step.goto) if step.goto else index + 1
        raise RuntimeError(f"flow {flow.id}: more than {_MAX_STEPS_PER_TURN} steps without a question")

    # ------------------------------------------------------------------ the platform
    def _linked(self, state: dict[str, Any]) -> bool:
        return self.platform is not None and bool(state.get("platform"))

    def _call_platform(self, ctx: _Ctx, name: str, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        if not ctx.may_block:
            raise _NeedsThread
        assert self.platform is not None
        return self.platform.call(name, token, body)

    def _act(self, ctx: _Ctx, step: Step) -> str | None:
        """Run an ``act`` step: "" when done (its answer kept), a step id to go to after a refusal
        with ``on_refused``, or None when the step waits to be offered again (slots kept)."""
        act = step.act
        assert act is not None
        state = ctx.state
        context = self._context(ctx)
        body = {k: evaluate(expr, context) for k, expr in act.input.items()}
        try:
            out = self._call_platform(ctx, act.call, body, state["platform"]["token"])
        except PlatformDown:
            ctx.events.append(("platform_down", {"flow": state["flow"], "step": step.id}))
            ctx.say(self._t("platform_down", ctx.lang), self._buttons("platform_buttons", ctx.lang))
            return None
        except PlatformRefused as exc:
            ctx.events.append(("platform_refused", {"step": step.id, "status": exc.status, "code": exc.code}))
            if exc.status == 401:  # the demo login expired (or was revoked): log in again
                self._unlink(ctx)
                ctx.say(self._t("platform_expired", ctx.lang), self._demo_buttons(ctx.lang))
                return None
            ctx.say(self._t("platform_refused", ctx.lang, message=_platform_message(exc.message, ctx.lang)))
            if (
                exc.reasons
            ):  # e.g. why online signing is not allowed: the rule's reasons, in the person's language
                ctx.say(self._t("platform_reasons", ctx.lang, reasons=exc.reasons))
            if act.on_refused is not None:
                state["return_to"] = step.id
                return act.on_refused
            ctx.add_buttons(self._buttons("platform_buttons", ctx.lang))
            return None
        state["results"][act.save_as] = out
        if act.keep:
            context = self._context(ctx)
            for slot, expr in act.keep.items():
                state["slots"][slot] = evaluate(expr, context)
        ctx.events.append(("platform_done", {"call": act.call}))
        return ""

    def _demo_buttons(self, lang: str) -> list[ButtonOut]:
        return [
            ButtonOut(title=pick(a["zh"], a["en"], lang), payload=f"/demo {a['key']}")
            for a in self.demo_accounts
        ]

    def _demo(self, ctx: _Ctx, key: str) -> None:
        """``/demo``: the demo accounts as buttons; ``/demo KEY``: log in with one and link the
        conversation to it (notices and SMS reach it); ``/demo off``: log out."""
        if self.platform is None:
            ctx.say(self._t("demo_unavailable", ctx.lang))
            self._ask_again_or_greet(ctx, quiet=True)
            return
        if key == "off":
            self._unlink(ctx)
            ctx.say(self._t("demo_unlinked", ctx.lang))
            self._ask_again_or_greet(ctx, quiet=True)
            return
        account = next((a for a in self.demo_accounts if a["key"] == key), None)
        if account is None:
            ctx.say(self._t("demo_choose", ctx.lang), self._demo_buttons(ctx.lang))
            return
        body = {
            "account_id": account["account_id"],
            "method": "yss_scan",
            "secret": account["secret"],
            "sms_code": None,
            "institution_id": account.get("institution_id"),
        }
        try:
            out = self._call_platform(ctx, "login", body, None)
        except PlatformDown:
            ctx.say(self._t("platform_down", ctx.lang), self._demo_buttons(ctx.lang))
            return
        except PlatformRefused as exc:
            ctx.say(self._t("platform_refused", ctx.lang, message=_platform_message(exc.message, ctx.lang)))
            return
        self._unlink(ctx)
        name = pick(account["zh"], account["en"], ctx.lang)
        ctx.state["platform"] = {
            "token": str(out["token"]),
            "account_id": str(out["account_id"]),
            "acting_for": out.get("acting_for"),
            "name": name,
        }
        links = SessionLinks(self.store)
        for account_id in {
            str(out["account_id"]),
            *([str(out["acting_for"])] if out.get("acting_for") else []),
        }:
            links.link(ctx.session_id, account_id)
        ctx.events.append(("demo_linked", {"key": key}))
        if ctx.state["flow"] is not None:
            ctx.say(self._t("demo_linked", ctx.lang, name=name))
            self._ask_again_or_greet(ctx, quiet=True)
        else:
            ctx.say(self._t("demo_linked", ctx.lang, name=name), self._buttons("demo_next_buttons", ctx.lang))

    def _unlink(self, ctx: _Ctx) -> None:
        linked = ctx.state.get("platform")
        ctx.state["platform"] = None
        if linked and ctx.session_id:
            links = SessionLinks(self.store)
            for account_id in (linked.get("account_id"), linked.get("acting_for")):
                if account_id:
                    links.unlink(ctx.session_id, str(account_id))

    def _end_flow(self, ctx: _Ctx, flow: Flow, summary: Step | None) -> None:
        ctx.events.append(("flow_finished", {"flow": flow.id}))
        buttons = [b for b in flow.next if b.when is None or evaluate(b.when, self._context(ctx))]
        out = [ButtonOut(title=pick(b.title.zh, b.title.en, ctx.lang), payload=b.payload) for b in buttons]
        if summary is not None and summary.summary is not None:
            ctx.say(
                self._render_text(summary.summary.zh, summary.summary.en, ctx),
                self._step_buttons(ctx, summary) + out,
            )
        elif out:
            ctx.add_buttons(out)
        self._finish_flow(ctx.state)
        self._offer_resume(ctx)

    def _finish_flow(self, state: dict[str, Any]) -> None:
        state["flow"], state["step"], state["history"], state["failures"] = None, None, [], 0
        state["return_to"] = None

    def _ask(self, ctx: _Ctx, step: Step) -> None:
        ask = step.ask
        assert ask is not None
        prompt = self._render_text(ask.prompt.zh, ask.prompt.en, ctx)
        progress = self._progress(ctx)
        if progress is not None:
            prompt = (
                f"（{self._t('progress', ctx.lang, current=progress.current, total=progress.total)}）{prompt}"
                if ctx.lang != "en"
                else f"({self._t('progress', ctx.lang, current=progress.current, total=progress.total)}) {prompt}"
            )
        buttons = self._step_buttons(ctx, step)
        if ask.type == "choice":
            buttons = [
                ButtonOut(title=pick(c.title.zh, c.title.en, ctx.lang), payload=_choice_key(c.value))
                for c in self._visible_choices(ctx, ask)
            ] + buttons
        elif ask.type == "yes_no":
            buttons = self._buttons("yes_no_buttons", ctx.lang) + buttons
        ctx.say(prompt, buttons)

    def _ask_again_or_greet(self, ctx: _Ctx, quiet: bool = False) -> None:
        step = self._current_step(ctx.state)
        if step is not None and step.ask is not None:
            self._ask(ctx, step)
        elif step is not None and step.act is not None:
            ctx.say(self._t("platform_pending", ctx.lang), self._buttons("platform_buttons", ctx.lang))
        elif ctx.state["flow"] is None and (not quiet or not ctx.replies):
            # no question open: greet, unless something was said already this turn (quiet)
            ctx.say(self._t("greeting", ctx.lang), self._menu(ctx.lang))

    def _back(self, ctx: _Ctx) -> None:
        state = ctx.state
        if state["flow"] is None:
            ctx.say(self._t("no_flow", ctx.lang), self._menu(ctx.lang))
            return
        history = state["history"]
        state["return_to"] = None
        while history:
            entry = history.pop()
            if entry["kind"] == "collect":
                items = state["slots"].get(entry["into"], [])
                if items:
                    items.pop()
                for name, value in entry["record"].items():
                    state["slots"][name] = value
                continue
            if entry["had"]:
                state["slots"][entry["slot"]] = entry["old"]
            else:
                state["slots"].pop(entry["slot"], None)
            state["step"], state["failures"] = entry["step"], 0
            ctx.say(self._t("back_done", ctx.lang))
            self._ask(ctx, self.flows[state["flow"]].step(entry["step"]))
            return
        ctx.say(self._t("back_first", ctx.lang))
        self._ask_again_or_greet(ctx, quiet=True)

    def _suspend_current(self, ctx: _Ctx) -> None:
        state = ctx.state
        if state["flow"] is None:
            return
        state["suspended"] = [s for s in state["suspended"] if s["flow"] != state["flow"]]
        state["suspended"].append(
            {
                "flow": state["flow"],
                "step": state["step"],
                "history": state["history"],
                "results": state["results"],
            }
        )
        self._finish_flow(state)

    def _offer_resume(self, ctx: _Ctx) -> None:
        if ctx.state["suspended"] and ctx.state["flow"] is None:
            title = self._flow_title(ctx.state["suspended"][-1]["flow"], ctx.lang)
            ctx.say(
                self._t("resume_offer", ctx.lang, title=title),
                [
                    ButtonOut(title=self._t("resume_yes", ctx.lang, title=title), payload="/resume"),
                    ButtonOut(title=self._t("resume_no", ctx.lang), payload="/drop"),
                ],
            )

    def _resume(self, ctx: _Ctx) -> None:
        state = ctx.state
        if not state["suspended"]:
            ctx.say(self._t("stale_button", ctx.lang))
            self._ask_again_or_greet(ctx)
            return
        if state["flow"] is not None:
            self._suspend_current(ctx)
            saved = state["suspended"].pop(-2) if len(state["suspended"]) > 1 else state["suspended"].pop()
        else:
            saved = state["suspended"].pop()
        state.update(
            flow=saved["flow"],
            step=saved["step"],
            history=saved["history"],
            results=saved["results"],
            failures=0,
        )
        ctx.say(self._t("resumed", ctx.lang, title=self._flow_title(saved["flow"], ctx.lang)))
        self._ask_again_or_greet(ctx)

    @staticmethod
    def _discard_answer(state: dict[str, Any], target: Step) -> None:
        """The flow goes back to the question ``target`` (定金比成交价格还高 → the deposit again):
        the answer it had is rejected or about to be replaced, so it leaves the slots (and, when
        it was the last answer, the history: 返回 then undoes the answer before it)."""
        if target.ask is None:
            return
        state["slots"].pop(target.ask.slot, None)
        history = state["history"]
        if history and history[-1].get("kind") == "answer" and history[-1].get("step") == target.id:
            history.pop()

    def _clear_flow_slots(self, state: dict[str, Any], flow: Flow) -> None:
        for name in flow.slots():
            state["slots"].pop(name, None)
            state["results"].pop(name, None)

    # ------------------------------------------------------------------ helpers
    def _current_step(self, state: dict[str, Any]) -> Step | None:
        if state["flow"] is None or state["step"] is None:
            return None
        return self.flows[state["flow"]].step(state["step"])

    def _progress(self, ctx: _Ctx) -> Progress | None:
        """第3步/共7步: the current question among the questions that apply so far (once per state)."""
        state = ctx.state
        key = (state["flow"], state["step"], len(state["history"]), len(state["results"]))
        if key not in ctx.progress_memo:
            ctx.progress_memo[key] = self._compute_progress(state)
        return ctx.progress_memo[key]

    def _compute_progress(self, state: dict[str, Any]) -> Progress | None:
        step = self._current_step(state)
        if step is None or step.ask is None:
            return None
        asks = [s.id for s in self.asks_that_apply(state)]
        return Progress(current=asks.index(step.id) + 1, total=len(asks))

    def asks_that_apply(self, state: dict[str, Any]) -> list[Step]:
        """The flow's questions whose ``when`` holds on the answers so far, and the current step
        if it is a question: what 第3步/共7步 counts, and what the staff queue says is missing."""
        if not state.get("flow") or state["flow"] not in self.flows:
            return []
        flow = self.flows[state["flow"]]
        slots, results = state.get("slots", {}), state.get("results", {})  # a stored state too (the desk)
        context = {
            **results,
            **slots,
            "slots": slots,
            "lang": state.get("lang", "zh"),
            "linked": self._linked(state),
        }
        holds = iter(evaluate_all(flow.ask_conditions, context))  # one Jinja call for all the ``when``s
        current = state.get("step")
        return [
            s
            for s in flow.steps
            if s.ask is not None and ((s.when is None or next(holds)) or s.id == current)
        ]

    def _context(self, ctx: _Ctx, **extra: Any) -> dict[str, Any]:
        state = ctx.state
        return {
            **state["results"],
            **state["slots"],
            "slots": state["slots"],
            "results": state["results"],
            "lang": ctx.lang,
            "today": self.today().isoformat(),
            "linked": self._linked(state),
            "demo_parties": self.demo_parties,
            **extra,
        }

    def _render_text(self, zh: str, en: str, ctx: _Ctx) -> str:
        return render(pick(zh, en, ctx.lang), self._context(ctx))

    def _step_buttons(self, ctx: _Ctx, step: Step) -> list[ButtonOut]:
        context = self._context(ctx)
        return [
            ButtonOut(title=pick(b.title.zh, b.title.en, ctx.lang), payload=b.payload)
            for b in step.buttons
            if b.when is None or evaluate(b.when, context)
        ]

    def _flow_title(self, flow_id: str, lang: str) -> str:
        title = self.flows[flow_id].title
        return pick(title.zh, title.en, lang)

    def _t(self, key: str, lang: str, **kw: Any) -> str:
        node: Any = self.m
        for part in key.split("."):
            node = node[part]
        return render(pick(node["zh"], node["en"], lang), {"lang": lang, **kw})

    def _buttons(self, key: str, lang: str) -> list[ButtonOut]:
        return [ButtonOut(title=pick(b["zh"], b["en"], lang), payload=b["payload"]) for b in self.m[key]]

    def _menu(self, lang: str) -> list[ButtonOut]:
        return [b for b in self._buttons("menu_buttons", lang) if _payload_flow_ok(b.payload, self.flows)]

    def _turn_out(self, session_id: str, ctx: _Ctx, started: float) -> Turn:
        state = ctx.state
        log.info(
            "turn session=%s… flow=%s step=%s replies=%d ms=%.2f",
            session_id[:6],
            state["flow"],
            state["step"],
            len(ctx.replies),
            (time.perf_counter() - started) * 1000,
        )
        return Turn(
            session_id=session_id,
            replies=ctx.replies,
            state=TurnState(
                flow=state["flow"], step=state["step"], progress=self._progress(ctx), slots=state["slots"]
            ),
            handoff=state["handoff"],
        )


# ---------------------------------------------------------------------------- small pure helpers
def _upgrade(state: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored state up to :data:`STATE_VERSION` (fields added later get defaults)."""
    base = new_state(state.get("lang", "zh"))
    base.update(state)
    base["v"] = STATE_VERSION
    return base


def _platform_message(message: str, lang: str) -> str:
    """The platform's message in the person's language: its messages are Chinese, some with
    `` / English`` after them (``没有这个合同 / no such contract``)."""
    zh, sep, en = message.partition(" / ")
    if not sep:
        return message
    return en.strip() if lang == "en" else zh.strip()


def _payload_flow_ok(payload: str, flows: dict[str, Flow]) -> bool:
    if payload.startswith("/flow "):
        return payload.split(" ", 1)[1] in flows
    return True


def _yes_no(parse: Parse | None) -> bool | None:
    """A yes or no in the NLU's reading (its yes_no entity, or a clear affirm / deny)."""
    if parse is None:
        return None
    for e in parse.entities:
        if e.type == "yes_no":
            return bool(e.value)
    if parse.intent in ("affirm", "deny") and parse.confidence >= 0.6:
        return parse.intent == "affirm"
    return None


def _plain_int(text: str) -> int | None:
    """A whole number typed alone: 4, 四, 4级, 第三 (the NLU's numeral reader)."""
    low = normalize_text(text).replace(",", "").rstrip("级个位元").removeprefix("第")
    value = any_to_decimal(low)
    return int(value) if value is not None and value == int(value) else None


def _choice_key(value: Any) -> str:
    """A choice's button payload: its value as text (booleans as ``true`` / ``false``)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _choice_names(choice: Any) -> list[str]:
    names = [choice.title.zh, choice.title.en, _choice_key(choice.value), *choice.synonyms]
    return [n for n in (normalize_text(x) for x in names) if n]


def _contains(text: str, name: str) -> bool:
    """``name`` inside ``text``: whole words for Latin names, two characters at least for Chinese."""
    if name.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", text) is not None
    return len(name) >= 2 and name in text


def _match_choice(choices: list[Any], text: str, button: str | None, lang: str) -> Any:
    """The choice a button press or a typed answer means, or None.

    A button payload, the option's number, an exact name or synonym, or else the one
    option whose name appears in the text (the longest name wins: 非住宅 over 住宅).
    """
    if button is not None:
        return next((c for c in choices if _choice_key(c.value) == button), None)
    norm = normalize_text(text)
    if not norm:
        return None
    if norm.isdigit() and 1 <= int(norm) <= len(choices):
        return choices[int(norm) - 1]
    exact = [c for c in choices if norm in _choice_names(c)]
    if len(exact) == 1:
        return exact[0]
    scored = [
        (max((len(n) for n in _choice_names(c) if _contains(norm, n)), default=0), i)
        for i, c in enumerate(choices)
    ]
    best, index = max(scored)
    if best == 0 or sum(1 for score, _ in scored if score == best) > 1:
        return None
    return choices[index]
