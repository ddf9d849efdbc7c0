"""An intake from one file: checked in full, refused with every problem named, or saved in one transaction."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEvent, Invitation, User
from core.spreadsheets import Sheet, render_xlsx
from tests import factories as f
from tests.trainees.intake_files import csv_file, make_setting, row
from trainees.enrolment import intake
from trainees.enrolment.intake import HEADINGS, IntakeRefused, run_intake
from trainees.models import Enrolment, SupervisorAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(curriculum):
    return make_setting()


def run(setting, rows, save=True, **kwargs):
    admin, cohort, _ = setting
    return run_intake(
        actor=admin, cohort=cohort, fileobj=csv_file(rows, **kwargs), filename="in.csv", save=save
    )


def test_a_valid_file_enrols_everyone_with_supervisors_and_invites_new_people(
    setting, smtp_inbox, django_capture_on_commit_callbacks
):
    admin, cohort, _ = setting
    existing = f.UserFactory(email="Trainee2@Example.nhs.uk")
    with django_capture_on_commit_callbacks(execute=True):
        result = run(setting, [row(1), row(2), row(3)])
    assert result.saved and result.problems == []
    assert [r.action for r in result.rows] == ["create", "match", "create"]
    assert Enrolment.objects.filter(cohort=cohort).count() == 3
    assert User.objects.filter(email__iexact="trainee2@example.nhs.uk").count() == 1
    assert Enrolment.objects.get(user=existing).student_number == "S00002"
    assert SupervisorAssignment.objects.filter(enrolment__cohort=cohort).count() == 6
    # Two trainees and two supervisors had no account: each gets one, and an invitation by e-mail.
    assert Invitation.objects.count() == 4
    smtp_inbox.wait_for("cs.boss@example.nhs.uk")
    smtp_inbox.wait_for("trainee3@example.nhs.uk")
    assert not smtp_inbox.to(existing.email)
    assert AuditEvent.objects.filter(action="enrolment.created").count() == 3
    assert AuditEvent.objects.filter(action="supervisor.assigned").count() == 6


def test_a_file_with_mistakes_is_refused_with_every_problem_and_nothing_saved(setting):
    admin, cohort, _ = setting
    first_month = f.EnrolmentFactory(start_date=timezone.localdate() - timedelta(days=5)).user
    rows = [
        row(1, Route="no-such-route"),
        row(2),
        row(3, Email="trainee2@example.nhs.uk"),
        row(4, **{"Case-management supervisor email": first_month.email}),
        row(5, **{"Student number": "S00001"}),
        row(6, **{"First name": '=HYPERLINK("http://evil")'}),
        row(7),
    ]
    result = run(setting, rows)
    found = {(p.row, p.column) for p in result.problems}
    assert found == {
        (2, "Route"),
        (4, "Email"),
        (5, "Case-management supervisor email"),
        (6, "Student number"),
        (7, "First name"),
    }
    assert not result.saved
    assert Enrolment.objects.filter(cohort=cohort).count() == 0
    assert not User.objects.filter(email="trainee7@example.nhs.uk").exists()
    assert AuditEvent.objects.filter(action="enrolment.created").count() == 0


def test_a_problem_in_a_later_batch_undoes_the_earlier_batches(setting, monkeypatch):
    monkeypatch.setattr(intake, "BATCH_SIZE", 2)
    result = run(setting, [row(1), row(2), row(3), row(4, Service="nowhere")])
    assert [(p.row, p.column) for p in result.problems] == [(5, "Service")]
    assert Enrolment.objects.count() == 0
    assert not User.objects.filter(email="trainee1@example.nhs.uk").exists()


def test_a_trainee_in_the_same_file_cannot_be_a_supervisor(setting):
    result = run(setting, [row(1, **{"Clinical-skills supervisor email": "trainee2@example.nhs.uk"}), row(2)])
    assert [(p.row, p.column) for p in result.problems] == [(2, "Clinical-skills supervisor email")]


def test_a_dry_run_saves_nothing(setting):
    result = run(setting, [row(1)], save=False)
    assert result.ok and not result.saved
    assert not User.objects.filter(email="trainee1@example.nhs.uk").exists()


def test_headings_in_any_case_route_by_name_and_iso_dates_are_understood_and_extra_columns_warned(setting):
    headings = [h.upper() for h in HEADINGS] + ["Notes"]
    values = row(1, Route="Standard PWP training (45 days)", Service="North Talking Therapies")
    values["Start date"] = timezone.localdate().isoformat()
    data = {h.upper(): v for h, v in values.items()} | {"Notes": "x"}
    result = run(setting, [data], headings=headings)
    assert result.saved, result.problems
    assert result.warnings == ["These columns are not used and were ignored: Notes."]


def test_missing_headings_refuse_the_whole_file(setting):
    with pytest.raises(IntakeRefused, match="missing: Route"):
        run(setting, [row(1)], headings=[h for h in HEADINGS if h != "Route"])


def test_an_xlsx_file_is_read_like_a_csv(setting):
    admin, cohort, _ = setting
    values = row(1)
    values["Start date"] = timezone.localdate()
    export = render_xlsx("in.xlsx", [Sheet("Trainees", HEADINGS, [[values[h] for h in HEADINGS]])])
    result = run_intake(
        actor=admin, cohort=cohort, fileobj=io.BytesIO(export.content), filename="in.xlsx", save=True
    )
    assert result.saved, result.problems


def test_a_workbook_named_csv_is_refused(setting):
    admin, cohort, _ = setting
    with pytest.raises(IntakeRefused, match="not a CSV"):
        run_intake(
            actor=admin, cohort=cohort, fileobj=io.BytesIO(b"PK\x03\x04rest"), filename="x.csv", save=False
        )


def test_the_command_enrols_and_its_dry_run_does_not(setting, tmp_path):
    admin, cohort, _ = setting
    path = tmp_path / "intake.csv"
    path.write_bytes(csv_file([row(1), row(2)]).getvalue())
    out = io.StringIO()
    call_command(
        "enrol_cohort", str(path), cohort=cohort.code, dry_run=True, username=admin.username, stdout=out
    )
    assert "Nothing saved" in out.getvalue()
    assert Enrolment.objects.filter(cohort=cohort).count() == 0
    call_command("enrol_cohort", str(path), cohort=cohort.code, username=admin.username, stdout=out)
    assert Enrolment.objects.filter(cohort=cohort).count() == 2
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command(
            "enrol_cohort",
            str(path),
            cohort=cohort.code,
            username=admin.username,
            stdout=out,
            stderr=io.StringIO(),
        )


def test_queries_per_batch_stay_the_same_as_the_file_grows(setting, monkeypatch):
    """Constant queries per batch: two batches cost the same as one more, whatever a batch holds."""
    monkeypatch.setattr(intake, "BATCH_SIZE", 10)
    admin, cohort, _ = setting

    def count(n, start):
        rows = [row(i) for i in range(start, start + n)]
        with CaptureQueriesContext(connection) as queries:
            result = run(setting, rows)
        assert result.saved, result.problems[:3]
        return len(queries)

    one, two, four = count(10, 100), count(20, 200), count(40, 400)
    per_batch = two - one
    assert four - two == 2 * per_batch
    assert per_batch <= 10
