"""The cohort export: pure row generators from facts and results, and an XLSX renderer.

Each sheet is a title, typed headers and a generator of rows, so a sheet of any length is written once,
row by row, by openpyxl's write-only workbook (constant memory). Text that a spreadsheet would take for a
formula (starting with = + - @, a tab or a carriage return) is written with a leading apostrophe.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accreditation.engine import ReadinessResult
from accreditation.facts import TraineeFacts

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: Callable[[], Iterator[list]]


Entry = tuple[TraineeFacts, list[ReadinessResult]]


def escape(value):
    """Make a cell safe: text that could be read as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Spreadsheets have no time zones: write the local time the pages show.
        return value.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)
    return value


def _who(facts: TraineeFacts) -> list:
    return [facts.username, facts.name]


def summary_rows(entries: Iterable[Entry], scheme_codes: list[str]) -> Iterator[list]:
    for facts, results in entries:
        ready = {r.scheme_code: r.ready for r in results if r.stage == "initial"}
        signed = sum(1 for c in facts.competences if c.status == "signed")
        yield [
            *_who(facts),
            facts.cohort,
            facts.route_code,
            facts.start_date,
            facts.status,
            facts.completed_on,
            facts.months_in_service,
            facts.training_days.status,
            signed,
            len(facts.competences),
            facts.supervision.status,
            facts.caseload.status,
            *(ready.get(code) for code in scheme_codes),
        ]


def training_days_rows(entries: Iterable[Entry]) -> Iterator[list]:
    for facts, _ in entries:
        d = facts.training_days
        yield [
            *_who(facts),
            d.university_required,
            d.university_completed,
            d.workplace_required,
            d.workplace_completed,
            d.window_end,
            d.complete,
            d.completed_within_window,
            d.status,
            d.reason,
        ]


def competence_rows(entries: Iterable[Entry]) -> Iterator[list]:
    for facts, _ in entries:
        for c in facts.competences:
            yield [
                *_who(facts),
                c.code,
                c.name,
                c.kind,
                c.module_number,
                c.status,
                c.attempts_used,
                c.attempts_allowed,
                c.signed_by,
                c.signed_by_role,
                c.signed_at,
            ]


def supervision_rows(entries: Iterable[Entry]) -> Iterator[list]:
    for facts, _ in entries:
        s = facts.supervision
        yield [
            *_who(facts),
            s.start,
            s.end,
            float(s.hours.get("case_management", 0.0)),
            float(s.hours.get("clinical_skills", 0.0)),
            float(s.hours.get("management", 0.0)),
            float(s.credentialed_hours.get("case_management", 0.0)),
            float(s.credentialed_hours.get("clinical_skills", 0.0)),
            len(s.missed_weeks),
            float(s.clinical_skills_shortfall_hours),
            len(s.overdue_case_reviews),
            s.live_assessments,
            s.status,
            s.reason,
        ]


def caseload_rows(entries: Iterable[Entry]) -> Iterator[list]:
    for facts, _ in entries:
        c = facts.caseload
        yield [
            *_who(facts),
            c.profile,
            float(c.expected_patients_to_date),
            c.actual_patients_to_date,
            float(c.expected_active_caseload),
            c.actual_active_caseload,
            float(c.expected_year_total),
            float(c.contact_hours),
            c.first_contact_on,
            float(c.step2_hours_per_week),
            c.status,
            c.reason,
        ]


def readiness_rows(entries: Iterable[Entry]) -> Iterator[list]:
    for facts, results in entries:
        for result in results:
            for c in result.criteria:
                yield [
                    *_who(facts),
                    result.scheme_code,
                    result.version,
                    result.stage,
                    result.ready,
                    result.next_due,
                    c.code,
                    c.description,
                    c.met,
                    c.value,
                    c.target,
                    c.unit,
                    c.gap,
                ]


WHO = ("Username", "Name")


def cohort_sheets(entries: list[Entry], scheme_codes: list[str]) -> list[Sheet]:
    """The six sheets of the cohort export. `entries` is a list, read once per sheet."""
    return [
        Sheet(
            "Summary",
            (
                *WHO,
                "Cohort",
                "Route",
                "Start date",
                "Status",
                "Completed on",
                "Months in service",
                "Training days",
                "Competences signed",
                "Competences",
                "Supervision",
                "Caseload",
                *(f"Ready: {code}" for code in scheme_codes),
            ),
            lambda: summary_rows(entries, scheme_codes),
        ),
        Sheet(
            "Training days",
            (
                *WHO,
                "University days required",
                "University days completed",
                "Workplace days required",
                "Workplace days completed",
                "Window ends",
                "Complete",
                "Completed within window",
                "Status",
                "Reason",
            ),
            lambda: training_days_rows(entries),
        ),
        Sheet(
            "Competences",
            (
                *WHO,
                "Code",
                "Competence",
                "Kind",
                "Module",
                "Status",
                "Attempts used",
                "Attempts allowed",
                "Signed by",
                "Signer's role",
                "Signed at",
            ),
            lambda: competence_rows(entries),
        ),
        Sheet(
            "Supervision",
            (
                *WHO,
                "From",
                "To",
                "Case-management hours",
                "Clinical-skills hours",
                "Management hours",
                "Credentialed case-management hours",
                "Credentialed clinical-skills hours",
                "Weeks missed",
                "Clinical-skills shortfall (hours)",
                "Overdue case reviews",
                "Live assessments",
                "Status",
                "Reason",
            ),
            lambda: supervision_rows(entries),
        ),
        Sheet(
            "Caseload",
            (
                *WHO,
                "Ramp profile",
                "Expected patients to date",
                "Patients to date",
                "Expected active caseload",
                "Active caseload",
                "Expected year total",
                "Contact hours",
                "First contact",
                "Step-2 hours a week",
                "Status",
                "Reason",
            ),
            lambda: caseload_rows(entries),
        ),
        Sheet(
            "Readiness",
            (
                *WHO,
                "Scheme",
                "Version",
                "Stage",
                "Ready",
                "Next due",
                "Criterion",
                "Description",
                "Met",
                "Value",
                "Target",
                "Unit",
                "What is left",
            ),
            lambda: readiness_rows(entries),
        ),
    ]


def write_xlsx(sheets: list[Sheet], target) -> int:
    """Write the sheets to `target` (a path or a binary file); return the number of data rows written."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    total = 0
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title)
        ws.freeze_panes = "A2"
        header = []
        for title in sheet.headers:
            cell = WriteOnlyCell(ws, value=title)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        count = 0
        for row in sheet.rows():
            ws.append([escape(value) for value in row])
            count += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}{count + 1}"
        total += count
    workbook.save(target)
    return total


def export_filename(cohort_code: str, as_of: date) -> str:
    return f"{cohort_code}-{as_of:%Y-%m-%d}.xlsx"
