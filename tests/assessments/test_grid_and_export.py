"""The cohort competence grid and its XLSX export: constant queries, filters, formula escaping."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AuditEvent
from assessments.models import Attempt, MitigatingCircumstances, SignOff, SignOffReopening
from core.spreadsheets import Sheet, escape_cell, render_csv, write_xlsx
from curriculum.models import Competence
from tests import factories as f
from tests.assessments import factories_assessments as fa
from tests.trainees.pins import REMEMBERING

pytestmark = pytest.mark.django_db


def cohort_with_records(size: int):
    """`size` trainees, each with a signed competence, a failed one, one waiting and (some) a reopening."""
    fa.ensure_reference()
    cohort = f.CohortFactory()
    programme = cohort.programme
    educator = f.ProgrammeMembershipFactory(programme=programme).user
    lead = fa.marker(programme, f"lead-{programme.code}", role="programme_lead")
    enrolments = f.EnrolmentFactory.create_batch(size, cohort=cohort)
    component = fa.component(programme, "m2-clinical")
    codes = ["behavioural-activation", "exposure-therapy", "sleep-hygiene", "panic-management"]
    competences = {c.code: c for c in Competence.objects.filter(edition=programme.edition, code__in=codes)}
    now, today = timezone.now(), timezone.localdate()
    agreed = {
        "status": "agreed",
        "first_marker": educator,
        "first_marked_at": now,
        "agreed_at": now,
        "release_on": today,
        "method": "recorded_role_play",
        "submitted_on": today - timedelta(days=20),
    }
    attempts = []
    for enrolment in enrolments:
        base = {"enrolment": enrolment, "component": component, "submitted_by": enrolment.user, "number": 1}
        attempts += [
            Attempt(
                **base,
                **agreed,
                competence=competences["behavioural-activation"],
                first_outcome="passed",
                outcome="passed",
            ),
            Attempt(
                **base,
                **agreed,
                competence=competences["panic-management"],
                first_outcome="passed",
                outcome="passed",
            ),
            Attempt(
                **base,
                **agreed,
                competence=competences["exposure-therapy"],
                first_outcome="failed",
                outcome="failed",
                moderation_reason="fail",
                second_marker=lead,
                moderation_decision="agreed",
            ),
            Attempt(**base, competence=competences["sleep-hygiene"], method="osce", submitted_on=today),
        ]
    Attempt.objects.bulk_create(attempts)
    passes = [a for a in attempts if a.outcome == "passed"]
    SignOff.objects.bulk_create(
        SignOff(
            enrolment=a.enrolment,
            competence=a.competence,
            attempt=a,
            signed_by=educator,
            signed_by_role="educator",
            method=a.method,
            marks={"attempt": a.pk},
            marks_sha256="0" * 64,
        )
        for a in passes
    )
    reopened = SignOff.objects.filter(
        competence=competences["panic-management"], enrolment__in=enrolments[::2]
    )
    SignOffReopening.objects.bulk_create(
        SignOffReopening(sign_off=s, reason="Evidence incomplete", reopened_by=lead) for s in reopened
    )
    MitigatingCircumstances.objects.bulk_create(
        MitigatingCircumstances(
            enrolment=e,
            component=component,
            competence=competences["exposure-therapy"],
            reason="Illness",
            accepted_on=today,
            recorded_by=educator,
        )
        for e in enrolments[::3]
    )
    return cohort, educator, enrolments


@pytest.mark.parametrize("size", [10, 200])
def test_the_grid_costs_the_same_queries_for_10_and_200_trainees(
    client, world, size, django_assert_num_queries
):
    cohort, educator, enrolments = cohort_with_records(size)
    client.force_login(educator)
    url = reverse("assessments:grid", args=[cohort.code]) + "?per_page=500"
    # +1 unread notifications, +2 deadlines (attempts, cohort deadlines), the competence statuses remembered
    with django_assert_num_queries(23 + REMEMBERING):
        response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('href="/assessments/trainees/') == size
    assert content.count(">Signed off</strong>") == size + size // 2
    assert content.count(">Reopened</strong>") == (size + 1) // 2
    assert "Failed (attempt 1 of 2)" in content and "Failed (attempt 1 of 3)" in content
    assert content.count(">Submitted</strong>") == size


@pytest.mark.parametrize("size", [10, 200])
def test_the_export_costs_the_same_queries_for_10_and_200_trainees(
    client, world, size, django_assert_num_queries
):
    cohort, educator, enrolments = cohort_with_records(size)
    client.force_login(educator)
    # +2 deadlines (attempts, cohort deadlines), the competence statuses remembered
    with django_assert_num_queries(22 + REMEMBERING):
        response = client.get(reverse("assessments:grid_export", args=[cohort.code]))
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.values)
    assert len(rows) == size + 1


def test_the_grid_filters_by_status_and_competence(client, world):
    cohort, educator, enrolments = cohort_with_records(4)
    cpd = f.EnrolmentFactory(cohort=cohort, route=f.route("cpd"))
    client.force_login(educator)
    url = reverse("assessments:grid", args=[cohort.code])
    everyone = client.get(url).content.decode()
    assert everyone.count("Not required on this route") == 1  # the CPD route has no values module
    assert cpd.user.display_name in everyone
    reopened = client.get(url, {"status": "reopened", "competence": "panic-management"})
    assert len(reopened.context["table"].rows) == 2
    signed_values = client.get(url, {"status": "signed", "competence": "values"})
    assert len(signed_values.context["table"].rows) == 0
    named = client.get(url, {"name": enrolments[0].user.last_name})
    assert enrolments[0].user.display_name in named.content.decode()


def test_the_export_is_a_real_workbook_with_formulas_escaped_and_is_audited(client, world):
    fa.ensure_reference()
    fa.no_sampling(world.programme)
    trainee = world.enrolment.user
    trainee.first_name = '=HYPERLINK("http://evil.example","click")'
    trainee.save(update_fields=["first_name"])
    fa.signed(world.enrolment, first=world.user("educator"))
    client.force_login(world.user("admin"))
    response = client.get(reverse("assessments:grid_export", args=[world.cohort.code]), {"route": ""})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="competences-cohort-a-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:5] == ("Trainee", "Username", "Route", "Status", "Deadlines")
    assert len(rows[0]) == 5 + 9
    mine = next(row for row in rows if row[1] == trainee.username)
    assert mine[0].startswith("'=HYPERLINK")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert mine[5 + 1] == "Signed off"  # behavioural activation is the second competence
    assert AuditEvent.objects.filter(action="competences.exported", actor=world.user("admin")).exists()


def test_the_command_writes_the_same_workbook(world, tmp_path):
    fa.ensure_reference()
    out = tmp_path / "grid.xlsx"
    call_command("export_competences", "--cohort", world.cohort.code, "-o", str(out))
    rows = list(load_workbook(out).active.values)
    assert len(rows) == 3
    assert {row[1] for row in rows[1:]} == {"trainee", "other.trainee"}
    with pytest.raises(CommandError, match="No cohort"):
        call_command("export_competences", "--cohort", "nope", "-o", str(out))


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_a_spreadsheet_would_run_are_escaped(text):
    assert escape_cell(text) == "'" + text


def test_other_cells_pass_through():
    assert escape_cell("Dana Okafor") == "Dana Okafor"
    assert escape_cell(-3) == -3
    assert escape_cell(None) is None
    aware = datetime(2026, 7, 1, 11, 0, tzinfo=UTC)
    assert escape_cell(aware) == datetime(2026, 7, 1, 12, 0)  # London summer time, no tzinfo


def test_write_xlsx_streams_rows_and_render_csv_escapes(tmp_path):
    def rows():
        yield ["=cmd", 1]
        yield ["plain", 2]

    write_xlsx(
        [Sheet("A sheet: with [bad] chars/and a very long title", ["a", "b"], rows())], tmp_path / "x.xlsx"
    )
    workbook = load_workbook(tmp_path / "x.xlsx")
    assert workbook.sheetnames == ["A sheet  with  bad  chars and a"]
    assert list(workbook.active.values) == [("a", "b"), ("'=cmd", 1), ("plain", 2)]
    export = render_csv("x.csv", Sheet("x", ["a"], [["@x"]]))
    assert export.content.decode("utf-8-sig").splitlines() == ["a", "'@x"]
