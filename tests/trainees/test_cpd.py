"""The CPD log: the practitioner records, a supervisor confirms (then it is immutable), staff reopen."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import ConflictError, DomainError
from tests import factories as f
from tests.trainees.factories_cpd import PDF, PNG, ConfirmedCpdActivityFactory, CpdActivityFactory
from trainees.cpd import services as services
from trainees.cpd.selectors import CpdActivityInfo, cpd_activities, cpd_activities_for
from trainees.models import CpdActivity

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def record(world, **extra):
    fields = {
        "date": timezone.localdate() - timedelta(days=3),
        "title": "Stepped-care refresher",
        "hours": Decimal("3"),
        "cbt_informed": True,
        "reflection": "Reviewing my use of behavioural activation diaries.",
        **extra,
    }
    return services.record_cpd_activity(actor=world.users["trainee"], enrolment=world.enrolment, **fields)


def test_the_practitioner_records_and_a_supervisor_confirms(world, media):
    activity = record(world, evidence=SimpleUploadedFile("Certificate of Attendance.pdf", PDF))
    assert activity.status == CpdActivity.Status.RECORDED
    assert activity.evidence.name.startswith(f"cpd/{world.enrolment.pk}/")
    assert "Certificate" not in activity.evidence.name  # a server-chosen name
    assert activity.evidence_name == "Certificate of Attendance.pdf"
    confirmed = services.confirm_cpd_activity(actor=world.users["supervisor"], activity=activity)
    assert confirmed.is_confirmed and confirmed.confirmed_by == world.users["supervisor"]
    actions = list(AuditEvent.objects.filter(object_id=str(activity.pk)).values_list("action", flat=True))
    assert set(actions) == {"cpd.recorded", "cpd.confirmed"}


@pytest.mark.parametrize("persona", ["other_trainee", "other_supervisor", "educator", "trainee"])
def test_only_a_current_supervisor_can_confirm(world, persona):
    activity = CpdActivityFactory(enrolment=world.enrolment)
    with pytest.raises(DomainError):
        services.confirm_cpd_activity(actor=world.users[persona], activity=activity)
    activity.refresh_from_db()
    assert activity.status == CpdActivity.Status.RECORDED


def test_a_second_confirmation_is_a_conflict_not_a_second_write(world):
    activity = CpdActivityFactory(enrolment=world.enrolment)
    stale = CpdActivity.objects.get(pk=activity.pk)
    services.confirm_cpd_activity(actor=world.users["supervisor"], activity=activity)
    with pytest.raises(ConflictError):
        services.confirm_cpd_activity(actor=world.users["supervisor"], activity=stale)
    assert AuditEvent.objects.filter(action="cpd.confirmed", object_id=str(activity.pk)).count() == 1


def test_only_the_practitioner_can_record_and_never_someone_elses_log(world):
    with pytest.raises(DomainError, match="Only the practitioner"):
        services.record_cpd_activity(
            actor=world.users["supervisor"],
            enrolment=world.enrolment,
            date=timezone.localdate(),
            title="x",
            hours=Decimal("1"),
        )
    assert not CpdActivity.objects.exists()


@pytest.mark.parametrize(
    "text", ["Saw patient 943 476 5919 for panic", "Emailed jo.bloggs@example.com", "Client born 12/03/1988"]
)
def test_a_reflection_that_could_identify_a_patient_is_refused(world, text):
    with pytest.raises(DomainError, match="must not identify a patient"):
        record(world, reflection=text)
    assert not CpdActivity.objects.exists()


def test_a_future_date_and_zero_hours_are_refused(world):
    with pytest.raises(DomainError, match="future"):
        record(world, date=timezone.localdate() + timedelta(days=1))
    with pytest.raises(DomainError):
        record(world, hours=Decimal("0"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.exe", b"MZ\x90\x00", "must be a PDF, PNG, JPEG or Word"),
        ("notes.pdf", b"<html><script>alert(1)</script>", "not a real PDF"),
        ("photo.png", PDF, "not a real PNG"),
        ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "smaller than 10 MB"),
    ],
)
def test_evidence_outside_the_upload_rules_is_refused_and_nothing_is_stored(
    world, media, name, content, message
):
    with pytest.raises(DomainError, match=message):
        record(world, evidence=SimpleUploadedFile(name, content))
    assert not CpdActivity.objects.exists()
    assert stored_files(media) == []


def test_a_failure_after_the_file_is_stored_leaves_no_orphaned_file(world, media, monkeypatch):
    def fail(**kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(services, "record_event", fail)
    with pytest.raises(DatabaseError):
        record(world, evidence=SimpleUploadedFile("slides.png", PNG))
    assert not CpdActivity.objects.exists()
    assert stored_files(media) == []


def test_the_database_refuses_to_change_or_delete_a_confirmed_activity(world):
    confirmed = ConfirmedCpdActivityFactory(enrolment=world.enrolment, confirmed_by=world.users["supervisor"])
    open_one = CpdActivityFactory(enrolment=world.enrolment)
    with pytest.raises(IntegrityError), transaction.atomic():
        CpdActivity.objects.filter(pk=confirmed.pk).update(hours=Decimal("40"))
    with pytest.raises(IntegrityError), transaction.atomic():
        CpdActivity.objects.filter(pk=confirmed.pk).delete()
    confirmed.refresh_from_db()
    assert confirmed.hours == Decimal("2.5")
    # Unconfirmed activities can still be corrected.
    assert CpdActivity.objects.filter(pk=open_one.pk).update(hours=Decimal("3")) == 1


def test_reopening_adds_a_new_row_and_leaves_the_confirmed_one_as_it_was(world):
    confirmed = ConfirmedCpdActivityFactory(enrolment=world.enrolment, confirmed_by=world.users["supervisor"])
    with pytest.raises(DomainError, match="programme lead"):
        services.reopen_cpd_activity(actor=world.users["educator"], activity=confirmed, reason="typo")
    with pytest.raises(DomainError, match="reason"):
        services.reopen_cpd_activity(actor=world.users["lead"], activity=confirmed, reason="  ")
    copy = services.reopen_cpd_activity(
        actor=world.users["lead"], activity=confirmed, reason="Hours were 1.5"
    )
    assert copy.pk != confirmed.pk and copy.supersedes == confirmed and not copy.is_confirmed
    confirmed.refresh_from_db()
    assert confirmed.is_confirmed
    event = AuditEvent.objects.get(action="cpd.reopened")
    assert event.message == "Hours were 1.5" and event.after == {"reopened_as": copy.pk}
    with pytest.raises(ConflictError):
        services.reopen_cpd_activity(actor=world.users["admin"], activity=confirmed, reason="again")
    # Only the reopened copy counts from now on, and the practitioner can correct it.
    services.update_cpd_activity(actor=world.users["trainee"], activity=copy, hours=Decimal("1.5"))
    found = cpd_activities(world.enrolment, start=date(2000, 1, 1), end=timezone.localdate())
    assert [(a.id, a.hours, a.confirmed) for a in found] == [(copy.pk, 1.5, False)]


def test_a_confirmed_activity_cannot_be_updated_through_the_service(world):
    confirmed = ConfirmedCpdActivityFactory(enrolment=world.enrolment)
    with pytest.raises(DomainError, match="confirmed"):
        services.update_cpd_activity(actor=world.users["trainee"], activity=confirmed, title="New")


def test_the_selector_gives_the_contract_dataclass_for_a_period_by_enrolment_or_person(world):
    today = timezone.localdate()
    inside = CpdActivityFactory(enrolment=world.enrolment, date=today - timedelta(days=5), reflection="")
    CpdActivityFactory(enrolment=world.enrolment, date=today - timedelta(days=400))
    CpdActivityFactory(enrolment=world.other_enrolment, date=today - timedelta(days=5))
    expected = [
        CpdActivityInfo(
            id=inside.pk,
            date=inside.date,
            title=inside.title,
            hours=2.5,
            cbt_informed=True,
            has_reflection=False,
            confirmed=False,
        )
    ]
    start = today - timedelta(days=365)
    assert cpd_activities(world.enrolment, start=start, end=today) == expected
    assert cpd_activities(world.users["trainee"], start=start, end=today) == expected


@pytest.mark.parametrize("size", [10, 200])
def test_the_bulk_selector_costs_one_query_whatever_the_cohort_size(
    curriculum, size, django_assert_num_queries
):
    enrolments = f.EnrolmentFactory.create_batch(size)
    for enrolment in enrolments[:5]:
        CpdActivityFactory.create_batch(2, enrolment=enrolment)
    today = timezone.localdate()
    with django_assert_num_queries(1):
        found = cpd_activities_for(enrolments, start=today - timedelta(days=365), end=today)
    assert sum(len(v) for v in found.values()) == 10 and len(found) == size


# --- pages ---------------------------------------------------------------------------------------------


def test_the_trainee_adds_an_activity_with_evidence_on_the_page(client, world, media):
    client.force_login(world.users["trainee"])
    url = reverse("trainees:cpd_add", args=[world.enrolment.pk])
    response = client.post(
        url,
        {
            "date": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "title": "Supervision skills webinar",
            "hours": "1.5",
            "cbt_informed": "on",
            "reflection": "Learnt to set an agenda.",
            "evidence": SimpleUploadedFile("cert.pdf", PDF),
        },
    )
    assert response.status_code == 302
    activity = CpdActivity.objects.get()
    assert (activity.title, activity.hours, activity.cbt_informed) == (
        "Supervision skills webinar",
        Decimal("1.5"),
        True,
    )
    page = client.get(reverse("trainees:cpd", args=[world.enrolment.pk])).content.decode()
    assert "Supervision skills webinar" in page and "Awaiting confirmation" in page


def test_a_refused_upload_shows_the_error_in_the_nhs_pattern(client, world, media):
    client.force_login(world.users["trainee"])
    response = client.post(
        reverse("trainees:cpd_add", args=[world.enrolment.pk]),
        {
            "date": timezone.localdate().isoformat(),
            "title": "x",
            "hours": "1",
            "evidence": SimpleUploadedFile("a.pdf", b"nope"),
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode() and "not a real PDF" in response.content.decode()
    assert not CpdActivity.objects.exists()


def test_the_supervisor_confirms_on_the_page_and_the_trainee_cannot(client, world):
    activity = CpdActivityFactory(enrolment=world.enrolment)
    client.force_login(world.users["trainee"])
    assert client.post(reverse("trainees:cpd_confirm", args=[activity.pk])).status_code == 403
    activity.refresh_from_db()
    assert not activity.is_confirmed
    client.force_login(world.users["supervisor"])
    assert client.post(reverse("trainees:cpd_confirm", args=[activity.pk])).status_code == 302
    activity.refresh_from_db()
    assert activity.is_confirmed


def test_evidence_is_served_only_as_an_attachment_after_the_access_check(client, world, media):
    activity = CpdActivityFactory(enrolment=world.enrolment)
    activity.evidence.save("x.pdf", ContentFile(PDF), save=False)
    CpdActivity.objects.filter(pk=activity.pk).update(evidence=activity.evidence.name)
    client.force_login(world.users["supervisor"])
    response = client.get(reverse("trainees:cpd_evidence", args=[activity.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="cpd.evidence_downloaded", object_id=str(activity.pk)).exists()
    client.force_login(world.users["other_supervisor"])
    assert client.get(reverse("trainees:cpd_evidence", args=[activity.pk])).status_code == 404
    assert default_storage.exists(activity.evidence.name)
