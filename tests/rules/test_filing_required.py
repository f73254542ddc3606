"""rules.steps.filing_required: which contracts skip filing (manual 5.3.4 / 5.4.4 注意, platform-api.md)."""

from __future__ import annotations

import itertools

import pytest

from rules.steps import ContractStepsInput, contract_steps, filing_required

TYPES = ("individual", "enterprise", "other_org")


@pytest.mark.parametrize("buyer,seller", list(itertools.product(TYPES, TYPES)))
def test_non_residential_skips_filing_only_with_organisations_on_both_sides(buyer: str, seller: str) -> None:
    both_orgs = buyer != "individual" and seller != "individual"
    parties = [("buyer", buyer), ("seller", seller)]
    assert filing_required("non_residential", False, parties) is not both_orgs  # type: ignore[arg-type]
    assert filing_required("non_residential", True, parties) is False  # type: ignore[arg-type]
    assert filing_required("residential", False, parties) is True  # type: ignore[arg-type]


def test_one_individual_among_several_parties_means_filing() -> None:
    parties = [("buyer", "enterprise"), ("buyer", "individual"), ("seller", "other_org")]
    assert filing_required("non_residential", False, parties) is True  # type: ignore[arg-type]


def test_its_answer_is_a_valid_contract_steps_input() -> None:
    for usage, industrial in (("non_residential", True), ("non_residential", False), ("residential", False)):
        for buyer, seller in itertools.product(TYPES, TYPES):
            required = filing_required(usage, industrial, [("buyer", buyer), ("seller", seller)])  # type: ignore[arg-type, list-item]
            steps = contract_steps(
                ContractStepsInput(
                    usage=usage, signing="offline", filing_required=required, overseas_party=False
                )  # type: ignore[arg-type]
            )
            assert (steps.steps[-1].code == "filing") is required
