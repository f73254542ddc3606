"""contract_steps: manual 5.3 / 5.4 流程, 5.3.4 / 5.4.4 注意, 5.4.5.1."""

from __future__ import annotations

from typing import Any

import pytest

import rules
from rules.steps import filing_required


def steps(usage: str, signing: str, filing: bool = True, overseas: bool = False) -> list[tuple[str, str]]:
    out = rules.evaluate(
        "contract_steps",
        {"usage": usage, "signing": signing, "filing_required": filing, "overseas_party": overseas},
    )
    return [(s["code"], s["section"]) for s in out["steps"]]


def test_5_3_online_residential_flow() -> None:
    """5.3 流程（住宅）：产权校验、填写条款、生成示范文本、买方购房资格审查、下载并上传承诺书、i深圳签署、合同备案."""
    assert steps("residential", "online") == [
        ("title_check", "5.2"),
        ("fill_terms", "5.3.1"),
        ("generate_text", "5.3.2"),
        ("buyer_qualification", "5.3.3"),
        ("commitment_letter", "5.3.4"),
        ("esign", "5.3.5.1"),
        ("filing", "5.3.5.2"),
    ]


def test_5_3_online_non_residential_flow_has_no_qualification() -> None:
    """5.3 流程（非住宅）: the same without 买方购房资格审查."""
    assert [c for c, _ in steps("non_residential", "online")] == [
        "title_check",
        "fill_terms",
        "generate_text",
        "commitment_letter",
        "esign",
        "filing",
    ]


def test_5_4_offline_residential_flow() -> None:
    """5.4 流程（住宅）：…买方购房资格审查、下载并上传承诺书、签署买卖合同、合同备案."""
    assert steps("residential", "offline") == [
        ("title_check", "5.2"),
        ("fill_terms", "5.4.1"),
        ("generate_text", "5.4.2"),
        ("buyer_qualification", "5.4.3"),
        ("offline_sign_upload", "5.4.4"),
        ("filing", "5.4.5"),
    ]


def test_5_4_offline_non_residential_flow() -> None:
    assert [c for c, _ in steps("non_residential", "offline")] == [
        "title_check",
        "fill_terms",
        "generate_text",
        "offline_sign_upload",
        "filing",
    ]


@pytest.mark.parametrize("usage", ["residential", "non_residential"])
def test_5_4_5_1_overseas_party_notarisation_before_filing(usage: str) -> None:
    """5.4.5.1 买卖一方或双方为境外人士: 合同备案之前 … 到公证处办理涉外合同公证."""
    codes = [c for c, _ in steps(usage, "offline", overseas=True)]
    assert codes[-2:] == ["foreign_notarization", "filing"]
    assert ("foreign_notarization", "5.4.5.1") in steps(usage, "offline", overseas=True)


@pytest.mark.parametrize(("signing", "section"), [("online", "5.3.4"), ("offline", "5.4.4")])
def test_5_3_4_no_filing_print_then_transfer_registration(signing: str, section: str) -> None:
    """5.3.4 / 5.4.4 注意: 工业楼宇或企业间存量非住宅 … 直接下载打印合同到不动产登记中心办理转移登记."""
    assert steps("non_residential", signing, filing=False) == [
        ("title_check", "5.2"),
        ("fill_terms", "5.3.1" if signing == "online" else "5.4.1"),
        ("generate_text", "5.3.2" if signing == "online" else "5.4.2"),
        ("download_print", section),
        ("transfer_registration", section),
    ]


def test_filing_title_says_transfer_registration_happens_elsewhere() -> None:
    out = rules.evaluate(
        "contract_steps",
        {"usage": "residential", "signing": "online", "filing_required": True, "overseas_party": False},
    )
    filing = out["steps"][-1]
    assert filing["code"] == "filing" and "转移登记" in filing["title"]
    assert set(out["steps"][0]) == {"code", "title", "section"}


@pytest.mark.parametrize(
    "payload",
    [
        {"usage": "residential", "signing": "online", "filing_required": True, "overseas_party": True},
        {"usage": "non_residential", "signing": "online", "filing_required": False, "overseas_party": True},
        {"usage": "residential", "signing": "offline", "filing_required": False, "overseas_party": False},
    ],
)
def test_impossible_inputs_are_invalid(payload: dict[str, Any]) -> None:
    with pytest.raises(rules.RuleError) as err:
        rules.evaluate("contract_steps", payload)
    assert err.value.code == "invalid_input"


@pytest.mark.parametrize(
    ("usage", "industrial", "sellers", "buyers", "expected"),
    [
        ("residential", True, ["enterprise"], ["enterprise"], True),  # residential is always filed
        ("non_residential", True, ["individual"], ["individual"], False),  # industrial building
        ("non_residential", False, ["enterprise"], ["enterprise"], False),  # between enterprises
        ("non_residential", False, ["other_org"], ["enterprise", "other_org"], False),
        ("non_residential", False, ["enterprise"], ["enterprise", "individual"], True),
        ("non_residential", False, ["individual"], ["enterprise"], True),
        ("non_residential", False, [], [], True),  # nobody known yet: not exempt
    ],
)
def test_5_3_4_filing_exemption(
    usage: str, industrial: bool, sellers: list[str], buyers: list[str], expected: bool
) -> None:
    assert filing_required(usage, industrial, sellers, buyers) is expected
