from django.urls import reverse
from django.utils import timezone

from tests.matrix import CAN_SEE_TRAINEE, STAFF_OF_A, Row, allow, expect
from tests.world import PERSONAS
from trainees.models import Case, CaseloadImport

# The trainee writes; the supervisor and programme staff of their programme may only read (403 on writes);
# everyone else gets 404 as if the record did not exist.
READERS_ONLY = dict.fromkeys(("supervisor", *STAFF_OF_A), 403)


def case(world) -> Case:
    found, _ = Case.objects.get_or_create(
        enrolment=world.enrolment,
        service=world.enrolment.employing_service,
        reference="NV-MATRIX",
        defaults={"opened_on": world.enrolment.start_date},
    )
    return found


def job(world) -> CaseloadImport:
    found, _ = CaseloadImport.objects.get_or_create(
        enrolment=world.enrolment,
        original_name="matrix.csv",
        defaults={"service": world.enrolment.employing_service, "file_format": "csv", "status": "checked"},
    )
    return found


def trainee_writes(status=200):
    return expect(default=404, trainee=status, **READERS_ONLY)


ROWS = {
    "trainees:caseload": Row(
        lambda w: reverse("trainees:caseload", args=[w.enrolment.pk]), allow(*CAN_SEE_TRAINEE)
    ),
    "trainees:caseload_contact_new": Row(
        lambda w: reverse("trainees:caseload_contact_new", args=[w.enrolment.pk]), trainee_writes()
    ),
    "trainees:caseload_case_close": Row(
        lambda w: reverse("trainees:caseload_case_close", args=[w.enrolment.pk, case(w).pk]),
        trainee_writes(302),
        method="post",
        data=lambda w: {"closed_on": timezone.localdate().isoformat()},
    ),
    "trainees:caseload_import_upload": Row(
        lambda w: reverse("trainees:caseload_import_upload", args=[w.enrolment.pk]), trainee_writes()
    ),
    "trainees:caseload_import": Row(
        lambda w: reverse("trainees:caseload_import", args=[w.enrolment.pk, job(w).pk]),
        allow(*CAN_SEE_TRAINEE),
    ),
    "trainees:caseload_mapping_new": Row(
        lambda w: reverse("trainees:caseload_mapping_new", args=[w.enrolment.pk]), trainee_writes()
    ),
    "trainees:caseload_settings": Row(
        lambda w: reverse("trainees:caseload_settings", args=[w.programme.code]), allow(*STAFF_OF_A)
    ),
    "trainees:caseload_supervisees": Row(
        lambda w: reverse("trainees:caseload_supervisees"), allow(*[p for p in PERSONAS if p != "anonymous"])
    ),
}
