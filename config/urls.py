from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("programmes/", include("curriculum.urls")),
    path("", include("trainees.urls")),
    path("assessments/", include("assessments.urls")),
    path("", include("accreditation.urls")),
    path("", include("accreditation.portfolio.urls")),
    path("workforce/", include("workforce.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "PWP training tracker administration"
admin.site.site_title = "PWP training tracker"
