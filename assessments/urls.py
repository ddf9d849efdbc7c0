from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("marking/", views.marking_queue, name="queue"),
    path("programmes/<slug:code>/rules/", views.programme_settings, name="programme_settings"),
    path("cohorts/<slug:code>/competences/", views.cohort_grid, name="grid"),
    path("cohorts/<slug:code>/competences.xlsx", views.cohort_grid_export, name="grid_export"),
    path("trainees/<int:pk>/", views.trainee_competences, name="trainee"),
    path("trainees/<int:pk>/attempts/new/", views.submit_attempt, name="submit"),
    path("trainees/<int:pk>/mitigating-circumstances/", views.record_mitigation, name="mitigation"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt"),
    path("attempts/<int:pk>/mark/", views.mark_attempt, name="mark"),
    path("attempts/<int:pk>/moderate/", views.moderate_attempt, name="moderate"),
    path("attempts/<int:pk>/evidence/", views.add_evidence, name="add_evidence"),
    path("attempts/<int:pk>/audit/", views.attempt_audit, name="audit"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("sign-offs/<int:pk>/reopen/", views.reopen_sign_off, name="reopen"),
]
