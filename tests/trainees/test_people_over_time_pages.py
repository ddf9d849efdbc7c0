"""People over time on pages: withdraw, transfer and change route, each confirmed before it is made."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from curriculum.models import Route
from tests import factories as f
from trainees.models import Enrolment, EnrolmentChange, SupervisorAssignment

pytestmark = pytest.mark.django_db


def _post(client, name, enrolment, data, *, confirmed=None):
    payload = dict(data)
    if confirmed:
        payload["confirmed"] = confirmed
    return client.post(reverse(f"trainees:{name}", args=[enrolment.pk]), payload)


def test_withdrawing_asks_for_confirmation_then_ends_each_supervisor_with_its_own_audit_line(client, world):
    client.force_login(world.user("admin"))
    today = timezone.localdate()
    data = {"on": today.isoformat(), "reason": "Left the service"}
    first = _post(client, "withdraw", world.enrolment, data)
    assert first.status_code == 200
    page = first.content.decode()
    assert "Check before you confirm" in page
    assert "each of their current supervisors stops supervising them on that day" in page
    world.enrolment.refresh_from_db()
    assert world.enrolment.status == Enrolment.Status.ACTIVE  # nothing happens before confirming

    second = _post(client, "withdraw", world.enrolment, data, confirmed="yes")
    assert second.status_code == 302
    assert second["Location"] == reverse("trainees:detail", args=[world.enrolment.pk])
    world.enrolment.refresh_from_db()
    assert world.enrolment.status == Enrolment.Status.WITHDRAWN
    assignments = SupervisorAssignment.objects.filter(enrolment=world.enrolment)
    assert {a.ends_on for a in assignments} == {today}
    endings = AuditEvent.objects.filter(action="supervisor.assignment_ended", actor=world.user("admin"))
    assert sorted(int(e.object_id) for e in endings) == sorted(a.pk for a in assignments)
    assert EnrolmentChange.objects.get(enrolment=world.enrolment).reason == "Left the service"

    record = client.get(reverse("trainees:detail", args=[world.enrolment.pk])).content.decode()
    assert "Changes over time" in record and "Reason: Left the service" in record
    assert reverse("trainees:withdraw", args=[world.enrolment.pk]) not in record  # already withdrawn


def test_change_what_you_entered_goes_back_to_the_form_with_the_answers(client, world):
    client.force_login(world.user("admin"))
    data = {"on": timezone.localdate().isoformat(), "reason": "Moving away"}
    response = _post(client, "withdraw", world.enrolment, data, confirmed="edit")
    page = response.content.decode()
    assert "Check before you confirm" not in page and "Moving away" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"on": "", "reason": "x"}, "Enter the date of the change"),
        ({"on": "2000-01-01", "reason": "x"}, "cannot be before"),
        ({"on": "today", "reason": "   "}, "Give the reason"),
    ],
)
def test_mistakes_are_named_and_nothing_changes(client, world, data, message):
    client.force_login(world.user("admin"))
    if data["on"] == "today":
        data = {**data, "on": timezone.localdate().isoformat()}
    response = _post(client, "withdraw", world.enrolment, data, confirmed="yes")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message.lower() in page.lower()
    world.enrolment.refresh_from_db()
    assert world.enrolment.status == Enrolment.Status.ACTIVE


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "educator", "lead"])
def test_people_who_see_the_record_but_do_not_administer_cannot_withdraw(client, world, persona):
    client.force_login(world.user(persona))
    data = {"on": timezone.localdate().isoformat(), "reason": "No"}
    assert _post(client, "withdraw", world.enrolment, data, confirmed="yes").status_code == 403
    world.enrolment.refresh_from_db()
    assert world.enrolment.status == Enrolment.Status.ACTIVE
    assert AuditEvent.objects.filter(action="access.forbidden", actor=world.user(persona)).exists()
    record = client.get(reverse("trainees:detail", args=[world.enrolment.pk])).content.decode()
    assert reverse("trainees:withdraw", args=[world.enrolment.pk]) not in record


def test_the_administrator_sees_the_links_on_the_trainee_page(client, world):
    client.force_login(world.user("admin"))
    record = client.get(reverse("trainees:detail", args=[world.enrolment.pk])).content.decode()
    for name in ("withdraw", "transfer", "change_route"):
        assert reverse(f"trainees:{name}", args=[world.enrolment.pk]) in record


def test_a_transfer_offers_only_cohorts_the_administrator_runs_on_the_same_curriculum(client, world):
    later = f.CohortFactory(programme=world.programme, name="September intake")
    client.force_login(world.user("admin"))
    url = reverse("trainees:transfer", args=[world.enrolment.pk])
    page = client.get(url).content.decode()
    assert "September intake" in page
    assert world.other_cohort.name not in page  # another provider's cohort
    refused = client.post(
        url,
        {
            "cohort": world.other_cohort.pk,
            "on": timezone.localdate().isoformat(),
            "reason": "x",
            "confirmed": "yes",
        },
    )
    assert "Choose one of the cohorts listed" in refused.content.decode()
    data = {"cohort": later.pk, "on": timezone.localdate().isoformat(), "reason": "Deferred a term"}
    confirm = client.post(url, data).content.decode()
    assert "moves from Cohort A to September intake" in confirm
    assert client.post(url, {**data, "confirmed": "yes"}).status_code == 302
    world.enrolment.refresh_from_db()
    assert world.enrolment.cohort == later
    record = client.get(reverse("trainees:detail", args=[world.enrolment.pk])).content.decode()
    assert "Transferred from Cohort A to September intake" in record


def test_a_transfer_to_a_cohort_without_the_trainees_route_is_refused_with_a_reason(client, world):
    later = f.CohortFactory(programme=world.programme, name="Top-up cohort")
    other_route = Route.objects.filter(edition=world.programme.edition).exclude(pk=world.enrolment.route_id)
    later.routes.set([other_route.first()])
    client.force_login(world.user("admin"))
    data = {"cohort": later.pk, "on": timezone.localdate().isoformat(), "reason": "x", "confirmed": "yes"}
    response = client.post(reverse("trainees:transfer", args=[world.enrolment.pk]), data)
    assert "does not offer the route" in response.content.decode()
    world.enrolment.refresh_from_db()
    assert world.enrolment.cohort == world.cohort


def test_a_route_change_offers_only_the_cohorts_routes(client, world):
    other = Route.objects.filter(edition=world.programme.edition).exclude(pk=world.enrolment.route_id).first()
    world.cohort.routes.set([world.enrolment.route])  # the cohort offers only the trainee's own route
    client.force_login(world.user("admin"))
    url = reverse("trainees:change_route", args=[world.enrolment.pk])
    page = client.get(url).content.decode()
    assert "offers no other route" in page
    on = (timezone.localdate() - timedelta(days=1)).isoformat()
    refused = client.post(url, {"route": other.pk, "on": on, "reason": "x", "confirmed": "yes"})
    assert "the cohort does not offer that route" in refused.content.decode()

    world.cohort.routes.set([world.enrolment.route, other])
    assert other.name in client.get(url).content.decode()
    done = client.post(url, {"route": other.pk, "on": on, "reason": "Top-up", "confirmed": "yes"})
    assert done.status_code == 302
    world.enrolment.refresh_from_db()
    assert world.enrolment.route == other
    assert AuditEvent.objects.filter(
        action="enrolment.route_changed", object_id=str(world.enrolment.pk)
    ).exists()
