"""Time the programme workbook against xlsxwriter writing the same rows by hand, in one run.

Three figures: the whole export (gather each batch of trainees' facts, evaluate the schemes, write the six
sheets through `core.spreadsheets`), the writing alone through `core.spreadsheets` (rows already computed),
and raw xlsxwriter (constant-memory mode, `write_row`) on the same computed rows; with each one's peak
Python memory (tracemalloc) and the query count of the whole export.
"""

import io
import time
import tracemalloc

import xlsxwriter
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accreditation.exports import cohort_sheets, streamed_rows
from accreditation.selectors import programme_enrolments, workbook_batches
from accreditation.services import export_programme
from core.spreadsheets import escape_cell, write_xlsx_stream
from curriculum.models import Programme


def _measure(work):
    tracemalloc.start()
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, elapsed, peak


class Command(BaseCommand):
    help = "Time a programme's workbook against raw xlsxwriter on the same rows (seconds, peak memory)."

    def add_arguments(self, parser):
        parser.add_argument("--programme", default="northvale-pwp")

    def handle(self, *args, programme, **options):
        found = Programme.objects.filter(code=programme).first()
        if found is None:
            raise CommandError(f"No programme with the code {programme!r}.")
        as_of = timezone.localdate()
        export_programme(actor=None, programme=found, as_of=as_of, target=io.BytesIO())  # warm up
        with CaptureQueriesContext(connection) as queries:
            rows, whole, whole_peak = _measure(
                lambda: export_programme(actor=None, programme=found, as_of=as_of, target=io.BytesIO())
            )
        codes, batches = workbook_batches(programme_enrolments(found), as_of)
        computed = list(streamed_rows(batches, codes))
        sheets = cohort_sheets([], codes, cohort_name=found.name)
        _, ours, ours_peak = _measure(lambda: write_xlsx_stream(sheets, iter(computed), io.BytesIO()))

        def raw():
            book = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True, "strings_to_formulas": False})
            worksheets = [book.add_worksheet(sheet.title) for sheet in sheets]
            dates = book.add_format({"num_format": "yyyy-mm-dd"})
            positions = [1] * len(sheets)
            for sheet, worksheet in zip(sheets, worksheets, strict=True):
                worksheet.write_row(0, 0, sheet.headers)
            for index, values in computed:
                worksheets[index].write_row(positions[index], 0, [escape_cell(v) for v in values], dates)
                positions[index] += 1
            book.close()

        _, bare, bare_peak = _measure(raw)
        self.stdout.write(f"{found.name}: {rows:,} rows, {len(queries)} queries for the whole export")
        self.stdout.write(f"{'':<44}{'seconds':>9}{'peak MiB':>10}{'speed vs raw':>14}")
        for label, seconds, peak in (
            ("whole export (facts, schemes, writing)", whole, whole_peak),
            ("writing only, through core.spreadsheets", ours, ours_peak),
            ("raw xlsxwriter, same rows", bare, bare_peak),
        ):
            self.stdout.write(f"{label:<44}{seconds:>9.2f}{peak / 2**20:>10.1f}{bare / seconds:>13.2f}×")
