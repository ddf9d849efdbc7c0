"""Notifications: everyone signed in has their own page and e-mail choices; an item is the recipient's alone
(anyone else gets 404); the e-mail setting link works without signing in, for the token's holder."""

from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from notifications.reference import load_notification_kinds
from notifications.tokens import make_token
from tests.matrix import Row, allow, expect
from tests.world import PERSONAS

SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")


def kind() -> NotificationKind:
    if not NotificationKind.objects.exists():
        load_notification_kinds()
    return NotificationKind.objects.get(code="window-ending")


def trainees_item(world) -> Notification:
    item, _ = Notification.objects.get_or_create(
        recipient=world.users["trainee"],
        kind=kind(),
        subject=f"window:{world.enrolment.pk}",
        due_on=timezone.localdate(),
        defaults={
            "text": "Your window ends soon",
            "url": reverse("trainees:detail", args=[world.enrolment.pk]),
        },
    )
    return item


ROWS = {
    "notifications:list": Row(lambda w: reverse("notifications:list"), allow(*SIGNED_IN)),
    "notifications:open": Row(
        lambda w: reverse("notifications:open", args=[trainees_item(w).pk]), expect(trainee=302)
    ),
    "notifications:dismiss": Row(
        lambda w: reverse("notifications:dismiss", args=[trainees_item(w).pk]),
        expect(trainee=302),
        method="post",
    ),
    "notifications:read_all": Row(
        lambda w: reverse("notifications:read_all"), allow(*SIGNED_IN, status=302), method="post"
    ),
    "notifications:email_settings": Row(lambda w: reverse("notifications:email_settings"), allow(*SIGNED_IN)),
    "notifications:email_link": Row(
        lambda w: reverse("notifications:email_link", args=[make_token(w.users["trainee"].pk, kind().pk)]),
        allow(*SIGNED_IN, anonymous=200),
    ),
}
