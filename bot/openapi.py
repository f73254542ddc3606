"""The OpenAPI 3.1 document of the JSON API, generated from the same pydantic models."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel

from dialogs.engine import Turn
from dialogs.faq import FaqResponse


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class SessionCreated(BaseModel):
    session_id: str


def _ref(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
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
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "esf-guide",
            "version": "1",
            "description": "Chat, FAQ and rules API (chat-api.md)",
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
                    "responses": {"200": {"description": "messages"}, **errors},
                }
            },
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
        "components": {"schemas": schemas},
    }
