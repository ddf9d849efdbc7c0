"""Column mapping and value parsing: the fields a contact needs, how headings and values are recognised,
and the readers that turn one cell into a typed value or a `CellProblem` in words."""

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from trainees.caseload.importer import limits
from trainees.deidentify import identifying_reason
from trainees.models import Case, Contact


@dataclass(frozen=True)
class Field:
    code: str
    label: str
    required: bool = False
    hint: str = ""


FIELDS = (
    Field(
        "case_reference", "Case reference", True, "the service's pseudonymous reference, never an NHS number"
    ),
    Field("date", "Date", True, "the day of the contact, for example 2026-03-14 or 14/03/2026"),
    Field("type", "Type", True, "assessment, treatment, review or discharge"),
    Field("mode", "Mode", True, "face to face, telephone, video, online, group or computerised CBT"),
    Field("intervention", "Intervention", False, "needed for treatment contacts"),
    Field("minutes", "Minutes", True, "1 to 240"),
    Field("phq9", "PHQ-9", False, "0 to 27"),
    Field("gad7", "GAD-7", False, "0 to 21"),
    Field("wsas", "WSAS", False, "0 to 40"),
    Field("outcome", "Outcome", False, "stepped up, stepped down, discharged or dropped out"),
    Field("presenting_problem", "Presenting problem", False, "for example depression or panic"),
    # Read through a profile: the source's contact identifier (a re-import updates that contact), the
    # practitioner's staff identifier (rows of other practitioners are skipped), and whether the appointment
    # was attended (the rest are skipped and counted by reason).
    Field("contact_id", "Contact identifier", False, "the source system's identifier for the contact"),
    Field("practitioner", "Practitioner", False, "the practitioner's staff identifier in the service"),
    Field("attendance", "Attendance", False, "whether the appointment was attended"),
    Field(
        "planned",
        "Planned",
        False,
        "Y or N: an unplanned contact (N) took place, so it counts as attended whatever its attendance code",
    ),
)
FIELDS_BY_CODE = {f.code: f for f in FIELDS}


def normalise_heading(text) -> str:
    return (
        re.sub(r"[\s_\-]+", " ", str(text).strip().lower()).replace("phq 9", "phq9").replace("gad 7", "gad7")
    )


def normalise_value(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def _choices(choices, extra: dict[str, str]) -> dict[str, str]:
    table = {}
    for code, label in choices:
        table[normalise_value(code)] = code
        table[normalise_value(label)] = code
    table.update({normalise_value(k): v for k, v in extra.items()})
    return table


TYPE_VALUES = _choices(
    Contact.Type.choices,
    {
        "initial assessment": "assessment",
        "assess": "assessment",
        "treatment session": "treatment",
        "follow up": "treatment",
        "session": "treatment",
        "review session": "review",
        "discharge session": "discharge",
        "final session": "discharge",
    },
)
MODE_VALUES = _choices(
    Contact.Mode.choices,
    {
        "f2f": "face_to_face",
        "in person": "face_to_face",
        "phone": "telephone",
        "tel": "telephone",
        "video call": "video",
        "video consultation": "video",
        "webchat": "online",
        "internet": "online",
        "ccbt": "computerised_cbt",
        "computerized cbt": "computerised_cbt",
    },
)
OUTCOME_VALUES = _choices(
    Contact.Outcome.choices,
    {
        "step up": "stepped_up",
        "stepped up to step 3": "stepped_up",
        "step down": "stepped_down",
        "discharge": "discharged",
        "completed treatment": "discharged",
        "dropout": "dropped_out",
        "drop out": "dropped_out",
        "dropped": "dropped_out",
    },
)
PROBLEM_VALUES = _choices(
    Case.PresentingProblem.choices,
    {
        "generalised anxiety disorder": "gad",
        "generalized anxiety disorder": "gad",
        "panic disorder": "panic",
        "obsessive compulsive disorder": "ocd",
        "phobia": "phobia",
        "ptsd": "ptsd",
        "mixed anxiety and depressive disorder": "mixed",
    },
)


class CellProblem(Exception):
    pass


def shown(value) -> str:
    """How a bad value is quoted back: never in full if it could identify someone."""
    if isinstance(value, str):
        text = " ".join(value.split())
        if text and len(text) <= 30 and identifying_reason(text) is None:
            return f"“{text}”"
        return "this value"
    if isinstance(value, bool):
        return "a true/false value"
    if isinstance(value, datetime | date):
        return "a date"
    return "this value"


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_text(value) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise CellProblem(f"{shown(value)} is not text.")
    text = str(value)
    if len(text) > limits.MAX_CELL_CHARACTERS:
        raise CellProblem(f"The cell is longer than {limits.MAX_CELL_CHARACTERS} characters.")
    return text


def read_choice(value, table: dict[str, str], expected: str) -> str:
    text = read_text(value)
    code = table.get(normalise_value(text))
    if code is None:
        raise CellProblem(f"{shown(text)} is not recognised: use {expected}.")
    return code


_DATE_FORMATS = ("%d %B %Y", "%d %b %Y")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?")
_UK_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def read_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) <= 40:
        text = " ".join(value.split())
        # The usual shapes without strptime, which is slow over a hundred thousand rows.
        iso, uk = _ISO_DATE.fullmatch(text), _UK_DATE.fullmatch(text)
        try:
            if iso:
                return date(int(iso[1]), int(iso[2]), int(iso[3]))
            if uk:
                return date(int(uk[3]), int(uk[2]), int(uk[1]))
        except ValueError:
            pass
        else:
            for fmt in _DATE_FORMATS:
                try:
                    return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date, not a moment)
                except ValueError:
                    continue
    raise CellProblem(f"{shown(value)} is not a date: use a date cell, 2026-03-14 or 14/03/2026.")


def read_integer(value) -> int:
    if isinstance(value, bool):
        raise CellProblem("A true/false value is not a whole number.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal):
        if not (math.isfinite(value) and value == int(value)):
            raise CellProblem(f"{shown(value)} is not a whole number.")
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{1,6}(\.0+)?\s*", value):
        number = int(float(value))
    else:
        raise CellProblem(f"{shown(value)} is not a whole number.")
    return number
