"""The guard now lives in core.identifiers (one rule for every app); these names stay for existing imports."""

from core.identifiers import (  # noqa: F401
    identifying_reason,
    is_valid_nhs_number,
    nhs_numbers_in,
    validate_deidentified,
)


def validate_case_reference(value: str) -> None:
    validate_deidentified(value, what="The case reference")
