"""Reading rows from an export through the one spreadsheet layer (`core.spreadsheets.open_table`): the first
worksheet of an Excel workbook or OpenDocument spreadsheet, or a CSV / tab-separated text file in UTF-8 or
Windows-1252, streamed, after the type is checked against the first bytes and a zip container's directory
has passed the shared container check."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import PurePath

from core.spreadsheets import ContainerLimits, TableRefused, open_table, table_format
from trainees.caseload.importer import limits
from trainees.caseload.importer.problems import FileRefused
from trainees.models import CaseloadImport

EXTENSIONS = {
    ".csv": CaseloadImport.Format.CSV,
    ".xlsx": CaseloadImport.Format.XLSX,
    ".ods": CaseloadImport.Format.ODS,
    ".tsv": CaseloadImport.Format.TSV,
    ".txt": CaseloadImport.Format.TSV,
}


def file_format(filename: str, head: bytes) -> str:
    """The format from the extension, refused unless the content's first bytes agree."""
    try:
        return table_format(PurePath(filename).name, head)
    except TableRefused as refused:
        raise FileRefused(str(refused)) from refused


def container_limits() -> ContainerLimits:
    """This importer's zip limits (read now, so a deployment or a test can change them)."""
    return ContainerLimits(
        max_entries=limits.MAX_ZIP_ENTRIES,
        max_uncompressed_bytes=limits.MAX_UNCOMPRESSED_BYTES,
        max_compression_ratio=limits.MAX_COMPRESSION_RATIO,
        required=("[Content_Types].xml", "xl/workbook.xml"),
    )


@contextmanager
def open_rows(fileobj, kind: str) -> Iterator[tuple[str, Iterator[Sequence]]]:
    """(sheet name, rows) from the file, streamed."""
    try:
        with open_table(
            fileobj, kind, container=container_limits(), max_columns=limits.MAX_COLUMNS
        ) as opened:
            yield opened
    except TableRefused as refused:
        raise FileRefused(str(refused)) from refused
