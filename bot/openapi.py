"""The OpenAPI 3.1 document of the JSON API, generated from the same pydantic models."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dialogs.engine import Turn
from dialogs.faq import FaqResponse


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class SessionCreated(BaseModel):
    session_id: str


class Button(BaseModel):
    title: str
    payload: str


class Message(BaseModel):
    """One message of a conversation (``/messages``, and each event of ``/stream``)."""

    model_config = ConfigDict(populate_by_name=True)
    seq: int
    from_: Literal["user", "assistant", "staff", "platform"] = Field(alias="from")
    text: str
    buttons: list[Button]
    at: str


class Messages(BaseModel):
    messages: list[Message]


class StaffToken(BaseModel):
    token: str


class CookieSignIn(BaseModel):
    username: str
    role: Literal["agent", "supervisor"]
    csrf_token: str


class Handoff(BaseModel):
    session_id: str
    since: str
    flow: str | None
    step: str | None
    summary: str


class Handoffs(BaseModel):
    handoffs: list[Handoff]


class TranscriptRow(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    seq: int
    from_: Literal["user", "assistant", "staff", "platform"] = Field(alias="from")
    text: str  # personal numbers masked
    at: str


class StaffState(BaseModel):
    flow: str | None
    step: str | None
    slots: dict[str, Any]  # masked
    results: dict[str, Any]  # masked
    lang: str | None
    handoff: bool
    since: str | None
    taken_by: str | None
    summary: str


class StaffSession(BaseModel):
    state: StaffState
    transcript: list[TranscriptRow]


class Taken(BaseModel):
    session_id: str
    taken_by: str


class Replied(BaseModel):
    session_id: str
    seq: int


class Closed(BaseModel):
    session_id: str
    handoff: bool


class AuditEntry(BaseModel):
    id: int
    who: str | None
    action: str
    session_id: str | None
    at: str
    detail: dict[str, Any]


class AuditLog(BaseModel):
    entries: list[AuditEntry]


def _ref(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
    for name, sub in schema.pop("$defs", {}).items():
        schemas[name] = sub
    schemas[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(ref: dict[str, str]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": ref}}}


@cache
def document() -> dict[str, Any]:
    from .web import ChatBody, FaqBody, NewSessionBody

    schemas: dict[str, Any] = {}
    error = _ref(ErrorBody, schemas)
    errors = {
        str(code): {"description": text, **_json(error)}
        for code, text in (
            (400, "malformed JSON or fields"),
            (404, "unknown session"),
            (413, "text over the limit"),
            (422, "invalid field values"),
            (429, "too many requests (see Retry-After)"),
        )
    }
    session_param = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "esf-guide",
            "version": "1",
            "description": "Chat, FAQ and rules API, and the hotline staff's API (chat-api.md)",
        },
        "paths": {
            "/api/sessions": {
                "post": {
                    "summary": "Start a conversation",
                    "requestBody": _json(_ref(NewSessionBody, schemas)),
                    "responses": {
                        "201": {"description": "created", **_json(_ref(SessionCreated, schemas))},
                        **errors,
                    },
                }
            },
            "/api/chat": {
                "post": {
                    "summary": "One turn",
                    "requestBody": _json(_ref(ChatBody, schemas)),
                    "responses": {"200": {"description": "the turn", **_json(_ref(Turn, schemas))}, **errors},
                }
            },
            "/api/faq": {
                "post": {
                    "summary": "Ask the FAQ",
                    "requestBody": _json(_ref(FaqBody, schemas)),
                    "responses": {
                        "200": {"description": "answers", **_json(_ref(FaqResponse, schemas))},
                        **errors,
                    },
                }
            },
            "/api/sessions/{session_id}/messages": {
                "get": {
                    "summary": "Every message of a conversation",
                    "parameters": [
                        {"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "after", "in": "query", "required": False, "schema": {"type": "integer"}},
                    ],
                    "responses": {
                        "200": {"description": "messages", **_json(_ref(Messages, schemas))},
                        **errors,
                    },
                }
            },
            "/api/sessions/{session_id}/stream": {
                "get": {
                    "summary": "The conversation's new messages as server-sent events",
                    "description": (
                        "text/event-stream: one event per message (`id:` its seq, `data:` the same JSON "
                        "object as /messages gives: the Message schema), a comment line on idle "
                        "(server.stream_heartbeat_seconds). `Last-Event-ID` (or `after`) resumes."
                    ),
                    "parameters": [
                        session_param,
                        {"name": "after", "in": "query", "required": False, "schema": {"type": "integer"}},
                        {
                            "name": "Last-Event-ID",
                            "in": "header",
                            "required": False,
                            "schema": {"type": "integer"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "the stream; each event's data is a Message",
                            "content": {"text/event-stream": {"schema": _ref(Message, schemas)}},
                        },
                        **errors,
                    },
                }
            },
            **staff_paths(schemas, errors),
            "/api/rules/{name}": {
                "post": {
                    "summary": "Run a rule of rules-api.md",
                    "parameters": [
                        {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {"200": {"description": "the rule's output"}, **errors},
                }
            },
            "/healthz": {"get": {"summary": "Health", "responses": {"200": {"description": "ok"}}}},
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "staffToken": {"type": "http", "scheme": "bearer", "description": "POST /api/staff/login"},
                "staffCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "esf_staff",
                    "description": "the staff page; POSTs also need X-CSRF-Token",
                },
            },
        },
    }


def staff_paths(schemas: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    """``/api/staff/…``: every operation but the sign-in needs the token (or the page's cookie)."""
    from .cases import Case
    from .staff import LoginBody, ReplyBody
    from .staff_page import ManualSection, SituationBody

    auth: list[dict[str, list[str]]] = [{"staffToken": []}, {"staffCookie": []}]
    unauthorized = {"401": {"description": "no, forged or expired token", **_json(_ref(ErrorBody, schemas))}}

    def op(summary: str, response: type[BaseModel] | None, body: type[BaseModel] | None = None,
           params: tuple[str, ...] = (), extra: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
        out: dict[str, Any] = {"summary": summary, "security": auth}
        if params:
            out["parameters"] = [
                {"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in params
            ]
        if body is not None:
            out["requestBody"] = _json(_ref(body, schemas))
        ok: dict[str, Any] = {"description": "ok"}
        if response is not None:
            ok.update(_json(_ref(response, schemas)))
        more = {
            code: {"description": text, **_json(_ref(ErrorBody, schemas))}
            for code, text in (extra or {}).items()
        }
        out["responses"] = {"200": ok, **unauthorized, **more, **errors}
        return out

    sid = ("session_id",)
    login = op("Sign in (cookie: true → the page's HttpOnly cookie and a CSRF token)", StaffToken, LoginBody)
    login["responses"]["200"]["content"]["application/json"]["schema"] = {
        "oneOf": [_ref(StaffToken, schemas), _ref(CookieSignIn, schemas)]
    }
    del login["security"]
    return {
        "/api/staff/login": {"post": login},
        "/api/staff/me": {"get": op("Who is signed in (the page's CSRF token again)", CookieSignIn)},
        "/api/staff/logout": {"post": op("Sign out: the token stops working", None)},
        "/api/staff/handoffs": {"get": op("Conversations waiting for a human, oldest first", Handoffs)},
        "/api/staff/sessions/{session_id}": {
            "get": op("One conversation, masked (audited)", StaffSession, params=sid)
        },
        "/api/staff/sessions/{session_id}/take": {
            "post": op("Take it", Taken, params=sid, extra={"409": "held by another, or not waiting"})
        },
        "/api/staff/sessions/{session_id}/reply": {
            "post": op("Reply to the person", Replied, ReplyBody, sid, {"409": "held by another"})
        },
        "/api/staff/sessions/{session_id}/close": {
            "post": op("Hand it back to the assistant", Closed, params=sid, extra={"409": "not waiting"})
        },
        "/api/staff/audit": {
            "get": op("The audit log (supervisors)", AuditLog, extra={"403": "not a supervisor"})
        },
        "/api/staff/situation": {
            "post": op("The situation panel: the rules for one situation", None, SituationBody)
        },
        "/api/staff/manual/{section}": {
            "get": op(
                "The manual's text of one section",
                ManualSection,
                params=("section",),
                extra={"404": "no such section, or no manual on this server"},
            )
        },
        "/api/staff/cases/{contract_id}": {
            "get": op(
                "Where a contract stands on the platform (masked)",
                Case,
                params=("contract_id",),
                extra={
                    "404": "no such contract",
                    "502": "the platform answered with an error",
                    "503": "the platform cannot be reached",
                },
            )
        },
    }
