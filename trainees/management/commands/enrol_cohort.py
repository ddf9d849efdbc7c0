from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from curriculum.models import Cohort
from trainees.enrolment.intake import HEADINGS, IntakeRefused, run_intake


class Command(BaseCommand):
    help = (
        "Enrol a cohort's trainees, with their supervisors, from one CSV or Excel file (headings: "
        + ", ".join(HEADINGS)
        + "). People without an account get one and an e-mailed invitation. Nothing is saved unless the "
        "whole file is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The .csv or .xlsx file")
        parser.add_argument("--cohort", required=True, help="The cohort's code, for example nv-cohort-3")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; save nothing.")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="The programme administrator the audit trail records as enrolling everyone",
        )

    def handle(self, *args, file: Path, cohort: str, dry_run: bool, username: str, **options):
        cohort_obj = Cohort.objects.filter(code=cohort).select_related("programme__edition").first()
        if cohort_obj is None:
            raise CommandError(f"There is no cohort with the code {cohort}.")
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"There is no user called {username}.")
        if not file.exists():
            raise CommandError(f"There is no file {file}.")
        with file.open("rb") as handle:
            try:
                result = run_intake(
                    actor=actor, cohort=cohort_obj, fileobj=handle, filename=file.name, save=not dry_run
                )
            except IntakeRefused as error:
                raise CommandError(str(error)) from error
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(result.problems)} problem(s) in {file.name}; nothing was saved.")
        summary = (
            f"{len(result.created)} new trainee account(s), {len(result.matched)} existing, "
            f"{len(result.new_supervisors)} new supervisor account(s)"
        )
        if dry_run:
            self.stdout.write(f"Checked {len(result.rows)} row(s): {summary}. Nothing saved (dry run).")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Enrolled {len(result.rows)} on {cohort_obj.code}: {summary}.")
            )
