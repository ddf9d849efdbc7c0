"""The importer: valid files, files with problems (nothing saved), mappings, re-imports, safety, command."""

import csv
import io
import zipfile
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from tests.trainees.factories_caseload import CaseFactory, ContactFactory
from trainees.caseload.importer import import_caseload, limits
from trainees.caseload.services import save_column_mapping
from trainees.models import Case, CaseloadImport, ColumnMapping, Contact

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HEADINGS = [
    "Case reference",
    "Date",
    "Type",
    "Mode",
    "Intervention",
    "Minutes",
    "PHQ-9",
    "GAD-7",
    "WSAS",
    "Outcome",
]


def day(n: int) -> date:
    """n days before today (contacts must not be in the future)."""
    return TODAY - timedelta(days=n)


def valid_rows():
    return [
        ["NV-000001", day(40).isoformat(), "Assessment", "Telephone", "", 45, 18, 14, 22, ""],
        [
            "NV-000001",
            day(26).strftime("%d/%m/%Y"),
            "Treatment",
            "Telephone",
            "Behavioural activation",
            30,
            15,
            12,
            20,
            "",
        ],
        ["NV-000001", day(12).isoformat(), "Discharge", "Telephone", "", 30, 8, 6, 10, "Discharged"],
        ["NV-000002", day(30).isoformat(), "assessment", "F2F", "", 50, "", "", "", ""],
        ["NV-000002", day(16).isoformat(), "treatment", "video", "panic-management", 30, "", "", "", ""],
    ]


def csv_bytes(rows, headings=HEADINGS, delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, headings=HEADINGS, title="Contacts") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(world, content: bytes, name="export.csv", *, mapping=None, dry_run=False):
    enrolment = world.enrolment
    job = CaseloadImport.objects.create(
        enrolment=enrolment,
        service=enrolment.employing_service,
        mapping=mapping,
        mapping_name=mapping.name if mapping else "",
        original_name=name,
        file_format=name.rsplit(".", 1)[-1],
        dry_run=dry_run,
        requested_by=world.user("trainee"),
    )
    return import_caseload(
        actor=world.user("trainee"), enrolment=enrolment, job=job, fileobj=io.BytesIO(content)
    )


def test_a_valid_csv_file_is_imported_with_its_cases(world):
    world.enrolment.start_date = day(100)
    world.enrolment.save(update_fields=["start_date"])
    result = run(world, csv_bytes(valid_rows()))
    assert result.ok and result.saved, [str(p) for p in result.errors]
    assert (result.rows_read, result.contacts_created, result.cases_created, result.duplicates) == (
        5,
        5,
        2,
        0,
    )
    first, second = Case.objects.order_by("reference")
    assert (first.opened_on, first.status, first.closed_on) == (day(40), "closed", day(12))
    assert (second.opened_on, second.status) == (day(30), "open")
    treatment = Contact.objects.get(case=first, type="treatment")
    assert (treatment.intervention.code, treatment.minutes, treatment.phq9) == (
        "behavioural-activation",
        30,
        15,
    )
    assert Contact.objects.get(case=second, type="assessment").mode == "face_to_face"
    assert set(Contact.objects.values_list("source", flat=True)) == {"imported"}
    assert AuditEvent.objects.filter(action="caseload.imported").count() == 1


def test_a_valid_workbook_with_date_cells_is_imported(world):
    rows = [
        [r[0], datetime.combine(day(10 + i), datetime.min.time()), *r[2:]] for i, r in enumerate(valid_rows())
    ]
    rows[2][1] = day(5)  # the discharge stays last for its case
    result = run(world, xlsx_bytes(rows), "export.xlsx")
    assert result.ok, [str(p) for p in result.errors]
    assert result.sheet == "Contacts"
    assert Contact.objects.count() == 5


def test_a_file_with_several_problems_saves_nothing_and_names_each_place(world):
    rows = valid_rows() + [
        ["9434765919", day(5).isoformat(), "Assessment", "Telephone", "", 45, "", "", "", ""],  # row 7
        ["NV-000003", "31/02/2026", "Assessment", "Telephone", "", 45, "", "", "", ""],  # row 8
        ["NV-000004", day(5).isoformat(), "Assessment", "Fax", "", "", "", "", "", ""],  # row 9: two
        ["NV-000005", day(5).isoformat(), "Treatment", "Telephone", "", 30, 30, "", "", ""],  # row 10: two
        ["NV-000006", (TODAY + timedelta(days=3)).isoformat(), "Review", "Telephone", "", 20, "", "", "", ""],
    ]
    result = run(world, xlsx_bytes(rows), "export.xlsx")
    assert not result.ok and not result.saved
    assert Contact.objects.count() == 0 and Case.objects.count() == 0
    places = {(p.sheet, p.row, p.column) for p in result.errors}
    assert places == {
        ("Contacts", 7, "A"),
        ("Contacts", 8, "B"),
        ("Contacts", 9, "D"),
        ("Contacts", 9, "F"),
        ("Contacts", 10, "E"),
        ("Contacts", 10, "G"),
        ("Contacts", 11, "B"),
    }
    reasons = {(p.row, p.column): p.reason for p in result.errors}
    assert "NHS number" in reasons[(7, "A")] and "9434765919" not in reasons[(7, "A")]
    assert "not a date" in reasons[(8, "B")]
    assert "“Fax” is not recognised" in reasons[(9, "D")]
    assert "missing" in reasons[(9, "F")]
    assert "intervention" in reasons[(10, "E")]
    assert "between 0 and 27" in reasons[(10, "G")]
    assert "future" in reasons[(11, "B")]
    assert str(result.errors[0]).startswith("Sheet “Contacts”, row 7, column A (Case reference): ")
    assert not AuditEvent.objects.filter(action="caseload.imported").exists()


def test_missing_headings_are_reported_on_row_one(world):
    result = run(world, csv_bytes(valid_rows(), headings=["Ref", "When", *HEADINGS[2:]]))
    assert not result.ok
    assert {(p.row, p.reason.split(" (")[0]) for p in result.errors} == {
        (1, "No column is headed “Case reference” or “case_reference”"),
        (1, "No column is headed “Date” or “date”"),
    }
    assert Contact.objects.count() == 0


def test_a_mapped_file_with_the_services_own_headings_imports(world):
    service = world.enrolment.employing_service
    headings = [
        "Client ID",
        "Appt Date",
        "Appt Type",
        "Contact Medium",
        "Intervention Used",
        "Duration (mins)",
    ]
    mapping = save_column_mapping(
        actor=world.user("trainee"),
        service=service,
        name="IAPTus",
        headings={
            "case_reference": "Client ID",
            "date": "appt date",
            "type": "Appt Type",
            "mode": "Contact Medium",
            "intervention": "Intervention Used",
            "minutes": "Duration (mins)",
        },
    )
    rows = [r[:6] for r in valid_rows()]
    assert not run(world, csv_bytes(rows, headings=headings)).ok  # standard headings do not match
    result = run(world, csv_bytes(rows, headings=headings), mapping=mapping)
    assert result.ok, [str(p) for p in result.errors]
    assert Contact.objects.count() == 5
    assert ColumnMapping.objects.get(service=service, name="IAPTus").headings["date"] == "appt date"


def test_a_reimport_recognises_rows_already_recorded(world):
    first = run(world, csv_bytes(valid_rows()))
    assert first.contacts_created == 5
    more = [*valid_rows(), ["NV-000002", day(2).isoformat(), "Review", "Telephone", "", 20, "", "", "", ""]]
    again = run(world, csv_bytes(more))
    assert again.ok
    assert (again.contacts_created, again.duplicates, again.cases_created) == (1, 5, 0)
    assert Contact.objects.count() == 6
    assert Case.objects.get(reference="NV-000001").status == "closed"


def test_a_contact_typed_in_is_recognised_by_a_later_import(world):
    case = CaseFactory(enrolment=world.enrolment, reference="NV-000002", opened_on=day(30))
    ContactFactory(case=case, date=day(30), type="assessment")
    result = run(world, csv_bytes(valid_rows()))
    assert (result.contacts_created, result.duplicates, result.cases_created) == (4, 1, 1)


def test_a_dry_run_checks_everything_and_saves_nothing(world):
    result = run(world, csv_bytes(valid_rows()), dry_run=True)
    assert result.ok and not result.saved
    assert (result.contacts_created, result.cases_created) == (5, 2)
    assert "would be saved" in result.summary()
    assert Contact.objects.count() == 0 and Case.objects.count() == 0


def test_a_later_contact_on_a_case_closed_before_the_import_is_a_problem(world):
    case = CaseFactory(enrolment=world.enrolment, reference="NV-000002", opened_on=day(60))
    case.status, case.closed_on = "closed", day(20)
    case.save(update_fields=["status", "closed_on"])
    result = run(world, csv_bytes(valid_rows()))
    assert [(p.row, p.column) for p in result.errors] == [(6, "B")]
    assert "was closed on" in result.errors[0].reason
    assert Contact.objects.count() == 0


def test_a_case_closes_only_when_its_latest_contact_ends_it(world):
    rows = [
        ["NV-000009", day(20).isoformat(), "Review", "Telephone", "", 20, "", "", "", "Dropped out"],
        ["NV-000009", day(5).isoformat(), "Review", "Telephone", "", 20, "", "", "", ""],
        ["NV-000010", day(5).isoformat(), "Review", "Telephone", "", 20, "", "", "", "Stepped up"],
        ["NV-000010", day(25).isoformat(), "Assessment", "Telephone", "", 45, "", "", "", ""],
    ]
    assert run(world, csv_bytes(rows)).ok
    assert Case.objects.get(reference="NV-000009").status == "open"
    stepped = Case.objects.get(reference="NV-000010")
    assert (stepped.status, stepped.closed_on, stepped.opened_on) == ("closed", day(5), day(25))


def test_semicolons_and_windows_encoding_are_read(world):
    rows = [["NV-000011", day(3).strftime("%d.%m.%Y"), "Assessment", "Téléphone", "", 45, "", "", "", ""]]
    result = run(world, csv_bytes(rows, delimiter=";", encoding="cp1252"))
    assert [p.column for p in result.errors] == ["D"]  # read, and the odd mode named in its column
    rows[0][3] = "Telephone"
    assert run(world, csv_bytes(rows, delimiter=";", encoding="cp1252")).ok


def test_blank_rows_are_skipped_and_row_numbers_stay_true(world):
    rows = [
        valid_rows()[0],
        ["", "", "", "", "", "", "", "", "", ""],
        ["NV-1", "yesterday", "Assessment", "Telephone"],
    ]
    result = run(world, csv_bytes(rows))
    assert [(p.row, p.column) for p in result.errors] == [(4, "B"), (4, "F")]


def test_the_row_cap_stops_a_huge_file(world, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 3)
    result = run(world, csv_bytes(valid_rows()))
    assert not result.ok and "more than 3 rows" in result.errors[-1].reason
    assert Contact.objects.count() == 0


# --- safety ----------------------------------------------------------------------------------------


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


WORKBOOK_PARTS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("export.xlsx", b"Case reference,Date\n", "not an Excel workbook"),
        ("export.csv", zip_bytes(WORKBOOK_PARTS), "not a text file"),
        ("export.csv", b"Case reference\x00,Date\n", "not a text file"),
        ("export.pdf", b"Case reference,Date\n", "Upload an Excel workbook"),
        ("export.ods", b"Case reference,Date\n", "not an OpenDocument spreadsheet"),
        (
            "export.ods",
            zip_bytes({"mimetype": b"application/zip", "content.xml": b"<x/>"}),
            "not a spreadsheet",
        ),
        (
            "export.xlsx",
            zip_bytes({**WORKBOOK_PARTS, "xl/worksheets/sheet1.xml": b"\0" * 30_000_000}),
            "compressed",
        ),
        ("export.xlsx", zip_bytes({**WORKBOOK_PARTS, **{f"x/{n}": b"" for n in range(300)}}), "parts"),
        ("export.xlsx", zip_bytes({"a.txt": b"hello"}), "not an Excel workbook"),
        ("export.xlsx", b"PK\x03\x04 but not really a zip", "damaged"),
    ],
)
def test_unsafe_or_mislabelled_files_are_refused_before_reading(world, name, content, reason):
    result = run(world, content, name)
    assert not result.ok
    assert reason in result.errors[0].reason
    assert Contact.objects.count() == 0


def test_the_uncompressed_size_is_checked_from_the_zip_directory(world, monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 1000)
    result = run(world, xlsx_bytes(valid_rows()), "export.xlsx")
    assert "unpacks to" in result.errors[0].reason


def test_xml_entities_in_a_worksheet_are_refused(world):
    original = io.BytesIO(xlsx_bytes(valid_rows()))
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = bomb if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item, data)
    result = run(world, out.getvalue(), "export.xlsx")
    assert not result.ok
    assert "refused for safety" in result.errors[0].reason, result.errors[0].reason
    assert Contact.objects.count() == 0


def test_defusedxml_is_what_openpyxl_uses():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


# --- the upload page and the command ---------------------------------------------------------------


def test_uploading_a_file_runs_the_import_and_deletes_the_stored_copy(client, world):
    client.force_login(world.user("trainee"))
    upload = ContentFile(csv_bytes(valid_rows()), name="my export.csv")
    response = client.post(
        reverse("trainees:caseload_import_upload", args=[world.enrolment.pk]), {"file": upload, "mapping": ""}
    )
    job = CaseloadImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("trainees:caseload_import", args=[world.enrolment.pk, job.pk])
    assert (job.status, job.contacts_created, job.original_name) == ("imported", 5, "my export.csv")
    assert job.stored_name == ""
    assert not default_storage.listdir("caseload-imports")[1]
    page = client.get(response["Location"]).content.decode()
    assert "5 new contacts" in page


def test_an_upload_with_problems_lists_them_and_saves_nothing(client, world):
    client.force_login(world.user("trainee"))
    rows = [*valid_rows(), ["NV-000003", "soon", "Assessment", "Telephone", "", 45, "", "", "", ""]]
    upload = ContentFile(xlsx_bytes(rows), name="export.xlsx")
    response = client.post(
        reverse("trainees:caseload_import_upload", args=[world.enrolment.pk]), {"file": upload}, follow=True
    )
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "Contacts</td>" in page and ">7</td>" in page and "B (Date)" in page
    assert Contact.objects.count() == 0
    assert CaseloadImport.objects.get().status == "rejected"


def test_an_oversized_upload_is_refused_by_the_form(client, world, monkeypatch):
    from trainees.caseload import forms as forms

    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 10)
    client.force_login(world.user("trainee"))
    upload = ContentFile(csv_bytes(valid_rows()), name="export.csv")
    response = client.post(
        reverse("trainees:caseload_import_upload", args=[world.enrolment.pk]), {"file": upload}
    )
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert not CaseloadImport.objects.exists()


def test_the_command_imports_and_reports(world, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(valid_rows()))
    call_command("import_caseload", str(path), "--trainee", "trainee", "--dry-run")
    assert Contact.objects.count() == 0
    call_command("import_caseload", str(path), "--trainee", "trainee")
    assert Contact.objects.count() == 5
    assert "5 new contacts" in capsys.readouterr().out


def test_the_command_refuses_a_bad_file_listing_every_problem(world, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes([["9434765919", "soon", "Assessment", "Telephone", "", 45]]))
    with pytest.raises(CommandError, match="Nothing was imported: 2 problems"):
        call_command("import_caseload", str(path), "--trainee", "trainee")
    err = capsys.readouterr().err
    assert "Sheet “CSV”, row 2, column A (Case reference)" in err
    assert "row 2, column B (Date)" in err


def test_the_command_uses_a_saved_mapping_by_name(world, tmp_path):
    save_column_mapping(
        actor=None,
        service=world.enrolment.employing_service,
        name="Export",
        headings={"case_reference": "Ref", "date": "Date", "type": "Type", "mode": "Mode", "minutes": "Mins"},
    )
    path = tmp_path / "export.csv"
    path.write_bytes(
        csv_bytes(
            [["NV-1", day(2).isoformat(), "Assessment", "Telephone", 45]],
            ["Ref", "Date", "Type", "Mode", "Mins"],
        )
    )
    with pytest.raises(CommandError, match="no column mapping called “Other”"):
        call_command("import_caseload", str(path), "--trainee", "trainee", "--mapping", "Other")
    call_command("import_caseload", str(path), "--trainee", "trainee", "--mapping", "Export")
    assert Contact.objects.count() == 1


def test_an_upload_that_cannot_be_queued_leaves_no_stored_file(client, world, monkeypatch):
    from trainees.caseload import views as views

    class BrokenQueue:
        def enqueue(self, *args, **kwargs):
            raise RuntimeError("queue unavailable")

    monkeypatch.setattr(views, "run_caseload_import", BrokenQueue())
    client.force_login(world.user("trainee"))
    client.raise_request_exception = False
    upload = ContentFile(csv_bytes(valid_rows()), name="export.csv")
    response = client.post(
        reverse("trainees:caseload_import_upload", args=[world.enrolment.pk]), {"file": upload}
    )
    assert response.status_code == 500
    job = CaseloadImport.objects.get()
    assert (job.status, job.stored_name) == ("failed", "")
    assert not default_storage.listdir("caseload-imports")[1]


def test_reading_a_workbook_takes_the_same_memory_for_ten_times_the_rows(tmp_path):
    import tracemalloc

    from trainees.caseload.importer import open_rows
    from trainees.management.commands.bench_caseload_import import write_file

    peaks = []
    for count in (1_000, 10_000):
        path = tmp_path / f"rows-{count}.xlsx"
        write_file(path, "xlsx", count, TODAY)
        tracemalloc.start()
        with path.open("rb") as handle, open_rows(handle, "xlsx") as (_, rows):
            assert sum(1 for _ in rows) == count + 1
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < peaks[0] * 1.5, peaks
