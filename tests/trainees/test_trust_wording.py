"""Words a user would write: no "(past)" on an assignment still to come, no "never an nhs number"."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from trainees.caseload.forms import MappingForm

pytestmark = pytest.mark.django_db


def test_a_supervisee_whose_assignment_is_still_to_come_is_not_labelled_past(client, world):
    supervisor = world.user("supervisor")
    starts = timezone.localdate() + timedelta(days=10)
    later = f.EnrolmentFactory(cohort=world.enrolment.cohort)
    f.SupervisorAssignmentFactory(enrolment=later, supervisor=supervisor, starts_on=starts)
    client.force_login(world.user("educator"))
    page = client.get(reverse("trainees:supervisor", args=[supervisor.pk])).content.decode()
    assert f"(starts on {starts:%-d %B %Y})" in page
    assert "(past)" not in page


def test_the_column_hints_keep_their_capitals():
    hint = MappingForm().fields["heading_case_reference"].help_text
    assert "never an NHS number" in hint and hint[0].isupper()


def test_a_visitor_opening_the_visits_list_is_sent_to_their_visits(client, world):
    client.force_login(world.user("visitor"))
    response = client.get(reverse("portfolios:visits"))
    assert response.status_code == 302 and response["Location"] == reverse("home") + "#my-visits"
    assert "My accreditation visits" in client.get(response["Location"]).content.decode()
