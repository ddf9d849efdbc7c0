"""Portfolios, snapshots, verification, visits and visit packs.

The URL functions create what a row needs (a snapshot of T1 in the open visit, another trainee's snapshot
outside it, a ready pack); each persona runs in its own rolled-back transaction, so they create it afresh.
"""

from django.core.files.base import ContentFile
from django.urls import reverse

from accreditation.models import PortfolioSnapshot, VisitPack, VisitPortfolio
from tests.accreditation.factories_portfolios import SnapshotFactory
from tests.matrix import CAN_SEE_TRAINEE, Row, allow, expect

CAN_SEE_BUT_NOT_SUBMIT = ("supervisor", "educator", "lead", "admin")


def in_visit(w) -> PortfolioSnapshot:
    snapshot = PortfolioSnapshot.objects.filter(enrolment=w.enrolment).first()
    if snapshot is None:
        snapshot = SnapshotFactory(enrolment=w.enrolment)
        VisitPortfolio.objects.create(visit=w.visit, snapshot=snapshot, added_by=w.user("admin"))
        SnapshotFactory(enrolment=w.other_enrolment)  # submitted, but not in the visit
    return snapshot


def not_in_visit(w) -> PortfolioSnapshot:
    in_visit(w)
    return PortfolioSnapshot.objects.get(enrolment=w.other_enrolment)


def ready_pack(w) -> VisitPack:
    in_visit(w)
    pack = VisitPack.objects.filter(visit=w.visit).first()
    if pack is None:
        pack = VisitPack(
            visit=w.visit, requested_by=w.user("admin"), status=VisitPack.Status.READY, total=1, done=1
        )
        pack.file.save("matrix.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=False)
        pack.save()
    return pack


def visit_url(name, *extra):
    """The URL of a visit page (after setting up the visit's portfolios), with extra objects' ids."""

    def url(w):
        in_visit(w)
        return reverse(f"portfolios:{name}", args=[w.visit.pk, *(make(w).pk for make in extra)])

    return url


ADMIN_POST = allow("admin", status=302)

ROWS = {
    "portfolios:trainee": Row(
        lambda w: reverse("portfolios:trainee", args=[w.enrolment.pk]), allow(*CAN_SEE_TRAINEE)
    ),
    "portfolios:trainee_pdf": Row(
        lambda w: reverse("portfolios:trainee_pdf", args=[w.enrolment.pk]), allow(*CAN_SEE_TRAINEE)
    ),
    # Queues a failed render of the live PDF again: anyone who may download it; everyone else 404.
    "portfolios:trainee_pdf_retry": Row(
        lambda w: reverse("portfolios:trainee_pdf_retry", args=[w.enrolment.pk]),
        allow(*CAN_SEE_TRAINEE, status=302),
        method="post",
        data=lambda w: {"scheme": ""},
    ),
    "portfolios:submit": Row(
        lambda w: reverse("portfolios:submit", args=[w.enrolment.pk]),
        expect(trainee=302, **dict.fromkeys(CAN_SEE_BUT_NOT_SUBMIT, 403)),
        method="post",
        data=lambda w: {"scheme": "course-completion", "confirm": "on"},
    ),
    "portfolios:submit_progress": Row(
        # The tests' immediate backend keeps no results to look up: the trainee gets 404 for any task id.
        lambda w: reverse("portfolios:submit_progress", args=[w.enrolment.pk, "00000000-0000-0000-0000-0"]),
        expect(trainee=404, **dict.fromkeys(CAN_SEE_BUT_NOT_SUBMIT, 403)),
    ),
    "portfolios:snapshot": Row(
        lambda w: reverse("portfolios:snapshot", args=[in_visit(w).pk]), allow(*CAN_SEE_TRAINEE)
    ),
    "portfolios:snapshot_pdf": Row(
        lambda w: reverse("portfolios:snapshot_pdf", args=[in_visit(w).pk]), allow(*CAN_SEE_TRAINEE)
    ),
    # Anyone holding a portfolio may check it, without an account.
    "portfolios:verify": Row(lambda w: reverse("portfolios:verify"), allow(default=200, anonymous=200)),
    # Visitors are sent to their own visits on the home page; everyone else who may not arrange visits: 403.
    "portfolios:visits": Row(
        lambda w: reverse("portfolios:visits"),
        expect(default=403, admin=200, visitor=302, visitor_outside_window=302, other_visitor=302),
    ),
    "portfolios:visit_create": Row(lambda w: reverse("portfolios:visit_create"), allow("admin", default=403)),
    "portfolios:visit_manage": Row(visit_url("visit_manage"), allow("admin")),
    "portfolios:visit_add": Row(
        visit_url("visit_add"),
        ADMIN_POST,
        method="post",
        data=lambda w: {"snapshots": [not_in_visit(w).pk]},
    ),
    "portfolios:visit_sample": Row(
        visit_url("visit_sample"),
        ADMIN_POST,
        method="post",
        data=lambda w: {"per_cohort": 1, "seed": 1},
    ),
    "portfolios:visit_pack_request": Row(
        visit_url("visit_pack_request"),
        ADMIN_POST,
        method="post",
    ),
    "portfolios:visit_pack": Row(visit_url("visit_pack", ready_pack), allow("admin")),
    "portfolios:visit_pack_download": Row(
        visit_url("visit_pack_download", ready_pack), allow("admin", "visitor")
    ),
    # Visitors: only their open visit's portfolios; everyone else, the admin included, goes elsewhere.
    "portfolios:visit": Row(visit_url("visit"), allow("visitor")),
    "portfolios:visit_portfolio": Row(visit_url("visit_portfolio", in_visit), allow("visitor")),
    "portfolios:visit_portfolio_pdf": Row(visit_url("visit_portfolio_pdf", in_visit), allow("visitor")),
}
