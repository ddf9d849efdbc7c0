"""Background tasks (django.tasks, run by `manage.py db_worker`): events that need no waiting for the daily
pass."""

from django.tasks import task
from django.utils import timezone

from notifications.services import run_events


@task
def announce_events_task() -> dict:
    """Tell people at once about what just happened (a visit pack ready or failed)."""
    result = run_events(on=timezone.localdate())
    return {"created": result.created, "emails": result.emails}
