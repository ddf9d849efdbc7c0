"""The "Am I ready?" page and the cohort readiness table, from constructed facts for the other areas."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AuditEvent
from tests import factories as f
from tests.accreditation import factories_readiness as fr
from tests.trainees.factories_cpd import ConfirmedCpdActivityFactory
from tests.trainees.pins import REMEMBERING

pytestmark = pytest.mark.django_db


def test_the_trainee_sees_what_is_left_in_the_order_to_tackle(client, world, schemes, facts_overrides):
    facts_overrides["trainee"] = {
        "caseload": fr.caseload(contact_hours=73),
        "supervision": fr.summary(cm=13.0),
        "supervisor_reports": fr.reports(final_on=None),
    }
    client.force_login(world.users["trainee"])
    page = client.get(reverse("accreditation:trainee_readiness", args=[world.enrolment.pk])).content.decode()
    assert "Am I ready?" in page
    course = page[page.index("Course completion (PWP award)") :]
    first, second, third = (
        course.index("7 more hours of direct clinical contact"),
        course.index("7 more hours of case-management supervision"),
        course.index("A signed final supervisor&#x27;s report"),
    )
    assert first < second < third
    assert "Qualified-staff CPD route" not in page.split("Check against another scheme")[0]


def test_a_qualified_practitioner_sees_renewal_with_the_next_due_date(
    client, world, schemes, facts_overrides
):
    today = timezone.localdate()
    facts_overrides["trainee"] = {"is_qualified": True, "completed_on": today - timedelta(days=30)}
    ConfirmedCpdActivityFactory(enrolment=world.enrolment, date=today - timedelta(days=3))
    client.force_login(world.users["trainee"])
    page = client.get(reverse("accreditation:trainee_readiness", args=[world.enrolment.pk])).content.decode()
    assert "Renewal" in page and "Next renewal due" in page
    assert "4 more CPD activities with a reflective statement" in page
    assert f"#cpd-{world.enrolment.cpd_activities.get().pk}" in page  # evidence links to the CPD log


def test_any_scheme_and_version_can_be_checked(client, world, schemes, facts_overrides):
    client.force_login(world.users["educator"])
    url = reverse("accreditation:trainee_scheme", args=[world.enrolment.pk, "cpd-route"])
    page = client.get(url).content.decode()
    assert "not meant for this route" in page
    url = reverse("accreditation:trainee_scheme", args=[world.enrolment.pk, "no-such-scheme"])
    assert client.get(url).status_code == 404
    url = reverse("accreditation:trainee_scheme", args=[world.enrolment.pk, "cpd-route"]) + "?version=1999"
    assert client.get(url).status_code == 404


def test_the_cohort_table_filters_by_not_ready_because(client, world, schemes, facts_overrides):
    facts_overrides["trainee"] = {"caseload": fr.caseload(contact_hours=40)}
    facts_overrides["other.trainee"] = {"competences": fr.competences(unsigned=("sleep-hygiene",))}
    client.force_login(world.users["educator"])
    url = reverse("accreditation:cohort_readiness", args=[world.cohort.code])
    page = client.get(url, {"scheme": "course-completion"}).content.decode()
    trainee, other = world.users["trainee"].display_name, world.users["other_trainee"].display_name
    assert trainee in page and other in page
    assert "40 more hours of direct clinical contact" in page
    page = client.get(url, {"scheme": "course-completion", "because": "contact-hours"}).content.decode()
    assert trainee in page and other not in page
    page = client.get(url, {"scheme": "course-completion", "because": "interventions"}).content.decode()
    assert other in page and trainee not in page
    facts_overrides["other.trainee"] = {}
    page = client.get(url, {"scheme": "course-completion", "ready": "yes"}).content.decode()
    assert other in page and trainee not in page


def _cohort(size):
    cohort = f.CohortFactory()
    f.EnrolmentFactory.create_batch(size, cohort=cohort)
    educator = f.ProgrammeMembershipFactory(programme=cohort.programme).user
    return cohort, educator


@pytest.mark.parametrize("size", [10, 200])
def test_the_cohort_table_costs_the_same_queries_for_10_and_200_trainees(
    client, schemes, size, django_assert_num_queries
):
    # Real facts from every area's bulk selectors, not constructed ones.
    cohort, educator = _cohort(size)
    client.force_login(educator)
    url = reverse("accreditation:cohort_readiness", args=[cohort.code]) + "?per_page=500"
    # Every area's bulk selector runs once whatever the cohort's size (about 28 of these are theirs).
    # +1 the header's unread notifications; the facts remembered: readiness, and within it three areas.
    with django_assert_num_queries(37 + 4 * REMEMBERING):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('href="/trainees/') == size


# The workbook is written a batch of trainees at a time (flat memory): a fixed cost, then the same cost for
# every further batch, whatever the records of each trainee.
EXPORT_QUERIES, EXPORT_QUERIES_PER_FURTHER_BATCH = 38 + 4 * REMEMBERING, 27 + 4 * REMEMBERING


@pytest.mark.parametrize("size", [10, 200])
def test_the_cohort_export_costs_the_same_queries_per_batch_of_trainees(
    client, schemes, size, django_assert_num_queries
):
    from accreditation.selectors import WORKBOOK_BATCH

    cohort, educator = _cohort(size)
    client.force_login(educator)
    further_batches = (size - 1) // WORKBOOK_BATCH
    with django_assert_num_queries(EXPORT_QUERIES + EXPORT_QUERIES_PER_FURTHER_BATCH * further_batches):
        response = client.get(reverse("accreditation:cohort_export", args=[cohort.code]))
        content = b"".join(response.streaming_content)
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(BytesIO(content), read_only=True)
    assert sum(1 for _ in workbook["Summary"].iter_rows()) == size + 1
    # Printed, each sheet names the cohort in its page header and repeats its headings on every page.
    printed = load_workbook(BytesIO(content))
    assert printed["Summary"].oddHeader.center.text == f"{cohort.name}: Summary".replace("&", "&&")
    assert printed["Readiness"].print_title_rows == "$1:$1"
    assert AuditEvent.objects.filter(action="export.cohort", object_id=str(cohort.pk)).exists()


def test_the_workbook_sorts_by_the_trainees_names_once_not_in_every_areas_reads(schemes):
    """Reading a batch's records in the models' own order sorted every attendance mark, attempt, catch-up,
    workplace day and interruption by the trainee's cohort and name: four to nine joins each, for rows that
    are grouped by trainee anyway. Only the list of trainees is sorted by name; the workbook is unchanged."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accreditation.services import export_cohort

    cohort, _ = _cohort(3)
    with CaptureQueriesContext(connection) as queries:
        rows = export_cohort(actor=None, cohort=cohort, as_of=timezone.localdate(), target=BytesIO())
    by_name = [
        q["sql"]
        for q in queries.captured_queries
        if '"accounts_user"."last_name"' in q["sql"].partition(" ORDER BY ")[2]
    ]
    assert len(by_name) == 1 and by_name[0].startswith('SELECT "trainees_enrolment"."id"')
    assert rows > 3


def test_the_trainee_page_links_to_readiness_and_the_cpd_log(client, world):
    client.force_login(world.users["trainee"])
    page = client.get(reverse("trainees:detail", args=[world.enrolment.pk])).content.decode()
    assert reverse("accreditation:trainee_readiness", args=[world.enrolment.pk]) in page
    assert reverse("trainees:cpd", args=[world.enrolment.pk]) in page


def test_the_programme_workbook_holds_every_cohort_of_the_programme_and_no_other(
    schemes, tmp_path, monkeypatch
):
    from django.core.management import call_command

    monkeypatch.setattr("accreditation.selectors.WORKBOOK_BATCH", 50)
    first, _ = _cohort(3)
    second = f.CohortFactory(programme=first.programme)
    f.EnrolmentFactory.create_batch(52, cohort=second)  # more than one batch of 50
    elsewhere, _ = _cohort(2)
    output = tmp_path / "programme.xlsx"
    call_command("export_programme", "--programme", first.programme.code, "-o", str(output))
    workbook = load_workbook(output, read_only=True)
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    assert len(summary) == 1 + 3 + 52
    cohorts = {row[2] for row in summary[1:]}
    assert cohorts == {first.code, second.code} and elsewhere.code not in cohorts
    assert sum(1 for _ in workbook["Caseload"].iter_rows()) == 1 + 55
    event = AuditEvent.objects.get(action="export.programme", object_id=str(first.programme.pk))
    assert event.after["trainees"] == 55
