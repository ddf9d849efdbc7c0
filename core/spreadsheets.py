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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
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
    as numbers, text always as text (never read as a formula or a link).

    The common types are told apart by `type()` in one step (an export writes millions of cells and this
    loop was a fifth of its time); anything else (a subclass, a lazy translation) takes the general path."""
    write_string, write_number = worksheet.write_string, worksheet.write_number
    for column, value in enumerate(values):
        kind = type(value)
        if kind is str:
            if value:
                write_string(row_number, column, "'" + value if value.startswith(FORMULA_PREFIXES) else value)
        elif value is None:
            continue
        elif kind is int or kind is float:
            write_number(row_number, column, value)
        elif kind is date:
            worksheet.write_datetime(row_number, column, value, formats["date"])
        else:
            _write_cell(worksheet, row_number, column, value, formats)


def _write_cell(worksheet, row_number: int, column: int, raw, formats: dict) -> None:
    value = escape_cell(raw)
    if value is None or value == "":
        return
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


def check_zip_container(fileobj, limits: ContainerLimits, *, kind: str = "an Excel workbook (.xlsx)") -> None:
    """Read the zip directory (never the contents) and refuse anything that could exhaust memory or disk.
    Raises ContainerRefused; leaves `fileobj` at its start either way. `kind` names the expected format in
    the messages (an OpenDocument spreadsheet is a zip container too)."""
    try:
        fileobj.seek(0)
        if fileobj.read(4) != XLSX_MAGIC:
            short = kind.split(" (")[0].removeprefix("an ").removeprefix("a ")
            raise ContainerRefused(f"The file is not {kind}. Save it as {_article(short)} and try again.")
        fileobj.seek(0)
        try:
            with zipfile.ZipFile(fileobj) as archive:
                entries = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise ContainerRefused(f"The file is damaged or is not {kind}.") from error
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
        raise ContainerRefused(f"The file is a zip archive but not {kind}.")


def _article(name: str) -> str:
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


# --- reading tables (imports) ------------------------------------------------------------------------
#
# Every importer reads its files through `open_table`: the first worksheet of an Excel workbook (.xlsx) or an
# OpenDocument spreadsheet (.ods), or a delimited text file (.csv comma- or semicolon-separated, .tsv/.txt
# tab-separated) in UTF-8 (with or without a byte-order mark) or Windows-1252, the encoding Excel uses for
# CSV on Windows. Rows are streamed as tuples of cell values (str, int, float, date, datetime, bool or None),
# so memory stays flat however long the file is. Zip containers pass `check_zip_container` first; XML is
# parsed by defusedxml only.

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
TABLE_FORMATS = {".xlsx": "xlsx", ".ods": "ods", ".csv": "csv", ".tsv": "tsv", ".txt": "tsv"}
TABLE_FORMAT_NAMES = {
    "xlsx": "an Excel workbook (.xlsx)",
    "ods": "an OpenDocument spreadsheet (.ods)",
    "csv": "a CSV file (.csv)",
    "tsv": "a tab-separated text file (.tsv or .txt)",
}
ACCEPTED_TABLES = (
    "an Excel workbook (.xlsx), an OpenDocument spreadsheet (.ods), a CSV file or tab-separated text"
)


class TableRefused(Exception):
    """A file that cannot be read as a table at all (wrong type, damaged, unsafe). The message says why."""


def table_format(filename: str, head: bytes) -> str:
    """The format from the file's extension, refused unless its first bytes agree."""
    extension = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    kind = TABLE_FORMATS.get(extension)
    if kind is None:
        raise TableRefused(f"Upload {ACCEPTED_TABLES}.")
    zipped = head.startswith(XLSX_MAGIC)
    if kind in ("xlsx", "ods") and not zipped:
        raise TableRefused(f"The file is named {extension} but is not {TABLE_FORMAT_NAMES[kind]}.")
    if kind in ("csv", "tsv") and (zipped or b"\x00" in head):
        raise TableRefused(f"The file is named {extension} but is not a text file.")
    return kind


def decode_text(fileobj, *, sample_size: int = 65_536) -> tuple[str, str]:
    """(encoding, errors) for a text upload: UTF-8 (a byte-order mark is dropped) unless the bytes are not
    UTF-8, in which case Windows-1252. Leaves `fileobj` at its start."""
    head = fileobj.read(sample_size)
    fileobj.seek(0)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of a full sample is still UTF-8.
        if len(head) == sample_size and error.start >= len(head) - 3:
            return "utf-8-sig", "strict"
        return "cp1252", "replace"
    return "utf-8-sig", "strict"


@contextmanager
def _text_rows(fileobj, kind: str):
    head = fileobj.read(65_536)
    fileobj.seek(0)
    if b"\x00" in head:
        raise TableRefused("The file is not a text file.")
    encoding, errors = decode_text(fileobj)
    text = io.TextIOWrapper(fileobj, encoding=encoding, errors=errors, newline="")
    try:
        if kind == "tsv":
            dialect = csv.excel_tab
        else:
            try:
                sample = text.read(8_192)
            except UnicodeDecodeError:
                sample = ""
            text.seek(0)
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
        yield ("CSV" if kind == "csv" else "Text"), csv.reader(text, dialect)
    finally:
        text.detach()


_SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PRUNED_TAGS = {f"{_SPREADSHEET_NS}row", f"{_SPREADSHEET_NS}si"}


def _pruning_iterparse(source, events=None, **kwargs):
    """defusedxml's iterparse, as openpyxl calls it, except that each finished <row> (and shared-string
    <si>) is dropped from the tree once openpyxl has read it. openpyxl only empties them, so the emptied
    elements pile up under <sheetData>, about a hundred bytes a row: memory would grow with the rows."""
    from defusedxml.ElementTree import iterparse as defused_iterparse

    if events is not None:
        yield from defused_iterparse(source, events=events, **kwargs)
        return
    parents = []
    for event, element in defused_iterparse(source, events=("start", "end"), **kwargs):
        if event == "start":
            parents.append(element)
            continue
        parents.pop()
        yield event, element
        if element.tag in _PRUNED_TAGS and parents:
            parents[-1].remove(element)


@contextmanager
def _openpyxl_pruning_rows():
    """Give openpyxl's worksheet and shared-string readers the pruning iterparse while a workbook is read.
    It parses exactly as the stock one does, so another thread reading a workbook meanwhile is unaffected."""
    from openpyxl.reader import strings
    from openpyxl.worksheet import _reader

    saved = _reader.iterparse, strings.iterparse
    _reader.iterparse = strings.iterparse = _pruning_iterparse
    try:
        yield
    finally:
        _reader.iterparse, strings.iterparse = saved


def _unsafe_xml(error: BaseException) -> bool:
    from defusedxml import DefusedXmlException

    return isinstance(error, DefusedXmlException) or isinstance(error.__cause__, DefusedXmlException)


@contextmanager
def _xlsx_rows(fileobj, container: ContainerLimits, max_columns: int):
    from openpyxl import load_workbook

    try:
        check_zip_container(fileobj, container)
    except ContainerRefused as refused:
        raise TableRefused(str(refused)) from refused
    with _openpyxl_pruning_rows():
        try:
            workbook = load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
        except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a malformed workbook
            if _unsafe_xml(error):
                raise TableRefused(
                    "The workbook contains XML that is refused for safety (entities or a DTD)."
                ) from error
            raise TableRefused("The workbook cannot be read. Save it again from Excel as .xlsx.") from error
        try:
            if not workbook.worksheets:
                raise TableRefused("The workbook has no worksheet.")
            sheet = workbook.worksheets[0]
            yield sheet.title, sheet.iter_rows(max_col=max_columns, values_only=True)
        finally:
            workbook.close()


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODS_CELLS = {f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"}
MAX_REPEATED_BLANK_ROWS = 100_000  # an ODS file can claim a million empty rows in one element


def ods_cell_value(cell):
    """One <table:table-cell> as a Python value, from its office:value-type (the text shown otherwise)."""
    kind = cell.get(f"{_ODS_OFFICE}value-type")
    if kind in ("float", "percentage", "currency"):
        try:
            number = float(cell.get(f"{_ODS_OFFICE}value", ""))
        except ValueError:
            return None
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    if kind == "date":
        raw = cell.get(f"{_ODS_OFFICE}date-value", "")
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            return raw or None
        return moment.date() if "T" not in raw else moment
    if kind == "boolean":
        return cell.get(f"{_ODS_OFFICE}boolean-value") == "true"
    paragraphs = ["".join(p.itertext()) for p in cell.iter(f"{_ODS_TEXT}p")]
    text = "\n".join(paragraphs)
    return text if text else None


def _ods_iter_rows(archive, max_columns: int) -> Iterator[tuple]:
    from defusedxml.ElementTree import iterparse as defused_iterparse

    pending_blank = 0
    depth = 0  # tables entered; only the first is read
    with archive.open("content.xml") as xml:
        parents = []
        row: list = []
        for event, element in defused_iterparse(xml, events=("start", "end")):
            tag = element.tag
            if event == "start":
                parents.append(element)
                if tag == f"{_ODS_TABLE}table":
                    depth += 1
                elif tag == f"{_ODS_TABLE}table-row":
                    row = []
                continue
            parents.pop()
            if depth != 1:
                if tag == f"{_ODS_TABLE}table" and depth > 1:
                    return
                continue
            if tag in _ODS_CELLS and parents and parents[-1].tag == f"{_ODS_TABLE}table-row":
                repeat = int(element.get(f"{_ODS_TABLE}number-columns-repeated", "1") or 1)
                value = ods_cell_value(element)
                room = max_columns - len(row)
                if room > 0:
                    row.extend([value] * min(repeat, room))
            elif tag == f"{_ODS_TABLE}table-row":
                repeat = int(element.get(f"{_ODS_TABLE}number-rows-repeated", "1") or 1)
                while row and row[-1] is None:
                    row.pop()
                if parents:
                    parents[-1].remove(element)  # keep memory flat: the finished row leaves the tree
                if not row:
                    pending_blank += repeat
                    if pending_blank > MAX_REPEATED_BLANK_ROWS:
                        pending_blank = MAX_REPEATED_BLANK_ROWS + 1  # trailing padding; read no further
                    continue
                if pending_blank > MAX_REPEATED_BLANK_ROWS:
                    raise TableRefused("The spreadsheet has too many empty rows before its data.")
                for _ in range(pending_blank):
                    yield ()
                pending_blank = 0
                values = tuple(row)
                for _ in range(min(repeat, MAX_REPEATED_BLANK_ROWS)):
                    yield values
            elif tag == f"{_ODS_TABLE}table":
                return


@contextmanager
def _ods_rows(fileobj, container: ContainerLimits, max_columns: int):
    kind = TABLE_FORMAT_NAMES["ods"]
    limits = ContainerLimits(
        max_entries=container.max_entries,
        max_uncompressed_bytes=container.max_uncompressed_bytes,
        max_compression_ratio=container.max_compression_ratio,
        required=("mimetype", "content.xml"),
    )
    try:
        check_zip_container(fileobj, limits, kind=kind)
    except ContainerRefused as refused:
        raise TableRefused(str(refused)) from refused
    with zipfile.ZipFile(fileobj) as archive:
        if archive.read("mimetype").strip() != ODS_MIMETYPE:
            raise TableRefused(f"The file is an OpenDocument file but not a spreadsheet ({kind}).")
        name = "Sheet1"
        with archive.open("content.xml") as xml:
            from defusedxml.ElementTree import iterparse as defused_iterparse

            try:
                for _event, element in defused_iterparse(xml, events=("start",)):
                    if element.tag == f"{_ODS_TABLE}table":
                        name = element.get(f"{_ODS_TABLE}name") or name
                        break
            except Exception as error:  # noqa: BLE001 - a damaged or unsafe content.xml
                if _unsafe_xml(error):
                    raise TableRefused(
                        "The spreadsheet contains XML that is refused for safety (entities or a DTD)."
                    ) from error
                raise TableRefused("The spreadsheet cannot be read. Save it again as .ods.") from error
        yield name, _ods_iter_rows(archive, max_columns)


@contextmanager
def open_table(fileobj, kind: str, *, container: ContainerLimits, max_columns: int):
    """(sheet name, rows) from the first sheet of a workbook or spreadsheet, or from a text file, streamed.
    `kind` comes from `table_format`. Raises TableRefused for a file that cannot be read at all; a file
    damaged part-way raises from the row iterator (callers report the row where it happened)."""
    if kind == "xlsx":
        with _xlsx_rows(fileobj, container, max_columns) as opened:
            yield opened
    elif kind == "ods":
        with _ods_rows(fileobj, container, max_columns) as opened:
            yield opened
    else:
        with _text_rows(fileobj, kind) as (name, rows):
            yield name, (tuple(row[:max_columns]) for row in rows)
