"""``python -m signing``: the platform mock alone (host ``mock.host``, port ``ESF_MOCK_PORT``)."""

from __future__ import annotations

import argparse
import logging
import sys

from aiohttp import web

from esf_settings import ConfigError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m signing", description="the platform mock")
    parser.add_argument("--config", help="settings file (default: ESF_CONFIG or ./config.yaml)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.logging.level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from storage import Store

    from .app import make_root_app, platform_from_settings

    store = Store(settings.database.path)
    app = make_root_app(store, platform_from_settings(store, settings))
    web.run_app(
        app,
        host=settings.mock.host,
        port=settings.mock.port,
        access_log=None,
        print=lambda text: print(text.strip(), flush=True),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
