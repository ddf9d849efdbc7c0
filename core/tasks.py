"""Plumbing for background tasks (the database queue that `db_worker` runs)."""

from django.tasks import TaskResultStatus
from django.utils import timezone


def fail_lost_task(task_id: str) -> None:
    """Mark the task row of a job whose worker was lost (killed, crashed, redeployed) as failed: otherwise it
    stays RUNNING for ever. A row that finished meanwhile is left as it is."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED, finished_at=timezone.now()
    )
