"""Shared fixtures: a real server process on 127.0.0.1 with its own SQLite file."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The platform mock's fixtures (mock, mock_process).
pytest_plugins = ["tests.signing.fixtures"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    """``python -m bot serve`` (or ``command``, e.g. ``-m signing``) as a child process;
    ``kill()`` is SIGKILL, ``start()`` starts it again."""

    db: Path
    port: int
    env: dict[str, str] | None = None
    proc: subprocess.Popen[bytes] | None = None
    command: tuple[str, ...] = ("-m", "bot", "serve")
    port_variable: str = "ESF_PORT"  # the setting that tells the program its port

    @property
    def log_path(self) -> Path:
        """The server's stderr (a file: a pipe nobody reads could fill up and block the server)."""
        return self.db.with_suffix(".log")

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ESF_")}
        env.update(ESF_DB=str(self.db), ESF_HOST="127.0.0.1", ESF_LOG_LEVEL="INFO")
        env[self.port_variable] = str(self.port)
        env.update(self.env or {})
        self.proc = subprocess.Popen(
            [sys.executable, *self.command], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=self.log_path.open("ab"),
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_text()[-2000:]}")
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not become healthy")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def request(self, method: str, path: str, body: Any = None, raw: bytes | None = None) -> tuple[int, Any]:
        status, _, out = self.exchange(method, path, body, raw)
        return status, out

    def exchange(
        self, method: str, path: str, body: Any = None, raw: bytes | None = None
    ) -> tuple[int, Any, Any]:
        """(status, headers, JSON body) of one request; ``raw`` sends bytes as they are."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})  # fmt: skip
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, resp.headers, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, json.loads(exc.read() or b"null")

    def get(self, path: str) -> tuple[int, Any]:
        return self.request("GET", path)

    def post(self, path: str, body: Any) -> tuple[int, Any]:
        return self.request("POST", path, body)


@pytest.fixture
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    """A server; ``@pytest.mark.server_env(ESF_X="…")`` adds environment variables."""
    marker = request.node.get_closest_marker("server_env")
    srv = ServerProcess(db=tmp_path / "esf.db", port=free_port(), env=dict(marker.kwargs) if marker else None)
    srv.start()
    yield srv
    srv.stop()
