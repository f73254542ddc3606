"""Properties of validate_id and validate_cert_number (hypothesis).

GB 11643-1999, GB 32100-2015 and the HKID rule: generated numbers with computed
check digits pass, single-character changes fail; normalisation is idempotent;
nothing raises, whatever the text (manual 5.2.2 for the certificate numbers).
"""

from __future__ import annotations

import datetime
from typing import get_args

from hypothesis import given, settings
from hypothesis import strategies as st

import rules
from rules import certs, ids
from rules.codes import CertType, DocType
from rules.ids import ValidateIdInput, gb11643_check_digit, gb32100_check_char, hkid_check_digit, validate_id

TODAY = datetime.date(2024, 6, 30)
DOC_TYPES: tuple[str, ...] = get_args(DocType)
CERT_TYPES: tuple[str, ...] = get_args(CertType)
DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

FAST = settings(max_examples=250, deadline=None)

# Text that hits the interesting branches often: digits, brackets, prefixes, widths, spaces.
_NEAR = list("0123456789AXHMaxhm()（）[]【】〔〕+-86 \u3000\t０１２ＡＸ粤深房地字第号市不动产权圳")
texts = st.one_of(st.text(), st.text(alphabet=st.sampled_from(_NEAR)))


def check(doc_type: str, number: str) -> ids.ValidateIdOutput:
    return validate_id(ValidateIdInput.model_validate({"doc_type": doc_type, "number": number}), today=TODAY)


# --- normalisation is idempotent ------------------------------------------------


@FAST
@given(st.sampled_from(DOC_TYPES), texts)
def test_id_normalize_idempotent(doc_type: str, text: str) -> None:
    once = ids.normalize(doc_type, text)
    assert ids.normalize(doc_type, once) == once


@FAST
@given(st.sampled_from(CERT_TYPES), texts)
def test_cert_normalize_idempotent(cert_type: str, text: str) -> None:
    once = certs.normalize(cert_type, text)
    assert certs.normalize(cert_type, once) == once


# --- generated valid numbers ---------------------------------------------------

birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=DIGITS, min_size=n, max_size=n)


REGION_CODES = digits(6)  # any six digits: the region code is never checked


@st.composite
def resident_ids(draw: st.DrawFn, prefix: st.SearchStrategy[str] = REGION_CODES) -> str:
    first17 = draw(prefix) + draw(birth_dates).strftime("%Y%m%d") + draw(digits(3))
    return first17 + gb11643_check_digit(first17)


hkmt_permits = resident_ids(st.sampled_from(["810000", "820000", "830000"]))


@st.composite
def foreign_2023(draw: st.DrawFn) -> str:
    first17 = "9" + draw(digits(16))
    return first17 + gb11643_check_digit(first17)


@st.composite
def usccs(draw: st.DrawFn) -> str:
    first17 = draw(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
    return first17 + gb32100_check_char(first17)


@st.composite
def hkids(draw: st.DrawFn) -> str:
    body = draw(st.text(alphabet=LETTERS, min_size=1, max_size=2)) + draw(digits(6))
    return body + hkid_check_digit(body)


GENERATED = {
    "resident_id": resident_ids(),
    "hkmt_residence_permit": hkmt_permits,
    "foreign_permanent_id": foreign_2023(),
    "uscc": usccs(),
    "hk_id": hkids(),
}


@FAST
@given(resident_ids())
def test_gb11643_generated_resident_ids_pass(number: str) -> None:
    out = check("resident_id", number)
    assert out.valid and out.normalized == number


@FAST
@given(hkmt_permits)
def test_gb11643_generated_hkmt_permits_pass(number: str) -> None:
    out = check("hkmt_residence_permit", number)
    assert out.valid and out.normalized == number


@FAST
@given(foreign_2023())
def test_gb11643_generated_foreign_permanent_ids_pass(number: str) -> None:
    out = check("foreign_permanent_id", number)
    assert out.valid and out.normalized == number


@FAST
@given(usccs())
def test_gb32100_generated_usccs_pass(number: str) -> None:
    out = check("uscc", number)
    assert out.valid and out.normalized == number
    assert check("uscc", number.lower()).normalized == number


@FAST
@given(hkids(), st.booleans(), st.booleans(), st.booleans())
def test_hkid_generated_pass_in_any_spelling(number: str, brackets: bool, lower: bool, wide: bool) -> None:
    spelled = f"{number[:-1]}({number[-1]})" if brackets else number
    spelled = spelled.lower() if lower else spelled
    if wide:
        spelled = "".join(chr(ord(c) + 0xFEE0) for c in spelled)
    out = check("hk_id", spelled)
    assert out.valid and out.normalized == number


# --- any single-character change fails -----------------------------------------


def _alphabets(doc_type: str, number: str) -> list[str]:
    """Each position's alphabet in a valid ``doc_type`` number."""
    if doc_type == "uscc":
        return [USCC_ALPHABET] * 18
    if doc_type == "hk_id":
        letters = len(number) - 7
        return [LETTERS] * letters + [DIGITS] * 6 + [DIGITS + "A"]
    return [DIGITS] * 17 + [DIGITS + "X"]


@st.composite
def single_changes(draw: st.DrawFn) -> tuple[str, str]:
    doc_type = draw(st.sampled_from(sorted(GENERATED)))
    number = draw(GENERATED[doc_type])
    pos = draw(st.integers(0, len(number) - 1))
    alphabet = _alphabets(doc_type, number)[pos]
    if doc_type == "hk_id" and alphabet == LETTERS:
        # The HKID rule cannot see a letter swapped for one 11 places away (A=10, L=21, W=32):
        # only letters of a different value mod 11 are a detectable change (see test_ids).
        value = (ord(number[pos]) - ord("A") + 10) % 11
        alphabet = "".join(c for c in LETTERS if (ord(c) - ord("A") + 10) % 11 != value)
    new = draw(st.sampled_from([c for c in alphabet if c != number[pos]]))
    return doc_type, number[:pos] + new + number[pos + 1 :]


@FAST
@given(single_changes())
def test_single_character_change_fails(case: tuple[str, str]) -> None:
    doc_type, changed = case
    out = check(doc_type, changed)
    assert not out.valid
    assert out.message and out.message_en


# --- never raises, always a well-formed output ----------------------------------


@FAST
@given(st.sampled_from(DOC_TYPES), texts)
def test_validate_id_never_raises(doc_type: str, text: str) -> None:
    payload = {"doc_type": doc_type, "number": text}
    out = rules.evaluate("validate_id", payload)
    model = ids.ValidateIdOutput.model_validate(out)
    assert model.valid == (model.normalized is not None)
    assert model.valid == (model.message is None) == (model.message_en is None)
    if model.valid:
        assert model.normalized == ids.normalize(doc_type, text)
        # a valid number stays valid, unchanged, once normalised
        assert rules.evaluate("validate_id", {"doc_type": doc_type, "number": model.normalized}) == out


@FAST
@given(st.sampled_from(CERT_TYPES), texts)
def test_validate_cert_number_never_raises(cert_type: str, text: str) -> None:
    out = rules.evaluate("validate_cert_number", {"cert_type": cert_type, "number": text})
    model = certs.ValidateCertOutput.model_validate(out)
    assert model.valid == (model.normalized is not None)
    assert model.valid == (model.message is None) == (model.message_en is None)
    if model.valid:
        assert (
            rules.evaluate("validate_cert_number", {"cert_type": cert_type, "number": model.normalized})
            == out
        )


@st.composite
def cert_numbers(draw: st.DrawFn) -> tuple[str, str, str]:
    """A valid number of either type, its normalised form, and a messy spelling of it."""
    serial = draw(st.text(alphabet=DIGITS, min_size=1, max_size=12))
    if draw(st.booleans()):
        canonical = f"深房地字第{serial}号"
        return "realty_cert", canonical, canonical
    year = draw(digits(4))
    opening, closing = draw(
        st.sampled_from([("（", "）"), ("(", ")"), ("〔", "〕"), ("【", "】"), ("[", "]"), ("", "")])
    )
    return (
        "property_cert",
        f"粤（{year}）深圳市不动产权第{serial}号",
        f"粤{opening}{year}{closing}深圳市不动产权第{serial}号",
    )


@FAST
@given(cert_numbers(), st.lists(st.sampled_from([" ", "\u3000", "\t"]), max_size=3), st.data())
def test_5_2_2_generated_cert_numbers_pass_and_fail_for_the_other_type(
    case: tuple[str, str, str], spaces: list[str], data: st.DataObject
) -> None:
    cert_type, canonical, messy = case
    for space in spaces:
        at = data.draw(st.integers(0, len(messy)))
        messy = messy[:at] + space + messy[at:]
    out = certs.validate_cert_number(
        certs.ValidateCertInput.model_validate({"cert_type": cert_type, "number": messy})
    )
    assert out.valid and out.normalized == canonical
    other = "property_cert" if cert_type == "realty_cert" else "realty_cert"
    wrong = certs.validate_cert_number(
        certs.ValidateCertInput.model_validate({"cert_type": other, "number": messy})
    )
    assert not wrong.valid and wrong.message and wrong.message.startswith("这是")
