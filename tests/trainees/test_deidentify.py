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


# --- names as case references -----------------------------------------------------------------------------


@pytest.mark.parametrize("reference", ["John Smith", "mrs jones", "NV Mary O'Brien", "Smith  John 12"])
def test_a_name_like_pair_of_words_is_refused_by_default(reference):
    with pytest.raises(ValidationError) as error:
        validate_case_reference(reference)
    assert "looks like a name" in str(error.value)
    assert "such as NV-000123" in str(error.value)  # says what a reference looks like


@pytest.mark.parametrize("reference", ["NV 000123", "SUP-7 A", "Case-12", "AB 12 CD"])
def test_references_with_one_word_at_a_time_are_accepted_by_default(reference):
    validate_case_reference(reference)


def test_a_service_pattern_is_enforced_with_a_message_saying_what_it_expects():
    from accounts.models import Organisation

    service = Organisation(
        name="Northvale Talking Therapies",
        kind="service",
        case_reference_pattern=r"[A-Z]{2}\d{6}",
        case_reference_format="two letters and six digits, such as NV123456",
    )
    validate_case_reference("NV123456", service)
    with pytest.raises(ValidationError) as error:
        validate_case_reference("NV-12", service)
    message = str(error.value)
    assert "Northvale Talking Therapies case references are two letters and six digits" in message
    with pytest.raises(ValidationError, match="looks like a name"):
        validate_case_reference("John Smith", service)


def test_a_service_pattern_that_is_not_a_regular_expression_is_refused_when_saved():
    from accounts.models import Organisation

    service = Organisation(code="x", name="X", kind="service", case_reference_pattern="[A-Z")
    with pytest.raises(ValidationError, match="not a regular expression"):
        service.clean()


def test_an_nhs_number_whose_check_digit_is_zero_is_recognised():
    # 1 0 0 0 0 0 0 0 6: 10 + 12 = 22, remainder 0, so 11 - 0 = 11, which stands for a check digit of 0.
    assert is_valid_nhs_number("1000000060")
    assert not is_valid_nhs_number("1000000061")
    with pytest.raises(ValidationError, match="NHS number"):
        validate_case_reference("1000000060")
