"""Reads for portfolio snapshots and visits, scoped to what the person asking may see (404 otherwise)."""

import hashlib

from django.db.models import Exists, OuterRef, QuerySet

from accounts.access import refuse
from accounts.models import AuditEvent, OrganisationMembership
from accreditation.models import PortfolioSnapshot, Visit, VisitAssignment, VisitPack, VisitPortfolio
from accreditation.models.portfolios import normalise_verification_code
from accreditation.selectors import get_open_visit_for_visitor
from trainees.enrolment.selectors import enrolments_for_user
from trainees.models import Enrolment

# The audit actions that make up a visit's access log ("who looked at what").
VISITOR_ACTIONS = ("visit.portfolio_viewed", "visit.portfolio_downloaded", "visit.pack_downloaded")


def snapshots_for_enrolment(enrolment: Enrolment) -> list[PortfolioSnapshot]:
    return list(PortfolioSnapshot.objects.filter(enrolment=enrolment).select_related("submitted_by"))


def get_snapshot_for_user(user, pk: int) -> PortfolioSnapshot:
    """A snapshot of a trainee record the person may see (the trainee, supervisors, programme staff)."""
    snapshot = (
        PortfolioSnapshot.objects.with_people()
        .filter(pk=pk, enrolment__in=enrolments_for_user(user).values("pk"))
        .first()
    )
    if snapshot is None:
        raise refuse(user, "portfolio", pk)
    return snapshot


def visit_portfolios(visit: Visit) -> list[VisitPortfolio]:
    """The snapshots a visit holds, with their trainees and cohorts, in cohort and name order."""
    return list(
        VisitPortfolio.objects.filter(visit=visit)
        .select_related(
            "snapshot",
            "snapshot__enrolment",
            "snapshot__enrolment__user",
            "snapshot__enrolment__cohort",
            "sample",
        )
        .order_by(
            "snapshot__enrolment__cohort__code",
            "snapshot__enrolment__user__last_name",
            "snapshot__enrolment__user__first_name",
            "snapshot__pk",
        )
    )


def get_visit_portfolio_for_visitor(user, visit_pk: int, snapshot_pk: int) -> tuple[Visit, PortfolioSnapshot]:
    """A snapshot in a visit the person is assigned to, only while the visit's window is open."""
    visit = get_open_visit_for_visitor(user, visit_pk)
    snapshot = (
        PortfolioSnapshot.objects.with_people().filter(pk=snapshot_pk, visit_links__visit=visit).first()
    )
    if snapshot is None:
        raise refuse(user, "portfolio", snapshot_pk)
    return visit, snapshot


def _administers_programme_hei(user):
    return Exists(
        OrganisationMembership.objects.filter(
            organisation=OuterRef("programme__hei"),
            user=user,
            role=OrganisationMembership.Role.ADMINISTRATOR,
        )
    )


def visits_for_admin(user) -> QuerySet[Visit]:
    """Visits to programmes of the HEIs the person administers."""
    if not user.is_authenticated:
        return Visit.objects.none()
    return Visit.objects.filter(_administers_programme_hei(user)).select_related("programme")


def get_visit_for_admin(user, pk: int) -> Visit:
    visit = visits_for_admin(user).filter(pk=pk).first()
    if visit is None:
        raise refuse(user, "visit", pk)
    return visit


def get_pack_for_admin(user, visit_pk: int, pack_pk: int) -> tuple[Visit, VisitPack]:
    visit = get_visit_for_admin(user, visit_pk)
    pack = VisitPack.objects.filter(visit=visit, pk=pack_pk).first()
    if pack is None:
        raise refuse(user, "visit pack", pack_pk)
    return visit, pack


def get_pack_for_admin_or_visitor(user, visit_pk: int, pack_pk: int) -> tuple[Visit, VisitPack]:
    """A visit's pack for its administrators, or for its visitors while the window is open."""
    visit = visits_for_admin(user).filter(pk=visit_pk).first()
    if visit is None:
        visit = get_open_visit_for_visitor(user, visit_pk)
    pack = VisitPack.objects.filter(visit=visit, pk=pack_pk).first()
    if pack is None:
        raise refuse(user, "visit pack", pack_pk)
    return visit, pack


def latest_pack(visit: Visit) -> VisitPack | None:
    return VisitPack.objects.filter(visit=visit).first()


def latest_ready_pack(visit: Visit) -> VisitPack | None:
    return VisitPack.objects.filter(visit=visit, status=VisitPack.Status.READY).first()


def candidate_snapshots(visit: Visit) -> list[PortfolioSnapshot]:
    """The latest snapshot of each trainee on the visit's programme that the visit does not hold yet."""
    snapshots = (
        PortfolioSnapshot.objects.with_people()
        .filter(enrolment__cohort__programme=visit.programme)
        .exclude(visit_links__visit=visit)
        .order_by("enrolment__cohort__code", "enrolment__user__last_name", "enrolment_id", "-submitted_at")
    )
    latest = {}
    for snapshot in snapshots:
        latest.setdefault(snapshot.enrolment_id, snapshot)
    return list(latest.values())


def visit_access_log(visit: Visit, *, limit: int = 500) -> list[AuditEvent]:
    """Who looked at what, newest first: every view and download by the visit's visitors."""
    return list(
        AuditEvent.objects.filter(
            object_type="accreditation.visit", object_id=str(visit.pk), action__in=VISITOR_ACTIONS
        )[:limit]
    )


def find_snapshot_by_code(code: str) -> PortfolioSnapshot | None:
    normalised = normalise_verification_code(code)
    if not normalised:
        return None
    return PortfolioSnapshot.objects.with_people().filter(verification_code=normalised).first()


def sha256_of_upload(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def find_snapshot_by_sha256(sha256: str) -> PortfolioSnapshot | None:
    return PortfolioSnapshot.objects.with_people().filter(pdf_sha256=sha256).first()


def is_visitor(user) -> bool:
    """Whether `user` is a visitor on any accreditation visit (their visits are listed on their home page)."""
    return user.is_authenticated and VisitAssignment.objects.filter(visitor=user).exists()
