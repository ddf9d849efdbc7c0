"""Reads for notifications: a person's items, their unread count and their e-mail choices."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from notifications.models import EmailPreference, Notification, NotificationKind


def notifications_for(user) -> QuerySet[Notification]:
    """The person's own items, unread first, newest first (select_related kind)."""
    return (
        Notification.objects.filter(recipient=user)
        .select_related("kind")
        .order_by("read_at", "-due_on", "-id")
    )


def unread_count(user) -> int:
    """One query: the header's count."""
    return Notification.objects.unread().filter(recipient=user).count()


def get_own_notification(user, pk: int) -> Notification:
    """Another person's item is not found (404), like any record the person may not see."""
    return get_object_or_404(Notification, pk=pk, recipient=user)


def email_choices(user) -> list[tuple[NotificationKind, str]]:
    """Each enabled kind with the person's e-mail choice (at once when never chosen)."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind_id", "frequency"))
    return [
        (kind, chosen.get(kind.pk, EmailPreference.Frequency.AT_ONCE))
        for kind in NotificationKind.objects.filter(enabled=True)
    ]
