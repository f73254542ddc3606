"""The assistant's HTTP client of the platform (``platform-api.md``): the mock, or a real adapter.

The flows' ``act`` steps name an operation of :data:`OPERATIONS`; :meth:`PlatformClient.call`
sends it with the person's token and answers the platform's JSON.  Every request has a
timeout; an idempotent one (a read, a title check) is tried once more when the platform
cannot be reached.  Failures are typed: :class:`PlatformDown` (no answer, a 5xx, not JSON)
and :class:`PlatformRefused` (a 4xx with the platform's ``{"error": {"code", "message"}}``).
Nothing is logged here: bodies, tokens and secrets carry personal data.

>>> OPERATIONS["title_check"].path, OPERATIONS["title_check"].idempotent
('/api/title-checks', True)
>>> PlatformRefused(409, "wrong_status", "先生成合同文本").code
'wrong_status'
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

__all__ = ["OPERATIONS", "Operation", "PlatformClient", "PlatformDown", "PlatformError", "PlatformRefused"]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # may hold ``{contract_id}``, filled from the input of the same name
    idempotent: bool = False
    auth: bool = True  # sends the person's token
    #: ``pdf``: the body is one PDF, the blank form named by the input ``form``; ``parts``: multipart,
    #: one PDF per part, the input ``parts`` mapping part name -> form name.  The forms are the ones the
    #: platform serves (``GET /api/forms/{name}.pdf``): a stand-in for a signed scan, which a person
    #: cannot attach in the chat (a rehearsal on the mock only).  The name ``@contract`` stands for the
    #: contract's own text (``GET /api/contracts/{id}/text.pdf``): the signed contract's stand-in.
    upload: str | None = None
    #: the answer is a PDF (a download): the call answers ``{"contract_id", "bytes"}`` instead of JSON
    download: bool = False


#: What a flow's ``act: {call: …}`` may name.
OPERATIONS: dict[str, Operation] = {
    "login": Operation("POST", "/api/login", auth=False),
    "title_check": Operation("POST", "/api/title-checks", idempotent=True),
    "contracts": Operation("GET", "/api/contracts", idempotent=True),
    "contract": Operation("GET", "/api/contracts/{contract_id}", idempotent=True),
    "create_contract": Operation("POST", "/api/contracts"),
    "generate": Operation("POST", "/api/contracts/{contract_id}/generate"),
    "print": Operation("POST", "/api/contracts/{contract_id}/print"),
    "edit_terms": Operation("PATCH", "/api/contracts/{contract_id}"),
    "qualification": Operation("POST", "/api/contracts/{contract_id}/qualification"),
    "qualification_void": Operation("POST", "/api/contracts/{contract_id}/qualification/void"),
    "commitment": Operation("POST", "/api/contracts/{contract_id}/commitment", upload="pdf"),
    "send_for_signing": Operation("POST", "/api/contracts/{contract_id}/send-for-signing"),
    "isz_sign": Operation("POST", "/isz/contracts/{contract_id}/sign"),
    "offline_upload": Operation("POST", "/api/contracts/{contract_id}/offline-upload", upload="parts"),
    "notarization": Operation("POST", "/api/contracts/{contract_id}/notarization", upload="pdf"),
    "filing_materials": Operation("POST", "/api/contracts/{contract_id}/filing-materials", upload="parts"),
    "filing": Operation("POST", "/api/contracts/{contract_id}/filing"),
    "download_text": Operation(
        "GET", "/api/contracts/{contract_id}/text.pdf", idempotent=True, download=True
    ),
    "cancellation": Operation("POST", "/api/contracts/{contract_id}/cancellations"),
    "cancellation_confirm": Operation("POST", "/api/contracts/{contract_id}/cancellations/confirm"),
    "cancellation_materials": Operation(
        "POST", "/api/contracts/{contract_id}/cancellations/materials", upload="parts"
    ),
    "cancellation_submit": Operation("POST", "/api/contracts/{contract_id}/cancellations/submit"),
}


class PlatformError(Exception):
    """The platform did not do what was asked."""


class PlatformDown(PlatformError):
    """No usable answer: unreachable, timed out, a 5xx, or not JSON."""


class PlatformRefused(PlatformError):
    """The platform answered with a 4xx: its status, error code and message."""

    def __init__(self, status: int, code: str, message: str, reasons: list[Any] | None = None) -> None:
        super().__init__(f"{status} {code}")
        self.status, self.code, self.message = status, code, message
        self.reasons: list[Any] = reasons or []  # e.g. online_not_allowed: the rule's reasons


class PlatformClient:
    """Sync JSON over HTTP (stdlib): the engine calls it from a worker thread on the web door."""

    def __init__(self, base_url: str, *, timeout: float = 10.0, retries: int = 1) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries

    def call(self, name: str, token: str | None, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run operation ``name``; path parameters come out of ``body`` (the rest is sent as JSON)."""
        op = OPERATIONS[name]
        data = dict(body or {})
        path = op.path
        contract_id = data.get("contract_id")
        for key in ("contract_id",):
            if "{" + key + "}" in path:
                path = path.replace("{" + key + "}", urllib.parse.quote(str(data.pop(key, "")), safe=""))
        headers = {"Accept": "application/pdf" if op.download else "application/json"}
        if op.auth and token:
            headers["Authorization"] = f"Bearer {token}"
        payload: bytes | None
        if op.upload == "pdf":
            payload = self._form(str(data.get("form", "")), headers, contract_id)
            headers["Content-Type"] = "application/pdf"
        elif op.upload == "parts":
            forms = {str(part): str(name) for part, name in dict(data.get("parts") or {}).items()}
            blanks = {name: self._form(name, headers, contract_id) for name in set(forms.values())}
            payload, headers["Content-Type"] = multipart({part: blanks[name] for part, name in forms.items()})
        elif op.method == "GET":
            payload = None
        else:
            payload = json.dumps(data, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        attempts = 1 + (self.retries if op.idempotent else 0)
        for attempt in range(attempts):
            try:
                raw = self._once(op.method, path, payload, headers)
                if op.download:
                    if not raw.startswith(b"%PDF"):
                        raise PlatformDown("not a PDF")
                    return {"contract_id": contract_id, "bytes": len(raw)}
                return self._json_object(raw)
            except PlatformDown:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def _form(self, name: str, headers: dict[str, str], contract_id: Any = None) -> bytes:
        """A blank form's PDF from the platform, or (``@contract``) the contract's text as a PDF (a read:
        tried again once when it cannot be reached)."""
        if name == "@contract":
            path = f"/api/contracts/{urllib.parse.quote(str(contract_id or ''), safe='')}/text.pdf"
        else:
            path = f"/api/forms/{urllib.parse.quote(name, safe='')}.pdf"
        for attempt in range(1 + self.retries):
            try:
                return self._once("GET", path, None, {**headers, "Accept": "application/pdf"})
            except PlatformDown:
                if attempt == self.retries:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _json_object(raw: bytes) -> dict[str, Any]:
        out = _json(raw)
        if not isinstance(out, dict):
            raise PlatformDown("not a JSON object")
        return out

    def _once(self, method: str, path: str, payload: bytes | None, headers: dict[str, str]) -> bytes:
        request = urllib.request.Request(self.base_url + path, data=payload, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
            if status >= 500:
                raise PlatformDown(f"platform error {status}") from None
            error = _json(raw).get("error") if raw else None
            if not isinstance(error, dict):
                raise PlatformRefused(status, "refused", "") from None
            reasons = error.get("reasons")
            raise PlatformRefused(
                status,
                str(error.get("code", "")),
                str(error.get("message", "")),
                reasons if isinstance(reasons, list) else None,
            ) from None
        except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets are OSErrors
            raise PlatformDown(type(exc).__name__) from None


def multipart(parts: dict[str, bytes]) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body of PDFs, and its content type."""
    boundary = uuid.uuid4().hex
    out = bytearray()
    for name, data in parts.items():
        out += f"--{boundary}\r\n".encode()
        out += f'Content-Disposition: form-data; name="{name}"; filename="{name}.pdf"\r\n'.encode()
        out += b"Content-Type: application/pdf\r\n\r\n" + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise PlatformDown("not JSON") from None
