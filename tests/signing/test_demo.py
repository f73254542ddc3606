"""The demo data: fictional, valid numbers, idempotent, and each property behaves as described."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from rules.ids import ValidateIdInput, validate_id
from signing import Platform
from signing.demo import ACCOUNTS, BY_KEY, PROPERTIES, load_demo
from signing.http import ApiError
from signing.models import LoginBody, SmsSendBody, TitleCheckBody
from signing.platform import Caller
from storage import Store
from storage.platform import PlatformStore
from tests.conftest import ROOT

TABLES = (
    "platform_accounts",
    "platform_properties",
    "platform_owners",
    "platform_bindings",
    "platform_links",
)


def _platform(db: Path) -> tuple[Store, Platform]:
    store = Store(db)
    return store, Platform(PlatformStore(store), admin_token="demo-admin-token")


def _rows(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {
        t: [tuple(r) for r in store.db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()] for t in TABLES
    }


def test_loading_twice_gives_the_same_rows(tmp_path: Path) -> None:
    store, platform = _platform(tmp_path / "esf.db")
    first = load_demo(platform)
    rows = _rows(store)
    second = load_demo(platform)
    assert _rows(store) == rows
    assert len(rows["platform_accounts"]) == len(ACCOUNTS) and len(rows["platform_properties"]) == len(
        PROPERTIES
    )
    assert len(rows["platform_bindings"]) == 1 and len(rows["platform_links"]) == 1
    assert not second.created and sorted(second.existing) == sorted(first.created)


def test_every_demo_number_is_valid_and_fictional() -> None:
    for account in ACCOUNTS:
        out = validate_id(ValidateIdInput(doc_type=account.body.doc_type, number=account.body.id_number))
        assert out.valid, (account.key, out.message)
        assert account.body.name.startswith("测试"), account.key
    for prop in PROPERTIES:
        for owner in prop.body().owners:
            assert validate_id(ValidateIdInput(doc_type=owner.doc_type, number=owner.id_number)).valid


def test_each_demo_property_gives_the_promised_title_check(tmp_path: Path) -> None:
    _store, platform = _platform(tmp_path / "esf.db")
    load_demo(platform)
    codes = {}
    for prop in PROPERTIES:
        who, institution, identity = prop.checker
        caller = Caller(
            account=platform.store.account(BY_KEY[who].account_id),
            acting_for=platform.store.account(BY_KEY[institution].account_id) if institution else None,
        )
        body = TitleCheckBody.model_validate(
            {"cert_type": "property_cert", "cert_number": prop.cert_number, "region": "shenzhen",
             "login_identity": identity}
        )  # fmt: skip
        out = platform.check_title(caller, body)
        assert out["result"] == prop.expected, (prop.key, out)
        codes[prop.key] = [f["code"] for f in out["blockers"] + out["notices"]]
    assert codes["mortgaged"] == [] and codes["flat"] == []
    assert "blacklisted" in codes["blacklisted"]
    assert codes["multi_unit"] == ["split_certificate"]
    assert codes["nonstandard"] == ["restriction_review"]
    # The owner abroad cannot check the title himself: his agent does it.
    abroad = Caller(account=platform.store.account(BY_KEY["abroad"].account_id))
    body = TitleCheckBody.model_validate(
        {"cert_type": "property_cert", "cert_number": PROPERTIES[3].cert_number, "region": "shenzhen",
         "login_identity": "owner"}
    )  # fmt: skip
    assert platform.check_title(abroad, body)["result"] == "blocked"


def test_python_m_signing_demo_prints_the_accounts(tmp_path: Path) -> None:
    env = {"ESF_DB": str(tmp_path / "esf.db"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-m", "signing", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    for account in ACCOUNTS:
        assert account.account_id in out.stdout and account.secret in out.stdout
    assert "demo-password-2" in out.stdout and "prop_demo_blacklisted" in out.stdout


def test_the_assistants_copy_of_the_demo_accounts_equals_the_mocks() -> None:
    """dialogs/demo_accounts.yaml repeats what the assistant needs of signing/demo.py (the
    assistant reaches the mock only over HTTP, so it cannot import it): they must agree."""
    import yaml

    copies = yaml.safe_load((ROOT / "dialogs" / "demo_accounts.yaml").read_text(encoding="utf-8"))
    assert copies
    for copy in copies:
        account = BY_KEY[copy["key"]]
        assert (copy["account_id"], copy["secret"]) == (account.account_id, account.secret)
        party = copy.get("party")
        if party is None:
            continue
        body = account.body
        kind = "individual" if body.kind == "individual" else party["type"]
        assert party["type"] == kind, copy["key"]
        assert (party["name"], party["doc_type"], party["id_number"]) == (
            body.name,
            body.doc_type,
            body.id_number,
        ), copy["key"]
        assert (party["origin"], party["capacity"]) == (body.origin, body.capacity), copy["key"]


def _password_login(platform: Platform, account_id: str, password: str) -> dict[str, object]:
    asyncio.run(platform.send_login_sms(SmsSendBody(account_id=account_id)))
    code = platform.store.sms(account_id)[-1]["code"]
    body = LoginBody(account_id=account_id, method="password", secret=password, sms_code=code)
    return asyncio.run(platform.login(body))


def test_demo_passwords_are_argon2_and_log_in(tmp_path: Path) -> None:
    """The mock hashes passwords as the staff desk does (storage.staff, argon2id), not with its own scrypt."""
    store, platform = _platform(tmp_path / "esf.db")
    load_demo(platform)
    with_password = [a for a in ACCOUNTS if a.password]
    assert with_password
    for account in with_password:
        stored = platform.store.account(account.account_id)
        assert stored is not None and str(stored["password_hash"]).startswith("$argon2id$")
        assert account.password is not None
        assert (
            _password_login(platform, account.account_id, account.password)["account_id"]
            == account.account_id
        )
        with pytest.raises(ApiError) as wrong:
            _password_login(platform, account.account_id, account.password + "x")
        assert wrong.value.code == "wrong_credentials"
    store.close()


def test_a_demo_password_hashed_by_an_older_mock_is_hashed_again(tmp_path: Path) -> None:
    """A data file from before argon2 (scrypt hashes): loading the demo again makes the password work."""
    store, platform = _platform(tmp_path / "esf.db")
    load_demo(platform)
    account = next(a for a in ACCOUNTS if a.password)
    assert account.password is not None
    platform.store.set_password_hash(account.account_id, "scrypt$00$00")
    with pytest.raises(ApiError):
        _password_login(platform, account.account_id, account.password)
    load_demo(platform)
    assert _password_login(platform, account.account_id, account.password)["account_id"] == account.account_id
    store.close()
