"""python manage.py import_caseload FILE --trainee USERNAME [--profile CODE] [--scores FILE] [--ends FILE]
[--confirm] [--dry-run]"""

from contextlib import ExitStack
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from trainees.caseload.importer import EXTENSIONS, MAX_UPLOAD_BYTES, run_import_job
from trainees.caseload.services import create_caseload_import
from trainees.imports.selectors import profile_for_service
from trainees.models import ColumnMapping, Enrolment


class Command(BaseCommand):
    help = (
        "Import a trainee's contacts from a service's clinical-system export (.xlsx, .ods, .csv, or "
        "tab-separated .tsv or .txt), read through an import profile (--profile). Nothing is saved unless "
        "every row is valid; every problem is listed with its sheet, row and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export: .xlsx, .ods, .csv, or tab-separated .tsv/.txt.")
        parser.add_argument("--trainee", required=True, help="The trainee's username.")
        parser.add_argument(
            "--profile", help="An import profile's code, for example talking-therapies-v2 (see README)."
        )
        parser.add_argument(
            "--scores", help="A companion file of coded scores (the profile says its columns)."
        )
        parser.add_argument(
            "--ends",
            help="A companion file of referral ends (IDS101: the referral, its discharge date and ending "
            "code), which closes the trainee's matching cases.",
        )
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="Import even if the file would take the trainee far beyond their caseload ramp.",
        )
        parser.add_argument("--mapping", help="A column mapping saved for the trainee's employing service.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report, saving nothing."
        )

    def handle(
        self,
        *args,
        file,
        trainee,
        mapping=None,
        profile=None,
        scores=None,
        ends=None,
        confirm=False,
        dry_run=False,
        **options,
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        kind = EXTENSIONS.get(path.suffix.lower())
        if kind is None:
            raise CommandError("The file must be .xlsx, .ods, .csv, .tsv or .txt.")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        user = User.objects.filter(username=trainee).first()
        if user is None:
            raise CommandError(f"No user is called {trainee}.")
        enrolment = (
            Enrolment.objects.with_people()
            .filter(user=user)
            .exclude(status=Enrolment.Status.WITHDRAWN)
            .order_by("-start_date")
            .first()
        )
        if enrolment is None:
            raise CommandError(f"{trainee} is not enrolled on any programme.")
        chosen = None
        if mapping:
            chosen = ColumnMapping.objects.filter(service=enrolment.employing_service, name=mapping).first()
            if chosen is None:
                names = ", ".join(
                    ColumnMapping.objects.filter(service=enrolment.employing_service).values_list(
                        "name", flat=True
                    )
                )
                raise CommandError(
                    f"{enrolment.employing_service} has no column mapping called “{mapping}”. "
                    + (f"Saved mappings: {names}." if names else "It has no saved mappings.")
                )
        chosen_profile = None
        if profile:
            chosen_profile = profile_for_service(enrolment.employing_service, code=profile, kind="caseload")
            if chosen_profile is None:
                raise CommandError(f"There is no caseload import profile “{profile}” for this service.")
        companions = {}
        for option, value in (("scores", scores), ("ends", ends)):
            if value:
                companion = Path(value)
                if not companion.is_file():
                    raise CommandError(f"No such file: {companion}")
                companions[option] = companion
        # Run from the command line by someone with the server's keys: no person in the product to name.
        job = create_caseload_import(
            actor=None,
            enrolment=enrolment,
            mapping=chosen,
            profile=chosen_profile,
            original_name=path.name,
            file_format=kind,
            dry_run=dry_run,
        )
        with ExitStack() as stack:
            handle = stack.enter_context(path.open("rb"))
            opened = {
                f"{option}_file": stack.enter_context(companion.open("rb"))
                for option, companion in companions.items()
            }
            names = {f"{option}_name": companion.name for option, companion in companions.items()}
            result = run_import_job(job, handle, confirmed=confirm, **opened, **names)
        for warning in result.warnings:
            self.stderr.write("Warning: " + warning)
        for problem in result.errors:
            self.stderr.write(str(problem))
        if result.error_count > len(result.errors):
            self.stderr.write(f"... and {result.error_count - len(result.errors)} more problems.")
        if not result.ok or result.needs_confirmation:
            raise CommandError(
                result.summary() + (" Run again with --confirm." if result.needs_confirmation else "")
            )
        self.stdout.write(self.style.SUCCESS(result.summary()))
