"""Supervision pages: a supervisor sees only assigned trainees; a trainee can never confirm their own entry.

Objects are made inside each persona's rolled-back transaction, so a POST by one cannot affect the next.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from tests.matrix import CAN_SEE_TRAINEE, PERSONAS, STAFF_OF_A, Row, allow, expect
from tests.trainees.factories_supervision import ReportFactory, SessionFactory, SiteFactory, TrainingFactory
from trainees.models import SupervisionSession, SupervisorAssignment

SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")
VISITORS = ("visitor", "visitor_outside_window", "other_visitor")
NOT_VISITORS = tuple(p for p in SIGNED_IN if p not in VISITORS)
ALL_PROGRAMME_STAFF = (*STAFF_OF_A, "other_educator")
CERTIFICATE = "supervisor-certificates/permission-matrix.pdf"


def only(status: int, *personas, forbidden=(), forbidden_status=403) -> dict:
    """`personas` get `status`, `forbidden` (who may see the trainee but not act) 403, everyone else 404."""
    return expect(**dict.fromkeys(personas, status), **dict.fromkeys(forbidden, forbidden_status))


def pending(w):
    return SessionFactory(enrolment=w.enrolment, supervisor=w.user("supervisor"))


def confirmed(w):
    return SessionFactory(enrolment=w.enrolment, supervisor=w.user("supervisor"), confirmed=True)


def draft_report(w):
    return ReportFactory(enrolment=w.enrolment, supervisor=w.user("supervisor"))


def training(w, certificate=False):
    extra = {}
    if certificate:
        if not default_storage.exists(CERTIFICATE):
            default_storage.save(CERTIFICATE, ContentFile(b"%PDF-1.4 permission matrix\n"))
        extra = {
            "certificate": CERTIFICATE,
            "certificate_filename": "certificate.pdf",
            "certificate_content_type": "application/pdf",
        }
    return TrainingFactory(supervisor=w.user("supervisor"), **extra)


def site(w):
    return SiteFactory(service=w.enrolment.employing_service)


def assignment(w):
    return SupervisorAssignment.objects.filter(enrolment=w.enrolment, supervisor=w.user("supervisor")).first()


def supervisor_pk(w):
    return w.user("supervisor").pk


TRAINEE_ONLY = {"forbidden": ("supervisor", *STAFF_OF_A)}
SUPERVISOR_ONLY = {"forbidden": ("trainee", *STAFF_OF_A)}
STAFF_ONLY = {"forbidden": ("trainee", "supervisor")}

ROWS = {
    "trainees:supervision": Row(
        lambda w: reverse("trainees:supervision", args=[w.enrolment.pk]), allow(*CAN_SEE_TRAINEE)
    ),
    "trainees:supervision_log": Row(
        lambda w: reverse("trainees:supervision_log", args=[w.enrolment.pk]),
        only(200, "trainee", **TRAINEE_ONLY),
    ),
    "trainees:supervision_leave": Row(
        lambda w: reverse("trainees:supervision_leave", args=[w.enrolment.pk]),
        only(200, "supervisor", *STAFF_OF_A, forbidden=("trainee",)),
    ),
    "trainees:supervisor_report_new": Row(
        lambda w: reverse("trainees:supervisor_report_new", args=[w.enrolment.pk, "interim"]),
        only(200, "supervisor", **SUPERVISOR_ONLY),
    ),
    "trainees:supervisor_assignments": Row(
        lambda w: reverse("trainees:supervisor_assignments", args=[w.enrolment.pk]),
        only(200, *STAFF_OF_A, **STAFF_ONLY),
    ),
    "trainees:site_placement": Row(
        lambda w: reverse("trainees:site_placement", args=[w.enrolment.pk]),
        only(302, *STAFF_OF_A, **STAFF_ONLY),
        method="post",
        data=lambda w: {"site": site(w).pk},
    ),
    "trainees:trainee_identifiers": Row(
        lambda w: reverse("trainees:trainee_identifiers", args=[w.enrolment.pk]),
        only(302, *STAFF_OF_A, **STAFF_ONLY),
        method="post",
        data=lambda w: {"service_staff_id": "PWP042", "hesa_number": ""},
    ),
    # Everyone signed in has the page; it lists only what waits for them (nothing, for most).
    "trainees:supervisor_waiting": Row(lambda w: reverse("trainees:supervisor_waiting"), allow(*SIGNED_IN)),
    "trainees:supervision_session": Row(
        lambda w: reverse("trainees:supervision_session", args=[pending(w).pk]), allow(*CAN_SEE_TRAINEE)
    ),
    "trainees:supervision_session_edit": Row(
        lambda w: reverse("trainees:supervision_session_edit", args=[pending(w).pk]),
        only(200, "trainee", **TRAINEE_ONLY),
    ),
    "trainees:supervision_session_withdraw": Row(
        lambda w: reverse("trainees:supervision_session_withdraw", args=[pending(w).pk]),
        only(302, "trainee", **TRAINEE_ONLY),
        method="post",
    ),
    # The trainee may not confirm their own entry, whatever the POST says.
    "trainees:supervision_session_confirm": Row(
        lambda w: reverse("trainees:supervision_session_confirm", args=[pending(w).pk]),
        only(302, "supervisor", **SUPERVISOR_ONLY),
        method="post",
        data=lambda w: {"status": SupervisionSession.Status.CONFIRMED, "supervisor": w.user("trainee").pk},
    ),
    "trainees:supervision_session_reopen": Row(
        lambda w: reverse("trainees:supervision_session_reopen", args=[confirmed(w).pk]),
        only(200, *STAFF_OF_A, **STAFF_ONLY),
    ),
    "trainees:supervisor_report": Row(
        lambda w: reverse("trainees:supervisor_report", args=[draft_report(w).pk]), allow(*CAN_SEE_TRAINEE)
    ),
    "trainees:supervisor_report_edit": Row(
        lambda w: reverse("trainees:supervisor_report_edit", args=[draft_report(w).pk]),
        only(200, "supervisor", **SUPERVISOR_ONLY),
    ),
    "trainees:supervisor_report_sign": Row(
        lambda w: reverse("trainees:supervisor_report_sign", args=[draft_report(w).pk]),
        only(302, "supervisor", **SUPERVISOR_ONLY),
        method="post",
    ),
    "trainees:supervisor_assignment_end": Row(
        lambda w: reverse("trainees:supervisor_assignment_end", args=[assignment(w).pk]),
        only(302, *STAFF_OF_A, **STAFF_ONLY),
        method="post",
        data=lambda w: {"ends_on": timezone.localdate().isoformat()},
    ),
    # The restore page answers staff (who are told only the person who ended it may restore it, that day).
    "trainees:supervisor_assignment_restore": Row(
        lambda w: reverse("trainees:supervisor_assignment_restore", args=[assignment(w).pk]),
        only(200, *STAFF_OF_A, **STAFF_ONLY),
    ),
    "trainees:supervisors": Row(lambda w: reverse("trainees:supervisors"), allow(*ALL_PROGRAMME_STAFF)),
    "trainees:supervisor_profile_edit": Row(
        lambda w: reverse("trainees:supervisor_profile_edit"),
        expect(**dict.fromkeys(NOT_VISITORS, 200), **dict.fromkeys(VISITORS, 403)),
    ),
    "trainees:supervisor": Row(
        lambda w: reverse("trainees:supervisor", args=[supervisor_pk(w)]), allow("supervisor", *STAFF_OF_A)
    ),
    "trainees:supervisor_training_add": Row(
        lambda w: reverse("trainees:supervisor_training_add", args=[supervisor_pk(w)]),
        allow("supervisor", *STAFF_OF_A),
    ),
    # Staff verify; the supervisor may see their own record but never verify it.
    "trainees:supervisor_training_verify": Row(
        lambda w: reverse("trainees:supervisor_training_verify", args=[training(w).pk]),
        only(302, *STAFF_OF_A, forbidden=("supervisor",)),
        method="post",
    ),
    "trainees:supervisor_training_certificate": Row(
        lambda w: reverse(
            "trainees:supervisor_training_certificate", args=[training(w, certificate=True).pk]
        ),
        allow("supervisor", *STAFF_OF_A),
    ),
    "trainees:services": Row(lambda w: reverse("trainees:services"), allow(*ALL_PROGRAMME_STAFF)),
    "trainees:service": Row(
        lambda w: reverse("trainees:service", args=[w.enrolment.employing_service.code]), allow(*STAFF_OF_A)
    ),
    "trainees:site_edit": Row(
        lambda w: reverse("trainees:site_edit", args=[site(w).pk]),
        only(200, "admin", forbidden=("educator", "lead")),
    ),
}
