"""``python -m dialogs.nlu eval`` and ``python -m dialogs.nlu parse TEXT``.

* ``eval [--data DIR] [--quiet]``: the held-out intent figures and the entity
  figures as a table; the last line is JSON ``{"intent_accuracy": …,
  "intent_macro_f1": …, "entity_f1": …, "n_intent": …, "n_entity": …}``.
* ``parse TEXT [--today YYYY-MM-DD] [--data DIR]``: the :class:`~dialogs.nlu.Parse` as JSON.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import evaluate
from .nlu import NLU


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dialogs.nlu", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("eval", help="score the held-out split and the entity test set")
    ev.add_argument("--data", type=Path, default=None, help="data folder (default: the package's)")
    ev.add_argument("--quiet", action="store_true", help="no per-example mistakes")
    pa = sub.add_parser("parse", help="print the Parse of a text as JSON")
    pa.add_argument("text")
    pa.add_argument("--today", type=datetime.date.fromisoformat, default=None)
    pa.add_argument("--data", type=Path, default=None)
    args = parser.parse_args(argv)

    if args.command == "eval":
        report = evaluate.run(args.data)
        print(evaluate.format_report(report, errors=not args.quiet))
        print(json.dumps(report.summary()))
        return 0
    nlu = NLU.load(args.data)
    parse = nlu.parse(args.text, today=args.today)
    print(json.dumps(parse.model_dump(mode="json"), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
