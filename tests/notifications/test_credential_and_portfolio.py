"""Exactly who hears of a supervisor's credential or refresher falling due (the supervisor, from 60 days
before) and of a portfolio submitted (the programme's educators, on the day, never before)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import run_daily_pass
from tests.accreditation.factories_portfolios import SnapshotFactory
from tests.smtp import text_part
from tests.trainees.factories_supervision import VerifiedTrainingFactory
from trainees.supervision.selectors import credential_statuses

TODAY = timezone.localdate()


def told(code):
    """{(username, subject, due_on)} of every notification of one kind."""
    rows = Notification.objects.filter(kind__code=code).select_related("recipient")
    return {(n.recipient.username, n.subject, n.due_on) for n in rows}


def test_a_supervisor_hears_60_days_before_the_refresher_and_again_before_the_credential_lapses(world, kinds):
    supervisor = world.user("supervisor")
    # Trained 20 months ago: the refresher falls due in about four months, the credential lapses a year later.
    VerifiedTrainingFactory(supervisor=supervisor, completed_on=TODAY - timedelta(days=600))
    status = credential_statuses([supervisor.pk], on=TODAY)[supervisor.pk]
    refresher, lapses = status.refresher_due_on, status.valid_until
    assert refresher - timedelta(days=60) > TODAY and lapses > refresher

    run_daily_pass(on=refresher - timedelta(days=61), email=False)
    assert not told("credential-lapsing")
    run_daily_pass(on=refresher - timedelta(days=60), email=False)
    refresher_item = ("supervisor", f"refresher:{supervisor.pk}:{refresher.isoformat()}", refresher)
    # Only the supervisor concerned: not their trainee, the educators, or the other trainee's supervisor
    # (who has no training recorded, so no date to count down to).
    assert told("credential-lapsing") == {refresher_item}
    item = Notification.objects.get(kind__code="credential-lapsing")
    assert item.url == reverse("trainees:supervisor", args=[supervisor.pk])
    assert item.text.startswith("Your supervisor refresher is due by")
    run_daily_pass(on=refresher, email=False)
    assert told("credential-lapsing") == {refresher_item}  # once, not daily

    run_daily_pass(on=lapses - timedelta(days=61), email=False)
    assert told("credential-lapsing") == {refresher_item}
    run_daily_pass(on=lapses - timedelta(days=60), email=False)
    assert told("credential-lapsing") == {
        refresher_item,
        ("supervisor", f"credential:{supervisor.pk}:{lapses.isoformat()}", lapses),
    }


def test_the_programmes_educators_hear_of_a_portfolio_on_the_day_it_is_submitted(world, kinds, smtp_inbox):
    snapshot = SnapshotFactory(enrolment=world.enrolment, store_file=False)
    submitted_on = timezone.localdate(snapshot.submitted_at)
    run_daily_pass(on=submitted_on - timedelta(days=1), email=False)
    assert not told("portfolio-submitted")
    run_daily_pass(on=submitted_on)
    subject = f"portfolio:{snapshot.pk}"
    # The educator and the programme lead; not the trainee, the supervisors, or another programme's staff.
    assert told("portfolio-submitted") == {
        ("educator", subject, submitted_on),
        ("lead", subject, submitted_on),
    }
    item = Notification.objects.filter(kind__code="portfolio-submitted").first()
    assert item.url == reverse("portfolios:snapshot", args=[snapshot.pk])
    assert item.text == f"{world.enrolment.user.display_name} submitted a portfolio"
    # It reaches the educator in their daily digest, with a link to the notification.
    (message,) = smtp_inbox.to(world.user("educator").email)
    assert "submitted a portfolio" in text_part(message)
    run_daily_pass(on=submitted_on + timedelta(days=3))
    assert len(told("portfolio-submitted")) == 2  # told once


def test_a_portfolio_first_seen_more_than_a_fortnight_late_is_not_announced(world, kinds):
    snapshot = SnapshotFactory(enrolment=world.enrolment, store_file=False)
    run_daily_pass(on=timezone.localdate(snapshot.submitted_at) + timedelta(days=15), email=False)
    assert not told("portfolio-submitted")
