"""Benchmark an intake from one file: queries per batch and peak memory as the file grows.

    python manage.py bench_intake                 # 250, 1,000 and 4,000 trainees
    python manage.py bench_intake --rows 1000

Each size is enrolled into a throwaway cohort inside a transaction that is rolled back (so no e-mail is
sent and the database is left as it was), with every query counted and tracemalloc measuring the peak
memory the intake itself allocates. Constant queries per batch means the count grows by the same amount for
each further batch of BATCH_SIZE rows. Needs the reference data (python manage.py load_reference_data).
"""

import csv
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from accounts.models import Organisation, OrganisationMembership, User
from curriculum.models import Cohort, CurriculumEdition, Programme
from trainees.enrolment import intake


def write_file(path: Path, count: int, today) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(intake.HEADINGS)
        for n in range(count):
            writer.writerow(
                [
                    f"Bench{n}",
                    "Trainee",
                    f"bench.trainee{n}@example.nhs.uk",
                    f"B{n:07d}",
                    "standard",
                    "bench-service",
                    "",
                    today.isoformat(),
                    "4",
                    f"bench.cm{n % 40}@example.nhs.uk",
                    f"bench.cs{n % 40}@example.nhs.uk",
                ]
            )


class Command(BaseCommand):
    help = "Measure an intake's queries per batch and peak memory for growing files."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, nargs="+", default=[250, 1_000, 4_000])

    def handle(self, *args, rows, **options):
        edition = CurriculumEdition.objects.filter(is_current=True).first()
        if edition is None:
            raise CommandError("Load the reference data first: python manage.py load_reference_data")
        today = timezone.localdate()
        self.stdout.write(f"batch size {intake.BATCH_SIZE}")
        self.stdout.write(f"{'rows':>6} {'batches':>8} {'queries':>8} {'seconds':>8} {'peak MiB':>9}")
        # DEBUG off: Django's query log would otherwise keep every statement and grow with the file.
        with tempfile.TemporaryDirectory() as folder, override_settings(DEBUG=False):
            for count in rows:
                path = Path(folder) / f"intake-{count}.csv"
                write_file(path, count, today)
                batches, queries, seconds, _ = self.run_once(edition, path, today, memory=False)
                *_, peak = self.run_once(edition, path, today, memory=True)
                self.stdout.write(
                    f"{count:>6,} {batches:>8} {queries:>8} {seconds:>8.1f} {peak / 2**20:>9.1f}"
                )

    def run_once(self, edition, path: Path, today, *, memory: bool):
        """Queries and time without tracemalloc (which slows Python down); peak memory without the query log
        (which keeps every statement's text)."""
        with transaction.atomic():
            hei = Organisation.objects.create(
                code="bench-hei", name="Benchmark HEI", kind=Organisation.Kind.HEI
            )
            Organisation.objects.create(
                code="bench-service", name="Benchmark service", kind=Organisation.Kind.SERVICE
            )
            programme = Programme.objects.create(
                code="bench-programme", name="Benchmark", hei=hei, award="pgcert", level=7, edition=edition
            )
            cohort = Cohort.objects.create(
                programme=programme,
                code="bench-cohort",
                name="Benchmark",
                intake="Benchmark",
                start_date=today,
            )
            actor = User.objects.create(username="bench-admin")
            OrganisationMembership.objects.create(
                user=actor, organisation=hei, role=OrganisationMembership.Role.ADMINISTRATOR
            )
            peak = count = 0
            started = time.monotonic()
            with path.open("rb") as handle:
                if memory:
                    tracemalloc.start()
                    result = intake.run_intake(
                        actor=actor, cohort=cohort, fileobj=handle, filename=path.name, save=True
                    )
                    peak = tracemalloc.get_traced_memory()[1]
                    tracemalloc.stop()
                else:
                    with CaptureQueriesContext(connection) as captured:
                        result = intake.run_intake(
                            actor=actor, cohort=cohort, fileobj=handle, filename=path.name, save=True
                        )
                    count = len(captured)
            seconds = time.monotonic() - started
            if not result.saved:
                raise CommandError(
                    "The benchmark file was refused: " + "; ".join(map(str, result.problems[:3]))
                )
            transaction.set_rollback(True)
        return result.batches, count, seconds, peak
