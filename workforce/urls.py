from django.urls import path

from workforce import views

app_name = "workforce"

urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.my_history, name="my_history"),
    path("me/correction/", views.suggest_correction, name="suggest_correction"),
    path("me/diversity/", views.my_diversity, name="my_diversity"),
    path("services/<slug:code>/", views.service_overview, name="service"),
    path("services/<slug:code>/retention/", views.retention, name="retention"),
    path("services/<slug:code>/turnover/", views.turnover, name="turnover"),
    path("services/<slug:code>/staffing/", views.staffing, name="staffing"),
    path("services/<slug:code>/diversity/", views.diversity, name="diversity"),
    path("services/<slug:code>/applicants/", views.applicants, name="applicants"),
    path("services/<slug:code>/recruitment/", views.recruitment, name="recruitment"),
    path("services/<slug:code>/recruitment/new/", views.recruitment_new, name="recruitment_new"),
    path("services/<slug:code>/recruitment/<int:pk>/", views.recruitment_round, name="recruitment_round"),
    path(
        "services/<slug:code>/recruitment/<int:pk>/applications/new/",
        views.application_new,
        name="application_new",
    ),
    path(
        "services/<slug:code>/applications/<int:pk>/outcome/",
        views.application_outcome,
        name="application_outcome",
    ),
    path("services/<slug:code>/decisions/", views.decisions, name="decisions"),
    path("services/<slug:code>/export/<slug:name>/", views.export, name="export"),
    path("services/<slug:code>/people/", views.people, name="people"),
    path("services/<slug:code>/posts/new/", views.post_new, name="post_new"),
    path("services/<slug:code>/posts/<int:pk>/end/", views.post_end, name="post_end"),
    path("services/<slug:code>/staffing/count/", views.staffing_count, name="staffing_count"),
    path("services/<slug:code>/proposals/<int:pk>/", views.proposal_decide, name="proposal_decide"),
    path("services/<slug:code>/corrections/<int:pk>/", views.correction_decide, name="correction_decide"),
]
