import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from trainees.deidentify import (
    case_reference_problem,
    identifying_reason,
    is_valid_nhs_number,
    nhs_numbers_in,
    validate_case_reference,
    validate_deidentified,
)


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


# --- the exact words and codes people and forms rely on (each pinned so a changed one fails) --------------

IDENTIFYING_ENDING = (
    ". Records here must not identify a patient: use the service's pseudonymous case reference only."
)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("943 476 5919", "it contains what looks like an NHS number (10 digits with a valid check digit)"),
        ("see jo@example.com", "it contains an email address"),
        ("born 12/03/1987", "it contains what looks like a date of birth"),
    ],
)
def test_each_reason_and_the_refusal_are_worded_exactly(text, reason):
    assert identifying_reason(text) == reason
    with pytest.raises(ValidationError) as error:
        validate_deidentified(text)
    assert error.value.messages == [f"This cannot be saved because {reason}{IDENTIFYING_ENDING}"]
    assert error.value.code == "identifying"
    with pytest.raises(ValidationError) as error:
        validate_case_reference(text)
    assert error.value.messages == [
        f"The case reference cannot be saved because {reason}{IDENTIFYING_ENDING}"
    ]
    assert error.value.code == "identifying"


def test_the_nhs_numbers_found_in_text_are_given_whole():
    assert nhs_numbers_in("seen 943 476 5919 and 943-476-5919 today") == ["943 476 5919", "943-476-5919"]
    assert nhs_numbers_in("") == [] and nhs_numbers_in(None) == []


def test_a_name_is_refused_in_exact_words_with_its_code():
    with pytest.raises(ValidationError) as error:
        validate_case_reference("John Smith")
    assert error.value.messages == [
        "The case reference cannot be saved because it looks like a name. Case references are a code of "
        "letters and digits, such as NV-000123, never a name: use the service's pseudonymous reference, "
        "never the patient's name."
    ]
    assert error.value.code == "not_a_reference"


def test_a_service_with_a_pattern_but_no_description_quotes_its_pattern():
    from accounts.models import Organisation

    service = Organisation(name="Eastdale", kind="service", case_reference_pattern=r"[A-Z]{4}")
    assert case_reference_problem("ABCD", service) is None
    assert case_reference_problem("AB-1", service) == (
        "“AB-1” is not a case reference of this service. Eastdale case references are references matching "
        "[A-Z]{4}."
    )
    # An empty reference does not match a pattern that needs four letters.
    assert case_reference_problem("", service).startswith("“” is not a case reference of this service.")


def test_a_pattern_the_service_got_wrong_refuses_nothing_but_names_still():
    from accounts.models import Organisation

    service = Organisation(name="Westdale", kind="service", case_reference_pattern="[A-Z")
    assert case_reference_problem("NV-000123", service) is None
    assert "looks like a name" in case_reference_problem("Mary Jones", service)
