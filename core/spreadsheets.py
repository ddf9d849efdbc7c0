"""One spreadsheet layer under every domain app (model: pretix's `base/exporter.py`).

An exporter describes its sheets (title, headings, rows read once); the renderers here turn them into XLSX
(xlsxwriter's constant-memory mode: each row goes to disk as the next starts) or CSV, escaping every cell
a spreadsheet would run as a formula; `download` sends any export as an attachment. Uploaded workbooks pass
`check_zip_container` before any XML is parsed. `write_xlsx_stream` writes several sheets from one stream of
rows, so an export can compute a batch of trainees, write its rows to every sheet and forget it.

    sheets = [Sheet("Competences", ["Trainee", "Status"], rows_iterator)]
    write_xlsx(sheets, "out.xlsx")                       # a path or a binary file object
    export = render_xlsx("competences.xlsx", sheets)     # ExportFile(filename, content_type, content)
    return download(export)                              # an attachment response, nosniff, not cached

Nothing here knows about trainees, cohorts or competences.
"""

import csv
import io
import mimetypes
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

import xlsxwriter
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# Spreadsheets read a cell starting with one of these as a formula (or DDE): OWASP "CSV injection".
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"
DEFAULT_DATE_FORMAT = "yyyy-mm-dd"
DEFAULT_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")

Rows = Iterable[Sequence]


@dataclass(frozen=True)
class Sheet:
    """One worksheet. `rows` is an iterable read once, or a function returning one (so the same sheet
    description can be written twice). Headings are optional (an instructions sheet has none)."""

    title: str
    headers: Sequence[str]
    rows: Rows | Callable[[], Rows]
    preamble: Sequence[Sequence] = ()  # rows above the headings, e.g. a register's date
    bold_headers: bool = False
    freeze_headers: bool = False  # the headings stay in view as the reader scrolls
    autofilter: bool = False  # a filter button on each heading, over every row written
    date_format: str | None = None  # number format for date cells (openpyxl's default otherwise)
    # Printed: landscape, fitted to the page width, the headings repeated on every page and this title (with
    # the page number) in the page header. Empty: the spreadsheet program's defaults.
    print_title: str = ""

    def iter_rows(self) -> Rows:
        return self.rows() if callable(self.rows) else self.rows


@dataclass(frozen=True)
class ExportFile:
    """What every export returns: a filename, a content type, and bytes or a binary stream."""

    filename: str
    content_type: str
    content: bytes | BinaryIO


def escape_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; other values pass through.
    Aware datetimes become local naive ones: spreadsheets have no time zones, so write the time pages show."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of [ ] : * ? / \\."""
    return _BAD_TITLE.sub(" ", title).strip().strip("'")[:31] or "Sheet"


def _write_row(worksheet, row_number: int, values: Sequence, formats: dict) -> None:
    """One row, each value escaped and written by its type: dates with the sheet's date format, numbers
    as numbers, text always as text (never read as a formula or a link)."""
    for column, raw in enumerate(values):
        value = escape_cell(raw)
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            worksheet.write_boolean(row_number, column, value)
        elif isinstance(value, datetime):
            worksheet.write_datetime(row_number, column, value, formats["date_time"])
        elif isinstance(value, date):
            worksheet.write_datetime(row_number, column, value, formats["date"])
        elif isinstance(value, int | float | Decimal):
            worksheet.write_number(row_number, column, value)
        else:
            worksheet.write_string(row_number, column, str(value))


def _print_setup(worksheet, sheet: Sheet) -> None:
    """Landscape, one page wide (as many pages tall as it takes), headings on every page, a titled header."""
    worksheet.set_landscape()
    worksheet.fit_to_pages(1, 0)
    if sheet.headers:
        heading_row = len(sheet.preamble)
        worksheet.repeat_rows(heading_row)
    worksheet.set_header("&C" + sheet.print_title.replace("&", "&&"))  # "&" starts a header code
    worksheet.set_footer("&RPage &P of &N")


class _SheetWriter:
    """One worksheet being written row by row (xlsxwriter's constant-memory mode: each row is flushed to a
    temporary file as soon as the next one starts, so memory stays flat however many rows follow)."""

    def __init__(self, workbook, sheet: Sheet, bold):
        self.sheet = sheet
        title, taken, number = sheet_title(sheet.title), {ws.name.lower() for ws in workbook.worksheets()}, 0
        base = title
        while title.lower() in taken:  # a second sheet of the same name is numbered, as spreadsheets do
            number += 1
            title = f"{base[: 31 - len(str(number))]}{number}"
        self.worksheet = workbook.add_worksheet(title)
        self.formats = {
            "date": workbook.add_format({"num_format": sheet.date_format or DEFAULT_DATE_FORMAT}),
            "date_time": workbook.add_format({"num_format": sheet.date_format or DEFAULT_DATETIME_FORMAT}),
        }
        if sheet.print_title:
            _print_setup(self.worksheet, sheet)
        if sheet.freeze_headers:
            self.worksheet.freeze_panes(len(sheet.preamble) + 1, 0)
        self.row = 0
        for values in sheet.preamble:
            _write_row(self.worksheet, self.row, values, self.formats)
            self.row += 1
        if sheet.headers:
            heading = bold if sheet.bold_headers else None
            for column, value in enumerate(sheet.headers):
                self.worksheet.write_string(self.row, column, str(escape_cell(value)), heading)
            self.row += 1
        self.count = 0

    def append(self, values: Sequence) -> None:
        _write_row(self.worksheet, self.row, values, self.formats)
        self.row += 1
        self.count += 1

    def close(self) -> int:
        sheet = self.sheet
        if sheet.autofilter and sheet.headers:
            first = len(sheet.preamble)
            self.worksheet.autofilter(first, 0, first + self.count, len(sheet.headers) - 1)
        return self.count


def _workbook(target):
    # Text is never turned into formulas, numbers or links: every cell is exactly the value given.
    return xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )


def write_xlsx(sheets: Iterable[Sheet], target) -> int:
    """Write the sheets to `target` (a path or a binary file object), streaming rows in constant memory;
    return the number of data rows written."""
    workbook = _workbook(target)
    bold = workbook.add_format({"bold": True})
    total = 0
    for sheet in sheets:
        writer = _SheetWriter(workbook, sheet, bold)
        for values in sheet.iter_rows():
            writer.append(values)
        total += writer.close()
    workbook.close()
    return total


def write_xlsx_stream(sheets: Sequence[Sheet], rows: Iterable[tuple[int, Sequence]], target) -> int:
    """Write several sheets from one stream of `(sheet index, row)` pairs, in any interleaving: an export
    that computes a batch of trainees at a time writes each batch's rows to every sheet and forgets them, so
    memory stays flat. The sheets' own `rows` are not read. Returns the number of data rows written."""
    workbook = _workbook(target)
    bold = workbook.add_format({"bold": True})
    writers = [_SheetWriter(workbook, sheet, bold) for sheet in sheets]
    for index, values in rows:
        writers[index].append(values)
    total = sum(writer.close() for writer in writers)
    workbook.close()
    return total


def render_xlsx(filename: str, sheets: Iterable[Sheet]) -> ExportFile:
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer)
    return ExportFile(filename, XLSX_CONTENT_TYPE, buffer.getvalue())


def render_csv(filename: str, sheet: Sheet) -> ExportFile:
    """One sheet as UTF-8 CSV with a byte-order mark, so Excel reads accents and £ signs correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in sheet.preamble:
        writer.writerow([escape_cell(cell) for cell in values])
    if sheet.headers:
        writer.writerow([escape_cell(cell) for cell in sheet.headers])
    for values in sheet.iter_rows():
        writer.writerow([escape_cell(cell) for cell in values])
    return ExportFile(filename, CSV_CONTENT_TYPE, buffer.getvalue().encode("utf-8-sig"))


# --- downloads -------------------------------------------------------------------------------------


def safe_filename(filename: str) -> str:
    """A download name that cannot break the header or name a path: no directories, control characters
    or quotes. Non-ASCII letters are kept (the header carries them as RFC 6266 `filename*`)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch != '"')
    name = name.strip(" .")
    return name[:200] or "download"


def download(export: ExportFile) -> HttpResponse:
    """Every download leaves through here: as an attachment, never sniffed by the browser, never cached.
    A stream (an open file) is sent in chunks and closed when the response ends."""
    filename = safe_filename(export.filename)
    if hasattr(export.content, "read"):
        response = FileResponse(
            export.content, as_attachment=True, filename=filename, content_type=export.content_type
        )
    else:
        response = HttpResponse(export.content, content_type=export.content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def file_download(handle: BinaryIO, *, filename: str, content_type: str | None = None) -> HttpResponse:
    """A stored file (evidence, a certificate, a PDF) as a download; the type is guessed from the name
    when the caller does not know it."""
    if content_type is None:
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return download(ExportFile(filename, content_type, handle))


# --- uploads ---------------------------------------------------------------------------------------


class ContainerRefused(Exception):
    """An uploaded workbook's zip container is damaged, not a workbook, or could exhaust memory or disk.
    The message says so in words a person can act on."""


@dataclass(frozen=True)
class ContainerLimits:
    max_entries: int
    max_uncompressed_bytes: int
    # A zip bomb is thousands to one; a real worksheet about ten to one. Only parts over a megabyte count.
    max_compression_ratio: int | None = None
    required: tuple[str, ...] = ("xl/workbook.xml",)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size < 10_000_000 else f"{size // 1_000_000} MB"


def check_zip_container(fileobj, limits: ContainerLimits) -> None:
    """Read the zip directory (never the contents) and refuse anything that could exhaust memory or disk.
    Raises ContainerRefused; leaves `fileobj` at its start either way."""
    try:
        fileobj.seek(0)
        if fileobj.read(4) != XLSX_MAGIC:
            raise ContainerRefused(
                "The file is not an Excel workbook (.xlsx). Save it as an Excel workbook and try again."
            )
        fileobj.seek(0)
        try:
            with zipfile.ZipFile(fileobj) as archive:
                entries = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise ContainerRefused("The file is damaged or is not an Excel workbook (.xlsx).") from error
    finally:
        fileobj.seek(0)
    if len(entries) > limits.max_entries:
        raise ContainerRefused(
            f"The workbook has too many parts ({len(entries)}); at most {limits.max_entries} are accepted."
        )
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed_bytes:
        raise ContainerRefused(
            f"The workbook is too large once uncompressed: it unpacks to {_megabytes(total)}; "
            f"at most {_megabytes(limits.max_uncompressed_bytes)} is allowed."
        )
    for entry in entries:
        ratio = limits.max_compression_ratio
        squeezed = ratio is not None and entry.file_size > ratio * max(entry.compress_size, 1)
        if squeezed and entry.file_size > 1_000_000:
            raise ContainerRefused(
                "The workbook is compressed far more than a real spreadsheet: refused for safety."
            )
    names = {entry.filename for entry in entries}
    if not all(name in names for name in limits.required):
        raise ContainerRefused("The file is a zip archive but not an Excel workbook (.xlsx).")
