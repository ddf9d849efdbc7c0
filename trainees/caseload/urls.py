"""Caseload URLs, included into the `trainees` namespace by trainees/urls.py."""

from django.urls import path

from trainees.caseload import views as caseload

urlpatterns = [
    path("trainees/<int:pk>/caseload/", caseload.caseload, name="caseload"),
    path("trainees/<int:pk>/caseload/contacts/new/", caseload.contact_new, name="caseload_contact_new"),
    path(
        "trainees/<int:pk>/caseload/cases/<int:case_pk>/close/",
        caseload.case_close,
        name="caseload_case_close",
    ),
    path("trainees/<int:pk>/caseload/import/", caseload.import_upload, name="caseload_import_upload"),
    path("trainees/<int:pk>/caseload/import/<int:job_pk>/", caseload.import_result, name="caseload_import"),
    path("trainees/<int:pk>/caseload/mappings/new/", caseload.mapping_new, name="caseload_mapping_new"),
    path("caseload/programmes/<slug:code>/", caseload.programme_settings, name="caseload_settings"),
    path(
        "caseload/services/<slug:code>/import/",
        caseload.service_import_upload,
        name="service_caseload_upload",
    ),
    path(
        "caseload/services/<slug:code>/import/<int:job_pk>/",
        caseload.service_import_result,
        name="service_caseload_import",
    ),
    path("caseload/supervisees/", caseload.supervisee_caseloads, name="caseload_supervisees"),
]
