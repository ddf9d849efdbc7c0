"""Benchmark the import profiles: rows per second for each profile beside the work that cannot be avoided,
measured in the same run (a raw read of the same file, and for caseload files a raw `bulk_create` of the same
contacts already validated), and the peak memory of a profile import as the file grows.

    python manage.py bench_import_profiles                       # 10,000 and 100,000 rows
    python manage.py bench_import_profiles --rows 100000 --profiles talking-therapies-v2

Each file is written first, then read raw (csv.reader for text, openpyxl read_only for .xlsx, the shared
reader for .ods: just the cells, nothing checked), then imported through its profile for a throwaway trainee
or cohort inside a transaction that is rolled back, so the database is left as it was. For a caseload file,
the contacts the import created are then read back, deleted, and written again by one plain
`Contact.objects.bulk_create` (Django's default batch size) in the same transaction: the least a save of the
same rows costs. "vs floor" is the slower of the raw read and the raw bulk_create divided by the import's
time (1.0 would be an import that costs no more than the slower of the two; the target is 0.5 or better).
Needs the reference data (python manage.py load_reference_data). Registers are capped at 20,000 marks a
file, so their files are sized to a large cohort's year rather than to --rows.
"""

import csv
import statistics
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from core.spreadsheets import ContainerLimits, open_table
from curriculum.models import CurriculumEdition, Module, Route
from trainees.attendance.importer import import_register_with_profile
from trainees.caseload.importer import import_caseload
from trainees.caseload.services import create_caseload_import
from trainees.management.commands.bench_caseload_import import Command as CaseloadBench
from trainees.models import Contact, Enrolment, ImportProfile, TeachingDay

# The reference Talking Therapies profile maps no intervention codes (README): the benchmark's copy adds
# two placeholders, as a service adds its own.
BA, PS = "1000000000000001", "1000000000000002"
IDS201 = [
    "LocalPatientId",
    "ServiceRequestId",
    "CareContactId",
    "CareContDate",
    "AppType",
    "ConsMechanism",
    "AttendOrDNACode",
    "ClinContDurOfCareCont",
    "CodeProcAndProcStatus",
    "CarePersLocalId",
]
LEGACY = [
    "Appointment ID",
    "Referral ID",
    "Appointment Date",
    "Appointment Type",
    "Contact Method",
    "Attendance",
    "Duration",
    "Therapy",
    "PHQ9",
    "GAD7",
    "WSAS",
    "Clinician Code",
]
LIMITS = ContainerLimits(max_entries=200, max_uncompressed_bytes=2_000_000_000)


def tt_rows(count, today):
    """Care contacts, five a referral over ten weeks; about one in eight not attended, one in ten another
    practitioner's."""
    for n in range(count):
        referral, step = divmod(n, 5)
        day = today - timedelta(days=360 - referral % 280 - 14 * step)
        attended = "3" if n % 8 == 7 else "5"
        who = "PWP007" if referral % 10 == 9 else "PWP042"
        kind = "01" if step == 0 else "02"
        code = "" if step == 0 else f"{BA if referral % 2 else PS}:385658003"
        yield [
            "",
            f"SR-{referral:07d}",
            f"CC-{n:08d}",
            day.isoformat(),
            kind,
            "02",
            attended,
            45 if step == 0 else 30,
            code,
            who,
        ]


def legacy_rows(count, today):
    for n in range(count):
        referral, step = divmod(n, 5)
        day = today - timedelta(days=360 - referral % 280 - 14 * step)
        yield [
            f"A{n}",
            f"R-{referral:07d}",
            day.strftime("%d/%m/%Y"),
            "1" if step == 0 else "2",
            "2",
            "3" if n % 8 == 7 else "5",
            "30",
            "" if step == 0 else "Behavioural activation",
            max(20 - 3 * step, 0),
            max(15 - 2 * step, 0),
            max(25 - 4 * step, 0),
            "C42",
        ]


class Command(BaseCommand):
    help = "Rows per second for each import profile beside a raw read of the same file, and peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
        parser.add_argument(
            "--profiles",
            nargs="+",
            default=[
                "talking-therapies-v2",
                "appointments-legacy",
                "moodle-attendance",
                "student-record-register",
            ],
        )
        parser.add_argument("--no-memory", action="store_true", help="Skip the tracemalloc runs.")
        parser.add_argument(
            "--runs", type=int, default=3, help="rounds of read, import and bulk_create (medians printed)"
        )

    def handle(self, *args, rows, profiles, no_memory=False, runs=3, **options):
        edition = CurriculumEdition.objects.filter(is_current=True).first()
        if edition is None or not ImportProfile.objects.filter(code="talking-therapies-v2").exists():
            raise CommandError("Load the reference data first: python manage.py load_reference_data")
        today = timezone.localdate()
        lines = []
        with tempfile.TemporaryDirectory() as folder, override_settings(DEBUG=False):
            for code in profiles:
                sizes = rows if code in ("talking-therapies-v2", "appointments-legacy") else [1_000, 10_000]
                peaks = []
                for count in sizes:
                    path, written = self.write(Path(folder), code, count, today)
                    # Each round reads, imports and bulk-creates in turn, so a shared machine's drift touches
                    # all three alike; the medians are printed.
                    rounds = [
                        (self.raw_read(path), *self.import_once(edition, code, path, today, memory=False))
                        for _ in range(max(runs, 1))
                    ]
                    raw = statistics.median(r[0] for r in rounds)
                    seconds = statistics.median(r[1] for r in rounds)
                    peak = None
                    bulk = None
                    if rounds[0][3] is not None:
                        bulk = (statistics.median(r[3][0] for r in rounds), rounds[0][3][1])
                    if not no_memory:
                        _, peak, _ = self.import_once(edition, code, path, today, memory=True)
                        peaks.append((count, peak))
                    # The ratio is taken within each round (read, import and save side by side), then the
                    # median of the rounds. Registers have no bulk_create baseline yet: no ratio for them.
                    against_floor = "–"
                    if bulk is not None:
                        against_floor = f"{statistics.median(max(r[0], r[3][0]) / r[1] for r in rounds):.2f}"
                    line = (
                        f"{code:<24} {path.suffix:<5} {written:>9,} {written / raw:>12,.0f} "
                        + ("–".rjust(12) if bulk is None else f"{bulk[1] / bulk[0]:>12,.0f}")
                        + f" {written / seconds:>12,.0f} {against_floor:>9} "
                        + ("–" if peak is None else f"{peak / 2**20:>8.1f}")
                    )
                    lines.append(line)
                    self.stdout.write(line)
                    self.stdout.flush()
                if len(peaks) >= 2 and peaks[0][1]:
                    (small, a), (big, b) = peaks[0], peaks[-1]
                    lines.append(f"{code}: {big / small:.0f}x the rows took {b / a:.2f}x the peak memory")
        self.stdout.write("")
        self.stdout.write(
            f"{'profile':<24} {'file':<5} {'rows':>9} {'read rows/s':>12} {'bulk rows/s':>12} "
            f"{'import rows/s':>12} {'vs floor':>9} {'peak MiB':>8}"
        )
        for line in lines:
            self.stdout.write(line)

    # files

    def write(self, folder: Path, code: str, count: int, today):
        if code == "talking-therapies-v2":
            path = folder / f"ids201-{count}.csv"
            self._text(path, [IDS201, *tt_rows(count, today)], ",")
        elif code == "appointments-legacy":
            path = folder / f"appointments-{count}.txt"
            self._text(path, [LEGACY, *legacy_rows(count, today)], "\t", encoding="cp1252")
        elif code == "moodle-attendance":
            days, students = self.register_shape(count)
            path = folder / f"moodle-{count}.txt"
            heading = (
                ["ID number", "First name", "Surname"]
                + [f"{self.day(today, d):%d.%m.%y} 09:30" for d in range(days)]
                + ["P", "L", "E", "A", "Taken sessions", "Points", "Percentage"]
            )
            marks = "PPPLPPEPPA"
            body = [
                [f"S{s:05d}", "First", "Last"]
                + [marks[(s + d) % 10] for d in range(days)]
                + [0, 0, 0, 0, days, "", ""]
                for s in range(students)
            ]
            self._text(path, [["Course: Benchmark"], ["Group: All participants"], [], heading, *body], "\t")
        else:
            days, students = self.register_shape(count)
            path = folder / f"register-{count}.csv"
            words = ["Present", "Present", "Late", "Present", "Absent", "Excused"]
            body = [
                [f"S{s:05d}", f"{self.day(today, d):%d/%m/%Y}", words[(s + d) % 6]]
                for d in range(days)
                for s in range(students)
            ]
            self._text(path, [["Student Number", "Event Date", "Mark"], *body], ",")
        return path, (count if code in ("talking-therapies-v2", "appointments-legacy") else days * students)

    @staticmethod
    def register_shape(count):
        days = 25
        return days, max(count // days, 1)

    @staticmethod
    def day(today, n):
        return today - timedelta(days=300 - 7 * n)

    @staticmethod
    def _text(path, rows, delimiter, encoding="utf-8"):
        with path.open("w", newline="", encoding=encoding) as handle:
            csv.writer(handle, delimiter=delimiter).writerows(rows)

    def raw_read(self, path: Path) -> float:
        """Seconds to read every cell of the file with no checks at all."""
        started = time.monotonic()
        kind = {".csv": "csv", ".txt": "tsv", ".xlsx": "xlsx", ".ods": "ods"}[path.suffix]
        if kind in ("csv", "tsv"):
            with path.open(newline="", encoding="utf-8" if kind == "csv" else "cp1252") as handle:
                for _ in csv.reader(handle, delimiter="," if kind == "csv" else "\t"):
                    pass
        else:
            with (
                path.open("rb") as handle,
                open_table(handle, kind, container=LIMITS, max_columns=400) as (_, r),
            ):
                for _ in r:
                    pass
        return max(time.monotonic() - started, 1e-6)

    # imports

    def import_once(self, edition, code, path, today, *, memory):
        with transaction.atomic():
            caseload = code in ("talking-therapies-v2", "appointments-legacy")
            # Set up the throwaway trainee or cohort first; only the import itself is timed and measured.
            run = (
                self.caseload(edition, code, path, today)
                if caseload
                else self.register(edition, code, path, today)
            )
            if memory:
                tracemalloc.start()
            started = time.monotonic()
            result = run()
            seconds = time.monotonic() - started
            ok, problems = result.ok, (result.errors if caseload else result.problems)
            peak = None
            if memory:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            if not ok:
                raise CommandError(
                    f"{code}: the benchmark file was refused: " + "; ".join(map(str, problems[:3]))
                )
            bulk = None if memory or not caseload else self.raw_bulk_create(run.job)
            transaction.set_rollback(True)
        return seconds, peak, bulk

    @staticmethod
    def raw_bulk_create(job):
        """(seconds, contacts) for one plain bulk_create of the contacts the import just made, read back
        and deleted first: the same rows, already validated, into the same cases and indexes."""
        fields = [f.attname for f in Contact._meta.concrete_fields if not f.primary_key]
        imported = Contact.objects.filter(imported_by=job)
        rows = list(imported.order_by("pk").values(*fields))
        imported.delete()
        started = time.monotonic()
        Contact.objects.bulk_create([Contact(**row) for row in rows])
        return max(time.monotonic() - started, 1e-6), len(rows)

    def caseload(self, edition, code, path, today):
        enrolment = CaseloadBench().throwaway_enrolment(edition, today)
        enrolment.service_staff_id = "PWP042" if code == "talking-therapies-v2" else "C42"
        enrolment.save(update_fields=["service_staff_id"])
        reference = ImportProfile.objects.get(code=code)
        spec = dict(reference.spec)
        if code == "talking-therapies-v2":
            spec["values"] = {
                **spec["values"],
                "intervention": {BA: "behavioural-activation", PS: "problem-solving"},
            }
        profile = ImportProfile.objects.create(
            code="bench-profile",
            name="Benchmark",
            kind="caseload",
            spec=spec,
            owner=enrolment.employing_service,
        )
        job = create_caseload_import(
            actor=None,
            enrolment=enrolment,
            mapping=None,
            profile=profile,
            original_name=path.name,
            file_format=path.suffix.lstrip("."),
            dry_run=False,
        )

        def run():
            with path.open("rb") as handle:
                return import_caseload(actor=None, enrolment=enrolment, job=job, fileobj=handle, today=today)

        run.job = job
        return run

    def register(self, edition, code, path, today):
        from accounts.models import User

        base = CaseloadBench().throwaway_enrolment(edition, today)
        cohort = base.cohort
        days, students = self.register_shape(20_000)
        module = Module.objects.get(edition=edition, number=1)
        TeachingDay.objects.bulk_create(
            TeachingDay(cohort=cohort, module=module, date=self.day(today, d)) for d in range(days)
        )
        route = Route.objects.get(edition=edition, code="standard")
        users = User.objects.bulk_create(User(username=f"bench-{s}") for s in range(students))
        Enrolment.objects.bulk_create(
            Enrolment(
                user=u,
                cohort=cohort,
                route=route,
                start_date=base.start_date,
                employing_service=base.employing_service,
                student_number=f"S{s:05d}",
            )
            for s, u in enumerate(users)
        )
        profile = ImportProfile.objects.get(code=code)

        def run():
            with path.open("rb") as handle:
                return import_register_with_profile(
                    actor=None,
                    cohort=cohort,
                    fileobj=handle,
                    filename=path.name,
                    profile=profile,
                    today=today,
                )

        return run
