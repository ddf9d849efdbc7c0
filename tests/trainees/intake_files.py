"""Intake files for tests: rows with the template's headings, written as CSV."""

import csv
import io

from django.utils import timezone

from tests import factories as f
from trainees.enrolment.intake import HEADINGS


def make_setting():
    """A programme administrator, a new cohort of their programme, and a service to employ trainees."""
    admin = f.AdministratorFactory().user
    programme = f.ProgrammeFactory(hei=admin.org_memberships.get().organisation)
    cohort = f.CohortFactory(programme=programme, start_date=timezone.localdate())
    service = f.ServiceFactory(code="north-tt", name="North Talking Therapies")
    return admin, cohort, service


def row(n, **overrides):
    values = {
        "First name": f"Trainee{n}",
        "Last name": "Smith",
        "Email": f"trainee{n}@example.nhs.uk",
        "Student number": f"S{n:05d}",
        "Route": "standard",
        "Service": "north-tt",
        "Site": "",
        "Start date": timezone.localdate().strftime("%d/%m/%Y"),
        "Band": "4",
        "Case-management supervisor email": "cm.boss@example.nhs.uk",
        "Clinical-skills supervisor email": "cs.boss@example.nhs.uk",
    }
    values.update(overrides)
    return values


def csv_file(rows, headings=HEADINGS):
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=headings, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode())
