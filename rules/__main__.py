"""Command line door to the rules.

``python -m rules batch`` reads JSON Lines ``{"rule": NAME, "input": {...}}`` on
stdin and writes one JSON object per line: the rule's output, or an error object
for that line.  One bad line never stops the batch; blank lines are skipped.

``python -m rules NAME '<json>'`` prints one rule's output (exit 2 on bad input).
``python -m rules list`` prints the rule names.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from ._base import REGISTRY, RuleError, evaluate

USAGE = (
    "usage: python -m rules batch < lines.jsonl\n"
    "       python -m rules NAME '<json>'\n"
    "       python -m rules list\n"
    f"rules: {', '.join(sorted(REGISTRY))}"
)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def run_line(line: str) -> dict[str, Any]:
    """Decide one batch line; an error object instead of raising."""
    try:
        request = json.loads(line)
    except ValueError as exc:
        return RuleError("invalid_json", f"不是有效的 JSON：{exc} / not valid JSON: {exc}").as_json()
    try:
        if not isinstance(request, dict):
            raise RuleError("wrong_type", "每行应为 JSON 对象 / each line must be a JSON object")
        unknown = sorted(set(request) - {"rule", "input"})
        if unknown:
            raise RuleError("unknown_field", f"不认识的字段 {unknown} / unknown field(s) {unknown}")
        for key in ("rule", "input"):
            if key not in request:
                raise RuleError("missing_field", f"缺少字段“{key}” / missing field '{key}'")
        if not isinstance(request["rule"], str):
            raise RuleError("wrong_type", "字段“rule”应为字符串 / field 'rule' must be a string")
        return evaluate(request["rule"], request["input"])
    except RuleError as exc:
        return exc.as_json()


def run_batch(lines: Iterable[str]) -> Iterator[str]:
    """Yield one output line per non-blank input line, in order."""
    for line in lines:
        if line.strip():
            yield _dumps(run_line(line))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr if not args else sys.stdout)
        return 0 if args else 2
    if args[0] == "list":
        print("\n".join(sorted(REGISTRY)))
        return 0
    if args[0] == "batch":
        try:
            stdin = sys.stdin
            out = sys.stdout
            for text in run_batch(stdin):
                out.write(text + "\n")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"cannot read stdin: {exc}", file=sys.stderr)
            return 1
        return 0
    if len(args) != 2:
        print(USAGE, file=sys.stderr)
        return 2
    name, raw = args
    try:
        payload = json.loads(raw)
    except ValueError as exc:
        print(_dumps(RuleError("invalid_json", f"不是有效的 JSON：{exc} / not valid JSON: {exc}").as_json()))
        return 2
    try:
        print(_dumps(evaluate(name, payload)))
    except RuleError as exc:
        print(_dumps(exc.as_json()))
        return 2
    return 0


if __name__ == "__main__":  # ``python -m rules`` imported the package, so every rule is registered
    sys.exit(main())
