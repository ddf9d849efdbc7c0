"""The case-reference rule; the identifier guard itself lives in core.identifiers (one rule for every app).

The guard's names stay importable from here for existing imports."""

import re

from django.core.exceptions import ValidationError

from core.identifiers import (  # noqa: F401
    identifying_reason,
    is_valid_nhs_number,
    nhs_numbers_in,
    validate_deidentified,
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
