from django.urls import path

from trainees.views import attendance, enrolment

app_name = "trainees"

urlpatterns = [
    path("cohorts/<slug:code>/", enrolment.cohort_detail, name="cohort"),
    path("trainees/<int:pk>/", enrolment.trainee_detail, name="detail"),
    # Training days: schedules, registers, imports, workplace days, catch-ups and interruptions (issue 3)
    path("cohorts/<slug:code>/schedule/", attendance.schedule, name="schedule"),
    path("cohorts/<slug:code>/schedule/generate/", attendance.schedule_generate, name="schedule_generate"),
    path("cohorts/<slug:code>/schedule/add/", attendance.schedule_add_day, name="schedule_add_day"),
    path("cohorts/<slug:code>/schedule/<int:day_pk>/", attendance.teaching_day, name="teaching_day"),
    path(
        "cohorts/<slug:code>/schedule/<int:day_pk>/cancel/",
        attendance.teaching_day_cancel,
        name="teaching_day_cancel",
    ),
    path("cohorts/<slug:code>/registers/<int:day_pk>/", attendance.register, name="register"),
    path("cohorts/<slug:code>/attendance/import/", attendance.attendance_import, name="attendance_import"),
    path(
        "cohorts/<slug:code>/attendance/template.xlsx",
        attendance.attendance_template,
        name="attendance_template",
    ),
    path("trainees/<int:pk>/attendance/", attendance.trainee_attendance, name="attendance"),
    path("trainees/<int:pk>/workplace-days/new/", attendance.workplace_day_new, name="workplace_day_new"),
    path("trainees/<int:pk>/catch-ups/new/", attendance.catch_up_new, name="catch_up_new"),
    path("trainees/<int:pk>/interruptions/new/", attendance.interruption_new, name="interruption_new"),
    path("workplace-days/<int:pk>/review/", attendance.workplace_day_review, name="workplace_day_review"),
    path("catch-ups/<int:pk>/review/", attendance.catch_up_review, name="catch_up_review"),
]
