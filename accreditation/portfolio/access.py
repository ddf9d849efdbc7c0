"""Visitors in the access policy: accreditation sits above trainees, so the visit rules live here and hand
back the same `EnrolmentAccess` the trainee's own pages use, marked `visitor=True`."""

from accreditation.models import PortfolioSnapshot, Visit
from accreditation.portfolio.selectors import get_visit_portfolio_for_visitor
from trainees.access import EnrolmentAccess


def portfolio_access_for(
    user, visit_pk: int, snapshot_pk: int
) -> tuple[Visit, PortfolioSnapshot, EnrolmentAccess]:
    """A snapshot in an open visit the person is assigned to (404 and audited otherwise), and their access:
    a visitor reads that snapshot and nothing else of the trainee's record."""
    visit, snapshot = get_visit_portfolio_for_visitor(user, visit_pk, snapshot_pk)
    access = EnrolmentAccess(user=user, enrolment=snapshot.enrolment, visitor=True)
    access.require("view_portfolio_snapshot", snapshot)
    return visit, snapshot, access
