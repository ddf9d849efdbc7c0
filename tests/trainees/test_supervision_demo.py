"""The supervision demo keeps its promises, and seeding it twice adds nothing."""

import pytest
from django.utils import timezone

from demo import foundation
from demo import supervision as supervision_demo
from trainees.models import Enrolment, SitePlacement, SupervisionSession, SupervisorReport
from trainees.supervision.selectors import credential_statuses, site_ratios, supervision_summary

pytestmark = pytest.mark.django_db


def summary(username):
    enrolment = Enrolment.objects.with_people().get(user__username=username)
    return supervision_summary(enrolment, start=enrolment.start_date, end=timezone.localdate())


def test_the_demo_shows_every_case_the_issue_asks_for(curriculum):
    today = timezone.localdate()
    foundation.seed(today)
    result = supervision_demo.seed(today)
    sessions = SupervisionSession.objects.count()

    uncredentialed = result["uncredentialed"]
    status = credential_statuses([uncredentialed.pk], on=today)[uncredentialed.pk]
    assert status.status == "not_credentialed" and not status.counts
    mid = summary("trainee.mid")
    assert SupervisionSession.objects.confirmed().filter(supervisor=uncredentialed).exists()
    assert mid.credentialed_hours["clinical_skills"] < mid.hours["clinical_skills"]
    assert len(mid.missed_weeks) == 1
    assert [reference for reference, _ in mid.overdue_case_reviews] == ["SUP-MID-OVERDUE"]
    assert mid.status == "gaps"

    done = summary("trainee.done")
    assert done.credentialed_hours["case_management"] >= 20
    assert done.credentialed_hours["clinical_skills"] >= 20
    assert done.status == "compliant"
    assert len(done.live_assessment_interventions) == 2
    final = SupervisorReport.objects.get(
        enrolment__user__username="trainee.done", kind="final", status="signed"
    )
    # Signed a few days after the period it covers, as a supervisor would, not when the demo was seeded.
    assert 0 < (timezone.localdate(final.signed_at) - final.period_end).days <= 3
    assert SupervisorReport.objects.filter(enrolment__user__username="trainee.late", kind="interim").exists()
    assert SupervisionSession.objects.awaiting().filter(supervisor=result["supervisor"]).exists()

    service = Enrolment.objects.get(user__username="trainee.mid").employing_service
    rows, _ = site_ratios(service, today=today)
    assert [row.name for row in rows if row.below] == ["Northvale East"]

    supervision_demo.seed(today)
    assert SupervisionSession.objects.count() == sessions
    assert SitePlacement.objects.count() == 6
