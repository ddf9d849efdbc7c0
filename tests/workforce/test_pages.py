"""Workforce pages: your own history, corrections, the band 5 post on qualifying, audited reports."""

from datetime import date, timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import AuditEvent
from tests import factories as f
from tests.workforce.factories import PostFactory, PractitionerFactory
from trainees.enrolment.services import complete_enrolment
from workforce.models import Correction, DiversityAnswers, Post, PostProposal
from workforce.reference import load_workforce_rules


@pytest.fixture
def rules(db):
    load_workforce_rules()


def test_your_history_shows_your_posts_and_both_high_intensity_readings(client, world, rules):
    trainee = world.user("trainee")
    practitioner = PractitionerFactory(user=trainee)
    PostFactory(
        practitioner=practitioner,
        job_title="Assistant psychologist",
        kind="psychological",
        band=4,
        starts_on=date(2020, 1, 1),
        ends_on=date(2021, 12, 31),
    )
    PostFactory(practitioner=practitioner, band=5, starts_on=date(2022, 1, 1))
    PostFactory(job_title="Someone else's post")
    client.force_login(trainee)
    page = client.get(reverse("workforce:my_history")).content.decode()
    assert "Assistant psychologist" in page and "Someone else&#x27;s post" not in page
    assert "two years in a psychological role" in page
    assert "two years&#x27; continuous employment as a PWP" in page
    assert "Band 6 readiness" in page


def test_you_can_suggest_a_correction_to_your_own_post_only(client, world):
    trainee = world.user("trainee")
    mine = PostFactory(practitioner=PractitionerFactory(user=trainee))
    theirs = PostFactory()
    client.force_login(trainee)
    url = reverse("workforce:suggest_correction")
    response = client.post(url, {"post": theirs.pk, "message": "Not mine"})
    assert response.status_code == 200 and not Correction.objects.exists()
    response = client.post(url, {"post": mine.pk, "message": "I started in February."})
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.post == mine and correction.service == mine.service
    assert AuditEvent.objects.filter(action="workforce.correction_suggested").exists()


def test_completing_the_course_proposes_a_band_5_post_that_nothing_creates_until_confirmed(client, world):
    admin = world.user("admin")
    enrolment = world.enrolment
    trainee_post = PostFactory(
        practitioner=PractitionerFactory(user=enrolment.user),
        service=enrolment.employing_service,
        band=4,
        starts_on=enrolment.start_date,
    )
    completed_on = timezone.localdate() - timedelta(days=2)
    complete_enrolment(actor=admin, enrolment=enrolment, completed_on=completed_on)
    assert not Post.objects.filter(band=5).exists()
    client.force_login(admin)
    service = enrolment.employing_service
    page = client.get(reverse("workforce:decisions", args=[service.code])).content.decode()
    assert enrolment.user.display_name in page
    response = client.post(
        reverse("workforce:proposal_decide", args=[service.code, enrolment.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 302
    post = Post.objects.get(band=5)
    assert post.starts_on == completed_on and post.service == service
    trainee_post.refresh_from_db()
    assert trainee_post.ends_on == completed_on - timedelta(days=1) and trainee_post.destination == ""
    assert PostProposal.objects.get().decided_by == admin
    assert post.practitioner.qualified_on == completed_on
    # Decided once: it is no longer proposed, and a second decision is refused.
    response = client.post(
        reverse("workforce:proposal_decide", args=[service.code, enrolment.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 404 and Post.objects.filter(band=5).count() == 1


def test_a_trainee_cannot_confirm_a_post_or_decide_a_correction(client, world):
    service = world.enrolment.employing_service
    complete_enrolment(
        actor=world.user("admin"), enrolment=world.enrolment, completed_on=timezone.localdate()
    )
    practitioner = PractitionerFactory(user=world.user("other_trainee"))
    correction = Correction.objects.create(practitioner=practitioner, service=service, message="x")
    client.force_login(world.user("trainee"))
    assert (
        client.post(
            reverse("workforce:proposal_decide", args=[service.code, world.enrolment.pk]),
            {"decision": "confirm"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("workforce:correction_decide", args=[service.code, correction.pk]), {"decision": "accept"}
        ).status_code
        == 404
    )
    correction.refresh_from_db()
    assert correction.status == Correction.Status.PENDING and not Post.objects.exists()


@pytest.mark.parametrize("name", ["retention", "turnover", "staffing", "diversity", "applicants"])
def test_every_report_view_is_audited(client, world, name):
    service = world.enrolment.employing_service
    client.force_login(world.user("admin"))
    response = client.get(reverse(f"workforce:{name}", args=[service.code]), {"as_of": "2025-01-15"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="workforce.report_viewed")
    assert event.actor == world.user("admin") and name in event.message and "2025-01-15" in event.message


def test_diversity_answers_are_saved_without_their_values_reaching_the_audit_trail(client, world):
    trainee = world.user("trainee")
    client.force_login(trainee)
    response = client.post(
        reverse("workforce:my_diversity"), {"sex": "female", "ethnic_group": "white_irish", "bsl": "yes"}
    )
    assert response.status_code == 302
    answers = DiversityAnswers.objects.get(user=trainee)
    assert (answers.sex, answers.ethnic_group, answers.bsl, answers.disability) == (
        "female",
        "white_irish",
        "yes",
        "",
    )
    event = AuditEvent.objects.get(action="workforce.diversity_answers_saved")
    assert "white_irish" not in f"{event.before}{event.after}{event.message}{event.object_repr}"


def test_nobody_can_list_people_by_a_diversity_answer(client, world):
    """No admin page for the answers, and no page of people takes an answer as a filter."""
    with pytest.raises(NoReverseMatch):
        reverse("admin:workforce_diversityanswers_changelist")
    DiversityAnswers.objects.create(user=world.user("trainee"), ethnic_group="white_roma")
    client.force_login(world.user("admin"))
    service = world.enrolment.employing_service
    for name in ("diversity", "decisions", "service"):
        page = client.get(reverse(f"workforce:{name}", args=[service.code]), {"ethnic_group": "white_roma"})
        assert world.user("trainee").display_name not in page.content.decode()


def test_someone_elses_diversity_answers_are_not_on_your_page(client, world):
    DiversityAnswers.objects.create(user=world.user("other_trainee"), sex="male", ethnic_group="other_arab")
    client.force_login(world.user("trainee"))
    page = client.get(reverse("workforce:my_history")).content.decode()
    assert "Arab" not in page


def test_a_service_that_employs_none_of_your_trainees_is_not_found(client, world):
    other = f.ServiceFactory()
    client.force_login(world.user("admin"))
    assert client.get(reverse("workforce:retention", args=[other.code])).status_code == 404
    assert AuditEvent.objects.filter(action="access.refused").exists()


def test_an_administrator_records_a_post_and_ends_it_with_a_destination(client, world):
    service = world.enrolment.employing_service
    trainee = world.user("trainee")
    client.force_login(world.user("admin"))
    response = client.post(
        reverse("workforce:post_new", args=[service.code]),
        {
            "person": trainee.pk,
            "job_title": "Trainee PWP",
            "kind": "pwp",
            "band": 4,
            "wte": "0.6",
            "starts_on": "2025-01-06",
            "prior_background": "teacher",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(practitioner__user=trainee)
    assert post.practitioner.prior_background == "teacher"
    assert (post.band, str(post.wte), post.service) == (4, "0.60", service)
    url = reverse("workforce:post_end", args=[service.code, post.pk])
    question = client.get(url).content.decode()
    assert "What will change" in question
    assert "the service's reports count it up to that date only" in question
    response = client.post(url, {"ends_on": "2025-06-30", "leaving_reason": "career", "destination": ""})
    assert response.status_code == 200  # a reason without a destination is refused
    post.refresh_from_db()
    assert post.ends_on is None
    client.post(url, {"ends_on": "2025-06-30", "leaving_reason": "career", "destination": "high_intensity"})
    post.refresh_from_db()
    assert (post.ends_on, post.destination) == (date(2025, 6, 30), "high_intensity")
    assert AuditEvent.objects.filter(action="workforce.post_ended", object_id=str(post.pk)).exists()


def test_a_senior_role_on_a_band_5_post_is_refused(client, world):
    service = world.enrolment.employing_service
    client.force_login(world.user("admin"))
    response = client.post(
        reverse("workforce:post_new", args=[service.code]),
        {
            "person": world.user("trainee").pk,
            "job_title": "PWP",
            "kind": "pwp",
            "band": 5,
            "senior_role": "supervisor",
            "wte": "1",
            "starts_on": "2025-01-06",
        },
    )
    assert response.status_code == 200 and not Post.objects.exists()
    assert "Only band 6 and above posts have a senior role" in response.content.decode()


@pytest.mark.parametrize("name", ["retention", "turnover", "staffing", "diversity", "applicants"])
def test_each_report_downloads_as_a_suppressed_workbook_and_the_download_is_audited(client, world, name):
    import io

    import openpyxl

    from tests.workforce.factories import staff_service

    service = world.enrolment.employing_service
    staff_service(20, service=service)  # 4 leavers, 5 men: small numbers to hide
    client.force_login(world.user("admin"))
    response = client.get(reverse("workforce:export", args=[service.code, name]), {"as_of": "2025-01-15"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    values = [v for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for v in row]
    assert not any(isinstance(v, int) and 1 <= v <= 4 for v in values[1:] if not isinstance(v, bool))
    event = AuditEvent.objects.get(action="workforce.report_exported")
    assert name in event.message and "xlsx" in event.message


def test_an_unknown_report_cannot_be_exported(client, world):
    client.force_login(world.user("admin"))
    url = reverse("workforce:export", args=[world.enrolment.employing_service.code, "names"])
    assert client.get(url).status_code == 404
