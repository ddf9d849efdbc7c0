from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from curriculum.models import Cohort
from trainees.attendance.importer import import_attendance, import_register_with_profile
from trainees.imports.selectors import profile_for_service


class Command(BaseCommand):
    help = (
        "Import registers for a cohort from an Excel workbook (one long sheet of date, trainee and status, "
        "or one sheet per register), or from any file a register import profile reads (--profile: a Moodle "
        "attendance export, a student-record register). Nothing is saved unless the whole file is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", type=Path, help="The register: .xlsx (or .ods, .csv, .tsv, .txt with --profile)"
        )
        parser.add_argument(
            "--profile", help="A register import profile's code, for example moodle-attendance"
        )
        parser.add_argument("--cohort", required=True, help="The cohort's code, for example nv-cohort-3")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; save nothing.")
        parser.add_argument("--as", dest="username", help="Record the marks as taken by this user")

    def handle(
        self, *args, file: Path, cohort: str, dry_run: bool, username: str | None, profile=None, **options
    ):
        cohort_obj = Cohort.objects.filter(code=cohort).select_related("programme").first()
        if cohort_obj is None:
            raise CommandError(f"There is no cohort with the code {cohort}.")
        actor = None
        if username:
            actor = User.objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"There is no user called {username}.")
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        chosen = None
        if profile and profile != "standard-register":
            chosen = profile_for_service(cohort_obj.programme.hei, code=profile, kind="register")
            if chosen is None:
                raise CommandError(f"There is no register import profile “{profile}” for this programme.")
        with file.open("rb") as handle:
            if chosen is None:
                result = import_attendance(
                    actor=actor, cohort=cohort_obj, fileobj=handle, filename=file.name, dry_run=dry_run
                )
            else:
                result = import_register_with_profile(
                    actor=actor,
                    cohort=cohort_obj,
                    fileobj=handle,
                    filename=file.name,
                    profile=chosen,
                    dry_run=dry_run,
                )
        for warning in getattr(result, "warnings", ()):
            self.stderr.write("Warning: " + warning)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            if result.more_problems:
                self.stderr.write(f"... and {result.more_problems} more problems.")
            raise CommandError(f"{file.name}: nothing was saved because of the problems above.")
        prefix = "Dry run, nothing saved: " if dry_run else "Saved: "
        self.stdout.write(self.style.SUCCESS(prefix + result.summary()))
