from django.urls import path

from curriculum import views

app_name = "curriculum"

urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("new/", views.programme_new, name="programme_new"),
    path("<slug:code>/", views.programme_detail, name="programme"),
    path("<slug:code>/edit/", views.programme_edit, name="programme_edit"),
    path("<slug:code>/people/", views.programme_people, name="programme_people"),
    path("<slug:code>/people/<int:user_pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("<slug:code>/cohorts/new/", views.cohort_new, name="cohort_new"),
    path("<slug:code>/cohorts/<slug:cohort_code>/edit/", views.cohort_edit, name="cohort_edit"),
]
