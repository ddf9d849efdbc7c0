"""Applicants and recruitment: rounds and applications recorded through services, outcomes moved on, the
applicant's equal opportunities answers counted only, and the applicants report suppressed with the rest."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import DomainError
from tests import factories as f
from tests.workforce.factories import staff_service
from workforce import reports, services
from workforce.models import Application, Outcome, Recruitment
from workforce.suppression import HIDDEN

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 1, 15)


def _round(service, actor, **kwargs):
    return services.open_recruitment(
        actor=actor,
        service=service,
        name=kwargs.pop("name", "Trainee PWPs for January"),
        posts_offered=kwargs.pop("posts_offered", 8),
        opens_on=kwargs.pop("opens_on", date(2024, 9, 1)),
        closes_on=kwargs.pop("closes_on", date(2024, 9, 30)),
        **kwargs,
    )


def test_a_round_and_its_applications_are_recorded_and_audited_without_the_answers():
    service, actor = f.ServiceFactory(), f.UserFactory()
    recruitment = _round(service, actor)
    application = services.record_application(
        actor=actor,
        recruitment=recruitment,
        reference=" NHSJ-1 ",
        prior_background="psychology",
        sex="male",
        ethnic_group="black_african",
    )
    assert application.reference == "NHSJ-1" and application.sex == "male"
    events = AuditEvent.objects.filter(action__startswith="workforce.")
    assert {e.action for e in events} == {"workforce.recruitment_opened", "workforce.application_recorded"}
    text = " ".join(f"{e.before} {e.after} {e.message}" for e in events)
    assert "male" not in text and "black_african" not in text
    services.set_application_outcome(actor=actor, application=application, outcome=Outcome.APPOINTED)
    event = AuditEvent.objects.get(action="workforce.application_outcome_set")
    today = timezone.localdate().isoformat()
    assert event.before == {"outcome": "received"} and event.after == {"outcome": "appointed", "on": today}


def test_a_reference_is_used_once_per_round_and_answers_come_from_the_lists():
    service, actor = f.ServiceFactory(), f.UserFactory()
    recruitment = _round(service, actor)
    services.record_application(actor=actor, recruitment=recruitment, reference="A1")
    with pytest.raises(DomainError, match="already recorded"):
        services.record_application(actor=actor, recruitment=recruitment, reference="A1")
    with pytest.raises(DomainError, match="from the list"):
        services.record_application(actor=actor, recruitment=recruitment, reference="A2", sex="unknown")
    with pytest.raises(DomainError, match="cannot close before"):
        _round(service, actor, name="Backwards", opens_on=date(2024, 9, 1), closes_on=date(2024, 8, 1))
    assert Application.objects.count() == 1 and Recruitment.objects.count() == 1


def test_the_applicants_report_counts_applications_by_outcome_and_hides_small_numbers():
    service, _, _ = staff_service(10)  # one round: 20 applications, 10 appointed, 10 not shortlisted
    actor = f.UserFactory()
    small = _round(
        service, actor, name="Small round", opens_on=date(2024, 10, 1), closes_on=date(2024, 10, 20)
    )
    for i in range(3):
        services.record_application(actor=actor, recruitment=small, reference=f"S{i}", sex="female")
    # A third round: hiding the small round's total hides another round's too (the smallest).
    third = _round(
        service, actor, name="Third round", opens_on=date(2024, 11, 1), closes_on=date(2024, 11, 9)
    )
    for i in range(7):
        services.record_application(actor=actor, recruitment=third, reference=f"T{i}")
    report = reports.applicants(reports.load_posts(service, AS_OF))
    outcomes = report.outcomes
    # Zeros among people are hidden too (README, "Small-number suppression"): each round's zeros, here and
    # in the diversity tables that share its total, now need protecting as well, and on this page the
    # 20 and its 10 appointed are hidden with them (while zeros were shown, both were shown). An outcome
    # nobody reached is a column of zeros known from its total of 0, so it is shown.
    withdrew = outcomes.column_labels.index(Outcome.WITHDRAWN.label)
    assert outcomes.column_totals[withdrew].count == 0
    assert all(cells[withdrew].count == 0 for cells in outcomes.cells)
    assert outcomes.row_totals[outcomes.row_labels.index("Small round")].hidden
    assert outcomes.row_totals[outcomes.row_labels.index("Third round")].hidden
    # The round's applicants are also rows of every diversity table: hidden there too.
    diversity = reports.diversity(reports.load_posts(service, AS_OF))
    for _, table in diversity.tables:
        assert table.row_totals[table.row_labels.index("Applicants: Small round")].hidden


def test_a_report_as_of_an_earlier_date_shows_each_outcome_as_it_stood_then():
    service, actor = f.ServiceFactory(), f.UserFactory()
    recruitment = _round(service, actor)  # opened 1 September 2024, closed 30 September
    applications = [
        services.record_application(
            actor=actor, recruitment=recruitment, reference=f"A{i}", on=date(2024, 9, 10 + i)
        )
        for i in range(12)
    ]
    for application in applications[:6]:
        services.set_application_outcome(
            actor=actor, application=application, outcome=Outcome.NOT_SHORTLISTED, on=date(2024, 10, 7)
        )
    for application in applications[6:]:
        services.set_application_outcome(
            actor=actor, application=application, outcome=Outcome.NOT_APPOINTED, on=date(2024, 11, 4)
        )
    for application in applications[6:]:  # then all six were offered a post and took it
        services.set_application_outcome(
            actor=actor, application=application, outcome=Outcome.APPOINTED, on=date(2024, 12, 2)
        )

    def outcomes_on(day):
        table = reports.applicants(reports.load_posts(service, day)).outcomes
        return {label: cell.count for label, cell in zip(table.column_labels, table.cells[0], strict=True)}

    assert outcomes_on(date(2024, 9, 30))[Outcome.RECEIVED.label] == 12
    october = outcomes_on(date(2024, 10, 31))
    assert october[Outcome.NOT_SHORTLISTED.label] == 6 and october[Outcome.RECEIVED.label] == 6
    november = outcomes_on(date(2024, 11, 30))
    assert november[Outcome.NOT_APPOINTED.label] == 6 and november[Outcome.APPOINTED.label] == 0
    now = outcomes_on(AS_OF)
    assert now[Outcome.APPOINTED.label] == 6 and now[Outcome.NOT_APPOINTED.label] == 0
    # The command reads the same dated outcomes.
    out = StringIO()
    call_command("workforce_report", "--service", service.code, "--as-of", "2024-10-31", "--json", stdout=out)
    row = json.loads(out.getvalue())["applicants"]["outcomes"]["rows"][0]["cells"]
    assert row[Outcome.NOT_SHORTLISTED.label]["count"] == 6 and row[Outcome.APPOINTED.label]["count"] == 0
    # Every step is kept; the application's current outcome is its latest.
    applications[6].refresh_from_db()
    assert applications[6].outcome == Outcome.APPOINTED
    assert [s.outcome for s in applications[6].outcomes.all()] == ["received", "not_appointed", "appointed"]


def test_an_outcome_dated_in_the_future_is_refused_and_an_earlier_step_leaves_the_current_outcome():
    service, actor = f.ServiceFactory(), f.UserFactory()
    application = services.record_application(
        actor=actor, recruitment=_round(service, actor), reference="A1", on=date(2024, 9, 5)
    )
    services.set_application_outcome(
        actor=actor, application=application, outcome=Outcome.APPOINTED, on=date(2024, 12, 1)
    )
    with pytest.raises(DomainError, match="future"):
        services.set_application_outcome(
            actor=actor,
            application=application,
            outcome=Outcome.WITHDRAWN,
            on=timezone.localdate() + timedelta(days=1),
        )
    # A step recorded late, dated before the latest one, goes into the history without changing "now".
    application = services.set_application_outcome(
        actor=actor, application=application, outcome=Outcome.NOT_APPOINTED, on=date(2024, 10, 1)
    )
    assert application.outcome == Outcome.APPOINTED and application.outcomes.count() == 3


def test_a_round_that_opened_more_than_two_years_before_the_date_is_not_in_the_report():
    service, actor = f.ServiceFactory(), f.UserFactory()
    _round(service, actor, name="Old round", opens_on=date(2021, 1, 1), closes_on=date(2021, 1, 31))
    report = reports.applicants(reports.load_posts(service, AS_OF))
    assert report.rounds == [] and report.outcomes.row_labels == ()


def test_the_two_years_end_on_the_same_day_two_years_before_at_the_end_of_a_month():
    # Two years up to 31 March 2026 start after 31 March 2024: a round that opened on 29 March 2024 is out.
    service, actor = f.ServiceFactory(), f.UserFactory()
    _round(service, actor, name="Spring 2024", opens_on=date(2024, 3, 29), closes_on=date(2024, 4, 30))
    _round(service, actor, name="April 2024", opens_on=date(2024, 4, 1), closes_on=date(2024, 4, 30))
    report = reports.applicants(reports.load_posts(service, date(2026, 3, 31)))
    assert [r.name for r in report.rounds] == ["April 2024"]


def test_an_administrator_records_a_round_and_an_application_and_moves_it_on(client, world):
    service = world.enrolment.employing_service
    client.force_login(world.user("admin"))
    today = timezone.localdate()
    response = client.post(
        reverse("workforce:recruitment_new", args=[service.code]),
        {
            "name": "Trainee PWPs, spring intake",
            "posts_offered": "6",
            "opens_on": (today - timedelta(days=20)).isoformat(),
            "closes_on": (today - timedelta(days=5)).isoformat(),
        },
    )
    recruitment = Recruitment.objects.get()
    assert response.status_code == 302
    response = client.post(
        reverse("workforce:application_new", args=[service.code, recruitment.pk]),
        {"reference": "NHSJ-77", "prior_background": "teacher", "outcome": "received", "bsl": "yes"},
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.bsl == "yes"
    page = client.get(reverse("workforce:recruitment_round", args=[service.code, recruitment.pk]))
    text = page.content.decode()
    assert "NHSJ-77" in text and "Teacher" in text
    assert "British Sign Language" not in text  # the answers are never shown per application
    response = client.post(
        reverse("workforce:application_outcome", args=[service.code, application.pk]),
        {"outcome": "not_appointed"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.outcome == "not_appointed"
    assert application.outcomes.last().decided_on == today  # a blank date is today
    yesterday = today - timedelta(days=1)
    client.post(
        reverse("workforce:application_outcome", args=[service.code, application.pk]),
        {"outcome": "not_shortlisted", "on": yesterday.isoformat()},
    )
    assert application.outcomes.get(decided_on=yesterday).outcome == "not_shortlisted"
    report = client.get(reverse("workforce:applicants", args=[service.code])).content.decode()
    assert "Trainee PWPs, spring intake" in report and HIDDEN in report


def test_an_application_of_another_service_is_not_found(client, world):
    other = f.ServiceFactory()
    recruitment = _round(other, f.UserFactory())
    application = services.record_application(actor=f.UserFactory(), recruitment=recruitment, reference="X")
    client.force_login(world.user("admin"))
    code = world.enrolment.employing_service.code
    url = reverse("workforce:application_outcome", args=[code, application.pk])
    assert client.post(url, {"outcome": "withdrawn"}).status_code == 404
    assert client.get(reverse("workforce:recruitment_round", args=[code, recruitment.pk])).status_code == 404
