"""The live portfolio's render cache: keyed by the enrolment's records version, which every service writing a
record the portfolio shows bumps in its own transaction; rendered by the worker, never in the request.

One test per portfolio section: each kind of record the section shows, written through its service, gives a
new records version (a new cache key) and changes what the section says."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import AuditEvent
from accreditation.models import PortfolioRender, SchemeVersion
from accreditation.portfolio import cache
from accreditation.portfolio.data import portfolio_data
from accreditation.services import save_scheme_version
from assessments.services import add_evidence
from tests import factories as f
from tests.assessments import factories_assessments as fa
from tests.trainees.factories_attendance import TeachingDayFactory, module
from tests.trainees.factories_cpd import PDF
from tests.trainees.factories_supervision import SessionFactory
from trainees.attendance.services import (
    MarkInput,
    add_teaching_day,
    log_workplace_day,
    record_interruption,
    review_workplace_day,
    save_register,
)
from trainees.caseload.services import close_case, record_contact
from trainees.cpd.services import confirm_cpd_activity, record_cpd_activity
from trainees.enrolment.services import assign_supervisor, update_enrolment
from trainees.enrolment.versions import bump_records_version
from trainees.models import Enrolment, SupervisorAssignment
from trainees.supervision import services as supervision

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The session and its user, the enrolment with the access check, the render row, the notification count, the
# session's idle-time update (with its savepoint).
PROGRESS_QUERIES = 8


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class Portfolio:
    """The world's trainee's live portfolio: its cache key and one section, read afresh each time."""

    def __init__(self, world):
        self.world = world
        self.pk = world.enrolment.pk

    def enrolment(self) -> Enrolment:
        return Enrolment.objects.with_people().get(pk=self.pk)

    def state(self, key: str) -> tuple[str, dict]:
        enrolment = self.enrolment()
        data = portfolio_data(enrolment, as_of=TODAY)
        return cache.live_key(enrolment, as_of=TODAY), next(s for s in data["sections"] if s["key"] == key)

    def check(self, section_key: str, change, *, shows: bool = True):
        """`change()` gives a new key; when `shows`, the section reads differently too."""
        key, before = self.state(section_key)
        result = change()
        new_key, after = self.state(section_key)
        assert new_key != key, f"{change} left the records version unchanged"
        if shows:
            assert after != before, f"{change} did not change the {section_key} section"
        return result


@pytest.fixture
def portfolio(world):
    return Portfolio(world)


def pdf_upload(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- One test per section ---------------------------------------------------------------------------------


def test_the_readiness_section_is_invalidated_by_the_scheme_and_by_the_records_it_judges(portfolio, world):
    version = (
        SchemeVersion.objects.filter(scheme__code="course-completion").order_by("effective_from").first()
    )
    portfolio.check(
        "readiness",
        lambda: save_scheme_version(actor=None, version=version, changes={"notes": "Wording clarified."}),
        shows=False,  # the notes are not printed, but a scheme's change reaches every portfolio
    )
    session = SessionFactory(enrolment=world.enrolment, supervisor=world.user("supervisor"))
    portfolio.check(
        "readiness", lambda: supervision.confirm_session(actor=world.user("supervisor"), session=session)
    )


def test_the_enrolment_section_is_invalidated_by_interruptions_and_enrolment_changes(portfolio, world):
    educator, admin = world.user("educator"), world.user("admin")
    enrolment = world.enrolment
    portfolio.check(
        "enrolment",
        lambda: record_interruption(
            actor=educator,
            enrolment=enrolment,
            starts_on=enrolment.start_date + timedelta(days=20),
            ends_on=enrolment.start_date + timedelta(days=24),
            reason="sickness",
        ),
    )
    portfolio.check(
        "enrolment",
        lambda: update_enrolment(actor=admin, enrolment=portfolio.enrolment(), changes={"band": 5}),
    )

    def rename():  # names are not the trainees app's to bump: the key carries them
        user = world.user("trainee")
        user.first_name = "Renamed"
        user.save(update_fields=["first_name"])

    portfolio.check("enrolment", rename)


def test_the_training_days_section_is_invalidated_by_registers_workplace_days_and_the_schedule(
    portfolio, world
):
    educator, supervisor, enrolment = world.user("educator"), world.user("supervisor"), world.enrolment
    day = TeachingDayFactory(cohort=world.cohort, date=enrolment.start_date + timedelta(days=1))
    portfolio.check(
        "training_days",
        lambda: save_register(actor=educator, day=day, marks={enrolment.pk: MarkInput("present")}),
    )
    logged = portfolio.check(
        "training_days",
        lambda: log_workplace_day(
            actor=world.user("trainee"),
            enrolment=enrolment,
            day=enrolment.start_date + timedelta(days=2),
            module=module(1),
            activity="Shadowed assessments",
            reflection="Saw how to explain step 2.",
        ),
        shows=False,  # waiting for the supervisor: it counts once confirmed
    )
    portfolio.check(
        "training_days", lambda: review_workplace_day(actor=supervisor, workplace_day=logged, confirm=True)
    )
    portfolio.check(
        "training_days",
        lambda: add_teaching_day(
            actor=educator, cohort=world.cohort, module=module(1), day=TODAY + timedelta(days=3)
        ),
        shows=False,  # a future day changes what can still fit, not today's counts
    )


def test_the_competences_section_is_invalidated_by_attempts_marks_and_sign_offs(portfolio, world):
    fa.no_sampling(world.programme)
    attempt = portfolio.check("competences", lambda: fa.submit(world.enrolment))
    marker = fa.marker(world.programme)
    marked = portfolio.check("competences", lambda: fa.mark(attempt, marker))
    assert marked.status == marked.Status.AGREED  # passed and released today: signed off with the marks
    programme_change = portfolio.check(
        "competences", lambda: fa.no_sampling(world.programme, attempts=3), shows=True
    )
    assert programme_change is None


def test_the_supervision_section_is_invalidated_by_sessions_credentials_and_assignments(portfolio, world):
    supervisor = world.user("supervisor")
    session = portfolio.check(
        "supervision",
        lambda: supervision.log_session(
            actor=world.user("trainee"),
            enrolment=world.enrolment,
            kind="case_management",
            on=TODAY - timedelta(days=1),
            minutes=60,
            supervisor=supervisor,
        ),
        shows=False,  # awaiting confirmation
    )
    portfolio.check("supervision", lambda: supervision.confirm_session(actor=supervisor, session=session))
    training = portfolio.check(
        "supervision",
        lambda: supervision.add_training(
            actor=supervisor,
            supervisor=supervisor,
            kind="initial",
            provider="Northvale University supervisor training",
            provider_iapt_accredited=True,
            completed_on=TODAY - timedelta(days=300),
        ),
    )
    portfolio.check(
        "supervision", lambda: supervision.verify_training(actor=world.user("educator"), training=training)
    )
    portfolio.check(
        "supervision",
        lambda: assign_supervisor(
            actor=world.user("admin"),
            enrolment=world.enrolment,
            supervisor=f.UserFactory(first_name="Lee", last_name="Manager"),
            kind=SupervisorAssignment.Kind.LINE_MANAGER,
            starts_on=TODAY,
        ),
    )


def test_the_caseload_section_is_invalidated_by_contacts_and_cases(portfolio, world):
    contact = portfolio.check(
        "caseload",
        lambda: record_contact(
            actor=world.user("trainee"),
            enrolment=world.enrolment,
            case_reference="NV-000123",
            date=TODAY - timedelta(days=3),
            type="assessment",
            mode="telephone",
            minutes=45,
        ),
    )
    portfolio.check(
        "caseload",
        lambda: close_case(actor=world.user("trainee"), case=contact.case, closed_on=TODAY),
        shows=False,  # the quota counts patients seen; the closure shows on the caseload page
    )


def test_the_cpd_section_is_invalidated_by_activities_and_confirmations(portfolio, world):
    activity = portfolio.check(
        "cpd",
        lambda: record_cpd_activity(
            actor=world.user("trainee"),
            enrolment=world.enrolment,
            date=TODAY - timedelta(days=2),
            title="Workshop on risk",
            hours=Decimal("2"),
        ),
    )
    portfolio.check("cpd", lambda: confirm_cpd_activity(actor=world.user("supervisor"), activity=activity))


def test_the_supervisor_reports_section_is_invalidated_by_reports_and_signatures(portfolio, world):
    supervisor = world.user("supervisor")
    fields = {
        "period_start": world.enrolment.start_date,
        "period_end": TODAY - timedelta(days=1),
        "engagement": "Good",
        "clinical_skills": "Good",
        "case_management": "Good",
        "values": "Good",
        "strengths": "Warmth",
        "development": "Pace",
        "progress": "meeting",
    }
    report = portfolio.check(
        "supervisor_reports",
        lambda: supervision.start_report(actor=supervisor, enrolment=world.enrolment, kind="final", **fields),
    )
    portfolio.check("supervisor_reports", lambda: supervision.sign_report(actor=supervisor, report=report))


def test_the_evidence_index_is_invalidated_by_every_kind_of_file_it_lists(portfolio, world):
    attempt = fa.submit(world.enrolment)
    portfolio.check(
        "evidence", lambda: add_evidence(actor=world.user("trainee"), attempt=attempt, files=[pdf_upload()])
    )
    supervisor = world.user("supervisor")
    portfolio.check(
        "evidence",
        lambda: supervision.add_training(
            actor=supervisor,
            supervisor=supervisor,
            kind="initial",
            provider="Northvale University supervisor training",
            provider_iapt_accredited=True,
            completed_on=TODAY - timedelta(days=300),
            certificate=pdf_upload("certificate.pdf"),
        ),
    )
    portfolio.check(
        "evidence",
        lambda: record_cpd_activity(
            actor=world.user("trainee"),
            enrolment=world.enrolment,
            date=TODAY - timedelta(days=2),
            title="Workshop on risk",
            hours=Decimal("2"),
            evidence=pdf_upload("cpd.pdf"),
        ),
    )


# --- Serving: the unchanged repeat, the progress page, failures ------------------------------------------


def download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def _weekly_sessions(world, count):
    """`count` confirmed supervision sessions, one a week back from yesterday."""
    for number in range(count):
        SessionFactory(
            enrolment=world.enrolment,
            supervisor=world.user("supervisor"),
            date=TODAY - timedelta(days=7 * number + 1),
            confirmed=True,
        )


@pytest.mark.parametrize("sessions", [2, 20])
def test_an_unchanged_repeat_reads_the_counter_and_one_row_whatever_the_records(
    client, world, sessions, django_assert_num_queries
):
    _weekly_sessions(world, sessions)
    client.force_login(world.user("trainee"))
    url = reverse("portfolios:trainee_pdf", args=[world.enrolment.pk])
    first = download(client, url)
    # Two of its own: the enrolment with its version, the access check and the stored render (one query),
    # and the audit line. The rest is every page's: the session and its user, and the session's idle-time
    # update (3).
    with django_assert_num_queries(7):
        again = download(client, url)
    assert again == first
    assert [
        e.after["cache"] for e in AuditEvent.objects.filter(action="portfolio.downloaded").order_by("id")
    ] == [
        "miss",
        "hit",
    ]


def test_the_unchanged_repeat_sends_the_same_file_with_the_same_headers_as_the_first_download(client, world):
    client.force_login(world.user("trainee"))
    url = reverse("portfolios:trainee_pdf", args=[world.enrolment.pk])
    first, again = client.get(url), client.get(url)
    assert b"".join(again.streaming_content) == b"".join(first.streaming_content)
    headers = ("Content-Type", "Content-Length", "Content-Disposition", "Cache-Control", "Expires", "Vary")
    headers += ("X-Content-Type-Options",)
    assert {name: again.get(name) for name in headers} == {name: first.get(name) for name in headers}
    assert "no-store" in again["Cache-Control"] and again["Content-Disposition"].startswith("attachment;")
    hit, miss = AuditEvent.objects.filter(action="portfolio.downloaded").order_by("-id")[:2]
    assert (hit.after["cache"], miss.after["cache"]) == ("hit", "miss")
    assert {k: v for k, v in hit.after.items() if k != "cache"} == {
        k: v for k, v in miss.after.items() if k != "cache"
    }


def test_a_change_to_the_records_is_never_answered_with_the_render_of_the_old_version(client, world):
    client.force_login(world.user("supervisor"))
    url = reverse("portfolios:trainee_pdf", args=[world.enrolment.pk])
    download(client, url)
    old = PortfolioRender.objects.get()
    bump_records_version(world.enrolment)
    download(client, url)
    latest = AuditEvent.objects.filter(action="portfolio.downloaded").latest("id")
    assert latest.after["cache"] == "miss" and latest.after["key"] != old.key
    assert latest.after["version"] == old.records_version + 1
    assert PortfolioRender.objects.get().records_version == old.records_version + 1  # the old one removed


def test_a_render_of_the_same_version_under_other_names_is_not_served(client, world):
    """The key also names the trainee: a rename (which cannot bump the version) gives a new render."""
    trainee = world.user("trainee")
    client.force_login(trainee)
    url = reverse("portfolios:trainee_pdf", args=[world.enrolment.pk])
    download(client, url)
    trainee.first_name = "Renamed"
    trainee.save(update_fields=["first_name"])
    download(client, url)
    latest = AuditEvent.objects.filter(action="portfolio.downloaded").latest("id")
    assert latest.after["cache"] == "miss"
    assert latest.after["key"] == PortfolioRender.objects.latest("id").key


def test_a_ready_render_whose_file_is_missing_says_so_and_can_be_tried_again(client, world):
    client.force_login(world.user("trainee"))
    url = reverse("portfolios:trainee_pdf", args=[world.enrolment.pk])
    download(client, url)
    render = PortfolioRender.objects.get()
    default_storage.delete(render.file)
    text = client.get(url).content.decode()
    assert "The PDF could not be prepared." in text and "Try again" in text
    render.refresh_from_db()
    assert render.status == PortfolioRender.Status.FAILED
    assert AuditEvent.objects.filter(action="portfolio.downloaded").count() == 1


def test_a_stored_render_is_sent_only_to_people_who_may_see_the_record(client, world):
    client.force_login(world.user("trainee"))
    url = reverse("portfolios:trainee_pdf", args=[world.enrolment.pk])
    download(client, url)
    for persona in ("other_trainee", "other_supervisor", "other_educator", "visitor"):
        client.force_login(world.user(persona))
        assert client.get(url).status_code == 404, persona
    client.force_login(world.user("educator"))
    assert download(client, url).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="portfolio.downloaded").count() == 2


def test_without_a_worker_the_page_shows_progress_queues_one_task_and_offers_the_file_when_ready(
    client, world, settings
):
    settings.TASKS = DATABASE_QUEUE  # a real queue that nothing runs: the state a person sees first
    client.force_login(world.user("supervisor"))
    url = reverse("portfolios:trainee_pdf", args=[world.enrolment.pk])
    for _ in range(2):
        page = client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "The PDF is being prepared." in text
        assert 'http-equiv="refresh"' in text and "Check again" in text
        assert 'role="status"' in text
    render = PortfolioRender.objects.get()
    assert render.status == PortfolioRender.Status.QUEUED
    assert DBTaskResult.objects.count() == 1  # asked twice, queued once
    assert not AuditEvent.objects.filter(action="portfolio.downloaded").exists()

    cache.render_now(render.pk)  # what the worker does
    ready = client.get(url + "?progress=1").content.decode()
    assert "The PDF is ready." in ready and f'href="{url}"' in ready
    assert download(client, url).startswith(b"%PDF-")


@pytest.mark.parametrize("sessions", [2, 20])
def test_the_progress_page_costs_the_same_queries_whatever_the_records(
    client, world, settings, sessions, django_assert_num_queries
):
    """While the worker renders, a person's browser asks again every few seconds: the page gathers nothing of
    the portfolio, so its cost does not grow with the record."""
    settings.TASKS = DATABASE_QUEUE
    _weekly_sessions(world, sessions)
    client.force_login(world.user("trainee"))
    url = reverse("portfolios:trainee_pdf", args=[world.enrolment.pk]) + "?progress=1"
    assert "The PDF is being prepared." in client.get(url).content.decode()  # queues the render
    with django_assert_num_queries(PROGRESS_QUERIES):
        page = client.get(url)
    assert "The PDF is being prepared." in page.content.decode()
    assert PortfolioRender.objects.get().status == PortfolioRender.Status.QUEUED


def test_a_failed_render_says_so_plainly_and_can_be_tried_again(client, world, monkeypatch):
    def broken(data):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(cache, "render_portfolio_pdf", broken)
    client.force_login(world.user("trainee"))
    url = reverse("portfolios:trainee_pdf", args=[world.enrolment.pk])
    text = client.get(url).content.decode()
    assert "The PDF could not be prepared." in text and "Try again" in text
    assert "renderer crashed" not in text
    monkeypatch.undo()
    retry = client.post(reverse("portfolios:trainee_pdf_retry", args=[world.enrolment.pk]), {"scheme": ""})
    assert retry.status_code == 302 and retry["Location"].endswith("?progress=1")
    assert PortfolioRender.objects.get().status == PortfolioRender.Status.READY
    assert download(client, url).startswith(b"%PDF-")


def test_a_render_whose_worker_was_lost_is_queued_again_and_its_task_row_fails(client, world, settings):
    """A worker killed mid-render leaves the render and its task row RUNNING: after the render timeout the
    page offers "Try again", which queues a new task and marks the lost one failed, not RUNNING for ever."""
    settings.TASKS = DATABASE_QUEUE
    client.force_login(world.user("trainee"))
    url = reverse("portfolios:trainee_pdf", args=[world.enrolment.pk])
    client.get(url)
    render = PortfolioRender.objects.get()
    lost = DBTaskResult.objects.get()
    long_ago = timezone.now() - timedelta(seconds=settings.PORTFOLIO_RENDER_TIMEOUT_SECONDS + 60)
    DBTaskResult.objects.filter(pk=lost.pk).update(status="RUNNING", started_at=long_ago)
    PortfolioRender.objects.filter(pk=render.pk).update(
        status=PortfolioRender.Status.RUNNING, started_at=long_ago
    )
    text = client.get(url).content.decode()
    assert "The PDF could not be prepared." in text and "Try again" in text

    client.post(reverse("portfolios:trainee_pdf_retry", args=[world.enrolment.pk]), {"scheme": ""})
    lost.refresh_from_db()
    assert lost.status == "FAILED" and lost.finished_at is not None
    render.refresh_from_db()
    assert render.status == PortfolioRender.Status.QUEUED and render.task_id != str(lost.pk)
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_a_render_whose_records_changed_meanwhile_is_superseded_not_stored(world, settings):
    settings.TASKS = DATABASE_QUEUE
    enrolment = Enrolment.objects.with_people().get(pk=world.enrolment.pk)
    render = cache.request_render(enrolment, as_of=TODAY)
    bump_records_version(enrolment)
    assert cache.render_now(render.pk).status == PortfolioRender.Status.SUPERSEDED
    assert PortfolioRender.objects.get(pk=render.pk).file == ""


def test_a_change_queues_the_new_version_at_most_one_waiting_per_trainee(
    world, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_QUEUE
    settings.PORTFOLIO_PRERENDER = True
    for minutes in (60, 45):
        with django_capture_on_commit_callbacks(execute=True):
            supervision.log_session(
                actor=world.user("trainee"),
                enrolment=world.enrolment,
                kind="case_management",
                on=TODAY - timedelta(days=minutes // 15),
                minutes=minutes,
                supervisor=world.user("supervisor"),
            )
    waiting = PortfolioRender.objects.get(enrolment=world.enrolment)
    assert waiting.status == PortfolioRender.Status.QUEUED
    assert waiting.records_version == Enrolment.objects.get(pk=world.enrolment.pk).records_version
    assert DBTaskResult.objects.count() == 1
