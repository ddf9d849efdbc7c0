from django.urls import path

from accreditation import views

app_name = "accreditation"

urlpatterns = [
    path("trainees/<int:pk>/readiness/", views.trainee_readiness, name="trainee_readiness"),
    path("trainees/<int:pk>/readiness/<slug:scheme>/", views.trainee_scheme, name="trainee_scheme"),
    path("cohorts/<slug:code>/readiness/", views.cohort_readiness, name="cohort_readiness"),
    path("cohorts/<slug:code>/readiness/export/", views.cohort_export, name="cohort_export"),
    path("attention/", views.attention, name="attention"),
    path("attention/export.xlsx", views.attention_export, name="attention_export"),
]
