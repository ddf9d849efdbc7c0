"""Time the programme workbook against xlsxwriter writing the same rows by hand, in one run.

Three figures: the whole export (gather each batch of trainees' facts, evaluate the schemes, write the six
sheets through `core.spreadsheets`), the writing alone through `core.spreadsheets` (rows already computed),
and raw xlsxwriter (constant-memory mode, `write_row`) on the same computed rows; with each one's peak
Python memory (tracemalloc) and the query count of the whole export.

Seconds are the median of `--runs` rounds, the three taken in turn in each round, so a shared machine's
drift touches all three alike. Peak memory is taken in one more, separate run of each under tracemalloc:
tracing slows Python several times over but not the database, so timing under it would flatter the export.
"""

import io
import resource
import statistics
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


def _peak(work) -> int:
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def _seconds(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


class Command(BaseCommand):
    help = "Time a programme's workbook against raw xlsxwriter on the same rows (seconds, peak memory)."

    def add_arguments(self, parser):
        parser.add_argument("--programme", default="northvale-pwp")
        parser.add_argument("--runs", type=int, default=5, help="rounds timed (the median is printed)")

    def handle(self, *args, programme, runs, **options):
        found = Programme.objects.filter(code=programme).first()
        if found is None:
            raise CommandError(f"No programme with the code {programme!r}.")
        as_of = timezone.localdate()

        def whole():
            return export_programme(actor=None, programme=found, as_of=as_of, target=io.BytesIO())

        whole()  # warm up
        with CaptureQueriesContext(connection) as queries:
            rows = whole()
        codes, batches = workbook_batches(programme_enrolments(found), as_of)
        computed = list(streamed_rows(batches, codes))
        sheets = cohort_sheets([], codes, cohort_name=found.name)

        def ours():
            write_xlsx_stream(sheets, iter(computed), io.BytesIO())

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

        works = {"whole": whole, "ours": ours, "raw": raw}
        timings = {name: [] for name in works}
        for _ in range(max(runs, 1)):
            for name, work in works.items():
                timings[name].append(_seconds(work))
        seconds = {name: statistics.median(values) for name, values in timings.items()}
        peaks = {name: _peak(work) for name, work in works.items()}
        bare = seconds["raw"]
        self.stdout.write(f"{found.name}: {rows:,} rows, {len(queries)} queries for the whole export")
        self.stdout.write(f"{'':<44}{'seconds':>9}{'peak MiB':>10}{'speed vs raw':>14}")
        for name, label in (
            ("whole", "whole export (facts, schemes, writing)"),
            ("ours", "writing only, through core.spreadsheets"),
            ("raw", "raw xlsxwriter, same rows"),
        ):
            self.stdout.write(
                f"{label:<44}{seconds[name]:>9.2f}{peaks[name] / 2**20:>10.1f}{bare / seconds[name]:>13.2f}×"
            )
        self.stdout.write(
            f"median of {max(runs, 1)} rounds; process peak resident memory "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (rows computed up front "
            "for the two writing runs included)"
        )
