"""``python -m signing``: the platform mock alone (host ``mock.host``, port ``ESF_MOCK_PORT``);
``python -m signing demo``: load the fictional demo data into the database and print its accounts."""

from __future__ import annotations

import argparse
import gc
import sys
from typing import TYPE_CHECKING

from aiohttp import web

from esf_settings import start_up

if TYPE_CHECKING:
    from esf_settings import Settings
    from storage import Store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m signing", description="the platform mock")
    parser.add_argument("--config", help="settings file (default: ESF_CONFIG or ./config.yaml)")
    parser.add_argument(
        "command", nargs="?", choices=("serve", "demo"), default="serve", help="serve (default) or demo"
    )
    args = parser.parse_args(argv)
    settings = start_up(args.config)
    if settings is None:
        return 2
    from storage import Store

    from .app import make_root_app, platform_from_settings

    store = Store(settings.database.path)
    if args.command == "demo":
        return _demo(store, settings)
    app = make_root_app(store, platform_from_settings(store, settings))
    # What is loaded by now (rules, models, the web stack) lives as long as the process: out of
    # the collector's sight, as in bot/web.py, a full collection no longer pauses every call in
    # flight for 15–55 ms (bench/platform.py, docs/benchmarks.md).
    gc.collect()
    gc.freeze()
    web.run_app(
        app,
        host=settings.mock.host,
        port=settings.mock.port,
        access_log=None,
        print=lambda text: print(text.strip(), flush=True),
    )
    return 0


def _demo(store: Store, settings: Settings) -> int:
    from storage.platform import PlatformStore

    from .demo import describe, load_demo
    from .platform import Platform

    platform = Platform(PlatformStore(store), admin_token=settings.mock.admin_token)
    report = load_demo(platform)
    store.close()
    print(f"demo data: {len(report.created)} records created, {len(report.existing)} already there")
    print(describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
