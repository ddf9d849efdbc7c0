"""The CPD log: everyone who may see the trainee reads it; only the practitioner writes it, only a current
supervisor confirms, only the programme lead or an administrator reopens. Others get 404."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from tests.matrix import CAN_SEE_TRAINEE, Row, allow, expect
from trainees.models import CpdActivity

EVIDENCE = "cpd/permission-matrix-evidence.pdf"


def activity(world, *, confirmed=False, evidence=False) -> CpdActivity:
    if evidence and not default_storage.exists(EVIDENCE):
        default_storage.save(EVIDENCE, ContentFile(b"%PDF-1.7\n%%EOF\n"))
    return CpdActivity.objects.create(
        enrolment=world.enrolment,
        date=timezone.localdate() - timedelta(days=7),
        title="Matrix workshop",
        hours=Decimal("2"),
        recorded_by=world.enrolment.user,
        evidence=EVIDENCE if evidence else "",
        status=CpdActivity.Status.CONFIRMED if confirmed else CpdActivity.Status.RECORDED,
        confirmed_by=world.users["supervisor"] if confirmed else None,
        confirmed_at=timezone.now() if confirmed else None,
    )


SEE_BUT_NOT_WRITE = ("supervisor", "educator", "lead", "admin")

ROWS = {
    "trainees:cpd": Row(lambda w: reverse("trainees:cpd", args=[w.enrolment.pk]), allow(*CAN_SEE_TRAINEE)),
    "trainees:cpd_add": Row(
        lambda w: reverse("trainees:cpd_add", args=[w.enrolment.pk]),
        expect(trainee=200, **dict.fromkeys(SEE_BUT_NOT_WRITE, 403)),
    ),
    "trainees:cpd_edit": Row(
        lambda w: reverse("trainees:cpd_edit", args=[activity(w).pk]),
        expect(trainee=200, **dict.fromkeys(SEE_BUT_NOT_WRITE, 403)),
    ),
    "trainees:cpd_confirm": Row(
        lambda w: reverse("trainees:cpd_confirm", args=[activity(w).pk]),
        expect(supervisor=302, **dict.fromkeys(("trainee", "educator", "lead", "admin"), 403)),
        method="post",
    ),
    "trainees:cpd_reopen": Row(
        lambda w: reverse("trainees:cpd_reopen", args=[activity(w, confirmed=True).pk]),
        expect(lead=200, admin=200, **dict.fromkeys(("trainee", "supervisor", "educator"), 403)),
    ),
    "trainees:cpd_evidence": Row(
        lambda w: reverse("trainees:cpd_evidence", args=[activity(w, evidence=True).pk]),
        allow(*CAN_SEE_TRAINEE),
    ),
}
