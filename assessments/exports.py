"""One export contract, reusable by any area: an exporter yields rows once; these renderers turn them into
XLSX (openpyxl `write_only`, constant memory) or CSV, escaping cells a spreadsheet would run as a formula.

    sheets = [Sheet("Competences", ["Trainee", "Status"], rows_iterator)]
    write_xlsx("out.xlsx", sheets)                       # a path or a binary file object
    export = render_xlsx("competences.xlsx", sheets)     # ExportFile(filename, content_type, content)
    return download(export)                              # an attachment response, nosniff
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# Spreadsheets read a cell starting with one of these as a formula (or DDE): OWASP "CSV injection".
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]  # consumed once


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def escape_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; other values pass through.
    Aware datetimes become local naive ones (Excel has no time zones)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of [ ] : * ? / \\."""
    return _BAD_TITLE.sub(" ", title).strip()[:31] or "Sheet"


def write_xlsx(target, sheets: Iterable[Sheet]) -> None:
    """Write the sheets to `target` (a path or a binary file object), streaming rows (openpyxl write_only)."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet_title(sheet.title))
        worksheet.append([escape_cell(cell) for cell in sheet.header])
        for row in sheet.rows:
            worksheet.append([escape_cell(cell) for cell in row])
    workbook.save(target)


def render_xlsx(filename: str, sheets: Iterable[Sheet]) -> ExportFile:
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    return ExportFile(filename, XLSX_CONTENT_TYPE, buffer.getvalue())


def render_csv(filename: str, sheet: Sheet) -> ExportFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([escape_cell(cell) for cell in sheet.header])
    for row in sheet.rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return ExportFile(filename, CSV_CONTENT_TYPE, buffer.getvalue().encode("utf-8-sig"))


def download(export: ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
