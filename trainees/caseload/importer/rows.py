"""Row validation: match the file's headings to the fields (through the person's saved mapping), then
check each row cell by cell and against the contact rules, giving a `ParsedRow` or problems in words."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl.utils import get_column_letter

from curriculum.models import Intervention
from trainees.caseload.importer.columns import (
    FIELDS,
    MODE_VALUES,
    OUTCOME_VALUES,
    PROBLEM_VALUES,
    TYPE_VALUES,
    CellProblem,
    is_blank,
    normalise_heading,
    normalise_value,
    read_choice,
    read_date,
    read_integer,
    read_text,
    shown,
)
from trainees.caseload.importer.problems import ImportResult, RowProblem
from trainees.caseload.services import clean_case_reference, contact_problems
from trainees.imports.profiles import ProfileSpec, looks_like_nhs_number, normalise_code, read_spec
from trainees.models import Enrolment

STANDARD = read_spec("standard-caseload", "Tracker headings", {})
# Readers whose answer depends on the cell's value alone within one import (one trainee, one profile, one
# day). Most cells repeat (a referral's reference on each of its contacts, a day's date, a handful of codes),
# and the case-reference checks (identifiers, names, the service's pattern) cost more than the rest of a row,
# so each distinct value is read once. The identifier and the practitioner are left out: the first is
# unique to its row, the second is only read to compare.
MEMO_FIELDS = frozenset(
    ("case_reference", "date", "type", "mode", "intervention", "minutes", "phq9", "gad7", "wsas", "outcome")
    + ("presenting_problem",)
)
MEMO_SIZE = 4_096  # distinct values kept per field: memory stays flat however long the file


def _memoised(read):
    """`read` answering from a bounded table of the values already read. A value that fails is read again
    each time (its problem is reported on every row that has it, worded exactly as before). The key holds
    the value's type, because 1, 1.0 and True are equal in Python but not as cells."""
    seen: dict = {}

    def reader(value):
        key = (type(value), value)
        try:
            return seen[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable cell: just read it
            return read(value)
        found = read(value)
        if len(seen) >= MEMO_SIZE:
            seen.clear()
        seen[key] = found
        return found

    return reader


_NHS_INT_RANGE = range(10**9, 10**10)  # a whole number whose digits could be an NHS number
# Fields a file's columns are matched to only through a profile's headings, never by their labels alone.
PROFILE_ONLY = frozenset({"contact_id", "practitioner", "attendance", "planned"})


@dataclass
class ParsedRow:
    row: int
    reference: str
    date: date
    type: str
    mode: str
    intervention: Intervention | None
    minutes: int
    phq9: int | None
    gad7: int | None
    wsas: int | None
    outcome: str
    presenting_problem: str
    source_id: str = ""


class RowChecker:
    """Reads one file's rows for one enrolment; every problem goes into `result`."""

    def __init__(
        self,
        *,
        enrolment: Enrolment,
        headings: dict[str, str],
        today: date,
        result: ImportResult,
        spec: ProfileSpec | None = None,
    ):
        self.enrolment = enrolment
        self.headings = headings
        self.spec = spec or STANDARD
        self.today = today
        self.result = result
        self.staff_id = normalise_code(enrolment.service_staff_id)
        self.header: tuple = ()
        self.ignored: set[int] = set()
        self.interventions = {}
        for intervention in Intervention.objects.all():
            self.interventions[normalise_value(intervention.code)] = intervention
            self.interventions[normalise_value(intervention.name)] = intervention
        self.columns: dict[str, int] = {}
        self.column_headings: dict[str, str] = {}
        self.readers = {
            "case_reference": lambda v: clean_case_reference(read_text(v), enrolment.employing_service),
            "date": self._date,
            "type": lambda v: (
                self._mapped("type", v)
                or read_choice(v, TYPE_VALUES, "assessment, treatment, review or discharge")
            ),
            "mode": lambda v: (
                self._mapped("mode", v)
                or read_choice(
                    v, MODE_VALUES, "face to face, telephone, video, online, group or computerised CBT"
                )
            ),
            "intervention": self._intervention,
            "contact_id": lambda v: read_text(v).strip()[:60],
            "practitioner": read_text,
            "attendance": lambda v: v,
            "planned": lambda v: v,
            "minutes": read_integer,
            "phq9": read_integer,
            "gad7": read_integer,
            "wsas": read_integer,
            "outcome": lambda v: read_choice(
                v, OUTCOME_VALUES, "stepped up, stepped down, discharged or dropped out"
            ),
            "presenting_problem": lambda v: read_choice(
                v, PROBLEM_VALUES, "depression, generalised anxiety, panic, ..."
            ),
        }
        for code in MEMO_FIELDS:
            self.readers[code] = _memoised(self.readers[code])
        self._attendance_skip = _memoised(lambda v: self.spec.skip_reason("attendance", v))
        self._practitioner_code = _memoised(normalise_code)

    # headings

    def match_headings(self, sheet: str, header: Sequence) -> bool:
        found: dict[str, int] = {}
        for index, cell in enumerate(header):
            if is_blank(cell):
                continue
            key = normalise_heading(cell) if isinstance(cell, str | int | float) else ""
            if key in found:
                self.result.add(
                    RowProblem(
                        sheet, 1, get_column_letter(index + 1), str(cell)[:60], "This heading appears twice."
                    )
                )
            found.setdefault(key, index)
        self.header = tuple(header)
        never = {normalise_heading(h) for h in self.spec.never_store}
        self.ignored = {
            i for i, cell in enumerate(header) if isinstance(cell, str) and normalise_heading(cell) in never
        }
        for f in FIELDS:
            wanted = self.headings.get(f.code)
            profiled = self.spec.headings_for(f.code)
            if not wanted and not profiled and f.code in PROFILE_ONLY:
                continue  # only when a profile names the column (a "Practitioner" note is not one)
            candidates = [wanted] if wanted else list(profiled) if profiled else [f.label, f.code]
            for candidate in candidates:
                index = found.get(normalise_heading(candidate))
                if index is not None:
                    self.columns[f.code] = index
                    self.column_headings[f.code] = str(header[index])[:60]
                    break
            else:
                if f.required:
                    names = " or ".join(f"“{c}”" for c in candidates)
                    self.result.add(
                        RowProblem(
                            sheet, 1, "", "", f"No column is headed {names} ({f.label.lower()}: {f.hint})."
                        )
                    )
        if "practitioner" in self.columns and not self.staff_id:
            self.result.add(
                RowProblem(
                    sheet,
                    1,
                    get_column_letter(self.columns["practitioner"] + 1),
                    self.column_headings["practitioner"],
                    "This file holds several practitioners' contacts, and the trainee has no staff "
                    "identifier in the service recorded, so their rows cannot be told apart. Record it on "
                    "the trainee's placement first.",
                )
            )
        return self.result.ok

    def where(self, sheet: str, row: int, code: str, reason: str) -> RowProblem:
        index = self.columns.get(code)
        column = get_column_letter(index + 1) if index is not None else ""
        return RowProblem(sheet, row, column, self.column_headings.get(code, ""), reason)

    # rows

    def parse(self, sheet: str, number: int, cells: Sequence) -> ParsedRow | None:
        values, problems = {}, []

        def cell(code):
            index = self.columns.get(code)
            return cells[index] if index is not None and index < len(cells) else None

        self._warn_identifiers(cells)
        reason = self._skip_reason(cell)
        if reason:
            self.result.skip(reason)
            return None
        readers = self.readers
        width = len(cells)
        for f in FIELDS:
            index = self.columns.get(f.code)
            raw = cells[index] if index is not None and index < width else None
            if raw is None or is_blank(raw):
                if f.required:
                    problems.append(self.where(sheet, number, f.code, f"The {f.label.lower()} is missing."))
                values[f.code] = None
                continue
            try:
                values[f.code] = readers[f.code](raw)
            except CellProblem as error:
                problems.append(self.where(sheet, number, f.code, str(error)))
            except Exception as error:  # noqa: BLE001 - a ValidationError from the de-identification checks
                messages = getattr(error, "messages", None) or ["This value cannot be read."]
                problems.append(self.where(sheet, number, f.code, " ".join(messages)))
        if not problems:
            for code, reason in contact_problems(
                self.enrolment,
                on=values["date"],
                type=values["type"],
                intervention=values["intervention"],
                minutes=values["minutes"],
                phq9=values["phq9"],
                gad7=values["gad7"],
                wsas=values["wsas"],
                today=self.today,
            ).items():
                problems.append(self.where(sheet, number, code, reason))
        for problem in problems:
            self.result.add(problem)
        if problems:
            return None
        return ParsedRow(
            row=number,
            reference=values["case_reference"],
            date=values["date"],
            type=values["type"],
            mode=values["mode"],
            intervention=values["intervention"],
            minutes=values["minutes"],
            phq9=values["phq9"],
            gad7=values["gad7"],
            wsas=values["wsas"],
            outcome=values["outcome"] or "",
            presenting_problem=values["presenting_problem"] or "",
            source_id=values["contact_id"] or "",
        )

    def _skip_reason(self, cell) -> str | None:
        """Rows the profile leaves out, by reason: other practitioners' rows (first, so that the counts of
        missed appointments are the trainee's own), then appointments not attended."""
        practitioner = "practitioner" in self.columns and self.staff_id
        if practitioner and self._practitioner_code(cell("practitioner")) != self.staff_id:
            return "another practitioner's contacts"
        if "attendance" in self.columns and not self._unplanned(cell):
            reason = self._attendance_skip(cell("attendance"))
            if reason:
                return reason
        return None

    def _unplanned(self, cell) -> bool:
        """An unplanned contact (the data set's PlannedCareContIndicator "N") took place: NHS England counts
        it as attended whatever its attendance code, which is often blank for one."""
        return "planned" in self.columns and str(cell("planned") or "").strip().upper() == "N"

    def _warn_identifiers(self, cells: Sequence) -> None:
        """A value anywhere that passes the NHS number check is reported (never stored), naming the column."""
        for index, value in enumerate(cells):
            # Cheap first: `looks_like_nhs_number` reads ten digits with only spaces or dashes between, so
            # text shorter than ten characters or starting with anything else, and a whole number of other
            # than ten digits, cannot be one; most cells are those.
            kind = type(value)
            if kind is str and (len(value) < 10 or not (value[0].isdigit() or value[0] in " -")):
                continue
            if kind is int and abs(value) not in _NHS_INT_RANGE:
                continue
            if isinstance(value, str | int) and not isinstance(value, bool) and looks_like_nhs_number(value):
                heading = str(self.header[index])[:60] if index < len(self.header) else ""
                column = get_column_letter(index + 1)
                stored = "" if index in self.ignored or index not in self.columns.values() else " and is read"
                self.result.warn(
                    f"Column {column}"
                    + (f" ({heading})" if heading else "")
                    + " holds values that look like "
                    f"NHS numbers{stored}. They are not saved; remove the column from the export if you can."
                )

    def _date(self, value) -> date:
        parsed = self.spec.parse_date(value) if self.spec.date_formats else None
        return parsed or read_date(value)

    def _mapped(self, code: str, value):
        """The profile's value map first; then the tracker's own words."""
        if code in self.spec.values:
            mapped = self.spec.map_value(code, value)
            if mapped is not None:
                return mapped
            if not isinstance(value, str):
                raise CellProblem(f"Code {normalise_code(value)} is not in the profile's list for {code}.")
        return None

    def _intervention(self, value) -> Intervention:
        mapped = self._mapped("intervention", value) if "intervention" in self.spec.values else None
        if mapped is not None:
            value = mapped
        elif isinstance(value, str) and self.spec.code_separator.get("intervention"):
            value = value.split(self.spec.code_separator["intervention"], 1)[0]
        text = read_text(value)
        intervention = self.interventions.get(normalise_value(text))
        if intervention is None:
            raise CellProblem(f"{shown(text)} is not one of the curriculum's interventions.")
        return intervention
