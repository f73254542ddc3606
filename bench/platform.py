"""Benchmark the platform mock: whole online residential sales, over HTTP only.

    .venv/bin/python bench/platform.py [--pairs 200] [--concurrency 20]

Starts ``python -m signing`` in its own process (a free port, its own SQLite file
in a temp dir, demo data off, log level WARNING) and a small webhook sink in a third
process, standing in for the assistant (the mock posts every status change and SMS
there, as in ``make run``). Then ``--concurrency`` simulated buyer/seller pairs at a
time, ``--pairs`` in all, each walk one whole transaction as tests/signing/
test_platform_api.py does: seed two accounts and a flat (back office), log in, title
check, contract, generate, qualification + back-office approval, commitment upload,
send for signing, the five i深圳 steps per party (the SMS code read from
/mock/admin/sms), filing materials, filing + back-office approval, and a final read
that must say ``filed``. Every call's latency is recorded by route template.

Prints transactions/s, calls per transaction, p50/p99 ms per call, the slowest call
kinds, the mock's CPU time per transaction; the last line is JSON
``{"tx_per_s", "p99_ms", "p50_ms", "calls"}``. Exits 1 if any transaction failed.
"""

from __future__ import annotations

import sys

# This file is called platform.py: take its own folder off the import path, or
# ``import platform`` (the standard library's, used by asyncio and aiohttp) would find it.
if sys.path and sys.path[0] and sys.path[0].rstrip("/").endswith("bench"):
    sys.path.pop(0)

import argparse
import asyncio
import datetime
import json
import os
import statistics
import subprocess
import tempfile
import textwrap
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import free_port, percentile, wait_healthy  # noqa: E402
from rules.ids import gb11643_check_digit  # noqa: E402

ADMIN = "bench-admin-token-0123"
WEBHOOK_SECRET = "bench-webhook-secret"
PDF = b"%PDF-1.4\n% a tiny bench document\n%%EOF\n"
TERMS = {"price_yuan": 3_000_000, "payment": "loan", "deposit_yuan": 100_000, "handover_date": "2030-06-30"}
BIRTH0 = datetime.date(1960, 1, 1)


def resident_id(n: int) -> str:
    """The ``n``-th fictional resident ID number: distinct for every n < 999 × 20,000 days."""
    birth = BIRTH0 + datetime.timedelta(days=n // 999)
    first17 = f"440305{birth:%Y%m%d}{n % 999 + 1:03d}"
    return first17 + gb11643_check_digit(first17)


def mobile(n: int) -> str:
    return f"139{n % 10**8:08d}"


class CallFailed(Exception):
    pass


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    filed: int = 0


@dataclass
class Driver:
    http: aiohttp.ClientSession
    base: str
    stats: Stats

    async def call(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json_body: Any = None,
        data: Any = None,
        content_type: str | None = None,
        expect: int = 200,
    ) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if content_type:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        async with self.http.request(
            method, self.base + path, json=json_body, data=data, headers=headers
        ) as resp:
            payload = await resp.read()
            status = resp.status
        self.stats.latencies[kind].append(time.perf_counter() - started)
        if status != expect:
            raise CallFailed(f"{kind}: HTTP {status}: {payload[:300].decode('utf-8', 'replace')}")
        return json.loads(payload)

    async def admin(self, kind: str, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        return await self.call(kind, method, "/mock/admin" + path, token=ADMIN, json_body=body, expect=expect)

    async def sign(self, cid: str, account_id: str, token: str) -> None:
        path = f"/mock/isz/contracts/{cid}/sign"
        kind = "POST /mock/isz/contracts/{id}/sign"
        await self.call(f"{kind} preview", "POST", path, token=token, json_body={"step": "preview"})
        body = {"step": "realname", "method": "腾讯云"}
        await self.call(f"{kind} realname", "POST", path, token=token, json_body=body)
        await self.call(f"{kind} signature", "POST", path, token=token, json_body={"step": "signature"})
        inbox = await self.admin("GET /mock/admin/sms", "GET", f"/sms?account_id={account_id}")
        code = inbox["messages"][-1]["code"]
        await self.call(f"{kind} sms", "POST", path, token=token, json_body={"step": "sms", "sms_code": code})
        out = await self.call(f"{kind} confirm", "POST", path, token=token, json_body={"step": "confirm"})
        if out["signature"] != "signed":
            raise CallFailed(f"confirm: {out}")

    async def transaction(self, n: int) -> None:
        """Pair ``n``: from seeding its two accounts and flat to ``filed``."""
        people = []
        for k, (name, role) in enumerate((("测试卖", "seller"), ("测试买", "buyer"))):
            body = {
                "kind": "individual", "name": f"{name}{n}", "doc_type": "resident_id",
                "id_number": resident_id(2 * n + k), "mobile": mobile(2 * n + k), "level": 4,
                "realname": "online", "origin": "mainland", "capacity": "full", "can_use_isz": True,
                "blacklisted": False,
            }  # fmt: skip
            out = await self.admin("POST /mock/admin/accounts", "POST", "/accounts", body, 201)
            people.append({**body, **out, "role": role})
        seller, buyer = people
        identity = ("account_id", "name", "doc_type", "id_number")
        common = {"type": "individual", "origin": "mainland", "capacity": "full"}
        cert = f"粤（2024）深圳市不动产权第{n:07d}号"
        prop = {
            "cert_type": "property_cert", "cert_number": cert, "region": "shenzhen", "usage": "residential",
            "industrial": False, "status": "valid", "multi_unit_mixed_usage": False,
            "usage_standardized": True,
            "owners": [{**{k: seller[k] for k in identity}, **common, "share": "1/1"}],
        }  # fmt: skip
        await self.admin("POST /mock/admin/properties", "POST", "/properties", prop, 201)
        tokens = {}
        for person in people:
            body = {
                "account_id": person["account_id"],
                "method": "yss_scan",
                "secret": person["login_secret"],
            }
            out = await self.call("POST /mock/api/login", "POST", "/mock/api/login", json_body=body)
            tokens[person["role"]] = out["token"]
        s_tok, b_tok = tokens["seller"], tokens["buyer"]
        check_body = {"cert_type": "property_cert", "cert_number": cert, "region": "shenzhen",
                      "login_identity": "owner"}  # fmt: skip
        check = await self.call(
            "POST /mock/api/title-checks", "POST", "/mock/api/title-checks", token=s_tok, json_body=check_body
        )
        if check["result"] != "pass":
            raise CallFailed(f"title check: {check}")
        contract_body = {
            "property_id": check["property_id"],
            "signing": "online",
            "buyers": [
                {**{k: buyer[k] for k in identity}, **common, "via_agent": False, "can_use_isz": None}
            ],
            "sellers": [{"owner_index": 0, "transfer_share": "1/1", "agent": None}],
            "terms": TERMS,
        }
        created = await self.call(
            "POST /mock/api/contracts", "POST", "/mock/api/contracts", token=s_tok, json_body=contract_body,
            expect=201,
        )  # fmt: skip
        cid = created["contract_id"]
        cpath = f"/mock/api/contracts/{cid}"
        ckind = "POST /mock/api/contracts/{id}"

        async def act(action: str, token: str, status: str) -> None:
            out = await self.call(f"{ckind}/{action}", "POST", f"{cpath}/{action}", token=token)
            if out["status"] != status:
                raise CallFailed(f"{action}: status {out['status']}, expected {status}")

        async def review(what: str, status: str) -> None:
            out = await self.admin(
                f"POST /mock/admin/contracts/{{id}}/{what}",
                "POST",
                f"/contracts/{cid}/{what}",
                {"approve": True},
            )
            if out["status"] != status:
                raise CallFailed(f"{what} review: status {out['status']}, expected {status}")

        await act("generate", s_tok, "text_generated")
        await act("qualification", b_tok, "qualification_pending")
        await review("qualification", "qualification_approved")
        out = await self.call(
            f"{ckind}/commitment", "POST", f"{cpath}/commitment", token=s_tok, data=PDF,
            content_type="application/pdf",
        )  # fmt: skip
        if out["status"] != "commitment_uploaded":
            raise CallFailed(f"commitment: {out['status']}")
        await act("send-for-signing", s_tok, "awaiting_signatures")
        await self.sign(cid, buyer["account_id"], b_tok)
        await self.sign(cid, seller["account_id"], s_tok)
        form = aiohttp.FormData()
        for name in ("id_docs", "tax"):
            form.add_field(name, PDF, filename=f"{name}.pdf", content_type="application/pdf")
        await self.call(
            f"{ckind}/filing-materials", "POST", f"{cpath}/filing-materials", token=s_tok, data=form
        )
        await act("filing", s_tok, "filing_submitted")
        await review("filing", "filed")
        final = await self.call("GET /mock/api/contracts/{id}", "GET", cpath, token=b_tok)
        if final["status"] != "filed" or not final["filing_stamp"]:
            raise CallFailed(f"final read: {final['status']}")
        self.stats.filed += 1


async def run_pairs(driver: Driver, first: int, pairs: int, concurrency: int) -> float:
    queue = iter(range(first, first + pairs))

    async def worker() -> None:
        for n in queue:
            try:
                await driver.transaction(n)
            except (CallFailed, aiohttp.ClientError, TimeoutError, KeyError, ValueError) as exc:
                driver.stats.failures.append(f"pair {n}: {type(exc).__name__}: {exc}")

    wall = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - wall


#: The assistant's webhook reduced to counting what arrives (204), in a process of its own.
SINK = textwrap.dedent(
    """
    import json, sys
    from aiohttp import web
    received = [0]
    async def events(request):
        body = json.loads(await request.read())
        if request.headers.get("X-Platform-Secret") != sys.argv[2]:
            return web.Response(status=401)
        received[0] += len(body["notices"]) if "notices" in body else 1
        return web.Response(status=204)
    async def count(request):
        return web.json_response({"received": received[0]})
    app = web.Application()
    app.router.add_post("/api/platform/events", events)
    app.router.add_get("/count", count)
    app.router.add_get("/healthz", count)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
    """
)


async def received_notices(http: aiohttp.ClientSession, sink: str, settle_s: float = 10.0) -> int:
    """What the sink has received once the mock's webhook queue has drained (the count stops moving)."""
    last, deadline = -1, time.monotonic() + settle_s
    while True:
        async with http.get(sink + "/count") as resp:
            count = int((await resp.json())["received"])
        if count == last or time.monotonic() > deadline:
            return count
        last = count
        await asyncio.sleep(0.5)


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


async def main_async(args: argparse.Namespace) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESF_")}
    with tempfile.TemporaryDirectory() as tmp:
        port, sink_port = free_port(), free_port()
        sink = f"http://127.0.0.1:{sink_port}"
        sink_url = sink + "/api/platform/events"
        log = Path(tmp) / "mock.log"
        env.update(
            ESF_DB=str(Path(tmp) / "bench.db"), ESF_MOCK_PORT=str(port), ESF_MOCK_ADMIN_TOKEN=ADMIN,
            ESF_MOCK__DEMO_DATA="false", ESF_MOCK__WEBHOOK_URL=sink_url,
            ESF_MOCK__WEBHOOK_SECRET=WEBHOOK_SECRET, ESF_LOG_LEVEL=args.log_level,
        )  # fmt: skip
        sink_proc = subprocess.Popen(
            [sys.executable, "-c", SINK, str(sink_port), WEBHOOK_SECRET],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        with log.open("wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "signing"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err
            )
        try:
            base = f"http://127.0.0.1:{port}"
            await wait_healthy(sink, sink_proc, None)
            await wait_healthy(base, proc, log)
            if args.print_pid:
                print(f"mock pid {proc.pid}", flush=True)
            connector = aiohttp.TCPConnector(limit=args.concurrency * 2)
            async with aiohttp.ClientSession(connector=connector) as http:
                warm = Driver(http, base, Stats())
                await run_pairs(warm, 1, args.warmup, min(args.warmup, args.concurrency) or 1)
                stats = Stats()
                driver = Driver(http, base, stats)
                cpu0, own0 = cpu_seconds(proc.pid), time.process_time()
                wall = await run_pairs(driver, 1 + args.warmup, args.pairs, args.concurrency)
                cpu1, own1 = cpu_seconds(proc.pid), time.process_time()
                received = await received_notices(http, sink)
            warm_failures = warm.stats.failures
        finally:
            for child in (proc, sink_proc):
                child.terminate()
                child.wait(timeout=10)
            errors = log.read_text(errors="replace")
            if args.mock_log:
                Path(args.mock_log).write_text(errors)

    every = sorted(x for values in stats.latencies.values() for x in values)
    calls = len(every)
    failures = warm_failures + stats.failures
    result = {
        "tx_per_s": round(stats.filed / wall, 1),
        "p99_ms": round(percentile(every, 0.99) * 1000, 2),
        "p50_ms": round(statistics.median(every) * 1000, 2),
        "calls": calls,
    }
    per_tx = calls / max(1, stats.filed + len(stats.failures))
    print(
        f"{args.pairs} buyer/seller pairs, {args.concurrency} at a time, each seeded and taken to filed "
        f"over HTTP ({args.warmup} warm-up pairs not counted)"
    )
    print(
        f"filed {stats.filed}/{args.pairs} in {wall:.2f} s: {result['tx_per_s']} transactions/s, "
        f"{per_tx:.1f} calls per transaction, {calls} calls"
    )
    print(f"per call: p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, max {every[-1] * 1000:.1f} ms")
    if cpu0 is not None and cpu1 is not None and stats.filed:
        print(
            f"mock process CPU {cpu1 - cpu0:.2f} s = {(cpu1 - cpu0) / stats.filed * 1000:.1f} ms per transaction; "
            f"bench client CPU {own1 - own0:.2f} s; webhook notices delivered {received}, dropped "
            f"(queue full) {errors.count('webhook queue full')}"
        )
    print(f"\n{'call kind (slowest by p99)':<58} {'n':>6} {'p50 ms':>8} {'p99 ms':>8}")
    rows = []
    for kind, values in stats.latencies.items():
        values.sort()
        rows.append((percentile(values, 0.99), statistics.median(values), len(values), kind))
    for p99, p50, n, kind in sorted(rows, reverse=True)[: args.top]:
        print(f"{kind:<58} {n:>6} {p50 * 1000:>8.2f} {p99 * 1000:>8.2f}")
    print()
    for failure in failures[:10]:
        print("FAILED", failure)
    if failures:
        print(f"{len(failures)} transactions failed")
        if errors.strip():
            print("mock stderr (tail):", errors[-1500:], sep="\n")
    print(json.dumps(result))
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=200, help="transactions measured (default 200)")
    parser.add_argument("--concurrency", type=int, default=20, help="pairs in flight (default 20)")
    parser.add_argument("--warmup", type=int, default=10, help="pairs run first, not counted (default 10)")
    parser.add_argument("--top", type=int, default=8, help="slowest call kinds shown (default 8)")
    parser.add_argument(
        "--log-level", default="WARNING", help="the mock's ESF_LOG_LEVEL (INFO: handler times to --mock-log)"
    )
    parser.add_argument("--mock-log", help="copy the mock's stderr to this file")
    parser.add_argument("--print-pid", action="store_true", help="print the mock's pid (for py-spy)")
    args = parser.parse_args()
    if args.pairs < 1 or args.concurrency < 1 or args.warmup < 0:
        parser.error("--pairs and --concurrency must be at least 1, --warmup at least 0")
    sys.exit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
