"""Registers read through import profiles: a Moodle attendance export (XLSX, ODS and text) and a
student-record register matched by student number, imported as they come."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as f
from tests.imports_files import ods_bytes, text_bytes
from tests.trainees.factories_attendance import TeachingDayFactory, module
from trainees.attendance.importer import import_register_with_profile
from trainees.imports.reference import load_import_profiles
from trainees.models import AttendanceMark, ImportProfile

pytestmark = pytest.mark.django_db
START, TODAY = date(2026, 1, 5), date(2026, 6, 1)
DAY1, DAY2, DAY3 = date(2026, 1, 6), date(2026, 1, 13), date(2026, 1, 20)


@pytest.fixture
def cohort(curriculum):
    load_import_profiles()
    cohort = f.CohortFactory(start_date=START, code="nv-moodle")
    for day in (DAY1, DAY2):
        TeachingDayFactory(cohort=cohort, date=day, module=module(1))
    TeachingDayFactory(cohort=cohort, date=DAY3, module=module(3))
    f.EnrolmentFactory(cohort=cohort, user__username="ann", student_number="S1001")
    f.EnrolmentFactory(cohort=cohort, user__username="bob", student_number="S1002")
    f.EnrolmentFactory(cohort=cohort, user__username="cat", student_number="S1003", route=f.route("cpd"))
    return cohort


# Moodle's attendance export: course and group lines, a heading row (identity fields, a column per session
# headed with its date and time, then the summary columns), one row per student with status acronyms.
MOODLE = [
    ["Course: PgCert Psychological Wellbeing Practice 2026"],
    ["Group: All participants"],
    [],
    [
        "ID number",
        "First name",
        "Surname",
        "Email address",
        "06.01.26 09:30 Teaching day",
        "13.01.26 09:30 Teaching day",
        "20.01.26 09:30 Teaching day",
        "P",
        "L",
        "E",
        "A",
        "Taken sessions",
        "Points",
        "Percentage",
    ],
    ["S1001", "Ann", "Archer", "ann@example.org", "P", "L", "A", 1, 1, 0, 1, 3, "5 / 6", "83.3%"],
    ["S1002", "Bob", "Baker", "bob@example.org", "E", "P", "?", 1, 0, 1, 0, 2, "4 / 4", "100.0%"],
    ["S1003", "Cat", "Carter", "cat@example.org", "P", "P", "P", 3, 0, 0, 0, 3, "6 / 6", "100.0%"],
]


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(cohort, content, name, code, **kwargs):
    return import_register_with_profile(
        actor=None,
        cohort=cohort,
        fileobj=io.BytesIO(content),
        filename=name,
        profile=ImportProfile.objects.get(code=code),
        today=TODAY,
        **kwargs,
    )


@pytest.mark.parametrize(
    "name, content",
    [
        ("attendance.xlsx", xlsx(MOODLE)),
        ("attendance.ods", ods_bytes(MOODLE)),
        ("attendance.txt", text_bytes(MOODLE, delimiter="\t")),
    ],
)
def test_a_moodle_attendance_export_imports_as_it_comes(cohort, name, content):
    result = run(cohort, content, name, "moodle-attendance")
    assert result.ok and result.saved, [str(p) for p in result.problems]
    # Ann 3, Bob 2 (his "?" session was not taken), Cat 2 (module 3 is not on the CPD route).
    assert (result.marks, result.added) == (7, 7)
    assert dict(result.skipped) == {
        "sessions not taken yet": 1,
        "sessions not on this trainee's route": 1,
    }
    assert any("Cat" not in w and "S1003" in w and "does not include module 3" in w for w in result.warnings)
    late = AttendanceMark.objects.get(enrolment__student_number="S1001", teaching_day__date=DAY2)
    assert (late.status, late.minutes_missed, late.describe()) == ("late", 0, "Late (minutes not recorded)")
    assert AttendanceMark.objects.get(enrolment__student_number="S1002", teaching_day__date=DAY1).status == (
        "authorised_absence"
    )


def test_an_unknown_acronym_refuses_the_file_naming_row_and_column(cohort):
    rows = [list(r) for r in MOODLE]
    rows[5][5] = "X"
    result = run(cohort, xlsx(rows), "attendance.xlsx", "moodle-attendance")
    assert not result.ok and not result.saved
    problem = result.problems[0]
    assert (problem.row, problem.column) == (6, "F")
    assert "“X”" in str(problem)
    assert AttendanceMark.objects.count() == 0


def test_a_student_record_register_is_matched_by_student_number(cohort):
    rows = [
        ["Student Number", "Surname", "Forename", "Module", "Event Date", "Mark"],
        ["S1001", "Archer", "Ann", "PWP701", "06/01/2026", "Present"],
        ["S1002", "Baker", "Bob", "PWP701", "06/01/2026", "Absent"],
        ["S1001", "Archer", "Ann", "PWP701", "13/01/2026", "Excused"],
        ["S1003", "Carter", "Cat", "PWP703", "20/01/2026", "Present"],
    ]
    result = run(cohort, text_bytes(rows, encoding="utf-8-sig"), "register.csv", "student-record-register")
    assert result.ok and result.saved, [str(p) for p in result.problems]
    assert (result.marks, dict(result.skipped)) == (3, {"sessions not on this trainee's route": 1})
    assert AttendanceMark.objects.get(enrolment__student_number="S1002").status == "unauthorised_absence"


def test_an_unknown_student_number_refuses_the_file(cohort):
    rows = [["Student Number", "Event Date", "Mark"], ["S9999", "06/01/2026", "Present"]]
    result = run(cohort, text_bytes(rows), "register.csv", "student-record-register")
    assert not result.ok
    assert "S9999" in str(result.problems[0]) and result.problems[0].column == "A"
    assert AttendanceMark.objects.count() == 0


def test_the_command_takes_a_register_profile(cohort, tmp_path, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    path = tmp_path / "attendance.ods"
    path.write_bytes(ods_bytes(MOODLE))
    out = io.StringIO()
    call_command(
        "import_attendance",
        str(path),
        "--cohort",
        cohort.code,
        "--profile",
        "moodle-attendance",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "7 marks" in out.getvalue()


marks = st.one_of(
    st.sampled_from(["P", "L", "E", "A", "?", "X", "", "late", "p"]), st.text(max_size=4), st.none()
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(marks, min_size=3, max_size=3), min_size=3, max_size=3))
def test_nothing_is_saved_from_a_moodle_export_the_profile_refuses(cohort, cells):
    rows = [list(r) for r in MOODLE]
    for student, row in enumerate(cells):
        rows[4 + student][4:7] = row
    result = run(
        cohort, text_bytes(rows, delimiter="\t"), "attendance.txt", "moodle-attendance", dry_run=True
    )
    assert AttendanceMark.objects.count() == 0  # a dry run never saves
    with transaction.atomic():  # marks are never deleted (a trigger refuses it): roll each example back
        result = run(cohort, text_bytes(rows, delimiter="\t"), "attendance.txt", "moodle-attendance")
        if not result.ok:
            assert AttendanceMark.objects.count() == 0
            assert all(p.row for p in result.problems if p.sheet)
        else:
            assert AttendanceMark.objects.count() == result.added
        transaction.set_rollback(True)
