"""A client of the platform mock, and the mock on 127.0.0.1: in a thread (AppRunner + TCPSite) or as
``python -m signing``.

Real app, real SQLite file in tmp_path, real HTTP (urllib); no part of our code is mocked.
The thread server's clock can be moved forward to expire tokens.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from dialogs.platform_client import multipart
from rules.ids import gb11643_check_digit
from signing import Platform, make_root_app
from storage import Store
from storage.platform import PlatformStore
from tests.conftest import ServerProcess

ADMIN = "test-admin-token-0123"
PDF = b"%PDF-1.4\n% a tiny test document\n%%EOF\n"


def resident_id(birth: str, serial: str = "123") -> str:
    """A valid 18-digit resident ID number (fictional) born on ``birth`` (YYYYMMDD)."""
    first17 = f"440305{birth}{serial}"
    return first17 + gb11643_check_digit(first17)


@dataclass
class Client:
    """JSON over HTTP to a running mock."""

    base: str

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
    ) -> tuple[int, Any]:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        headers = {"Content-Type": content_type}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                payload = resp.read()
                ctype = resp.headers.get("Content-Type", "")
                status = resp.status
        except urllib.error.HTTPError as exc:
            payload, ctype, status = exc.read(), exc.headers.get("Content-Type", ""), exc.code
        if "json" in ctype:
            return status, json.loads(payload)
        return status, payload

    # -- the back office
    def admin(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        return self.call(method, "/mock/admin" + path, body, token=ADMIN)

    def seed_account(self, **fields: Any) -> dict[str, Any]:
        body = {
            "kind": "individual",
            "name": "陈大文",
            "doc_type": "resident_id",
            "id_number": resident_id("19800101"),
            "mobile": "13800138000",
            "level": 4,
            "realname": "online",
            "origin": "mainland",
            "capacity": "full",
            "can_use_isz": True,
            "blacklisted": False,
            **fields,
        }
        status, out = self.admin("POST", "/accounts", body)
        assert status == 201, out
        return {**out, **body}

    def login(self, account: dict[str, Any], **extra: Any) -> str:
        body = {"account_id": account["account_id"], "method": "yss_scan", "secret": account["login_secret"]}
        status, out = self.call("POST", "/mock/api/login", {**body, **extra})
        assert status == 200, out
        return str(out["token"])

    def seed_property(self, owners: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
        body = {
            "cert_type": "property_cert",
            "cert_number": f"粤（2024）深圳市不动产权第{uuid.uuid4().int % 10**7:07d}号",
            "region": "shenzhen",
            "usage": "residential",
            "industrial": False,
            "status": "valid",
            "multi_unit_mixed_usage": False,
            "usage_standardized": True,
            "owners": owners,
            **fields,
        }
        status, out = self.admin("POST", "/properties", body)
        assert status == 201, out
        return {**out, **body}

    # -- contracts
    def act(self, contract_id: str, action: str, token: str, body: Any = None) -> tuple[int, Any]:
        return self.call("POST", f"/mock/api/contracts/{contract_id}/{action}", body, token=token)

    def upload(self, contract_id: str, action: str, token: str, data: bytes = PDF) -> tuple[int, Any]:
        return self.call(
            "POST",
            f"/mock/api/contracts/{contract_id}/{action}",
            token=token,
            raw=data,
            content_type="application/pdf",
        )

    def upload_parts(
        self, contract_id: str, action: str, token: str, parts: dict[str, bytes]
    ) -> tuple[int, Any]:
        raw, ctype = multipart(parts)
        return self.call(
            "POST", f"/mock/api/contracts/{contract_id}/{action}", token=token, raw=raw, content_type=ctype
        )

    def create_contract(
        self,
        seller: dict[str, Any],
        buyer_party: dict[str, Any] | list[dict[str, Any]],
        s_tok: str,
        signing: str = "online",
    ) -> tuple[int, Any]:
        """A flat of ``seller``'s, its title check (which must pass), then a contract with one buyer
        or a list of them: the answer to ``POST /mock/api/contracts``."""
        prop = self.seed_property([owner_of(seller)])
        check = {"cert_type": prop["cert_type"], "cert_number": prop["cert_number"], "region": "shenzhen",
                 "login_identity": "owner"}  # fmt: skip
        status, checked = self.call("POST", "/mock/api/title-checks", check, token=s_tok)
        assert status == 200 and checked["result"] == "pass", checked
        body = {
            "property_id": checked["property_id"],
            "signing": signing,
            "buyers": buyer_party if isinstance(buyer_party, list) else [buyer_party],
            "sellers": [{"owner_index": 0, "transfer_share": "1/1", "agent": None}],
            "terms": TERMS,
        }
        return self.call("POST", "/mock/api/contracts", body, token=s_tok)

    def contract(self, contract_id: str, token: str) -> dict[str, Any]:
        status, out = self.call("GET", f"/mock/api/contracts/{contract_id}", token=token)
        assert status == 200, out
        return dict(out)


def _person(account: dict[str, Any]) -> dict[str, Any]:
    keys = ("account_id", "origin", "name", "doc_type", "id_number")
    return {**{k: account[k] for k in keys}, "type": "individual", "capacity": "full"}


def owner_of(account: dict[str, Any], share: str = "1/1") -> dict[str, Any]:
    return {**_person(account), "share": share}


def party_of(account: dict[str, Any]) -> dict[str, Any]:
    return {**_person(account), "via_agent": False, "can_use_isz": None}


TERMS = {"price_yuan": 3_000_000, "payment": "loan", "deposit_yuan": 100_000, "handover_date": "2030-06-30"}


@dataclass
class ThreadServer(Client):
    """The root app (``/mock`` + ``/healthz``) in a thread of its own, on a free port."""

    db: Path = Path()
    now: float = field(default_factory=time.time)
    platform: Platform | None = None
    _thread: threading.Thread | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _stop: asyncio.Event | None = None

    def start(self) -> None:
        ready = threading.Event()
        store = Store(self.db)
        self.platform = Platform(PlatformStore(store), admin_token=ADMIN, clock=lambda: self.now)
        app = make_root_app(store, self.platform)

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
            ready.set()
            await self._stop.wait()
            await runner.cleanup()
            store.close()

        self._thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
        self._thread.start()
        assert ready.wait(20), "mock did not start"

    def stop(self) -> None:
        assert self._loop is not None and self._stop is not None and self._thread is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


@dataclass
class MockProcess(Client):
    """``python -m signing`` as a child process (tests/conftest.py's ServerProcess running
    another command); ``kill()`` is SIGKILL, ``start()`` starts it again."""

    db: Path = Path()
    port: int = 0
    process: ServerProcess | None = None

    def start(self) -> None:
        if self.process is None:
            self.process = ServerProcess(
                db=self.db, port=self.port, env={"ESF_MOCK_ADMIN_TOKEN": ADMIN},
                command=("-m", "signing"), port_variable="ESF_MOCK_PORT",
            )  # fmt: skip
        self.process.start()
        self.base = self.process.url

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
