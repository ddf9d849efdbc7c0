"""Import profiles: kept by programme and service administrators (here `admin`, who administers the HEI of
programme A and so the service employing its trainees). Everyone else signed in is refused (403): the pages
are not about anyone's record, so there is nothing to hide behind a 404."""

from django.urls import reverse

from tests.matrix import Row, allow
from trainees.imports.reference import load_import_profiles
from trainees.models import ImportProfile


def reference(w) -> str:
    if not ImportProfile.objects.filter(code="talking-therapies-v2").exists():
        load_import_profiles()
    return "talking-therapies-v2"


def copy(w) -> str:
    profile, _ = ImportProfile.objects.get_or_create(
        code="matrix-register-copy",
        defaults={
            "name": "Matrix register copy",
            "kind": "register",
            "spec": {"layout": "long", "match_by": "student_number"},
            "owner": w.programme.hei,
        },
    )
    return profile.code


def admin_only(status=200):
    return allow("admin", status=status, default=403)


ROWS = {
    "trainees:import_profiles": Row(lambda w: reverse("trainees:import_profiles"), admin_only()),
    "trainees:import_profile": Row(
        lambda w: reverse("trainees:import_profile", args=[reference(w)]), admin_only()
    ),
    "trainees:import_profile_copy": Row(
        lambda w: reverse("trainees:import_profile_copy", args=[reference(w)]),
        admin_only(302),
        method="post",
        data=lambda w: {"owner": str(w.enrolment.employing_service_id), "name": "Our extract"},
    ),
    "trainees:import_profile_edit": Row(
        lambda w: reverse("trainees:import_profile_edit", args=[copy(w)]), admin_only()
    ),
}


def service_job(w) -> int:
    from trainees.models import CaseloadImport

    found, _ = CaseloadImport.objects.get_or_create(
        enrolment=w.enrolment,
        original_name="service-matrix.csv",
        defaults={"service": w.enrolment.employing_service, "file_format": "csv", "status": "checked"},
    )
    return found.pk


def service_code(w) -> str:
    return w.enrolment.employing_service.code


# A service's administrators import its trainees' caseloads. `admin` administers the HEI whose trainees the
# service employs, which makes them one of its administrators (as for the workforce pages); everyone else
# is told the service does not exist for them.
ROWS.update(
    {
        "trainees:service_caseload_upload": Row(
            lambda w: reverse("trainees:service_caseload_upload", args=[service_code(w)]), allow("admin")
        ),
        "trainees:service_caseload_import": Row(
            lambda w: reverse("trainees:service_caseload_import", args=[service_code(w), service_job(w)]),
            allow("admin"),
        ),
    }
)
