"""The notifications page, the header's unread count (one query), opening and dismissing items, e-mail
choices, and the supervisor's home listing everything waiting for them."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from curriculum.models import Module
from notifications.models import EmailPreference, Notification, NotificationKind
from notifications.selectors import unread_count
from notifications.services import run_daily_pass
from trainees.attendance.services import log_workplace_day
from trainees.cpd.services import record_cpd_activity

TODAY = timezone.localdate()


def items_for(world, persona, n=3):
    kind = NotificationKind.objects.get(code="window-ending")
    return [
        Notification.objects.create(
            recipient=world.user(persona),
            kind=kind,
            subject=f"window:{i}",
            due_on=TODAY,
            text=f"Item {i}",
            url=reverse("trainees:detail", args=[world.enrolment.pk]),
        )
        for i in range(n)
    ]


def test_the_header_shows_the_unread_count_in_one_query(world, kinds, client, django_assert_num_queries):
    items_for(world, "trainee")
    with django_assert_num_queries(1):
        assert unread_count(world.user("trainee")) == 3
    client.force_login(world.user("trainee"))
    page = client.get(reverse("home")).content.decode()
    assert "Notifications" in page and "(3<span" in page
    client.force_login(world.user("supervisor"))
    assert "(3<span" not in client.get(reverse("home")).content.decode()


def test_opening_an_item_marks_it_read_and_goes_to_the_thing(world, kinds, client):
    first, second, _ = items_for(world, "trainee")
    client.force_login(world.user("trainee"))
    response = client.get(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302 and response.url == first.url
    first.refresh_from_db()
    assert first.read_at is not None
    client.post(reverse("notifications:dismiss", args=[second.pk]))
    assert unread_count(world.user("trainee")) == 1
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Item 2" in page and page.count("Dismiss<span") == 1
    client.post(reverse("notifications:read_all"))
    assert unread_count(world.user("trainee")) == 0


def test_someone_elses_item_is_not_found(world, kinds, client):
    item = items_for(world, "trainee", 1)[0]
    client.force_login(world.user("supervisor"))
    assert client.get(reverse("notifications:open", args=[item.pk])).status_code == 404
    item.refresh_from_db()
    assert item.read_at is None


def test_email_choices_are_saved_per_kind(world, kinds, client):
    kind = NotificationKind.objects.get(code="case-review-overdue")
    client.force_login(world.user("supervisor"))
    assert client.get(reverse("notifications:email_settings")).status_code == 200
    client.post(reverse("notifications:email_settings"), {f"kind-{kind.pk}": "weekly"})
    assert EmailPreference.objects.get(user=world.user("supervisor"), kind=kind).frequency == "weekly"


def test_the_supervisors_home_lists_workplace_days_and_cpd_waiting(world, kinds, client):
    trainee = world.enrolment.user
    module = Module.objects.filter(edition=world.programme.edition).order_by("number").first()
    log_workplace_day(
        actor=trainee,
        enrolment=world.enrolment,
        day=TODAY - timedelta(days=1),
        module=module,
        activity="Shadowed a clinic",
        reflection="Learnt how triage works.",
    )
    record_cpd_activity(
        actor=trainee,
        enrolment=world.enrolment,
        date=TODAY - timedelta(days=2),
        title="Workshop on risk",
        hours=Decimal("2"),
    )
    run_daily_pass(on=TODAY, email=False)
    client.force_login(world.user("supervisor"))
    page = client.get(reverse("home")).content.decode()
    assert "Workplace days waiting for a supervisor" in page
    assert "Workshop on risk" in page
    unread = unread_count(world.user("supervisor"))
    assert unread >= 2 and f"({unread}<span" in page  # the workplace day and the CPD activity, at least
    client.force_login(world.user("other_supervisor"))
    assert "Workshop on risk" not in client.get(reverse("home")).content.decode()
