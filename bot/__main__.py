"""``python -m bot``: start esf-guide with the settings of ``config.yaml``.

Until the web server lands, this is the terminal chat (``python -m bot chat``).
"""

from __future__ import annotations

import argparse
import sys

from esf_settings import ConfigError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="esf-guide")
    parser.add_argument("command", nargs="?", default="chat", choices=["chat"])
    parser.add_argument("--config", help="settings file (default: ESF_CONFIG or ./config.yaml)")
    parser.add_argument("--lang", choices=["zh", "en"], default=None)
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    from .terminal import chat

    lang = args.lang or ("en" if settings.languages.default == "en" else "zh")
    read = input if sys.stdin.isatty() else None
    if read is not None:
        try:
            import readline  # noqa: F401  line editing and history for input()
        except ImportError:
            pass
    chat(lang=lang, read=read)
    return 0


if __name__ == "__main__":
    sys.exit(main())
