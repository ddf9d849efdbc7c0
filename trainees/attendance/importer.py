"""Import registers from an Excel workbook, all or nothing.

Two layouts are accepted, sheet by sheet:
- one long list: headings `Date | Trainee | Status | Minutes missed | Note` in row 1, a row per mark;
- one register per sheet: `Date` in A1 and the day's date in B1, then the headings `Trainee | Status |
  Minutes missed | Note` in row 2 and a row per trainee.
Sheets named "Instructions" or starting with "Example" are skipped. Trainees are given by username.

Safety (shared/quality.md): the zip directory is checked (entry count and uncompressed size) before the
workbook is opened; openpyxl parses with defusedxml and `read_only=True`; sheets, rows and columns are
capped; every problem names its sheet, row and column; nothing is saved unless the whole file is valid,
and then every register is saved through `save_register` in one transaction.
"""

import io
import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
import openpyxl.xml
from django.db import transaction
from django.utils import timezone
from openpyxl.utils import get_column_letter

from accounts.services import DomainError, record_event
from core.dates import long_date
from core.spreadsheets import (
    ContainerLimits,
    ContainerRefused,
    Sheet,
    TableRefused,
    check_zip_container,
    open_table,
    render_xlsx,
    table_format,
)
from curriculum.models import Cohort, RouteModule
from trainees.attendance.models import MAX_MINUTES_MISSED, PART_DAY, AttendanceStatus
from trainees.attendance.selectors import register_enrolments
from trainees.attendance.services import MarkInput, save_register
from trainees.deidentify import identifying_reason
from trainees.imports.profiles import ProfileSpec, normalise_code, normalise_heading, profile_spec
from trainees.models import AttendanceMark, Enrolment, TeachingDay

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ZIP_ENTRIES = 250
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_SHEETS = 60
MAX_ROWS = 20_000  # data rows in the whole file: a large cohort's whole year is a few thousand
MAX_COLUMNS = 12
MAX_PROBLEMS = 500
DAY_FORMAT = "DD/MM/YYYY"
SKIPPED_SHEETS = ("instructions", "example")

DATE_PATTERNS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y", "%d-%m-%Y")
_HEADINGS = {
    "date": "date",
    "trainee": "trainee",
    "username": "trainee",
    "status": "status",
    "attendance": "status",
    "minutes missed": "minutes",
    "minutes": "minutes",
    "note": "note",
    "notes": "note",
    "name": "name",
}
_STATUSES = {
    **{code.replace("_", " "): code for code in AttendanceStatus.values},
    **{label.lower(): code for code, label in AttendanceStatus.choices},
    "authorized absence": AttendanceStatus.AUTHORISED_ABSENCE,
    "unauthorized absence": AttendanceStatus.UNAUTHORISED_ABSENCE,
}


def parse_date(text: str) -> date | None:
    text = " ".join(str(text).split())
    for pattern in DATE_PATTERNS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _cell_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_date(value)
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        where = [f"sheet “{self.sheet}”"] if self.sheet else ["the file"]
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        text = ", ".join(where)
        return f"{text[:1].upper()}{text[1:]}: {self.message}"


@dataclass
class ImportResult:
    filename: str
    dry_run: bool
    problems: list[ImportProblem] = field(default_factory=list)
    more_problems: int = 0
    registers: int = 0
    marks: int = 0
    added: int = 0
    corrected: int = 0
    unchanged: int = 0
    saved: bool = False
    skipped: Counter = field(default_factory=Counter)  # reason -> marks left out for it
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        verb = "would add" if self.dry_run else "added"
        fixed = "would correct" if self.dry_run else "corrected"
        text = (
            f"{self.marks} marks on {self.registers} registers: {verb} {self.added}, "
            f"{fixed} {self.corrected}, {self.unchanged} already as in the file."
        )
        if self.skipped:
            text += (
                " Skipped: " + ", ".join(f"{n} {reason}" for reason, n in self.skipped.most_common()) + "."
            )
        return text


# A mark for a session the trainee's route does not include (a CPD-route trainee in a module 3 session) is
# left out and counted under this reason, never a reason to refuse the whole file.
NOT_ON_ROUTE = "sessions not on this trainee's route"


def _not_on_route(result: ImportResult, sheet: str, number: int, who: str, enrolment, day) -> None:
    result.skipped[NOT_ON_ROUTE] += 1
    if len(result.warnings) < MAX_PROBLEMS:
        result.warnings.append(
            f"Sheet “{sheet}” row {number}: {who} is on the {enrolment.route.name} route, which does not "
            f"include module {day.module.number} ({long_date(day.date)}); that mark was not imported."
        )


class _Problems:
    def __init__(self, result: ImportResult):
        self.result = result

    def add(self, sheet: str, row: int | None, column: int | None, message: str) -> None:
        if len(self.result.problems) >= MAX_PROBLEMS:
            self.result.more_problems += 1
            return
        letter = get_column_letter(column + 1) if column is not None else None
        self.result.problems.append(ImportProblem(sheet, row, letter, message))


def check_container(fileobj) -> str | None:
    """Refuse what is not a reasonable .xlsx before any XML is parsed: size, then the zip directory."""
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    if size > MAX_FILE_BYTES:
        return f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."
    limits = ContainerLimits(max_entries=MAX_ZIP_ENTRIES, max_uncompressed_bytes=MAX_UNCOMPRESSED_BYTES)
    try:
        check_zip_container(fileobj, limits)
    except ContainerRefused as refused:
        return str(refused)
    return None


@dataclass
class _Context:
    cohort: Cohort
    today: date
    days: dict[date, TeachingDay]
    enrolments: dict[str, Enrolment]
    route_modules: set[tuple[int, int]]  # (route id, module id)
    seen: dict[tuple[int, int], str] = field(default_factory=dict)  # (day, enrolment) -> where first seen
    marks: dict[int, dict[int, MarkInput]] = field(default_factory=lambda: defaultdict(dict))
    rows: int = 0
    minutes_recorded: bool = True


def _context(cohort: Cohort, today: date) -> _Context:
    days = {
        d.date: d
        for d in TeachingDay.objects.filter(
            cohort=cohort, status=TeachingDay.Status.SCHEDULED
        ).select_related("module")
    }
    enrolments = {
        e.user.username.lower(): e
        for e in Enrolment.objects.filter(cohort=cohort).select_related("user", "route")
    }
    route_modules = set(
        RouteModule.objects.filter(route_id__in={e.route_id for e in enrolments.values()}).values_list(
            "route_id", "module_id"
        )
    )
    return _Context(
        cohort=cohort,
        today=today,
        days=days,
        enrolments=enrolments,
        route_modules=route_modules,
        minutes_recorded=cohort.programme.late_minutes_recorded,
    )


def _day_problem(ctx: _Context, value) -> tuple[TeachingDay | None, str | None]:
    day_date = _cell_date(value)
    if day_date is None:
        return None, f"“{_text(value)}” is not a date. Use a date such as 03/03/2026."
    day = ctx.days.get(day_date)
    if day is None:
        return None, f"{long_date(day_date)} is not a teaching day in {ctx.cohort.code}'s schedule."
    if day.date > ctx.today:
        return None, f"{long_date(day_date)} has not happened yet, so its register cannot be taken."
    return day, None


def _read_row(ctx: _Context, problems: _Problems, sheet: str, number: int, cols: dict, values, day) -> None:
    def value(key):
        index = cols.get(key)
        return values[index] if index is not None and index < len(values) else None

    if "date" in cols:
        day, message = _day_problem(ctx, value("date"))
        if message:
            problems.add(sheet, number, cols["date"], message)
    username = _text(value("trainee")).lower()
    enrolment = ctx.enrolments.get(username)
    if not username:
        problems.add(sheet, number, cols["trainee"], "The trainee's username is missing.")
    elif enrolment is None:
        problems.add(sheet, number, cols["trainee"], f"“{username}” is not a trainee in {ctx.cohort.code}.")
    elif enrolment.status == Enrolment.Status.WITHDRAWN:
        problems.add(sheet, number, cols["trainee"], f"{username} has withdrawn from {ctx.cohort.code}.")
        enrolment = None
    status_text = _text(value("status")).lower().replace("_", " ").replace("-", " ")
    status = _STATUSES.get(" ".join(status_text.split()))
    if status is None:
        problems.add(
            sheet,
            number,
            cols["status"],
            f"“{_text(value('status'))}” is not a status. Use present, late, left early, authorised absence "
            "or unauthorised absence."
            if status_text
            else "The status is missing.",
        )
    raw_minutes = value("minutes")
    minutes = 0
    if _text(raw_minutes):
        try:
            minutes = int(float(_text(raw_minutes)))
            if minutes != float(_text(raw_minutes)) or minutes < 0:
                raise ValueError
        except ValueError:
            problems.add(
                sheet, number, cols["minutes"], f"“{_text(raw_minutes)}” is not a whole number of minutes."
            )
            minutes = None
    if minutes is not None and status is not None:
        if status in PART_DAY and not ctx.minutes_recorded:
            if minutes:
                problems.add(
                    sheet,
                    number,
                    cols["minutes"],
                    "This programme records lateness without minutes: leave the minutes missed empty.",
                )
        elif status in PART_DAY and not 1 <= minutes <= MAX_MINUTES_MISSED:
            problems.add(
                sheet,
                number,
                cols.get("minutes", cols["status"]),
                f"Give the minutes missed (1 to {MAX_MINUTES_MISSED}) when someone is late or leaves early.",
            )
        elif status not in PART_DAY and minutes:
            problems.add(
                sheet, number, cols["minutes"], "Minutes missed are only for late arrival or leaving early."
            )
    note = _text(value("note"))
    if len(note) > 200:
        problems.add(sheet, number, cols["note"], "The note is longer than 200 characters.")
    elif note:
        reason = identifying_reason(note)
        if reason:
            problems.add(sheet, number, cols["note"], f"The note cannot be saved because {reason}.")
    if day is None or enrolment is None:
        return
    if (enrolment.route_id, day.module_id) not in ctx.route_modules:
        _not_on_route(problems.result, sheet, number, username, enrolment, day)
        return
    key = (day.pk, enrolment.pk)
    where = f"sheet “{sheet}” row {number}"
    if key in ctx.seen:
        problems.add(
            sheet, number, cols["trainee"], f"{username} on {long_date(day.date)} is also on {ctx.seen[key]}."
        )
        return
    ctx.seen[key] = where
    if status is not None and minutes is not None:
        ctx.marks[day.pk][enrolment.pk] = MarkInput(status, minutes if status in PART_DAY else 0, note)


def _headings(values) -> dict[str, int]:
    cols: dict[str, int] = {}
    for index, value in enumerate(values):
        key = _HEADINGS.get(_text(value).lower())
        if key and key not in cols:
            cols[key] = index
    return cols


def _read_sheet(ctx: _Context, problems: _Problems, ws) -> None:
    sheet = ws.title
    rows = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    first = next(rows, None)
    if first is None:
        return
    cols = _headings(first)
    day = None
    number = 1
    if "date" in cols and "trainee" in cols:
        layout_missing = [k for k in ("status",) if k not in cols]
    elif _text(first[0]).lower() == "date" and len(first) > 1:
        day, message = _day_problem(ctx, first[1])
        if message:
            problems.add(sheet, 1, 1, message)
        second = next(rows, None) or ()
        number = 2
        cols = _headings(second)
        layout_missing = [k for k in ("trainee", "status") if k not in cols]
    else:
        problems.add(
            sheet,
            1,
            0,
            "Start the sheet with the headings Date, Trainee and Status (one long list), or put Date in A1 "
            "and the register's date in B1 (one register per sheet).",
        )
        return
    if layout_missing:
        names = " and ".join(k.capitalize() for k in layout_missing)
        problems.add(sheet, number, None, f"The headings have no {names} column.")
        return
    for values in rows:
        number += 1
        if not any(_text(v) for v in values):
            continue
        ctx.rows += 1
        if ctx.rows > MAX_ROWS:
            problems.add(
                sheet, number, None, f"The file has more than {MAX_ROWS} rows of marks; split it up."
            )
            return
        _read_row(ctx, problems, sheet, number, cols, values, day)


class _DryRun(Exception):
    pass


def import_attendance(
    *, actor, cohort: Cohort, fileobj, filename: str, dry_run: bool = False, today: date | None = None
) -> ImportResult:
    """Check a workbook of registers and, if every row is valid (and this is not a dry run), save them all."""
    today = today or timezone.localdate()
    result = ImportResult(filename=filename, dry_run=dry_run)
    problems = _Problems(result)
    if not openpyxl.xml.DEFUSEDXML:
        raise RuntimeError("defusedxml must be installed before spreadsheets are imported.")
    refused = check_container(fileobj)
    if refused:
        problems.add("", None, None, refused)
        return result
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged file; all mean the same here.
        problems.add("", None, None, "The workbook could not be read. Save it again as .xlsx and retry.")
        return result
    ctx = _context(cohort, today)
    try:
        sheets = [ws for ws in workbook.worksheets if not ws.title.lower().startswith(SKIPPED_SHEETS)]
        if len(sheets) > MAX_SHEETS:
            problems.add("", None, None, f"The workbook has more than {MAX_SHEETS} sheets of registers.")
            return result
        for ws in sheets:
            try:
                _read_sheet(ctx, problems, ws)
            except Exception:  # a damaged or hostile sheet (defusedxml refuses entities): report, never crash
                logger.warning("Sheet %r of %s could not be read", ws.title, filename, exc_info=True)
                problems.add(
                    ws.title, None, None, "This sheet could not be read. Save the workbook again as .xlsx."
                )
            if ctx.rows > MAX_ROWS:
                break
    finally:
        workbook.close()
    if not result.problems and not ctx.marks:
        problems.add("", None, None, "The file has no marks to import.")
    if result.problems:
        return result
    _save_marks(
        ctx, result, problems, actor=actor, cohort=cohort, filename=filename, dry_run=dry_run, today=today
    )
    return result


def _save_marks(ctx, result, problems, *, actor, cohort, filename, dry_run, today) -> None:
    """Save every register read, in one transaction (rolled back on a dry run or a refused mark)."""
    day_objects = {d.pk: d for d in ctx.days.values()}
    try:
        with transaction.atomic():
            for day_id, marks in sorted(ctx.marks.items(), key=lambda item: day_objects[item[0]].date):
                saved = save_register(
                    actor=actor,
                    day=day_objects[day_id],
                    marks=marks,
                    reason=f"Imported from {filename}"[:200],
                    source=AttendanceMark.Source.IMPORT,
                    today=today,
                )
                result.registers += 1
                result.marks += len(marks)
                result.added += saved.added
                result.corrected += saved.corrected
                result.unchanged += saved.unchanged
            record_event(
                actor=actor,
                action="attendance.imported",
                obj=cohort,
                message=filename[:200],
                after={"registers": result.registers, "marks": result.marks, "dry_run": dry_run},
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except DomainError as exc:
        problems.add("", None, None, str(exc))
        result.registers = result.marks = result.added = result.corrected = result.unchanged = 0
        return
    result.saved = not dry_run


# ---------------------------------------------------------------------------------------------------------
# The template workbook


INSTRUCTIONS = [
    "How to fill in this workbook",
    "",
    "Put each trainee's attendance on the 'Attendance' sheet, one row per trainee per teaching day.",
    "Date: the teaching day (it must be a day in the cohort's schedule that has happened).",
    "Trainee: the trainee's username, as filled in. The Name column is only there to help you read it.",
    "Status: present, late, left early, authorised absence or unauthorised absence.",
    "Minutes missed: only for late or left early (1 to 480).",
    "Note: optional, up to 200 characters. Never identify a patient.",
    "",
    "Instead of one long list you can give each register its own sheet: Date in A1, the day's date in B1, "
    "then the headings Trainee, Status, Minutes missed, Note in row 2 (see the 'Example register' sheet).",
    "Sheets whose names start with 'Instructions' or 'Example' are not imported.",
    "Nothing is saved unless every row is valid; every problem is listed with its sheet, row and column.",
]


def template_workbook(cohort: Cohort, *, today: date | None = None) -> bytes:
    """A workbook showing the layout, listing the cohort's past days whose registers are not yet taken."""
    today = today or timezone.localdate()
    untaken = (
        TeachingDay.objects.filter(cohort=cohort, status=TeachingDay.Status.SCHEDULED, date__lte=today)
        .exclude(marks__isnull=False)
        .select_related("module")
        .order_by("date")
    )
    untaken = list(untaken)
    first_day = untaken[0] if untaken else None
    example_day = (
        first_day or TeachingDay.objects.filter(cohort=cohort, status="scheduled").order_by("date").first()
    )

    def attendance_rows():
        for day in untaken:
            for enrolment in register_enrolments(day):
                yield [day.date, enrolment.user.username, enrolment.user.display_name, None, None, None]

    def example_rows():
        enrolments = list(register_enrolments(example_day))[:3] if example_day else []
        samples = [("present", None, ""), ("late", 20, "Train delayed"), ("authorised absence", None, "")]
        for enrolment, (status, minutes, note) in zip(enrolments, samples, strict=False):
            yield [enrolment.user.username, enrolment.user.display_name, status, minutes, note]

    sheets = [
        Sheet("Instructions", (), ([line] for line in INSTRUCTIONS)),
        Sheet(
            "Attendance",
            ("Date", "Trainee", "Name", "Status", "Minutes missed", "Note"),
            attendance_rows(),
            bold_headers=True,
            date_format=DAY_FORMAT,
        ),
        Sheet(
            "Example register",
            ("Trainee", "Name", "Status", "Minutes missed", "Note"),
            example_rows(),
            preamble=[["Date", example_day.date if example_day else "03/03/2026"]],
            bold_headers=True,
            date_format=DAY_FORMAT,
        ),
    ]
    return render_xlsx("template.xlsx", sheets).content


# ---------------------------------------------------------------------------------------------------------
# Registers read through an import profile (a Moodle attendance export, a student-record register, ...)


WIDE_MAX_COLUMNS = 400  # identity fields, a column per session of the year, summary columns
HEADER_SEARCH_ROWS = 20  # course and group lines come before the heading row


@dataclass
class ProfileImportResult(ImportResult):
    """A register read through a profile: the same outcome (skipped marks and warnings included)."""


def _register_session_date(spec: ProfileSpec, heading) -> date | None:
    if isinstance(heading, datetime):
        return heading.date()
    if isinstance(heading, date):
        return heading
    if not isinstance(heading, str):
        return None
    match = re.match(spec.session_heading, heading)
    if not match:
        return None
    year = int(match["year"])
    if year < 100:
        year += 2000
    # The month as a number, or as a name ("06 Jan 2026 09.30AM", Moodle's English session heading).
    parts = match.groupdict()
    month = (
        _MONTHS.get((parts.get("month_name") or "")[:3].lower()) if not parts.get("month") else parts["month"]
    )
    try:
        return date(year, int(month), int(match["day"]))
    except (TypeError, ValueError):
        return None


_MONTHS = {
    name: n
    for n, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}


def _profile_keys(ctx: _Context, spec: ProfileSpec) -> dict[str, Enrolment]:
    keys = {}
    for enrolment in ctx.enrolments.values():
        if spec.match_by == "student_number":
            key = enrolment.student_number
        elif spec.match_by == "email":
            key = enrolment.user.email
        else:
            key = enrolment.user.username
        if key:
            keys[normalise_code(key)] = enrolment
    return keys


def _find_column(header, headings) -> int | None:
    wanted = {normalise_heading(h) for h in headings}
    for index, cell in enumerate(header):
        if isinstance(cell, str) and normalise_heading(cell) in wanted:
            return index
    return None


def _profile_mark(
    ctx, problems, result, spec, sheet, number, column, day_value, enrolment, label, raw, minutes=0, note=""
):
    """One mark read through a profile: the status through its value map (or skipped, with a reason)."""
    reason = spec.skip_reason("status", raw)
    if reason:
        result.skipped[reason] += 1
        return
    status = spec.map_value("status", raw)
    if status is None and isinstance(raw, str):
        status = spec.map_value("status", raw.split()[0] if raw.split() else "")
    if status is None:
        problems.add(sheet, number, column, f"“{_text(raw)[:30]}” is not a status this profile knows.")
        return
    day, message = _day_problem(ctx, day_value)
    if message:
        problems.add(sheet, number, column, message)
        return
    if (enrolment.route_id, day.module_id) not in ctx.route_modules:
        _not_on_route(result, sheet, number, label, enrolment, day)
        return
    key = (day.pk, enrolment.pk)
    if key in ctx.seen:
        problems.add(sheet, number, column, f"{label} on {long_date(day.date)} is also on {ctx.seen[key]}.")
        return
    ctx.seen[key] = f"sheet “{sheet}” row {number}"
    late_unrecorded = status == AttendanceStatus.LATE and not minutes and spec.late_without_minutes
    mark = MarkInput(status, minutes if status in PART_DAY else 0, note, minutes_not_recorded=late_unrecorded)
    from trainees.attendance.services import check_mark

    message = check_mark(mark)
    if message:
        problems.add(sheet, number, column, message)
        return
    ctx.marks[day.pk][enrolment.pk] = mark
    ctx.rows += 1


def _read_profile_rows(ctx, problems, result, spec, sheet, rows) -> None:
    keys = _profile_keys(ctx, spec)
    student_headings = spec.headings_for("student") or ("Trainee", "Username")
    header, number = None, 0
    for values in rows:
        number += 1
        if _find_column(values, student_headings) is not None:
            header = tuple(values)
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        names = " or ".join(f"“{h}”" for h in student_headings)
        problems.add(sheet, None, None, f"No heading row with a column headed {names} was found.")
        return
    student_col = _find_column(header, student_headings)
    if spec.layout == "wide":
        sessions = {i: d for i, cell in enumerate(header) if (d := _register_session_date(spec, cell))}
        if not sessions:
            problems.add(sheet, number, None, "No column is headed with a session's date and time.")
            return
    else:
        cols = {
            key: _find_column(header, spec.headings_for(key)) for key in ("date", "status", "minutes", "note")
        }
        for key in ("date", "status"):
            if cols[key] is None:
                problems.add(
                    sheet, number, None, f"No column is headed {' or '.join(spec.headings_for(key))}."
                )
        if not problems.result.ok:
            return
    for values in rows:
        number += 1
        if not any(_text(v) for v in values):
            continue
        if ctx.rows > MAX_ROWS:
            problems.add(sheet, number, None, f"The file has more than {MAX_ROWS} marks; split it up.")
            return
        raw_key = values[student_col] if student_col < len(values) else None
        enrolment = keys.get(normalise_code(raw_key))
        label = _text(raw_key)
        if enrolment is None:
            what = "student number" if spec.match_by == "student_number" else spec.match_by
            problems.add(
                sheet, number, student_col, f"No trainee in {ctx.cohort.code} has the {what} “{label}”."
            )
            continue
        if spec.layout == "wide":
            for index, session_date in sessions.items():
                raw = values[index] if index < len(values) else None
                if not _text(raw):
                    continue
                _profile_mark(
                    ctx,
                    problems,
                    result,
                    spec,
                    sheet,
                    number,
                    index,
                    session_date,
                    enrolment,
                    label,
                    _text(raw),
                )
        else:

            def cell(key, values=values):
                index = cols[key]
                return values[index] if index is not None and index < len(values) else None

            day_value = cell("date")
            parsed = spec.parse_date(day_value) if isinstance(day_value, str) else day_value
            minutes_text = _text(cell("minutes"))
            minutes = int(float(minutes_text)) if minutes_text.replace(".", "", 1).isdigit() else 0
            _profile_mark(
                ctx,
                problems,
                result,
                spec,
                sheet,
                number,
                cols["status"],
                parsed if parsed else day_value,
                enrolment,
                label,
                _text(cell("status")),
                minutes,
                _text(cell("note"))[:200],
            )


def import_register_with_profile(
    *,
    actor,
    cohort: Cohort,
    fileobj,
    filename: str,
    profile,
    dry_run: bool = False,
    today: date | None = None,
) -> ProfileImportResult:
    """Check a register file read through `profile` (XLSX, ODS, CSV or text) and, if every mark is valid
    and this is not a dry run, save every register in one transaction."""
    today = today or timezone.localdate()
    spec = profile_spec(profile)
    result = ProfileImportResult(filename=filename, dry_run=dry_run)
    problems = _Problems(result)
    fileobj.seek(0, io.SEEK_END)
    if fileobj.tell() > MAX_FILE_BYTES:
        problems.add("", None, None, f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        return result
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    ctx = _context(cohort, today)
    limits = ContainerLimits(max_entries=MAX_ZIP_ENTRIES, max_uncompressed_bytes=MAX_UNCOMPRESSED_BYTES)
    try:
        kind = table_format(filename, head)
        with open_table(fileobj, kind, container=limits, max_columns=WIDE_MAX_COLUMNS) as (sheet, rows):
            try:
                _read_profile_rows(ctx, problems, result, spec, sheet, iter(rows))
            except TableRefused:
                raise
            except Exception:  # a file damaged part-way: report it, never crash
                logger.warning("Register %s could not be read", filename, exc_info=True)
                problems.add(
                    sheet, None, None, "The file could not be read to the end. Save it again and retry."
                )
    except TableRefused as refused:
        problems.add("", None, None, str(refused))
        return result
    if not result.problems and not ctx.marks:
        problems.add("", None, None, "The file has no marks to import.")
    if result.problems:
        return result
    _save_marks(
        ctx, result, problems, actor=actor, cohort=cohort, filename=filename, dry_run=dry_run, today=today
    )
    return result
