import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from trainees.deidentify import identifying_reason, is_valid_nhs_number, validate_case_reference


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_valid_nhs_numbers_pass_the_modulus_11_check(number):
    assert is_valid_nhs_number(number)


@pytest.mark.parametrize("number", ["9434765918", "1234567890", "123456789", "94347659190"])
def test_invalid_check_digits_and_wrong_lengths_fail(number):
    assert not is_valid_nhs_number(number)


@pytest.mark.parametrize(
    "reference, reason",
    [
        ("9434765919", "NHS number"),
        ("case 943 476 5919", "NHS number"),
        ("jo.bloggs@example.com", "email address"),
        ("12/03/1987", "date of birth"),
        ("1987-03-12", "date of birth"),
    ],
)
def test_identifying_case_references_are_refused_with_the_reason(reference, reason):
    with pytest.raises(ValidationError) as error:
        validate_case_reference(reference)
    assert reason in str(error.value)


@pytest.mark.parametrize("reference", ["NV-000123", "PWP-2026-0042", "A1B2C3", "9434765918"])
def test_pseudonymous_references_are_accepted(reference):
    validate_case_reference(reference)


@given(st.text(max_size=60))
def test_the_check_never_crashes_on_any_text(text):
    identifying_reason(text)
