"""The portfolio's content sections: each shows what its area's selectors say, only released marks, and the
whole portfolio costs the same number of queries for a short record as for a long one."""

import hashlib
import json
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accreditation import facts as facts_module
from accreditation.portfolio.data import SECTION_BUILDERS, canonical_json, portfolio_data
from accreditation.portfolio.render import render_portfolio_html
from accreditation.portfolio.services import submit_portfolio
from accreditation.selectors import evaluate_schemes, get_scheme
from assessments.models import Attempt, SignOff
from tests import factories as f
from tests.accreditation.factories_portfolios import SAM_WEEKLY
from tests.assessments import factories_assessments as fa
from tests.trainees.factories_caseload import CaseFactory, ContactFactory, intervention
from tests.trainees.factories_cpd import PDF, ConfirmedCpdActivityFactory, CpdActivityFactory
from tests.trainees.factories_supervision import ReportFactory, SessionFactory, VerifiedTrainingFactory
from trainees.caseload.selectors import caseload_figures
from trainees.models import Contact, SupervisionSession, SupervisorAssignment, SupervisorReport
from trainees.supervision.selectors import supervision_summary

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
QUERIES = 61
SECTION_KEYS = [
    "readiness",
    "enrolment",
    "training_days",
    "competences",
    "supervision",
    "caseload",
    "cpd",
    "supervisor_reports",
    "evidence",
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def section(data: dict, key: str) -> dict:
    return next(s for s in data["sections"] if s["key"] == key)


def build_record(*, sessions: int, signed: tuple[str, ...], cpd: int, contacts: int):
    """A trainee six months in, with `sessions` weekly case-management sessions by a credentialed supervisor
    (and one by a supervisor who is not), competences signed off, an unreleased attempt, an evidence file,
    CPD activities with evidence, a caseload and a signed and a draft supervisor's report."""
    start = TODAY - timedelta(days=7 * max(sessions, 4) + 14)
    enrolment = f.EnrolmentFactory(
        user=f.UserFactory(first_name="Dana", last_name="Okafor"), start_date=start, cohort__start_date=start
    )
    programme = enrolment.cohort.programme
    fa.no_sampling(programme)
    sam = f.UserFactory(first_name="Sam", last_name="Fletcher")
    uma = f.UserFactory(first_name="Uma", last_name="Bright")
    f.SupervisorAssignmentFactory(enrolment=enrolment, supervisor=sam)
    VerifiedTrainingFactory(
        supervisor=sam,
        completed_on=start - timedelta(days=400),
        certificate=ContentFile(PDF, name="certificate.pdf"),
        certificate_filename="Sam Fletcher supervisor certificate.pdf",
        certificate_content_type="application/pdf",
    )
    for week in range(sessions):
        SessionFactory(
            enrolment=enrolment, supervisor=sam, date=start + timedelta(days=7 * week), confirmed=True
        )
    SessionFactory(
        enrolment=enrolment,
        supervisor=uma,
        kind=SupervisionSession.Kind.CLINICAL_SKILLS,
        date=start + timedelta(days=3),
        minutes=90,
        format=SupervisionSession.Format.GROUP,
        group_size=4,
        confirmed=True,
    )
    SessionFactory(enrolment=enrolment, supervisor=sam, date=TODAY - timedelta(days=1))  # awaiting: not shown

    first, second = fa.marker(programme), fa.marker(programme, "marker.four")
    fa.failed(enrolment, competence_code="exposure-therapy", first=first, second=second)
    fa.signed(enrolment, "exposure-therapy", first=first)
    for code in signed:
        fa.signed(enrolment, code, first=first)
    attempt = fa.submit(enrolment, competence_code="problem-solving", files=[fa.pdf_upload("role play.pdf")])
    fa.mark(attempt, first, release_on=TODAY + timedelta(days=14))  # passed and signed, not yet released

    for n in range(cpd):
        ConfirmedCpdActivityFactory(
            enrolment=enrolment,
            date=TODAY - timedelta(days=10 + n),
            evidence=ContentFile(PDF, name="cert.pdf"),
            evidence_name=f"Certificate {n}.pdf",
        )
    case = CaseFactory(enrolment=enrolment, opened_on=start + timedelta(days=7))
    days = (TODAY - case.opened_on).days
    for n in range(contacts):
        ContactFactory(
            case=case,
            date=case.opened_on + timedelta(days=n % days),
            type=Contact.Type.TREATMENT,
            intervention=intervention("behavioural-activation"),
        )
    ReportFactory(
        enrolment=enrolment,
        supervisor=sam,
        status=SupervisorReport.Status.SIGNED,
        signed_at=timezone.now(),
        strengths="Warm & structured <sessions>.",
    )
    ReportFactory(enrolment=enrolment, supervisor=sam, kind=SupervisorReport.Kind.FINAL)  # a draft
    return enrolment


@pytest.fixture
def record(curriculum):
    return build_record(sessions=8, signed=("behavioural-activation",), cpd=2, contacts=6)


def test_the_sections_come_in_order_as_plain_json_for_a_versioned_scheme(record):
    data = portfolio_data(record, as_of=TODAY)
    assert [s["key"] for s in data["sections"]] == SECTION_KEYS
    assert json.loads(canonical_json(data)) == data
    assert data["scheme"]["code"] == "course-completion"
    assert data["scheme"]["version"] == "2022"  # the versioned Scheme rows, not a hard-coded list
    assert data["scheme"]["name"] == get_scheme("course-completion").name


def test_the_readiness_summary_is_the_engines_result_for_the_portfolios_scheme(record):
    data = portfolio_data(record, scheme_code="babcp-pwp-registration", as_of=TODAY)
    readiness = section(data, "readiness")
    facts = facts_module.gather_facts(record, as_of=TODAY)
    expected = evaluate_schemes(facts, [get_scheme("babcp-pwp-registration")], TODAY)[0].result
    criteria = readiness["stages"][0]["criteria"]
    assert [(c["code"], c["met"], c["gap"]) for c in criteria] == [
        (c.code, c.met, c.gap) for c in expected.criteria
    ]
    assert readiness["ready"] is expected.ready is False
    assert readiness["version"] == expected.version
    html = render_portfolio_html(data)
    assert "Not ready yet" in html
    assert next(c.gap for c in expected.criteria if not c.met) in html


def test_training_days_are_the_selectors_progress(record):
    days = section(portfolio_data(record, as_of=TODAY), "training_days")
    facts = facts_module.gather_facts(record, as_of=TODAY)
    assert (days["university_required"], days["workplace_required"]) == (25, 20)
    assert days["status"] == facts.training_days.status
    assert days["reason"] == facts.training_days.reason
    assert [m["number"] for m in days["modules"]] == [1, 2, 3]


def test_competences_show_attempts_markers_and_sign_offs_of_released_marks_only(record):
    competences = section(portfolio_data(record, as_of=TODAY), "competences")
    by_code = {c["code"]: c for c in competences["competences"]}
    exposure = by_code["exposure-therapy"]
    assert exposure["status"] == "signed"
    assert [a["outcome"] for a in exposure["attempts"]] == ["Fail", "Pass"]
    failed, passed = exposure["attempts"]
    assert failed["moderator"] and failed["moderation"] == "Agreed with the first marker"
    attempt = Attempt.objects.get(enrolment=record, competence__code="exposure-therapy", number=2)
    assert passed["marks"].startswith(f"{attempt.total_score} of ")  # of the most the scheme allows
    assert passed["first_marker"]
    (sign_off,) = exposure["sign_offs"]
    stored = SignOff.objects.get(enrolment=record, competence__code="exposure-therapy")
    assert sign_off["marks_sha256"] == stored.marks_sha256
    assert sign_off["signed_by"] == stored.signed_by.display_name
    assert sign_off["method"] == stored.get_method_display()

    # Marked and signed off, but released only in a fortnight: nothing of the marking shows yet.
    problem = by_code["problem-solving"]
    assert SignOff.objects.filter(enrolment=record, competence__code="problem-solving").exists()
    assert problem["status"] == "submitted" and problem["signed_by"] is None
    (attempt,) = problem["attempts"]
    assert attempt["outcome"] == "Awaiting marking"
    assert (attempt["marks"], attempt["first_marker"], attempt["moderator"]) == ("", None, None)
    assert problem["sign_offs"] == []
    assert by_code["sleep-hygiene"]["attempts"] == []
    assert competences["signed"] == 2


def sessions_of(supervision: dict) -> list[dict]:
    """Every session listed, as (kind, date, detail) rows, from the month-by-kind tables."""
    return [
        {"kind": kind["kind"], "date": day, **line["detail"]}
        for month in supervision["months"]
        for kind in month["kinds"]
        for line in kind["lines"]
        for day in line["dates"]
    ]


def test_supervision_lists_every_confirmed_session_by_month_adding_up_to_the_summary(record):
    supervision = section(portfolio_data(record, as_of=TODAY), "supervision")
    summary = supervision_summary(record, start=record.start_date, end=TODAY)
    sessions = sessions_of(supervision)
    assert len(sessions) == supervision["sessions"] == 9  # the awaiting entry is left out
    assert sorted(s["date"] for s in sessions) == sorted(
        d.isoformat()
        for d in SupervisionSession.objects.confirmed()
        .filter(enrolment=record)
        .values_list("date", flat=True)
    )
    assert all(len(month["kinds"]) <= 3 for month in supervision["months"])  # small tables
    for kind in ("case_management", "clinical_skills"):
        counted = sum(s["minutes"] for s in sessions if s["kind"] == kind and s["credentialed"]) / 60
        assert counted == summary.credentialed_hours[kind]
        assert next(k for k in supervision["kinds"] if k["kind"] == kind)["hours"] == summary.hours[kind]
    uma = next(s for s in sessions if s["supervisor"] == "Uma Bright")
    assert uma["credentialed"] is False and uma["format"] == "Group" and uma["group_size"] == 4
    credentials = {s["name"]: s["credential"] for s in supervision["supervisors"]}
    assert credentials == {"Sam Fletcher": "Credentialed", "Uma Bright": "Not credentialed"}
    sam = next(s for s in supervision["supervisors"] if s["name"] == "Sam Fletcher")
    assert sam["roles"][0]["role"] == SupervisorAssignment.Kind.CASE_MANAGEMENT.label
    assert sam["trainings"][0]["verified"] is True
    html = render_portfolio_html(portfolio_data(record, as_of=TODAY))
    uma_day = date.fromisoformat(uma["date"]).day
    assert (
        f"{uma_day} (90 minutes, group of 4, with Uma Bright, <strong>not credentialed then: does not count"
        "</strong>)"
    ) in html

    # One row per month, a column per kind: the usual session is described once, in the heading, and its
    # dates are listed bare; a session that differs says how.
    case_management, clinical_skills = supervision["session_columns"]
    assert clinical_skills["usual"] is None  # its one session did not count, so nothing is usual
    assert case_management["usual"] == SAM_WEEKLY
    lines = [line for month in supervision["months"] for kind in month["kinds"] for line in kind["lines"]]
    assert sum(len(line["dates"]) for line in lines if line["usual"]) == 8
    (odd,) = [line for line in lines if not line["usual"]]
    assert (odd["show_format"], odd["show_supervisor"]) == (True, True)
    assert "usually 60 minutes, individual, Sam Fletcher" in html


def test_caseload_shows_the_figures_the_monthly_series_and_a_chart(record):
    data = portfolio_data(record, as_of=TODAY)
    caseload = section(data, "caseload")
    figures = caseload_figures(record, on=TODAY)
    assert caseload["actual_patients_to_date"] == figures.actual_patients_to_date == 1
    assert caseload["contact_hours"] == figures.contact_hours
    assert caseload["status"] == figures.status
    assert len(caseload["months"]) == 12
    assert caseload["chart"]["actual_points"] and caseload["chart"]["y_ticks"]
    html = render_portfolio_html(data)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and "<polyline points=" in html


def test_the_cpd_log_shows_activities_reflections_and_says_when_there_is_none(record, curriculum):
    cpd = section(portfolio_data(record, as_of=TODAY), "cpd")
    assert len(cpd["activities"]) == 2
    activity = cpd["activities"][0]
    assert activity["confirmed"] and activity["confirmed_by"] and activity["reflection"]
    assert activity["evidence"].startswith("Certificate")
    assert cpd["total_hours"] == 5.0 and cpd["with_reflection"] == 2

    newcomer = f.EnrolmentFactory()
    CpdActivityFactory(enrolment=newcomer, date=TODAY + timedelta(days=5))  # after the portfolio's date
    data = portfolio_data(newcomer, as_of=TODAY)
    assert section(data, "cpd")["activities"] == []
    assert "No CPD recorded" in render_portfolio_html(data)


def test_signed_supervisor_reports_show_their_content_and_drafts_do_not(record):
    data = portfolio_data(record, as_of=TODAY)
    interim, final = section(data, "supervisor_reports")["reports"]
    assert interim["signed"] and interim["signed_by"] == "Sam Fletcher"
    answers = {a["question"]: a["answer"] for a in interim["answers"]}
    assert answers["Strengths"] == "Warm & structured <sessions>."
    assert interim["progress"] == SupervisorReport.Progress.MEETING.label
    assert not final["signed"] and final["answers"] == []
    html = render_portfolio_html(data)
    assert "Warm &amp; structured &lt;sessions&gt;." in html  # user text is escaped
    assert "A draft, not yet signed" in html


def test_the_evidence_index_lists_every_file_with_its_record_size_and_fingerprint(record):
    evidence = section(portfolio_data(record, as_of=TODAY), "evidence")
    attempts, certificates, cpd = (group["files"] for group in evidence["groups"])
    (upload,) = attempts
    assert upload["name"] == "role play.pdf" and upload["type"] == "application/pdf"
    assert upload["sha256"] == hashlib.sha256(fa.PDF_BYTES).hexdigest()
    assert upload["size"] == len(fa.PDF_BYTES)
    assert upload["record"] == "Problem solving, attempt 1"
    (certificate,) = certificates
    assert certificate["name"] == "Sam Fletcher supervisor certificate.pdf"
    assert certificate["size"] == len(PDF) and certificate["sha256"] is None
    assert certificate["record"].startswith("Sam Fletcher: Low-intensity supervisor training")
    assert [c["name"] for c in cpd] == ["Certificate 1.pdf", "Certificate 0.pdf"]  # oldest first
    assert all(c["size"] == len(PDF) and c["record"].startswith("CPD: ") for c in cpd)
    assert evidence["total"] == 4


def test_portfolio_data_costs_the_same_queries_for_a_short_and_a_long_record(
    curriculum, django_assert_num_queries
):
    short = build_record(sessions=4, signed=(), cpd=1, contacts=2)
    long = build_record(
        sessions=40,
        signed=("behavioural-activation", "cognitive-restructuring", "medication-support", "sleep-hygiene"),
        cpd=12,
        contacts=120,
    )
    # The enrolment; the schemes with their versions and criteria (3); the readiness facts, gathered once
    # through every area's bulk selector and shared by the readiness, training-day, supervision, caseload,
    # CPD and report sections (46); then each section's own rows (31: competences 14, caseload 10,
    # supervision 4, enrolment, CPD and reports 1 each).
    with django_assert_num_queries(QUERIES):
        portfolio_data(short, as_of=TODAY)
    with django_assert_num_queries(QUERIES):
        data = portfolio_data(long, as_of=TODAY)
    assert section(data, "supervision")["sessions"] == 41
    assert len(sessions_of(section(data, "supervision"))) == 41
    assert len(SECTION_BUILDERS) == len(SECTION_KEYS)


def test_the_snapshot_page_shows_the_frozen_sections_to_the_trainee(client, record):
    snapshot = submit_portfolio(actor=record.user, enrolment=record)
    client.force_login(record.user)
    page = client.get(reverse("portfolios:snapshot", args=[snapshot.pk])).content.decode()
    for title in ["Readiness summary", "Competences and assessments", "Caseload against the quota"]:
        assert title in page
    assert "Sam Fletcher" in page and 'role="img"' in page
