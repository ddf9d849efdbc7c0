"""Nobody is flooded: someone who never chose how a kind reaches them gets the kind's default (data, from
fixtures/notifications.json), which is a daily digest for all but the few kinds that cannot wait; and a
digest is one e-mail per person per date, however many items and batches there are."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from notifications.models import EmailPreference, Notification, NotificationKind
from notifications.services import DIGEST_ITEMS_PER_GROUP, deliver_email, run_daily_pass, set_email_preference
from tests.assessments import factories_assessments as fa
from tests.smtp import html_part, text_part

TODAY = timezone.localdate()


def test_only_the_kinds_that_cannot_wait_go_at_once_by_default(kinds):
    at_once = set(NotificationKind.objects.filter(default_frequency="at_once").values_list("code", flat=True))
    assert at_once == {"visit-pack-finished", "marks-released"}
    assert set(NotificationKind.objects.values_list("default_frequency", flat=True)) == {"at_once", "daily"}


def test_someone_who_never_chose_gets_one_digest_not_an_email_for_each_item(world, waiting, smtp_inbox):
    supervisor = world.user("supervisor")
    assert not EmailPreference.objects.filter(user=supervisor).exists()
    run_daily_pass(on=TODAY)
    items = Notification.objects.filter(recipient=supervisor)
    # A session, a workplace day, a CPD activity and missed supervision weeks: several kinds, several items.
    assert items.count() >= 4 and items.values("kind").distinct().count() >= 3
    mail = smtp_inbox.to(supervisor.email)
    assert len(mail) == 1, [m["Subject"] for m in mail]
    assert mail[0]["Subject"] == f"{items.count()} things waiting for you"
    assert not items.filter(emailed_at=None).exists()
    # Every person told gets exactly one e-mail today.
    told = set(Notification.objects.values_list("recipient__email", flat=True))
    assert sorted(a.addr_spec for m in smtp_inbox.messages for a in m["To"].addresses) == sorted(told)


def test_marks_released_still_go_at_once_beside_the_digest(world, kinds, smtp_inbox):
    fa.no_sampling(world.programme)
    attempt = fa.mark(fa.submit(world.enrolment), world.user("educator"), release_on=TODAY)
    run_daily_pass(on=TODAY)
    trainee = world.user("trainee")
    subjects = [m["Subject"] for m in smtp_inbox.to(trainee.email)]
    # Their own marks on their own (at once); the missed supervision weeks together in one digest.
    assert len(subjects) == 2 and "Marks and feedback released" in subjects
    # It says the marks are ready and links to them; the result, mark and feedback stay in the tracker.
    (released,) = [m for m in smtp_inbox.to(trainee.email) if m["Subject"] == "Marks and feedback released"]
    words = (text_part(released) + html_part(released)).lower()
    assert "/notifications/" in words and "ready to read" in words
    words = re.sub(r"https?://[^\s\"<]+", "", words)  # a signed token could hold any letters or digits
    for secret in ("pass", "fail", "65", "%", "agenda setting", "rationale"):
        assert secret not in words, secret
    assert [s for s in subjects if s.endswith("things waiting for you")]
    assert Notification.objects.get(recipient=trainee, kind__code="marks-released").subject == (
        f"attempt:{attempt.pk}"
    )


def test_a_trainees_digest_heads_their_own_items_you_not_their_name(world, waiting, smtp_inbox):
    trainee = world.user("trainee")
    run_daily_pass(on=TODAY)
    assert Notification.objects.filter(recipient=trainee).exclude(enrolment=None).exists()
    (mail,) = smtp_inbox.to(trainee.email)
    body = text_part(mail).replace("\r\n", "\n")
    assert "\nYou: Week without enough case-management supervision\n" in body
    assert f"\n{trainee.display_name}: " not in body
    # Their supervisor's digest still names the trainee.
    (mail,) = smtp_inbox.to(world.user("supervisor").email)
    assert f"\n{trainee.display_name}: Week without enough case-management supervision\r\n" in text_part(mail)


def test_a_person_may_still_choose_at_once_and_an_administrator_may_change_a_default(
    world, waiting, smtp_inbox
):
    supervisor = world.user("supervisor")
    session_kind = NotificationKind.objects.get(code="session-awaiting-confirmation")
    set_email_preference(actor=supervisor, user=supervisor, kind=session_kind, frequency="at_once")
    NotificationKind.objects.filter(code="missed-supervision-week").update(default_frequency="off")
    run_daily_pass(on=TODAY)
    subjects = sorted(m["Subject"] for m in smtp_inbox.to(supervisor.email))
    assert subjects == ["2 things waiting for you", session_kind.name]  # the workplace day and the CPD
    assert Notification.objects.filter(kind__code="missed-supervision-week", recipient=supervisor).exists()


@pytest.mark.parametrize("batch_size", [2, 500])
def test_one_digest_per_person_per_date_whatever_the_number_of_items_and_batches(
    world, kinds, smtp_inbox, batch_size
):
    kind = NotificationKind.objects.get(code="cpd-awaiting-confirmation")
    educator, lead = world.user("educator"), world.user("lead")
    count = DIGEST_ITEMS_PER_GROUP + 15
    Notification.objects.bulk_create(
        Notification(
            recipient=person,
            kind=kind,
            subject=f"cpd:{i}",
            due_on=TODAY,
            enrolment=world.enrolment,
            trainee_name=world.enrolment.user.display_name,
            text=f"Item {i}",
            url="/",
        )
        for i in range(count)
        for person in (educator, lead)  # interleaved, so a small batch of items would split a person
    )
    assert deliver_email(on=TODAY, batch_size=batch_size) == 2
    for person in (educator, lead):
        (message,) = smtp_inbox.to(person.email)
        assert message["Subject"] == f"{count} things waiting for you"
        body = text_part(message)
        # Grouped by trainee and kind; the first items listed, the rest counted and linked.
        assert body.count(f"{world.enrolment.user.display_name}: {kind.name}") == 1
        assert body.count("Item ") == DIGEST_ITEMS_PER_GROUP
        assert "and 15 more on your notifications page" in body and reverse("notifications:list") in body

    # Something new the same date waits for the next day's digest rather than making a second one today.
    Notification.objects.create(
        recipient=educator, kind=kind, subject="cpd:new", due_on=TODAY, text="New item", url="/"
    )
    assert deliver_email(on=TODAY, batch_size=batch_size) == 0
    assert deliver_email(on=TODAY + timedelta(days=1), batch_size=batch_size) == 1
    assert smtp_inbox.to(educator.email)[-1]["Subject"] == "1 thing waiting for you"


def test_the_settings_page_shows_the_default_and_saving_it_unchanged_stores_nothing(world, kinds, client):
    supervisor = world.user("supervisor")
    client.force_login(supervisor)
    page = client.get(reverse("notifications:email_settings"))
    choices = dict(page.context["choices"])
    assert {
        choices[k] for k in choices if k.code != "visit-pack-finished" and k.code != "marks-released"
    } == {"daily"}
    assert "Daily digest (the usual setting)" in page.content.decode()
    client.post(reverse("notifications:email_settings"), {f"kind-{k.pk}": v for k, v in choices.items()})
    assert not EmailPreference.objects.filter(user=supervisor).exists()

    # Choosing the kind's default through the link stores the choice but changes (and audits) nothing.
    kind = NotificationKind.objects.get(code="cpd-awaiting-confirmation")
    set_email_preference(actor=None, user=supervisor, kind=kind, frequency="daily")
    assert not AuditEvent.objects.filter(action="notifications.email_preference").exists()
    set_email_preference(actor=None, user=supervisor, kind=kind, frequency="weekly")
    event = AuditEvent.objects.get(action="notifications.email_preference")
    assert (event.before, event.after) == ({"frequency": "daily"}, {"frequency": "weekly"})
