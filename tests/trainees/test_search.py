"""The header search finds trainees by name, username, student number or (for their supervisor) a case
reference, and never anyone the searcher could not open: tested for every persona against the record page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.world import PERSONAS
from trainees.models import Case, Enrolment, SupervisorAssignment

pytestmark = pytest.mark.django_db

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]


@pytest.fixture
def searchable(world):
    """The world's two trainees, a third on programme B, and a fourth whose supervisor's assignment ended."""
    today = timezone.localdate()
    elsewhere = f.EnrolmentFactory(
        cohort=world.other_cohort, user=f.UserFactory(first_name="Bea", last_name="Elsewhere")
    )
    former = f.EnrolmentFactory(
        cohort=world.cohort, user=f.UserFactory(first_name="Fern", last_name="Former")
    )
    f.SupervisorAssignmentFactory(
        enrolment=former,
        supervisor=world.user("supervisor"),
        kind=SupervisorAssignment.Kind.CASE_MANAGEMENT,
        starts_on=today - timedelta(days=200),
        ends_on=today - timedelta(days=10),
    )
    enrolments = [world.enrolment, world.other_enrolment, elsewhere, former]
    for number, enrolment in enumerate(enrolments, start=1):
        Enrolment.objects.filter(pk=enrolment.pk).update(student_number=f"S90{number}")
        Case.objects.create(
            enrolment=enrolment,
            service=enrolment.employing_service,
            reference=f"CASE-{number:03d}",
            opened_on=today - timedelta(days=30),
        )
    return Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).select_related("user")


def found(client, query) -> set[int]:
    response = client.get(reverse("trainees:search"), {"q": query})
    assert response.status_code == 200
    return {hit.enrolment.pk for hit in response.context["hits"]}


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_nobody_finds_a_trainee_they_may_not_open(world, searchable, persona):
    client = Client()
    client.force_login(world.user(persona))
    # What the record page itself lets this person open is the truth search must agree with.
    may_open = {
        e.pk for e in searchable if client.get(reverse("trainees:detail", args=[e.pk])).status_code == 200
    }
    supervised_now = set(
        SupervisorAssignment.objects.current()
        .filter(supervisor=world.user(persona), enrolment__in=searchable)
        .values_list("enrolment_id", flat=True)
    )
    for number, enrolment in enumerate(searchable.order_by("pk"), start=1):
        expected = {enrolment.pk} & may_open
        assert found(client, enrolment.user.display_name) & {enrolment.pk} == expected, (persona, "name")
        assert found(client, enrolment.user.username) & {enrolment.pk} == expected, (persona, "username")
        assert found(client, enrolment.student_number) == expected, (persona, "student number")
        # A case reference finds a trainee only for their current supervisor.
        by_case = found(client, f"case-{number:03d}")
        assert by_case == {enrolment.pk} & supervised_now, (persona, "case reference")
        assert by_case <= may_open
    # And broad searches return nothing beyond what the person may open.
    everything = set()
    for letters in ("an", "er", "ee", "ra", "on"):
        everything |= found(client, letters)
    assert everything <= may_open


def test_results_show_cohort_and_stage(client, world, searchable):
    client.force_login(world.user("educator"))
    response = client.get(reverse("trainees:search"), {"q": world.enrolment.user.last_name})
    assert world.cohort.name in response.text
    months = world.enrolment.route.window_months
    assert f"of {months}" in response.text


def test_a_short_query_asks_for_more(client, world):
    client.force_login(world.user("educator"))
    response = client.get(reverse("trainees:search"), {"q": "a"})
    assert response.context["hits"] == [] and "at least 2" in response.text


def test_the_header_search_is_on_every_page_for_signed_in_people_only(client, world):
    assert 'id="search-field"' not in client.get(reverse("accounts:login")).text
    client.force_login(world.user("educator"))
    assert 'id="search-field"' in client.get(reverse("home")).text


# Session and user, the search, the session's save, the header's unread notifications count; one more for
# case references when something matched.
def test_search_costs_the_same_queries_for_few_or_many_matches(client, world, django_assert_num_queries):
    client.force_login(world.user("educator"))
    url = reverse("trainees:search")
    with django_assert_num_queries(7):
        client.get(url, {"q": "Nobody"})
    f.EnrolmentFactory.create_batch(30, cohort=world.cohort, user__last_name="Many")
    with django_assert_num_queries(8):
        client.get(url, {"q": "Many"})
