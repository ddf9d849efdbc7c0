"""Import contacts from a service's clinical-system export (CSV or Excel workbook), in parts:

- `reading`: the file type from its first bytes, the shared zip-directory check, rows streamed from CSV/XLSX;
- `columns`: the fields, heading and value matching, and the cell readers;
- `rows`: headings against fields (or a saved mapping) and each row's checks;
- `saving`: batches of cases and contacts written, cases' dates settled;
- `job`: the whole import in one transaction, and the queued job; `limits`: every cap, in one place.

Safety (shared/quality.md): the file type must match its magic bytes; a workbook's zip directory is checked
(entry count, total uncompressed size, compression ratio) before openpyxl opens it, and then only in
`read_only` mode with defusedxml installed (openpyxl uses it automatically); rows, columns, cell length and
the number of reported problems are capped.

All or nothing: the whole file is read inside one transaction; if any row has a problem, or on a dry run,
the transaction is rolled back and nothing is saved. Every problem names the sheet, row, column and reason.

Constant memory: rows are streamed and written in batches of `BATCH_SIZE`; known cases sit in a bounded
LRU cache; a case's opening and closing dates are settled at the end by set-based SQL, not in Python.

A row whose case reference, date and type are already recorded is recognised and skipped (counted as a
duplicate), so importing the same export twice changes nothing.
"""

from trainees.caseload.importer import limits
from trainees.caseload.importer.columns import FIELDS, FIELDS_BY_CODE, Field, normalise_heading
from trainees.caseload.importer.job import (
    import_caseload,
    import_rows,
    mapping_headings,
    run_caseload_import,
    run_import_job,
)
from trainees.caseload.importer.limits import MAX_UPLOAD_BYTES
from trainees.caseload.importer.problems import FileRefused, ImportResult, RowProblem
from trainees.caseload.importer.reading import EXTENSIONS, file_format, open_rows

__all__ = [
    "EXTENSIONS",
    "FIELDS",
    "FIELDS_BY_CODE",
    "MAX_UPLOAD_BYTES",
    "Field",
    "FileRefused",
    "ImportResult",
    "RowProblem",
    "file_format",
    "import_caseload",
    "import_rows",
    "limits",
    "mapping_headings",
    "normalise_heading",
    "open_rows",
    "run_caseload_import",
    "run_import_job",
]
