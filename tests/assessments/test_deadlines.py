"""Deadlines: the one rule for lateness on its boundary days, the audited writes on the cohort and programme
edit pages, the words on the marking queue, the trainee's page and the cohort grid, and the two
notifications they feed."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import DomainError
from assessments.deadlines import add_working_days, lateness
from assessments.models import Attempt, SubmissionDeadline
from assessments.services import set_submission_deadlines
from curriculum.models import Programme
from notifications.models import Notification
from notifications.reference import load_notification_kinds
from notifications.services import run_daily_pass
from tests.assessments import factories_assessments as fa

TODAY = timezone.localdate()
MONDAY = date(2026, 3, 2)


# The rule --------------------------------------------------------------------------------------------------


def test_working_days_skip_weekends():
    friday = MONDAY + timedelta(days=4)
    assert add_working_days(MONDAY, 0) == MONDAY
    assert add_working_days(MONDAY, 4) == friday
    assert add_working_days(friday, 1) == MONDAY + timedelta(days=7)
    assert add_working_days(friday - timedelta(days=1), 10) == date(2026, 3, 19)  # two weeks on, a Thursday
    assert add_working_days(MONDAY - timedelta(days=1), 1) == MONDAY  # from a Sunday


@pytest.mark.parametrize(
    ("submitted_on", "late"),
    [(MONDAY - timedelta(days=1), False), (MONDAY, False), (MONDAY + timedelta(days=1), True)],
)
def test_a_submission_is_late_only_after_the_deadline_day(submitted_on, late):
    result = lateness(
        submitted_on=submitted_on, submission_due=MONDAY, return_days=None, first_marked_on=None, today=MONDAY
    )
    assert result.submitted_late is late
    assert result.marking_due is None and not result.marking_late
    assert ("Submitted late (due 2 March 2026)" in result.words) is late


def test_no_deadline_means_never_late():
    result = lateness(
        submitted_on=MONDAY,
        submission_due=None,
        return_days=None,
        first_marked_on=None,
        today=date(2030, 1, 1),
    )
    assert not result.is_late and result.words == []


@pytest.mark.parametrize(
    ("first_marked_on", "today", "late", "words"),
    [
        (None, MONDAY + timedelta(days=4), False, []),  # due back on Friday: that day is on time
        (None, MONDAY + timedelta(days=5), True, ["Marking overdue (due back 6 March 2026)"]),
        (MONDAY + timedelta(days=4), MONDAY + timedelta(days=30), False, []),
        (
            MONDAY + timedelta(days=7),
            MONDAY + timedelta(days=30),
            True,
            ["Marked late (due back 6 March 2026)"],
        ),
    ],
)
def test_marking_is_late_after_the_return_day(first_marked_on, today, late, words):
    result = lateness(
        submitted_on=MONDAY, submission_due=None, return_days=4, first_marked_on=first_marked_on, today=today
    )
    assert result.marking_due == MONDAY + timedelta(days=4)
    assert result.marking_late is late
    assert result.words == words


# Writes ----------------------------------------------------------------------------------------------------


@pytest.fixture
def scheme(world):
    fa.no_sampling(world.programme)
    return fa.component(world.programme, "m2-clinical")


def test_deadlines_are_set_moved_and_cleared_with_one_audit_event_each_time(world, scheme):
    admin = world.user("admin")
    due = TODAY + timedelta(days=10)
    assert set_submission_deadlines(actor=admin, cohort=world.cohort, deadlines={scheme.pk: due}) == 1
    assert SubmissionDeadline.objects.get(cohort=world.cohort, component=scheme).due_on == due
    assert set_submission_deadlines(actor=admin, cohort=world.cohort, deadlines={scheme.pk: due}) == 0
    set_submission_deadlines(actor=admin, cohort=world.cohort, deadlines={scheme.pk: due + timedelta(days=1)})
    set_submission_deadlines(actor=admin, cohort=world.cohort, deadlines={scheme.pk: None})
    assert not SubmissionDeadline.objects.filter(cohort=world.cohort).exists()
    events = AuditEvent.objects.filter(action="submission_deadlines.changed").order_by("pk")
    assert [e.after for e in events] == [
        {"m2-clinical": due.isoformat()},
        {"m2-clinical": (due + timedelta(days=1)).isoformat()},
        {"m2-clinical": None},
    ]


def test_only_the_programmes_administrators_set_deadlines(world, scheme):
    for persona in ("educator", "lead", "trainee", "other_educator"):
        with pytest.raises(DomainError):
            set_submission_deadlines(
                actor=world.user(persona), cohort=world.cohort, deadlines={scheme.pk: TODAY}
            )
    assert not SubmissionDeadline.objects.exists()


def test_a_deadline_for_another_schemes_component_is_refused(world, scheme):
    with pytest.raises(DomainError):
        set_submission_deadlines(actor=world.user("admin"), cohort=world.cohort, deadlines={10**6: TODAY})


def test_the_cohort_edit_page_sets_deadlines_and_the_programme_page_the_return_period(client, world, scheme):
    client.force_login(world.user("admin"))
    url = reverse("curriculum:cohort_edit", args=[world.programme.code, world.cohort.code])
    page = client.get(url)
    assert page.status_code == 200
    assert "Submission deadlines" in page.text and scheme.name in page.text
    form = {
        "name": world.cohort.name,
        "intake": world.cohort.intake,
        "start_date": world.cohort.start_date.isoformat(),
        f"deadline-component_{scheme.pk}": "2027-02-01",
    }
    assert client.post(url, form).status_code == 302
    assert SubmissionDeadline.objects.get(cohort=world.cohort, component=scheme).due_on == date(2027, 2, 1)
    # The date pickers show the saved days as ISO dates, so saving the page again keeps them.
    page = client.get(url).text
    assert 'value="2027-02-01"' in page and f'value="{world.cohort.start_date.isoformat()}"' in page

    programme = world.programme
    url = reverse("curriculum:programme_edit", args=[programme.code])
    form = {
        "name": programme.name,
        "hei": programme.hei_id,
        "award": programme.award,
        "level": programme.level,
        "edition": programme.edition_id,
        "accreditation_status": programme.accreditation_status,
        "marking_return_working_days": "15",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content
    assert Programme.objects.get(pk=programme.pk).marking_return_working_days == 15
    assert AuditEvent.objects.filter(action="programme.changed", object_id=str(programme.pk)).exists()


# Pages -----------------------------------------------------------------------------------------------------


@pytest.fixture
def late_attempt(world, scheme):
    """Submitted a week ago, the day after its deadline; first marking due back 2 working days later."""
    attempt = fa.submit(world.enrolment)
    SubmissionDeadline.objects.create(
        cohort=world.cohort, component=scheme, due_on=attempt.submitted_on - timedelta(days=1)
    )
    Programme.objects.filter(pk=world.programme.pk).update(marking_return_working_days=2)
    return attempt


def test_the_marking_queue_says_in_words_what_is_late(client, world, late_attempt):
    client.force_login(world.user("educator"))
    text = client.get(reverse("assessments:queue")).text
    due = late_attempt.submitted_on - timedelta(days=1)
    assert f"Submitted late (due {due:%-d %B %Y})" in text
    assert "Marking overdue (due back" in text


def test_the_trainee_page_shows_late_and_on_time(client, world, late_attempt):
    client.force_login(world.user("trainee"))
    text = client.get(reverse("assessments:trainee", args=[world.enrolment.pk])).text
    assert "Submitted late" in text and "Marking overdue" in text
    SubmissionDeadline.objects.update(due_on=late_attempt.submitted_on)
    Programme.objects.filter(pk=world.programme.pk).update(marking_return_working_days=None)
    text = client.get(reverse("assessments:trainee", args=[world.enrolment.pk])).text
    assert "Submitted late" not in text and "On time" in text


def test_the_trainees_own_page_says_what_was_late(client, world, late_attempt):
    client.force_login(world.user("trainee"))
    text = client.get(reverse("trainees:detail", args=[world.enrolment.pk])).text
    assert "Deadlines: 1 submitted late, 1 marking overdue." in text
    SubmissionDeadline.objects.update(due_on=late_attempt.submitted_on)
    Programme.objects.filter(pk=world.programme.pk).update(marking_return_working_days=None)
    assert "Deadlines:" not in client.get(reverse("trainees:detail", args=[world.enrolment.pk])).text


def test_the_cohort_grid_counts_what_each_trainee_had_late(client, world, late_attempt):
    client.force_login(world.user("educator"))
    text = client.get(reverse("assessments:grid", args=[world.cohort.code])).text
    assert "1 submitted late" in text and "1 marking overdue" in text
    assert "None missed" in text  # the other trainee


# Notifications ---------------------------------------------------------------------------------------------


def told(code):
    return {
        (n.recipient.username, n.due_on)
        for n in Notification.objects.filter(kind__code=code).select_related("recipient")
    }


def test_the_trainee_hears_a_week_before_a_deadline_not_earlier_and_not_after_submitting(world, scheme):
    load_notification_kinds()
    due = TODAY + timedelta(days=20)
    SubmissionDeadline.objects.create(cohort=world.cohort, component=scheme, due_on=due)
    run_daily_pass(on=due - timedelta(days=8), email=False)
    assert not told("submission-deadline-approaching")
    run_daily_pass(on=due - timedelta(days=7), email=False)
    expected = {("trainee", due), ("other.trainee", due)}
    assert told("submission-deadline-approaching") == expected
    run_daily_pass(on=due - timedelta(days=7), email=False)
    run_daily_pass(on=due, email=False)
    assert Notification.objects.filter(kind__code="submission-deadline-approaching").count() == 2
    item = Notification.objects.filter(kind__code="submission-deadline-approaching").first()
    assert scheme.name in item.text and "due by" in item.text

    # Once the trainee has submitted, a moved deadline is announced to the other trainee only.
    fa.submit(world.enrolment)
    moved = due + timedelta(days=5)
    SubmissionDeadline.objects.update(due_on=moved)
    run_daily_pass(on=moved - timedelta(days=1), email=False)
    assert ("other.trainee", moved) in told("submission-deadline-approaching")
    assert ("trainee", moved) not in told("submission-deadline-approaching")
    run_daily_pass(on=moved + timedelta(days=1), email=False)
    assert Notification.objects.filter(kind__code="submission-deadline-approaching").count() == 3


def test_markers_hear_the_day_after_the_return_day_then_weekly_until_marked(world, scheme):
    load_notification_kinds()
    Programme.objects.filter(pk=world.programme.pk).update(marking_return_working_days=3)
    attempt = fa.submit(world.enrolment)
    submitted = MONDAY
    Attempt.objects.filter(pk=attempt.pk).update(submitted_on=submitted)
    due_back = MONDAY + timedelta(days=3)  # Thursday
    run_daily_pass(on=due_back, email=False)
    assert not told("marking-return-overdue")
    run_daily_pass(on=due_back + timedelta(days=1), email=False)
    assert told("marking-return-overdue") == {
        ("educator", due_back + timedelta(days=1)),
        ("lead", due_back + timedelta(days=1)),
    }
    run_daily_pass(on=due_back + timedelta(days=1), email=False)
    run_daily_pass(on=due_back + timedelta(days=7), email=False)
    assert len(told("marking-return-overdue")) == 2
    run_daily_pass(on=due_back + timedelta(days=8), email=False)
    assert len(told("marking-return-overdue")) == 4
    fa.mark(Attempt.objects.get(pk=attempt.pk), world.user("educator"))
    run_daily_pass(on=due_back + timedelta(days=15), email=False)
    assert len(told("marking-return-overdue")) == 4


def test_deadlines_missed_are_those_passed_on_the_trainees_route_with_nothing_submitted(curriculum):
    from assessments.deadlines import deadlines_missed_for
    from tests import factories as f

    fa.ensure_reference()
    cohort = f.CohortFactory()
    standard = f.EnrolmentFactory(cohort=cohort)
    cpd = f.EnrolmentFactory(cohort=cohort, route=f.route("cpd"))  # modules 1 and 2 only
    for code, due_on in (("m1-written", TODAY - timedelta(days=1)), ("m3-essay", TODAY - timedelta(days=1))):
        SubmissionDeadline.objects.create(
            cohort=cohort, component=fa.component(cohort.programme, code), due_on=due_on
        )
    SubmissionDeadline.objects.create(
        cohort=cohort, component=fa.component(cohort.programme, "m2-exam"), due_on=TODAY
    )
    missed = {(m.enrolment_id, m.component_name) for m in deadlines_missed_for([standard, cpd], on=TODAY)}
    written = fa.component(cohort.programme, "m1-written").name
    essay = fa.component(cohort.programme, "m3-essay").name
    # Module 3 is not on the CPD route; a deadline due today is not yet missed.
    assert missed == {(standard.pk, written), (standard.pk, essay), (cpd.pk, written)}
    fa.submit(standard, "m1-written")
    assert {m.component_name for m in deadlines_missed_for([standard], on=TODAY)} == {essay}
