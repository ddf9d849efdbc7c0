"""The one spreadsheet layer: escaping, XLSX and CSV rendering, the download response and the upload
container check that every export and importer goes through."""

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from core.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    ContainerLimits,
    ContainerRefused,
    ExportFile,
    Sheet,
    check_zip_container,
    download,
    escape_cell,
    file_download,
    render_csv,
    render_xlsx,
    safe_filename,
    write_xlsx,
    write_xlsx_stream,
)


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_each_prefix_a_spreadsheet_would_run_is_escaped(prefix):
    assert escape_cell(f"{prefix}SUM(A1)") == f"'{prefix}SUM(A1)"


def test_safe_values_pass_through_and_aware_times_become_local():
    assert escape_cell("Dana Okafor") == "Dana Okafor"
    assert escape_cell("a=b") == "a=b"  # only the first character matters
    assert escape_cell("") == ""
    assert escape_cell(-3) == -3 and escape_cell(None) is None
    assert escape_cell(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)) == datetime(2026, 1, 5, 9, 0)  # GMT
    assert escape_cell(datetime(2026, 7, 1, 11, 0, tzinfo=UTC)) == datetime(2026, 7, 1, 12, 0)  # BST


def test_an_xlsx_round_trip_keeps_values_types_and_escapes_formulas():
    sheets = [
        Sheet(
            "People",
            ["Name", "=Score"],
            ([name, score] for name, score in [("=HYPERLINK(1)", 3), ("Ann", 2.5)]),
            bold_headers=True,
            freeze_headers=True,
            autofilter=True,
        ),
        Sheet(
            "Days",
            ["Day"],
            [[date(2026, 3, 14)]],
            preamble=[["Date", date(2026, 3, 3)]],
            date_format="DD/MM/YYYY",
        ),
    ]
    export = render_xlsx("people.xlsx", sheets)
    assert (export.filename, export.content_type) == ("people.xlsx", XLSX_CONTENT_TYPE)
    workbook = load_workbook(io.BytesIO(export.content))
    people = workbook["People"]
    assert list(people.values) == [("Name", "'=Score"), ("'=HYPERLINK(1)", 3), ("Ann", 2.5)]
    assert people["A1"].font.b and people.freeze_panes == "A2" and people.auto_filter.ref == "A1:B3"
    assert all(cell.data_type != "f" for row in people.iter_rows() for cell in row)
    days = workbook["Days"]
    assert days["B1"].value == datetime(2026, 3, 3) and days["B1"].number_format == "DD/MM/YYYY"
    assert days["A2"].value == "Day" and not days["A2"].font.b
    assert days["A3"].number_format == "DD/MM/YYYY"


def test_rows_given_as_a_function_can_be_written_twice_and_the_row_count_is_returned():
    sheet = Sheet("Twice", ["n"], lambda: ([n] for n in range(3)))
    assert write_xlsx([sheet], io.BytesIO()) == 3
    assert write_xlsx([sheet, sheet], io.BytesIO()) == 6


def test_a_printed_sheet_is_landscape_one_page_wide_with_headings_on_every_page_and_a_title():
    sheets = [
        Sheet(
            "Summary",
            ("Name", "Status"),
            [("Ann", "Active")],
            preamble=[("As of 1 May",)],
            print_title="A & B",
        ),
        Sheet("Plain", ("Name",), [("Ann",)]),
    ]
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer)
    buffer.seek(0)
    workbook = load_workbook(buffer)
    printed, plain = workbook["Summary"], workbook["Plain"]
    assert printed.page_setup.orientation == "landscape"
    # One page wide: fitToWidth 1 is the file format's default, so a writer may leave it out.
    assert printed.page_setup.fitToWidth in (None, 1) and printed.page_setup.fitToHeight == 0
    assert printed.sheet_properties.pageSetUpPr.fitToPage is True
    assert printed.print_title_rows == "$2:$2"  # the headings, below the one preamble row
    assert printed.oddHeader.center.text == "A && B"  # shown as "A & B": a lone "&" starts a header code
    assert "&P" in printed.oddFooter.right.text
    assert plain.page_setup.orientation != "landscape" and plain.print_title_rows is None


def test_a_csv_round_trip_has_a_byte_order_mark_and_escapes_formulas():
    export = render_csv("x.csv", Sheet("x", ["Name", "Note"], [["@cmd", "café, £5"], ["Ann", "+44"]]))
    assert export.content_type == CSV_CONTENT_TYPE
    assert export.content.startswith(b"\xef\xbb\xbf")
    assert export.content.decode("utf-8-sig").splitlines() == ["Name,Note", '\'@cmd,"café, £5"', "Ann,'+44"]


def test_a_download_is_an_unsniffed_uncached_attachment():
    response = download(ExportFile("grid.xlsx", XLSX_CONTENT_TYPE, b"data"))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="grid.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == b"data"


def test_a_streamed_download_has_the_same_headers_and_guesses_a_missing_type():
    response = file_download(io.BytesIO(b"%PDF-1.7"), filename="notes.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="notes.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == b"%PDF-1.7"


def test_a_download_name_cannot_name_a_path_or_break_the_header():
    assert safe_filename('../../etc/"pass\r\nwd".pdf') == "passwd.pdf"
    assert safe_filename("C:\\Users\\ann\\report.xlsx") == "report.xlsx"
    assert safe_filename("...") == "download"
    response = download(ExportFile("Siân's report.csv", CSV_CONTENT_TYPE, b""))
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Si%C3%A2n%27s%20report.csv"


def _zip(entries: dict[str, bytes]) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


WORKBOOK = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
LIMITS = ContainerLimits(
    max_entries=5,
    max_uncompressed_bytes=100_000,
    max_compression_ratio=100,
    required=("[Content_Types].xml", "xl/workbook.xml"),
)


def test_a_reasonable_workbook_passes_and_is_left_at_its_start():
    upload = _zip(WORKBOOK)
    upload.seek(10)
    check_zip_container(upload, LIMITS)
    assert upload.tell() == 0


@pytest.mark.parametrize(
    "upload, reason",
    [
        (_zip({**WORKBOOK, **{f"x/{n}.xml": b"" for n in range(4)}}), "too many parts (6); at most 5"),
        (_zip({**WORKBOOK, "xl/sheet1.xml": b"1" * 150_000}), "too large once uncompressed"),
        (io.BytesIO(b"Name,Date\n"), "not an Excel workbook"),
        (io.BytesIO(b"PK\x03\x04 but not a zip"), "damaged"),
        (_zip({"notes.txt": b"hello"}), "zip archive but not an Excel workbook"),
    ],
)
def test_a_container_is_refused_from_its_directory_alone(upload, reason):
    with pytest.raises(ContainerRefused, match=reason.replace("(", r"\(").replace(")", r"\)")):
        check_zip_container(upload, LIMITS)
    assert upload.tell() == 0


def test_a_part_compressed_like_a_zip_bomb_is_refused_even_under_the_total():
    bomb = _zip({**WORKBOOK, "xl/sheet1.xml": b"\0" * 2_000_000})
    limits = ContainerLimits(max_entries=5, max_uncompressed_bytes=10_000_000, max_compression_ratio=100)
    with pytest.raises(ContainerRefused, match="compressed far more"):
        check_zip_container(bomb, limits)
    check_zip_container(bomb, ContainerLimits(max_entries=5, max_uncompressed_bytes=10_000_000))


def test_a_stream_of_rows_for_several_sheets_in_any_order_lands_on_each_sheet_in_order():
    sheets = [
        Sheet("Left", ["n"], [], autofilter=True),
        Sheet("Right", ["n", "when"], [], date_format="DD/MM/YYYY"),
    ]
    stream = [(0, [1]), (1, [10, date(2026, 3, 3)]), (0, ["=2"]), (1, [11, None]), (0, [3])]
    buffer = io.BytesIO()
    assert write_xlsx_stream(sheets, iter(stream), buffer) == 5
    buffer.seek(0)
    workbook = load_workbook(buffer)
    assert list(workbook["Left"].values) == [("n",), (1,), ("'=2",), (3,)]
    assert workbook["Left"].auto_filter.ref == "A1:A4"
    right = workbook["Right"]
    assert list(right.values) == [("n", "when"), (10, datetime(2026, 3, 3)), (11, None)]
    assert right["B2"].number_format == "DD/MM/YYYY"
