from functools import cached_property

from notifications.selectors import unread_count


class UnreadCount:
    """Counted (one query) only when a page shows it: downloads and redirects cost nothing."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def value(self) -> int:
        return unread_count(self.user)


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": UnreadCount(user)}
