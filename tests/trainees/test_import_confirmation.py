"""An upload that looks implausible (far beyond the trainee's caseload ramp) is checked but not saved: the
result page says why and the person confirms, or declines, before anything is saved. The same on the
trainee's own upload page and on the service administrator's."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, OrganisationMembership
from tests import factories as f
from tests.imports_files import text_bytes
from trainees.caseload.importer import job as import_job
from trainees.imports.reference import load_import_profiles
from trainees.models import CaseloadImport, Contact, ImportProfile

pytestmark = pytest.mark.django_db
HEADINGS = [
    "ServiceRequestId",
    "CareContactId",
    "CareContDate",
    "AppType",
    "ConsMechanism",
    "AttendOrDNACode",
    "ClinContDurOfCareCont",
]


@pytest.fixture
def team_extract(world, monkeypatch):
    """A service's extract without the practitioner column (a whole team's contacts), and a threshold low
    enough that its twelve patients look implausible, so the test stays small."""
    monkeypatch.setattr(import_job, "PLAUSIBLE_TIMES_EXPECTED", 0.01)
    load_import_profiles()
    reference = ImportProfile.objects.get(code="talking-therapies-v2")
    spec = dict(reference.spec)
    spec["columns"] = {k: v for k, v in spec["columns"].items() if k != "practitioner"}
    ImportProfile.objects.create(
        code="nv-team-extract",
        name="Team extract",
        kind="caseload",
        spec=spec,
        owner=world.enrolment.employing_service,
        based_on=reference,
    )
    day = (timezone.localdate() - timedelta(days=5)).isoformat()
    rows = [HEADINGS] + [[f"SR-{n}", f"CC-{n}", day, "01", "02", "5", 45] for n in range(12)]
    return text_bytes(rows)


def upload(client, url, extract, **fields):
    data = {"profile": "nv-team-extract", "file": SimpleUploadedFile("team.csv", extract), **fields}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_the_trainee_sees_why_the_file_looks_implausible_and_confirms_before_it_is_saved(
    world, client, team_extract
):
    client.force_login(world.user("trainee"))
    result_url = upload(
        client, reverse("trainees:caseload_import_upload", args=[world.enrolment.pk]), team_extract
    )
    page = client.get(result_url).content.decode()
    assert "Nothing has been saved yet." in page
    assert "12 patients against" in page
    assert "Import it anyway" in page
    job = CaseloadImport.objects.get()
    stored = job.stored_name
    assert job.status == CaseloadImport.Status.AWAITING
    assert default_storage.exists(stored)  # kept until the person answers
    assert not Contact.objects.exists()

    # The supervisor sees the result but cannot answer for the trainee.
    client.force_login(world.user("supervisor"))
    assert "Import it anyway" not in client.get(result_url).content.decode()
    assert client.post(result_url, {"decision": "confirm"}).status_code == 403
    assert not Contact.objects.exists()

    client.force_login(world.user("trainee"))
    response = client.post(result_url, {"decision": "confirm"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == CaseloadImport.Status.IMPORTED
    assert Contact.objects.count() == 12
    assert not job.stored_name and not default_storage.exists(stored)
    assert AuditEvent.objects.filter(action="caseload.import_confirmed").count() == 1
    # Answering twice does nothing more.
    client.post(result_url, {"decision": "confirm"})
    assert Contact.objects.count() == 12


def test_declining_deletes_the_kept_file_and_saves_nothing(world, client, team_extract):
    client.force_login(world.user("trainee"))
    result_url = upload(
        client, reverse("trainees:caseload_import_upload", args=[world.enrolment.pk]), team_extract
    )
    stored = CaseloadImport.objects.get().stored_name
    client.post(result_url, {"decision": "decline"})
    job = CaseloadImport.objects.get()
    assert job.status == CaseloadImport.Status.REJECTED
    assert "you chose not to import" in job.message
    assert not default_storage.exists(stored)
    assert not Contact.objects.exists()


def test_a_dry_run_only_warns(world, client, team_extract):
    client.force_login(world.user("trainee"))
    url = reverse("trainees:caseload_import_upload", args=[world.enrolment.pk])
    page = client.get(upload(client, url, team_extract, dry_run="on")).content.decode()
    assert CaseloadImport.objects.get().status == CaseloadImport.Status.CHECKED
    assert "12 patients against" in page and "Import it anyway" not in page


def test_the_service_administrator_confirms_on_the_service_page(world, client, team_extract):
    service = world.enrolment.employing_service
    manager = f.UserFactory()
    OrganisationMembership.objects.create(user=manager, organisation=service, role="administrator")
    client.force_login(manager)
    url = reverse("trainees:service_caseload_upload", args=[service.code])
    result_url = upload(client, url, team_extract, trainee=str(world.enrolment.pk))
    assert "Import it anyway" in client.get(result_url).content.decode()
    assert not Contact.objects.exists()
    client.post(result_url, {"decision": "confirm"})
    assert Contact.objects.count() == 12


def test_an_upload_nobody_answers_is_declined_after_a_fortnight(world, client, team_extract):
    from datetime import timedelta

    from django.core.management import call_command

    client.force_login(world.user("trainee"))
    upload(client, reverse("trainees:caseload_import_upload", args=[world.enrolment.pk]), team_extract)
    job = CaseloadImport.objects.get()
    stored = job.stored_name
    call_command("decline_waiting_imports", stdout=io.StringIO())
    assert CaseloadImport.objects.get().status == CaseloadImport.Status.AWAITING  # not yet a fortnight
    CaseloadImport.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=15))
    out = io.StringIO()
    call_command("decline_waiting_imports", stdout=out)
    assert "1 waiting uploads declined." in out.getvalue()
    job.refresh_from_db()
    assert job.status == CaseloadImport.Status.REJECTED
    assert "nobody confirmed this file within 14 days" in job.message
    assert not default_storage.exists(stored) and not Contact.objects.exists()
    call_command("decline_waiting_imports", stdout=out)  # safe to run twice
    assert AuditEvent.objects.filter(action="caseload.import_declined").count() == 1
