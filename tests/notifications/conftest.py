"""Notification kinds loaded from fixtures/, and one of each record waiting for a supervisor. E-mail goes to
the real loopback SMTP server of tests/smtp.py (`smtp_inbox`)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from curriculum.models import Module
from notifications.reference import load_notification_kinds
from trainees.attendance.services import log_workplace_day
from trainees.cpd.services import record_cpd_activity
from trainees.models import SupervisionSession
from trainees.supervision.services import log_session


@pytest.fixture
def kinds(db):
    load_notification_kinds()


@pytest.fixture
def waiting(world, kinds):
    """One of each thing waiting for someone, logged a day ago."""
    trainee = world.enrolment.user
    day = timezone.localdate() - timedelta(days=1)
    session = log_session(
        actor=trainee,
        enrolment=world.enrolment,
        kind=SupervisionSession.Kind.CASE_MANAGEMENT,
        on=day,
        minutes=60,
        supervisor=world.user("supervisor"),
    )
    module = Module.objects.filter(edition=world.programme.edition).order_by("number").first()
    workplace = log_workplace_day(
        actor=trainee,
        enrolment=world.enrolment,
        day=day,
        module=module,
        activity="Shadowed a clinic",
        reflection="Learnt how triage works.",
    )
    cpd = record_cpd_activity(
        actor=trainee, enrolment=world.enrolment, date=day, title="Workshop", hours=Decimal("2")
    )
    return {"session": session, "workplace": workplace, "cpd": cpd}
