"""``python -m dialogs.faq ask "问题"`` | ``batch`` (JSON Lines) | ``eval``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .evaluate import DEFAULT_DATA, SETS, evaluate
from .retrieval import KnowledgeBase


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dialogs.faq")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--lang", default=None)
    ask.add_argument("-k", type=int, default=3)
    sub.add_parser("batch", help='JSON Lines {"q", "lang", "k"} on stdin → /api/faq responses')
    ev = sub.add_parser("eval", help="score on tests/data")
    ev.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ev.add_argument("--show", type=int, default=15, help="misses to print")
    ev.add_argument(
        "--set", dest="which", choices=sorted(SETS), default="main",
        help="main: tests/data/faq_eval_*.yaml; heldout: the set written blind (faq_heldout*.yaml); fresh: written blind after all tuning (faq_fresh*.yaml)",
    )  # fmt: skip
    args = parser.parse_args(argv)

    started = time.perf_counter()
    kb = KnowledgeBase.load()
    load_s = time.perf_counter() - started
    if args.command == "ask":
        print(json.dumps(kb.ask(args.question, args.lang, args.k).model_dump(), ensure_ascii=False, indent=2))
    elif args.command == "batch":
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                req = json.loads(line)
                if not isinstance(req, dict) or not isinstance(req.get("q"), str):
                    raise ValueError("each line needs a string field q")
                k = req.get("k", 3)
                if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 20:
                    raise ValueError("k must be an integer from 1 to 20")
                out = kb.ask(req["q"], req.get("lang"), k).model_dump()
            except ValueError as exc:
                out = {"error": {"code": "invalid_input", "message": str(exc)}}
            print(json.dumps(out, ensure_ascii=False), flush=False)
    else:
        report = evaluate(kb, args.data, args.which)
        figures = report.figures()
        print(f"knowledge base: {len(kb.entries)} entries, loaded in {load_s:.2f} s")
        print(f"in scope: {figures['n_in_scope']}  out of scope: {figures['n_out_of_scope']}")
        for key in ("top1", "top3", "mrr", "oos_precision", "oos_recall", "in_scope_refused"):
            print(f"  {key:<18} {figures[key]:.4f}")
        for q, wanted, got in report.misses[: args.show]:
            print(f"  miss: {q} | want {wanted} | got {got}")
        for q, leaked in report.leaks[: args.show]:
            print(f"  out-of-scope answered: {q} | {leaked}")
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
