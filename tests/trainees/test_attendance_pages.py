"""Training-day pages: cohort columns, registers, schedules, workplace days, catch-ups and interruptions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from curriculum.models import Programme
from curriculum.selectors import get_cohort_for_user, programme_role
from tests import factories as f
from tests.trainees.factories_attendance import (
    TeachingDayFactory,
    WorkplaceDayFactory,
    catch_up,
    mark,
    module,
)
from tests.trainees.pins import COHORT_PAGE_QUERIES, COHORT_PAGE_REMEMBERED, REMEMBERING
from trainees.models import AttendanceMark, CatchUp, Interruption, TeachingDay, WorkplaceDay

pytestmark = pytest.mark.django_db

ATTENDANCE_PAGE_QUERIES = 17 + REMEMBERING  # the trainee's attendance page, as an educator


# --- The cohort page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [10, 200])
def test_the_cohort_page_with_training_days_costs_the_same_queries_for_10_and_200(
    client, curriculum, size, django_assert_num_queries
):
    cohort = f.CohortFactory()
    enrolments = f.EnrolmentFactory.create_batch(size, cohort=cohort)
    days = [
        TeachingDayFactory(cohort=cohort, date=cohort.start_date + timedelta(days=1 + 7 * i))
        for i in range(3)
    ]
    AttendanceMark.objects.bulk_create(
        AttendanceMark(teaching_day=day, enrolment=e, status="present") for day in days for e in enrolments
    )
    WorkplaceDay.objects.bulk_create(
        WorkplaceDay(
            enrolment=e,
            date=cohort.start_date + timedelta(days=3),
            module=module(1),
            activity="Shadowing",
            reflection="Useful",
            status="confirmed",
            reviewed_at=timezone.now(),
        )
        for e in enrolments
    )
    client.force_login(f.ProgrammeMembershipFactory(programme=cohort.programme).user)
    url = reverse("trainees:cohort", args=[cohort.code]) + "?per_page=500&sort=days_status"
    with django_assert_num_queries(COHORT_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("3 of 25") == size and content.count("1 of 20") == size


def test_the_cohort_page_sorts_and_filters_by_training_days_status(client, curriculum):
    cohort = f.CohortFactory(
        start_date=timezone.localdate() - timedelta(days=10)
    )  # no workplace days due yet
    on_track = f.EnrolmentFactory(cohort=cohort, user__last_name="Aardvark")
    at_risk = f.EnrolmentFactory(cohort=cohort, user__last_name="Zebra")
    start = cohort.start_date
    for i, number in enumerate((1,) * 7 + (2,) * 8 + (3,) * 10):
        TeachingDayFactory(cohort=cohort, module=module(number), date=start + timedelta(days=1 + 7 * i))
    first = cohort.teaching_days.order_by("date").first()
    mark(first, on_track)
    mark(first, at_risk, status="unauthorised_absence")
    client.force_login(f.ProgrammeMembershipFactory(programme=cohort.programme).user)
    url = reverse("trainees:cohort", args=[cohort.code])
    content = client.get(url, {"sort": "days_status"}).content.decode()
    assert content.index("Zebra") < content.index("Aardvark")  # the trainee at risk comes first
    assert "On track" in content
    assert "At risk" in content and "1 missed university day (module 1)" in content
    filtered = client.get(url, {"days_status": "at_risk"}).content.decode()
    assert at_risk.user.display_name in filtered and on_track.user.display_name not in filtered
    assert "Teaching schedule and registers" in filtered


def test_only_programme_administrators_see_the_register_import_link_at_no_extra_query(
    client, world, django_assert_num_queries
):
    """The policy decides (import_registers) from the role read with the cohort: the cohort page keeps its
    pinned count and the schedule page costs the same for an administrator and an educator."""
    link = reverse("trainees:attendance_import", args=[world.cohort.code])
    schedule = reverse("trainees:schedule", args=[world.cohort.code])
    queries = {}
    for persona, sees in (("admin", True), ("lead", False), ("educator", False)):
        client.force_login(world.user(persona))
        # The first to look works the trainees' facts out; the others read them as remembered.
        with django_assert_num_queries(COHORT_PAGE_QUERIES if sees else COHORT_PAGE_REMEMBERED):
            page = client.get(reverse("trainees:cohort", args=[world.cohort.code])).content.decode()
        assert (link in page) is sees, persona
        with CaptureQueriesContext(connection) as captured:
            page = client.get(schedule).content.decode()
        assert (link in page) is sees, persona
        assert "Download the attendance template" in page
        queries[persona] = len(captured)
    assert len(set(queries.values())) == 1, queries


def test_the_role_read_with_the_cohort_is_the_role_the_policy_would_look_up(world):
    for persona in ("admin", "lead", "educator", "other_educator"):
        user = world.user(persona)
        expected = programme_role(user, Programme.objects.get(pk=world.programme.pk))  # looked up afresh
        try:
            cohort = get_cohort_for_user(user, world.cohort.code)
        except Http404:
            assert expected is None
            continue
        assert cohort.viewer_role == expected == programme_role(user, cohort.programme), persona


# --- Schedule and registers -----------------------------------------------------------------------------


def test_an_educator_creates_a_schedule_from_a_weekly_pattern(client, world):
    client.force_login(world.user("educator"))
    response = client.post(
        reverse("trainees:schedule_generate", args=[world.cohort.code]),
        {
            "start_date": world.cohort.start_date.isoformat(),
            "weekdays": ["1"],
            "holidays": "",
            "module_1": "7",
            "module_2": "8",
            "module_3": "9",
        },
    )
    assert response.status_code == 302
    assert TeachingDay.objects.filter(cohort=world.cohort).count() == 24
    page = client.get(reverse("trainees:schedule", args=[world.cohort.code])).content.decode()
    assert "The schedule does not match the route" in page and "module 3: 9 scheduled, 10 needed" in page


def test_the_schedule_form_explains_a_holiday_it_cannot_read(client, world):
    client.force_login(world.user("educator"))
    response = client.post(
        reverse("trainees:schedule_generate", args=[world.cohort.code]),
        {
            "start_date": world.cohort.start_date.isoformat(),
            "weekdays": ["1"],
            "holidays": "Christmas",
            "module_1": "7",
        },
    )
    assert response.status_code == 200
    assert "Line 1 (“Christmas”) is not a date" in response.content.decode()
    assert not TeachingDay.objects.exists()


@pytest.fixture
def day(world):
    return TeachingDayFactory(cohort=world.cohort, date=world.cohort.start_date + timedelta(days=8))


def register_data(world, day, **statuses):
    data = {
        "version": AttendanceMark.objects.filter(teaching_day=day).count(),
        "reason": statuses.pop("reason", ""),
    }
    for enrolment in (world.enrolment, world.other_enrolment):
        status = statuses.get(enrolment.user.username.replace(".", "_"), "present")
        data[f"status_{enrolment.pk}"] = status
        data[f"minutes_{enrolment.pk}"] = "20" if status == "late" else ""
        data[f"note_{enrolment.pk}"] = ""
    return data


def test_an_educator_takes_and_then_corrects_a_register(client, world, day):
    client.force_login(world.user("educator"))
    url = reverse("trainees:register", args=[world.cohort.code, day.pk])
    page = client.get(url).content.decode()
    assert "Attendance for " + world.enrolment.user.display_name in page
    response = client.post(url, register_data(world, day, trainee="late"))
    assert response.status_code == 302
    assert AttendanceMark.objects.get(enrolment=world.enrolment).describe() == "Late (20 minutes missed)"
    # A correction without a reason is refused, and nothing changes.
    response = client.post(url, register_data(world, day, trainee="present"))
    assert response.status_code == 200
    assert "Say why you are correcting the register." in response.content.decode()
    assert AttendanceMark.objects.count() == 2
    client.force_login(world.user("lead"))
    response = client.post(
        url, register_data(world, day, trainee="present", reason="Arrived on time after all")
    )
    assert response.status_code == 302
    assert AttendanceMark.objects.current().get(enrolment=world.enrolment).status == "present"
    page = client.get(url).content.decode()
    assert (
        "Corrections" in page and "Arrived on time after all" in page and "Late (20 minutes missed)" in page
    )


def test_a_stale_register_form_is_a_conflict_not_an_overwrite(client, world, day):
    client.force_login(world.user("educator"))
    url = reverse("trainees:register", args=[world.cohort.code, day.pk])
    stale = register_data(world, day, trainee="authorised_absence", reason="Phoned in sick")
    client.post(url, register_data(world, day))
    response = client.post(url, stale)
    assert response.status_code == 409
    assert "Someone else saved this register" in response.content.decode()
    assert AttendanceMark.objects.current().get(enrolment=world.enrolment).status == "present"


def test_an_educator_of_another_programme_cannot_mark_the_register(client, world, day):
    client.force_login(world.user("other_educator"))
    url = reverse("trainees:register", args=[world.cohort.code, day.pk])
    assert client.post(url, register_data(world, day)).status_code == 404
    assert not AttendanceMark.objects.exists()


def test_a_day_of_another_cohort_is_not_found_through_this_cohort(client, world):
    other_day = TeachingDayFactory(cohort=world.other_cohort)
    client.force_login(world.user("educator"))
    assert client.get(reverse("trainees:register", args=[world.cohort.code, other_day.pk])).status_code == 404


def test_an_educator_moves_a_day(client, world, day):
    client.force_login(world.user("educator"))
    new_date = day.date + timedelta(days=1)
    response = client.post(
        reverse("trainees:teaching_day", args=[world.cohort.code, day.pk]),
        {"new_date": new_date.isoformat(), "reason": "Room clash"},
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.date == new_date


# --- One trainee's attendance ---------------------------------------------------------------------------


def test_the_trainee_page_shows_the_training_days_section(client, world, day):
    mark(day, world.enrolment)
    for persona in ("trainee", "supervisor", "educator"):
        client.force_login(world.user(persona))
        page = client.get(reverse("trainees:detail", args=[world.enrolment.pk])).content.decode()
        assert "Training days" in page and "1 of 25 done" in page, persona


def test_trainees_see_their_own_attendance_only(client, world, day):
    mark(day, world.enrolment, status="late", minutes=15)
    client.force_login(world.user("trainee"))
    page = client.get(reverse("trainees:attendance", args=[world.enrolment.pk])).content.decode()
    assert "My attendance and training days" in page and "Late (15 minutes missed)" in page
    assert client.get(reverse("trainees:attendance", args=[world.other_enrolment.pk])).status_code == 404


@pytest.mark.parametrize("days", [2, 12])
def test_the_trainees_attendance_page_costs_the_same_queries_however_many_days(
    client, world, days, django_assert_num_queries
):
    start = world.enrolment.start_date
    for number in range(days):
        day = TeachingDayFactory(cohort=world.cohort, date=start + timedelta(days=1 + 7 * number))
        mark(day, world.enrolment, status="unauthorised_absence" if number % 2 else "present")
        if number % 2:
            catch_up(day, world.enrolment)
        WorkplaceDayFactory(enrolment=world.enrolment, date=start + timedelta(days=2 + 7 * number))
    Interruption.objects.create(
        enrolment=world.enrolment,
        starts_on=start + timedelta(days=30),
        ends_on=start + timedelta(days=40),
        reason="maternity",
        recorded_by=world.user("educator"),
    )
    client.force_login(world.user("educator"))
    # The interruptions are read once, for both the window's end and the list (+1 the header's notifications).
    with django_assert_num_queries(ATTENDANCE_PAGE_QUERIES):
        page = client.get(reverse("trainees:attendance", args=[world.enrolment.pk])).content.decode()
    assert page.count("Watched the recorded teaching") == days // 2
    assert "Maternity" in page


def test_progress_can_be_shown_on_a_chosen_date(client, world, day):
    mark(day, world.enrolment)
    client.force_login(world.user("educator"))
    url = reverse("trainees:attendance", args=[world.enrolment.pk])
    before = (day.date - timedelta(days=1)).isoformat()
    page = client.get(url, {"on": before}).content.decode()
    assert "0 of 25 done" in page
    assert "1 of 25 done" in client.get(url).content.decode()


def test_a_workplace_day_is_logged_by_the_trainee_and_confirmed_by_the_supervisor(client, world):
    client.force_login(world.user("trainee"))
    day = world.enrolment.start_date + timedelta(days=3)
    response = client.post(
        reverse("trainees:workplace_day_new", args=[world.enrolment.pk]),
        {
            "day": day.isoformat(),
            "module": module(1).pk,
            "activity": "Shadowing",
            "reflection": "Learnt a lot.",
        },
    )
    assert response.status_code == 302
    logged = WorkplaceDay.objects.get()
    review = reverse("trainees:workplace_day_review", args=[logged.pk])
    # The trainee cannot confirm their own day, whatever the POST says.
    assert client.post(review, {"decision": "yes"}).status_code == 403
    client.force_login(world.user("other_supervisor"))
    assert client.post(review, {"decision": "yes"}).status_code == 404
    logged.refresh_from_db()
    assert logged.status == "submitted"
    client.force_login(world.user("supervisor"))
    response = client.post(review, {"decision": "no", "comment": ""})
    assert "Say why" in response.content.decode()
    assert client.post(review, {"decision": "yes", "comment": "Discussed"}).status_code == 302
    logged.refresh_from_db()
    assert (logged.status, logged.reviewed_by) == ("confirmed", world.user("supervisor"))
    assert client.post(review, {"decision": "no", "comment": "Changed my mind"}).status_code == 409


def test_a_catch_up_is_recorded_by_the_trainee_and_approved_by_an_educator(client, world, day):
    mark(day, world.enrolment, status="authorised_absence")
    client.force_login(world.user("trainee"))
    response = client.post(
        reverse("trainees:catch_up_new", args=[world.enrolment.pk]),
        {
            "teaching_day": day.pk,
            "activity": "Recorded lecture and workbook",
            "completed_on": day.date.isoformat(),
        },
    )
    assert response.status_code == 302
    pending = CatchUp.objects.get()
    review = reverse("trainees:catch_up_review", args=[pending.pk])
    assert client.post(review, {"decision": "yes"}).status_code == 403
    client.force_login(world.user("educator"))
    schedule = client.get(reverse("trainees:schedule", args=[world.cohort.code])).content.decode()
    assert "Catch-ups waiting for approval" in schedule
    assert client.post(review, {"decision": "yes", "comment": ""}).status_code == 302
    pending.refresh_from_db()
    assert pending.status == "approved"


def test_only_programme_staff_record_an_interruption(client, world):
    url = reverse("trainees:interruption_new", args=[world.enrolment.pk])
    data = {
        "starts_on": world.enrolment.start_date.isoformat(),
        "ends_on": (world.enrolment.start_date + timedelta(days=13)).isoformat(),
        "reason": "maternity",
    }
    client.force_login(world.user("supervisor"))
    assert client.post(url, data).status_code == 403
    client.force_login(world.user("other_educator"))
    assert client.post(url, data).status_code == 404
    assert not Interruption.objects.exists()
    client.force_login(world.user("educator"))
    assert client.post(url, data).status_code == 302
    assert Interruption.objects.get().recorded_by == world.user("educator")
    assert AuditEvent.objects.filter(action="interruption.recorded").exists()


def test_the_catch_up_page_says_when_there_is_nothing_to_make_up(client, world):
    client.force_login(world.user("trainee"))
    page = client.get(reverse("trainees:catch_up_new", args=[world.enrolment.pk])).content.decode()
    assert "There are no missed university days to make up." in page


def test_a_cohort_without_a_schedule_says_no_schedule_yet_and_points_staff_to_the_schedule(client, world):
    assert not TeachingDay.objects.filter(cohort=world.cohort).exists()
    schedule = reverse("trainees:schedule", args=[world.cohort.code])
    client.force_login(world.user("educator"))
    page = client.get(reverse("trainees:detail", args=[world.enrolment.pk])).content.decode()
    assert "No schedule yet" in page and "Off track" not in page
    assert f'href="{schedule}"' in page
    cohort_page = client.get(reverse("trainees:cohort", args=[world.cohort.code])).content.decode()
    assert "No schedule yet" in cohort_page and "only 0" not in cohort_page
    client.force_login(world.user("trainee"))
    own = client.get(reverse("trainees:attendance", args=[world.enrolment.pk])).content.decode()
    assert "No schedule yet" in own and f'href="{schedule}"' not in own


def test_cancelling_a_teaching_day_asks_for_a_reason_and_is_audited(client, world, day):
    """Cancelling is on the day's own page and needs a reason: without one nothing changes; with one the day
    is cancelled, the schedule lists it with the reason, and the audit trail records it."""
    client.force_login(world.user("educator"))
    url = reverse("trainees:teaching_day_cancel", args=[world.cohort.code, day.pk])
    page = client.get(reverse("trainees:teaching_day", args=[world.cohort.code, day.pk])).content.decode()
    assert "Cancel the day" in page and url in page
    response = client.post(url, {"cancel_reason": ""})
    assert response.status_code == 200
    day.refresh_from_db()
    assert not day.is_cancelled
    response = client.post(url, {"cancel_reason": "Room unavailable"})
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.is_cancelled
    schedule = client.get(reverse("trainees:schedule", args=[world.cohort.code])).content.decode()
    assert "Room unavailable" in schedule
    assert AuditEvent.objects.filter(action="teaching_day.cancelled", actor=world.user("educator")).exists()
