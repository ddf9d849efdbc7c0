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


def chosen_frequencies(user_ids) -> dict[tuple[int, int], str]:
    """The e-mail choices these people made themselves, by (user id, kind id); one query. A kind someone
    never chose is missing: NotificationKind.frequency_for gives its default."""
    return {
        (user_id, kind_id): frequency
        for user_id, kind_id, frequency in EmailPreference.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "kind_id", "frequency"
        )
    }


def email_frequency(user, kind: NotificationKind) -> str:
    """How this kind reaches this person by e-mail now: their choice, else the kind's default."""
    chosen = EmailPreference.objects.filter(user=user, kind=kind).values_list("frequency", flat=True).first()
    return kind.frequency_for(chosen)


def email_choices(user) -> list[tuple[NotificationKind, str]]:
    """Each enabled kind with how it reaches the person by e-mail (the kind's default when never chosen)."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind_id", "frequency"))
    return [
        (kind, kind.frequency_for(chosen.get(kind.pk)))
        for kind in NotificationKind.objects.filter(enabled=True)
    ]
