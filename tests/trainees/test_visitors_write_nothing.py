import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from trainees.models import SupervisorProfile

pytestmark = pytest.mark.django_db


def test_a_visitor_cannot_create_or_change_a_supervisor_profile(client, world):
    visitor = world.user("visitor")
    client.force_login(visitor)
    url = reverse("trainees:supervisor_profile_edit")
    assert client.get(url).status_code == 403
    response = client.post(url, {"professional_background": "Visiting", "pwp_experience": "None"})
    assert response.status_code == 403
    assert not SupervisorProfile.objects.filter(user=visitor).exists()
    assert AuditEvent.objects.filter(actor=visitor, action="access.forbidden").exists()


def test_a_supervisor_still_keeps_their_profile(client, world):
    supervisor = world.user("supervisor")
    client.force_login(supervisor)
    response = client.post(
        reverse("trainees:supervisor_profile_edit"),
        {"professional_background": "Ten years in primary care", "pwp_experience": "Qualified 2019"},
    )
    assert response.status_code == 302
    assert SupervisorProfile.objects.get(user=supervisor).pwp_experience == "Qualified 2019"


def test_a_supervisor_profile_with_an_nhs_number_is_refused_naming_the_field(client, world):
    supervisor = world.user("supervisor")
    client.force_login(supervisor)
    response = client.post(
        reverse("trainees:supervisor_profile_edit"),
        {"professional_background": "Discussed patient 943.476.5919 today", "pwp_experience": ""},
    )
    assert response.status_code == 200
    assert "cannot be saved because it contains what looks like an NHS number" in response.content.decode()
    assert not SupervisorProfile.objects.filter(user=supervisor).exists()
    assert not AuditEvent.objects.filter(message__contains="5919").exists()
