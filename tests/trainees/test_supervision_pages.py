"""Supervision pages: what each shows, what the forms do, and pinned query counts."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from tests import factories as f
from tests.trainees.factories_attendance import WorkplaceDayFactory
from tests.trainees.factories_cpd import CpdActivityFactory
from tests.trainees.factories_supervision import (
    CaseFactory,
    ReportFactory,
    SessionFactory,
    SiteFactory,
    TrainingFactory,
    VerifiedTrainingFactory,
)
from tests.trainees.pins import COHORT_PAGE_QUERIES, REMEMBERING
from trainees.models import (
    Leave,
    SitePlacement,
    SupervisionSession,
    SupervisorAssignment,
    SupervisorProfile,
    SupervisorReport,
    SupervisorTraining,
)
from trainees.supervision.selectors import HOME_LIMIT

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def today():
    return timezone.localdate()


def add_sessions(enrolment, supervisor, count, *, confirmed=True):
    for n in range(count):
        SessionFactory(
            enrolment=enrolment,
            supervisor=supervisor,
            date=today() - timedelta(days=1 + n % 140),
            kind=("case_management", "clinical_skills", "management")[n % 3],
            confirmed=confirmed,
        )


# --- the trainee's page ---------------------------------------------------------------------------------


def test_the_trainees_page_shows_the_log_the_gaps_in_words_and_who_does_not_count(client, world):
    uncredentialed = f.UserFactory(first_name="Uma", last_name="Bright")
    f.SupervisorAssignmentFactory(
        enrolment=world.enrolment, supervisor=uncredentialed, kind="clinical_skills"
    )
    VerifiedTrainingFactory(supervisor=world.user("supervisor"), completed_on=world.enrolment.start_date)
    SessionFactory(enrolment=world.enrolment, supervisor=world.user("supervisor"), confirmed=True)
    SessionFactory(
        enrolment=world.enrolment, supervisor=uncredentialed, kind="clinical_skills", confirmed=True
    )
    CaseFactory(enrolment=world.enrolment, reference="SUP-LATE1", opened_on=today() - timedelta(days=40))
    client.force_login(world.user("trainee"))
    page = client.get(reverse("trainees:supervision", args=[world.enrolment.pk])).content.decode()
    assert "Gaps in supervision" in page
    assert "Case-management supervision of at least 1 hour was missed" in page
    assert "SUP-LATE1 (40 days)" in page
    assert "Does not count toward accreditation" in page
    assert "Not credentialed" in page and "No low-intensity supervisor training is recorded." in page
    assert "do not count toward accreditation" in page
    assert "Log a supervision session" in page
    assert "Write an interim report" not in page


@pytest.mark.parametrize("sessions", [5, 150])
def test_the_trainees_page_costs_the_same_queries_however_many_sessions(
    client, world, sessions, django_assert_num_queries
):
    supervisor = world.user("supervisor")
    TrainingFactory(supervisor=supervisor)
    add_sessions(world.enrolment, supervisor, sessions)
    SessionFactory(enrolment=world.enrolment, supervisor=supervisor)
    CaseFactory.create_batch(3, enrolment=world.enrolment)
    ReportFactory(enrolment=world.enrolment, supervisor=supervisor)
    client.force_login(supervisor)
    url = reverse("trainees:supervision", args=[world.enrolment.pk])
    # +1 the header's unread notifications; the compliance and credentials remembered (read and written)
    with django_assert_num_queries(17 + REMEMBERING):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("Confirm<span") == 1
    # Seen again: one read in place of the five that load the records for the compliance.
    with django_assert_num_queries(17 - 5 + 1):
        again = client.get(url).content.decode()
    assert without_form_tokens(again) == without_form_tokens(response.content.decode())


def test_the_trainee_page_has_a_supervision_section(client, world):
    client.force_login(world.user("educator"))
    page = client.get(reverse("trainees:detail", args=[world.enrolment.pk])).content.decode()
    assert 'id="supervision-section"' in page
    assert reverse("trainees:supervisor_assignments", args=[world.enrolment.pk]) in page


# --- logging, confirming, reopening through the pages ---------------------------------------------------


def test_logging_shows_errors_in_the_nhs_pattern(client, world):
    client.force_login(world.user("trainee"))
    url = reverse("trainees:supervision_log", args=[world.enrolment.pk])
    response = client.post(url, {"kind": "clinical_skills", "format": "group", "minutes": 60})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Give the number of people in the group." in page
    assert not SupervisionSession.objects.exists()


def test_the_supervisor_confirms_from_the_home_page(client, world):
    session = SessionFactory(enrolment=world.enrolment, supervisor=world.user("supervisor"))
    client.force_login(world.user("supervisor"))
    home = client.get(reverse("home")).content.decode()
    assert "Entries waiting for your confirmation" in home
    assert reverse("trainees:supervision_session_confirm", args=[session.pk]) in home
    response = client.post(
        reverse("trainees:supervision_session_confirm", args=[session.pk]), {"next": "home"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    session.refresh_from_db()
    assert session.is_confirmed
    assert "Nothing is waiting for you." in client.get(reverse("home")).content.decode()


def test_staff_reopen_through_the_page(client, world):
    session = SessionFactory(enrolment=world.enrolment, supervisor=world.user("supervisor"), confirmed=True)
    client.force_login(world.user("lead"))
    url = reverse("trainees:supervision_session_reopen", args=[session.pk])
    assert "There is a problem" in client.post(url, {"reason": ""}).content.decode()
    response = client.post(url, {"reason": "The date was wrong."})
    new = SupervisionSession.objects.get(replaces=session)
    assert response["Location"] == reverse("trainees:supervision_session", args=[new.pk])
    page = client.get(reverse("trainees:supervision_session", args=[session.pk])).content.decode()
    assert "This version no longer counts" in page


def test_the_supervisor_and_staff_record_leave_and_the_week_stops_counting(client, world):
    client.force_login(world.user("supervisor"))
    monday = today() - timedelta(days=today().weekday() + 14)
    response = client.post(
        reverse("trainees:supervision_leave", args=[world.enrolment.pk]),
        {
            "kind": "annual",
            "starts_on": monday.isoformat(),
            "ends_on": (monday + timedelta(days=4)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Leave.objects.get(enrolment=world.enrolment).recorded_by == world.user("supervisor")
    page = client.get(reverse("trainees:supervision", args=[world.enrolment.pk])).content.decode()
    assert "1 week of leave or interruption is not counted." in page


# --- reports --------------------------------------------------------------------------------------------


def test_the_supervisor_writes_a_report_then_signs_it(client, world):
    client.force_login(world.user("supervisor"))
    response = client.post(
        reverse("trainees:supervisor_report_new", args=[world.enrolment.pk, "interim"]),
        {
            "period_start": world.enrolment.start_date.isoformat(),
            "period_end": today().isoformat(),
            "engagement": "Prepares well.",
            "clinical_skills": "Solid.",
            "case_management": "Organised.",
            "values": "Inclusive.",
            "strengths": "Warmth.",
            "development": "Exposure.",
            "progress": "meeting",
            "status": "signed",
        },
    )
    report = SupervisorReport.objects.get(enrolment=world.enrolment)
    assert response["Location"] == reverse("trainees:supervisor_report", args=[report.pk])
    assert report.status == SupervisorReport.Status.DRAFT
    # The draft waits on their home page (issue 16: everything waiting, reports included) until signed.
    home = client.get(reverse("home")).content.decode()
    assert "Your reports not signed yet" in home
    assert reverse("trainees:supervisor_report", args=[report.pk]) in home
    client.post(reverse("trainees:supervisor_report_sign", args=[report.pk]))
    report.refresh_from_db()
    assert report.is_signed
    assert "Your reports not signed yet" not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("trainees:supervisor_report_edit", args=[report.pk])).status_code == 403
    client.force_login(world.user("trainee"))
    assert "Signed" in client.get(reverse("trainees:supervisor_report", args=[report.pk])).content.decode()


# --- credentials ----------------------------------------------------------------------------------------


def test_a_supervisor_uploads_a_certificate_which_staff_download_as_an_attachment(client, world, media):
    supervisor = world.user("supervisor")
    client.force_login(supervisor)
    upload = SimpleUploadedFile("My certificate.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("trainees:supervisor_training_add", args=[supervisor.pk]),
        {
            "kind": "initial",
            "provider": "Northvale University",
            "provider_iapt_accredited": "on",
            "completed_on": (today() - timedelta(days=100)).isoformat(),
            "certificate": upload,
        },
    )
    assert response.status_code == 302
    training = SupervisorTraining.objects.get(supervisor=supervisor)
    assert training.certificate.name.startswith("supervisor-certificates/")
    assert "My certificate" not in training.certificate.name
    assert training.certificate_filename == "My certificate.pdf"
    assert not training.verified
    page = client.get(reverse("trainees:supervisor", args=[supervisor.pk])).content.decode()
    assert "Unverified" in page and "not been verified" in page
    client.force_login(world.user("educator"))
    response = client.get(reverse("trainees:supervisor_training_certificate", args=[training.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(
        action="supervisor.certificate_downloaded", actor=world.user("educator")
    ).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("certificate.exe", PDF, "must be a PDF, PNG or JPEG"),
        ("certificate.pdf", b"MZ\x90\x00 not a pdf at all", "not a PDF file"),
        ("certificate.png", PDF, "not a PNG file"),
        ("certificate.pdf", b"", "empty"),
    ],
)
def test_a_certificate_of_the_wrong_type_is_refused_and_nothing_is_stored(
    client, world, media, name, content, message
):
    supervisor = world.user("supervisor")
    client.force_login(supervisor)
    response = client.post(
        reverse("trainees:supervisor_training_add", args=[supervisor.pk]),
        {
            "kind": "initial",
            "provider": "Northvale University",
            "completed_on": (today() - timedelta(days=100)).isoformat(),
            "certificate": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SupervisorTraining.objects.exists()
    assert not any(media.rglob("*.*"))


def test_a_certificate_over_the_size_cap_is_refused(client, world, media, monkeypatch):
    monkeypatch.setattr("trainees.supervision.certificates.MAX_BYTES", 10)
    client.force_login(world.user("supervisor"))
    response = client.post(
        reverse("trainees:supervisor_training_add", args=[world.user("supervisor").pk]),
        {
            "kind": "initial",
            "provider": "Northvale",
            "completed_on": today().isoformat(),
            "certificate": SimpleUploadedFile("c.pdf", PDF),
        },
    )
    assert "smaller than 10 MB" in response.content.decode()


def test_a_failed_save_leaves_no_orphaned_certificate(world, media, monkeypatch):
    from trainees.supervision import services as services

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        services.add_training(
            actor=world.user("supervisor"),
            supervisor=world.user("supervisor"),
            kind="initial",
            provider="Northvale",
            provider_iapt_accredited=True,
            completed_on=today(),
            certificate=SimpleUploadedFile("c.pdf", PDF),
        )
    assert not SupervisorTraining.objects.exists()
    assert not any(media.rglob("*.pdf"))


def test_staff_verify_a_credential_and_supervision_starts_to_count(client, world):
    supervisor = world.user("supervisor")
    training = TrainingFactory(supervisor=supervisor, completed_on=world.enrolment.start_date)
    SessionFactory(enrolment=world.enrolment, supervisor=supervisor, confirmed=True)
    client.force_login(supervisor)
    assert client.post(reverse("trainees:supervisor_training_verify", args=[training.pk])).status_code == 403
    client.force_login(world.user("educator"))
    page = client.get(reverse("trainees:supervision", args=[world.enrolment.pk])).content.decode()
    assert "Does not count toward accreditation" in page
    client.post(reverse("trainees:supervisor_training_verify", args=[training.pk]))
    training.refresh_from_db()
    assert training.verified_by == world.user("educator")
    assert AuditEvent.objects.filter(
        action="supervisor.training_verified", object_id=str(training.pk)
    ).exists()
    page = client.get(reverse("trainees:supervision", args=[world.enrolment.pk])).content.decode()
    assert "Does not count toward accreditation" not in page


def test_a_supervisor_saves_their_profile(client, world):
    client.force_login(world.user("supervisor"))
    client.post(
        reverse("trainees:supervisor_profile_edit"),
        {
            "professional_background": "Mental health nurse",
            "pwp_experience": "Eight years",
            "qualified_as_pwp_on": "",
        },
    )
    profile = SupervisorProfile.objects.get(user=world.user("supervisor"))
    assert profile.professional_background == "Mental health nurse"


def test_the_credential_can_be_read_as_of_any_date(client, world):
    supervisor = world.user("supervisor")
    VerifiedTrainingFactory(supervisor=supervisor, completed_on=today() - timedelta(days=200))
    client.force_login(world.user("educator"))
    url = reverse("trainees:supervisor", args=[supervisor.pk])
    earlier = (today() - timedelta(days=300)).isoformat()
    assert "Not credentialed" in client.get(url, {"on": earlier}).content.decode()
    assert "Credentialed" in client.get(url).content.decode()
    assert "full date" in client.get(url, {"on": "not-a-date"}, follow=True).content.decode()


# --- the educator's view of a supervisor's supervisees -------------------------------------------------


@pytest.mark.parametrize("size", [2, 30])
def test_an_educator_sees_every_supervisee_of_a_supervisor_on_their_programme_only(
    client, world, size, django_assert_num_queries
):
    supervisor = world.user("supervisor")
    elsewhere = f.EnrolmentFactory(cohort=world.other_cohort)
    f.SupervisorAssignmentFactory(enrolment=elsewhere, supervisor=supervisor)
    for enrolment in f.EnrolmentFactory.create_batch(size, cohort=world.cohort):
        f.SupervisorAssignmentFactory(enrolment=enrolment, supervisor=supervisor)
        SessionFactory(enrolment=enrolment, supervisor=supervisor, confirmed=True)
    TrainingFactory(supervisor=supervisor)
    client.force_login(world.user("educator"))
    url = reverse("trainees:supervisor", args=[supervisor.pk])
    with django_assert_num_queries(17 + REMEMBERING):  # +1 the header's unread notifications
        response = client.get(url)
    page = response.content.decode()
    assert page.count(reverse("trainees:supervision", args=[world.enrolment.pk])) == 1
    assert reverse("trainees:supervision", args=[elsewhere.pk]) not in page
    assert page.count('href="/trainees/') == size + 1
    client.force_login(world.user("other_educator"))
    assert client.get(url).status_code == 200  # they see the supervisor through programme B's trainee
    page = client.get(url).content.decode()
    assert page.count('href="/trainees/') == 1


def test_the_supervisors_list_shows_credentials_waiting_for_verification(client, world):
    TrainingFactory(supervisor=world.user("supervisor"))
    client.force_login(world.user("admin"))
    page = client.get(reverse("trainees:supervisors")).content.decode()
    assert world.user("supervisor").display_name in page
    assert world.user("other_supervisor").display_name in page
    assert "Unverified" in page


# --- the supervisor's home ------------------------------------------------------------------------------


def without_form_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


@pytest.mark.parametrize("size", [2, 25])
def test_the_supervisors_home_costs_the_same_queries_however_many_supervisees(
    client, world, size, django_assert_num_queries
):
    supervisor = world.user("supervisor")
    TrainingFactory(supervisor=supervisor)
    for enrolment in f.EnrolmentFactory.create_batch(size, cohort=world.cohort):
        f.SupervisorAssignmentFactory(enrolment=enrolment, supervisor=supervisor)
        add_sessions(enrolment, supervisor, 4)
        SessionFactory(enrolment=enrolment, supervisor=supervisor, date=today())
        CaseFactory(enrolment=enrolment, opened_on=today() - timedelta(days=60))
        # A workplace day and a CPD activity waiting for a supervisor: listed by name with nothing read later
        WorkplaceDayFactory(enrolment=enrolment, status="submitted")
        CpdActivityFactory(enrolment=enrolment, status="recorded", title=f"Risk workshop {enrolment.pk}")
    client.force_login(supervisor)
    # +1 the header's unread count, +3 the sessions, workplace days and CPD activities waiting (their reports,
    # none, are not read: the sections query found nothing there); the supervision
    # rules are read for the supervisor's own credential, and for the week's status when a row is drawn; the
    # supervisees' supervisors' training is not read (the home shows no hours that count toward
    # accreditation), and this week's minutes (confirmed and waiting) come from the same read of sessions as
    # the weeks missed; the supervisees' rows are remembered as drawn (read and written here; seen again, one
    # read instead of four); one query finds which of the home's sections the supervisor has anything in, so
    # their (empty) training, cohorts, programmes and visits are not read
    with django_assert_num_queries(18 + REMEMBERING):
        response = client.get(reverse("home"))
    page = response.content.decode()
    with django_assert_num_queries(18 - 4 + 1):
        again = client.get(reverse("home")).content.decode()
    assert without_form_tokens(again) == without_form_tokens(page)
    assert "My supervisees" in page and "Waiting for you" in page
    assert page.count("days)</td>") == size  # each has one overdue case review
    # Each list shows its oldest HOME_LIMIT, and says how many more wait, on the page with all of them.
    shown = min(size, HOME_LIMIT)
    assert page.count('name="next" value="home"') == shown
    assert page.count("Risk workshop ") == shown and page.count(", Module 1: ") == shown
    more = size - shown
    lists = ("entries waiting for your confirmation", "workplace days waiting", "CPD activities waiting")
    for words in lists:
        assert (f"All {size} {words}</a> ({more} more)" in page) == bool(more), words


def test_the_supervisors_home_reads_only_the_waiting_lists_that_hold_anything(client, world):
    """The sections query says which of the four lists holds anything; each read costs one query, and what
    each shows appears as soon as it waits (a draft report here, a session logged with the supervisor, a
    workplace day and a CPD activity of a supervisee)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    supervisor, enrolment = world.user("supervisor"), world.enrolment
    client.force_login(supervisor)

    def queries_and_page():
        client.get(reverse("home"))  # rows drawn and remembered: only the lists differ below
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("home")).content.decode()
        return len(queries), page

    nothing, page = queries_and_page()
    assert "Nothing is waiting for you." in page
    ReportFactory(enrolment=enrolment, supervisor=supervisor)
    SessionFactory(enrolment=enrolment, supervisor=supervisor, date=today())
    WorkplaceDayFactory(enrolment=enrolment, status="submitted")
    CpdActivityFactory(enrolment=enrolment, status="recorded", title="Risk workshop")
    everything, page = queries_and_page()
    assert everything == nothing + 4
    assert "Your reports not signed yet" in page and 'name="next" value="home"' in page
    assert "Workplace days waiting for a supervisor" in page and "Risk workshop" in page


@pytest.mark.parametrize("size", [3, 14])
def test_the_waiting_page_lists_everything_waiting_oldest_first_in_the_same_queries_however_many(
    client, world, size, django_assert_num_queries
):
    """The home shows the oldest few of each list; the waiting page shows them all, the oldest first, at one
    query a list whatever their number, and confirming a session there comes back to it."""
    supervisor = world.user("supervisor")
    start = today() - timedelta(days=size + 7)
    for n in range(size):
        enrolment = f.EnrolmentFactory(cohort=world.cohort)
        f.SupervisorAssignmentFactory(enrolment=enrolment, supervisor=supervisor)
        SessionFactory(enrolment=enrolment, supervisor=supervisor, date=start + timedelta(days=n))
        WorkplaceDayFactory(enrolment=enrolment, status="submitted", date=start + timedelta(days=n))
        CpdActivityFactory(
            enrolment=enrolment, status="recorded", title=f"Workshop {n:02d}", date=start + timedelta(days=n)
        )
        ReportFactory(enrolment=enrolment, supervisor=supervisor)
    client.force_login(supervisor)
    # the session and the person, the header's unread count, the four lists, the session saved (a savepoint
    # around its update)
    with django_assert_num_queries(2 + 1 + 4 + 3):
        page = client.get(reverse("trainees:supervisor_waiting")).content.decode()
    assert "<h1>Waiting for you</h1>" in page
    assert re.findall(r"Workshop (\d\d)", page) == [f"{n:02d}" for n in range(size)]
    assert page.count('name="next" value="waiting"') == size
    assert page.count(", Module 1: ") == size
    assert page.count('href="/supervision/reports/') == size
    assert "more)</p>" not in page  # nothing is left out here

    home = client.get(reverse("home")).content.decode()
    assert re.findall(r"Workshop (\d\d)", home) == [f"{n:02d}" for n in range(min(size, HOME_LIMIT))]
    assert (reverse("trainees:supervisor_waiting") in home) == (size > HOME_LIMIT)

    oldest = SupervisionSession.objects.filter(supervisor=supervisor).order_by("date").first()
    response = client.post(
        reverse("trainees:supervision_session_confirm", args=[oldest.pk]), {"next": "waiting"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("trainees:supervisor_waiting")
    oldest.refresh_from_db()
    assert oldest.confirmed_at is not None
    assert client.get(response["Location"]).content.decode().count('name="next" value="waiting"') == size - 1


def test_the_waiting_page_says_so_when_nothing_waits_and_a_report_alone_is_not_nothing(client, world):
    supervisor = world.user("supervisor")
    client.force_login(supervisor)
    waiting = reverse("trainees:supervisor_waiting")
    assert "Nothing is waiting for you." in client.get(waiting).content.decode()
    ReportFactory(enrolment=world.enrolment, supervisor=supervisor)
    for url in (waiting, reverse("home")):
        page = client.get(url).content.decode()
        assert "Your reports not signed yet" in page and "Nothing is waiting for you." not in page, url


def test_the_supervisors_home_shows_the_recent_missed_weeks_and_overdue_cases_of_the_whole_training(world):
    """The home works compliance out only from four weeks before this one: the missed weeks it lists and the
    cases it calls overdue must be those of the whole training's compliance."""
    from trainees.supervision.selectors import supervisee_weeks, supervision_compliance_for

    supervisor = world.user("supervisor")
    TrainingFactory(supervisor=supervisor)
    day = today()
    monday = day - timedelta(days=day.weekday())
    started = f.EnrolmentFactory(cohort=world.cohort, start_date=day - timedelta(days=200))
    recent = f.EnrolmentFactory(cohort=world.cohort, start_date=monday - timedelta(days=10))
    for enrolment in (started, recent):
        f.SupervisorAssignmentFactory(
            enrolment=enrolment, supervisor=supervisor, starts_on=enrolment.start_date
        )
        CaseFactory(enrolment=enrolment, opened_on=day - timedelta(days=60))
    # Met two weeks ago and long ago; every other week missed.
    for enrolment, weeks_ago in ((started, 2), (started, 20), (recent, 1)):
        SessionFactory(
            enrolment=enrolment,
            supervisor=supervisor,
            date=monday - timedelta(days=7 * weeks_ago),
            confirmed=True,
        )
    home = supervisee_weeks([started, recent], today=day)
    whole = supervision_compliance_for([started, recent], end=day)
    for row in home:
        expected = whole[row.enrolment.pk]
        assert row.missed_recent == tuple(
            m for m in expected.missed_weeks if m >= monday - timedelta(days=28)
        )
        assert row.overdue_cases == expected.overdue_cases
    rows = {row.enrolment.pk: row for row in home}
    assert monday - timedelta(days=14) not in rows[started.pk].missed_recent
    assert monday - timedelta(days=21) in rows[started.pk].missed_recent
    assert len(rows[started.pk].overdue_cases) == 1


def test_the_supervisors_home_reads_only_the_cases_that_may_be_overdue_and_calls_the_same_ones_overdue(world):
    """The home's read leaves out, in the database, the cases opened or reviewed within the review interval;
    the engine's verdict on the rest is the whole training's, at the edges of the interval too."""
    from trainees.models import CaseReview
    from trainees.supervision.selectors import (
        _load,
        rules_for_programmes,
        supervisee_weeks,
        supervision_compliance_for,
    )

    supervisor = world.user("supervisor")
    day = today()
    active = f.EnrolmentFactory(cohort=world.cohort, start_date=day - timedelta(days=200))
    completed = f.EnrolmentFactory(
        cohort=world.cohort, start_date=day - timedelta(days=400), completed_on=day - timedelta(days=10)
    )

    def case(enrolment, reference, opened_days_ago, reviewed_days_ago=None, **session):
        the_case = CaseFactory(
            enrolment=enrolment, reference=reference, opened_on=day - timedelta(days=opened_days_ago)
        )
        if reviewed_days_ago is not None:
            row = SessionFactory(
                enrolment=enrolment,
                supervisor=supervisor,
                date=day - timedelta(days=reviewed_days_ago),
                **session,
            )
            CaseReview.objects.create(session=row, case=the_case)
        return the_case

    for enrolment in (active, completed):
        f.SupervisorAssignmentFactory(
            enrolment=enrolment, supervisor=supervisor, starts_on=enrolment.start_date
        )
        case(enrolment, "OPENED-28", 28)  # not overdue: 28 days is the interval
        case(enrolment, "OPENED-29", 29)
        case(enrolment, "REVIEWED-28", 60, 28, confirmed=True)
        case(enrolment, "REVIEWED-29", 60, 29, confirmed=True)
        case(enrolment, "AWAITING-5", 60, 5)  # an unconfirmed review does not count
        case(enrolment, "REVIEWED-3", 60, 3, confirmed=True)  # after the completed trainee's last day
    whole = supervision_compliance_for([active, completed], end=day)
    rows = {row.enrolment.pk: row for row in supervisee_weeks([active, completed], today=day)}
    for enrolment in (active, completed):
        assert rows[enrolment.pk].overdue_cases == whole[enrolment.pk].overdue_cases
    assert [c.reference for c in rows[active.pk].overdue_cases] == ["AWAITING-5", "OPENED-29", "REVIEWED-29"]
    assert "REVIEWED-3" in [c.reference for c in rows[completed.pk].overdue_cases]
    # The cases opened or reviewed (and counted) within the interval were never read for the active trainee.
    loaded = _load(
        [active],
        end=day,
        cases_from=day,
        rules=rules_for_programmes([world.cohort.programme_id], on=day),
        overdue_only=True,
        credentials=False,
    )
    assert sorted(c.reference for c in loaded.cases[active.pk]) == ["AWAITING-5", "OPENED-29", "REVIEWED-29"]
    assert loaded.trainings == {}


def test_the_supervisor_sees_each_supervisee_once_with_cohort_role_and_this_week(client, world):
    """One table: who, their cohort and the person's role, this week's supervision and what is overdue."""
    supervisor = world.user("supervisor")
    enrolment = world.enrolment
    client.force_login(supervisor)
    page = client.get(reverse("home")).content.decode()
    section = page[page.index('<section aria-labelledby="my-supervisees">') :]
    section = section[: section.index("</section>")]
    name = enrolment.user.display_name
    assert section.count(f">{name}</a>") == 1
    assert f'href="{reverse("trainees:detail", args=[enrolment.pk])}">{name}</a>' in section
    supervision = reverse("trainees:supervision", args=[enrolment.pk])
    assert f'Not yet</strong> <a class="nhsuk-body-s" href="{supervision}">0 of 60 minutes' in section
    assert f"{enrolment.cohort.name}: case-management supervisor and clinical-skills supervisor" in section
    assert page.count("<table") == 1  # nothing is waiting, and no second table of the same people


def supervisees_section(client) -> str:
    page = client.get(reverse("home")).content.decode()
    section = page[page.index('<section aria-labelledby="my-supervisees">') :]
    return section[: section.index("</section>")]


def test_a_supervisees_row_shows_a_session_logged_since_it_was_drawn(client, world):
    """Rows are remembered as drawn by records version: a session logged through its service shows at once."""
    from trainees.supervision.services import log_session

    supervisor, enrolment = world.user("supervisor"), world.enrolment
    client.force_login(supervisor)
    assert "Not yet</strong>" in supervisees_section(client)
    log_session(
        actor=enrolment.user,
        enrolment=enrolment,
        kind=SupervisionSession.Kind.CASE_MANAGEMENT,
        on=today(),
        minutes=60,
        supervisor=supervisor,
    )
    section = supervisees_section(client)
    assert "To confirm</strong>" in section and "Not yet</strong>" not in section


def test_a_supervisees_row_is_drawn_again_when_their_name_cohort_or_role_changes(client, world):
    """A name, a cohort's name and a role are not the trainee's records (they do not bump its version), yet
    the row shows them: a row drawn with others is not shown."""
    supervisor, enrolment = world.user("supervisor"), world.enrolment
    client.force_login(supervisor)
    assert ": case-management supervisor and clinical-skills supervisor" in supervisees_section(client)
    type(enrolment.user).objects.filter(pk=enrolment.user_id).update(first_name="Renamed", last_name="Person")
    type(enrolment.cohort).objects.filter(pk=enrolment.cohort_id).update(name="Cohort Renamed")
    SupervisorAssignment.objects.filter(
        enrolment=enrolment, supervisor=supervisor, kind=SupervisorAssignment.Kind.CLINICAL_SKILLS
    ).delete()
    section = supervisees_section(client)
    assert ">Renamed Person</a>" in section and "(Renamed Person's supervision)" in section
    assert "Cohort Renamed: case-management supervisor</span>" in section


def test_two_supervisors_of_one_trainee_each_keep_their_own_row(client, world):
    """Each sees their own role, and each one's row stays remembered when the other looks."""
    from trainees.enrolment.models import EnrolmentFacts

    enrolment, first, second = world.enrolment, world.user("supervisor"), world.user("other_supervisor")
    SupervisorAssignment.objects.filter(
        enrolment=enrolment, supervisor=first, kind=SupervisorAssignment.Kind.CLINICAL_SKILLS
    ).update(supervisor=second)
    shown = {}
    for person in (first, second, first):
        client.force_login(person)
        shown[person.pk] = supervisees_section(client)
    assert ": case-management supervisor</span>" in shown[first.pk]
    assert ": clinical-skills supervisor</span>" in shown[second.pk]
    rows = EnrolmentFacts.objects.filter(enrolment=enrolment, slot__startswith="supervisee-row:")
    assert sorted(rows.values_list("slot", flat=True)) == sorted(
        f"supervisee-row:{person.pk}" for person in (first, second)
    )
    stamps = dict(rows.values_list("slot", "stamp"))
    client.force_login(first)
    supervisees_section(client)
    assert dict(rows.values_list("slot", "stamp")) == stamps


def test_this_weeks_status_distinguishes_met_waiting_and_not_yet(client, world):
    supervisor = world.user("supervisor")
    trainee_b = f.EnrolmentFactory(cohort=world.cohort)
    trainee_c = f.EnrolmentFactory(cohort=world.cohort)
    for enrolment in (trainee_b, trainee_c):
        f.SupervisorAssignmentFactory(enrolment=enrolment, supervisor=supervisor)
    SessionFactory(enrolment=world.enrolment, supervisor=supervisor, date=today(), confirmed=True)
    SessionFactory(enrolment=trainee_b, supervisor=supervisor, date=today())
    client.force_login(supervisor)
    page = client.get(reverse("home")).content.decode()
    # The tag says where the week stands; the words beside it give the minutes, without saying it again
    assert re.search(r"Met</strong> <a [^>]*>60 minutes of case management confirmed", page)
    assert re.search(r"To confirm</strong> <a [^>]*>60 minutes logged, waiting for your confirmation", page)
    assert re.search(r"Not yet</strong> <a [^>]*>0 of 60 minutes of case management this week", page)


# --- the cohort page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [10, 200])
def test_the_cohort_page_supervision_columns_cost_the_same_for_10_and_200_trainees(
    client, curriculum, size, django_assert_num_queries
):
    cohort = f.CohortFactory()
    supervisor = f.UserFactory()
    TrainingFactory(supervisor=supervisor)
    for enrolment in f.EnrolmentFactory.create_batch(size, cohort=cohort):
        f.SupervisorAssignmentFactory(enrolment=enrolment, supervisor=supervisor)
        add_sessions(enrolment, supervisor, 3)
        CaseFactory(enrolment=enrolment, opened_on=today() - timedelta(days=35))
    client.force_login(f.ProgrammeMembershipFactory(programme=cohort.programme).user)
    url = reverse("trainees:cohort", args=[cohort.code]) + "?per_page=500"
    with django_assert_num_queries(COHORT_PAGE_QUERIES):
        response = client.get(url)
    page = response.content.decode()
    assert "Missed case-management weeks" in page and "Overdue case reviews" in page
    assert page.count(">Gaps</strong>") == size


# --- assignments, sites and ratios ----------------------------------------------------------------------


def test_staff_assign_and_end_supervisors_and_place_a_trainee_at_a_site(client, world):
    newcomer = f.UserFactory(username="new.supervisor")
    client.force_login(world.user("educator"))
    url = reverse("trainees:supervisor_assignments", args=[world.enrolment.pk])
    response = client.post(
        url, {"username": "nobody.here", "kind": "line_manager", "starts_on": today().isoformat()}
    )
    assert "Nobody with that username" in response.content.decode()
    response = client.post(
        url, {"username": "new.supervisor", "kind": "line_manager", "starts_on": today().isoformat()}
    )
    assert response.status_code == 302
    assignment = SupervisorAssignment.objects.get(supervisor=newcomer)
    client.post(
        reverse("trainees:supervisor_assignment_end", args=[assignment.pk]),
        {"ends_on": (today() + timedelta(days=30)).isoformat()},
    )
    assignment.refresh_from_db()
    assert assignment.ends_on == today() + timedelta(days=30)
    site = SiteFactory(service=world.enrolment.employing_service, name="Central")
    wrong = SiteFactory()
    client.post(reverse("trainees:site_placement", args=[world.enrolment.pk]), {"site": wrong.pk})
    assert not SitePlacement.objects.exists()
    client.post(reverse("trainees:site_placement", args=[world.enrolment.pk]), {"site": site.pk})
    assert SitePlacement.objects.get(enrolment=world.enrolment).site == site
    assert AuditEvent.objects.filter(action="site.trainee_placed").exists()


def test_the_service_page_flags_a_site_below_one_qualified_to_two_trainees(
    client, world, django_assert_num_queries
):
    service = world.enrolment.employing_service
    busy = SiteFactory(service=service, name="Busy site", qualified_staff=1)
    calm = SiteFactory(service=service, name="Calm site", qualified_staff=3)
    for _ in range(3):
        enrolment = f.EnrolmentFactory(cohort=world.other_cohort, employing_service=service)
        SitePlacement.objects.create(enrolment=enrolment, site=busy, recorded_by=world.user("admin"))
    SitePlacement.objects.create(enrolment=world.enrolment, site=calm, recorded_by=world.user("admin"))
    client.force_login(world.user("educator"))
    with django_assert_num_queries(12):  # +1 the header's unread notifications
        page = client.get(reverse("trainees:service", args=[service.code])).content.decode()
    assert "Below 1 to 2" in page and "Meets 1 to 2" in page
    assert "No site recorded" not in page
    assert "Add a site" not in page  # educators see; administrators edit
    client.force_login(world.user("admin"))
    response = client.post(
        reverse("trainees:service", args=[service.code]),
        {"name": "New site", "qualified_staff": 4, "counted_on": today().isoformat()},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("trainees:site_edit", args=[busy.pk]),
        {"qualified_staff": 2, "counted_on": today().isoformat()},
    )
    busy.refresh_from_db()
    assert busy.qualified_staff == 2
    event = AuditEvent.objects.get(action="site.updated")
    assert event.before["qualified_staff"] == 1 and event.after["qualified_staff"] == 2
    client.force_login(world.user("educator"))
    assert client.post(reverse("trainees:service", args=[service.code]), {"name": "X"}).status_code == 403
