"""Interim terminal chat: answers through ``rules`` until the dialog engine lands.

It recognises a pasted certificate number, an ID-like number, a request for the
contract's steps, or a direct rule call; everything it says comes from
``texts.yaml`` or from the rules' own messages.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import yaml

import rules
from rules.codes import CERT_TYPE_NAMES, DOC_TYPE_NAMES, SIGNING_NAMES, USAGE_NAMES

TEXTS_FILE = Path(__file__).with_name("texts.yaml")
QUIT_WORDS = {"退出", "quit", "exit", "再见", "bye"}

# Which document types a pasted number most plausibly is, by its shape (first match wins).
_ID_SHAPES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"^(\+?86|0086)?1\d{10}$"), ("mobile",)),
    (re.compile(r"^8[123]0000\d{11}[\dX]$"), ("hkmt_residence_permit",)),
    (re.compile(r"^9\d{16}[\dX]$"), ("foreign_permanent_id", "resident_id")),
    (re.compile(r"^\d{17}[\dX]$"), ("resident_id",)),
    (re.compile(r"^[0-9A-Z]{18}$"), ("uscc",)),
    (re.compile(r"^[A-Z]{1,2}\d{6}\(?[\dA]\)?$"), ("hk_id",)),
    (re.compile(r"^[157]\d{6}\(?\d\)?$"), ("macau_id",)),
    (re.compile(r"^[HM]\d{8}(\d{2})?$"), ("hk_macau_permit",)),
    (re.compile(r"^\d{8}(\d{2})?$"), ("taiwan_permit",)),
)


@cache
def texts(lang: str) -> dict[str, str]:
    data: dict[str, dict[str, str]] = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return data["en" if lang == "en" else "zh"]


def _msg(result: dict[str, Any], lang: str) -> str:
    return str(result.get("message_en" if lang == "en" else "message") or "")


def answer(line: str, lang: str = "zh") -> str:
    """One reply to one line of input."""
    t = texts(lang)
    text = line.strip()
    compact = re.sub(r"[\s\u3000]+", "", text).replace("（", "(").replace("）", ")").upper()
    words = text.split()
    if words and words[0] in ("规则", "rule"):
        return _rule_call(text, words, lang)
    if words and words[0] in ("流程", "steps"):
        return _steps(words[1:], lang)
    if "房地字" in text or "不动产权" in text:
        cert = "property_cert" if "不动产权" in text else "realty_cert"
        result = rules.evaluate("validate_cert_number", {"cert_type": cert, "number": text})
        name = CERT_TYPE_NAMES[cert][1 if lang == "en" else 0]
        if result["valid"]:
            return t["cert_valid"].format(cert=name, normalized=result["normalized"])
        return t["cert_invalid"].format(message=_msg(result, lang))
    for shape, doc_types in _ID_SHAPES:
        if shape.match(compact):
            return _check_id(text, doc_types, lang)
    return t["not_understood"]


def _check_id(text: str, doc_types: Iterable[str], lang: str) -> str:
    t = texts(lang)
    lines = []
    for doc in doc_types:
        result = rules.evaluate("validate_id", {"doc_type": doc, "number": text})
        name = DOC_TYPE_NAMES[doc][1 if lang == "en" else 0]
        if result["valid"]:
            return t["id_valid"].format(doc=name, normalized=result["normalized"])
        lines.append(t["id_invalid"].format(doc=name, message=_msg(result, lang)))
    return "\n".join(lines)


def _steps(words: list[str], lang: str) -> str:
    t = texts(lang)
    said = " ".join(words).lower()
    usage = "non_residential" if ("非住宅" in said or "non" in said) else "residential"
    overseas = "境外" in said or "overseas" in said
    signing = "offline" if ("线下" in said or "offline" in said or overseas) else "online"
    filing = not ("免备案" in said or "nofiling" in said)
    payload = {"usage": usage, "signing": signing, "filing_required": filing, "overseas_party": overseas}
    try:
        steps = rules.evaluate("contract_steps", payload)["steps"]
    except rules.RuleError as exc:
        return t["error"].format(message=exc.message)
    i = 1 if lang == "en" else 0
    out = [t["steps_header"].format(usage=USAGE_NAMES[usage][i], signing=SIGNING_NAMES[signing][i])]
    out += [
        t["step_line"].format(n=n, title=s["title"], section=s["section"]) for n, s in enumerate(steps, 1)
    ]
    return "\n".join(out)


def _rule_call(text: str, words: list[str], lang: str) -> str:
    t = texts(lang)
    if len(words) == 1:
        return t["rule_names"].format(names=", ".join(rules.RULE_NAMES)) + "\n" + t["rule_usage"]
    name = words[1]
    raw = text.split(name, 1)[1].strip() or "{}"
    try:
        result = rules.evaluate(name, json.loads(raw))
    except ValueError as exc:
        message = exc.message if isinstance(exc, rules.RuleError) else str(exc)
        return t["error"].format(message=message)
    return json.dumps(result, ensure_ascii=False, indent=2)


def chat(
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    lang: str = "zh",
    read: Callable[[str], str] | None = None,
) -> None:
    """Run the conversation until end of input or a quit word."""
    t = texts(lang)
    stdout.write(t["welcome"] + "\n")
    interactive = read is not None
    while True:
        try:
            line = read(t["prompt"]) if read is not None else stdin.readline()
        except (EOFError, KeyboardInterrupt):
            break
        if not interactive and line == "":
            break
        if line.strip().lower() in QUIT_WORDS:
            break
        if line.strip():
            try:
                reply = answer(line, lang)
            except Exception:  # never a stack trace to the person; the engine of issue 3 logs it
                reply = t["internal_error"]
            stdout.write(reply + "\n")
            stdout.flush()
    stdout.write(t["bye"] + "\n")
