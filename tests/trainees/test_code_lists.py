"""The reference profiles' code lists, as verified against their sources (README: where each code list came
from): the low-intensity self-help procedures of a Talking Therapies extract, and the Moodle Attendance
plug-in's export as its own source writes it (English session headings with a month name)."""

import io
from datetime import date

import pytest

from tests.imports_files import text_bytes
from tests.trainees.test_import_profiles import IDS201, day
from tests.trainees.test_register_profiles import DAY1, DAY2, TODAY, cohort  # noqa: F401 - a fixture
from trainees.attendance.importer import import_register_with_profile
from trainees.caseload.importer import import_caseload
from trainees.imports.reference import load_import_profiles
from trainees.models import AttendanceMark, CaseloadImport, Contact, ImportProfile

pytestmark = pytest.mark.django_db


def test_the_self_help_procedures_of_the_data_set_are_interventions(world):
    load_import_profiles()
    world.enrolment.service_staff_id = "PWP042"
    world.enrolment.save(update_fields=["service_staff_id"])
    rows = [
        IDS201,
        ["", "SR-1", "CC-1", day(20), "01", "02", "5", 45, "", "PWP042"],
        ["", "SR-1", "CC-2", day(13), "02", "02", "5", 30, "748051000000105:385658003", "PWP042"],  # book
        ["", "SR-1", "CC-3", day(6), "02", "11", "5", 30, "748041000000107:385658003", "PWP042"],  # computer
    ]
    profile = ImportProfile.objects.get(code="talking-therapies-v2")
    job = CaseloadImport.objects.create(
        enrolment=world.enrolment,
        service=world.enrolment.employing_service,
        profile=profile,
        original_name="ids201.csv",
        file_format="csv",
    )
    result = import_caseload(
        actor=None, enrolment=world.enrolment, job=job, fileobj=io.BytesIO(text_bytes(rows))
    )
    assert result.ok, [str(p) for p in result.errors]
    assert Contact.objects.get(source_id="CC-2").intervention.code == "written-cbt-self-help"
    assert Contact.objects.get(source_id="CC-3").intervention.code == "computerised-cbt"


# The plug-in's text export (export.php): Course and Group lines, a blank line, the heading row (identity
# fields, one column per session headed with strftimedmyhm and the group, a remarks column when chosen, then
# Taken sessions, Points and Percentage). Newer English strings write the month as a name.
MOODLE_TEXT = [
    ["Course", "PgCert Psychological Wellbeing Practice 2026"],
    ["Group", "All participants"],
    [],
    [
        "ID number",
        "Last name",
        "First name",
        "Groups",
        "06 Jan 2026 09.30AM Common session",
        "13.01.2026 09.30 Common session",
        "Taken sessions",
        "Points",
        "Percentage",
    ],
    ["S1001", "Archer", "Ann", "Group A", "P", "L", 2, "3 / 4", "75.0"],
    ["S1002", "Baker", "Bob", "Group A", "A", "E", 2, "1 / 4", "25.0"],
]


def test_a_moodle_export_with_english_month_names_imports_as_it_comes(cohort):  # noqa: F811
    result = import_register_with_profile(
        actor=None,
        cohort=cohort,
        fileobj=io.BytesIO(text_bytes(MOODLE_TEXT, delimiter="\t")),
        filename="PWP_Attendances_20260601-0900.txt",
        profile=ImportProfile.objects.get(code="moodle-attendance"),
        today=TODAY,
    )
    assert result.ok and result.saved, [str(p) for p in result.problems]
    assert (result.marks, result.registers) == (4, 2)
    dates = set(AttendanceMark.objects.values_list("teaching_day__date", flat=True))
    assert dates == {date(2026, 1, 6), date(2026, 1, 13)} == {DAY1, DAY2}


# The same export as the plug-in's current source writes it (danmarsden/moodle-mod_attendance, export.php,
# renderhelpers.php and lang/en/attendance.php at 6ff291a, March 2024): last and first name and groups come
# before the identity fields; a taken session's cell is its acronym with the points, "P (2/2)"; a session
# before the student's enrolment started, or after it ended, holds "User enrolment starts 13.01.2026" once
# and "←" in the sessions after it; a session not taken yet is "?"; then a count column per status, headed
# with its acronym, and Taken sessions, Points and Percentage.
MOODLE_CURRENT = [
    ["Course", "PgCert Psychological Wellbeing Practice 2026"],
    ["Group", "All participants"],
    [],
    [
        "Last name",
        "First name",
        "Groups",
        "ID number",
        "06 Jan 2026 09.30AM All students",
        "13 Jan 2026 09.30AM All students",
        "P",
        "A",
        "L",
        "E",
        "Taken sessions",
        "Points",
        "Percentage",
    ],
    ["Archer", "Ann", "Group A", "S1001", "P (2/2)", "L (1/2)", 1, 0, 1, 0, 2, "3 / 4", "75"],
    [
        "Baker",
        "Bob",
        "Group A",
        "S1002",
        "User enrolment starts 13.01.2026",
        "E (1/2)",
        0,
        0,
        0,
        1,
        1,
        "1 / 2",
        "50",
    ],
    ["Carter", "Cat", "Group A", "S1003", "User enrolment ends 10.01.2026", "←", 0, 0, 0, 0, 0, "0 / 0", "0"],
]


def test_a_moodle_export_as_the_current_plug_in_writes_it_imports_as_it_comes(cohort):  # noqa: F811
    result = import_register_with_profile(
        actor=None,
        cohort=cohort,
        fileobj=io.BytesIO(text_bytes(MOODLE_CURRENT, delimiter="\t")),
        filename="PWP_Attendances_20260601-0900.txt",
        profile=ImportProfile.objects.get(code="moodle-attendance"),
        today=TODAY,
    )
    assert result.ok and result.saved, [str(p) for p in result.problems]
    assert result.marks == 3
    assert dict(result.skipped) == {"sessions outside the student's enrolment": 3}
    marks = AttendanceMark.objects.values_list("enrolment__user__username", "teaching_day__date", "status")
    assert set(marks) == {
        ("ann", DAY1, "present"),
        ("ann", DAY2, "late"),
        ("bob", DAY2, "authorised_absence"),
    }
