from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accreditation.services import export_programme
from curriculum.models import Programme


class Command(BaseCommand):
    help = (
        "Write a programme's workbook: every cohort's trainees in the cohort workbook's sheets (summary, "
        "training days, competences, supervision, caseload, readiness), for returns."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="The programme's code.")
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write.")
        parser.add_argument(
            "--as-of", dest="as_of", help="The date to report on, YYYY-MM-DD (default today)."
        )

    def handle(self, programme, output, as_of=None, **options):
        found = Programme.objects.filter(code=programme).first()
        if found is None:
            raise CommandError(f"No programme with the code {programme!r}.")
        on = date.fromisoformat(as_of) if as_of else timezone.localdate()
        with open(output, "wb") as target:
            rows = export_programme(actor=None, programme=found, as_of=on, target=target)
        self.stdout.write(f"Wrote {rows} rows for {found.name} to {output}.")
