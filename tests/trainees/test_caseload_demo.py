"""The demo caseloads are realistic against the ramp and seeding twice changes nothing."""

import pytest
from django.db.models import Count
from django.utils import timezone

from demo import caseload, foundation
from trainees.caseload.selectors import caseload_figures
from trainees.models import Case, Contact, Enrolment

pytestmark = pytest.mark.django_db


def test_demo_trainees_follow_the_ramp_and_seeding_is_idempotent(curriculum):
    today = timezone.localdate()
    foundation.seed(today)
    caseload.seed(today)
    counts = Contact.objects.count(), Case.objects.count()
    caseload.seed(today)
    assert (Contact.objects.count(), Case.objects.count()) == counts

    figures = {
        e.user.username: caseload_figures(e, on=today)
        for e in Enrolment.objects.with_people().filter(user__username__startswith="trainee.")
    }
    assert figures["trainee.new"].actual_patients_to_date == 0
    assert figures["trainee.new"].status == "not_started"
    for username in ("trainee.mid", "trainee.late", "trainee.done"):
        assert figures[username].status == "on_track", figures[username].reason
    assert 40 <= figures["trainee.mid"].actual_patients_to_date <= 75
    assert 120 <= figures["trainee.late"].actual_patients_to_date <= 165
    done = figures["trainee.done"]
    assert 160 <= done.actual_patients_to_date <= 180  # about 170 in the training year
    assert done.step2_hours_per_week >= 2 and done.patients_last_12_months > 0
    per_case = Case.objects.filter(enrolment__user__username="trainee.done").annotate(n=Count("contacts"))
    average = sum(c.n for c in per_case) / len(per_case)
    assert 4 <= average <= 6
    assert not Case.objects.exclude(reference__startswith="NV-").exists()
