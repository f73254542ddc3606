"""Every setting of esf-guide, from ``config.yaml`` with ``ESF_…`` overrides.

Precedence, highest first: keyword arguments, the short environment variables
the specs name (``ESF_HOST``, ``ESF_PORT``, ``ESF_DB``, …, see :data:`SHORT_ENV`),
nested ones (``ESF_SERVER__PORT``), the YAML file, the defaults below.  The file
is ``ESF_CONFIG`` if set, else ``./config.yaml``, else the one beside the
project's packages; without any, the defaults are a working embedded set-up
(SQLite under ``data/``, no outside service).

An invalid value raises :class:`ConfigError`, whose message is one line per bad
key naming the key, the value, what is allowed and where the value came from.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
Lang = Literal["zh", "zh-Hant", "en"]
_ALL_LANGS: tuple[Lang, ...] = ("zh", "zh-Hant", "en")

# Short environment variables the specs fix -> dotted key.
SHORT_ENV: dict[str, str] = {
    "ESF_HOST": "server.host",
    "ESF_PORT": "server.port",
    "ESF_DB": "database.path",
    "ESF_RATE_PER_SESSION": "limits.rate_per_session",
    "ESF_RATE_PER_ADDRESS": "limits.rate_per_address",
    "ESF_MOCK_PORT": "mock.port",
    "ESF_MOCK_ADMIN_TOKEN": "mock.admin_token",
    "ESF_TELEGRAM_TOKEN": "telegram.token",
    "ESF_LOG_LEVEL": "logging.level",
}


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DbSettings(Section):
    path: Path = Path("data/esf.db")


class ServerSettings(Section):
    host: str = Field("127.0.0.1", min_length=1)
    port: int = Field(8080, ge=0, le=65535, description="0: any free port")
    max_body_bytes: int = Field(64 * 1024, ge=1024, le=50 * 1024 * 1024)
    stream_heartbeat_seconds: float = Field(
        15.0, ge=0.2, le=300, description="comment line on idle SSE streams"
    )


class LanguageSettings(Section):
    default: Lang = "zh"
    supported: list[Lang] = Field(default_factory=lambda: list(_ALL_LANGS), min_length=1)


class LimitSettings(Section):
    rate_per_session: int = Field(60, ge=0, description="requests per minute per session; 0 = off")
    rate_per_address: int = Field(600, ge=0, description="requests per minute per address; 0 = off")
    max_text_chars: int = Field(2000, ge=1, le=100_000)
    session_ttl_minutes: int = Field(7 * 24 * 60, ge=1)
    max_failures_per_step: int = Field(3, ge=1, le=20)


class TelegramSettings(Section):
    token: str = ""  # empty: Telegram is skipped
    mode: Literal["polling", "webhook"] = "polling"
    webhook_secret: str = ""  # webhook mode: the X-Telegram-Bot-Api-Secret-Token every update must carry
    webhook_url: str = ""  # webhook mode: public URL of /telegram/webhook, registered at start-up
    api_url: str = ""  # another Bot API server (e.g. a local one); empty: Telegram's


class PathSettings(Section):
    flows: Path = Path("dialogs/flows")
    knowledge: Path = Path("dialogs/knowledge")
    cache: Path = Path("data/cache")  # built indexes (the FAQ's), rebuilt when their sources change
    manual: Path = Path(
        "../shared/manual"
    )  # the manual's text (.txt files, or one file); absent: no excerpts


class MockSettings(Section):
    host: str = Field("127.0.0.1", min_length=1)
    port: int = Field(8081, ge=1, le=65535)
    admin_token: str = Field("change-me-admin-token", min_length=8)
    token_ttl_seconds: int = Field(12 * 3600, ge=1, le=30 * 24 * 3600, description="login token lifetime")
    sms_ttl_minutes: int = Field(5, ge=1, le=60, description="SMS code lifetime")
    demo_data: bool = Field(True, description="load the fictional demo accounts and properties at start-up")
    # Status changes and SMS are posted to the assistant here; empty: this server's /api/platform/events.
    webhook_url: str = Field("", pattern=r"^(https?://\S+)?$", max_length=500)
    webhook_secret: str = Field("change-me-webhook-secret", min_length=8, max_length=200)
    webhook_timeout_seconds: float = Field(5.0, gt=0, le=60)
    # The assistant reaches the platform here (HTTP only); empty: this server's /mock.
    base_url: str = Field("", pattern=r"^(https?://\S+)?$", max_length=500)
    client_timeout_seconds: float = Field(10.0, gt=0, le=120, description="per platform request")
    client_retries: int = Field(1, ge=0, le=3, description="extra tries of an idempotent platform call")


class StaffSettings(Section):
    token_ttl_minutes: float = Field(
        8 * 60, gt=0, le=7 * 24 * 60, description="hotline staff sign-ins last this long (fractions allowed)"
    )


class LoggingSettings(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class ConfigError(Exception):
    """A bad setting; ``str()`` is one line per bad key."""


class _ShortEnv(PydanticBaseSettingsSource):
    """The spec's short variables (ESF_HOST …) as a nested dict."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for var, key in SHORT_ENV.items():
            if var in os.environ:
                section, name = key.split(".")
                out.setdefault(section, {})[name] = os.environ[var]
        return out


class _Yaml(PydanticBaseSettingsSource):
    def __init__(self, settings_cls: type[BaseSettings], data: dict[str, Any]) -> None:
        super().__init__(settings_cls)
        self.data = data

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return self.data


class Settings(BaseSettings):
    """All of esf-guide's settings (see ``config.yaml`` for each one's meaning)."""

    model_config = SettingsConfigDict(env_prefix="ESF_", env_nested_delimiter="__", extra="forbid")

    database: DbSettings = Field(default_factory=DbSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    languages: LanguageSettings = Field(default_factory=LanguageSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    paths: PathSettings = Field(default_factory=PathSettings)
    mock: MockSettings = Field(default_factory=MockSettings)
    staff: StaffSettings = Field(default_factory=StaffSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        yaml_data = (
            init_settings.init_kwargs.pop("_yaml", {})
            if isinstance(init_settings, InitSettingsSource)
            else {}
        )
        return (init_settings, _ShortEnv(settings_cls), env_settings, _Yaml(settings_cls, yaml_data))


def config_path(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The YAML file to read: ``path``, ``ESF_CONFIG``, ``./config.yaml``, the project's."""
    if path is not None:
        return Path(path)
    if os.environ.get("ESF_CONFIG"):
        return Path(os.environ["ESF_CONFIG"])
    for candidate in (Path.cwd() / "config.yaml", PROJECT_ROOT / "config.yaml"):
        if candidate.is_file():
            return candidate
    return None


def _origin(loc: tuple[Any, ...], source: Path | None) -> str:
    dotted = ".".join(str(p) for p in loc)
    for var, key in SHORT_ENV.items():
        if key == dotted and var in os.environ:
            return f"from {var}"
    nested = "ESF_" + "__".join(str(p) for p in loc).upper()
    if nested in os.environ:
        return f"from {nested}"
    return f"from {source}" if source else "default"


def load_settings(path: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Read, merge and validate the settings; :class:`ConfigError` on any bad key.

    Relative paths in the file are taken relative to the file's folder.
    """
    source = config_path(path)
    data: dict[str, Any] = {}
    if source is not None:
        try:
            loaded = yaml.safe_load(source.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(
                f"config error: file {source} does not exist (ESF_CONFIG or --config)"
            ) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"config error: {source}{where} is not valid YAML: {exc}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(
                f"config error: {source} must hold a mapping of sections, not {type(loaded).__name__}"
            )
        data = loaded or {}
    try:
        settings = Settings(**{"_yaml": data, **overrides})
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False):
            key = ".".join(str(p) for p in err["loc"])
            if err["type"] == "extra_forbidden":
                lines.append(f"config error: unknown key '{key}' ({_origin(err['loc'], source)})")
            else:
                lines.append(
                    f"config error: {key} = {err.get('input')!r}: {err['msg']} ({_origin(err['loc'], source)})"
                )
        raise ConfigError("\n".join(lines)) from None
    base = source.parent if source is not None else Path.cwd()
    for section, name in (
        ("database", "path"),
        ("paths", "flows"),
        ("paths", "knowledge"),
        ("paths", "cache"),
        ("paths", "manual"),
    ):
        sub = getattr(settings, section)
        value = getattr(sub, name)
        if not value.is_absolute() and not (section == "database" and "ESF_DB" in os.environ):
            setattr(sub, name, base / value)
    manual = settings.paths.manual
    if manual.exists() and not (manual.is_dir() or (manual.is_file() and manual.suffix == ".txt")):
        raise ConfigError(
            f"config error: paths.manual = '{manual}': must be a folder of .txt files or one .txt file "
            f"({_origin(('paths', 'manual'), source)})"
        )
    return settings


__all__ = ["SHORT_ENV", "ConfigError", "Settings", "config_path", "load_settings"]


def start_up(path: str | os.PathLike[str] | None = None) -> Settings | None:
    """The settings for a program's ``main``, with logging configured from them; None (after
    printing each bad key on stderr) when they are invalid: the caller exits with 2."""
    import logging
    import sys

    try:
        settings = load_settings(path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return None
    logging.basicConfig(
        level=settings.logging.level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    return settings
