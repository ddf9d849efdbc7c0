from django.urls import path

from curriculum import views

app_name = "curriculum"

urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("<slug:code>/", views.programme_detail, name="programme"),
]
