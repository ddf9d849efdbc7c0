"""A registration renewal looks at the last 12 months of supervision, which for a qualified practitioner
includes what they logged after completing training; the training figures still stop at completion."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accreditation.facts import gather_facts
from tests import factories as f
from tests.trainees.factories_supervision import SessionFactory

pytestmark = pytest.mark.django_db


def test_supervision_after_completion_counts_for_the_renewal_year_not_for_training(curriculum):
    today = timezone.localdate()
    start = today - timedelta(days=500)
    enrolment = f.EnrolmentFactory(start_date=start, cohort__start_date=start)
    completed = today - timedelta(days=120)
    type(enrolment).objects.filter(pk=enrolment.pk).update(status="completed", completed_on=completed)
    enrolment.refresh_from_db()
    supervisor = f.UserFactory()
    for day in (completed - timedelta(days=300), completed - timedelta(days=7), today - timedelta(days=30)):
        SessionFactory(enrolment=enrolment, supervisor=supervisor, date=day, confirmed=True)

    facts = gather_facts(enrolment, as_of=today)

    assert facts.supervision.end == completed
    assert facts.supervision.hours["case_management"] == 2.0  # the two during training
    assert facts.supervision_last_year.end == today
    assert facts.supervision_last_year.hours["case_management"] == 2.0  # the last in training and one since
    # Weeks after qualifying without case management are gaps in the renewal year too.
    assert any(week > completed for week in facts.supervision_last_year.missed_weeks)
