"""The rules added on top of main's records: invitations not accepted after 7 days, visits opening and
closing (to their visitors), case reviews falling due, a visit pack announced at once by the worker, and
administrators editing the kinds."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import invitations
from accounts.models import AuditEvent, Invitation
from accreditation.models import VisitPack
from accreditation.portfolio import packs
from accreditation.portfolio.packs import request_visit_pack
from core.dates import long_date
from notifications.models import Notification, NotificationKind
from notifications.reference import load_notification_kinds
from notifications.services import run_daily_pass
from tests import factories as f
from tests.accreditation.test_packs import fill_visit
from tests.smtp import text_part
from tests.trainees.factories_caseload import CaseFactory

TODAY = timezone.localdate()


def told(code, on=None):
    """{(username, subject, due_on)} of every notification of one kind."""
    rows = Notification.objects.filter(kind__code=code).select_related("recipient")
    if on:
        rows = rows.filter(due_on=on)
    return {(n.recipient.username, n.subject, n.due_on) for n in rows}


@pytest.fixture
def invited(world, kinds):
    """Someone the HEI's administrator invited (the e-mail itself is not sent: nothing commits)."""
    user = invitations.create_invited_user(
        actor=world.user("admin"),
        email="sam.new@example.nhs.uk",
        first_name="Sam",
        last_name="New",
        organisation=world.programme.hei,
    )
    invitation = Invitation.objects.get(user=user)
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=timezone.now())
    return Invitation.objects.get(pk=invitation.pk)


def test_an_invitation_is_chased_after_7_days_then_weekly_until_accepted(world, invited):
    subject = f"invitation:{invited.pk}:1"
    run_daily_pass(on=TODAY + timedelta(days=6), email=False)
    assert not told("invitation-not-accepted")
    run_daily_pass(on=TODAY + timedelta(days=7), email=False)
    # The HEI's administrator, who sees it on the invitations page (and sent it), is told once.
    assert told("invitation-not-accepted") == {("admin", subject, TODAY + timedelta(days=7))}
    item = Notification.objects.get(kind__code="invitation-not-accepted")
    assert "Sam New has not yet set a password" in item.text and item.url == reverse("accounts:invitations")
    run_daily_pass(on=TODAY + timedelta(days=10), email=False)
    assert len(told("invitation-not-accepted")) == 1
    run_daily_pass(on=TODAY + timedelta(days=14), email=False)
    assert len(told("invitation-not-accepted")) == 2
    invitations.accept(user=invited.user, password="a long enough passphrase 91")
    run_daily_pass(on=TODAY + timedelta(days=21), email=False)
    assert len(told("invitation-not-accepted")) == 2


def test_a_resent_invitation_waits_another_7_days(world, invited):
    run_daily_pass(on=TODAY + timedelta(days=7), email=False)
    assert len(told("invitation-not-accepted")) == 1
    invitations.resend(actor=world.user("admin"), invitation=invited)
    Invitation.objects.filter(pk=invited.pk).update(last_sent_at=timezone.now() + timedelta(days=8))
    run_daily_pass(on=TODAY + timedelta(days=14), email=False)
    assert len(told("invitation-not-accepted")) == 1
    run_daily_pass(on=TODAY + timedelta(days=15), email=False)
    assert ("admin", f"invitation:{invited.pk}:2", TODAY + timedelta(days=15)) in told(
        "invitation-not-accepted"
    )


def test_visitors_hear_a_week_before_a_visit_opens_and_three_days_before_it_closes(world, kinds):
    later = f.VisitFactory(
        programme=world.programme, starts_on=TODAY + timedelta(days=10), ends_on=TODAY + timedelta(days=20)
    )
    f.VisitAssignmentFactory(visit=later, visitor=world.user("visitor"))
    run_daily_pass(on=TODAY + timedelta(days=2), email=False)
    assert not told("visit-opening")
    run_daily_pass(on=TODAY + timedelta(days=3), email=False)
    assert told("visit-opening") == {("visitor", f"visit:{later.pk}", later.starts_on)}

    # world.visit closes in 10 days: its visitor hears 3 days before (other_visitor's visit to programme B
    # closes the same day, and they hear of that one only).
    closes = world.visit.ends_on
    run_daily_pass(on=closes - timedelta(days=4), email=False)
    assert not told("visit-closing", on=closes)
    run_daily_pass(on=closes - timedelta(days=3), email=False)
    about_this_visit = {t for t in told("visit-closing", on=closes) if t[1] == f"visit:{world.visit.pk}"}
    assert about_this_visit == {("visitor", f"visit:{world.visit.pk}", closes)}
    assert {u for u, s, d in told("visit-closing")} == {"visitor", "other.visitor"}


def test_a_case_review_falls_due_then_goes_overdue(world, kinds):
    # Overdue once more than 28 days (the default interval) have passed since the case opened.
    case = CaseFactory(enrolment=world.enrolment, opened_on=TODAY - timedelta(days=24))
    due = case.opened_on + timedelta(days=29)
    run_daily_pass(on=TODAY - timedelta(days=3), email=False)  # more than a week ahead: nothing yet
    assert not told("case-review-due")
    run_daily_pass(on=TODAY, email=False)
    subject = f"case_due:{world.enrolment.pk}:{case.reference}"
    assert told("case-review-due") == {("trainee", subject, due), ("supervisor", subject, due)}
    assert not told("case-review-overdue")
    run_daily_pass(on=due, email=False)
    assert {u for u, s, d in told("case-review-overdue")} == {"trainee", "supervisor"}
    # Each overdue case says which review it is (the date it was due by), so a digest listing several cases
    # of one trainee does not repeat the same line; the due-by date matches the earlier reminder's.
    # The supervisor reads the trainee's name; the trainee reads it as their own.
    texts = set(
        Notification.objects.filter(kind__code__startswith="case-review").values_list(
            "recipient__username", "text"
        )
    )
    # Due by the last day of the 28 (the day before it is overdue): the case was opened 24 days before TODAY.
    due_by = long_date(case.opened_on + timedelta(days=28))
    name, trainee = world.enrolment.user.display_name, world.enrolment.user.username
    supervisor = world.user("supervisor").username
    assert texts == {
        (supervisor, f"A case review for {name} is due by {due_by}"),
        (supervisor, f"A case review for {name} is overdue: it was due by {due_by}"),
        (trainee, f"One of your case reviews is due by {due_by}"),
        (trainee, f"One of your case reviews is overdue: it was due by {due_by}"),
    }
    assert len(told("case-review-due")) == 2  # not repeated once overdue


def test_a_finished_visit_pack_is_announced_at_once_by_the_worker(world, kinds, smtp_inbox):
    admin = world.user("admin")
    fill_visit(world, 1)
    pack = request_visit_pack(actor=admin, visit=world.visit)  # the test task backend runs it at once
    pack.refresh_from_db()
    assert pack.status == VisitPack.Status.READY
    assert told("visit-pack-finished") == {("admin", f"pack:{pack.pk}", TODAY)}
    message = smtp_inbox.wait_for(admin.email)
    assert message["Subject"] == "Visit pack ready or failed"
    # The daily pass finds the same pack and neither adds nor e-mails it again.
    run_daily_pass(on=TODAY)
    assert told("visit-pack-finished") == {("admin", f"pack:{pack.pk}", TODAY)}
    assert [m["Subject"] for m in smtp_inbox.to(admin.email)].count("Visit pack ready or failed") == 1


def test_a_failed_visit_pack_is_announced_at_once_without_its_error(world, kinds, smtp_inbox, monkeypatch):
    admin = world.user("admin")
    fill_visit(world, 1)

    def broken(pack, links):
        raise RuntimeError("disk full at /srv/packs")

    monkeypatch.setattr(packs, "_build", broken)
    try:
        pack = request_visit_pack(actor=admin, visit=world.visit)  # the test task backend runs it at once
    except RuntimeError:
        pack = VisitPack.objects.get(visit=world.visit)
    pack.refresh_from_db()
    assert pack.status == VisitPack.Status.FAILED
    assert told("visit-pack-finished") == {("admin", f"pack:{pack.pk}", TODAY)}
    item = Notification.objects.get(kind__code="visit-pack-finished")
    assert item.text == "The visit pack you asked for could not be built"
    message = smtp_inbox.wait_for(admin.email)
    assert message["Subject"] == "Visit pack ready or failed"
    assert "could not be built" in text_part(message) and "disk full" not in text_part(message)


def test_administrators_edit_a_kind_and_reloading_the_fixtures_keeps_their_change(client, world, kinds):
    admin = world.user("admin")
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    kind = NotificationKind.objects.get(code="window-ending")
    url = reverse("admin:notifications_notificationkind_change", args=[kind.pk])
    assert client.get(url).status_code == 200
    form = {
        "name": kind.name,
        "description": kind.description,
        "recipients": "trainee",
        "urgency": "urgent",
        "timing": "before",
        "days": "28",
        "default_frequency": "weekly",
        "enabled": "on",
        "order": str(kind.order),
    }
    assert client.post(url, {**form, "recipients": "trainee, nobody"}).status_code == 200  # refused
    assert client.post(url, form).status_code == 302
    kind.refresh_from_db()
    assert (kind.recipients, kind.days, kind.urgency, kind.default_frequency) == (
        "trainee",
        28,
        "urgent",
        "weekly",
    )
    assert AuditEvent.objects.filter(object_id=str(kind.pk), actor=admin).exists()
    load_notification_kinds()
    kind.refresh_from_db()
    assert (kind.recipients, kind.days, kind.default_frequency) == ("trainee", 28, "weekly")
    # The rule now follows the edited row: only the trainee, and only from 28 days before.
    end = world.enrolment.nominal_window_end
    run_daily_pass(on=end - timedelta(days=29), email=False)
    assert not told("window-ending")
    run_daily_pass(on=end - timedelta(days=28), email=False)
    assert {u for u, s, d in told("window-ending")} == {"trainee", "other.trainee"}  # no educators now


def test_a_qualified_practitioner_hears_60_days_before_a_registration_renewal(world, kinds):
    from accreditation.reference import load_schemes
    from trainees.models import Enrolment

    load_schemes()
    # Completed a year ago less 70 days: the BABCP register (renewed every 12 months) is due in 70 days.
    completed_on = TODAY - timedelta(days=365 - 70)
    Enrolment.objects.filter(pk=world.enrolment.pk).update(
        status=Enrolment.Status.COMPLETED, completed_on=completed_on
    )
    world.enrolment.refresh_from_db()
    due = world.enrolment.completed_on.replace(year=completed_on.year + 1)
    run_daily_pass(on=due - timedelta(days=61), email=False)
    assert not told("registration-renewal-due")
    run_daily_pass(on=due - timedelta(days=60), email=False)
    found = told("registration-renewal-due")
    assert {(u, d) for u, s, d in found} == {("trainee", due)}
    items = Notification.objects.filter(kind__code="registration-renewal-due")
    assert any(i.text.startswith("Your BABCP PWP register renewal is due by") for i in items)
    assert {i.url for i in items} == {reverse("accreditation:trainee_readiness", args=[world.enrolment.pk])}
    # Nobody still training hears of renewals.
    assert not {u for u, s, d in found} - {"trainee"}


def test_missed_supervision_weeks_and_falling_behind_reach_the_right_people(world, kinds):
    # The world's trainee logged no supervision: every week so far is missed.
    run_daily_pass(on=TODAY, email=False)
    missed = told("missed-supervision-week")
    assert missed and {u for u, s, d in missed} == {
        "trainee",
        "supervisor",
        "other.trainee",
        "other.supervisor",
    }
    assert all(s.startswith("week:") for u, s, d in missed)
    behind = told("trainee-falling-behind")
    # Only the programme's educators hear that a trainee is falling behind, never the trainee or supervisor.
    assert behind and {u for u, s, d in behind} == {"educator", "lead"}
    assert f"behind:{world.enrolment.pk}" in {s for u, s, d in behind}
    assert run_daily_pass(on=TODAY, email=False).created == 0
