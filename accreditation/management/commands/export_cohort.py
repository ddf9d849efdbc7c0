from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accreditation.services import export_cohort
from curriculum.models import Cohort


class Command(BaseCommand):
    help = (
        "Write a cohort's workbook (summary, training days, competences, supervision, caseload, readiness)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cohort", required=True, help="The cohort's code.")
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write.")
        parser.add_argument(
            "--as-of", dest="as_of", help="The date to report on, YYYY-MM-DD (default today)."
        )

    def handle(self, cohort, output, as_of=None, **options):
        found = Cohort.objects.filter(code=cohort).first()
        if found is None:
            raise CommandError(f"No cohort with the code {cohort!r}.")
        on = date.fromisoformat(as_of) if as_of else timezone.localdate()
        with open(output, "wb") as target:
            rows = export_cohort(actor=None, cohort=found, as_of=on, target=target)
        self.stdout.write(f"Wrote {rows} rows for {found.name} to {output}.")
