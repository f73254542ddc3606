"""Benchmark ``python -m rules batch``: lines per second, start-up included.

    .venv/bin/python bench/rules_batch.py [--lines 10000] [--repeat 3]

Builds a mixed workload over every rule (valid and invalid inputs, about one
line in ten an error), pipes it through a fresh ``python -m rules batch``
process and reports the best of ``--repeat`` wall-clock runs, plus the
in-process throughput of ``rules.evaluate`` alone.  Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/platform.py (the name) would shadow the stdlib's platform: this folder off the path
if sys.path and sys.path[0].rstrip("/").endswith("bench"):
    sys.path.pop(0)
sys.path.insert(0, str(ROOT))

PARTY = {
    "type": "individual",
    "origin": "mainland",
    "capacity": "full",
    "via_agent": False,
    "can_use_isz": True,
}
TITLE = {
    "login_identity": "owner",
    "is_institution": False,
    "account_level": 4,
    "realname": "online",
    "login_method": "yss_scan",
    "sms_verified": False,
    "chose_institution_card": False,
    "agent_linked": False,
    "blacklisted": False,
    "platform_name": "陳大文",
    "cert_name": "陈大文",
    "platform_doc_type": "hk_macau_permit",
    "platform_id_number": "H12345678",
    "cert_id_number": "A1234563",
    "property_status": "mortgaged",
    "multi_unit_mixed_usage": False,
    "usage_standardized": False,
}
SAMPLES = [
    ("validate_id", {"doc_type": "resident_id", "number": "11010519491231002X"}),
    ("validate_id", {"doc_type": "resident_id", "number": "110105194912310021"}),
    ("validate_id", {"doc_type": "hk_id", "number": "A123456(3)"}),
    ("validate_id", {"doc_type": "uscc", "number": "91110000600037341L"}),
    ("validate_id", {"doc_type": "mobile", "number": "+86 138 0013 8000"}),
    ("validate_cert_number", {"cert_type": "property_cert", "number": "粤(2020)深圳市不动产权第0123456号"}),
    ("validate_cert_number", {"cert_type": "realty_cert", "number": "深房地字第3000123456号"}),
    ("allowed_doc_types", {"role": "seller", "type": "individual", "origin": "hk"}),
    (
        "signing_options",
        {"parties": [{**PARTY, "role": "buyer", "origin": "hk"}, {**PARTY, "role": "seller"}]},
    ),
    (
        "contract_steps",
        {"usage": "residential", "signing": "offline", "filing_required": True, "overseas_party": True},
    ),
    ("title_check", TITLE),
    (
        "cancel_unfiled",
        {"signed": False, "qualification_code_applied": False, "signing": "offline", "downloaded": True},
    ),
    (
        "cancel_filed",
        {
            "transfer_registration_accepted": False,
            "both_agree": True,
            "legal_document": False,
            "change": "none",
        },
    ),
    ("permission", {"role": "buyer", "filed": False, "action": "edit_terms"}),
    ("realname_level", {"level": 3, "purpose": "add_agent"}),
]
BAD = ['{"rule": "nope", "input": {}}', "not json", '{"rule": "permission", "input": {"role": "x"}}']


def workload(n: int, seed: int = 7) -> str:
    rnd = random.Random(seed)
    lines = []
    for _ in range(n):
        if rnd.random() < 0.1:
            lines.append(rnd.choice(BAD))
        else:
            name, payload = rnd.choice(SAMPLES)
            lines.append(json.dumps({"rule": name, "input": payload}, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = workload(args.lines).encode()

    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "rules", "batch"], input=data, capture_output=True, cwd=ROOT
        )
        best = min(best, time.perf_counter() - start)
        out_lines = proc.stdout.count(b"\n")
        assert proc.returncode == 0 and out_lines == args.lines, (
            proc.returncode,
            out_lines,
            proc.stderr[-500:],
        )

    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import rules"], cwd=ROOT, check=True)
    startup = time.perf_counter() - start

    from rules.__main__ import run_batch

    text_lines = data.decode().splitlines()
    start = time.perf_counter()
    for _ in run_batch(text_lines):
        pass
    in_process = time.perf_counter() - start

    result = {
        "lines": args.lines,
        "wall_s": round(best, 3),
        "lines_per_s": round(args.lines / best),
        "startup_s": round(startup, 3),
        "in_process_lines_per_s": round(args.lines / in_process),
    }
    print(
        f"python -m rules batch, {args.lines} lines: {best:.3f} s wall (best of {args.repeat}), "
        f"{result['lines_per_s']} lines/s including start-up ({startup:.3f} s to import rules)"
    )
    print(f"in process (run_batch alone): {result['in_process_lines_per_s']} lines/s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
