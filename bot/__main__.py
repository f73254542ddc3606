"""``python -m bot``: esf-guide's doors.

python -m bot [serve]        the web server (JSON API) — what ``make run`` starts —
                             with Telegram alongside when ``telegram.token`` is set
python -m bot chat           a conversation in the terminal
python -m bot staff …        hotline staff accounts (add, list, disable, passwd; see bot/staff_cli.py)
python -m bot desk --user U  the hotline desk in a terminal, a client of a running server (bot/desk.py)
"""

from __future__ import annotations

import argparse
import logging
import sys

from esf_settings import ConfigError, start_up


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["staff"]:
        from .staff_cli import main as staff_main

        return staff_main(argv[1:])
    if argv[:1] == ["desk"]:
        from .desk import main as desk_main

        return desk_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bot", description="esf-guide")
    parser.add_argument("command", nargs="?", default="serve", choices=["serve", "chat"])
    parser.add_argument("--config", help="settings file (default: ESF_CONFIG or ./config.yaml)")
    parser.add_argument("--lang", choices=["zh", "zh-Hant", "en"], default=None)
    parser.add_argument("--session", help="chat: continue this session id")
    args = parser.parse_args(argv)
    settings = start_up(args.config)
    if settings is None:
        return 2
    from dialogs.flows import FlowError

    try:
        if args.command == "chat":
            from dialogs.engine import Assistant

            from .terminal import chat, stdin_reader

            logging.getLogger().setLevel(logging.WARNING)
            assistant = Assistant.from_settings(settings)
            session = chat(assistant, session_id=args.session, lang=args.lang, read=stdin_reader("您> "))
            print(f"(session {session})", file=sys.stderr)
            return 0
        from .web import serve

        serve(settings)
    except FlowError as exc:
        print(f"flow error: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:  # a setting only checked when its door starts (telegram)
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
