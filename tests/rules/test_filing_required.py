"""rules.steps.filing_required: which contracts skip filing (manual 5.3.4 / 5.4.4 注意, platform-api.md)."""

from __future__ import annotations

import itertools

import pytest

from rules.steps import ContractStepsInput, contract_steps, filing_required

TYPES = ("individual", "enterprise", "other_org")


@pytest.mark.parametrize("buyer,seller", list(itertools.product(TYPES, TYPES)))
def test_non_residential_skips_filing_only_with_organisations_on_both_sides(buyer: str, seller: str) -> None:
    both_orgs = buyer != "individual" and seller != "individual"
    assert filing_required("non_residential", False, [seller], [buyer]) is not both_orgs
    assert filing_required("non_residential", True, [seller], [buyer]) is False
    assert filing_required("residential", False, [seller], [buyer]) is True


def test_one_individual_among_several_parties_means_filing() -> None:
    assert filing_required("non_residential", False, ["other_org"], ["enterprise", "individual"]) is True


def test_its_answer_is_a_valid_contract_steps_input() -> None:
    for usage, industrial in (("non_residential", True), ("non_residential", False), ("residential", False)):
        for buyer, seller in itertools.product(TYPES, TYPES):
            required = filing_required(usage, industrial, [seller], [buyer])
            steps = contract_steps(
                ContractStepsInput(
                    usage=usage, signing="offline", filing_required=required, overseas_party=False
                )  # type: ignore[arg-type]
            )
            assert (steps.steps[-1].code == "filing") is required
