"""Background tasks (django.tasks): run by `manage.py db_worker`, or at once under the test settings."""

from django.tasks import task

from accreditation.portfolio import packs
from notifications.tasks import announce_events_task


@task
def build_visit_pack_task(pack_id: int) -> dict:
    try:
        pack = packs.build_visit_pack(pack_id)
    finally:
        # Ready or failed, the person who asked hears of it now rather than at the next daily pass.
        announce_events_task.enqueue()
    return {"pack": pack.pk, "status": pack.status, "failures": len(pack.failures)}
