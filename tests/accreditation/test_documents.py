"""The JSON status document, the trainee_status command, the cohort workbook and the export_cohort command."""

import json
import shutil
import subprocess
from datetime import date, datetime, timedelta
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accreditation import exports
from accreditation.engine import evaluate
from accreditation.exports import cohort_sheets
from accreditation.facts import basics, months_in_service
from accreditation.serialise import status_document
from core.spreadsheets import escape_cell as escape
from core.spreadsheets import write_xlsx
from tests import factories as f
from tests.accreditation import factories_readiness as fr
from trainees.models import Interruption

KEYS = ["trainee", "as_of", "training_days", "competences", "supervision", "caseload", "schemes"]


def _results(facts, *codes, stage="initial"):
    return [evaluate(facts, fr.fixture_rules(code), as_of=fr.AS_OF, stage=stage) for code in codes]


def test_the_status_document_has_exactly_the_documented_shape():
    facts = fr.ready_facts(supervision=fr.summary(cm=13.0))
    document = status_document(facts, _results(facts, "course-completion"))
    assert list(document) == KEYS
    assert document["trainee"] == {
        "username": "trainee.done",
        "name": "Dana Okafor",
        "route": "standard",
        "route_name": "Standard PWP training (45 days)",
        "programme": "PGCert Psychological Wellbeing Practice (Northvale)",
        "cohort": "nv-cohort-1",
        "cohort_name": "Northvale PWP September 2025",
        "start_date": "2026-01-05",
        "status": "completed",
    }
    assert document["as_of"] == "2027-03-15"
    assert document["training_days"] == {
        "university": {"required": 25, "completed": 25},
        "workplace": {"required": 20, "completed": 20},
        "window_end": "2027-01-05",
        "status": "complete",
    }
    assert document["competences"][1] == {
        "code": "behavioural-activation",
        "name": "Behavioural activation",
        "status": "signed",
        "signed_by": "Elaine Hughes",
        "signed_at": "2026-06-02T12:00:00+00:00",
    }
    assert set(document["supervision"]) == {
        "hours",
        "credentialed_hours",
        "missed_weeks",
        "overdue_case_reviews",
        "status",
    }
    assert document["supervision"]["hours"]["case_management"] == 13.0
    assert set(document["caseload"]) == {
        "profile",
        "expected_patients_to_date",
        "actual_patients_to_date",
        "expected_year_total",
        "contact_hours",
        "status",
    }
    (scheme,) = document["schemes"]
    assert (scheme["code"], scheme["version"], scheme["ready"], scheme["stage"]) == (
        "course-completion",
        "2022",
        False,
        "initial",
    )
    cm = next(c for c in scheme["criteria"] if c["code"] == "case-management-supervision")
    assert cm == {
        "code": "case-management-supervision",
        "description": "At least 20 hours of case-management supervision",
        "met": False,
        "value": 13.0,
        "target": 20,
        "gap": "7 more hours of case-management supervision",
    }
    report = next(c for c in scheme["criteria"] if c["code"] == "final-report")
    assert report["value"] == "2027-03-01"
    json.dumps(document)  # everything in it is plain JSON


def test_the_renewal_stage_carries_the_next_due_date():
    facts = fr.ready_facts()
    (scheme,) = status_document(facts, _results(facts, "babcp-pwp-registration", stage="renewal"))["schemes"]
    assert scheme["stage"] == "renewal" and scheme["next_due"] == "2027-12-20" and scheme["ready"]


@pytest.mark.django_db
def test_the_trainee_status_command_prints_the_document(world, schemes, facts_overrides):
    facts_overrides["trainee"] = {"caseload": fr.caseload(contact_hours=50)}
    out = StringIO()
    call_command("trainee_status", "trainee", "--as-of", "2027-03-15", "--json", stdout=out)
    document = json.loads(out.getvalue())
    assert list(document) == KEYS
    assert document["as_of"] == "2027-03-15"
    codes = [s["code"] for s in document["schemes"]]
    assert codes == [
        "course-completion",
        "babcp-pwp-accreditation-2010",
        "babcp-pwp-registration",
        "bps-wpw-register",
    ]
    course = document["schemes"][0]
    gaps = {c["code"]: c["gap"] for c in course["criteria"]}
    assert gaps["contact-hours"] == "30 more hours of direct clinical contact"

    out = StringIO()
    call_command("trainee_status", "trainee", "--scheme", "cpd-route", "--json", stdout=out)
    assert [s["code"] for s in json.loads(out.getvalue())["schemes"]] == ["cpd-route"]
    with pytest.raises(CommandError, match="No scheme"):
        call_command("trainee_status", "trainee", "--scheme", "nope", "--json")
    with pytest.raises(CommandError, match="No trainee"):
        call_command("trainee_status", "nobody", "--json")
    with pytest.raises(CommandError, match="--as-of"):
        call_command("trainee_status", "trainee", "--as-of", "15/03/2027", "--json")


@pytest.mark.django_db
def test_without_json_the_trainee_status_command_prints_a_summary_to_read(world, schemes, facts_overrides):
    facts_overrides["trainee"] = {"caseload": fr.caseload(contact_hours=50)}
    out = StringIO()
    call_command("trainee_status", "trainee", "--as-of", "2027-03-15", stdout=out)
    text = out.getvalue()
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    lines = text.splitlines()
    name = world.user("trainee").display_name
    # Names, never codes: the route's and cohort's names, and each scheme's name.
    route, cohort = world.enrolment.route.name, world.enrolment.cohort.name
    assert lines[0] == f"{name} (trainee), {route}, {cohort}, as of 15 March 2027"
    assert "Competences: 9 of 9 signed off" in lines
    assert "Caseload: 181 patients seen, 179 expected by now; 50 hours of direct contact (on track)" in lines
    course = lines.index("Course completion (PWP award), 2022 rules, first application: not ready")
    assert lines[course + 1] == "  - 30 more hours of direct clinical contact"
    assert [line.split(", ")[0] for line in lines if "first application:" in line] == [
        "Course completion (PWP award)",
        "BABCP PWP accreditation (voluntary register)",
        "BABCP PWP register",
        "BPS Wider Psychological Workforce register",
    ]


def test_the_summary_writes_hours_with_at_most_one_decimal_as_the_pages_do():
    from accreditation.management.commands.trainee_status import _hours

    assert [_hours(575.08), _hours(21.0), _hours(169.44)] == ["575.1", "21", "169.4"]
    assert _hours(None) == "not known"


# --- the workbook ---------------------------------------------------------------------------------------


def _entries():
    tricky = fr.ready_facts(
        username='=HYPERLINK("http://evil")',
        name="+44 trainee",
        supervision=fr.summary(cm=12.5),
    )
    plain = fr.ready_facts(username="b.user", name="-minus")
    return [
        (tricky, _results(tricky, "course-completion", "babcp-pwp-registration")),
        (plain, _results(plain, "course-completion")),
    ]


def _workbook(entries):
    stream = BytesIO()
    rows = write_xlsx(cohort_sheets(entries, ["course-completion", "babcp-pwp-registration"]), stream)
    return rows, load_workbook(BytesIO(stream.getvalue()))


def test_the_workbook_has_six_typed_filtered_sheets_with_frozen_headers():
    rows, workbook = _workbook(_entries())
    assert workbook.sheetnames == [
        "Summary",
        "Training days",
        "Competences",
        "Supervision",
        "Caseload",
        "Readiness",
    ]
    for ws in workbook:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        assert ws["A1"].font.b
    assert rows == sum(ws.max_row - 1 for ws in workbook)
    summary = workbook["Summary"]
    assert summary["E2"].value == datetime(2026, 1, 5) and summary["E2"].is_date
    assert (summary["N2"].value, summary["N3"].value) == ("No", "Yes")  # ready for course completion
    supervision = workbook["Supervision"]
    assert supervision["E2"].value == 12.5 and supervision["E2"].data_type == "n"
    readiness = workbook["Readiness"]
    header = [c.value for c in readiness[1]]
    assert header[:3] == ["Username", "Name", "Scheme"]
    values = list(readiness.iter_rows(min_row=2, values_only=True))
    assert (
        len(values) == 8 + 4 + 8
    )  # criteria of course-completion, registration (initial), course-completion
    caseload = workbook["Caseload"]
    assert caseload["J2"].is_date and caseload["I2"].value == 120.0


def test_cells_that_look_like_formulas_are_escaped():
    _, workbook = _workbook(_entries())
    summary = workbook["Summary"]
    assert summary["A2"].value == '\'=HYPERLINK("http://evil")' and summary["A2"].data_type == "s"
    assert summary["B2"].value == "'+44 trainee"
    assert summary["B3"].value == "'-minus"
    for ws in workbook:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
    assert escape("@SUM(A1)") == "'@SUM(A1)" and escape("\tx") == "'\tx" and escape("fine") == "fine"
    assert escape(5) == 5


def test_the_workbook_is_written_row_by_row_from_generators():
    """Each sheet's rows come from a generator, consumed once as the write-only workbook streams them."""
    consumed = []
    entries = _entries()
    sheets = cohort_sheets(entries, ["course-completion"])

    def counting(rows):
        for row in rows:
            consumed.append(row)
            yield row

    sheets = [type(s)(s.title, s.headers, (lambda s=s: counting(s.rows()))) for s in sheets]
    write_xlsx(sheets, BytesIO())
    assert len(consumed) == 2 + 2 + 18 + 2 + 2 + 20


@pytest.mark.django_db
def test_export_cohort_writes_a_workbook_libreoffice_can_read(tmp_path, world, schemes, facts_overrides):
    target = tmp_path / "cohort.xlsx"
    out = StringIO()
    call_command("export_cohort", "--cohort", world.cohort.code, "-o", str(target), stdout=out)
    assert "Wrote" in out.getvalue()
    workbook = load_workbook(target, read_only=True)
    assert sum(1 for _ in workbook["Summary"].iter_rows()) == 3
    with pytest.raises(CommandError, match="No cohort"):
        call_command("export_cohort", "--cohort", "nope", "-o", str(target))
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed here, so the check that it reads the export is skipped.")
    subprocess.run(  # noqa: S603
        [office, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(target)],
        check=True,
        timeout=120,
    )
    assert world.users["trainee"].username in (tmp_path / "cohort.csv").read_text()


# --- facts: the parts this area reads itself --------------------------------------------------------------


def test_months_in_service_leave_out_interruptions():
    assert months_in_service(date(2026, 1, 5), date(2026, 7, 4)) == 5
    assert months_in_service(date(2026, 1, 5), date(2026, 7, 5)) == 6
    assert months_in_service(date(2026, 1, 5), date(2026, 7, 5), [(date(2026, 3, 1), date(2026, 3, 10))]) == 5
    assert months_in_service(date(2026, 1, 5), date(2025, 7, 5)) == 0


@pytest.mark.django_db
def test_basics_come_from_the_enrolment_and_its_interruptions(world):
    enrolment = world.enrolment
    pause = Interruption.objects.create(
        enrolment=enrolment,
        starts_on=enrolment.start_date,
        ends_on=enrolment.start_date,  # one day off: a year of service becomes 11 whole months
        reason=Interruption.Reason.SICKNESS,
        recorded_by=world.users["educator"],
    )
    found = basics(
        enrolment,
        as_of=enrolment.start_date.replace(year=enrolment.start_date.year + 1),
        interruptions=[pause],
    )
    assert found["username"] == "trainee" and found["route_code"] == "standard"
    assert found["months_in_service"] == 11 and found["is_qualified"] is False
    assert found["interruptions"] == ((pause.starts_on, pause.ends_on),)
    assert found["programme_accredited"] is True
    completed = f.EnrolmentFactory(status="completed", completed_on=date(2026, 1, 1))
    assert basics(completed, as_of=date(2026, 1, 1))["is_qualified"] is True
    assert basics(completed, as_of=date(2025, 12, 31))["is_qualified"] is False


def test_workbook_cells_hold_the_words_the_pages_show_never_codes_or_booleans():
    _, workbook = _workbook(_entries())
    codes = {
        "at_risk",
        "on_track",
        "off_track",
        "gaps",
        "compliant",
        "signed",
        "active",
        "completed",
        "initial",
        "renewal",
        "educator",
        "programme_lead",
        "standard",
        "guide-default",
        "course-completion",
    }
    for ws in workbook:
        for row in ws.iter_rows():
            for cell in row:
                assert not isinstance(cell.value, bool), (ws.title, cell.coordinate)
                assert cell.value not in codes, (ws.title, cell.coordinate, cell.value)
    summary = workbook["Summary"]
    header = [c.value for c in summary[1]]
    assert "Month of training" in header and not any("course-completion" in str(h) for h in header)
    row = dict(zip(header, [c.value for c in summary[3]], strict=True))
    assert row["Training days"] in {"Complete", "On track", "At risk", "Off track", "No schedule yet"}
    assert row["Supervision"] in {"Meets frequencies", "Gaps"}


@pytest.mark.django_db
def test_the_workbooks_month_is_the_cohort_pages_month(world):
    from core.dates import month_of_training

    start = world.enrolment.start_date
    for days in (0, 27, 31, 59, 183, 364):
        on = start + timedelta(days=days)
        facts = fr.ready_facts(start_date=start, as_of=on, status="active")
        assert exports._month(facts) == world.enrolment.month_of_training(on) == month_of_training(start, on)
