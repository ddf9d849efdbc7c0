"""Permission matrix rows for training days: schedules, registers, imports, workplace days, catch-ups."""

from datetime import timedelta

from django.urls import reverse

from tests.matrix import CAN_SEE_TRAINEE, STAFF_OF_A, Row, allow, expect
from tests.trainees.factories_attendance import module
from trainees.models import AttendanceMark, CatchUp, TeachingDay, WorkplaceDay


def _day(w) -> TeachingDay:
    day, _ = TeachingDay.objects.get_or_create(
        cohort=w.cohort, date=w.cohort.start_date + timedelta(days=8), defaults={"module": module(1)}
    )
    return day


def _workplace_day(w) -> WorkplaceDay:
    day, _ = WorkplaceDay.objects.get_or_create(
        enrolment=w.enrolment,
        date=w.enrolment.start_date + timedelta(days=3),
        defaults={"module": module(1), "activity": "Shadowing", "reflection": "Useful."},
    )
    return day


def _catch_up(w) -> CatchUp:
    day = _day(w)
    AttendanceMark.objects.get_or_create(
        teaching_day=day, enrolment=w.enrolment, defaults={"status": "authorised_absence"}
    )
    catch_up, _ = CatchUp.objects.get_or_create(
        teaching_day=day,
        enrolment=w.enrolment,
        defaults={"activity": "Workbook", "completed_on": day.date, "submitted_by": w.enrolment.user},
    )
    return catch_up


def _cohort_url(name):
    return lambda w: reverse(f"trainees:{name}", args=[w.cohort.code])


def _day_url(name):
    return lambda w: reverse(f"trainees:{name}", args=[w.cohort.code, _day(w).pk])


def _trainee_url(name):
    return lambda w: reverse(f"trainees:{name}", args=[w.enrolment.pk])


ROWS = {
    "trainees:schedule": Row(_cohort_url("schedule"), allow(*STAFF_OF_A)),
    "trainees:schedule_generate": Row(_cohort_url("schedule_generate"), allow(*STAFF_OF_A)),
    "trainees:schedule_add_day": Row(_cohort_url("schedule_add_day"), allow(*STAFF_OF_A)),
    "trainees:teaching_day": Row(_day_url("teaching_day"), allow(*STAFF_OF_A)),
    "trainees:teaching_day_cancel": Row(
        _day_url("teaching_day_cancel"),
        allow(*STAFF_OF_A, status=302),
        method="post",
        data=lambda w: {"cancel_reason": "Room unavailable"},
    ),
    "trainees:register": Row(_day_url("register"), allow(*STAFF_OF_A)),
    # Importing registers from a file is the programme administrators' (educators and leads may not).
    "trainees:attendance_import": Row(
        _cohort_url("attendance_import"), expect(admin=200, educator=403, lead=403)
    ),
    "trainees:attendance_template": Row(_cohort_url("attendance_template"), allow(*STAFF_OF_A)),
    "trainees:attendance": Row(_trainee_url("attendance"), allow(*CAN_SEE_TRAINEE)),
    "trainees:workplace_day_new": Row(
        _trainee_url("workplace_day_new"),
        expect(trainee=200, supervisor=403, **dict.fromkeys(STAFF_OF_A, 403)),
    ),
    "trainees:catch_up_new": Row(
        _trainee_url("catch_up_new"),
        expect(trainee=200, supervisor=403, **dict.fromkeys(STAFF_OF_A, 200)),
    ),
    "trainees:interruption_new": Row(
        _trainee_url("interruption_new"),
        expect(trainee=403, supervisor=403, **dict.fromkeys(STAFF_OF_A, 200)),
    ),
    "trainees:workplace_day_review": Row(
        lambda w: reverse("trainees:workplace_day_review", args=[_workplace_day(w).pk]),
        expect(supervisor=200, trainee=403, **dict.fromkeys(STAFF_OF_A, 403)),
    ),
    "trainees:catch_up_review": Row(
        lambda w: reverse("trainees:catch_up_review", args=[_catch_up(w).pk]),
        expect(trainee=403, supervisor=403, **dict.fromkeys(STAFF_OF_A, 200)),
    ),
}
