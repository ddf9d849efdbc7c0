"""The home page asks once which sections the person has anything in, and shows exactly those (issue 20)."""

import pytest
from django.urls import reverse

from config.views import sections_held
from tests import factories as f
from tests.trainees.factories_supervision import SessionFactory

pytestmark = pytest.mark.django_db

HEADINGS = {
    "enrolments": "My training",
    "supervisees": "My supervisees",
    "cohorts": "My cohorts",
    "programmes": "Programmes you administer",
    "visits": "My accreditation visits",
}


def shown(client, user) -> set[str]:
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    return {name for name, heading in HEADINGS.items() if f">{heading}</h2>" in page}


def test_someone_with_no_role_is_told_so_and_sees_no_section(client, curriculum):
    user = f.UserFactory()
    assert sections_held(user) == set()
    assert shown(client, user) == set()
    client.force_login(user)
    assert "You do not have a role on any programme yet" in client.get(reverse("home")).content.decode()


def test_each_role_brings_its_own_section_and_only_its_own(client, curriculum):
    cohort = f.CohortFactory()
    trainee = f.EnrolmentFactory(cohort=cohort).user
    educator = f.ProgrammeMembershipFactory(programme=cohort.programme).user
    supervisor = f.SupervisorAssignmentFactory(enrolment=f.EnrolmentFactory(cohort=cohort)).supervisor
    administrator = f.AdministratorFactory(organisation=cohort.programme.hei).user
    visitor = f.VisitAssignmentFactory(visit=f.VisitFactory(programme=cohort.programme)).visitor
    expected = {
        trainee: {"enrolments"},
        educator: {"cohorts"},
        supervisor: {"supervisees"},
        administrator: {"cohorts", "programmes"},
        visitor: {"visits"},
    }
    for user, sections in expected.items():
        assert sections_held(user) == sections, user.username
        assert shown(client, user) == sections, user.username


def test_a_trainee_who_also_supervises_and_teaches_sees_all_three(client, curriculum):
    cohort = f.CohortFactory()
    person = f.EnrolmentFactory(cohort=cohort).user
    f.SupervisorAssignmentFactory(enrolment=f.EnrolmentFactory(cohort=cohort), supervisor=person)
    f.ProgrammeMembershipFactory(programme=cohort.programme, user=person)
    assert sections_held(person) == {"enrolments", "supervisees", "cohorts"}
    assert shown(client, person) == {"enrolments", "supervisees", "cohorts"}


def test_the_query_is_built_once_a_day_and_asks_about_that_day(
    curriculum, monkeypatch, django_assert_num_queries
):
    """The SQL is built from the selectors once a day and reused for everyone: an assignment that ends today
    counts today and not tomorrow, and each person gets their own answer."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    ending = f.SupervisorAssignmentFactory(ends_on=today)
    lasting = f.SupervisorAssignmentFactory()
    from config.views import _sections_query

    assert sections_held(ending.supervisor) == {"supervisees"}
    built = _sections_query.cache_info().misses
    for person, sections in ((lasting.supervisor, {"supervisees"}), (ending.enrolment.user, {"enrolments"})):
        with django_assert_num_queries(1):
            assert sections_held(person) == sections
    assert _sections_query.cache_info().misses == built  # not built again
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + timedelta(days=1))
    assert sections_held(ending.supervisor) == set()
    assert sections_held(lasting.supervisor) == {"supervisees"}


def test_a_former_supervisor_still_sees_the_sessions_waiting_for_their_confirmation(client, curriculum):
    session = SessionFactory(enrolment=f.EnrolmentFactory())  # logged with them; they supervise nobody now
    supervisor = session.supervisor
    assert sections_held(supervisor) == {"awaiting"}
    client.force_login(supervisor)
    page = client.get(reverse("home")).content.decode()
    assert "Entries waiting for your confirmation" in page
    assert session.enrolment.user.display_name in page


def test_without_supervisees_or_waiting_sessions_there_is_no_supervision_panel(client, curriculum):
    educator = f.ProgrammeMembershipFactory(programme=f.CohortFactory().programme).user
    client.force_login(educator)
    response = client.get(reverse("home"))
    assert response.context["supervision"] == {}
    assert "Waiting for you" not in response.content.decode()
