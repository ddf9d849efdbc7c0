"""Import profile pages: an administrator copies a reference profile for their organisation and edits the
copy; a profile that cannot be read is never saved; another organisation's copy stays out of sight."""

import json

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from tests import factories as f
from trainees.imports.reference import load_import_profiles
from trainees.models import ImportProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world, client):
    load_import_profiles()
    client.force_login(world.user("admin"))
    return world.user("admin")


def test_an_administrator_copies_a_reference_profile_and_changes_the_copy(world, client, admin):
    service = world.enrolment.employing_service
    response = client.post(
        reverse("trainees:import_profile_copy", args=["talking-therapies-v2"]),
        {"owner": str(service.pk), "name": "EMIS extract"},
    )
    copy = ImportProfile.objects.get(owner=service)
    assert response.status_code == 302 and response["Location"].endswith(
        f"/imports/profiles/{copy.code}/edit/"
    )
    assert copy.based_on.code == "talking-therapies-v2" and copy.spec == copy.based_on.spec
    spec = dict(copy.spec)
    spec["values"]["intervention"] = {"1000000000000001": "behavioural-activation"}
    response = client.post(
        reverse("trainees:import_profile_edit", args=[copy.code]),
        {"name": "EMIS extract", "description": "Ours", "spec": json.dumps(spec)},
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.spec["values"]["intervention"] == {"1000000000000001": "behavioural-activation"}
    assert AuditEvent.objects.filter(action="import_profile.changed", object_id=str(copy.pk)).exists()
    page = client.get(reverse("trainees:import_profile", args=[copy.code])).content.decode()
    assert "1000000000000001" in page and "behavioural-activation" in page


def test_a_profile_that_cannot_be_read_is_not_saved(world, client, admin):
    copy = ImportProfile.objects.create(
        code="our-register", name="Our register", kind="register", spec={}, owner=world.programme.hei
    )
    for bad, message in (("{not json", "not valid JSON"), ('{"layout": "diagonal"}', "layout must be")):
        response = client.post(
            reverse("trainees:import_profile_edit", args=[copy.code]),
            {"name": "Our register", "description": "", "spec": bad},
        )
        assert response.status_code == 200
        assert message in response.content.decode()
    copy.refresh_from_db()
    assert copy.spec == {}


def test_a_register_profile_is_copied_only_for_an_education_provider(world, client, admin):
    response = client.post(
        reverse("trainees:import_profile_copy", args=["moodle-attendance"]),
        {"owner": str(world.enrolment.employing_service_id), "name": "Ours"},
    )
    assert response.status_code == 200  # the service is not one of the choices
    assert not ImportProfile.objects.filter(is_reference=False).exists()


def test_a_reference_profile_is_never_edited_on_a_page(world, client, admin):
    response = client.get(reverse("trainees:import_profile_edit", args=["talking-therapies-v2"]))
    assert response.status_code == 403


def test_another_organisations_copy_is_out_of_sight(world, client, admin):
    other_service = f.ServiceFactory()
    ImportProfile.objects.create(code="theirs", name="Theirs", kind="caseload", spec={}, owner=other_service)
    assert client.get(reverse("trainees:import_profile", args=["theirs"])).status_code == 404
    assert client.get(reverse("trainees:import_profile_edit", args=["theirs"])).status_code == 404
    assert "Theirs" not in client.get(reverse("trainees:import_profiles")).content.decode()


def test_a_service_administrator_imports_a_trainees_contacts_from_the_services_extract(world, client):
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.models import OrganisationMembership
    from tests.imports_files import text_bytes
    from trainees.models import Contact

    load_import_profiles()
    service = world.enrolment.employing_service
    manager = f.UserFactory()
    OrganisationMembership.objects.create(user=manager, organisation=service, role="administrator")
    world.enrolment.service_staff_id = "PWP042"
    world.enrolment.save(update_fields=["service_staff_id"])
    day = (timezone.localdate() - timedelta(days=5)).isoformat()
    extract = text_bytes(
        [
            [
                "ServiceRequestId",
                "CareContactId",
                "CareContDate",
                "AppType",
                "ConsMechanism",
                "AttendOrDNACode",
                "ClinContDurOfCareCont",
                "CarePersLocalId",
            ],
            ["SR-1", "CC-1", day, "01", "02", "5", 45, "PWP042"],
            ["SR-2", "CC-2", day, "01", "02", "3", 0, "PWP042"],
            ["SR-3", "CC-3", day, "01", "02", "5", 45, "PWP007"],
        ]
    )
    client.force_login(manager)
    url = reverse("trainees:service_caseload_upload", args=[service.code])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "trainee": str(world.enrolment.pk),
            "profile": "talking-therapies-v2",
            "file": SimpleUploadedFile("ids201.csv", extract),
        },
    )
    assert response.status_code == 302
    assert list(Contact.objects.values_list("source_id", flat=True)) == ["CC-1"]
    page = client.get(response["Location"]).content.decode()
    assert "1 did not attend" in page and "1 another practitioner" in page
    # The trainee's record itself stays out of the service administrator's sight.
    assert client.get(reverse("trainees:caseload", args=[world.enrolment.pk])).status_code == 404


def test_staff_record_a_trainees_staff_identifier_and_it_must_be_unique_in_the_service(world, client):
    from trainees.models import Enrolment

    client.force_login(world.user("educator"))
    url = reverse("trainees:trainee_identifiers", args=[world.enrolment.pk])
    assert (
        client.post(url, {"service_staff_id": " PWP042 ", "hesa_number": "1234567890123"}).status_code == 302
    )
    world.enrolment.refresh_from_db()
    assert (world.enrolment.service_staff_id, world.enrolment.hesa_number) == ("PWP042", "1234567890123")
    assert AuditEvent.objects.filter(action="enrolment.identifiers_recorded").exists()
    other = world.other_enrolment
    if other.employing_service_id != world.enrolment.employing_service_id:
        Enrolment.objects.filter(pk=other.pk).update(employing_service=world.enrolment.employing_service)
    client.post(reverse("trainees:trainee_identifiers", args=[other.pk]), {"service_staff_id": "PWP042"})
    other.refresh_from_db()
    assert other.service_staff_id == ""
    client.force_login(world.user("trainee"))
    assert client.post(url, {"service_staff_id": "X"}).status_code == 403


def test_each_saved_column_mapping_became_a_profile_of_its_service(world):
    # The data migration (trainees 0011) run again over a mapping saved before it: the service's headings
    # become a caseload profile it owns, and an import that used the mapping names that profile.
    import importlib

    from django.apps import apps

    from trainees.models import CaseloadImport, ColumnMapping

    migration = importlib.import_module("trainees.migrations.0011_import_profiles")
    service = world.enrolment.employing_service
    mapping = ColumnMapping.objects.create(
        service=service,
        name="IAPTus",
        headings={"case_reference": "Client ID", "date": "Appt Date", "mode": ""},
    )
    job = CaseloadImport.objects.create(
        enrolment=world.enrolment, service=service, mapping=mapping, original_name="x.csv", file_format="csv"
    )
    migration.mappings_to_profiles(apps, None)
    profile = ImportProfile.objects.get(owner=service, kind="caseload", name__startswith="IAPTus")
    assert profile.spec == {"columns": {"case_reference": ["Client ID"], "date": ["Appt Date"]}}
    assert not profile.is_reference
    job.refresh_from_db()
    assert job.profile == profile
