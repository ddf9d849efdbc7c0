"""The daily pass over the demo world on several dates: it completes, nobody gets more than one digest a
day (plus the few kinds that go at once), re-running a date creates and sends nothing new, and the deadline
kinds reach the people the demo's records say they should."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from assessments.models import Attempt, SubmissionDeadline
from notifications.models import Notification
from notifications.services import DIGEST_CLAIM
from trainees.models import Enrolment, SupervisorAssignment, WorkplaceDay

pytestmark = pytest.mark.django_db


def run(on):
    out = StringIO()
    call_command("send_notifications", "--date", on.isoformat(), stdout=out)
    return out.getvalue()


def at_once_sent():
    """Items e-mailed on their own (at once), not in a digest."""
    return Notification.objects.exclude(emailed_at=None).exclude(email_claim__startswith=DIGEST_CLAIM).count()


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
        first, at_once_before = len(smtp_inbox.messages), at_once_sent()
        assert f"{on}:" in run(on)
        new = smtp_inbox.messages[first:]
        digests = Counter(
            a.addr_spec for m in new if m["Subject"].endswith("waiting for you") for a in m["To"].addresses
        )
        # Nobody chose anything in the demo: one digest for each person with something new, at most one each.
        in_digests = Notification.objects.filter(email_claim__startswith=f"{DIGEST_CLAIM}{on.isoformat()}:")
        assert set(digests) == set(in_digests.values_list("recipient__email", flat=True))
        assert set(digests.values()) <= {1}
        assert len(new) == len(digests) + at_once_sent() - at_once_before
        if on == today:
            # Exactly who hears of each workplace day waiting, worked out from the records themselves: every
            # current supervisor of its trainee, one item each, and nobody else.
            supervisors = {}
            for enrolment_id, supervisor_id in (
                SupervisorAssignment.objects.current(on)
                .filter(kind__in=("case_management", "clinical_skills"))
                .values_list("enrolment_id", "supervisor_id")
            ):
                supervisors.setdefault(enrolment_id, set()).add(supervisor_id)
            expected = {
                (supervisor_id, f"workplace_day:{pk}")
                for pk, enrolment_id in WorkplaceDay.objects.filter(
                    status=WorkplaceDay.Status.SUBMITTED,
                    enrolment__status=Enrolment.Status.ACTIVE,
                    date__lte=on,
                ).values_list("pk", "enrolment_id")
                for supervisor_id in supervisors.get(enrolment_id, ())
            }
            told = list(
                Notification.objects.filter(kind__code="workplace-day-awaiting-confirmation").values_list(
                    "recipient_id", "subject"
                )
            )
            assert len(expected) > 20 and sorted(told) == sorted(expected)
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
