"""HTTP plumbing of the mock: errors in the spec's shape, JSON bodies, PDF uploads.

Every error leaves as ``{"error": {"code", "message"}}`` (plus ``reasons`` where the
spec says so); an unexpected exception is logged without the request's body and
answered 500 ``internal_error``, never with a stack trace.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import BodyPartReader, web
from pydantic import BaseModel, ValidationError

from rules.text import loads_json_text

from .messages import msg

log = logging.getLogger("esf.signing")

#: The largest PDF the platform accepts (platform-api.md: at most 10 MB).
MAX_PDF_BYTES = 10 * 1024 * 1024
#: Multipart overhead allowed on top of the PDFs' own sizes.
_MULTIPART_SLACK = 64 * 1024
#: Parts of one multipart upload at most.
MAX_PARTS = 20
PDF_MAGIC = b"%PDF-"

M = TypeVar("M", bound=BaseModel)


class ApiError(Exception):
    """An answer other than 2xx: status, code, message (and ``reasons``)."""

    def __init__(self, status: int, code: str, message: str, reasons: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.reasons = status, code, message, reasons

    def response(self) -> web.Response:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.reasons is not None:
            error["reasons"] = self.reasons
        return web.json_response({"error": error}, status=self.status)


def api_error_of(exc: web.HTTPException) -> ApiError:
    """aiohttp's own 4xx/5xx (no route, wrong method …) in the error shape: its reason as the code."""
    reason = exc.reason or "error"
    return ApiError(exc.status, reason.lower().replace(" ", "_"), reason)


@web.middleware
async def errors_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    started = time.perf_counter()
    try:
        response = await handler(request)
    except ApiError as exc:
        response = exc.response()
    except web.HTTPRequestEntityTooLarge:
        response = ApiError(413, "too_large", msg("body_too_large")).response()
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = api_error_of(exc).response()
    except Exception:
        # No body, no personal data: the method and the route's pattern only.
        route = request.match_info.route.resource
        log.exception("unhandled error on %s %s", request.method, route.canonical if route else "?")
        response = ApiError(500, "internal_error", msg("internal_error")).response()
    route = request.match_info.route.resource
    log.info(
        "%s %s %d %.1fms",
        request.method,
        route.canonical if route else "?",
        response.status,
        (time.perf_counter() - started) * 1000,
    )
    return response


async def read_json(request: web.Request, model: type[M]) -> M:
    """The body as ``model``: 400 ``invalid_json``, 422 ``invalid_body`` naming the field."""
    try:
        data = loads_json_text(await request.read())
    except web.HTTPRequestEntityTooLarge:
        raise
    except ValueError:  # UnicodeError is one
        raise ApiError(400, "invalid_json", msg("invalid_json")) from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_body", msg("body_not_object"))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"]) or "body"
        raise ApiError(422, "invalid_body", f"{where}: {err['msg']}") from None


def _too_large() -> ApiError:
    return ApiError(413, "too_large", msg("file_too_large", megabytes=MAX_PDF_BYTES // (1024 * 1024)))


def check_pdf(data: bytes, name: str = "file") -> bytes:
    """A PDF by its magic bytes and size, else 415 / 413.

    >>> len(check_pdf(b"%PDF-1.4 ..."))
    12
    >>> check_pdf(b"GIF89a")
    Traceback (most recent call last):
    ...
    signing.http.ApiError: file 不是PDF文件 / file is not a PDF
    """
    if len(data) > MAX_PDF_BYTES:
        raise _too_large()
    if not data.startswith(PDF_MAGIC):
        raise ApiError(415, "not_pdf", msg("not_pdf", name=name))
    return data


def _declared_too_large(request: web.Request, limit: int) -> None:
    if request.content_length is not None and request.content_length > limit:
        raise _too_large()


async def read_pdf_body(request: web.Request) -> bytes:
    """A raw ``application/pdf`` body, streamed so the size limit holds whatever app it runs in."""
    _declared_too_large(request, MAX_PDF_BYTES)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > MAX_PDF_BYTES:
            raise _too_large()
        chunks.append(chunk)
    return check_pdf(b"".join(chunks), "body")


async def read_pdf_parts(request: web.Request) -> list[tuple[str, bytes]]:
    """The parts of a ``multipart/form-data`` upload, each a PDF of at most 10 MB, in order."""
    _declared_too_large(request, MAX_PARTS * (MAX_PDF_BYTES + _MULTIPART_SLACK))
    if not request.content_type.startswith("multipart/"):
        raise ApiError(415, "not_multipart", msg("not_multipart"))
    try:
        reader = await request.multipart()
    except (ValueError, AssertionError):
        raise ApiError(400, "invalid_multipart", msg("invalid_multipart")) from None
    parts: list[tuple[str, bytes]] = []
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader):
            raise ApiError(400, "invalid_multipart", msg("nested_multipart"))
        if len(parts) >= MAX_PARTS:
            raise ApiError(413, "too_many_parts", msg("too_many_parts", count=MAX_PARTS))
        name = part.name or f"part{len(parts) + 1}"
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = await part.read_chunk(64 * 1024)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_PDF_BYTES:
                raise _too_large()
            chunks.append(chunk)
        parts.append((name, check_pdf(b"".join(chunks), name)))
    if not parts:
        raise ApiError(422, "missing_part", msg("missing_part"))
    return parts


def bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
