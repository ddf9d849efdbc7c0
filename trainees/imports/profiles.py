"""Reading an import profile's spec: headings, value maps, skip rules and formats, as plain data.

Pure functions only (no database), so the importers and the property tests share them. A spec looks like:

    {"columns": {"date": ["CareContDate"], "mode": ["ConsMechanism", "ConsMediumUsed"], ...},
     "values": {"type": {"01": "assessment", ...}, "intervention": {"1127281000000100": "guided-self-help"}},
     "skip": {"attendance": {"3": "did not attend", ...}},
     "accept": {"attendance": ["5", "6"]},
     "code_separator": {"intervention": ":"},
     "never_store": ["LocalPatientId", "NHSNumber"],
     "date_formats": ["%Y-%m-%d", "%d/%m/%Y"],
     "scores": {"columns": {...}, "tools": {"720433000": "phq9"}},
     "ends": {"columns": {"case_reference": [...], "end_date": [...], "end_code": [...]},
              "reasons": {"46": "treatment completed by mutual agreement"}}}

Coded values are compared after `normalise_code`: case, spaces and underscores do not matter, and a number
is the same code with or without leading zeros ("01", "1" and the number 1 are one code), because a
spreadsheet program turns "01" into 1 when it opens a CSV file.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from trainees.deidentify import is_valid_nhs_number

# What a coded score may be recorded as: a measure's total, or one of the WSAS's five items (the data set
# codes each item; the importer adds them up).
WSAS_ITEMS = {
    "wsas-work": "work",
    "wsas-home": "home management",
    "wsas-social": "social leisure activities",
    "wsas-private": "private leisure activities",
    "wsas-relationships": "close relationships",
}
SCORE_FIELDS = ("phq9", "gad7", "wsas", *WSAS_ITEMS)

_SPACES = re.compile(r"[\s_]+")
_DIGITS = re.compile(r"\d+")


def normalise_code(value) -> str:
    """A source value as a key of a value map."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _SPACES.sub(" ", str(value).strip().lower())
    if _DIGITS.fullmatch(text):
        return str(int(text))
    return text


def normalise_heading(text) -> str:
    return _SPACES.sub(" ", str(text).strip().lower()).replace("-", " ")


@dataclass(frozen=True)
class ProfileSpec:
    code: str
    name: str
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    skip: dict[str, dict[str, str]] = field(default_factory=dict)
    accept: dict[str, frozenset[str]] = field(default_factory=dict)
    code_separator: dict[str, str] = field(default_factory=dict)
    never_store: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ()
    scores: dict = field(default_factory=dict)
    ends: dict = field(default_factory=dict)
    layout: str = "long"
    match_by: str = "username"
    session_heading: str = ""
    late_without_minutes: bool = False
    raw: dict = field(default_factory=dict)

    def headings_for(self, field_code: str) -> tuple[str, ...]:
        return self.columns.get(field_code, ())

    def map_value(self, field_code: str, value) -> str | None:
        """The tracker's code for a source value, through the profile's map (None when it has no entry)."""
        table = self.values.get(field_code)
        if not table:
            return None
        return table.get(self.source_code(field_code, value))

    def source_code(self, field_code: str, value) -> str:
        """The coded part of a cell: a SNOMED CT procedure with its status ("1127281000000100:385658003")
        is read up to the profile's separator."""
        separator = self.code_separator.get(field_code)
        if separator and isinstance(value, str) and separator in value:
            value = value.split(separator, 1)[0]
        return normalise_code(value)

    def skip_reason(self, field_code: str, value) -> str | None:
        """Why a row is skipped for this field's value (a non-attended appointment), or None to keep it.
        An entry matches the whole value or its first words. With an `accept` list, any value outside it
        is skipped as "other: <value>"."""
        key = normalise_code(value)
        table = self.skip.get(field_code, {})
        reason = table.get(key)
        if reason:
            return reason
        if table and " " in key:
            # An entry also matches a cell that begins with it and goes on after a space: Moodle writes
            # "User enrolment starts 13.01.2026" for a session before the student's enrolment.
            words = key.split(" ")
            for end in range(len(words) - 1, 0, -1):
                reason = table.get(" ".join(words[:end]))
                if reason:
                    return reason
        accepted = self.accept.get(field_code)
        if accepted is not None and key not in accepted:
            return f"{field_code} code {key or 'blank'}"
        return None

    def parse_date(self, value) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            return None
        text = " ".join(value.split())
        for fmt in self.date_formats:
            try:
                return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
            except ValueError:
                continue
        return None


def _table(mapping: dict) -> dict[str, str]:
    return {normalise_code(k): str(v) for k, v in (mapping or {}).items()}


class SpecProblem(ValueError):
    """The spec is not of the expected shape; the message says where."""


def read_spec(code: str, name: str, spec: dict) -> ProfileSpec:
    """Check a spec's shape and build the `ProfileSpec` the importers use."""
    if not isinstance(spec, dict):
        raise SpecProblem("The profile must be a JSON object.")
    columns = {}
    for key, headings in (spec.get("columns") or {}).items():
        if isinstance(headings, str):
            headings = [headings]
        if not isinstance(headings, list) or not all(isinstance(h, str) and h for h in headings):
            raise SpecProblem(f"columns.{key} must be a heading or a list of headings.")
        columns[key] = tuple(headings)
    for part in ("values", "skip"):
        for key, table in (spec.get(part) or {}).items():
            if not isinstance(table, dict):
                raise SpecProblem(f"{part}.{key} must map source values to codes.")
    tools = (spec.get("scores") or {}).get("tools") or {}
    if not isinstance(tools, dict):
        tools = {"": "(not a map)"}
    unknown = sorted(str(v) for v in tools.values() if v not in SCORE_FIELDS)
    if unknown:
        raise SpecProblem(
            f"scores.tools must map each assessment code to one of {', '.join(SCORE_FIELDS)} "
            f"(not {', '.join(unknown)})."
        )
    ends = spec.get("ends") or {}
    if not isinstance(ends, dict) or not isinstance(ends.get("reasons", {}), dict):
        raise SpecProblem("ends must give the referral ends file's columns and its reasons (code → words).")
    for key in ("case_reference", "end_date", "end_code"):
        if ends and not ends.get("columns", {}).get(key):
            raise SpecProblem(f"ends.columns.{key} must name the heading of that column.")
    layout = spec.get("layout", "long")
    if layout not in ("long", "wide"):
        raise SpecProblem("layout must be “long” (a row per mark) or “wide” (a column per session).")
    match_by = spec.get("match_by", "username")
    if match_by not in ("username", "student_number", "email"):
        raise SpecProblem("match_by must be username, student_number or email.")
    if layout == "wide" and not spec.get("session_heading"):
        raise SpecProblem("A wide register needs session_heading: the pattern of a session column's heading.")
    if spec.get("session_heading"):
        try:
            re.compile(spec["session_heading"])
        except re.error as error:
            raise SpecProblem(f"session_heading is not a valid pattern ({error}).") from error
    return ProfileSpec(
        code=code,
        name=name,
        columns=columns,
        values={k: _table(v) for k, v in (spec.get("values") or {}).items()},
        skip={k: _table(v) for k, v in (spec.get("skip") or {}).items()},
        accept={k: frozenset(normalise_code(x) for x in v) for k, v in (spec.get("accept") or {}).items()},
        code_separator=dict(spec.get("code_separator") or {}),
        never_store=tuple(spec.get("never_store") or ()),
        date_formats=tuple(spec.get("date_formats") or ("%Y-%m-%d", "%d/%m/%Y")),
        scores=dict(spec.get("scores") or {}),
        ends=dict(ends),
        layout=layout,
        match_by=match_by,
        session_heading=spec.get("session_heading", ""),
        late_without_minutes=bool(spec.get("late_without_minutes", False)),
        raw=spec,
    )


def profile_spec(profile) -> ProfileSpec:
    """The `ProfileSpec` of an `ImportProfile` row."""
    return read_spec(profile.code, profile.name, profile.spec)


def looks_like_nhs_number(value) -> bool:
    """A cell holding ten digits (spaces or dashes allowed) that pass the NHS number check digit."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, float):
        if not value.is_integer():
            return False
        value = int(value)
    text = str(value).replace(" ", "").replace("-", "")
    return len(text) == 10 and text.isdigit() and is_valid_nhs_number(text)
