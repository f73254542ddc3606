"""The manual sections behind the rules' reasons live with the rules (the staff page shows them)."""

from __future__ import annotations

import itertools
import re
from typing import get_args

import rules
from rules.parties import DOC_TYPE_SECTIONS, REASON_SECTIONS, SIGNING_OPTIONS_SECTIONS, ReasonCode
from rules.steps import FILING_REQUIRED_SECTIONS

SECTION = re.compile(r"^\d+(\.\d+)*$")


def test_every_reason_code_has_its_sections() -> None:
    assert set(REASON_SECTIONS) == set(get_args(ReasonCode))
    for sections in [*REASON_SECTIONS.values(), SIGNING_OPTIONS_SECTIONS, DOC_TYPE_SECTIONS,
                     FILING_REQUIRED_SECTIONS]:  # fmt: skip
        assert sections and all(SECTION.match(s) for s in sections)


def test_every_reason_signing_options_produces_has_a_section() -> None:
    """Every party the rule accepts: whatever reason comes out is in the map (5.3.1 cases 1-4, 5.3.5.1)."""
    produced = set()
    for type_, origin, capacity, via_agent, isz in itertools.product(
        ("individual", "enterprise", "other_org"),
        ("mainland", "hk", "macau", "taiwan", "foreign"),
        ("full", "limited", "none"),
        (False, True),
        (False, True),
    ):
        party = {"role": "buyer", "type": type_, "origin": origin, "capacity": capacity,
                 "via_agent": via_agent, "can_use_isz": isz}  # fmt: skip
        seller = {**party, "role": "seller"}
        out = rules.evaluate("signing_options", {"parties": [party, seller]})
        produced |= {r["code"] for r in out["reasons"]}
    assert produced == set(get_args(ReasonCode)) and produced <= set(REASON_SECTIONS)
