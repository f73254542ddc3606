"""``python -m bot desk``: the 12345 hotline desk in a terminal, for staff without a browser.

A line-oriented REPL (readline history on a terminal, plain lines on a pipe)
that talks to a **running server** over HTTP, like any other client: the staff
API of ``chat-api.md`` ("Hotline staff"), ``POST /api/faq`` and
``POST /api/rules/NAME``.  Tables and panels are drawn with ``rich``.

python -m bot desk --user alice [--url http://127.0.0.1:8080]

The URL defaults to ``server.host``:``server.port`` of the settings
(``ESF_HOST``/``ESF_PORT``).  The password is asked with ``getpass``; for
scripts it comes from ``--password-file PATH`` (first line), the
``ESF_DESK_PASSWORD`` environment variable, or ``--password-stdin`` (the first
line of standard input; the commands follow on the next lines).

Nothing is logged and the readline history stays in memory (a reply may hold a
caller's details); the token lives only in the process.  A wrong password or an
unreachable server at sign-in is one line on standard error and exit code 1.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import shlex
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TextIO

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dialogs.contract_texts import contract_texts
from rules import RULE_NAMES
from rules.codes import DOC_TYPE_NAMES, ORIGIN_NAMES, PARTY_TYPE_NAMES

PASSWORD_ENV = "ESF_DESK_PASSWORD"
TIMEOUT = 30.0

INT_FIELDS = {"account_level", "level"}
TRUE_WORDS = {"true", "yes", "y", "1", "是", "对"}
FALSE_WORDS = {"false", "no", "n", "0", "否", "不"}
SENDERS = {"user": "市民", "assistant": "助手", "staff": "坐席", "platform": "平台"}
PARTY_ROLES = ("buyer", "seller")  # the party shorthand's keys (their names: dialogs/contract_texts.yaml)

# The party shorthand: ROLE=TYPE[:ORIGIN][:FLAG...]
TYPE_WORDS = {
    "individual": "individual",
    "person": "individual",
    "个人": "individual",
    "enterprise": "enterprise",
    "company": "enterprise",
    "企业": "enterprise",
    "other_org": "other_org",
    "org": "other_org",
    "其他组织": "other_org",
}
ORIGIN_WORDS = {
    "mainland": "mainland",
    "cn": "mainland",
    "内地": "mainland",
    "hk": "hk",
    "香港": "hk",
    "macau": "macau",
    "mo": "macau",
    "澳门": "macau",
    "taiwan": "taiwan",
    "tw": "taiwan",
    "台湾": "taiwan",
    "foreign": "foreign",
    "外籍": "foreign",
}
CAPACITY_WORDS = {"limited": "limited", "限制": "limited", "none": "none", "无行为能力": "none"}
USAGE_WORDS = {
    "residential": "residential",
    "住宅": "residential",
    "non_residential": "non_residential",
    "nonres": "non_residential",
    "非住宅": "non_residential",
}

HELP_RULE = """\
rule NAME key=value ...   调用规则 / run a rule (POST /api/rules/NAME)
  key=value   文本；true/false、yes/no 为布尔；account_level、level 为整数 / text, booleans, integers
  key:=JSON   原样的 JSON 值 / a raw JSON value, e.g. parties:='[...]'
  signing_options 可用简写 / takes the party shorthand: buyer=... seller=... (可重复 / repeatable)
  规则 / rules: {rules}
  例 / e.g.  rule validate_id doc_type=resident_id number=11010519491231002X
             rule signing_options seller=enterprise buyer=individual:hk
             rule contract_steps usage=residential signing=offline filing_required=yes overseas_party=no"""

HELP_SITUATION = """\
situation seller=TYPE[:ORIGIN][:FLAG...] buyer=... usage=residential|non_residential [filing=yes|no] [industrial=yes]
  一次给出签署方式、合同步骤、各方证件类型 / signing options + contract steps + document types
  TYPE: individual 个人 | enterprise 企业 | other_org 其他组织 (默认 individual)
  ORIGIN: mainland 内地 | hk 香港 | macau 澳门 | taiwan 台湾 | foreign 外籍 (默认 mainland)
  FLAG: agent 委托代理人 | noisz 无法使用i深圳 | limited 限制民事行为能力 | none 无民事行为能力
  例 / e.g.  situation seller=enterprise buyer=individual:hk usage=residential
             situation seller=individual buyer=individual:mainland:agent buyer=individual usage=住宅"""


class DeskError(Exception):
    """A mistake in what was typed: one line, the REPL goes on."""


class Unreachable(Exception):
    """The server did not answer (connection refused, timeout, DNS)."""


class ApiFailure(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


# ---------------------------------------------------------------------------- HTTP
@dataclass
class Client:
    """JSON over HTTP with the standard library; a bearer token once signed in."""

    url: str
    token: str | None = None

    def call(self, method: str, path: str, body: Any = None, *, auth: bool = False) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            try:
                err = json.loads(exc.read() or b"null")["error"]
                code, message = str(err["code"]), str(err["message"])
            except (ValueError, TypeError, KeyError):
                code, message = "http_error", exc.reason if isinstance(exc.reason, str) else "HTTP error"
            raise ApiFailure(exc.code, code, message, dict(exc.headers or {})) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Unreachable(str(reason)) from None
        except ValueError:  # not JSON: not our server
            raise Unreachable("the answer is not JSON (is this esf-guide?)") from None

    def login(self, username: str, password: str) -> None:
        out = self.call("POST", "/api/staff/login", {"username": username, "password": password})
        self.token = str(out["token"])


def login_problem(exc: ApiFailure) -> str:
    if exc.status == 401:
        return "用户名或密码错误 / wrong username or password"
    if exc.status == 429:
        wait = exc.headers.get("Retry-After", "?")
        return f"登录失败次数过多，请 {wait} 秒后再试 / too many failed sign-ins; try again in {wait} s"
    return f"登录失败 / sign-in failed: {exc.status} {exc.code}"


def unreachable_line(url: str, exc: Unreachable) -> str:
    return f"无法连接服务器 {url}（{exc}）/ cannot reach the server; is it running?"


# ---------------------------------------------------------------------------- parsing helpers
def parse_value(key: str, raw: str) -> Any:
    """A ``key=value`` argument as JSON: booleans by word, integers for the known integer fields.

    >>> parse_value("via_agent", "yes"), parse_value("level", "4"), parse_value("number", "0123")
    (True, 4, '0123')
    """
    low = raw.strip().lower()
    if low in {"true", "yes", "false", "no"} or raw in {"是", "否"}:
        return low in TRUE_WORDS or raw == "是"
    if key in INT_FIELDS and re.fullmatch(r"-?\d+", raw.strip()):
        return int(raw)
    return raw


def parse_flag(raw: str) -> bool:
    low = raw.strip().lower()
    if low in TRUE_WORDS:
        return True
    if low in FALSE_WORDS:
        return False
    raise DeskError(f"“{raw}” 不是 yes/no / is not yes or no")


def parse_party(role: str, spec: str) -> dict[str, Any]:
    """``ROLE=TYPE[:ORIGIN][:FLAG...]`` → a party of ``signing_options``.

    >>> parse_party("buyer", "individual:hk:agent")["origin"], parse_party("seller", "企业")["type"]
    ('hk', 'enterprise')
    """
    party: dict[str, Any] = {
        "role": role,
        "type": "individual",
        "origin": "mainland",
        "capacity": "full",
        "via_agent": False,
        "can_use_isz": True,
    }
    for i, token in enumerate(t for t in re.split(r"[:：,，]", spec.strip()) if t):
        word = token.strip().lower()
        if i == 0 and word in TYPE_WORDS:
            party["type"] = TYPE_WORDS[word]
        elif word in ORIGIN_WORDS:
            party["origin"] = ORIGIN_WORDS[word]
        elif word in CAPACITY_WORDS:
            party["capacity"] = CAPACITY_WORDS[word]
        elif word in {"agent", "代理", "委托"}:
            party["via_agent"] = True
        elif word in {"noisz", "no_isz", "无i深圳"}:
            party["can_use_isz"] = False
        else:
            raise DeskError(
                f"{role}={spec}: 不认识 “{token}” / unknown “{token}” "
                "(TYPE[:ORIGIN][:agent|noisz|limited|none]; 见 help situation)"
            )
    return party


def split_args(rest: str) -> list[str]:
    try:
        return shlex.split(rest)
    except ValueError as exc:
        raise DeskError(f"参数有误 / cannot parse the arguments: {exc}") from None


def sections_in(text: str) -> list[str]:
    """The manual's section numbers cited in a message.

    >>> sections_in("只能线下签署（手册5.3.1 第2种情况，5.4.1 只写“买方”；5.3.5.1）")
    ['5.3.1', '5.4.1', '5.3.5.1']
    """
    found = re.findall(r"(?<![\d.])([1-9](?:\.\d+)+)", text)
    return list(dict.fromkeys(found))


def when(since: str | None) -> str:
    """An ISO time as local HH:MM:SS, with minutes waited when it carries a zone."""
    if not since:
        return "—"
    try:
        at = datetime.fromisoformat(since)
    except ValueError:
        return since
    if at.tzinfo is None:
        return at.strftime("%H:%M:%S")
    minutes = int((datetime.now(UTC) - at).total_seconds() // 60)
    return f"{at.astimezone().strftime('%H:%M:%S')}（{max(minutes, 0)}分钟）"


# ---------------------------------------------------------------------------- the desk
@dataclass
class Desk:
    client: Client
    username: str
    console: Console
    relogin_password: Callable[[], str | None]
    lang: str = "zh"
    queue: list[dict[str, Any]] = field(default_factory=list)
    current: str | None = None
    last_copy: str | None = None

    # -- plumbing
    def say(self, text: str, style: str | None = None) -> None:
        self.console.print(Text(text, style=style or ""))

    def msg(self, out: dict[str, Any]) -> str:
        zh, en = str(out.get("message") or ""), str(out.get("message_en") or "")
        return en if self.lang == "en" and en else zh

    def authed(self, method: str, path: str, body: Any = None) -> Any:
        """A staff call; an expired token → say so, sign in again, and try once more."""
        try:
            return self.client.call(method, path, body, auth=True)
        except ApiFailure as exc:
            if exc.status != 401:
                raise
        self.say("登录已过期或失效，请重新登录 / your sign-in has expired; sign in again", "yellow")
        password = self.relogin_password()
        if not password:
            raise DeskError("未重新登录 / not signed in")
        try:
            self.client.login(self.username, password)
        except ApiFailure as exc:
            raise DeskError(login_problem(exc)) from None
        self.say(f"已重新登录 / signed in again as {self.username}", "green")
        return self.client.call(method, path, body, auth=True)

    def session_path(self, action: str = "") -> str:
        if self.current is None:
            raise DeskError("先用 open N 打开一个会话 / open a conversation first (open N)")
        return f"/api/staff/sessions/{self.current}" + (f"/{action}" if action else "")

    # -- commands
    def do_queue(self, rest: str) -> None:
        self.queue = list(self.authed("GET", "/api/staff/handoffs")["handoffs"])
        if not self.queue:
            self.say("队列为空：没有等待人工的会话 / nobody is waiting")
            return
        table = Table(title=f"等待人工 / waiting ({len(self.queue)})", title_justify="left")
        for col in ("#", "since 等候", "flow 流程", "step 步骤", "summary 摘要"):
            table.add_column(col, overflow="fold")
        for i, h in enumerate(self.queue, 1):
            table.add_row(
                str(i),
                when(h.get("since")),
                Text(str(h.get("flow") or "—")),
                Text(str(h.get("step") or "—")),
                Text(str(h.get("summary") or "")),
            )
        self.console.print(table)
        self.say("open N 打开 / open N to read one")

    def do_open(self, rest: str) -> None:
        arg = rest.strip()
        if not arg:
            if self.current is None:
                raise DeskError("用法 / usage: open N|SESSION_ID")
            arg = self.current
        if arg.isdigit() and len(arg) < 6:
            n = int(arg)
            if not 1 <= n <= len(self.queue):
                raise DeskError(f"队列里没有第 {n} 个，先运行 queue / no row {n}: run queue first")
            arg = str(self.queue[n - 1]["session_id"])
        self.current = arg
        out = self.authed("GET", self.session_path())
        state, transcript = out["state"], out["transcript"]
        lines = Text()
        for label, value in (
            ("会话 session", self.current),
            ("流程 flow", state.get("flow") or "—"),
            ("步骤 step", state.get("step") or "—"),
            ("摘要 summary", state.get("summary") or ""),
            ("语言 lang", state.get("lang") or "—"),
            ("转人工 handoff", "是 yes" if state.get("handoff") else "否 no"),
            ("等候自 since", when(state.get("since"))),
            ("接手 taken", state.get("taken_by") or "无人 nobody"),
        ):
            lines.append(f"{label}: ", style="bold")
            lines.append(f"{value}\n")
        slots = state.get("slots") or {}
        lines.append("已填 slots: ", style="bold")
        lines.append("; ".join(f"{k}={v}" for k, v in slots.items()) or "—")
        self.console.print(Panel(lines, title="会话 / conversation", title_align="left"))
        table = Table(title="对话记录（已脱敏）/ transcript (masked)", title_justify="left")
        for col in ("seq", "at", "from", "text"):
            table.add_column(col, overflow="fold")
        for m in transcript:
            sender = str(m.get("from"))
            table.add_row(
                str(m.get("seq")),
                when(m.get("at")).split("（")[0],
                SENDERS.get(sender, sender),
                Text(str(m.get("text") or "")),
            )
        self.console.print(table)

    def do_take(self, rest: str) -> None:
        self.authed("POST", self.session_path("take"))
        self.say("已接手，可以回复 / taken: reply TEXT or > TEXT", "green")

    def do_reply(self, rest: str) -> None:
        text = rest.strip()
        if not text:
            raise DeskError("用法 / usage: reply TEXT（或 > TEXT）")
        out = self.authed("POST", self.session_path("reply"), {"text": text})
        self.say(f"已发送 / sent (#{out.get('seq')})", "green")

    def do_close(self, rest: str) -> None:
        self.authed("POST", self.session_path("close"))
        self.say("已结束人工服务，助手从原步骤继续 / handed back to the assistant", "green")

    def do_faq(self, rest: str) -> None:
        question = rest.strip()
        if not question:
            raise DeskError("用法 / usage: faq QUESTION")
        out = self.client.call("POST", "/api/faq", {"q": question, "k": 3})
        answers = out.get("answers") or []
        if out.get("fallback") or not answers:
            message = str(out.get("message") or "手册没有覆盖这个问题 / the manual does not cover this")
            self.console.print(Panel(Text(message), title="FAQ: 没有把握的答案 / no confident answer"))
            self.last_copy = message
            return
        best = answers[0]
        sections = [str(s) for s in best.get("sections") or []]
        body = Text()
        body.append(f"{best.get('question')}\n", style="bold")
        body.append(f"{best.get('answer')}\n")
        body.append(f"手册章节 / manual sections: {', '.join(sections) or '—'}", style="cyan")
        self.console.print(Panel(body, title=f"FAQ（{best.get('id')}）", title_align="left"))
        for other in answers[1:]:
            more = ", ".join(str(s) for s in other.get("sections") or [])
            self.say(f"  也可参考 / see also: {other.get('question')}（{more or '—'}）", "dim")
        answer = str(best.get("answer"))
        cited = all(s in answer for s in sections)
        self.last_copy = answer + (
            "" if cited else f"（依据：二手房自助交易系统用户操作手册 {'、'.join(sections)}）"
        )

    def rule(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self.client.call("POST", f"/api/rules/{name}", body))

    def do_rule(self, rest: str) -> None:
        args = split_args(rest)
        if not args:
            raise DeskError("用法 / usage: rule NAME key=value ...（help rule）")
        name = args[0]
        body: dict[str, Any] = {}
        parties: list[dict[str, Any]] = []
        for arg in args[1:]:
            key, eq, raw = arg.partition("=")
            if not eq:
                raise DeskError(f"“{arg}” 应为 key=value / should be key=value")
            if key.endswith(":"):  # key:=JSON
                try:
                    body[key[:-1]] = json.loads(raw)
                except ValueError:
                    raise DeskError(f"{key}= 后面不是 JSON / not JSON after {key}=") from None
            elif name == "signing_options" and key in PARTY_ROLES:
                parties.append(parse_party(key, raw))
            else:
                body[key] = parse_value(key, raw)
        if parties:
            body["parties"] = parties
        out = self.rule(name, body)
        self.show_rule(name, out)

    def show_rule(self, name: str, out: dict[str, Any]) -> None:
        head = Text()
        copy: list[str] = []
        for key, value in out.items():
            if isinstance(value, (bool, int, float, str)) or value is None:
                if key in ("message", "message_en"):
                    continue
                shown = ("✔ " if value else "✘ ") + str(value).lower() if isinstance(value, bool) else value
                head.append(f"{key}: ", style="bold")
                head.append(f"{shown}\n")
            elif isinstance(value, list) and all(not isinstance(v, dict) for v in value):
                head.append(f"{key}: ", style="bold")
                head.append(", ".join(str(v) for v in value) + "\n")
        message = self.msg(out)
        if message:
            head.append(message)
            copy.append(message)
        head.rstrip()
        self.console.print(Panel(head, title=f"rule {name}", title_align="left"))
        for key, value in out.items():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                self.console.print(self.items_table(key, value, str(out.get("section") or "")))
                copy += [self.msg(v) or str(v.get("title") or "") for v in value]
        self.last_copy = "\n".join(c for c in copy if c) or json.dumps(out, ensure_ascii=False)

    def items_table(self, title: str, items: list[dict[str, Any]], fallback_section: str) -> Table:
        table = Table(title=title, title_justify="left")
        for col in ("#", "code", "text", "section 手册章节"):
            table.add_column(col, overflow="fold")
        for i, item in enumerate(items, 1):
            text = self.msg(item) or str(item.get("title") or "")
            section = str(item.get("section") or "") or ", ".join(sections_in(text)) or fallback_section
            table.add_row(str(i), str(item.get("code", "")), Text(text), section or "—")
        return table

    def do_situation(self, rest: str) -> None:
        parties: list[dict[str, Any]] = []
        usage: str | None = None
        filing: bool | None = None
        industrial = False
        for arg in split_args(rest):
            key, eq, raw = arg.partition("=")
            if not eq:
                raise DeskError(f"“{arg}” 应为 key=value / should be key=value（help situation）")
            if key in PARTY_ROLES:
                parties.append(parse_party(key, raw))
            elif key == "usage":
                if raw.lower() not in USAGE_WORDS:
                    raise DeskError("usage=residential|non_residential（住宅|非住宅）")
                usage = USAGE_WORDS[raw.lower()]
            elif key in ("filing", "filing_required"):
                filing = parse_flag(raw)
            elif key == "industrial":
                industrial = parse_flag(raw)
            else:
                raise DeskError(f"不认识 “{key}” / unknown “{key}”（help situation）")
        roles = {p["role"] for p in parties}
        if roles != {"buyer", "seller"}:
            raise DeskError("至少给出一个 buyer= 和一个 seller= / give at least one buyer= and one seller=")
        if usage is None:
            raise DeskError("请给出 usage=residential|non_residential / give usage=")
        if filing is None:
            from rules.steps import filing_required

            sellers = [p["type"] for p in parties if p["role"] == "seller"]
            buyers = [p["type"] for p in parties if p["role"] == "buyer"]
            filing = filing_required(usage, industrial, sellers, buyers)
        overseas = any(p["origin"] != "mainland" for p in parties)

        signing = self.rule("signing_options", {"parties": parties})
        online = bool(signing["online_allowed"])
        steps = self.rule(
            "contract_steps",
            {
                "usage": usage,
                "signing": "online" if online else "offline",
                "filing_required": filing,
                "overseas_party": overseas,
            },
        )
        docs = [
            self.rule("allowed_doc_types", {"role": p["role"], "type": p["type"], "origin": p["origin"]})
            for p in parties
        ]

        labels = [self.party_label(parties, i) for i in range(len(parties))]
        verdict = "可以线上签署 / online signing allowed" if online else "只能线下签署 / offline signing only"
        head = Text()
        head.append(verdict + "\n", style="bold green" if online else "bold yellow")
        head.append("各方 / parties: " + "；".join(labels) + "\n")
        head.append(
            f"用途 usage: {usage}；备案 filing: {'是 yes' if filing else '否 no'}；"
            f"境外一方 overseas: {'是 yes' if overseas else '否 no'}"
        )
        self.console.print(Panel(head, title="situation 签署方式 / signing", title_align="left"))
        if signing["reasons"]:
            table = Table(title="原因 / reasons", title_justify="left")
            for col in ("party 当事人", "code", "reason 原因", "section 手册章节"):
                table.add_column(col, overflow="fold")
            for r in signing["reasons"]:
                text = self.msg(r)
                table.add_row(
                    labels[int(r["party_index"])], str(r["code"]), Text(text), ", ".join(sections_in(text))
                )
            self.console.print(table)
        table = Table(title="合同步骤 / contract steps", title_justify="left")
        for col in ("#", "code", "step 步骤", "section 手册章节"):
            table.add_column(col, overflow="fold")
        for i, s in enumerate(steps["steps"], 1):
            table.add_row(str(i), str(s["code"]), Text(str(s["title"])), str(s["section"]))
        self.console.print(table)
        table = Table(title="证件类型 / document types", title_justify="left")
        for col in ("party 当事人", "doc types 证件", "note 说明"):
            table.add_column(col, overflow="fold")
        for label, d in zip(labels, docs, strict=True):
            names = "、".join(DOC_TYPE_NAMES.get(c, (c, c))[0] + f" ({c})" for c in d["doc_types"])
            table.add_row(label, names, Text(self.msg(d)))
        self.console.print(table)

        lines = [f"【签署方式】{'可以线上签署' if online else '只能线下签署'}。"]
        lines += [f"原因：{r['message']}" for r in signing["reasons"]]
        lines.append(
            "【办理步骤】"
            + "；".join(f"{i}. {s['title']}（手册{s['section']}）" for i, s in enumerate(steps["steps"], 1))
        )
        lines.append(
            "【证件】"
            + "；".join(
                f"{label}：{'、'.join(DOC_TYPE_NAMES.get(c, (c, c))[0] for c in d['doc_types'])}"
                for label, d in zip(labels, docs, strict=True)
            )
        )
        self.last_copy = "\n".join(lines)

    @staticmethod
    def party_label(parties: list[dict[str, Any]], index: int) -> str:
        """卖方1·企业·中国内地: numbered within the role, as the rules' messages number them."""
        party = parties[index]
        number = sum(1 for p in parties[: index + 1] if p["role"] == party["role"])
        extra = []
        if party["capacity"] != "full":
            extra.append(party["capacity"])
        if party["via_agent"]:
            extra.append("委托代理")
        if not party["can_use_isz"]:
            extra.append("无i深圳")
        return (
            f"{contract_texts().role(party['role'])}{number}·{PARTY_TYPE_NAMES[party['type']][0]}"
            f"·{ORIGIN_NAMES[party['origin']][0]}" + (f"（{'，'.join(extra)}）" if extra else "")
        )

    def do_copy(self, rest: str) -> None:
        if not self.last_copy:
            raise DeskError("还没有可复制的答案：先用 faq / rule / situation / nothing to copy yet")
        self.say("—— 可复制的纯文本 / plain text to paste or send as SMS ——", "dim")
        self.console.print(self.last_copy, markup=False, highlight=False, soft_wrap=True)
        self.say("——", "dim")

    def do_help(self, rest: str) -> None:
        topic = ALIASES.get(rest.strip().lower(), rest.strip().lower())
        if topic == "rule":
            self.console.print(HELP_RULE.format(rules=", ".join(RULE_NAMES)), markup=False, highlight=False)
            return
        if topic == "situation":
            self.console.print(HELP_SITUATION, markup=False, highlight=False)
            return
        table = Table(title="命令 / commands", title_justify="left")
        for col in ("command", "中文", "说明", "what it does"):
            table.add_column(col, overflow="fold")
        for name, zh_name, args, zh, en in COMMANDS:
            table.add_row(Text(f"{name} {args}".strip()), zh_name, zh, en)
        self.console.print(table)
        self.say("help rule · help situation：参数写法 / argument syntax", "dim")

    # -- the loop
    def dispatch(self, line: str) -> bool:
        """Run one line; False when the desk should end."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        if text.startswith(">") or text.startswith("＞"):
            command, rest = "reply", text[1:]
        else:
            word, _, rest = text.partition(" ")
            command = ALIASES.get(word.lower(), word.lower())
        if command == "quit":
            return False
        handler = HANDLERS.get(command)
        if handler is None:
            self.say(f"不认识的命令 “{command}”，输入 help 查看 / unknown command; type help", "red")
            return True
        try:
            handler(self, rest)
        except DeskError as exc:
            self.say(str(exc), "red")
        except Unreachable as exc:
            self.say(unreachable_line(self.client.url, exc), "red")
        except ApiFailure as exc:
            self.say(self.explain(exc), "red")
        return True

    def explain(self, exc: ApiFailure) -> str:
        if exc.code == "held_by_other":
            return "该会话已被其他坐席接手 / another staff member has taken this conversation"
        if exc.code == "not_waiting":
            return "该会话没有在等待人工 / this conversation is not waiting for a human"
        if exc.code == "unknown_session":
            return "没有这个会话（或已过期）/ no such conversation (or it has expired)"
        if exc.code == "unknown_rule":
            return f"没有这个规则 / no such rule: 可用 / known: {', '.join(RULE_NAMES)}"
        if exc.status == 429:
            return f"请求过于频繁，请 {exc.headers.get('Retry-After', '?')} 秒后再试 / too many requests"
        return f"服务器拒绝 / refused ({exc.status} {exc.code}): {exc.message}"


COMMANDS: list[tuple[str, str, str, str, str]] = [
    ("queue", "队列", "", "等待人工的会话：#、等候自、流程、步骤、摘要", "conversations waiting for a human"),
    (
        "open",
        "打开",
        "N|SESSION_ID",
        "会话状态与对话记录（已脱敏）",
        "a conversation's state and masked transcript",
    ),
    ("take", "接手", "", "接手当前会话", "take the open conversation"),
    (
        "reply",
        "回复",
        "TEXT",
        "回复市民（或以 > 开头的一行）",
        "send TEXT to the person (or a line starting with >)",
    ),
    ("close", "结束", "", "结束人工服务，助手从原步骤继续", "hand the conversation back to the assistant"),
    ("faq", "问", "QUESTION", "查常见问题：答案与手册章节", "ask the FAQ: answer and manual sections"),
    (
        "rule",
        "规则",
        "NAME key=value …",
        "调用规则：结论、每条原因与手册章节",
        "run a rule: decision, reasons, sections",
    ),
    (
        "situation",
        "情形",
        "seller=… buyer=… usage=…",
        "签署方式 + 合同步骤 + 证件类型",
        "signing options + contract steps + document types",
    ),
    ("copy", "复制", "", "上一个答案的纯文本，可粘贴或发短信", "the last answer as plain text (paste / SMS)"),
    ("help", "帮助", "[rule|situation]", "命令列表", "this list"),
    ("quit", "退出", "", "退出", "leave"),
]
ALIASES = {zh: name for name, zh, *_ in COMMANDS} | {"exit": "quit", "/quit": "quit", "?": "help"}
HANDLERS: dict[str, Callable[[Desk, str], None]] = {
    "queue": Desk.do_queue,
    "open": Desk.do_open,
    "take": Desk.do_take,
    "reply": Desk.do_reply,
    "close": Desk.do_close,
    "faq": Desk.do_faq,
    "rule": Desk.do_rule,
    "situation": Desk.do_situation,
    "copy": Desk.do_copy,
    "help": Desk.do_help,
}


# ---------------------------------------------------------------------------- start-up
class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not the usage block
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m bot desk", description="the 12345 hotline desk in a terminal")
    parser.add_argument(
        "--url", help="the server (default: http://server.host:server.port from the settings)"
    )
    parser.add_argument("--user", help="staff username")
    parser.add_argument(
        "--password-file", type=Path, help="read the password from the first line of this file"
    )
    parser.add_argument(
        "--password-stdin", action="store_true", help="the first line of standard input is the password"
    )
    parser.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the rules' messages")
    parser.add_argument("--config", help="settings file (default: ESF_CONFIG or ./config.yaml)")
    return parser


def default_url(config: str | None) -> str:
    from esf_settings import load_settings

    settings = load_settings(config)
    host = settings.server.host
    if host in ("0.0.0.0", "", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.server.port}"


def line_reader(stdin: TextIO, interactive: bool) -> Callable[[str], str | None]:
    if interactive:
        try:
            import readline  # noqa: F401  line editing and in-memory history for input()
        except ImportError:
            pass

    def read(prompt: str) -> str | None:
        try:
            if interactive:
                return input(prompt)
            line = stdin.readline()
            return line if line else None
        except (EOFError, KeyboardInterrupt):
            return None

    return read


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    interactive = sys.stdin.isatty()

    def fail(text: str, code: int = 1) -> int:
        err.print(Text(text, style="red"))
        return code

    if args.url:
        url = str(args.url).rstrip("/")
    else:
        from esf_settings import ConfigError

        try:
            url = default_url(args.config)
        except ConfigError as exc:
            return fail(str(exc), 2)
    username = args.user
    if not username:
        if not interactive:
            return fail("给出 --user USERNAME / give --user USERNAME", 2)
        username = input("用户名 / username: ").strip()

    def first_password() -> str | None:
        if args.password_file:
            try:
                lines = args.password_file.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise DeskError(f"读不了密码文件 / cannot read the password file: {exc.strerror}") from None
            return lines[0] if lines else ""
        if args.password_stdin:
            return sys.stdin.readline().rstrip("\r\n")
        if os.environ.get(PASSWORD_ENV):
            return os.environ[PASSWORD_ENV]
        if interactive:
            return getpass.getpass("密码 / password: ")
        raise DeskError(
            f"没有密码：用 --password-file、--password-stdin 或 {PASSWORD_ENV} / "
            "no password: use --password-file, --password-stdin or " + PASSWORD_ENV
        )

    try:
        password = first_password()
    except DeskError as exc:
        return fail(str(exc), 2)
    client = Client(url)
    try:
        client.login(username, password or "")
    except Unreachable as exc:
        return fail(unreachable_line(url, exc))
    except ApiFailure as exc:
        return fail(login_problem(exc))

    def relogin_password() -> str | None:
        if interactive:
            try:
                return getpass.getpass("密码 / password: ")
            except (EOFError, KeyboardInterrupt):
                return None
        return password  # from a file, the environment or stdin: the same one again

    console = Console(highlight=False)
    desk = Desk(client, username, console, relogin_password, lang=args.lang)
    desk.say(f"12345 坐席台 / hotline desk — {url} — 已登录 / signed in as {username}. 输入 help 查看命令")
    read = line_reader(sys.stdin, interactive)
    while True:
        prompt = f"desk[{desk.current[:8]}]> " if desk.current else "desk> "
        line = read(prompt)
        if line is None:
            break
        try:
            if not desk.dispatch(line):
                break
        except Exception as exc:  # a bug must not drop the caller: one line, the desk goes on
            desk.say(f"出错了 / something went wrong: {type(exc).__name__}", "red")
    desk.say("再见 / bye")
    return 0
