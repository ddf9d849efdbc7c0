"""Caseload pages: what each person sees and may do, and query counts that do not grow with the data."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.trainees.factories_caseload import CaseFactory, ContactFactory, intervention
from tests.trainees.pins import COHORT_PAGE_QUERIES, REMEMBERING
from trainees.models import (
    Case,
    CaseloadImport,
    CaseloadSettings,
    ColumnMapping,
    Contact,
    SupervisorAssignment,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def url(name, *args):
    return reverse(f"trainees:{name}", args=args)


def some_caseload(enrolment, cases: int, contacts_each: int = 2):
    for n in range(cases):
        case = CaseFactory(enrolment=enrolment, opened_on=TODAY - timedelta(days=60 - n % 50))
        for k in range(contacts_each):
            ContactFactory(
                case=case, date=case.opened_on + timedelta(days=7 * k), type=["assessment", "review"][k % 2]
            )


def test_the_trainee_sees_their_caseload_with_an_accessible_chart_and_table(client, world):
    some_caseload(world.enrolment, 4)
    client.force_login(world.user("trainee"))
    page = client.get(url("caseload", world.enrolment.pk)).content.decode()
    assert "<h1>My caseload</h1>" in page
    assert 'role="img" aria-labelledby="caseload-chart-title caseload-chart-desc"' in page
    assert '<title id="caseload-chart-title">' in page and '<desc id="caseload-chart-desc">' in page
    assert "Patients seen by the end of each month of training" in page  # the data table beside the chart
    assert "<polyline" in page
    assert "Record a contact" in page and "Import from the service" in page
    assert page.count("NV-") >= 4
    assert "style=" not in page  # the content security policy forbids inline styles


def test_a_supervisor_reads_a_supervisees_caseload_but_cannot_record(client, world):
    some_caseload(world.enrolment, 2)
    client.force_login(world.user("supervisor"))
    page = client.get(url("caseload", world.enrolment.pk)).content.decode()
    assert "<h1>Caseload</h1>" in page
    assert "Record a contact" not in page and ">Close<" not in page
    response = client.post(url("caseload_contact_new", world.enrolment.pk), {"case_reference": "NV-9"})
    assert response.status_code == 403
    assert Contact.objects.count() == 4


def test_the_overview_is_drawn_for_its_reader_and_again_once_a_contact_is_recorded(client, world):
    """The figures, chart and tables are remembered as drawn: the trainee's ("you") and staff's (the trainee's
    name) side by side, each drawn afresh when the records change."""
    from trainees.caseload.services import record_contact
    from trainees.enrolment.facts import forget_bumped

    some_caseload(world.enrolment, 2)
    target = url("caseload", world.enrolment.pk)
    name = world.enrolment.user.display_name

    def seen_as(persona) -> tuple[str, str]:
        client.force_login(world.user(persona))
        page = client.get(target).content.decode()
        title = page.split('<title id="caseload-chart-title">')[1].split("</title>")[0]
        patients = page.split("Patients seen</dt>")[1].split(",")[0].split(">")[-1]
        return title, patients

    assert seen_as("trainee") == ("Patients seen by you against the ramp, by month of training", "2")
    assert seen_as("supervisor") == (f"Patients seen by {name} against the ramp, by month of training", "2")
    assert seen_as("trainee")[0].startswith("Patients seen by you ")  # not the supervisor's drawing
    record_contact(
        actor=world.user("trainee"),
        enrolment=world.enrolment,
        case_reference="NV-NEW-1",
        date=TODAY - timedelta(days=1),
        type="assessment",
        mode="telephone",
        minutes=40,
    )
    forget_bumped()  # the next request
    assert seen_as("trainee")[1] == "3"
    assert seen_as("supervisor")[1] == "3"


@pytest.mark.parametrize("cases", [3, 60])
def test_the_caseload_page_costs_the_same_queries_however_big_the_caseload(
    client, world, cases, django_assert_num_queries
):
    some_caseload(world.enrolment, cases)
    # Half the cases closed, so the closed-cases list has rows (and more than a page of 25 at 60).
    Case.objects.filter(pk__in=list(Case.objects.values_list("pk", flat=True)[::2])).update(
        status="closed", closed_on=TODAY, end_reason="treatment completed by mutual agreement"
    )
    client.force_login(world.user("trainee"))
    target = url("caseload", world.enrolment.pk)
    # +1 the header's unread notifications; the open and the closed cases lists a query each (paged without
    # a count query); the overview (ramp, figures, year, practice) remembered, and within it the figures
    with django_assert_num_queries(22 + 2 * REMEMBERING):
        response = client.get(target)
    assert response.status_code == 200
    page = response.content.decode()
    # Seen again: the overview read in one query in place of the 9 that work it out (the lists are read live)
    with django_assert_num_queries(22 - 9 + 1):
        assert client.get(target).status_code == 200
    assert "Treatment completed by mutual agreement" in page
    # Paged without counting: "Page 1" and a next page, never "Page 1 of 2" (30 open and 30 closed at 60)
    open_list = page.split("<h2>Open cases</h2>")[1].split("<h2>Closed cases</h2>")[0]
    closed_list = page.split("<h2>Closed cases</h2>")[1].split("<h2>Contacts</h2>")[0]
    closed = Case.objects.filter(status="closed").count()
    for name, listed, count in (
        ("Open cases", open_list, cases - closed),
        ("Closed cases", closed_list, closed),
    ):
        assert (f'aria-label="Pages of {name}"' in listed) == (cases == 60)
        assert "Page 1 of" not in listed
        assert listed.count('<tr class="nhsuk-table__row">') == 1 + min(count, 25)  # the header and a page


def test_closed_cases_show_when_and_why_each_referral_ended_to_the_trainee_and_staff(client, world):
    ended = CaseFactory(
        enrolment=world.enrolment,
        reference="NV-END-1",
        opened_on=TODAY - timedelta(days=40),
        status="closed",
        closed_on=TODAY - timedelta(days=3),
        end_reason="treatment ended earlier than the practitioner planned",
    )
    CaseFactory(
        enrolment=world.enrolment,
        reference="NV-END-2",
        opened_on=TODAY - timedelta(days=40),
        status="closed",
        closed_on=TODAY - timedelta(days=10),
    )
    CaseFactory(enrolment=world.enrolment, reference="NV-OPEN", opened_on=TODAY - timedelta(days=5))
    for persona in ("trainee", "supervisor", "educator", "admin"):
        client.force_login(world.user(persona))
        page = client.get(url("caseload", world.enrolment.pk)).content.decode()
        closed = page[page.index("<h2>Closed cases</h2>") : page.index("<h2>Contacts</h2>")]
        assert "NV-END-1" in closed and "NV-END-2" in closed and "NV-OPEN" not in closed, persona
        assert f"{ended.closed_on.day} {ended.closed_on:%b %Y}" in closed
        assert "Treatment ended earlier than the practitioner planned" in closed
        assert "No reason recorded" in closed  # closed by hand or by a discharge contact
        assert closed.index("NV-END-1") < closed.index("NV-END-2")  # latest first


def test_the_trainee_records_a_contact_and_the_case_opens(client, world):
    client.force_login(world.user("trainee"))
    data = {
        "case_reference": " NV-000777 ",
        "presenting_problem": "panic",
        "date": (TODAY - timedelta(days=1)).isoformat(),
        "type": "treatment",
        "mode": "video",
        "intervention": intervention("panic-management").pk,
        "minutes": "35",
        "phq9": "12",
        "gad7": "",
        "wsas": "",
        "outcome": "",
    }
    response = client.post(url("caseload_contact_new", world.enrolment.pk), data)
    assert response.status_code == 302 and response["Location"] == url("caseload", world.enrolment.pk)
    contact = Contact.objects.get()
    assert (contact.case.reference, contact.case.presenting_problem, contact.minutes, contact.phq9) == (
        "NV-000777",
        "panic",
        35,
        12,
    )
    response = client.post(
        url("caseload_contact_new", world.enrolment.pk), {**data, "type": "review", "another": "1"}
    )
    assert response["Location"] == url("caseload_contact_new", world.enrolment.pk)


def test_an_identifying_reference_is_refused_in_the_nhs_error_pattern(client, world):
    client.force_login(world.user("trainee"))
    response = client.post(
        url("caseload_contact_new", world.enrolment.pk),
        {
            "case_reference": "943 476 5919",
            "date": (TODAY - timedelta(days=1)).isoformat(),
            "type": "treatment",
            "mode": "telephone",
            "minutes": "30",
            "phq9": "40",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "NHS number" in page
    assert "Select the intervention" in page
    assert "PHQ-9" in page and 'href="#id_phq9"' in page
    assert not Contact.objects.exists() and not Case.objects.exists()


def test_a_trainee_closes_an_open_case(client, world):
    case = CaseFactory(enrolment=world.enrolment, opened_on=TODAY - timedelta(days=30))
    client.force_login(world.user("trainee"))
    page = client.get(url("caseload", world.enrolment.pk)).content.decode()
    assert url("caseload_case_close", world.enrolment.pk, case.pk) in page
    response = client.post(
        url("caseload_case_close", world.enrolment.pk, case.pk), {"closed_on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closed_on) == ("closed", TODAY)


def test_nobody_closes_someone_elses_case(client, world):
    mine = CaseFactory(enrolment=world.enrolment, opened_on=TODAY - timedelta(days=30))
    theirs = CaseFactory(enrolment=world.other_enrolment, opened_on=TODAY - timedelta(days=30))
    client.force_login(world.user("other_trainee"))
    # Another trainee's case under their own record, and their own case under someone else's record: 404.
    assert client.post(url("caseload_case_close", world.enrolment.pk, mine.pk)).status_code == 404
    client.force_login(world.user("trainee"))
    assert client.post(url("caseload_case_close", world.enrolment.pk, theirs.pk)).status_code == 404
    for case in (mine, theirs):
        case.refresh_from_db()
        assert case.status == "open"


def test_the_programme_lead_sets_the_ramp_and_an_educator_only_reads_it(client, world):
    target = url("caseload_settings", world.programme.code)
    client.force_login(world.user("educator"))
    page = client.get(target).content.decode()
    assert "179 patients" in page and "Save the ramp" not in page
    assert client.post(target, {"annual_caseload": "100"}).status_code == 403
    client.force_login(world.user("lead"))
    curriculum_ramp = CaseloadSettings._meta.get_field("profile").related_model.objects.get(code="curriculum")
    response = client.post(
        target,
        {
            "profile": curriculum_ramp.pk,
            "annual_caseload": "250",
            "none_months": "",
            "contact_hours_target": "80",
        },
    )
    assert response.status_code == 302
    assert CaseloadSettings.objects.get(programme=world.programme).profile == curriculum_ramp
    assert "73 patients" in client.get(target).content.decode()


def test_a_column_mapping_is_saved_for_the_trainees_service(client, world):
    client.force_login(world.user("trainee"))
    data = {
        "name": "IAPTus",
        "heading_case_reference": "Client ID",
        "heading_date": "Appt Date",
        "heading_type": "Appt Type",
        "heading_mode": "Medium",
        "heading_minutes": "Duration",
    }
    response = client.post(url("caseload_mapping_new", world.enrolment.pk), data)
    assert response.status_code == 302
    mapping = ColumnMapping.objects.get()
    assert mapping.service == world.enrolment.employing_service
    assert mapping.headings["date"] == "Appt Date"
    response = client.post(
        url("caseload_mapping_new", world.enrolment.pk), {**data, "heading_type": "Client ID"}
    )
    assert "different heading" in response.content.decode()


def test_an_import_is_visible_to_whoever_sees_the_trainee(client, world):
    job = CaseloadImport.objects.create(
        enrolment=world.enrolment,
        service=world.enrolment.employing_service,
        original_name="export.csv",
        file_format="csv",
        status="rejected",
        errors=[{"sheet": "CSV", "row": 3, "column": "B", "heading": "Date", "reason": "Not a date."}],
        error_count=1,
    )
    client.force_login(world.user("supervisor"))
    page = client.get(url("caseload_import", world.enrolment.pk, job.pk)).content.decode()
    assert "Not a date." in page and "B (Date)" in page
    client.force_login(world.user("other_trainee"))
    assert client.get(url("caseload_import", world.other_enrolment.pk, job.pk)).status_code == 404


def test_the_trainee_page_shows_the_caseload_section(client, world):
    client.force_login(world.user("educator"))
    page = client.get(url("detail", world.enrolment.pk)).content.decode()
    assert 'id="caseload-heading"' in page
    assert url("caseload", world.enrolment.pk) in page


@pytest.mark.parametrize("size", [10, 200])
def test_the_cohort_page_shows_caseload_columns_in_constant_queries(
    client, curriculum, size, django_assert_num_queries
):
    cohort = f.CohortFactory(start_date=TODAY - timedelta(days=200))
    enrolments = f.EnrolmentFactory.create_batch(size, cohort=cohort)
    for enrolment in enrolments[:5]:
        some_caseload(enrolment, 3)
    client.force_login(f.ProgrammeMembershipFactory(programme=cohort.programme).user)
    target = reverse("trainees:cohort", args=[cohort.code]) + "?per_page=500"
    with django_assert_num_queries(COHORT_PAGE_QUERIES):
        response = client.get(target)
    page = response.content.decode()
    assert "Patients (actual of expected)" in page
    assert page.count("nhsuk-tag--") >= size


@pytest.mark.parametrize("size", [2, 20])
def test_a_supervisor_sees_every_supervisees_caseload_in_constant_queries(
    client, curriculum, size, django_assert_num_queries
):
    supervisor = f.UserFactory()
    for _ in range(size):
        enrolment = f.EnrolmentFactory(cohort__start_date=TODAY - timedelta(days=200))
        f.SupervisorAssignmentFactory(
            enrolment=enrolment, supervisor=supervisor, kind=SupervisorAssignment.Kind.CASE_MANAGEMENT
        )
        some_caseload(enrolment, 2)
    client.force_login(supervisor)
    with django_assert_num_queries(12 + REMEMBERING):  # +1 the header's unread notifications
        response = client.get(url("caseload_supervisees"))
    assert response.content.decode().count("/caseload/") >= size
