"""The back office for workforce records: saves through the services, and no way to see or list anyone's
diversity or equal opportunities answers."""

from datetime import date

import pytest
from django.contrib import admin

from accounts.models import AuditEvent, User
from tests import factories as f
from tests.workforce.factories import PostFactory
from workforce.models import Application, DiversityAnswers
from workforce.services import open_recruitment, record_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin", "admin@example.org", "not-a-real-password")


def test_diversity_answers_are_not_in_the_admin_and_applications_show_no_answers(client, superuser):
    assert DiversityAnswers not in admin.site._registry
    model_admin = admin.site._registry[Application]
    answers = {"sex", "age_band", "ethnic_group", "disability", "bsl"}
    assert not answers & set(model_admin.fields)
    assert not answers & set(model_admin.list_display) and not answers & set(model_admin.list_filter)
    recruitment = open_recruitment(
        actor=superuser,
        service=f.ServiceFactory(),
        name="Spring intake",
        posts_offered=4,
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 1, 31),
    )
    application = record_application(
        actor=superuser, recruitment=recruitment, reference="NHSJ-9", ethnic_group="asian_chinese"
    )
    client.force_login(superuser)
    page = client.get(f"/admin/workforce/application/{application.pk}/change/").content.decode()
    assert "NHSJ-9" in page and "Chinese" not in page
    assert client.get("/admin/workforce/application/?ethnic_group=asian_chinese").status_code != 200 or (
        "NHSJ-9"
        not in client.get("/admin/workforce/application/?ethnic_group=asian_chinese").content.decode()
    )


def test_a_post_changed_in_the_admin_is_checked_and_audited_by_the_service(client, superuser):
    post = PostFactory(band=5)
    client.force_login(superuser)
    data = {
        "practitioner": post.practitioner_id,
        "service": post.service_id,
        "job_title": post.job_title,
        "kind": post.kind,
        "band": "5",
        "senior_role": "supervisor",  # a senior role on a band 5 post: refused, nothing saved
        "wte": "1.00",
        "starts_on": "2022-01-01",
    }
    client.post(f"/admin/workforce/post/{post.pk}/change/", data)
    post.refresh_from_db()
    assert post.senior_role == "" and not AuditEvent.objects.filter(action="workforce.post_changed").exists()
    data.update(band="6")
    response = client.post(f"/admin/workforce/post/{post.pk}/change/", data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.band == 6 and post.senior_role == "supervisor"
    event = AuditEvent.objects.get(action="workforce.post_changed", object_id=str(post.pk))
    assert event.before["band"] == 5 and event.after["band"] == 6 and event.actor == superuser


def test_a_service_administrator_sees_only_their_services_posts_in_the_admin(client):
    mine = PostFactory()
    theirs = PostFactory()
    person = f.UserFactory(is_staff=True, is_superuser=False)
    f.AdministratorFactory(user=person, organisation=mine.service)
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = person
    listed = set(admin.site._registry[type(mine)].get_queryset(request))
    assert mine in listed and theirs not in listed
