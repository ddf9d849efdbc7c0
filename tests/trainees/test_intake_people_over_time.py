"""People over time: withdrawal, transfer and change of route, each dated, with a reason, kept in history."""

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import DomainError
from curriculum.models import Route
from tests import factories as f
from trainees.enrolment import services
from trainees.models import Enrolment, EnrolmentChange, SupervisorAssignment

pytestmark = pytest.mark.django_db


def test_a_withdrawal_keeps_the_records_and_ends_the_supervisors(world):
    today = timezone.localdate()
    enrolment = services.withdraw(
        actor=world.user("admin"), enrolment=world.enrolment, on=today, reason="Left post"
    )
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert not SupervisorAssignment.objects.current(today + timezone.timedelta(days=1)).filter(
        enrolment=enrolment
    )
    change = EnrolmentChange.objects.get(enrolment=enrolment)
    assert (change.kind, change.reason, change.before) == ("withdrawn", "Left post", {"status": "active"})
    assert AuditEvent.objects.filter(action="enrolment.withdrawn", object_id=str(enrolment.pk)).exists()
    with pytest.raises(DomainError, match="already withdrawn"):
        services.withdraw(actor=world.user("admin"), enrolment=enrolment, on=today, reason="Again")


def test_a_transfer_moves_the_enrolment_and_keeps_where_it_was(world):
    later = f.CohortFactory(programme=world.programme, code="cohort-a-later")
    services.transfer_cohort(
        actor=world.user("admin"),
        enrolment=world.enrolment,
        cohort=later,
        on=timezone.localdate(),
        reason="Deferred",
    )
    world.enrolment.refresh_from_db()
    assert world.enrolment.cohort == later
    assert EnrolmentChange.objects.get(enrolment=world.enrolment).before == {"cohort": "cohort-a"}


def test_a_route_change_is_recorded_and_needs_a_reason(world):
    cpd = Route.objects.get(edition=world.programme.edition, code="cpd")
    with pytest.raises(DomainError, match="reason"):
        services.change_route(
            actor=world.user("admin"),
            enrolment=world.enrolment,
            route=cpd,
            on=timezone.localdate(),
            reason=" ",
        )
    services.change_route(
        actor=world.user("admin"),
        enrolment=world.enrolment,
        route=cpd,
        on=timezone.localdate(),
        reason="Qualified",
    )
    world.enrolment.refresh_from_db()
    assert world.enrolment.route == cpd


def test_only_the_programmes_administrators_change_an_enrolment(world):
    with pytest.raises(DomainError, match="administrators"):
        services.withdraw(
            actor=world.user("lead"), enrolment=world.enrolment, on=timezone.localdate(), reason="No"
        )
    world.enrolment.refresh_from_db()
    assert world.enrolment.status == Enrolment.Status.ACTIVE
