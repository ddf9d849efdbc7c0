"""Caseload figures (the contract other areas read), contact services and the database's own checks."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import DomainError
from tests import factories as f
from tests.trainees.factories_caseload import CaseFactory, ContactFactory, intervention
from trainees.caseload.selectors import (
    CaseloadFigures,
    caseload_figures,
    caseload_figures_for,
    caseload_year,
    practice_figures,
)
from trainees.caseload.services import close_case, record_contact, set_caseload_settings
from trainees.models import Case, CaseloadSettings, Contact, Enrolment, Interruption, RampProfile

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def enrolment_started(days_ago: int, **kwargs) -> Enrolment:
    cohort = f.CohortFactory(start_date=TODAY - timedelta(days=days_ago))
    return f.EnrolmentFactory(cohort=cohort, **kwargs)


def patients(enrolment, count, *, first_day, every=1, contacts=1, minutes=30, closed=False):
    """`count` cases opening every `every` days from `first_day`, with `contacts` weekly contacts each."""
    cases = []
    for n in range(count):
        opened = first_day + timedelta(days=n * every)
        case = CaseFactory(enrolment=enrolment, opened_on=opened)
        for k in range(contacts):
            ContactFactory(
                case=case,
                date=opened + timedelta(days=7 * k),
                type=Contact.Type.ASSESSMENT if k == 0 else Contact.Type.REVIEW,
                minutes=minutes,
            )
        if closed:
            case.status, case.closed_on = Case.Status.CLOSED, opened + timedelta(days=7 * contacts)
            case.save(update_fields=["status", "closed_on"])
        cases.append(case)
    return cases


# --- figures ---------------------------------------------------------------------------------------


def test_month_one_expects_nothing_and_says_so(curriculum):
    enrolment = enrolment_started(10)
    figures = caseload_figures(enrolment, on=TODAY)
    assert isinstance(figures, CaseloadFigures)
    assert figures.status == "not_started"
    assert "month 3" in figures.reason
    assert figures.expected_patients_to_date == 0
    assert figures.actual_patients_to_date == 0
    assert figures.profile == "guide"
    assert figures.expected_year_total == pytest.approx(179.2, abs=0.1)
    assert figures.first_contact_on is None
    assert figures.last_contact_on is None
    # The guide's ramp expects no patients in months 1 and 2 (61 days of the average month): from day 62.
    assert figures.caseload_expected_from == enrolment.start_date + timedelta(days=61)


def test_a_trainee_close_to_the_ramp_is_on_track_and_one_far_below_is_behind(curriculum):
    on_track = enrolment_started(183)  # about month 6: 4 months at 80% of 250/12 -> about 67
    behind = enrolment_started(183)
    start = on_track.start_date + timedelta(days=62)
    patients(on_track, 60, first_day=start, every=2)
    patients(behind, 20, first_day=start, every=2)
    figures = caseload_figures_for(
        Enrolment.objects.with_people().filter(pk__in=[on_track.pk, behind.pk]), on=TODAY
    )
    good, poor = figures[on_track.pk], figures[behind.pk]
    assert good.expected_patients_to_date == pytest.approx(poor.expected_patients_to_date)
    assert 60 < good.expected_patients_to_date < 75
    assert (good.actual_patients_to_date, good.status) == (60, "on_track")
    assert (poor.actual_patients_to_date, poor.status) == (20, "behind")
    assert "behind" in poor.reason and "20 patients seen" in poor.reason
    # Behind, but a full caseload (250 a year) for the six months left still comes within the ramp's 20% of
    # the year's 179: 20 + 6 x 20.8 = about 145, against at least 143.
    assert poor.most_by_year_end == pytest.approx(144.5, abs=1) and poor.year_total_within_reach


def test_a_caseload_too_far_behind_to_reach_the_years_total_says_so(curriculum):
    behind = enrolment_started(250)  # about month 8: 4 months left, at most 20 + 4 x 20.8 = about 99
    patients(behind, 20, first_day=behind.start_date + timedelta(days=62), every=2)
    figures = caseload_figures(behind, on=TODAY)
    assert figures.status == "behind" and not figures.year_total_within_reach
    assert figures.most_by_year_end == pytest.approx(99, abs=1)
    assert figures.days_without_contact == (TODAY - figures.last_contact_on).days


def test_a_trainee_well_above_the_ramp_is_ahead(curriculum):
    enrolment = enrolment_started(100)
    patients(enrolment, 60, first_day=enrolment.start_date + timedelta(days=1))
    assert caseload_figures(enrolment, on=TODAY).status == "ahead"


def test_the_caseload_counts_open_cases_by_the_one_definition(curriculum):
    """Open: opened and not yet closed, seen lately or not (the same count supervision's case reviews use)."""
    enrolment = enrolment_started(300)
    patients(enrolment, 3, first_day=TODAY - timedelta(days=20))  # open, seen recently
    patients(enrolment, 2, first_day=TODAY - timedelta(days=30), closed=True)  # closed
    patients(enrolment, 4, first_day=TODAY - timedelta(days=200))  # open, silent for months
    CaseFactory(enrolment=enrolment, opened_on=TODAY)  # open today, not seen yet
    CaseFactory(enrolment=enrolment, opened_on=TODAY + timedelta(days=1))  # opens tomorrow
    figures = caseload_figures(enrolment, on=TODAY)
    assert (
        figures.actual_active_caseload == 8 == Case.objects.filter(enrolment=enrolment).open_on(TODAY).count()
    )
    assert figures.actual_patients_to_date == 9
    assert figures.expected_active_caseload > 30


def test_contact_hours_patients_a_year_and_step2_hours_a_week(curriculum):
    enrolment = enrolment_started(500, band=5)
    patients(enrolment, 2, first_day=TODAY - timedelta(days=400), contacts=2, minutes=60)  # over a year ago
    patients(enrolment, 6, first_day=TODAY - timedelta(days=30), contacts=2, minutes=60)  # 12 hours, recent
    ContactFactory(
        case__enrolment=enrolment, date=TODAY + timedelta(days=3), minutes=60
    )  # the future: ignored
    figures = caseload_figures(enrolment, on=TODAY)
    assert figures.contact_hours == 16.0
    assert figures.patients_last_12_months == 6
    assert figures.step2_hours_per_week == 1.0  # 12 hours over 12 weeks
    assert figures.first_contact_on == TODAY - timedelta(days=400)


def test_without_hours_the_figures_are_the_same_but_the_hours_and_contacts_minutes_are_not_summed(curriculum):
    """The attention list shows no hours: asked without them, the figures it reads are the same and the one
    large query sums no contact minutes."""
    enrolment = enrolment_started(500, band=5)
    patients(enrolment, 2, first_day=TODAY - timedelta(days=400), contacts=2, minutes=60)
    patients(enrolment, 6, first_day=TODAY - timedelta(days=30), contacts=2, minutes=60)
    full = caseload_figures_for([enrolment], on=TODAY)[enrolment.pk]
    with CaptureQueriesContext(connection) as queries:
        lean = caseload_figures_for([enrolment], on=TODAY, hours=False)[enrolment.pk]
    assert lean.contact_hours is None and lean.step2_hours_per_week is None
    assert (
        replace(lean, contact_hours=full.contact_hours, step2_hours_per_week=full.step2_hours_per_week)
        == full
    )
    assert not any("SUM(" in q["sql"].upper() for q in queries.captured_queries)


def test_the_figures_read_each_cases_contacts_through_its_index_not_a_join_over_every_contact(
    curriculum, settings
):
    """Joining cases to contacts and grouping had PostgreSQL read the whole contacts table for one cohort;
    each case's contacts are looked up by the (case, date) index instead, the figures unchanged: a case
    with no contact, a contact before the case opened and one after the day."""
    settings.REMEMBER_TRAINEE_FACTS = False  # the working out's own queries (remembering: test_facts.py)
    enrolment = enrolment_started(200)
    CaseFactory(enrolment=enrolment, opened_on=TODAY - timedelta(days=10))
    seen = CaseFactory(enrolment=enrolment, opened_on=TODAY - timedelta(days=20))
    ContactFactory(case=seen, date=TODAY - timedelta(days=25), minutes=30)  # before it opened: counts
    ContactFactory(case=seen, date=TODAY - timedelta(days=5), minutes=45)
    ContactFactory(case=seen, date=TODAY + timedelta(days=1), minutes=60)  # after the day: ignored
    enrolment = Enrolment.objects.with_people().get(pk=enrolment.pk)
    with CaptureQueriesContext(connection) as queries:
        figures = caseload_figures_for([enrolment], on=TODAY)[enrolment.pk]
    assert not any('JOIN "trainees_contact"' in q["sql"] for q in queries.captured_queries)
    assert len(queries.captured_queries) == 4
    assert figures.actual_patients_to_date == 1 and figures.actual_active_caseload == 2
    assert figures.contact_hours == 1.25
    assert figures.first_contact_on == TODAY - timedelta(days=25)
    assert figures.last_contact_on == TODAY - timedelta(days=5)


def test_an_interruption_pauses_the_ramp(curriculum):
    plain = enrolment_started(200)
    paused = enrolment_started(200)
    Interruption.objects.create(
        enrolment=paused,
        starts_on=paused.start_date + timedelta(days=90),
        ends_on=paused.start_date + timedelta(days=150),
        reason=Interruption.Reason.SICKNESS,
        recorded_by=f.UserFactory(),
    )
    figures = caseload_figures_for(
        Enrolment.objects.with_people().filter(pk__in=[plain.pk, paused.pk]), on=TODAY
    )
    assert figures[paused.pk].expected_patients_to_date < figures[plain.pk].expected_patients_to_date
    lost = 61 / (365.25 / 12) * 0.8 * 250 / 12
    assert figures[plain.pk].expected_patients_to_date - figures[paused.pk].expected_patients_to_date == (
        pytest.approx(lost, abs=0.2)
    )
    assert "paused for 61 days" in figures[paused.pk].reason
    # Neither has seen a patient; the weeks without contact pause for the interruption too.
    assert figures[plain.pk].days_without_contact - figures[paused.pk].days_without_contact == 61
    year = caseload_year(paused, on=TODAY)
    assert sum(m.paused_days for m in year.months) == 61


def test_after_the_training_year_the_figures_are_the_years(curriculum):
    enrolment = enrolment_started(
        500, status=Enrolment.Status.COMPLETED, completed_on=TODAY - timedelta(days=500 - 365)
    )
    patients(enrolment, 170, first_day=enrolment.start_date + timedelta(days=62), every=1)
    patients(enrolment, 30, first_day=TODAY - timedelta(days=40))  # qualified practice since
    figures = caseload_figures(enrolment, on=TODAY)
    assert figures.actual_patients_to_date == 170
    assert figures.expected_patients_to_date == pytest.approx(179.2, abs=0.2)
    assert figures.status == "on_track"
    assert "over the training year" in figures.reason
    assert figures.patients_last_12_months == 30 + sum(
        1 for n in range(170) if enrolment.start_date + timedelta(days=62 + n) > TODAY - timedelta(days=365)
    )


def test_a_programme_with_the_curriculum_ramp_expects_fewer(curriculum):
    enrolment = enrolment_started(300)
    set_caseload_settings(
        actor=None,
        programme=enrolment.cohort.programme,
        profile=RampProfile.objects.get(code="curriculum"),
        annual_caseload=250,
        none_months=None,
        contact_hours_target=80,
    )
    figures = caseload_figures(Enrolment.objects.with_people().get(pk=enrolment.pk), on=TODAY)
    assert figures.profile == "curriculum"
    assert figures.expected_year_total == pytest.approx(72.9, abs=0.1)


@pytest.mark.parametrize("size", [3, 30])
def test_bulk_figures_cost_four_queries_whatever_the_number(
    curriculum, size, django_assert_num_queries, settings
):
    settings.REMEMBER_TRAINEE_FACTS = False  # the working out's own queries (remembering: test_facts.py)
    enrolments = [enrolment_started(200) for _ in range(size)]
    for enrolment in enrolments[:3]:
        patients(enrolment, 5, first_day=enrolment.start_date + timedelta(days=70), contacts=2)
    loaded = list(Enrolment.objects.with_people().filter(pk__in=[e.pk for e in enrolments]))
    with django_assert_num_queries(4):
        figures = caseload_figures_for(loaded, on=TODAY)
    assert len(figures) == size
    first = next(e for e in loaded if e.pk == enrolments[0].pk)
    assert figures[first.pk] == caseload_figures(first, on=TODAY)
    assert figures[first.pk].actual_patients_to_date == 5


def test_practice_figures_by_type_mode_intervention_and_breadth(curriculum):
    enrolment = enrolment_started(200)
    day = enrolment.start_date + timedelta(days=70)
    depressed = CaseFactory(enrolment=enrolment, presenting_problem="depression", opened_on=day)
    panicky = CaseFactory(enrolment=enrolment, presenting_problem="panic", opened_on=day)
    mixed = CaseFactory(enrolment=enrolment, presenting_problem="mixed", opened_on=day)
    ContactFactory(case=depressed, date=day, minutes=45)
    ContactFactory(
        case=depressed,
        date=day + timedelta(days=7),
        type="treatment",
        intervention=intervention(),
        minutes=30,
    )
    ContactFactory(
        case=mixed, date=day + timedelta(days=7), type="treatment", intervention=intervention(), mode="video"
    )
    ContactFactory(
        case=panicky,
        date=day + timedelta(days=7),
        type="treatment",
        intervention=intervention("panic-management"),
        mode="face_to_face",
        minutes=30,
    )
    practice = practice_figures(Enrolment.objects.with_people().get(pk=enrolment.pk), on=TODAY)
    assert practice.contacts == 4
    assert practice.contact_hours == pytest.approx((45 + 30 + 45 + 30) / 60, abs=0.05)
    assert practice.contact_hours_target == 80
    assert {t.code: t.contacts for t in practice.by_type}["treatment"] == 3
    assert {t.code: t.contacts for t in practice.by_mode} == {
        "face_to_face": 1,
        "telephone": 2,
        "video": 1,
        "online": 0,
        "group": 0,
        "computerised_cbt": 0,
    }
    treated = {t.code: t.cases for t in practice.by_intervention}
    assert treated["behavioural-activation"] == 2
    assert treated["panic-management"] == 1
    assert treated["sleep-hygiene"] == 0
    assert (practice.depression_patients, practice.anxiety_patients) == (2, 2)  # mixed counts as both
    assert practice.is_qualified is False


# --- services --------------------------------------------------------------------------------------


def contact_kwargs(enrolment, **overrides):
    values = {
        "case_reference": "NV-000123",
        "date": TODAY - timedelta(days=1),
        "type": "assessment",
        "mode": "telephone",
        "minutes": 45,
    }
    return {**values, **overrides}


def test_recording_a_contact_opens_the_case_and_audits_it(world):
    enrolment, trainee = world.enrolment, world.user("trainee")
    contact = record_contact(
        actor=trainee, enrolment=enrolment, presenting_problem="gad", **contact_kwargs(enrolment)
    )
    case = contact.case
    assert (case.reference, case.service_id, case.presenting_problem) == (
        "NV-000123",
        enrolment.employing_service_id,
        "gad",
    )
    assert contact.recorded_by == trainee and contact.source == Contact.Source.ENTERED
    actions = set(AuditEvent.objects.filter(actor=trainee).values_list("action", flat=True))
    assert {"caseload.case_opened", "caseload.contact_recorded"} <= actions


@pytest.mark.parametrize(
    "reference, reason",
    [("9434765919", "NHS number"), ("jo@example.com", "email address"), ("12/03/1987", "date of birth")],
)
def test_an_identifying_case_reference_is_refused_and_nothing_is_saved(world, reference, reason):
    with pytest.raises(ValidationError) as error:
        record_contact(
            actor=world.user("trainee"),
            enrolment=world.enrolment,
            **contact_kwargs(world.enrolment, case_reference=reference),
        )
    assert reason in str(error.value)
    assert not Case.objects.exists() and not Contact.objects.exists()


def test_the_same_case_date_and_type_is_refused_as_already_recorded(world):
    kwargs = contact_kwargs(world.enrolment)
    record_contact(actor=world.user("trainee"), enrolment=world.enrolment, **kwargs)
    with pytest.raises(ValidationError, match="already recorded"):
        record_contact(actor=world.user("trainee"), enrolment=world.enrolment, **kwargs)
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"date": TODAY + timedelta(days=1)}, "date"),
        ({"date": TODAY - timedelta(days=3000)}, "date"),
        ({"type": "treatment"}, "intervention"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": 241}, "minutes"),
        ({"phq9": 28}, "phq9"),
        ({"gad7": 22}, "gad7"),
        ({"wsas": 41}, "wsas"),
    ],
)
def test_a_contact_out_of_range_is_refused_with_the_field(world, overrides, field):
    with pytest.raises(ValidationError) as error:
        record_contact(
            actor=world.user("trainee"),
            enrolment=world.enrolment,
            **contact_kwargs(world.enrolment, **overrides),
        )
    assert field in error.value.message_dict
    assert not Contact.objects.exists()


def test_a_discharge_closes_the_case_and_a_later_contact_is_refused(world):
    trainee, enrolment = world.user("trainee"), world.enrolment
    day = TODAY - timedelta(days=20)
    record_contact(actor=trainee, enrolment=enrolment, **contact_kwargs(enrolment, date=day))
    record_contact(
        actor=trainee,
        enrolment=enrolment,
        **contact_kwargs(enrolment, date=day + timedelta(days=7), type="discharge", outcome="discharged"),
    )
    case = Case.objects.get()
    assert (case.status, case.closed_on) == (Case.Status.CLOSED, day + timedelta(days=7))
    with pytest.raises(ValidationError, match="was closed on"):
        record_contact(
            actor=trainee,
            enrolment=enrolment,
            **contact_kwargs(enrolment, date=day + timedelta(days=10), type="review"),
        )


def test_closing_a_case_checks_its_dates(world):
    case = CaseFactory(enrolment=world.enrolment, opened_on=TODAY - timedelta(days=30))
    ContactFactory(case=case, date=TODAY - timedelta(days=10))
    trainee = world.user("trainee")
    with pytest.raises(DomainError, match="future"):
        close_case(actor=trainee, case=case, closed_on=TODAY + timedelta(days=1))
    with pytest.raises(DomainError, match="has a contact on"):
        close_case(actor=trainee, case=case, closed_on=TODAY - timedelta(days=11))
    close_case(actor=trainee, case=case, closed_on=TODAY - timedelta(days=5))
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    with pytest.raises(DomainError, match="already closed"):
        close_case(actor=trainee, case=case, closed_on=TODAY)
    assert AuditEvent.objects.filter(action="caseload.case_closed", object_id=str(case.pk)).count() == 1


def test_caseload_settings_are_audited_with_before_and_after(world):
    guide, linear = RampProfile.objects.get(code="guide"), RampProfile.objects.get(code="curriculum")
    lead = world.user("lead")
    set_caseload_settings(
        actor=lead,
        programme=world.programme,
        profile=guide,
        annual_caseload=250,
        none_months=3,
        contact_hours_target=80,
    )
    set_caseload_settings(
        actor=lead,
        programme=world.programme,
        profile=linear,
        annual_caseload=220,
        none_months=None,
        contact_hours_target=90,
    )
    settings = CaseloadSettings.objects.get(programme=world.programme)
    assert (settings.profile, settings.annual_caseload, settings.updated_by) == (linear, 220, lead)
    event = AuditEvent.objects.filter(action="caseload.settings_changed").order_by("-pk").first()
    assert event.before["profile"] == "guide" and event.after["profile"] == "curriculum"
    with pytest.raises(DomainError):
        set_caseload_settings(
            actor=lead,
            programme=world.programme,
            profile=guide,
            annual_caseload=0,
            none_months=None,
            contact_hours_target=80,
        )


@pytest.mark.parametrize(
    "field, value",
    [
        ("minutes", 0),
        ("minutes", 500),
        ("phq9", 28),
        ("gad7", 30),
        ("wsas", 41),
        ("type", "chat"),
        ("mode", "fax"),
    ],
)
def test_the_database_itself_refuses_impossible_contacts(world, field, value):
    contact = ContactFactory(case__enrolment=world.enrolment)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(**{field: value})


def test_the_database_refuses_a_treatment_without_an_intervention_and_a_duplicate(world):
    contact = ContactFactory(case__enrolment=world.enrolment)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(type="treatment")
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(
            case=contact.case, date=contact.date, type=contact.type, mode="video", minutes=20
        )


def test_bulk_figures_load_programmes_in_one_query_when_cohorts_are_not_loaded(
    curriculum, django_assert_num_queries, settings
):
    settings.REMEMBER_TRAINEE_FACTS = False  # the working out's own queries (remembering: test_facts.py)
    for _ in range(4):
        enrolment_started(200)
    plain = list(Enrolment.objects.all())
    with django_assert_num_queries(5):
        figures = caseload_figures_for(plain, on=TODAY)
    assert {f.profile for f in figures.values()} == {"guide"}


def test_a_name_is_refused_as_a_case_reference_and_the_service_pattern_applies(world):
    trainee, enrolment = world.user("trainee"), world.enrolment

    def record(reference):
        return record_contact(
            actor=trainee, enrolment=enrolment, **contact_kwargs(enrolment, case_reference=reference)
        )

    with pytest.raises(ValidationError) as error:
        record("John Smith")
    assert "looks like a name" in str(error.value)
    service = enrolment.employing_service
    service.case_reference_pattern = r"NV-\d{6}"
    service.case_reference_format = "NV- and six digits, such as NV-000123"
    service.save()
    with pytest.raises(ValidationError) as error:
        record("AB-1")
    assert "case references are NV- and six digits, such as NV-000123" in str(error.value)
    record("NV-000777")
    assert list(Case.objects.values_list("reference", flat=True)) == ["NV-000777"]
