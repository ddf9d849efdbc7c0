"""Refuse free text that could identify a patient: NHS numbers, dates of birth, email addresses.

The product stores only a service-issued pseudonymous case reference. Where it can tell, it refuses a value
that looks like an identifier and says why, so that nobody pastes one in by mistake.
"""

import re

from django.core.exceptions import ValidationError

_DIGITS = re.compile(r"\d")
_TEN_DIGITS = re.compile(r"(?<!\d)(\d[\s-]?){9}\d(?!\d)")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DATE = re.compile(
    r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?!\d)|(?<!\d)(19|20)\d{2}[/.\-]\d{1,2}[/.\-]\d{1,2}(?!\d)"
)


def is_valid_nhs_number(candidate: str) -> bool:
    """True when `candidate` is 10 digits whose check digit passes the modulus 11 test."""
    digits = [int(d) for d in _DIGITS.findall(candidate)]
    if len(digits) != 10:
        return False
    total = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == digits[9]


def nhs_numbers_in(text: str) -> list[str]:
    return [m.group(0) for m in _TEN_DIGITS.finditer(text or "") if is_valid_nhs_number(m.group(0))]


def identifying_reason(text: str) -> str | None:
    """Why `text` looks like it identifies a patient, in words, or None."""
    if not text:
        return None
    if nhs_numbers_in(text):
        return "it contains what looks like an NHS number (10 digits with a valid check digit)"
    if _EMAIL.search(text):
        return "it contains an email address"
    if _DATE.search(text):
        return "it contains what looks like a date of birth"
    return None


def validate_deidentified(text: str, *, what: str = "This") -> None:
    reason = identifying_reason(text)
    if reason:
        raise ValidationError(
            f"{what} cannot be saved because {reason}. Records here must not identify a patient: "
            "use the service's pseudonymous case reference only.",
            code="identifying",
        )


def validate_case_reference(value: str) -> None:
    validate_deidentified(value, what="The case reference")
