"""allowed_doc_types and signing_options: manual 5.3.1 / 5.4.1."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rules
from rules.codes import DOC_TYPE_NAMES
from rules.parties import AllowedDocTypesInput, Party, SigningOptionsInput, allowed_doc_types, signing_options


def docs(role: str, type_: str, origin: str) -> list[str]:
    out: list[str] = rules.evaluate("allowed_doc_types", {"role": role, "type": type_, "origin": origin})[
        "doc_types"
    ]
    return out


# 5.3.1 填写买方信息: "买方为中国内地居民，则证件类型只能选择身份证或军官证" …
@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("mainland", ["resident_id", "officer_id"]),  # 身份证或军官证
        ("hk", ["hk_macau_permit"]),  # 中国香港 → 港澳居民来往内地通行证
        ("macau", ["hk_macau_permit"]),  # 中国澳门 → 港澳居民来往内地通行证
        ("taiwan", ["taiwan_permit"]),  # 中国台湾 → 台湾居民来往大陆通行证
        ("foreign", ["passport"]),  # 外籍人士 → 护照
    ],
)
def test_5_3_1_buyer_doc_types_by_origin(origin: str, expected: list[str]) -> None:
    assert docs("buyer", "individual", origin) == expected


@pytest.mark.parametrize("type_", ["enterprise", "other_org"])
@pytest.mark.parametrize("role", ["buyer", "seller"])
def test_5_3_1_organisations_use_uscc(role: str, type_: str) -> None:
    """5.3.1 买方类型 可选个人、企业和其他组织机构; 1.2 法人证件类型一定要选择统一社会信用代码."""
    for origin in ("mainland", "hk", "foreign"):
        assert docs(role, type_, origin) == ["uscc"]


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("mainland", ["resident_id", "officer_id"]),
        ("hk", ["hk_id", "hk_macau_permit", "hkmt_residence_permit", "passport"]),
        ("macau", ["macau_id", "hk_macau_permit", "hkmt_residence_permit", "passport"]),
        ("taiwan", ["taiwan_permit", "hkmt_residence_permit", "passport"]),
        ("foreign", ["passport", "foreign_permanent_id"]),
    ],
)
def test_5_3_1_seller_doc_types_come_from_certificate(origin: str, expected: list[str]) -> None:
    """5.3.1 填写卖方信息: the seller's fields come from the certificate and cannot be edited."""
    out = rules.evaluate("allowed_doc_types", {"role": "seller", "type": "individual", "origin": origin})
    assert out["doc_types"] == expected
    assert "不可修改" in out["message"] and "不动产登记中心" in out["message"]
    assert out["message_en"]


@pytest.mark.parametrize("origin", ["hk", "macau"])
def test_5_3_1_seller_hk_macau_id_card_must_pick_gangao_id(origin: str) -> None:
    """5.3.1: 卖方证件号码为港澳身份证号码的，证件类型需对应地选择“港澳居民身份证” — the manual's name,
    never the code's (香港居民身份证 / 澳门居民身份证 are not the manual's words)."""
    msg = allowed_doc_types(AllowedDocTypesInput(role="seller", type="individual", origin=origin)).message
    assert "“港澳居民身份证”" in msg
    assert "香港居民身份证" not in msg and "澳门居民身份证" not in msg and "本系统" not in msg


@pytest.mark.parametrize("origin", ["mainland", "hk", "macau", "taiwan", "foreign"])
def test_5_3_1_seller_message_lists_no_document_types(origin: str) -> None:
    """5.3.1 / 5.4.1.3 填写卖方信息 has no list of seller document types: the message says so and
    quotes the fields that come from the certificate (名称、国籍/地区、证件号码、发证地、所占份额)."""
    out = allowed_doc_types(AllowedDocTypesInput(role="seller", type="individual", origin=origin))
    assert "卖方名称、国籍/地区、证件号码、发证地、所占份额" in out.message
    assert "手册没有列出卖方的证件类型" in out.message
    assert "does not list" in out.message_en
    for code in (
        "officer_id",
        "passport",
        "hkmt_residence_permit",
        "foreign_permanent_id",
        "hk_id",
        "macau_id",
    ):
        assert DOC_TYPE_NAMES[code][0] not in out.message
    assert "：居民身份证" not in out.message and "、居民身份证" not in out.message
    assert "可能记载" not in out.message


@pytest.mark.parametrize("role", ["buyer", "seller"])
def test_organisation_document_type_is_not_attributed_to_5_3_1(role: str) -> None:
    """统一社会信用代码 appears only in the chapter-1 flowchart (法人注册); 5.3.1 gives no document
    type for an enterprise buyer or seller, and the message says so."""
    out = allowed_doc_types(AllowedDocTypesInput(role=role, type="enterprise", origin="mainland"))
    assert "没有写企业或其他组织" in out.message and "12345" in out.message
    assert "does not say" in out.message_en


def test_5_3_1_mainland_buyer_in_the_manuals_words() -> None:
    """5.3.1: 买方为中国内地居民，则证件类型只能选择身份证或军官证 (身份证, not 居民身份证)."""
    out = rules.evaluate("allowed_doc_types", {"role": "buyer", "type": "individual", "origin": "mainland"})
    assert "身份证或军官证" in out["message"] and "居民身份证" not in out["message"]


def test_5_3_1_buyer_message_names_the_documents() -> None:
    out = rules.evaluate("allowed_doc_types", {"role": "buyer", "type": "individual", "origin": "taiwan"})
    assert "台湾居民来往大陆通行证" in out["message"] and "5.3.1" in out["message"]
    assert "Taiwan" in out["message_en"]


def party(role: str = "buyer", **kw: Any) -> dict[str, Any]:
    base = {
        "role": role,
        "type": "individual",
        "origin": "mainland",
        "capacity": "full",
        "via_agent": False,
        "can_use_isz": True,
    }
    return {**base, **kw}


def options(*parties: dict[str, Any]) -> dict[str, Any]:
    return rules.evaluate("signing_options", {"parties": list(parties)})


def codes(out: dict[str, Any]) -> list[tuple[str, int]]:
    return [(r["code"], r["party_index"]) for r in out["reasons"]]


def test_5_3_1_everyone_can_use_isz_online_allowed() -> None:
    """所有买卖双方都能够下载i深圳APP并进行线上签署的，则签署方式可选择线上签署."""
    out = options(party("buyer"), party("seller"), party("buyer"))
    assert out == {"online_allowed": True, "reasons": []}


@pytest.mark.parametrize("type_", ["enterprise", "other_org"])
@pytest.mark.parametrize("role", ["buyer", "seller"])
def test_5_3_1_case1_legal_person_or_organisation_offline(role: str, type_: str) -> None:
    """1、买卖一方或双方为法人或其他组织."""
    parties = [party("buyer"), party("seller")]
    idx = 0 if role == "buyer" else 1
    parties[idx] = party(role, type=type_)
    out = options(*parties)
    assert out["online_allowed"] is False
    assert codes(out) == [("organization_party", idx)]


@pytest.mark.parametrize("origin", ["hk", "macau", "taiwan", "foreign"])
@pytest.mark.parametrize("role", ["buyer", "seller"])
def test_5_3_1_case2_overseas_party_offline_stricter_reading(role: str, origin: str) -> None:
    """2、买卖一方或双方为境外人士 (5.3.1; 5.4.1 says 买方 only: the stricter reading is taken)."""
    parties = [party("buyer"), party("seller")]
    idx = 0 if role == "buyer" else 1
    parties[idx] = party(role, origin=origin)
    out = options(*parties)
    assert out["online_allowed"] is False
    assert codes(out) == [("overseas_party", idx)]
    assert "5.4.1" in out["reasons"][0]["message"]  # the discrepancy is said out loud


def test_5_3_1_case2_two_overseas_parties_two_reasons() -> None:
    out = options(party("buyer", origin="hk"), party("seller", origin="foreign"))
    assert codes(out) == [("overseas_party", 0), ("overseas_party", 1)]


@pytest.mark.parametrize("capacity", ["limited", "none"])
def test_5_3_1_case3_incapacity_offline(capacity: str) -> None:
    """3、无民事行为能力人或限制民事行为能力人."""
    out = options(party("buyer"), party("seller", capacity=capacity))
    assert codes(out) == [("incapacity", 1)]


def test_5_3_1_case4_entrusted_agent_offline() -> None:
    """4、存在委托办理等无法使用电子签章情形的."""
    out = options(party("buyer", via_agent=True), party("seller"))
    assert codes(out) == [("agent_without_esign", 0)]
    assert "委托" in out["reasons"][0]["message"]


def test_5_3_5_1_cannot_use_isz_offline() -> None:
    """5.3.5.1 flowchart: 无法实人认证的，只能选择线下签署."""
    out = options(party("buyer"), party("seller", can_use_isz=False))
    assert codes(out) == [("isz_unavailable", 1)]


def test_reasons_ordered_by_party_then_code_one_per_pair() -> None:
    out = options(
        party("buyer", type="enterprise", origin="hk", can_use_isz=False),
        party("seller", capacity="limited", via_agent=True),
    )
    assert codes(out) == [
        ("organization_party", 0),
        ("overseas_party", 0),
        ("isz_unavailable", 0),
        ("incapacity", 1),
        ("agent_without_esign", 1),
    ]
    for reason in out["reasons"]:
        assert reason["message"] and reason["message_en"]


@pytest.mark.parametrize("roles", [["buyer"], ["seller", "seller"], []])
def test_needs_a_buyer_and_a_seller(roles: list[str]) -> None:
    with pytest.raises(rules.RuleError) as err:
        options(*[party(r) for r in roles])
    assert err.value.code == "invalid_input"


def test_strict_inputs() -> None:
    bad = [
        ({"parties": [party("buyer", via_agent="no"), party("seller")]}, "wrong_type"),
        ({"parties": [party("buyer", origin="china"), party("seller")]}, "bad_enum"),
        ({"parties": [party("buyer", nickname="x"), party("seller")]}, "unknown_field"),
        ({"parties": [{"role": "buyer"}, party("seller")]}, "missing_field"),
        ({"parties": "all of them"}, "wrong_type"),
        ({}, "missing_field"),
    ]
    for payload, code in bad:
        with pytest.raises(rules.RuleError) as err:
            rules.evaluate("signing_options", payload)
        assert err.value.code == code, payload
    with pytest.raises(rules.RuleError) as err:
        rules.evaluate("allowed_doc_types", {"role": "agent", "type": "individual", "origin": "hk"})
    assert err.value.code == "bad_enum"


_party = st.builds(
    Party,
    role=st.sampled_from(["buyer", "seller"]),
    type=st.sampled_from(["individual", "enterprise", "other_org"]),
    origin=st.sampled_from(["mainland", "hk", "macau", "taiwan", "foreign"]),
    capacity=st.sampled_from(["full", "limited", "none"]),
    via_agent=st.booleans(),
    can_use_isz=st.booleans(),
)


@given(st.lists(_party, min_size=0, max_size=6))
def test_online_allowed_iff_no_reason_and_pairs_unique(parties: list[Party]) -> None:
    if {p.role for p in parties} != {"buyer", "seller"}:
        with pytest.raises(rules.RuleError):
            signing_options(SigningOptionsInput(parties=parties))
        return
    out = signing_options(SigningOptionsInput(parties=parties))
    assert out.online_allowed == (not out.reasons)
    pairs = [(r.code, r.party_index) for r in out.reasons]
    assert len(pairs) == len(set(pairs))
    plain = all(
        p.type == "individual"
        and p.origin == "mainland"
        and p.capacity == "full"
        and not p.via_agent
        and p.can_use_isz
        for p in parties
    )
    assert out.online_allowed == plain


def test_every_combination_of_one_buyer_one_seller_is_decided() -> None:
    values = itertools.product(["individual", "enterprise"], ["mainland", "hk"], ["full", "none"])
    for b, s in itertools.product(values, repeat=2):
        out = options(
            party("buyer", type=b[0], origin=b[1], capacity=b[2]),
            party("seller", type=s[0], origin=s[1], capacity=s[2]),
        )
        plain = b == s == ("individual", "mainland", "full")
        assert out["online_allowed"] is plain, (b, s, out)
        expected = set()
        for kind, origin, capacity in (b, s):
            expected |= {"organization_party"} if kind == "enterprise" else set()
            expected |= {"overseas_party"} if origin == "hk" else set()
            expected |= {"incapacity"} if capacity == "none" else set()
        assert {r["code"] for r in out["reasons"]} == expected, (b, s, out)
