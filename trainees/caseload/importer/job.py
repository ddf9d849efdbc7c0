"""The import as a whole: stream the rows through the checker and, in batches, the writer, all in one
transaction (rolled back on any problem or a dry run); then the queued job that records the outcome."""

import csv
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from datetime import date

from defusedxml import DefusedXmlException
from django.core.files.storage import default_storage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from accounts.services import record_event
from trainees.caseload.importer import limits
from trainees.caseload.importer.columns import is_blank
from trainees.caseload.importer.ends import EndsReader
from trainees.caseload.importer.problems import FileRefused, ImportResult, RowProblem
from trainees.caseload.importer.reading import file_format, open_rows
from trainees.caseload.importer.rows import ParsedRow, RowChecker
from trainees.caseload.importer.saving import ContactWriter
from trainees.caseload.importer.scores import ScoreReader
from trainees.caseload.services import lock_enrolment
from trainees.enrolment.versions import bump_records_version
from trainees.imports.profiles import ProfileSpec, profile_spec
from trainees.models import CaseloadImport, ColumnMapping, Contact, Enrolment


class Importer:
    """One file's import: rows are checked one by one and written a batch at a time (constant memory)."""

    def __init__(
        self,
        *,
        enrolment: Enrolment,
        job: CaseloadImport,
        headings: dict[str, str],
        today: date,
        spec: ProfileSpec | None = None,
    ):
        self.result = ImportResult(dry_run=job.dry_run)
        self.checker = RowChecker(
            enrolment=enrolment, headings=headings, today=today, result=self.result, spec=spec
        )
        self.writer = ContactWriter(
            enrolment=enrolment, job=job, result=self.result, where=self.checker.where
        )

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
        if not self.checker.match_headings(sheet, tuple(header)[: limits.MAX_COLUMNS]):
            return self.result
        number = 1
        batch: list[ParsedRow] = []
        while (cells := self._next(sheet, iterator, number + 1)) is not None:
            number += 1
            if all(is_blank(c) for c in cells):
                continue
            self.result.rows_read += 1
            if self.result.rows_read > limits.MAX_ROWS:
                self.result.add(
                    RowProblem(sheet, number, "", "", f"The file has more than {limits.MAX_ROWS:,} rows.")
                )
                self.result.stopped_early = True
                break
            parsed = self.checker.parse(sheet, number, cells)
            if parsed is not None:
                batch.append(parsed)
            if len(batch) >= limits.BATCH_SIZE:
                self.writer.flush(sheet, batch)
                batch = []
            if self.result.error_count >= limits.MAX_ERRORS_COUNTED:
                self.result.stopped_early = True
                break
        self.writer.flush(sheet, batch)
        if self.result.ok:
            self.writer.settle_cases()
        return self.result


def mapping_headings(mapping: ColumnMapping | None) -> dict[str, str]:
    return dict(mapping.headings) if mapping else {}


# A file that would take a trainee this many times beyond the patients their ramp expects for the year is
# probably a whole team's extract: the person is asked to confirm before anything is saved.
PLAUSIBLE_TIMES_EXPECTED = 3


def _plausibility(enrolment: Enrolment, today: date) -> str:
    from trainees.caseload.selectors import caseload_figures

    figures = caseload_figures(enrolment, on=today)
    expected = max(round(figures.expected_year_total), 1)
    patients = Contact.objects.filter(case__enrolment=enrolment).values("case_id").distinct().count()
    if patients > PLAUSIBLE_TIMES_EXPECTED * expected:
        return (
            f"This file would give the trainee {patients:,} patients against {expected:,} expected by their "
            "caseload ramp. Check that it holds only their contacts (or that the trainee's staff identifier "
            "is right), then confirm to import it."
        )
    return ""


def import_rows(
    *,
    actor,
    enrolment: Enrolment,
    job: CaseloadImport,
    sheet: str,
    rows: Iterable[Sequence],
    today: date | None = None,
    scores=None,
    ends=None,
    confirmed: bool = True,
) -> ImportResult:
    """Import already-read rows (headings first) in one transaction: all of them, or none. `scores` and
    `ends` are optional companion files, each `(sheet, rows)`, read after the contacts: a Talking Therapies
    coded-scores table, and its referral ends (which close cases through the caseload service)."""
    today = today or timezone.localdate()
    spec = profile_spec(job.profile) if job.profile_id else None
    importer = Importer(
        enrolment=enrolment,
        job=job,
        headings={} if spec else mapping_headings(job.mapping),
        today=today,
        spec=spec,
    )
    with transaction.atomic():
        lock_enrolment(enrolment)
        result = importer.run(sheet, rows)
        if result.ok and scores is not None:
            ScoreReader(enrolment=enrolment, spec=spec, result=result).run(*scores)
        if result.ok and ends is not None:
            EndsReader(actor=actor, enrolment=enrolment, spec=spec, result=result, today=today).run(*ends)
        if result.ok and not confirmed:
            result.needs_confirmation = _plausibility(enrolment, today)
        if result.ok and not job.dry_run and not result.needs_confirmation:
            bump_records_version(enrolment)  # once for the whole file
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
                    "updated": result.updated,
                    "scores": result.scores_updated,
                    "cases_closed": result.cases_closed,
                    "skipped": dict(result.skipped),
                },
            )
            result.saved = True
        else:
            transaction.set_rollback(True)
    return result


def _companion(stack: ExitStack, fileobj, name: str):
    """A companion file's `(sheet or file name, rows)`, opened for the length of the import."""
    if fileobj is None:
        return None
    head = fileobj.read(8)
    fileobj.seek(0)
    sheet, rows = stack.enter_context(open_rows(fileobj, file_format(name, head)))
    return name or sheet, rows


def import_caseload(
    *,
    actor,
    enrolment: Enrolment,
    job: CaseloadImport,
    fileobj,
    today: date | None = None,
    scores_file=None,
    scores_name: str = "",
    ends_file=None,
    ends_name: str = "",
    confirmed: bool = True,
) -> ImportResult:
    """Read a file (XLSX, ODS, CSV or tab-separated text) and import it in one transaction, with optional
    companion files (coded scores, referral ends). A file refused as a whole becomes a result with one
    problem (and nothing saved), so callers handle a single kind of outcome."""
    try:
        head = fileobj.read(8)
        fileobj.seek(0)
        kind = file_format(job.original_name, head)
        with ExitStack() as stack:
            sheet, rows = stack.enter_context(open_rows(fileobj, kind))
            return import_rows(
                actor=actor,
                enrolment=enrolment,
                job=job,
                sheet=sheet,
                rows=rows,
                today=today,
                scores=_companion(stack, scores_file, scores_name),
                ends=_companion(stack, ends_file, ends_name),
                confirmed=confirmed,
            )
    except FileRefused as refused:
        result = ImportResult(dry_run=job.dry_run)
        result.add(RowProblem("", None, "", "", str(refused)))
        return result


# --- jobs ------------------------------------------------------------------------------------------


def run_import_job(
    job: CaseloadImport,
    fileobj,
    *,
    actor=None,
    today: date | None = None,
    scores_file=None,
    scores_name: str = "",
    ends_file=None,
    ends_name: str = "",
    confirmed: bool = True,
) -> ImportResult:
    """Run a queued import and record its outcome on the job row (outside the import's transaction).

    Unless `confirmed`, a file that looks implausible (far beyond the trainee's ramp) is checked but not
    saved: the job waits for a person to confirm it (`Status.AWAITING`), with the reason among its
    warnings. A dry run only warns."""
    started = time.monotonic()
    CaseloadImport.objects.filter(pk=job.pk).update(status=CaseloadImport.Status.RUNNING)
    enrolment = Enrolment.objects.select_related("employing_service").get(pk=job.enrolment_id)
    result = import_caseload(
        actor=actor or job.requested_by,
        enrolment=enrolment,
        job=job,
        fileobj=fileobj,
        today=today,
        scores_file=scores_file,
        scores_name=scores_name,
        ends_file=ends_file,
        ends_name=ends_name,
        confirmed=confirmed,
    )
    if not result.ok:
        job.status = CaseloadImport.Status.REJECTED
    elif result.needs_confirmation and not job.dry_run:
        job.status = CaseloadImport.Status.AWAITING
    elif job.dry_run:
        job.status = CaseloadImport.Status.CHECKED
    else:
        job.status = CaseloadImport.Status.IMPORTED
    job.sheet = result.sheet[:100]
    job.rows_read = result.rows_read
    job.contacts_created = result.contacts_created
    job.cases_created = result.cases_created
    job.duplicates = result.duplicates
    job.updated = result.updated
    job.cases_closed = result.cases_closed
    job.skipped = dict(result.skipped)
    job.warnings = result.warnings + ([result.needs_confirmation] if result.needs_confirmation else [])
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
            "updated",
            "cases_closed",
            "skipped",
            "warnings",
            "error_count",
            "errors",
            "message",
            "seconds",
            "finished_at",
        ]
    )
    return result


@task
def run_caseload_import(job_id: int, confirmed: bool = False) -> str:
    """Background task: import a stored upload, then delete the file, unless the file looked implausible
    and waits for a person to confirm it (the confirmation queues this task again, `confirmed`)."""
    job = CaseloadImport.objects.select_related("mapping", "profile", "requested_by").get(pk=job_id)
    keep = False
    try:
        with ExitStack() as stack:
            stored = stack.enter_context(default_storage.open(job.stored_name, "rb"))
            companions = {}
            for kind, part in job.companions.items():  # a coded scores file, a referral ends file
                companions[f"{kind}_file"] = stack.enter_context(default_storage.open(part["stored"], "rb"))
                companions[f"{kind}_name"] = part["name"]
            run_import_job(job, stored, confirmed=confirmed, **companions)
        keep = job.status == CaseloadImport.Status.AWAITING
    except Exception:
        CaseloadImport.objects.filter(pk=job.pk).update(
            status=CaseloadImport.Status.FAILED,
            message="The import stopped unexpectedly. Nothing was saved; please try again.",
            finished_at=timezone.now(),
        )
        raise
    finally:
        if job.stored_name and not keep:
            for name in [job.stored_name, *(part["stored"] for part in job.companions.values())]:
                default_storage.delete(name)
            CaseloadImport.objects.filter(pk=job.pk).update(stored_name="", companions={})
    return job.status
