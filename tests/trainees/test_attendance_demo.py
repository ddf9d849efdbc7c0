"""The demo's training days show each demo trainee's stage."""

import pytest
from django.utils import timezone

from curriculum.models import Cohort
from demo import attendance, foundation
from trainees.attendance.selectors import schedule_overview, training_days_progress_for
from trainees.models import AttendanceMark, CatchUp, Enrolment, Interruption, TeachingDay, WorkplaceDay

pytestmark = pytest.mark.django_db


def test_the_demo_cohorts_have_schedules_registers_and_each_trainees_stage(curriculum):
    today = timezone.localdate()
    foundation.seed(today)
    attendance.seed(today)
    counts = [m.objects.count() for m in (TeachingDay, AttendanceMark, WorkplaceDay, CatchUp, Interruption)]
    attendance.seed(today)  # idempotent
    assert [
        m.objects.count() for m in (TeachingDay, AttendanceMark, WorkplaceDay, CatchUp, Interruption)
    ] == counts

    enrolments = {e.user.username: e for e in Enrolment.objects.filter(cohort__code__startswith="nv-")}
    by_pk = training_days_progress_for(list(enrolments.values()), on=today)
    progress = {username: by_pk[e.pk] for username, e in enrolments.items()}
    for code in ("nv-cohort-1", "nv-cohort-2", "nv-cohort-3", "nv-cohort-4"):
        overview = schedule_overview(Cohort.objects.get(code=code))
        assert overview.total_scheduled == 25 and overview.warnings == (), code

    done = progress["trainee.done"]
    assert done.status == "complete" and done.completed_within_window

    late = progress["trainee.late"]
    assert late.status == "on_track"
    assert (late.university_completed, late.workplace_completed) == (25, 19)
    assert WorkplaceDay.objects.filter(enrolment=enrolments["trainee.late"], status="submitted").count() == 1

    mid = enrolments["trainee.mid"]
    marks = AttendanceMark.objects.current().filter(enrolment=mid)
    assert marks.filter(status="unauthorised_absence").count() == 1
    assert marks.filter(status="authorised_absence").count() == 0
    approved = CatchUp.objects.get(enrolment=mid)
    assert approved.status == "approved"
    assert approved.teaching_day == marks.get(status="unauthorised_absence").teaching_day
    assert progress["trainee.mid"].status == "on_track"

    cpd = progress["trainee.cpd"]
    assert [m.module_number for m in cpd.modules] == [1, 2] and cpd.university_completed == 15

    assert progress["grace.evans"].status == "at_risk"
    assert progress["sophie.brown"].window_end > progress["trainee.mid"].window_end  # her interruption
    assert progress["trainee.new"].reason.endswith("1 register still to be taken.")
