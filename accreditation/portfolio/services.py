"""Writes for portfolios: submitting a frozen, verifiable snapshot."""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.services import DomainError, record_event
from accreditation.models import PortfolioSnapshot
from accreditation.models.portfolios import new_verification_code
from accreditation.portfolio.data import data_sha256, portfolio_data
from accreditation.portfolio.render import render_portfolio_pdf
from trainees.models import Enrolment


def _unused_code() -> str:
    for _ in range(5):
        code = new_verification_code()
        if not PortfolioSnapshot.objects.filter(verification_code=code).exists():
            return code
    raise RuntimeError("Could not find an unused verification code.")  # 60 random bits: never in practice


def submit_portfolio(
    *, actor, enrolment: Enrolment, scheme_code: str | None = None, as_of=None
) -> PortfolioSnapshot:
    """Freeze the trainee's portfolio for a scheme: render the PDF with a new verification code, store it
    under a server-chosen name, and keep the data, both hashes, who and when. The database refuses any
    later change to the row; the trainee can always submit a new snapshot instead.

    The PDF is rendered before the transaction opens (it takes about a second), and the stored file is
    removed again if the row cannot be written, so a failure leaves neither a row nor an orphaned file.
    """
    if actor is None or actor.pk != enrolment.user_id:
        raise DomainError("Only the trainee can submit their own portfolio.")
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise DomainError("A withdrawn trainee cannot submit a portfolio.")
    data = portfolio_data(enrolment, scheme_code=scheme_code, as_of=as_of or timezone.localdate())
    digest = data_sha256(data)
    same = PortfolioSnapshot.objects.filter(
        enrolment=enrolment, scheme_code=data["scheme"]["code"], data_sha256=digest
    ).first()
    if same is not None:
        raise DomainError(
            f"Nothing has changed since you submitted this portfolio on "
            f"{format_date(timezone.localtime(same.submitted_at), 'j F Y')} "
            f"(verification code {same.verification_code})."
        )
    code = _unused_code()
    pdf = render_portfolio_pdf(data, verification_code=code)
    snapshot = PortfolioSnapshot(
        enrolment=enrolment,
        scheme_code=data["scheme"]["code"],
        scheme_version=data["scheme"]["version"] or "",
        data=data,
        data_sha256=digest,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        pdf_size=len(pdf),
        verification_code=code,
        submitted_by=actor,
    )
    snapshot.pdf.save("portfolio.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            snapshot.save()
            record_event(
                actor=actor,
                action="portfolio.submitted",
                obj=snapshot,
                after={
                    "enrolment": enrolment.pk,
                    "scheme": snapshot.scheme_code,
                    "scheme_version": snapshot.scheme_version,
                    "pdf_sha256": snapshot.pdf_sha256,
                    "data_sha256": digest,
                    "verification_code": code,
                },
            )
    except BaseException:
        snapshot.pdf.storage.delete(snapshot.pdf.name)
        raise
    return snapshot
