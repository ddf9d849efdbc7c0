"""Background tasks (django.tasks): run by `manage.py db_worker`, or at once under the test settings."""

from django.tasks import task

from accreditation.portfolio import packs


@task
def build_visit_pack_task(pack_id: int) -> dict:
    pack = packs.build_visit_pack(pack_id)
    return {"pack": pack.pk, "status": pack.status, "failures": len(pack.failures)}
