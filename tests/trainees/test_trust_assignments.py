"""Actions that cannot be taken back ask first; an ending made by mistake can be restored that day; only a
qualified practitioner with a supervisor profile can be assigned as a supervisor."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import DomainError
from tests import factories as f
from tests.trainees.factories_supervision import SessionFactory
from trainees.enrolment.services import assign_supervisor
from trainees.models import SupervisionSession, SupervisorAssignment, SupervisorProfile
from trainees.supervision import services

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def the_assignment(world):
    return SupervisorAssignment.objects.filter(
        enrolment=world.enrolment, supervisor=world.user("supervisor")
    ).first()


def test_ending_an_assignment_asks_first_on_its_own_page(client, world):
    assignment = the_assignment(world)
    client.force_login(world.user("educator"))
    listing = client.get(
        reverse("trainees:supervisor_assignments", args=[world.enrolment.pk])
    ).content.decode()
    end_url = reverse("trainees:supervisor_assignment_end", args=[assignment.pk])
    assert f'href="{end_url}"' in listing
    assert f'action="{end_url}"' not in listing  # no one-click end button on the list
    page = client.get(end_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "What will change" in text and "End the assignment" in text
    assignment.refresh_from_db()
    assert assignment.ends_on is None  # the GET changed nothing
    assert not AuditEvent.objects.filter(action="supervisor.assignment_ended").exists()
    response = client.post(end_url, {"ends_on": today().isoformat()})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ends_on == today()
    assert AuditEvent.objects.get(action="supervisor.assignment_ended").actor == world.user("educator")


def test_the_person_who_ended_an_assignment_can_restore_it_the_same_day(client, world):
    assignment = the_assignment(world)
    planned = today() + timedelta(days=90)
    assignment.ends_on = planned
    assignment.save(update_fields=["ends_on"])
    educator, lead = world.user("educator"), world.user("lead")
    services.end_assignment(actor=educator, assignment=assignment, ends_on=today())

    # Someone else may not restore it.
    with pytest.raises(DomainError, match="Only the person who ended"):
        services.restore_assignment(actor=lead, assignment=assignment)
    client.force_login(lead)
    url = reverse("trainees:supervisor_assignment_restore", args=[assignment.pk])
    assert "Only the person who ended" in client.get(url).content.decode()
    assert client.post(url).status_code == 400

    # The person who ended it sees a Restore link, a page that says what will change, and restores it.
    client.force_login(educator)
    listing = client.get(
        reverse("trainees:supervisor_assignments", args=[world.enrolment.pk])
    ).content.decode()
    assert f'href="{url}"' in listing
    page = client.get(url).content.decode()
    assert "Restore the assignment" in page and f"{planned:%-d %B %Y}" in page
    assert client.post(url).status_code == 302
    assignment.refresh_from_db()
    assert assignment.ends_on == planned
    event = AuditEvent.objects.get(action="supervisor.assignment_restored")
    assert event.actor == educator and event.after == {"ends_on": planned.isoformat()}
    # Once restored, there is nothing left to restore.
    with pytest.raises(DomainError):
        services.restore_assignment(actor=educator, assignment=assignment)


def test_an_ending_cannot_be_restored_the_next_day(world):
    assignment = the_assignment(world)
    educator = world.user("educator")
    services.end_assignment(actor=educator, assignment=assignment, ends_on=today())
    tomorrow = today() + timedelta(days=1)
    with (
        mock.patch("django.utils.timezone.localdate", return_value=tomorrow),
        pytest.raises(DomainError, match="only on the day they ended it"),
    ):
        services.restore_assignment(actor=educator, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.ends_on == today()


def test_withdrawing_a_supervision_entry_asks_first(client, world):
    session = SessionFactory(enrolment=world.enrolment, supervisor=world.user("supervisor"))
    client.force_login(world.user("trainee"))
    url = reverse("trainees:supervision_session_withdraw", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Withdraw the entry" in page.content.decode()
    assert SupervisionSession.objects.filter(pk=session.pk).exists()
    assert client.post(url).status_code == 302
    assert not SupervisionSession.objects.filter(pk=session.pk).exists()
    assert AuditEvent.objects.filter(action="supervision.withdrawn").exists()


# --- who may supervise -----------------------------------------------------------------------------------


def profile(user, qualified_on=date(2018, 9, 1), background="Senior PWP."):
    return SupervisorProfile.objects.create(
        user=user, professional_background=background, qualified_as_pwp_on=qualified_on
    )


def test_a_trainee_in_training_cannot_be_assigned_as_a_supervisor(client, world):
    first_month = f.EnrolmentFactory(start_date=today() - timedelta(days=20)).user
    profile(first_month)  # even with a profile
    client.force_login(world.user("educator"))
    url = reverse("trainees:supervisor_assignments", args=[world.enrolment.pk])
    response = client.post(
        url, {"username": first_month.username, "kind": "case_management", "starts_on": today().isoformat()}
    )
    assert response.status_code == 200
    assert "is still training as a PWP" in response.content.decode()
    assert not SupervisorAssignment.objects.filter(supervisor=first_month).exists()
    with pytest.raises(DomainError, match="still training"):
        assign_supervisor(
            actor=None,
            enrolment=world.enrolment,
            supervisor=first_month,
            kind=SupervisorAssignment.Kind.CASE_MANAGEMENT,
            starts_on=today(),
        )


def test_a_supervisor_needs_a_profile_that_says_they_are_qualified(client, world):
    person = f.UserFactory(username="no.profile")
    client.force_login(world.user("educator"))
    url = reverse("trainees:supervisor_assignments", args=[world.enrolment.pk])
    data = {"username": "no.profile", "kind": "clinical_skills", "starts_on": today().isoformat()}
    assert "has no supervisor profile" in client.post(url, data).content.decode()
    empty = profile(person, qualified_on=None, background="")
    assert "says neither when they qualified" in client.post(url, data).content.decode()
    empty.qualified_as_pwp_on = today() + timedelta(days=30)
    empty.save()
    assert "qualifies as a PWP on" in client.post(url, data).content.decode()
    empty.qualified_as_pwp_on = date(2019, 1, 1)
    empty.save()
    assert client.post(url, data).status_code == 302
    # A line manager need not be a supervisor.
    manager = f.UserFactory(username="line.manager")
    data = {"username": "line.manager", "kind": "line_manager", "starts_on": today().isoformat()}
    assert client.post(url, data).status_code == 302
    assert SupervisorAssignment.objects.filter(supervisor=manager).exists()
