"""Reading rows from a CSV file or the first worksheet of a workbook, streamed, after the type is checked
against the first bytes and a workbook's zip directory has passed the shared container check."""

import csv
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import PurePath

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse as _defused_iterparse

from core.spreadsheets import XLSX_MAGIC, ContainerLimits, ContainerRefused, check_zip_container
from trainees.caseload.importer import limits
from trainees.caseload.importer.problems import FileRefused
from trainees.models import CaseloadImport

EXTENSIONS = {".csv": CaseloadImport.Format.CSV, ".xlsx": CaseloadImport.Format.XLSX}


def file_format(filename: str, head: bytes) -> str:
    """The format from the extension, refused unless the content's first bytes agree."""
    extension = PurePath(filename).suffix.lower()
    kind = EXTENSIONS.get(extension)
    if kind is None:
        raise FileRefused("Upload a CSV file (.csv) or an Excel workbook (.xlsx).")
    if kind == CaseloadImport.Format.XLSX and not head.startswith(XLSX_MAGIC):
        raise FileRefused("The file is named .xlsx but is not an Excel workbook.")
    if kind == CaseloadImport.Format.CSV and (head.startswith(XLSX_MAGIC) or b"\x00" in head):
        raise FileRefused("The file is named .csv but is not a text file.")
    return kind


def check_workbook_zip(fileobj) -> None:
    """The shared zip-directory check, with this importer's limits (read now, so they can be changed)."""
    container = ContainerLimits(
        max_entries=limits.MAX_ZIP_ENTRIES,
        max_uncompressed_bytes=limits.MAX_UNCOMPRESSED_BYTES,
        max_compression_ratio=limits.MAX_COMPRESSION_RATIO,
        required=("[Content_Types].xml", "xl/workbook.xml"),
    )
    try:
        check_zip_container(fileobj, container)
    except ContainerRefused as refused:
        raise FileRefused(str(refused)) from refused


_SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PRUNED_TAGS = {f"{_SPREADSHEET_NS}row", f"{_SPREADSHEET_NS}si"}


def _pruning_iterparse(source, events=None, **kwargs):
    """defusedxml's iterparse, as openpyxl calls it, except that each finished <row> (and shared-string
    <si>) is dropped from the tree once openpyxl has read it. openpyxl only empties them, so the emptied
    elements pile up under <sheetData>, about a hundred bytes a row: memory would grow with the rows."""
    if events is not None:
        yield from _defused_iterparse(source, events=events, **kwargs)
        return
    parents = []
    for event, element in _defused_iterparse(source, events=("start", "end"), **kwargs):
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


@contextmanager
def open_rows(fileobj, kind: str) -> Iterator[tuple[str, Iterator[Sequence]]]:
    """(sheet name, rows) from a CSV file or the first worksheet of a workbook, streamed."""
    if kind == CaseloadImport.Format.XLSX:
        with _openpyxl_pruning_rows(), _open_workbook_rows(fileobj) as opened:
            yield opened
        return
    with _open_csv_rows(fileobj) as opened:
        yield opened


@contextmanager
def _open_workbook_rows(fileobj):
    from openpyxl import load_workbook

    check_workbook_zip(fileobj)
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a malformed workbook
        if isinstance(error, DefusedXmlException) or isinstance(error.__cause__, DefusedXmlException):
            raise FileRefused(
                "The workbook contains XML that is refused for safety (entities or a DTD)."
            ) from error
        raise FileRefused("The workbook cannot be read. Save it again from Excel as .xlsx.") from error
    try:
        if not workbook.worksheets:
            raise FileRefused("The workbook has no worksheet.")
        sheet = workbook.worksheets[0]
        yield sheet.title, sheet.iter_rows(max_col=limits.MAX_COLUMNS, values_only=True)
    finally:
        workbook.close()


@contextmanager
def _open_csv_rows(fileobj):
    head = fileobj.read(65_536)
    fileobj.seek(0)
    if b"\x00" in head:
        raise FileRefused("The file is named .csv but is not a text file.")
    try:
        head.decode("utf-8")
        encoding, errors = "utf-8-sig", "strict"
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of a full sample is still UTF-8; otherwise the file
        # is in the Windows encoding Excel uses for CSV.
        cut = len(head) == 65_536 and error.start >= len(head) - 3
        encoding, errors = ("utf-8-sig", "strict") if cut else ("cp1252", "replace")
    text = io.TextIOWrapper(fileobj, encoding=encoding, errors=errors, newline="")
    try:
        try:
            sample = text.read(8_192)
        except UnicodeDecodeError:
            sample = ""
        text.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        yield "CSV", csv.reader(text, dialect)
    finally:
        text.detach()
