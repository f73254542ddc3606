"""config.yaml + ESF_ environment overrides, validated with a clear one-line error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from esf_settings import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for var in list(os.environ):
        if var.startswith("ESF_"):
            monkeypatch.delenv(var)


def test_project_config_loads_with_documented_defaults() -> None:
    s = load_settings(ROOT / "config.yaml")
    assert (s.server.host, s.server.port) == ("127.0.0.1", 8080)
    assert (s.limits.rate_per_session, s.limits.rate_per_address) == (60, 600)
    assert s.database.path == ROOT / "data" / "esf.db"
    assert s.languages.default == "zh" and s.telegram.token == ""


def test_every_key_in_config_yaml_is_a_setting() -> None:
    import yaml

    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    s = load_settings(ROOT / "config.yaml")
    for section, values in data.items():
        for key in values:
            assert hasattr(getattr(s, section), key), f"{section}.{key}"


def test_no_file_gives_embedded_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    s = load_settings(empty)
    assert s.server.port == 8080 and s.database.path == tmp_path / "data" / "esf.db"


@pytest.mark.parametrize(
    ("var", "value", "attr", "expected"),
    [
        ("ESF_HOST", "0.0.0.0", ("server", "host"), "0.0.0.0"),
        ("ESF_PORT", "9090", ("server", "port"), 9090),
        ("ESF_RATE_PER_SESSION", "0", ("limits", "rate_per_session"), 0),
        ("ESF_RATE_PER_ADDRESS", "5", ("limits", "rate_per_address"), 5),
        ("ESF_MOCK_PORT", "9191", ("mock", "port"), 9191),
        ("ESF_LIMITS__MAX_TEXT_CHARS", "500", ("limits", "max_text_chars"), 500),
        ("ESF_TELEGRAM__MODE", "webhook", ("telegram", "mode"), "webhook"),
    ],
)
def test_environment_overrides_file(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str, attr: tuple[str, str], expected: object
) -> None:
    monkeypatch.setenv(var, value)
    s = load_settings(ROOT / "config.yaml")
    assert getattr(getattr(s, attr[0]), attr[1]) == expected


def test_esf_db_overrides_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ESF_DB", str(tmp_path / "x.db"))
    assert load_settings(ROOT / "config.yaml").database.path == tmp_path / "x.db"


@pytest.mark.parametrize(
    ("yaml_text", "env", "needle"),
    [
        ("server:\n  port: 70000\n", {}, "server.port = 70000: Input should be less than or equal to 65535"),
        ("server:\n  port: 8080\n", {"ESF_PORT": "eighty"}, "(from ESF_PORT)"),
        ("languages:\n  default: fr\n", {}, "languages.default = 'fr'"),
        ("limits:\n  rate_per_session: -1\n", {}, "limits.rate_per_session"),
        ("serverr:\n  port: 1\n", {}, "unknown key 'serverr'"),
        ("server:\n  prot: 1\n", {}, "unknown key 'server.prot'"),
        ("mock:\n  admin_token: short\n", {}, "mock.admin_token"),
        ("mock:\n  demo_data: perhaps\n", {}, "mock.demo_data"),
        ("mock:\n  webhook_url: ftp://example\n", {}, "mock.webhook_url"),
        ("mock:\n  webhook_secret: short\n", {}, "mock.webhook_secret"),
        ("mock:\n  base_url: ftp://example\n", {}, "mock.base_url"),
        ("mock:\n  client_timeout_seconds: 0\n", {}, "mock.client_timeout_seconds"),
        ("mock:\n  client_retries: 9\n", {}, "mock.client_retries"),
        ("server: [1, 2\n", {}, "is not valid YAML"),
        ("- just\n- a list\n", {}, "must hold a mapping"),
    ],
)
def test_invalid_value_names_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, yaml_text: str, env: dict[str, str], needle: str
) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml_text, encoding="utf-8")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(ConfigError) as err:
        load_settings(cfg)
    assert needle in str(err.value)
    assert str(err.value).startswith("config error:")


def test_startup_stops_with_one_clear_line(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("ESF_")}
    env["ESF_PORT"] = "99999"
    proc = subprocess.run(
        [sys.executable, "-m", "bot"],
        input=b"",
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.decode().strip().splitlines()
    assert lines == [
        "config error: server.port = '99999': Input should be less than or equal to 65535 (from ESF_PORT)"
    ]
