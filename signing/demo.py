"""Fictional demo data for the platform mock: people, a company and properties to try it with.

Every person is obviously fictional (测试甲, 测试乙 …); the numbers are made up with
valid check digits computed by :mod:`rules.ids` (GB 11643, GB 32100; the Hong Kong buyer's
港澳居民来往内地通行证 number only has that document's shape), so they pass ``rules.validate_id`` and stand for no one.  The account ids and login
secrets are fixed and public (they are printed by ``python -m signing demo``):
demo data is for rehearsing, never for real use.

:func:`load_demo` is idempotent: what is already there (by its fixed id) is left
alone, so ``make run`` can load it at every start (``mock.demo_data``), except a demo
password that no longer verifies (hashed by an older mock): it is hashed again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rules.ids import gb11643_check_digit, gb32100_check_char
from rules.title import TitleResult
from storage.staff import hash_password, verify_password

from . import models as m
from .platform import Platform


def _resident_id(birth: str, serial: str) -> str:
    first17 = f"440305{birth}{serial}"
    return first17 + gb11643_check_digit(first17)


def _uscc(body: str) -> str:
    first17 = f"91440300{body}"
    return first17 + gb32100_check_char(first17)


@dataclass(frozen=True)
class DemoAccount:
    key: str
    account_id: str
    secret: str
    description: str
    body: m.AccountBody
    password: str | None = None


def _account(key: str, description: str, name: str, id_number: str, mobile: str, **extra: Any) -> DemoAccount:
    kind = "legal_person" if extra.get("doc_type") == "uscc" else "individual"
    fields: dict[str, Any] = {
        "kind": kind,
        "name": name,
        "doc_type": "resident_id",
        "id_number": id_number,
        "mobile": mobile,
        "level": 4,
        "realname": "online",
        **extra,
    }
    return DemoAccount(
        key=key,
        account_id=f"acc_demo_{key}",
        secret=f"demo-{key}-secret",
        description=description,
        body=m.AccountBody.model_validate(fields),
        password=fields.get("password"),
    )


ACCOUNTS: tuple[DemoAccount, ...] = (
    _account(
        "seller", "个人卖方（线上实名，粤省事扫码）", "测试甲", _resident_id("19850101", "101"), "13800000001"
    ),
    _account(
        "buyer",
        "个人买方（现场实名，可用账号密码+短信登录）",
        "测试乙",
        _resident_id("19900215", "202"),
        "13800000002",
        realname="onsite",
        password="demo-password-2",
    ),
    _account(
        "company",
        "法人卖方（企业）",
        "测试丙有限公司",
        _uscc("MA5DEM10X"),
        "13800000003",
        doc_type="uscc",
    ),
    _account(
        "clerk", "测试丙有限公司的经办人（已绑定）", "测试丁", _resident_id("19880808", "303"), "13800000004"
    ),
    _account(
        "abroad",
        "身在境外的业主（未实名，不能用i深圳；由代理人办理）",
        "测试戊",
        _resident_id("19700505", "404"),
        "13800000005",
        level=2,
        realname="none",
        can_use_isz=False,
    ),
    _account(
        "agent",
        "测试戊的代理人（已在公积金中心关联房产）",
        "测试己",
        _resident_id("19820202", "505"),
        "13800000006",
    ),
    _account(
        "hk_buyer",
        "香港买方（港澳居民来往内地通行证；线下签署，备案前须办涉外合同公证）",
        "测试庚",
        "H00000017",
        "13800000007",
        doc_type="hk_macau_permit",
        origin="hk",
        can_use_isz=False,
    ),
    _account(
        "buyer_company",
        "法人买方（企业，企业间非住宅买卖无需备案）",
        "测试辛有限公司",
        _uscc("MA5DEM20Y"),
        "13800000009",
        doc_type="uscc",
    ),
    _account(
        "blacklisted",
        "已列入黑名单的业主",
        "测试壬",
        _resident_id("19750909", "606"),
        "13800000008",
        blacklisted=True,
    ),
)
BY_KEY: dict[str, DemoAccount] = {a.key: a for a in ACCOUNTS}


@dataclass(frozen=True)
class DemoProperty:
    key: str
    description: str
    owner: str  # an account key
    #: who checks the title in the demo: (account key, institution key or None, login_identity)
    checker: tuple[str, str | None, str]
    expected: TitleResult
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def property_id(self) -> str:
        return f"prop_demo_{self.key}"

    @property
    def cert_number(self) -> str:
        return f"粤（2024）深圳市不动产权第{900_0000 + PROPERTIES.index(self) + 1:07d}号"

    def body(self) -> m.PropertyBody:
        owner = BY_KEY[self.owner]
        return m.PropertyBody.model_validate(
            {
                "cert_type": "property_cert",
                "cert_number": self.cert_number,
                "region": "shenzhen",
                "usage": "residential",
                **self.fields,
                "owners": [
                    {
                        "account_id": owner.account_id,
                        "type": "enterprise" if owner.body.kind == "legal_person" else "individual",
                        "origin": owner.body.origin,
                        "capacity": owner.body.capacity,
                        "name": owner.body.name,
                        "doc_type": owner.body.doc_type,
                        "id_number": owner.body.id_number,
                        "share": "1/1",
                    }
                ],
            }
        )


PROPERTIES: tuple[DemoProperty, ...] = (
    DemoProperty("flat", "普通住宅：测试甲的房屋产权校验通过", "seller", ("seller", None, "owner"), "pass"),
    DemoProperty(
        "mortgaged",
        "已抵押的住宅：抵押不阻止产权校验，通过",
        "seller",
        ("seller", None, "owner"),
        "pass",
        {"status": "mortgaged"},
    ),
    DemoProperty(
        "company",
        "企业名下的商业用房：经办人选择机构卡片登录后校验通过",
        "company",
        ("clerk", "company", "owner"),
        "pass",
        {"usage": "non_residential"},
    ),
    DemoProperty(
        "abroad",
        "境外业主的住宅：已关联的代理人以“其他”身份校验通过",
        "abroad",
        ("agent", None, "other"),
        "pass",
    ),
    DemoProperty(
        "blacklisted",
        "黑名单业主的住宅：校验不通过",
        "blacklisted",
        ("blacklisted", None, "owner"),
        "blocked",
    ),
    DemoProperty(
        "multi_unit",
        "一证多套且用途不同的房屋：须先分证，校验不通过",
        "seller",
        ("seller", None, "owner"),
        "blocked",
        {"multi_unit_mixed_usage": True},
    ),
    DemoProperty(
        "nonstandard",
        "用途未规范的房屋：待限制转移审核",
        "seller",
        ("seller", None, "owner"),
        "pending_review",
        {"usage": "non_residential", "usage_standardized": False},
    ),
)
#: The clerk's binding to the company, and the agent's link to the abroad owner's flat.
BINDING_ID = "bind_demo_clerk"
LINK = ("abroad", "agent", "abroad")


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def load_demo(platform: Platform) -> DemoReport:
    """Seed the demo accounts, properties, binding and link that are not there yet."""
    store = platform.store
    report = DemoReport()
    for account in ACCOUNTS:
        found = store.account(account.account_id)
        if found is None:
            platform.seed_account(account.body, account_id=account.account_id, secret=account.secret)
            report.created.append(account.account_id)
            continue
        report.existing.append(account.account_id)
        if account.password and not verify_password(found["password_hash"], account.password):
            # stored before the mock hashed with argon2 (scrypt then): the public demo password again
            store.set_password_hash(account.account_id, hash_password(account.password))
    for prop in PROPERTIES:
        if store.property(prop.property_id) is None:
            platform.seed_property(prop.body(), property_id=prop.property_id)
            report.created.append(prop.property_id)
        else:
            report.existing.append(prop.property_id)
    company, clerk = BY_KEY["company"].account_id, BY_KEY["clerk"].account_id
    if store.binding(BINDING_ID) is None and not store.bindings_between(company, clerk):
        store.add_binding(BINDING_ID, company, clerk)
        store.set_binding_status(BINDING_ID, "active")
        report.created.append(BINDING_ID)
    else:
        report.existing.append(BINDING_ID)
    owner, agent, prop_key = (BY_KEY[LINK[0]].account_id, BY_KEY[LINK[1]].account_id, f"prop_demo_{LINK[2]}")
    if owner not in store.linked_owners(agent, prop_key):
        platform.seed_link(m.LinkBody(owner_account_id=owner, agent_account_id=agent, property_id=prop_key))
        report.created.append("link:" + prop_key)
    else:
        report.existing.append("link:" + prop_key)
    return report


def describe() -> str:
    """The demo accounts and properties, for a person to try them (``python -m signing demo``)."""
    lines = ["Demo accounts (fictional; log in with method yss_scan and the secret):"]
    for a in ACCOUNTS:
        extra = f"  password: {a.password} (+ SMS code)" if a.password else ""
        lines.append(f"  {a.account_id:<22} {a.body.name:<8} secret: {a.secret:<28}{extra}  {a.description}")
    lines.append(
        f"  经办人 login: account {BY_KEY['clerk'].account_id} with institution_id {BY_KEY['company'].account_id}"
    )
    lines.append("Demo properties (cert_type property_cert, region shenzhen):")
    for p in PROPERTIES:
        lines.append(f"  {p.property_id:<22} {p.cert_number}  {p.description} [{p.expected}]")
    return "\n".join(lines)
