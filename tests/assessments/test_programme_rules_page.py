"""A programme's assessment rules (attempts allowed, moderation share) on a page, through the service."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from assessments.models import ProgrammeAssessmentSettings
from tests.assessments.factories_assessments import ensure_reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules_url(world):
    ensure_reference()
    return reverse("assessments:programme_settings", args=[world.programme.code])


def _data(world, **overrides):
    from assessments.selectors import schemes_for_edition

    scheme = schemes_for_edition(world.programme.edition_id).first()
    return {"scheme": scheme.pk, "attempts_allowed": 3, "moderation_sample_percent": 25, **overrides}


def test_the_administrator_sets_attempts_and_moderation_share(client, world, rules_url):
    client.force_login(world.user("admin"))
    assert "Attempts allowed" in client.get(rules_url).content.decode()
    assert client.post(rules_url, _data(world)).status_code == 302
    saved = ProgrammeAssessmentSettings.objects.get(programme=world.programme)
    assert (saved.attempts_allowed, saved.moderation_sample_percent) == (3, 25)
    assert AuditEvent.objects.filter(action="assessment_settings.changed", actor=world.user("admin")).exists()
    assert "25% of passes" in client.get(rules_url).content.decode()


def test_a_share_over_100_is_named_and_nothing_saved(client, world, rules_url):
    client.force_login(world.user("lead"))
    response = client.post(rules_url, _data(world, moderation_sample_percent=150))
    assert "The moderation share is a percentage from 0 to 100" in response.content.decode()
    assert not ProgrammeAssessmentSettings.objects.filter(programme=world.programme).exists()


def test_an_educator_reads_the_rules_but_cannot_change_them(client, world, rules_url):
    client.force_login(world.user("educator"))
    page = client.get(rules_url).content.decode()
    assert "Only the programme lead or a programme administrator changes these rules." in page
    assert client.post(rules_url, _data(world)).status_code == 403
    assert not ProgrammeAssessmentSettings.objects.filter(programme=world.programme).exists()
