"""Benchmark the caseload importer: rows per second and peak memory as the file grows.

    python manage.py bench_caseload_import                      # 10,000 and 100,000 rows, CSV and Excel
    python manage.py bench_caseload_import --rows 100000 --format csv

Each size is imported twice into a throwaway trainee inside a transaction that is rolled back, so the
database is left as it was: once for speed (rows per second), once under tracemalloc for the peak memory
the import itself allocates (the file is written beforehand). Constant memory means the peak stays flat as
the rows grow tenfold. Needs the reference data (python manage.py load_reference_data).
"""

import csv
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries, transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Organisation, User
from curriculum.models import Cohort, CurriculumEdition, Programme, Route
from trainees.caseload.importer import FIELDS, import_caseload
from trainees.caseload.services import create_caseload_import
from trainees.models import Enrolment

CONTACTS = [
    ("Assessment", "Telephone", "", 45),
    ("Treatment", "Telephone", "Behavioural activation", 30),
    ("Treatment", "Video", "Problem solving", 30),
    ("Treatment", "Telephone", "Cognitive restructuring", 30),
    ("Discharge", "Telephone", "", 30, "Discharged"),
]


def bench_rows(count: int, today):
    """`count` contact rows, five per patient, spread over the last year, in date order per patient."""
    for n in range(count):
        patient, step = divmod(n, len(CONTACTS))
        first = today - timedelta(days=360 - patient % 300)
        kind, mode, intervention, minutes, *outcome = CONTACTS[step]
        day = first + timedelta(days=14 * step)
        yield [
            f"BENCH-{patient:07d}",
            day.isoformat(),
            kind,
            mode,
            intervention,
            minutes,
            max(20 - 3 * step, 0),
            max(15 - 2 * step, 0),
            max(25 - 4 * step, 0),
            outcome[0] if outcome else "",
            "depression",
        ]


def write_file(path: Path, kind: str, count: int, today) -> None:
    headings = [f.label for f in FIELDS]
    if kind == "csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(headings)
            writer.writerows(bench_rows(count, today))
        return
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Contacts")
    sheet.append(headings)
    for row in bench_rows(count, today):
        sheet.append(row)
    workbook.save(path)


class Command(BaseCommand):
    help = "Measure the caseload importer's rows per second and peak memory for growing files."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
        parser.add_argument("--format", nargs="+", choices=["csv", "xlsx"], default=["csv", "xlsx"])
        parser.add_argument("--no-memory", action="store_true", help="Skip the tracemalloc run.")

    def handle(self, *args, rows, format, no_memory=False, **options):
        edition = CurriculumEdition.objects.filter(is_current=True).first()
        if edition is None:
            raise CommandError("Load the reference data first: python manage.py load_reference_data")
        today = timezone.localdate()
        results = []
        with tempfile.TemporaryDirectory() as folder, override_settings(DEBUG=False):
            for kind in format:
                for count in rows:
                    path = Path(folder) / f"bench-{count}.{kind}"
                    started = time.monotonic()
                    write_file(path, kind, count, today)
                    self.stdout.write(
                        f"Wrote {count:,} rows as {kind} ({path.stat().st_size / 1e6:.1f} MB) "
                        f"in {time.monotonic() - started:.1f} s"
                    )
                    seconds, created, _ = self.run_once(edition, path, today, memory=False)
                    peak = None
                    if not no_memory:
                        _, _, peak = self.run_once(edition, path, today, memory=True)
                    results.append((kind, count, seconds, created, peak))
                    self.stdout.write("  " + self.line(kind, count, seconds, created, peak))
                    self.stdout.flush()
        self.stdout.write("")
        self.stdout.write(f"{'format':<6} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'peak MiB':>9}")
        for result in results:
            self.stdout.write(self.line(*result))
        for kind in format:
            peaks = [(count, peak) for k, count, _, _, peak in results if k == kind and peak]
            if len(peaks) >= 2:
                (small, small_peak), (big, big_peak) = peaks[0], peaks[-1]
                self.stdout.write(
                    f"{kind}: {big / small:.0f}x the rows took {big_peak / small_peak:.2f}x the peak memory"
                )

    def line(self, kind, count, seconds, created, peak) -> str:
        peak_text = "–" if peak is None else f"{peak / 2**20:.1f}"
        missing = "" if created == count else f"  (only {created:,} contacts created)"
        return f"{kind:<6} {count:>9,} {seconds:>8.1f} {count / seconds:>9,.0f} {peak_text:>9}{missing}"

    def run_once(self, edition, path: Path, today, *, memory: bool):
        """Import the file for a throwaway trainee, then roll everything back."""
        with transaction.atomic():
            enrolment = self.throwaway_enrolment(edition, today)
            job = create_caseload_import(
                actor=None,
                enrolment=enrolment,
                mapping=None,
                original_name=path.name,
                file_format=path.suffix.lstrip("."),
                dry_run=False,
            )
            reset_queries()
            if memory:
                tracemalloc.start()
            started = time.monotonic()
            with path.open("rb") as handle:
                result = import_caseload(
                    actor=None, enrolment=enrolment, job=job, fileobj=handle, today=today
                )
            seconds = time.monotonic() - started
            peak = None
            if memory:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            if not result.ok:
                raise CommandError(
                    "The benchmark file was refused: " + "; ".join(map(str, result.errors[:3]))
                )
            transaction.set_rollback(True)
        return seconds, result.contacts_created, peak

    def throwaway_enrolment(self, edition, today) -> Enrolment:
        hei = Organisation.objects.create(code="bench-hei", name="Benchmark HEI", kind=Organisation.Kind.HEI)
        service = Organisation.objects.create(
            code="bench-service", name="Benchmark service", kind=Organisation.Kind.SERVICE
        )
        programme = Programme.objects.create(
            code="bench-programme", name="Benchmark", hei=hei, award="pgcert", level=7, edition=edition
        )
        start = today - timedelta(days=400)
        cohort = Cohort.objects.create(
            programme=programme, code="bench-cohort", name="Benchmark", intake="Benchmark", start_date=start
        )
        user = User.objects.create(username="bench-trainee")
        return Enrolment.objects.create(
            user=user,
            cohort=cohort,
            route=Route.objects.get(edition=edition, code="standard"),
            start_date=start,
            employing_service=service,
        )
