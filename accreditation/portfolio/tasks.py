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


@task
def render_portfolio_task(render_id: int) -> dict:
    """Render one live portfolio PDF (a `PortfolioRender` row) and store it in the render cache."""
    from accreditation.portfolio.cache import render_now

    render = render_now(render_id)
    return {"render": render_id, "status": render.status if render else "gone"}
