from django.urls import include, path

from trainees.attendance import views as attendance
from trainees.cpd import views as cpd
from trainees.enrolment import change_views, intake_views
from trainees.enrolment import views as enrolment
from trainees.imports import views as imports
from trainees.supervision import views as supervision

app_name = "trainees"

urlpatterns = [
    # Import profiles: how services' and universities' files are read
    path("imports/profiles/", imports.profile_list, name="import_profiles"),
    path("imports/profiles/<slug:code>/", imports.profile_detail, name="import_profile"),
    path("imports/profiles/<slug:code>/copy/", imports.profile_copy, name="import_profile_copy"),
    path("imports/profiles/<slug:code>/edit/", imports.profile_edit, name="import_profile_edit"),
    path("cohorts/<slug:code>/", enrolment.cohort_detail, name="cohort"),
    path("trainees/<int:pk>/", enrolment.trainee_detail, name="detail"),
    path("search/", enrolment.search, name="search"),
    # Starting a programme year: an intake from one file, and supervisors for everyone at once
    path("cohorts/<slug:code>/intake/", intake_views.intake, name="intake"),
    path("cohorts/<slug:code>/intake/confirm/", intake_views.intake_confirm, name="intake_confirm"),
    path("cohorts/<slug:code>/intake/template.xlsx", intake_views.intake_template, name="intake_template"),
    path("cohorts/<slug:code>/supervisors/", intake_views.bulk_supervisors, name="bulk_supervisors"),
    # People over time: withdrawal, transfer to another cohort, change of route (each confirmed first)
    path("trainees/<int:pk>/withdraw/", change_views.withdraw, name="withdraw"),
    path("trainees/<int:pk>/transfer/", change_views.transfer, name="transfer"),
    path("trainees/<int:pk>/route/", change_views.change_route, name="change_route"),
    # CPD log: a trainee's activities, their evidence and the supervisor's confirmation
    path("trainees/<int:pk>/cpd/", cpd.cpd_list, name="cpd"),
    path("trainees/<int:pk>/cpd/add/", cpd.cpd_add, name="cpd_add"),
    path("cpd/<int:pk>/edit/", cpd.cpd_edit, name="cpd_edit"),
    path("cpd/<int:pk>/confirm/", cpd.cpd_confirm, name="cpd_confirm"),
    path("cpd/<int:pk>/reopen/", cpd.cpd_reopen, name="cpd_reopen"),
    path("cpd/<int:pk>/evidence/", cpd.cpd_evidence, name="cpd_evidence"),
    # Supervision: sessions, and services' sites and supervisor ratios
    path("trainees/<int:pk>/supervision/", supervision.trainee_supervision, name="supervision"),
    path("trainees/<int:pk>/supervision/log/", supervision.log_session, name="supervision_log"),
    path("trainees/<int:pk>/supervision/leave/", supervision.record_leave, name="supervision_leave"),
    path(
        "trainees/<int:pk>/supervision/reports/new/<slug:kind>/",
        supervision.report_new,
        name="supervisor_report_new",
    ),
    path("trainees/<int:pk>/supervisors/", supervision.assignments, name="supervisor_assignments"),
    path("trainees/<int:pk>/site/", supervision.placement, name="site_placement"),
    path("trainees/<int:pk>/identifiers/", supervision.identifiers, name="trainee_identifiers"),
    path("supervision/waiting/", supervision.waiting, name="supervisor_waiting"),
    path("supervision/sessions/<int:pk>/", supervision.session_detail, name="supervision_session"),
    path("supervision/sessions/<int:pk>/edit/", supervision.session_edit, name="supervision_session_edit"),
    path(
        "supervision/sessions/<int:pk>/withdraw/",
        supervision.session_withdraw,
        name="supervision_session_withdraw",
    ),
    path(
        "supervision/sessions/<int:pk>/confirm/",
        supervision.session_confirm,
        name="supervision_session_confirm",
    ),
    path(
        "supervision/sessions/<int:pk>/reopen/", supervision.session_reopen, name="supervision_session_reopen"
    ),
    path("supervision/reports/<int:pk>/", supervision.report_detail, name="supervisor_report"),
    path("supervision/reports/<int:pk>/edit/", supervision.report_edit, name="supervisor_report_edit"),
    path("supervision/reports/<int:pk>/sign/", supervision.report_sign, name="supervisor_report_sign"),
    path(
        "supervision/assignments/<int:pk>/end/", supervision.assignment_end, name="supervisor_assignment_end"
    ),
    path(
        "supervision/assignments/<int:pk>/restore/",
        supervision.assignment_restore,
        name="supervisor_assignment_restore",
    ),
    path("supervisors/", supervision.supervisors_index, name="supervisors"),
    path("supervisors/profile/", supervision.supervisor_profile_edit, name="supervisor_profile_edit"),
    path("supervisors/<int:pk>/", supervision.supervisor_detail, name="supervisor"),
    path("supervisors/<int:pk>/training/add/", supervision.training_add, name="supervisor_training_add"),
    path(
        "supervisors/training/<int:pk>/verify/",
        supervision.training_verify,
        name="supervisor_training_verify",
    ),
    path(
        "supervisors/training/<int:pk>/certificate/",
        supervision.training_certificate,
        name="supervisor_training_certificate",
    ),
    path("services/", supervision.services_index, name="services"),
    path("services/<slug:code>/", supervision.service_detail, name="service"),
    path("services/sites/<int:pk>/", supervision.site_edit, name="site_edit"),
    # Training days: schedules, registers, imports, workplace days, catch-ups and interruptions
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
    path("", include("trainees.caseload.urls")),
]
