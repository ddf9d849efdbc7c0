import pytest
from django.utils import timezone

from assessments.models import Attempt, SignOff
from assessments.selectors import competence_statuses
from demo import assessments, foundation
from trainees.models import Enrolment

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_promised_stages_and_is_idempotent(curriculum):
    today = timezone.localdate()
    foundation.seed(today)
    assessments.seed(today)
    counts = (Attempt.objects.count(), SignOff.objects.count())
    assert assessments.seed(today) == {"trainees": 0}
    assert (Attempt.objects.count(), SignOff.objects.count()) == counts

    done = Enrolment.objects.get(user__username="trainee.done")
    assert {s.status for s in competence_statuses(done)} == {"signed"}
    assert len(competence_statuses(done)) == 9

    mid = Enrolment.objects.get(user__username="trainee.mid")
    statuses = {s.code: s for s in competence_statuses(mid)}
    assert {s.status for s in statuses.values()} >= {"signed", "submitted", "not_started"}
    exposure = list(
        Attempt.objects.filter(enrolment=mid, competence__code="exposure-therapy").order_by("number")
    )
    assert [(a.number, a.status, a.outcome) for a in exposure] == [
        (1, "agreed", "failed"),
        (2, "submitted", ""),
    ]
    assert statuses["exposure-therapy"].label == "Submitted (attempt 2 of 2)"
    assert exposure[0].is_released(today)

    new = Enrolment.objects.get(user__username="trainee.new")
    assert {s.status for s in competence_statuses(new)} == {"not_started"}
    # The educator has both first marking and moderation waiting.
    waiting = set(
        Attempt.objects.filter(enrolment__cohort__programme__code="northvale-pwp").values_list(
            "status", flat=True
        )
    )
    assert {"submitted", "awaiting_moderation", "agreed"} <= waiting


def test_the_demo_marks_and_signs_off_when_the_work_was_done_not_when_it_was_seeded(curriculum):
    today = timezone.localdate()
    foundation.seed(today)
    assessments.seed(today)
    done = Enrolment.objects.get(user__username="trainee.done")
    for sign_off in SignOff.objects.filter(enrolment=done).select_related("attempt"):
        attempt = sign_off.attempt
        marked = timezone.localdate(attempt.first_marked_at)
        assert attempt.submitted_on < marked <= timezone.localdate(sign_off.signed_at) < today
        assert (timezone.localdate(sign_off.signed_at) - attempt.submitted_on).days <= 10
