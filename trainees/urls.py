from django.urls import path

from trainees import views

app_name = "trainees"

urlpatterns = [
    path("cohorts/<slug:code>/", views.cohort_detail, name="cohort"),
    path("trainees/<int:pk>/", views.trainee_detail, name="detail"),
]
