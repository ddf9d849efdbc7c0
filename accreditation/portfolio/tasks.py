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


@task
def submit_portfolio_task(actor_id: int, enrolment_id: int, scheme_code: str) -> dict:
    """Submit a portfolio (render its sealed PDF and freeze the snapshot) in the worker, so the request that
    asked never waits for a render, however long the record. A refusal comes back as its plain message."""
    from accounts.models import User
    from accounts.services import DomainError
    from accreditation.portfolio.services import submit_portfolio
    from trainees.models import Enrolment

    actor = User.objects.get(pk=actor_id)
    enrolment = Enrolment.objects.with_people().get(pk=enrolment_id)
    try:
        snapshot = submit_portfolio(actor=actor, enrolment=enrolment, scheme_code=scheme_code)
    except DomainError as exc:
        return {"error": str(exc)}
    return {"snapshot": snapshot.pk, "code": snapshot.verification_code}
