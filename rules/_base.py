"""Shared plumbing of the rules package: strict models, the registry, errors.

Every rule is a plain typed function ``fn(Input) -> Output`` whose models derive
from :class:`RuleInput` / :class:`RuleOutput`, registered under its public name
with :func:`rule`.  :func:`evaluate` is the thin JSON door in front of them.

Nothing here reads files, the clock or the network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

ErrorCode = Literal[
    "invalid_json",
    "unknown_rule",
    "missing_field",
    "unknown_field",
    "wrong_type",
    "bad_enum",
    "invalid_input",
]


class RuleError(ValueError):
    """Input a rule cannot decide on: the spec's ``{"error": {"code", "message"}}``.

    >>> RuleError("unknown_rule", "没有这条规则 / no such rule").as_json()
    {'error': {'code': 'unknown_rule', 'message': '没有这条规则 / no such rule'}}
    """

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message

    def as_json(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": self.code, "message": self.message}}


def invalid_input(zh: str, en: str) -> RuleError:
    """An ``invalid_input`` error: values that contradict each other."""
    return RuleError("invalid_input", f"{zh} / {en}")


class RuleInput(BaseModel):
    """Strict input: unknown fields and wrong JSON types are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class RuleOutput(BaseModel):
    """Output model; ``model_dump(mode="json")`` is the rule's JSON output."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NumberCheck(RuleOutput):
    """The output of the number validators (``validate_id``, ``validate_cert_number``).

    Valid: ``normalized`` set, no message. Invalid: no ``normalized``, a message in both languages.
    """

    valid: bool
    normalized: str | None
    message: str | None
    message_en: str | None

    @model_validator(mode="after")
    def _consistent(self) -> NumberCheck:
        if self.valid and (
            self.normalized is None or self.message is not None or self.message_en is not None
        ):
            raise ValueError("a valid number has normalized set and no message")
        if not self.valid and (self.normalized is not None or not self.message or not self.message_en):
            raise ValueError("an invalid number has no normalized form and a message in both languages")
        return self


InT = TypeVar("InT", bound=RuleInput)
OutT = TypeVar("OutT", bound=RuleOutput)


@dataclass(frozen=True)
class Rule(Generic[InT, OutT]):
    name: str
    input_model: type[InT]
    func: Callable[[InT], OutT]

    def __call__(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        return self.func(parse_input(self.input_model, payload)).model_dump(mode="json")


REGISTRY: dict[str, Rule[Any, Any]] = {}


def rule(name: str, input_model: type[InT]) -> Callable[[Callable[[InT], OutT]], Callable[[InT], OutT]]:
    """Register ``func`` as the public rule ``name`` taking ``input_model``."""

    def register(func: Callable[[InT], OutT]) -> Callable[[InT], OutT]:
        if name in REGISTRY:
            raise RuntimeError(f"rule {name!r} registered twice")
        REGISTRY[name] = Rule(name, input_model, func)
        return func

    return register


# Python / pydantic type names -> how a JSON user calls them.
_JSON_NAMES = {
    "bool": ("布尔值（true/false）", "a boolean (true/false)"),
    "int": ("整数", "an integer"),
    "float": ("数字", "a number"),
    "str": ("字符串", "a string"),
    "string": ("字符串", "a string"),
    "list": ("数组", "an array"),
    "dict": ("JSON 对象", "an object"),
    "model": ("JSON 对象", "an object"),
    "model_attributes": ("JSON 对象", "an object"),
    "NoneType": ("null", "null"),
    "boolean": ("布尔值（true/false）", "a boolean (true/false)"),
}

_TYPE_WORDS = {
    "missing": ("缺少字段", "missing field"),
    "extra_forbidden": ("不认识的字段", "unknown field"),
}


def _error_code(err_type: str) -> ErrorCode:
    if err_type == "missing":
        return "missing_field"
    if err_type == "extra_forbidden":
        return "unknown_field"
    if err_type in ("literal_error", "enum"):
        return "bad_enum"
    if (
        err_type.endswith("_type")
        or err_type.endswith("_parsing")
        or err_type
        in (
            "model_type",
            "model_attributes_type",
            "dataclass_type",
        )
    ):
        return "wrong_type"
    return "invalid_input"


def _describe(err: Mapping[str, Any]) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ())) or "(input)"
    kind = err.get("type", "")
    if kind in _TYPE_WORDS:
        zh, en = _TYPE_WORDS[kind]
        return f"{zh}“{loc}” / {en} '{loc}'"
    if kind in ("literal_error", "enum"):
        expected = err.get("ctx", {}).get("expected", "")
        return f"字段“{loc}”的取值不在允许范围内，应为 {expected} / field '{loc}' must be one of {expected}"
    if _error_code(kind) == "wrong_type":
        got = _JSON_NAMES.get(type(err.get("input")).__name__, ("?", "?"))
        want = _JSON_NAMES.get(kind.removesuffix("_type").removesuffix("_parsing"), ("", ""))
        return (
            f"字段“{loc}”应为{want[0] or '正确类型'}，收到{got[0]} / field '{loc}' must be "
            f"{want[1] or 'of the right type'}, got {got[1]}"
        )
    return f"字段“{loc}”的值无效：{err.get('msg', '')} / field '{loc}' is invalid: {err.get('msg', '')}"


def error_from_validation(exc: ValidationError) -> RuleError:
    """Map pydantic's errors to the spec's error object (the first error sets the code)."""
    errors = exc.errors(include_url=False)
    code = _error_code(errors[0]["type"]) if errors else "invalid_input"
    return RuleError(code, "；".join(_describe(e) for e in errors[:5]))


def parse_input(model: type[InT], payload: Any) -> InT:
    """Validate ``payload`` strictly into ``model`` or raise :class:`RuleError`."""
    if not isinstance(payload, Mapping):
        raise RuleError(
            "wrong_type",
            f"输入应为 JSON 对象，收到 {type(payload).__name__} / input must be a JSON object, "
            f"got {type(payload).__name__}",
        )
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise error_from_validation(exc) from None


def evaluate(name: str, payload: Any) -> dict[str, Any]:
    """Run the rule ``name`` on a JSON-shaped ``payload``; return its JSON output.

    Raises :class:`RuleError` (``unknown_rule``, ``missing_field``, ``unknown_field``,
    ``wrong_type``, ``bad_enum``, ``invalid_input``) for input it cannot decide on.

    >>> evaluate("realname_level", {"level": 4, "purpose": "title_check"})["ok"]
    True
    >>> evaluate("no_such_rule", {})
    Traceback (most recent call last):
    ...
    rules._base.RuleError: 没有名为“no_such_rule”的规则 / no rule named 'no_such_rule'
    """
    found = REGISTRY.get(name) if isinstance(name, str) else None
    if found is None:
        raise RuleError("unknown_rule", f"没有名为“{name}”的规则 / no rule named '{name}'")
    return found(payload)
