from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("<int:pk>/dismiss/", views.notification_dismiss, name="dismiss"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("email/", views.email_settings, name="email_settings"),
    path("email/<str:token>/", views.email_setting_link, name="email_link"),
]
