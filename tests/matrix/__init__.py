"""The permission matrix: for every URL pattern, the expected answer for every persona.

Each area keeps its rows in tests/matrix/rows_<area>.py as a dict `ROWS` of URL name -> Row, and is listed
in AREAS below. `tests/test_permission_matrix.py` fails when a URL pattern has no row, or a row no pattern.

Outcomes: an HTTP status (200, 302, 403, 404, 405) or LOGIN (a redirect to the sign-in page).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from tests.world import PERSONAS, World

LOGIN = "login"

AREAS = [
    "rows_accounts",
    "rows_curriculum",
    "rows_trainees",
    "rows_accreditation",
    "rows_cpd",
    "rows_portfolios",
    "rows_supervision",
    "rows_attendance",
    "rows_assessments",
    "rows_caseload",
    "rows_workforce",
    "rows_intake",
    "rows_notifications",
    "rows_imports",
]


def expect(default=404, anonymous=LOGIN, **outcomes) -> dict[str, object]:
    """Every persona's outcome: the named ones as given, anonymous as given, everyone else `default`."""
    unknown = set(outcomes) - set(PERSONAS)
    if unknown:
        raise ValueError(f"Unknown personas: {sorted(unknown)}")
    return {
        persona: outcomes.get(persona, anonymous if persona == "anonymous" else default)
        for persona in PERSONAS
    }


STAFF_OF_A = ("educator", "lead", "admin")
CAN_SEE_TRAINEE = ("trainee", "supervisor", *STAFF_OF_A)


def allow(*personas, status=200, default=404, anonymous=LOGIN) -> dict[str, object]:
    return expect(default=default, anonymous=anonymous, **dict.fromkeys(personas, status))


@dataclass
class Row:
    url: Callable[[World], str]
    outcomes: dict[str, object]
    method: str = "get"
    data: Callable[[World], dict] = field(default=lambda world: {})


def all_rows() -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for area in AREAS:
        module = import_module(f"tests.matrix.{area}")
        overlap = set(rows) & set(module.ROWS)
        if overlap:
            raise ValueError(f"{area} repeats rows for {sorted(overlap)}")
        rows.update(module.ROWS)
    return rows
