"""The daily pass over a small world on several dates: exactly who is told what, nothing twice, marks never
before their release date, and e-mails received by a real SMTP server on loopback."""

import re
from datetime import timedelta
from urllib.parse import urlparse

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Attempt
from notifications.models import EmailPreference, Notification, NotificationKind
from notifications.services import deliver_email, run_daily_pass
from tests import factories as f
from tests.assessments import factories_assessments as fa
from trainees.models import EnrolmentFacts, SupervisorAssignment

TODAY = timezone.localdate()


def told(on=None):
    """{(username, kind code, subject)} of every notification (due on `on`, when given)."""
    rows = Notification.objects.select_related("recipient", "kind")
    if on:
        rows = rows.filter(due_on=on)
    return {(n.recipient.username, n.kind.code, n.subject) for n in rows}


def test_each_waiting_record_reaches_the_right_supervisor_once(world, waiting):
    result = run_daily_pass(on=TODAY, email=False)
    supervisor_items = {(k, s) for u, k, s in told() if u == "supervisor"}
    assert supervisor_items >= {
        ("session-awaiting-confirmation", f"session:{waiting['session'].pk}"),
        ("workplace-day-awaiting-confirmation", f"workplace_day:{waiting['workplace'].pk}"),
        ("cpd-awaiting-confirmation", f"cpd:{waiting['cpd'].pk}"),
    }
    # Nobody else hears of them: not the other trainee's supervisor, not staff on another programme.
    for user in ("other_supervisor", "other_educator", "other_trainee", "visitor"):
        assert not {k for u, k, s in told() if u == user}
    assert result.created == Notification.objects.count()
    # Re-running the day creates nothing; the next day inside the week still nothing for these.
    assert run_daily_pass(on=TODAY, email=False).created == 0
    assert not told(TODAY + timedelta(days=2)) & {
        ("supervisor", "session-awaiting-confirmation", f"session:{waiting['session'].pk}")
    }
    # A week after the first reminder, still unconfirmed, the supervisor is reminded again.
    run_daily_pass(on=TODAY + timedelta(days=6), email=False)
    assert ("supervisor", "session-awaiting-confirmation", f"session:{waiting['session'].pk}") in told(
        TODAY + timedelta(days=6)
    )


def test_attempts_reach_markers_and_marks_never_arrive_before_release(world, kinds):
    fa.no_sampling(world.programme)
    attempt = fa.submit(world.enrolment)
    run_daily_pass(on=TODAY, email=False)
    first = {u for u, k, s in told() if k == "attempt-awaiting-first-marker" and s == f"attempt:{attempt.pk}"}
    assert first == {"educator", "lead"}

    release = TODAY + timedelta(days=3)
    attempt = fa.mark(attempt, world.user("educator"), release_on=release)
    assert attempt.status == Attempt.Status.AGREED
    for day in range(3):
        run_daily_pass(on=TODAY + timedelta(days=day), email=False)
        assert not {k for u, k, s in told() if k == "marks-released"}, f"announced {day} days early"
    run_daily_pass(on=release, email=False)
    assert ("trainee", "marks-released", f"attempt:{attempt.pk}") in told(release)


def test_second_marking_is_not_sent_to_the_first_marker(world, kinds):
    fa.no_sampling(world.programme, percent=100)
    attempt = fa.mark(fa.submit(world.enrolment), world.user("educator"))
    assert attempt.status == Attempt.Status.AWAITING_MODERATION
    run_daily_pass(on=TODAY, email=False)
    assert {u for u, k, s in told() if k == "attempt-awaiting-second-marker"} == {"lead"}


def test_window_ending_is_due_eight_weeks_before_and_not_earlier(world, kinds):
    end = world.enrolment.nominal_window_end
    run_daily_pass(on=end - timedelta(days=57), email=False)
    assert not {s for u, k, s in told() if k == "window-ending"}
    run_daily_pass(on=end - timedelta(days=56), email=False)
    assert ("trainee", "window-ending", f"window:{world.enrolment.pk}") in told()
    assert ("educator", "window-ending", f"window:{world.enrolment.pk}") in told()


def test_a_kind_switched_off_sends_nothing(world, waiting):
    NotificationKind.objects.filter(code="session-awaiting-confirmation").update(enabled=False)
    run_daily_pass(on=TODAY, email=False)
    assert not {k for u, k, s in told() if k == "session-awaiting-confirmation"}


def test_dry_run_changes_nothing(world, waiting, capsys):
    call_command("send_notifications", "--date", TODAY.isoformat(), "--dry-run")
    assert Notification.objects.count() == 0
    assert "would notify" in capsys.readouterr().out


def test_queries_do_not_grow_with_the_number_of_trainees(world, kinds):
    def queries():
        Notification.objects.all().delete()
        EnrolmentFacts.objects.all().delete()  # each pass works every trainee's facts out, as on a new day
        with CaptureQueriesContext(connection) as captured:
            run_daily_pass(on=TODAY, email=False)
        return len(captured)

    small = queries()
    for _ in range(6):
        enrolment = f.EnrolmentFactory(cohort=world.cohort)
        f.SupervisorAssignmentFactory(
            enrolment=enrolment,
            supervisor=world.user("supervisor"),
            kind=SupervisorAssignment.Kind.CASE_MANAGEMENT,
        )
    assert queries() == small


def test_each_batch_of_the_pass_costs_the_same_number_of_queries(world, kinds):
    def queries():
        Notification.objects.all().delete()
        EnrolmentFacts.objects.all().delete()  # each pass works every trainee's facts out, as on a new day
        with CaptureQueriesContext(connection) as captured:
            result = run_daily_pass(on=TODAY, email=False, batch_size=1)
        return len(captured), result.batches

    def another_trainee():
        enrolment = f.EnrolmentFactory(cohort=world.cohort)
        f.SupervisorAssignmentFactory(
            enrolment=enrolment,
            supervisor=world.user("supervisor"),
            kind=SupervisorAssignment.Kind.CASE_MANAGEMENT,
        )

    counts = [queries()]
    for _ in range(2):
        another_trainee()
        counts.append(queries())
    (q1, b1), (q2, b2), (q3, b3) = counts
    assert (b2, b3) == (b1 + 1, b1 + 2)
    assert q2 - q1 == q3 - q2 > 0, counts  # one more batch, the same number of queries more


def test_emailing_costs_the_same_number_of_queries_for_more_people(world, kinds, mailoutbox):
    kind = NotificationKind.objects.get(code="cpd-awaiting-confirmation")
    at_once = NotificationKind.objects.get(code="visit-pack-finished")

    def queries(personas):
        items = [
            Notification(
                recipient=world.user(p), kind=k, subject=f"x:{i}", due_on=TODAY, text="Item", url="/"
            )
            for p in personas
            for i, k in enumerate((kind, kind, at_once))
        ]
        Notification.objects.bulk_create(items)
        with CaptureQueriesContext(connection) as captured:
            sent = deliver_email(on=TODAY)
        assert sent == 2 * len(personas)  # a digest and an at-once e-mail each
        return len(captured)

    assert queries(["supervisor"]) == queries(["educator", "lead", "trainee", "other_supervisor"])


def test_emails_arrive_by_smtp_without_clinical_detail_and_the_link_changes_the_setting(
    world, waiting, smtp_inbox, client
):
    run_daily_pass(on=TODAY)
    mail = smtp_inbox.to(world.user("supervisor").email)
    assert mail, "the supervisor got no e-mail"
    text = "\n".join(m.get_body(("plain",)).get_content() for m in mail)
    html = "\n".join(m.get_body(("html",)).get_content() for m in mail)
    assert "waiting for" in text and "<a href" in html
    assert "Workshop" not in text and "triage" not in text  # titles and reflections stay in the tracker
    # Nothing is sent twice.
    before = len(smtp_inbox.messages)
    run_daily_pass(on=TODAY)
    assert len(smtp_inbox.messages) == before

    link = re.search(r"https?://\S+/notifications/email/\S+/", text).group(0)
    path = urlparse(link).path
    response = client.get(path)  # not signed in
    assert response.status_code == 200
    kind_name = response.context["kind"].name
    response = client.post(path, {"frequency": "off"})
    assert response.status_code == 200
    preference = EmailPreference.objects.get(user=world.user("supervisor"), kind__name=kind_name)
    assert preference.frequency == "off"
    assert client.get(path[:-5] + "xxxx/").status_code == 404  # a forged token finds nothing

    # The link to an item takes the signed-in recipient to the thing to act on, and marks the item read.
    item_path = urlparse(re.search(r"https?://\S+/notifications/\d+/open/", text).group(0)).path
    item = Notification.objects.get(pk=int(item_path.strip("/").split("/")[1]))
    assert item.recipient == world.user("supervisor") and item.read_at is None
    assert client.get(item_path).status_code == 302  # to sign in first
    client.force_login(world.user("supervisor"))
    response = client.get(item_path)
    assert response.status_code == 302 and response.url == item.url
    item.refresh_from_db()
    assert item.read_at is not None


def test_a_daily_digest_groups_items_into_one_message(world, waiting, smtp_inbox):
    supervisor = world.user("supervisor")
    for kind in NotificationKind.objects.all():
        EmailPreference.objects.create(user=supervisor, kind=kind, frequency="daily")
    run_daily_pass(on=TODAY)
    mail = smtp_inbox.to(supervisor.email)
    assert len(mail) == 1, [m["Subject"] for m in mail]
    body = mail[0].get_body(("plain",)).get_content()
    assert world.enrolment.user.display_name in body
    assert body.count("/notifications/email/") >= 3  # a settings link for each kind in it


def test_weekly_digests_wait_for_monday_and_off_sends_nothing(world, waiting, smtp_inbox):
    supervisor = world.user("supervisor")
    for kind in NotificationKind.objects.all():
        EmailPreference.objects.create(user=supervisor, kind=kind, frequency="weekly")
    not_monday = TODAY + timedelta(days=(1 - TODAY.weekday()) % 7)
    run_daily_pass(on=not_monday)
    assert not smtp_inbox.to(supervisor.email)
    EmailPreference.objects.filter(user=supervisor).update(frequency="off")
    monday = not_monday + timedelta(days=6)
    run_daily_pass(on=monday)
    assert not smtp_inbox.to(supervisor.email)
