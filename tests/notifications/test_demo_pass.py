"""The daily pass over the demo world on several dates: it completes, re-running a date creates and sends
nothing new, and the deadline kinds reach the people the demo's records say they should."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from assessments.models import Attempt, SubmissionDeadline
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def run(on):
    out = StringIO()
    call_command("send_notifications", "--date", on.isoformat(), stdout=out)
    return out.getvalue()


@override_settings(DEBUG=True)
def test_the_daily_pass_over_the_demo_on_several_dates_is_idempotent(curriculum, smtp_inbox):
    call_command("load_reference_data", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()
    upcoming = (
        SubmissionDeadline.objects.filter(due_on__gt=today + timedelta(days=7)).order_by("due_on").first()
    )
    assert upcoming is not None, "the demo has a deadline still to come"
    dates = [today, today + timedelta(days=1), upcoming.due_on - timedelta(days=7), today + timedelta(days=7)]
    for on in dates:
        assert f"{on}:" in run(on)
        created = Notification.objects.count()
        sent = len(smtp_inbox.messages)
        assert f"{on}: 0 notifications created, 0 e-mails sent." in run(on)
        assert Notification.objects.count() == created
        assert len(smtp_inbox.messages) == sent
    assert Notification.objects.exists() and smtp_inbox.messages

    # trainee.late's resit has waited more than the 15 working days Northvale allows for first marking.
    waiting = Attempt.objects.filter(enrolment__user__username="trainee.late", status="submitted").first()
    overdue = Notification.objects.filter(
        kind__code="marking-return-overdue", subject=f"marking_due:{waiting.pk}"
    )
    assert {n.recipient.username for n in overdue} >= {"educator", "lead"}
    # Someone in the cohort with the upcoming deadline and nothing submitted hears a week before it.
    approaching = Notification.objects.filter(
        kind__code="submission-deadline-approaching", due_on=upcoming.due_on
    ).select_related("enrolment")
    assert approaching.exists()
    assert {n.enrolment.cohort_id for n in approaching} == {upcoming.cohort_id}
    assert all(n.recipient_id == n.enrolment.user_id for n in approaching)
