"""Importing registers from a workbook: valid files, files with errors (nothing saved), malformed files."""

import io
import zipfile
from datetime import date, datetime, timedelta

import openpyxl
import openpyxl.xml
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import AuditEvent
from tests import factories as f
from tests.trainees.factories_attendance import TeachingDayFactory, mark, module
from trainees.attendance import importer
from trainees.attendance.importer import import_attendance, template_workbook
from trainees.models import AttendanceMark

pytestmark = pytest.mark.django_db
START = date(2026, 1, 5)
TODAY = date(2026, 6, 1)
DAY1, DAY2, DAY3 = date(2026, 1, 6), date(2026, 1, 13), date(2026, 1, 20)


@pytest.fixture
def cohort(curriculum):
    cohort = f.CohortFactory(start_date=START, code="nv-test")
    for day in (DAY1, DAY2):
        TeachingDayFactory(cohort=cohort, date=day, module=module(1))
    TeachingDayFactory(cohort=cohort, date=DAY3, module=module(3))
    TeachingDayFactory(cohort=cohort, date=date(2026, 12, 1), module=module(3))  # not happened yet
    return cohort


@pytest.fixture
def people(cohort):
    return {
        "ann": f.EnrolmentFactory(cohort=cohort, user__username="ann"),
        "bob": f.EnrolmentFactory(cohort=cohort, user__username="bob"),
        "cpd": f.EnrolmentFactory(cohort=cohort, user__username="cat", route=f.route("cpd")),
    }


@pytest.fixture
def educator(cohort):
    return f.ProgrammeMembershipFactory(programme=cohort.programme).user


def workbook(sheets: dict[str, list[list]]) -> io.BytesIO:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def run(cohort, actor, fileobj, **kwargs):
    return import_attendance(
        actor=actor, cohort=cohort, fileobj=fileobj, filename="registers.xlsx", today=TODAY, **kwargs
    )


LONG = [
    ["Date", "Trainee", "Name", "Status", "Minutes missed", "Note"],
    [datetime(2026, 1, 6), "ann", "Ann", "Present", None, None],
    [datetime(2026, 1, 6), "bob", "Bob", "late", 25, "Train delayed"],
    ["13/01/2026", "ANN", "Ann", "unauthorised absence", None, None],
    ["2026-01-13", "bob", "Bob", "Left early", "60", None],
]


def test_a_valid_long_sheet_saves_every_register_in_one_go(cohort, people, educator):
    result = run(cohort, educator, workbook({"Attendance": LONG}))
    assert result.ok and result.saved, result.problems
    assert (result.registers, result.marks, result.added, result.corrected) == (2, 4, 4, 0)
    marks = {
        (m.teaching_day.date, m.enrolment.user.username): (m.status, m.minutes_missed, m.source)
        for m in AttendanceMark.objects.current().select_related("teaching_day", "enrolment__user")
    }
    assert marks == {
        (DAY1, "ann"): ("present", 0, "import"),
        (DAY1, "bob"): ("late", 25, "import"),
        (DAY2, "ann"): ("unauthorised_absence", 0, "import"),
        (DAY2, "bob"): ("left_early", 60, "import"),
    }
    assert AuditEvent.objects.filter(action="attendance.imported", actor=educator).count() == 1
    assert AuditEvent.objects.filter(action="register.taken").count() == 2


def test_importing_again_changes_nothing_and_a_changed_row_is_an_audited_correction(cohort, people, educator):
    run(cohort, educator, workbook({"Attendance": LONG}))
    again = run(cohort, educator, workbook({"Attendance": LONG}))
    assert (again.added, again.corrected, again.unchanged) == (0, 0, 4)
    changed = [row[:] for row in LONG]
    changed[3][3] = "authorised absence"
    result = run(cohort, educator, workbook({"Attendance": changed}))
    assert (result.added, result.corrected, result.unchanged) == (0, 1, 3)
    correction = AttendanceMark.objects.get(replaces__isnull=False)
    assert (correction.status, correction.reason) == ("authorised_absence", "Imported from registers.xlsx")


def test_one_sheet_per_register_is_accepted_and_instructions_are_skipped(cohort, people, educator):
    book = workbook(
        {
            "Instructions": [["Anything at all", "is ignored here"]],
            "6 Jan": [
                ["Date", "06/01/2026"],
                ["Trainee", "Status", "Minutes missed"],
                ["ann", "present"],
                ["cat", "late", 5],
            ],
            "20 Jan": [
                ["Date", datetime(2026, 1, 20)],
                ["Trainee", "Status"],
                ["ann", "present"],
                [],
                ["bob", "present"],
            ],
            "Example register": [["Date", "1 January 1999"], ["Trainee", "Status"], ["nobody", "asleep"]],
        }
    )
    result = run(cohort, educator, book)
    assert result.ok, [str(p) for p in result.problems]
    assert (result.registers, result.marks) == (2, 4)


def test_a_dry_run_checks_everything_and_saves_nothing(cohort, people, educator):
    result = run(cohort, educator, workbook({"Attendance": LONG}), dry_run=True)
    assert result.ok and not result.saved
    assert (result.registers, result.marks, result.added) == (2, 4, 4)
    assert "would add 4" in result.summary()
    assert not AttendanceMark.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="register.").exists()


def test_a_workbook_with_several_errors_saves_nothing_and_reports_each_with_sheet_row_and_column(
    cohort, people, educator
):
    rows = [
        ["Date", "Trainee", "Status", "Minutes missed", "Note"],
        [datetime(2026, 1, 6), "ann", "present", None, None],  # fine, but nothing may be saved
        [datetime(2026, 1, 6), "zed", "present", None, None],  # unknown trainee (B3)
        [datetime(2026, 1, 7), "bob", "present", None, None],  # not a teaching day (A4)
        [datetime(2026, 1, 6), "bob", "asleep", None, None],  # bad status (C5)
        [datetime(2026, 1, 13), "bob", "late", None, None],  # late without minutes (D6)
        [datetime(2026, 1, 6), "ann", "present", None, None],  # twice (B7)
        [datetime(2026, 12, 1), "ann", "present", None, None],  # not happened yet (A8)
        [datetime(2026, 1, 20), "cat", "present", None, None],  # CPD trainee on a module 3 day: skipped
        ["next tuesday", "bob", "present", None, None],  # not a date (A10)
        [datetime(2026, 1, 13), "ann", "present", 15, None],  # minutes when present (D11)
        [datetime(2026, 1, 13), "cat", "present", None, "NHS no 9434765919"],  # identifying note (E12)
    ]
    register = [["Date", "20/01/2026"], ["Trainee", "Status"], ["bob", ""]]  # status missing (B3)
    mark(cohort.teaching_days.get(date=DAY1), people["bob"])  # an existing mark must survive untouched
    result = run(cohort, educator, workbook({"Long list": rows, "20 Jan": register}))
    assert not result.ok and not result.saved
    where = [(p.sheet, p.row, p.column) for p in result.problems]
    assert where == [
        ("Long list", 3, "B"),
        ("Long list", 4, "A"),
        ("Long list", 5, "C"),
        ("Long list", 6, "D"),
        ("Long list", 7, "B"),
        ("Long list", 8, "A"),
        ("Long list", 10, "A"),
        ("Long list", 11, "D"),
        ("Long list", 12, "E"),
        ("20 Jan", 3, "B"),
    ]
    messages = [str(p) for p in result.problems]
    assert messages[0] == "Sheet “Long list”, row 3, column B: “zed” is not a trainee in nv-test."
    assert "7 January 2026 is not a teaching day" in messages[1]
    assert "also on sheet “Long list” row 2" in messages[4]
    assert "has not happened yet" in messages[5]
    assert "NHS number" in messages[8]
    assert messages[9].endswith("The status is missing.")
    assert AttendanceMark.objects.count() == 1


def test_a_session_not_on_the_trainees_route_is_skipped_and_counted_not_refused(cohort, people, educator):
    # The tracker's own workbook, as exported for every trainee and re-imported: the CPD-route trainee's
    # rows for module 3 days are left out and counted, and the rest of the file is saved.
    rows = [
        ["Date", "Trainee", "Status", "Minutes missed", "Note"],
        [datetime(2026, 1, 20), "ann", "present", None, None],
        [datetime(2026, 1, 20), "cat", "present", None, None],
        [datetime(2026, 1, 20), "cat", "late", 10, None],
        [datetime(2026, 1, 6), "cat", "present", None, None],
    ]
    register = [["Date", "20/01/2026"], ["Trainee", "Status"], ["cat", "authorised absence"]]
    result = run(cohort, educator, workbook({"Attendance": rows, "20 Jan": register}))
    assert result.ok and result.saved, result.problems
    assert dict(result.skipped) == {"sessions not on this trainee's route": 3}
    assert "Skipped: 3 sessions not on this trainee's route." in result.summary()
    assert result.warnings[0].startswith("Sheet “Attendance” row 3: cat is on the")
    assert "does not include module 3 (20 January 2026)" in result.warnings[0]
    assert AttendanceMark.objects.count() == 2
    assert not AttendanceMark.objects.filter(enrolment=people["cpd"], teaching_day__date=DAY3).exists()


def test_a_sheet_without_the_headings_is_reported_at_its_first_row(cohort, people, educator):
    result = run(cohort, educator, workbook({"Sheet1": [["Who", "What"], ["ann", "present"]]}))
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("Sheet1", 1, "A")]
    result = run(cohort, educator, workbook({"Sheet1": [["Date", "Trainee", "Minutes"]]}))
    assert [str(p) for p in result.problems] == ["Sheet “Sheet1”, row 1: The headings have no Status column."]


def test_a_file_that_is_not_a_workbook_is_refused_before_it_is_parsed(cohort, people, educator):
    result = run(cohort, educator, io.BytesIO(b"Date,Trainee,Status\n06/01/2026,ann,present\n"))
    assert [str(p) for p in result.problems] == [
        "The file: The file is not an Excel workbook (.xlsx). Save it as an Excel workbook and try again."
    ]
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "not an Excel workbook" in str(run(cohort, educator, zipped).problems[0])
    truncated = io.BytesIO(workbook({"Attendance": LONG}).getvalue()[:-200])
    assert "damaged" in str(run(cohort, educator, truncated).problems[0])
    assert not AttendanceMark.objects.exists()


def test_a_zip_with_too_many_entries_or_too_much_uncompressed_data_is_refused(
    cohort, people, educator, monkeypatch
):
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(importer.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"xl/extra/{i}.xml", "")
    assert "too many parts" in str(run(cohort, educator, many).problems[0])
    monkeypatch.setattr(importer, "MAX_UNCOMPRESSED_BYTES", 10_000)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 50_000)
    assert len(bomb.getvalue()) < 10_000
    assert "too large once uncompressed" in str(run(cohort, educator, bomb).problems[0])


def test_a_damaged_workbook_and_xml_entities_are_reported_not_crashed_on(cohort, people, educator):
    assert openpyxl.xml.DEFUSEDXML, "openpyxl must parse through defusedxml"
    original = workbook({"Attendance": LONG}).getvalue()
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = (
                    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                    + data[data.index(b"<worksheet") :].replace(b"<v>", b"<v>&b;", 1)
                )
            target.writestr(item, data)
    result = run(cohort, educator, damaged)
    assert not result.ok
    assert "could not be read" in str(result.problems[0])
    garbage = io.BytesIO()
    with zipfile.ZipFile(garbage, "w") as archive:
        archive.writestr("xl/workbook.xml", "this is not xml")
    assert "could not be read" in str(run(cohort, educator, garbage).problems[0])
    assert not AttendanceMark.objects.exists()


def test_rows_beyond_the_cap_are_refused(cohort, people, educator, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    result = run(cohort, educator, workbook({"Attendance": LONG}))
    assert [str(p) for p in result.problems] == [
        "Sheet “Attendance”, row 5: The file has more than 3 rows of marks; split it up."
    ]


def test_the_template_lists_registers_still_to_take_and_imports_once_filled_in(cohort, people, educator):
    mark(cohort.teaching_days.get(date=DAY1), people["ann"])
    content = template_workbook(cohort, today=TODAY)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Instructions", "Attendance", "Example register"]
    rows = list(book["Attendance"].iter_rows(values_only=True))
    assert rows[0] == ("Date", "Trainee", "Name", "Status", "Minutes missed", "Note")
    listed = {(r[0].date(), r[1]) for r in rows[1:]}
    assert listed == {(DAY2, "ann"), (DAY2, "bob"), (DAY2, "cat"), (DAY3, "ann"), (DAY3, "bob")}
    for row in book["Attendance"].iter_rows(min_row=2):
        row[3].value = "present"
    filled = io.BytesIO()
    book.save(filled)
    filled.seek(0)
    result = run(cohort, educator, filled)
    assert result.ok and result.marks == 5, [str(p) for p in result.problems]


def test_the_command_imports_reports_problems_and_has_a_dry_run(cohort, people, educator, tmp_path, capsys):
    path = tmp_path / "registers.xlsx"
    path.write_bytes(workbook({"Attendance": LONG}).getvalue())
    call_command("import_attendance", str(path), "--cohort", "nv-test", "--dry-run")
    assert "Dry run, nothing saved: 4 marks on 2 registers" in capsys.readouterr().out
    assert not AttendanceMark.objects.exists()
    call_command("import_attendance", str(path), "--cohort", "nv-test", "--as", educator.username)
    assert AttendanceMark.objects.filter(recorded_by=educator).count() == 4
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook({"Attendance": [LONG[0], [DAY1, "zed", "present"]]}).getvalue())
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("import_attendance", str(bad), "--cohort", "nv-test")
    assert "row 2, column B: “zed” is not a trainee" in capsys.readouterr().err
    with pytest.raises(CommandError, match="no cohort"):
        call_command("import_attendance", str(path), "--cohort", "nope")


def test_the_upload_page_imports_a_file_and_lists_problems(client, cohort, people, educator):
    url = reverse("trainees:attendance_import", args=[cohort.code])
    client.force_login(educator)  # educators take registers on the register page; imports are not theirs
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": workbook({"Attendance": LONG})}).status_code == 403
    administrator = f.AdministratorFactory(organisation=cohort.programme.hei).user
    client.force_login(administrator)
    bad = workbook({"Attendance": [LONG[0], [DAY1, "zed", "present"]]})
    bad.name = "bad.xlsx"
    response = client.post(url, {"file": bad})
    assert response.status_code == 200
    assert (
        "Sheet “Attendance”, row 2, column B: “zed” is not a trainee in nv-test." in response.content.decode()
    )
    good = workbook({"Attendance": LONG})
    good.name = "good.xlsx"
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert AttendanceMark.objects.count() == 4
    text = io.BytesIO(b"not a workbook")
    text.name = "registers.csv"
    response = client.post(url, {"file": text})
    assert "must be an Excel workbook" in response.content.decode()


def test_the_template_download_is_an_attachment(client, cohort, people, educator):
    client.force_login(educator)
    response = client.get(reverse("trainees:attendance_template", args=[cohort.code]))
    assert response["Content-Disposition"] == 'attachment; filename="attendance-nv-test.xlsx"'
    assert response.content[:4] == b"PK\x03\x04"
    assert AuditEvent.objects.filter(action="attendance.template_downloaded").exists()


def test_dates_in_a_cell_may_be_text_in_british_order():
    assert importer.parse_date("06/01/2026") == date(2026, 1, 6)
    assert importer.parse_date("6 January 2026") == date(2026, 1, 6)
    assert importer.parse_date("2026-01-06") == date(2026, 1, 6)
    assert importer.parse_date("Tuesday") is None
    assert importer._cell_date(datetime(2026, 1, 6, 0, 0)) == date(2026, 1, 6)
    assert START + timedelta(days=1) == DAY1
