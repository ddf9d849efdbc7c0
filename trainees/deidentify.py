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


# Two words of letters side by side ("John Smith", "mrs jones") read as a name, not a reference.
_WORD_PAIR = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z'’]+\s+[A-Za-z][A-Za-z'’]+(?![A-Za-z0-9])")
DEFAULT_FORMAT = "a code of letters and digits, such as NV-000123, never a name"


def case_reference_problem(value: str, service=None) -> str | None:
    """Why `value` is not one of `service`'s case references, in words (None when it is).

    A service with a `case_reference_pattern` accepts only references matching it whole; every service
    refuses a name-like pair of words (the default when no pattern is set)."""
    expects = (getattr(service, "case_reference_format", "") or "").strip()
    pattern = (getattr(service, "case_reference_pattern", "") or "").strip()
    if not expects:
        expects = DEFAULT_FORMAT if not pattern else f"references matching {pattern}"
    where = f"{service} case references" if service is not None else "Case references"
    if _WORD_PAIR.search(value or ""):
        return (
            f"The case reference cannot be saved because it looks like a name. {where} are {expects}: "
            "use the service's pseudonymous reference, never the patient's name."
        )
    if pattern:
        try:
            matches = re.fullmatch(pattern, value or "") is not None
        except re.error:
            matches = True  # a pattern the service got wrong refuses nothing; the admin refuses saving one
        if not matches:
            return f"“{value}” is not a case reference of this service. {where} are {expects}."
    return None


def validate_case_reference(value: str, service=None) -> None:
    """The one case-reference check: no identifier, no name, and the service's own pattern if it has one."""
    validate_deidentified(value, what="The case reference")
    problem = case_reference_problem(value, service)
    if problem:
        raise ValidationError(problem, code="not_a_reference")
