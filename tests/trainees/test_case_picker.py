"""The weekly supervision form's case picker: open cases only, overdue first, and "all overdue" in one go."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from trainees.models import Case, SupervisionSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world):
    today = timezone.localdate()
    enrolment = world.enrolment

    def case(reference, opened_days_ago, closed_days_ago=None):
        return Case.objects.create(
            enrolment=enrolment,
            service=enrolment.employing_service,
            reference=reference,
            opened_on=today - timedelta(days=opened_days_ago),
            closed_on=today - timedelta(days=closed_days_ago) if closed_days_ago is not None else None,
            status=Case.Status.CLOSED if closed_days_ago is not None else Case.Status.OPEN,
        )

    return {
        "late": case("PIC-LATE", 60),
        "later": case("PIC-LATER", 90),
        "fresh": case("PIC-FRESH", 5),
        "gone": case("PIC-GONE", 80, closed_days_ago=3),
    }


def test_only_open_cases_are_listed_overdue_first(client, world, cases):
    client.force_login(world.user("trainee"))
    form = client.get(reverse("trainees:supervision_log", args=[world.enrolment.pk])).context["form"]
    listed = [(c.case.reference, c.overdue) for c in form.case_choices]
    assert listed == [("PIC-LATER", True), ("PIC-LATE", True), ("PIC-FRESH", False)]
    assert form.fields["all_overdue"].label == "Reviewed all 2 overdue cases"


def test_all_overdue_records_every_overdue_case_as_reviewed(client, world, cases):
    client.force_login(world.user("trainee"))
    response = client.post(
        reverse("trainees:supervision_log", args=[world.enrolment.pk]),
        {
            "kind": SupervisionSession.Kind.CASE_MANAGEMENT,
            "date": timezone.localdate().isoformat(),
            "minutes": "60",
            "format": SupervisionSession.Format.INDIVIDUAL,
            "supervisor": world.user("supervisor").pk,
            "all_overdue": "on",
            "cases": [cases["fresh"].pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    session = SupervisionSession.objects.get(enrolment=world.enrolment)
    assert {c.reference for c in session.cases_reviewed.all()} == {"PIC-LATE", "PIC-LATER", "PIC-FRESH"}


def test_a_discharged_case_cannot_be_posted(client, world, cases):
    client.force_login(world.user("trainee"))
    response = client.post(
        reverse("trainees:supervision_log", args=[world.enrolment.pk]),
        {
            "kind": SupervisionSession.Kind.CASE_MANAGEMENT,
            "date": timezone.localdate().isoformat(),
            "minutes": "60",
            "format": SupervisionSession.Format.INDIVIDUAL,
            "supervisor": world.user("supervisor").pk,
            "cases": [cases["gone"].pk],
        },
    )
    assert response.status_code == 200
    assert "cases" in response.context["form"].errors
    assert not SupervisionSession.objects.exists()
