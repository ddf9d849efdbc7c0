from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.services import record_event
from assessments.selectors import cohort_competence_grid, grid_sheet_rows
from core.spreadsheets import Sheet, write_xlsx
from curriculum.models import Cohort


class Command(BaseCommand):
    help = "Write a cohort's competence grid (trainees against competences) to an XLSX workbook."

    def add_arguments(self, parser):
        parser.add_argument("--cohort", required=True, help="The cohort's code, e.g. nv-cohort-3.")
        parser.add_argument("-o", "--output", required=True, help="Where to write the workbook (.xlsx).")

    def handle(self, *args, cohort, output, **options):
        found = Cohort.objects.select_related("programme").filter(code=cohort).first()
        if found is None:
            raise CommandError(f"No cohort has the code {cohort!r}.")
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("The output file must end in .xlsx.")
        competences, rows = cohort_competence_grid(found)
        header, sheet_rows = grid_sheet_rows(competences, rows)
        write_xlsx([Sheet(f"Competences {found.code}", header, sheet_rows)], path)
        record_event(
            actor=None,
            action="competences.exported",
            obj=found,
            message=f"{len(rows)} trainees to {path.name} (management command)",
            after={"rows": len(rows)},
        )
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {len(rows)} trainees × {len(competences)} competences to {path}")
        )
