"""Terminal chat (``python -m bot chat``): the engine in a terminal.

Buttons are shown as numbered choices; typing the number presses the button.
Each run is a new conversation unless ``--session`` names an earlier one.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from dialogs.engine import Assistant, Turn

QUIT_WORDS = {"/quit", "/exit", "退出", "quit", "exit"}


def show(turn: Turn, out: TextIO) -> list[str]:
    """Print a turn; return the payloads of its buttons, numbered from 1."""
    payloads: list[str] = []
    for reply in turn.replies:
        if reply.text:
            out.write(reply.text + "\n")
        for button in reply.buttons:
            payloads.append(button.payload)
            out.write(f"  [{len(payloads)}] {button.title}\n")
    if turn.state.progress is not None:
        out.write(f"  ({turn.state.flow}: {turn.state.progress.current}/{turn.state.progress.total})\n")
    out.flush()
    return payloads


def chat(
    assistant: Assistant,
    *,
    session_id: str | None = None,
    lang: str | None = None,
    read: Callable[[], str | None],
    out: TextIO = sys.stdout,
) -> str:
    """Run a conversation until end of input or a quit word; return the session id."""
    session = session_id or assistant.new_session(lang)
    payloads = show(assistant.handle(session, None), out)
    while True:
        line = read()
        if line is None or line.strip() in QUIT_WORDS:
            break
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(payloads):
            turn = assistant.handle(session, payload=payloads[int(text) - 1])
        else:
            turn = assistant.handle(session, text=line.rstrip("\n"))
        payloads = show(turn, out)
    return session


def stdin_reader(prompt: str) -> Callable[[], str | None]:
    interactive = sys.stdin.isatty()
    if interactive:
        try:
            import readline  # noqa: F401  line editing and history for input()
        except ImportError:
            pass

    def read() -> str | None:
        try:
            if interactive:
                return input(prompt)
            line = sys.stdin.readline()
            return line if line else None
        except (EOFError, KeyboardInterrupt):
            return None

    return read
