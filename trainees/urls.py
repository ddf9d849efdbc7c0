from django.urls import include, path

from trainees.views import enrolment

app_name = "trainees"

urlpatterns = [
    path("cohorts/<slug:code>/", enrolment.cohort_detail, name="cohort"),
    path("trainees/<int:pk>/", enrolment.trainee_detail, name="detail"),
    path("", include("trainees.urls_caseload")),
]
