"""Import contacts from a service's clinical-system export (CSV or Excel workbook).

Safety (shared/quality.md): the file type must match its magic bytes; a workbook's zip directory is checked
(entry count, total uncompressed size, compression ratio) before openpyxl opens it, and then only in
`read_only` mode with defusedxml installed (openpyxl uses it automatically); rows, columns, cell length and
the number of reported problems are capped.

All or nothing: the whole file is read inside one transaction; if any row has a problem, or on a dry run,
the transaction is rolled back and nothing is saved. Every problem names the sheet, row, column and reason.

Constant memory: rows are streamed and written in batches of `BATCH_SIZE`; known cases sit in a bounded
LRU cache; a case's opening and closing dates are settled at the end by set-based SQL, not in Python.

A row whose case reference, date and type are already recorded is recognised and skipped (counted as a
duplicate), so importing the same export twice changes nothing.
"""

import csv
import io
import math
import re
import time
import zipfile
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse as _defused_iterparse
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max, Min, OuterRef, Q, Subquery
from django.tasks import task
from django.utils import timezone
from openpyxl.utils import get_column_letter

from accounts.services import record_event
from curriculum.models import Intervention
from trainees.caseload.services import clean_case_reference, contact_problems, lock_enrolment
from trainees.deidentify import identifying_reason
from trainees.models import Case, CaseloadImport, ColumnMapping, Contact, Enrolment

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_ZIP_ENTRIES = 200
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200  # a zip bomb is thousands to one; a real worksheet is about ten to one
MAX_ROWS = 200_000
MAX_COLUMNS = 60
MAX_CELL_CHARACTERS = 500
MAX_ERRORS_KEPT = 500  # reported in full
MAX_ERRORS_COUNTED = 5_000  # after this, stop reading: the file needs fixing first
BATCH_SIZE = 1_000
CASE_CACHE_SIZE = 4_096

XLSX_MAGIC = b"PK\x03\x04"
EXTENSIONS = {".csv": CaseloadImport.Format.CSV, ".xlsx": CaseloadImport.Format.XLSX}


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
)
FIELDS_BY_CODE = {f.code: f for f in FIELDS}


def normalise_heading(text) -> str:
    return (
        re.sub(r"[\s_\-]+", " ", str(text).strip().lower()).replace("phq 9", "phq9").replace("gad 7", "gad7")
    )


def _normalise_value(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def _choices(choices, extra: dict[str, str]) -> dict[str, str]:
    table = {}
    for code, label in choices:
        table[_normalise_value(code)] = code
        table[_normalise_value(label)] = code
    table.update({_normalise_value(k): v for k, v in extra.items()})
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


# --- problems --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """One problem in the file: where it is, and why, in words."""

    sheet: str
    row: int | None
    column: str  # a spreadsheet column letter ("C"), or "" when the problem is the whole file or row
    heading: str
    reason: str

    def __str__(self):
        where = [f"sheet “{self.sheet}”"] if self.sheet else []
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}" + (f" ({self.heading})" if self.heading else ""))
        place = ", ".join(where)
        return (place[:1].upper() + place[1:] + ": " if place else "") + self.reason

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "heading": self.heading,
            "reason": self.reason,
        }


class FileRefused(Exception):
    """The file as a whole cannot be read safely (wrong type, too big, a zip bomb, not a workbook)."""


@dataclass
class ImportResult:
    sheet: str = ""
    dry_run: bool = False
    rows_read: int = 0
    contacts_created: int = 0
    cases_created: int = 0
    duplicates: int = 0
    error_count: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    stopped_early: bool = False
    saved: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, problem: RowProblem) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(problem)

    def summary(self) -> str:
        if not self.ok:
            more = " Checking stopped early." if self.stopped_early else ""
            return (
                f"Nothing was imported: {self.error_count} problem{'s' if self.error_count != 1 else ''} "
                f"in {self.rows_read} rows.{more}"
            )
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.rows_read} rows read: {self.contacts_created} new contacts and {self.cases_created} new "
            f"cases {verb} saved; {self.duplicates} rows {verb} skipped as already recorded."
        )


# --- reading cells ---------------------------------------------------------------------------------


class CellProblem(Exception):
    pass


def _shown(value) -> str:
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


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise CellProblem(f"{_shown(value)} is not text.")
    text = str(value)
    if len(text) > MAX_CELL_CHARACTERS:
        raise CellProblem(f"The cell is longer than {MAX_CELL_CHARACTERS} characters.")
    return text


def _choice(value, table: dict[str, str], expected: str) -> str:
    text = _text(value)
    code = table.get(_normalise_value(text))
    if code is None:
        raise CellProblem(f"{_shown(text)} is not recognised: use {expected}.")
    return code


_DATE_FORMATS = ("%d %B %Y", "%d %b %Y")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?")
_UK_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def _date(value) -> date:
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
    raise CellProblem(f"{_shown(value)} is not a date: use a date cell, 2026-03-14 or 14/03/2026.")


def _integer(value) -> int:
    if isinstance(value, bool):
        raise CellProblem("A true/false value is not a whole number.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal):
        if not (math.isfinite(value) and value == int(value)):
            raise CellProblem(f"{_shown(value)} is not a whole number.")
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{1,6}(\.0+)?\s*", value):
        number = int(float(value))
    else:
        raise CellProblem(f"{_shown(value)} is not a whole number.")
    return number


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


# --- the importer ----------------------------------------------------------------------------------


@dataclass
class _CaseState:
    pk: int
    closed_on: date | None


class _Importer:
    def __init__(self, *, enrolment: Enrolment, job: CaseloadImport, headings: dict[str, str], today: date):
        self.enrolment = enrolment
        self.service_id = enrolment.employing_service_id
        self.job = job
        self.headings = headings
        self.today = today
        self.result = ImportResult(dry_run=job.dry_run)
        self.cases: OrderedDict[str, _CaseState] = OrderedDict()
        self.interventions = {}
        for intervention in Intervention.objects.all():
            self.interventions[_normalise_value(intervention.code)] = intervention
            self.interventions[_normalise_value(intervention.name)] = intervention
        self.columns: dict[str, int] = {}
        self.column_headings: dict[str, str] = {}
        self.batch: list[ParsedRow] = []
        self.readers = {
            "case_reference": lambda v: clean_case_reference(_text(v)),
            "date": _date,
            "type": lambda v: _choice(v, TYPE_VALUES, "assessment, treatment, review or discharge"),
            "mode": lambda v: _choice(
                v, MODE_VALUES, "face to face, telephone, video, online, group or computerised CBT"
            ),
            "intervention": self._intervention,
            "minutes": _integer,
            "phq9": _integer,
            "gad7": _integer,
            "wsas": _integer,
            "outcome": lambda v: _choice(
                v, OUTCOME_VALUES, "stepped up, stepped down, discharged or dropped out"
            ),
            "presenting_problem": lambda v: _choice(
                v, PROBLEM_VALUES, "depression, generalised anxiety, panic, ..."
            ),
        }

    # headings

    def match_headings(self, sheet: str, header: Sequence) -> bool:
        found: dict[str, int] = {}
        for index, cell in enumerate(header):
            if _is_blank(cell):
                continue
            key = normalise_heading(cell) if isinstance(cell, str | int | float) else ""
            if key in found:
                self.result.add(
                    RowProblem(
                        sheet, 1, get_column_letter(index + 1), str(cell)[:60], "This heading appears twice."
                    )
                )
            found.setdefault(key, index)
        for f in FIELDS:
            wanted = self.headings.get(f.code)
            candidates = [wanted] if wanted else [f.label, f.code]
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
        return self.result.ok

    def _where(self, sheet: str, row: int, code: str, reason: str) -> RowProblem:
        index = self.columns.get(code)
        column = get_column_letter(index + 1) if index is not None else ""
        return RowProblem(sheet, row, column, self.column_headings.get(code, ""), reason)

    # rows

    def parse(self, sheet: str, number: int, cells: Sequence) -> ParsedRow | None:
        values, problems = {}, []

        def cell(code):
            index = self.columns.get(code)
            return cells[index] if index is not None and index < len(cells) else None

        readers = self.readers
        for f in FIELDS:
            raw = cell(f.code)
            if _is_blank(raw):
                if f.required:
                    problems.append(self._where(sheet, number, f.code, f"The {f.label.lower()} is missing."))
                values[f.code] = None
                continue
            try:
                values[f.code] = readers[f.code](raw)
            except CellProblem as error:
                problems.append(self._where(sheet, number, f.code, str(error)))
            except Exception as error:  # noqa: BLE001 - a ValidationError from the de-identification checks
                messages = getattr(error, "messages", None) or ["This value cannot be read."]
                problems.append(self._where(sheet, number, f.code, " ".join(messages)))
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
                problems.append(self._where(sheet, number, code, reason))
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
        )

    def _intervention(self, value) -> Intervention:
        text = _text(value)
        intervention = self.interventions.get(_normalise_value(text))
        if intervention is None:
            raise CellProblem(f"{_shown(text)} is not one of the curriculum's interventions.")
        return intervention

    # cases

    def _remember(self, reference: str, state: _CaseState) -> None:
        self.cases[reference] = state
        self.cases.move_to_end(reference)
        while len(self.cases) > CASE_CACHE_SIZE:
            self.cases.popitem(last=False)

    def _known_cases(self, references: set[str]) -> dict[str, _CaseState]:
        known = {}
        missing = set()
        for reference in references:
            state = self.cases.get(reference)
            if state is None:
                missing.add(reference)
            else:
                self.cases.move_to_end(reference)
                known[reference] = state
        if missing:
            for pk, reference, closed_on in (
                Case.objects.filter(
                    enrolment=self.enrolment, service_id=self.service_id, reference__in=missing
                )
                .order_by()
                .values_list("pk", "reference", "closed_on")
            ):
                known[reference] = _CaseState(pk, closed_on)
                self._remember(reference, known[reference])
        return known

    # batches

    def flush(self, sheet: str) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        known = self._known_cases({row.reference for row in batch})
        writable = []
        for row in batch:
            state = known.get(row.reference)
            if state and state.closed_on and row.date > state.closed_on:
                self.result.add(
                    self._where(
                        sheet,
                        row.row,
                        "date",
                        f"Case {row.reference} was closed on {state.closed_on:%d %B %Y}; this contact is "
                        "later. A patient who comes back is given a new case reference by the service.",
                    )
                )
            else:
                writable.append(row)
        if not self.result.ok:
            return  # keep checking the rest of the file, but write nothing more: it will all be rolled back
        self._write(writable, known)

    def _write(self, rows: list[ParsedRow], known: dict[str, _CaseState]) -> None:
        new_cases = {}
        for row in rows:
            if row.reference not in known:
                case = new_cases.get(row.reference)
                if case is None:
                    new_cases[row.reference] = Case(
                        enrolment=self.enrolment,
                        service_id=self.service_id,
                        reference=row.reference,
                        opened_on=row.date,
                        presenting_problem=row.presenting_problem,
                    )
                else:
                    case.opened_on = min(case.opened_on, row.date)
                    case.presenting_problem = case.presenting_problem or row.presenting_problem
        if new_cases:
            for case in new_cases.values():
                case.clean_fields(exclude=["enrolment", "service"])
            Case.objects.bulk_create(new_cases.values())
            self.result.cases_created += len(new_cases)
            for reference, case in new_cases.items():
                known[reference] = _CaseState(case.pk, None)
                self._remember(reference, known[reference])
        case_ids = {known[row.reference].pk for row in rows}
        existing = set(
            Contact.objects.filter(
                case_id__in=case_ids,
                date__gte=min(row.date for row in rows),
                date__lte=max(row.date for row in rows),
            )
            .order_by()
            .values_list("case_id", "date", "type")
        )
        contacts = []
        problems: dict[str, set[int]] = {}
        for row in rows:
            case_id = known[row.reference].pk
            key = (case_id, row.date, row.type)
            if key in existing:
                self.result.duplicates += 1
                continue
            existing.add(key)
            contacts.append(
                Contact(
                    case_id=case_id,
                    date=row.date,
                    type=row.type,
                    mode=row.mode,
                    intervention=row.intervention,
                    minutes=row.minutes,
                    phq9=row.phq9,
                    gad7=row.gad7,
                    wsas=row.wsas,
                    outcome=row.outcome,
                    source=Contact.Source.IMPORTED,
                    imported_by=self.job,
                    recorded_by_id=self.job.requested_by_id,
                )
            )
            if row.presenting_problem and row.reference not in new_cases:
                problems.setdefault(row.presenting_problem, set()).add(case_id)
        Contact.objects.bulk_create(contacts)
        self.result.contacts_created += len(contacts)
        for problem, ids in problems.items():
            Case.objects.filter(pk__in=ids, presenting_problem="").update(presenting_problem=problem)

    def settle_cases(self) -> None:
        """Open each case on its earliest contact, and close an open case whose latest contact is a
        discharge or has an outcome: set-based SQL over the cases this import touched."""
        touched = Case.objects.filter(
            pk__in=Contact.objects.filter(imported_by=self.job).values("case_id").distinct()
        )
        contacts = Contact.objects.filter(case=OuterRef("pk")).order_by().values("case")
        earliest = Subquery(contacts.annotate(d=Min("date")).values("d")[:1])
        latest = Subquery(contacts.annotate(d=Max("date")).values("d")[:1])
        closing = Subquery(
            contacts.filter(Q(type=Contact.Type.DISCHARGE) | ~Q(outcome=""))
            .annotate(d=Max("date"))
            .values("d")[:1]
        )
        touched.alias(earliest=earliest).filter(opened_on__gt=F("earliest")).update(opened_on=earliest)
        touched.filter(status=Case.Status.OPEN).alias(closing=closing, latest=latest).filter(
            closing__gte=F("latest")
        ).update(status=Case.Status.CLOSED, closed_on=closing)

    def _next(self, sheet: str, iterator: Iterator[Sequence], number: int) -> Sequence | None:
        """The next row, or None at the end. A reader failing part-way (bad bytes, a damaged or unsafe
        worksheet) becomes a problem at that row, so the import is refused rather than cut short."""
        try:
            return next(iterator)
        except StopIteration:
            return None
        except (csv.Error, UnicodeDecodeError) as error:
            reason = f"The file cannot be read from here on ({error})."
        except DefusedXmlException:
            reason = "The worksheet contains XML that is refused for safety (entities or a DTD)."
        except Exception:  # noqa: BLE001 - openpyxl's XML reader raises many kinds for a damaged worksheet
            reason = "The worksheet is damaged from here on and cannot be read."
        self.result.add(RowProblem(sheet, number, "", "", reason))
        self.result.stopped_early = True
        return None

    def run(self, sheet: str, rows: Iterable[Sequence]) -> ImportResult:
        self.result.sheet = sheet
        iterator = iter(rows)
        header = self._next(sheet, iterator, 1)
        if header is None:
            if self.result.ok:
                self.result.add(
                    RowProblem(sheet, None, "", "", "The file is empty: it needs a row of headings.")
                )
            return self.result
        if not self.match_headings(sheet, tuple(header)[:MAX_COLUMNS]):
            return self.result
        number = 1
        while (cells := self._next(sheet, iterator, number + 1)) is not None:
            number += 1
            if all(_is_blank(c) for c in cells):
                continue
            self.result.rows_read += 1
            if self.result.rows_read > MAX_ROWS:
                self.result.add(
                    RowProblem(sheet, number, "", "", f"The file has more than {MAX_ROWS:,} rows.")
                )
                self.result.stopped_early = True
                break
            parsed = self.parse(sheet, number, cells)
            if parsed is not None:
                self.batch.append(parsed)
            if len(self.batch) >= BATCH_SIZE:
                self.flush(sheet)
            if self.result.error_count >= MAX_ERRORS_COUNTED:
                self.result.stopped_early = True
                break
        self.flush(sheet)
        if self.result.ok:
            self.settle_cases()
        return self.result


def mapping_headings(mapping: ColumnMapping | None) -> dict[str, str]:
    return dict(mapping.headings) if mapping else {}


def import_rows(
    *,
    actor,
    enrolment: Enrolment,
    job: CaseloadImport,
    sheet: str,
    rows: Iterable[Sequence],
    today: date | None = None,
) -> ImportResult:
    """Import already-read rows (headings first) in one transaction: all of them, or none."""
    importer = _Importer(
        enrolment=enrolment,
        job=job,
        headings=mapping_headings(job.mapping),
        today=today or timezone.localdate(),
    )
    with transaction.atomic():
        lock_enrolment(enrolment)
        result = importer.run(sheet, rows)
        if result.ok and not job.dry_run:
            record_event(
                actor=actor,
                action="caseload.imported",
                obj=enrolment,
                message=f"{job.original_name} ({job.mapping_name or 'standard headings'})",
                after={
                    "rows": result.rows_read,
                    "contacts_created": result.contacts_created,
                    "cases_created": result.cases_created,
                    "duplicates": result.duplicates,
                },
            )
            result.saved = True
        else:
            transaction.set_rollback(True)
    return result


# --- files -----------------------------------------------------------------------------------------


def file_format(filename: str, head: bytes) -> str:
    """The format from the extension, refused unless the content's first bytes agree."""
    extension = PurePath(filename).suffix.lower()
    kind = EXTENSIONS.get(extension)
    if kind is None:
        raise FileRefused("Upload a CSV file (.csv) or an Excel workbook (.xlsx).")
    if kind == CaseloadImport.Format.XLSX and not head.startswith(XLSX_MAGIC):
        raise FileRefused("The file is named .xlsx but is not an Excel workbook.")
    if kind == CaseloadImport.Format.CSV and (head.startswith(XLSX_MAGIC) or b"\x00" in head):
        raise FileRefused("The file is named .csv but is not a text file.")
    return kind


def check_workbook_zip(fileobj) -> None:
    """Read the zip directory (not the contents) and refuse anything that could exhaust memory or disk."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise FileRefused("The workbook is damaged and cannot be opened.") from error
    if len(entries) > MAX_ZIP_ENTRIES:
        raise FileRefused(f"The workbook has {len(entries)} parts; at most {MAX_ZIP_ENTRIES} are allowed.")
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise FileRefused(
            f"The workbook unpacks to {total // 1_000_000} MB; "
            f"at most {MAX_UNCOMPRESSED_BYTES // 1_000_000} MB is allowed."
        )
    for entry in entries:
        if entry.file_size > 1_000_000 and entry.file_size > MAX_COMPRESSION_RATIO * max(
            entry.compress_size, 1
        ):
            raise FileRefused(
                "The workbook is compressed far more than a real spreadsheet: refused for safety."
            )
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileRefused("The file is a zip archive but not an Excel workbook.")
    fileobj.seek(0)


_SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PRUNED_TAGS = {f"{_SPREADSHEET_NS}row", f"{_SPREADSHEET_NS}si"}


def _pruning_iterparse(source, events=None, **kwargs):
    """defusedxml's iterparse, as openpyxl calls it, except that each finished <row> (and shared-string
    <si>) is dropped from the tree once openpyxl has read it. openpyxl only empties them, so the emptied
    elements pile up under <sheetData>, about a hundred bytes a row: memory would grow with the rows."""
    if events is not None:
        yield from _defused_iterparse(source, events=events, **kwargs)
        return
    parents = []
    for event, element in _defused_iterparse(source, events=("start", "end"), **kwargs):
        if event == "start":
            parents.append(element)
            continue
        parents.pop()
        yield event, element
        if element.tag in _PRUNED_TAGS and parents:
            parents[-1].remove(element)


@contextmanager
def _openpyxl_pruning_rows():
    """Give openpyxl's worksheet and shared-string readers the pruning iterparse while a workbook is read.
    It parses exactly as the stock one does, so another thread reading a workbook meanwhile is unaffected."""
    from openpyxl.reader import strings
    from openpyxl.worksheet import _reader

    saved = _reader.iterparse, strings.iterparse
    _reader.iterparse = strings.iterparse = _pruning_iterparse
    try:
        yield
    finally:
        _reader.iterparse, strings.iterparse = saved


@contextmanager
def open_rows(fileobj, kind: str) -> Iterator[tuple[str, Iterator[Sequence]]]:
    """(sheet name, rows) from a CSV file or the first worksheet of a workbook, streamed."""
    if kind == CaseloadImport.Format.XLSX:
        with _openpyxl_pruning_rows(), _open_workbook_rows(fileobj) as opened:
            yield opened
        return
    with _open_csv_rows(fileobj) as opened:
        yield opened


@contextmanager
def _open_workbook_rows(fileobj):
    from openpyxl import load_workbook

    check_workbook_zip(fileobj)
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a malformed workbook
        if isinstance(error, DefusedXmlException) or isinstance(error.__cause__, DefusedXmlException):
            raise FileRefused(
                "The workbook contains XML that is refused for safety (entities or a DTD)."
            ) from error
        raise FileRefused("The workbook cannot be read. Save it again from Excel as .xlsx.") from error
    try:
        if not workbook.worksheets:
            raise FileRefused("The workbook has no worksheet.")
        sheet = workbook.worksheets[0]
        yield sheet.title, sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    finally:
        workbook.close()


@contextmanager
def _open_csv_rows(fileobj):
    head = fileobj.read(65_536)
    fileobj.seek(0)
    if b"\x00" in head:
        raise FileRefused("The file is named .csv but is not a text file.")
    try:
        head.decode("utf-8")
        encoding, errors = "utf-8-sig", "strict"
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of a full sample is still UTF-8; otherwise the file
        # is in the Windows encoding Excel uses for CSV.
        cut = len(head) == 65_536 and error.start >= len(head) - 3
        encoding, errors = ("utf-8-sig", "strict") if cut else ("cp1252", "replace")
    text = io.TextIOWrapper(fileobj, encoding=encoding, errors=errors, newline="")
    try:
        try:
            sample = text.read(8_192)
        except UnicodeDecodeError:
            sample = ""
        text.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        yield "CSV", csv.reader(text, dialect)
    finally:
        text.detach()


def import_caseload(
    *, actor, enrolment: Enrolment, job: CaseloadImport, fileobj, today: date | None = None
) -> ImportResult:
    """Read a CSV file or workbook and import it in one transaction. A file refused as a whole becomes a
    result with one problem (and nothing saved), so callers handle a single kind of outcome."""
    try:
        head = fileobj.read(8)
        fileobj.seek(0)
        kind = file_format(job.original_name, head)
        with open_rows(fileobj, kind) as (sheet, rows):
            return import_rows(actor=actor, enrolment=enrolment, job=job, sheet=sheet, rows=rows, today=today)
    except FileRefused as refused:
        result = ImportResult(dry_run=job.dry_run)
        result.add(RowProblem("", None, "", "", str(refused)))
        return result


# --- jobs ------------------------------------------------------------------------------------------


def run_import_job(job: CaseloadImport, fileobj, *, actor=None, today: date | None = None) -> ImportResult:
    """Run a queued import and record its outcome on the job row (outside the import's transaction)."""
    started = time.monotonic()
    CaseloadImport.objects.filter(pk=job.pk).update(status=CaseloadImport.Status.RUNNING)
    enrolment = Enrolment.objects.select_related("employing_service").get(pk=job.enrolment_id)
    result = import_caseload(
        actor=actor or job.requested_by, enrolment=enrolment, job=job, fileobj=fileobj, today=today
    )
    if not result.ok:
        job.status = CaseloadImport.Status.REJECTED
    elif job.dry_run:
        job.status = CaseloadImport.Status.CHECKED
    else:
        job.status = CaseloadImport.Status.IMPORTED
    job.sheet = result.sheet[:100]
    job.rows_read = result.rows_read
    job.contacts_created = result.contacts_created
    job.cases_created = result.cases_created
    job.duplicates = result.duplicates
    job.error_count = result.error_count
    job.errors = [problem.as_dict() for problem in result.errors]
    job.message = result.summary()[:300]
    job.seconds = round(time.monotonic() - started, 3)
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "sheet",
            "rows_read",
            "contacts_created",
            "cases_created",
            "duplicates",
            "error_count",
            "errors",
            "message",
            "seconds",
            "finished_at",
        ]
    )
    return result


@task
def run_caseload_import(job_id: int) -> str:
    """Background task: import a stored upload, then delete the file whatever happens."""
    job = CaseloadImport.objects.select_related("mapping", "requested_by").get(pk=job_id)
    try:
        with default_storage.open(job.stored_name, "rb") as stored:
            run_import_job(job, stored)
    except Exception:
        CaseloadImport.objects.filter(pk=job.pk).update(
            status=CaseloadImport.Status.FAILED,
            message="The import stopped unexpectedly. Nothing was saved; please try again.",
            finished_at=timezone.now(),
        )
        raise
    finally:
        if job.stored_name:
            default_storage.delete(job.stored_name)
            CaseloadImport.objects.filter(pk=job.pk).update(stored_name="")
    return job.status
