from django.urls import path

from trainees.views import cpd, enrolment

app_name = "trainees"

urlpatterns = [
    path("cohorts/<slug:code>/", enrolment.cohort_detail, name="cohort"),
    path("trainees/<int:pk>/", enrolment.trainee_detail, name="detail"),
    # CPD log (issue 7)
    path("trainees/<int:pk>/cpd/", cpd.cpd_list, name="cpd"),
    path("trainees/<int:pk>/cpd/add/", cpd.cpd_add, name="cpd_add"),
    path("cpd/<int:pk>/edit/", cpd.cpd_edit, name="cpd_edit"),
    path("cpd/<int:pk>/confirm/", cpd.cpd_confirm, name="cpd_confirm"),
    path("cpd/<int:pk>/reopen/", cpd.cpd_reopen, name="cpd_reopen"),
    path("cpd/<int:pk>/evidence/", cpd.cpd_evidence, name="cpd_evidence"),
]
