from django.urls import path

from accreditation.portfolio import views

app_name = "portfolios"

urlpatterns = [
    path("trainees/<int:pk>/portfolio/", views.trainee_portfolio, name="trainee"),
    path("trainees/<int:pk>/portfolio.pdf", views.trainee_portfolio_pdf, name="trainee_pdf"),
    path(
        "trainees/<int:pk>/portfolio.pdf/retry/", views.trainee_portfolio_pdf_retry, name="trainee_pdf_retry"
    ),
    path("trainees/<int:pk>/portfolio/submit/", views.submit_portfolio, name="submit"),
    path("trainees/<int:pk>/portfolio/submit/<str:task_id>/", views.submit_progress, name="submit_progress"),
    path("portfolios/<int:pk>/", views.snapshot_detail, name="snapshot"),
    path("portfolios/<int:pk>/pdf/", views.snapshot_pdf, name="snapshot_pdf"),
    path("verify/", views.verify, name="verify"),
    # Administrators
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/manage/", views.visit_manage, name="visit_manage"),
    path("visits/<int:pk>/manage/portfolios/", views.visit_add_portfolios, name="visit_add"),
    path("visits/<int:pk>/manage/sample/", views.visit_draw_sample, name="visit_sample"),
    path("visits/<int:pk>/manage/packs/", views.visit_request_pack, name="visit_pack_request"),
    path("visits/<int:pk>/packs/<int:pack_pk>/", views.visit_pack, name="visit_pack"),
    path(
        "visits/<int:pk>/packs/<int:pack_pk>/download/", views.visit_pack_download, name="visit_pack_download"
    ),
    # Visitors (read-only, inside the visit's window)
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/portfolios/<int:snapshot_pk>/", views.visit_portfolio, name="visit_portfolio"),
    path(
        "visits/<int:pk>/portfolios/<int:snapshot_pk>/pdf/",
        views.visit_portfolio_pdf,
        name="visit_portfolio_pdf",
    ),
]
