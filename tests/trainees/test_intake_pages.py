"""The intake pages: upload and preview, then confirm; nothing is saved before the second submission."""

import io

import pytest
from django.urls import reverse

from accounts.models import Invitation
from tests.trainees.intake_files import csv_file, make_setting, row
from trainees.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(curriculum):
    return make_setting()


def upload(client, cohort, rows, name="intake.csv"):
    data = csv_file(rows).getvalue()
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("trainees:intake", args=[cohort.code]), {"file": file})


def test_the_preview_saves_nothing_and_confirming_saves_everything(
    client, setting, django_capture_on_commit_callbacks
):
    admin, cohort, _ = setting
    client.force_login(admin)
    preview = upload(client, cohort, [row(1), row(2)])
    assert preview.status_code == 200
    assert b"Check before enrolling" in preview.content and b"Enrol 2 trainees" in preview.content
    assert Enrolment.objects.filter(cohort=cohort).count() == 0
    with django_capture_on_commit_callbacks(execute=False):
        done = client.post(reverse("trainees:intake_confirm", args=[cohort.code]))
    assert done.status_code == 302 and done["Location"] == reverse("trainees:cohort", args=[cohort.code])
    assert Enrolment.objects.filter(cohort=cohort).count() == 2
    assert Invitation.objects.count() == 4
    # The stored upload is gone: confirming twice cannot enrol twice.
    again = client.post(reverse("trainees:intake_confirm", args=[cohort.code]), follow=True)
    assert b"preview has expired" in again.content


def test_a_file_with_problems_lists_them_and_offers_no_confirm(client, setting):
    admin, cohort, _ = setting
    client.force_login(admin)
    page = upload(client, cohort, [row(1, Route="nowhere"), row(2)])
    text = page.content.decode()
    assert "Row 2, Route:" in text and "There is a problem" in text
    assert "Enrol 1 trainee" not in text
    after = client.post(reverse("trainees:intake_confirm", args=[cohort.code]))
    assert after.status_code == 302
    assert Enrolment.objects.filter(cohort=cohort).count() == 0


def test_a_file_of_another_type_is_refused(client, setting):
    admin, cohort, _ = setting
    client.force_login(admin)
    page = upload(client, cohort, [row(1)], name="intake.pdf")
    assert "Upload a CSV file (.csv) or an Excel workbook (.xlsx)." in page.content.decode()


def test_the_template_downloads_as_a_workbook_with_the_headings(client, setting):
    admin, cohort, _ = setting
    client.force_login(admin)
    response = client.get(reverse("trainees:intake_template", args=[cohort.code]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response).startswith(b"PK\x03\x04")
