"""storage.platform: a party's contracts are read by account (platform_contract_members, migration 0007)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storage import Store
from storage.platform import PlatformStore


def _contract(
    store: PlatformStore, cid: str, creator: str, parties: list[dict[str, Any]], status: str
) -> None:
    store.store.db.execute(  # a property to point at, once
        "INSERT OR IGNORE INTO platform_properties (id, cert_type, cert_number, region, usage, industrial, "
        "status, multi_unit_mixed_usage, usage_standardized, created_at) "
        "VALUES ('p1', 'property_cert', 'n1', 'shenzhen', 'residential', 0, 'valid', 0, 1, 'now')"
    )
    values = {
        "id": cid, "property_id": "p1", "creator_account_id": creator, "creator_acting_for": None,
        "signing": "online", "usage": "residential", "filing_required": True, "overseas_party": False,
        "status": status, "steps": [], "parties": parties, "terms": {},
    }  # fmt: skip
    store.add_contract(values, [], ("create", status, creator, "seller"))


def _parties(seller: str, buyer: str | None, agent: str | None = None) -> list[dict[str, Any]]:
    return [
        {"role": "seller", "account_id": seller, "agent": None},
        {"role": "buyer", "account_id": buyer, "agent": {"account_id": agent} if agent else None},
    ]


def test_contracts_of_selects_by_creator_party_and_agent(tmp_path: Path) -> None:
    store = PlatformStore(Store(tmp_path / "esf.db"))
    _contract(store, "c1", "s1", _parties("s1", "b1", agent="ag"), "draft")
    _contract(store, "c2", "s2", _parties("s2", "b1"), "signed")
    _contract(store, "c3", "s1", _parties("s1", None), "cancelled")
    ids = lambda rows: [r["id"] for r in rows]  # noqa: E731
    assert ids(store.contracts_of(["s1"])) == ["c1"]
    assert ids(store.contracts_of(["s1"], with_cancelled=True)) == ["c1", "c3"]
    assert ids(store.contracts_of(["b1"])) == ["c1", "c2"]
    assert ids(store.contracts_of(["ag"])) == ["c1"]
    assert ids(store.contracts_of(["s2", "nobody"])) == ["c2"]
    assert store.contracts_of([]) == []
    assert store.contracts_of(["b1"])[0]["parties"][1]["agent"] == {"account_id": "ag"}  # decoded as before
    plan = " ".join(
        str(row[-1])
        for row in store.store.db.execute(
            "EXPLAIN QUERY PLAN SELECT contract_id FROM platform_contract_members WHERE account_id IN (?)",
            ("b1",),
        ).fetchall()
    )
    assert "SCAN" not in plan  # the members' primary key, not a full scan
    store.store.close()


def test_migration_0007_fills_in_the_members_of_older_contracts(tmp_path: Path) -> None:
    store = PlatformStore(Store(tmp_path / "esf.db"))
    _contract(store, "c1", "s1", _parties("s1", "b1", agent="ag"), "draft")
    db = store.store.db
    # As a file migrated before 0007 looks: no members table.
    db.execute("DROP TABLE platform_contract_members")
    db.execute("DELETE FROM schema_migrations WHERE version = 7")
    db.execute("UPDATE platform_contracts SET creator_acting_for = 'inst'")
    assert store.store.migrate() == [7]
    rows = db.execute("SELECT account_id FROM platform_contract_members ORDER BY account_id").fetchall()
    assert [r[0] for r in rows] == ["ag", "b1", "inst", "s1"]
    store.store.close()
