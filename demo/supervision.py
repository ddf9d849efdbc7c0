"""Supervision for the demo: credentialed and uncredentialed supervisors, a year of confirmed sessions,
a trainee with an overdue case review and a missed week, supervisor's reports, sites and their ratios.

Built through the supervision services, so the demo shows exactly what real use would. Idempotent: each part
is skipped when its records already exist. Demo cases use references starting "SUP-" so they never clash
with the caseload demo's.
"""

from datetime import date, timedelta

from django.db import transaction

from accounts.models import Organisation, User
from core.dates import add_months
from curriculum.models import Intervention
from demo import past_moment
from demo.foundation import person
from trainees.enrolment.services import assign_supervisor
from trainees.models import (
    Case,
    Enrolment,
    Leave,
    ServiceSite,
    SitePlacement,
    SupervisionSession,
    SupervisorAssignment,
    SupervisorProfile,
    SupervisorReport,
    SupervisorTraining,
)
from trainees.supervision import services as services

Kind = SupervisionSession.Kind


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def ensure_case(enrolment: Enrolment, reference: str, opened_on: date, closed_on: date | None = None) -> Case:
    """A demo case on a trainee's caseload (the caseload area owns recording contacts on it)."""
    case, _ = Case.objects.get_or_create(
        enrolment=enrolment,
        service=enrolment.employing_service,
        reference=reference,
        defaults={
            "opened_on": opened_on,
            "closed_on": closed_on,
            "status": Case.Status.CLOSED if closed_on else Case.Status.OPEN,
            "presenting_problem": ("depression", "gad", "panic", "mixed")[len(reference) % 4],
        },
    )
    return case


def _caseload(enrolment: Enrolment, prefix: str, *, end: date, today: date, closes: bool) -> list[Case]:
    """A case opened every three weeks from week 8, each open for ten weeks (closed by `end` if `closes`)."""
    cases = []
    opened = enrolment.start_date + timedelta(days=56)
    number = 1
    while opened <= min(end, today) - timedelta(days=7):
        closed = opened + timedelta(days=70)
        if closes:
            closed = min(closed, end)
        cases.append(
            ensure_case(enrolment, f"SUP-{prefix}-{number:02d}", opened, closed if closed <= today else None)
        )
        opened += timedelta(days=21)
        number += 1
    return cases


def _log_and_confirm(enrolment: Enrolment, supervisor: User, *, confirm: bool = True, **details):
    session = services.log_session(
        actor=enrolment.user, enrolment=enrolment, supervisor=supervisor, **details
    )
    if confirm:
        services.confirm_session(actor=supervisor, session=session)
    return session


def _sessions(
    enrolment: Enrolment,
    supervisor: User,
    *,
    end: date,
    skip_weeks=(),
    neglected=(),
    clinical_skills_with: User | None = None,
    clinical_skills_from: date | None = None,
    live=(),
):
    """Weekly case management (reviewing every open case at least every three weeks), fortnightly clinical
    skills (every third one in a group of four), monthly management; live assessments on given fortnights."""
    cases = list(Case.objects.filter(enrolment=enrolment))
    last_review: dict[int, date] = {}
    live = list(live)
    monday = _monday(enrolment.start_date)
    week = 0
    while monday + timedelta(days=1) <= end:
        if monday not in skip_weeks:
            day = monday + timedelta(days=1)
            reviewed = [
                case
                for case in cases
                if case.reference not in neglected
                and case.opened_on <= day
                and (case.closed_on is None or case.closed_on >= day)
                and (case.pk not in last_review or (day - last_review[case.pk]).days >= 14)
            ]
            for case in reviewed:
                last_review[case.pk] = day
            _log_and_confirm(
                enrolment, supervisor, kind=Kind.CASE_MANAGEMENT, on=day, minutes=60, cases=reviewed
            )
            day = monday + timedelta(days=3)
            if week % 2 == 0 and day <= end:
                with_whom = supervisor
                if clinical_skills_with and clinical_skills_from and day >= clinical_skills_from:
                    with_whom = clinical_skills_with
                group = week % 6 == 4
                assessment = {}
                if live and week >= live[0][0]:
                    _, code = live.pop(0)
                    assessment = {
                        "live_assessment_intervention": Intervention.objects.get(code=code),
                        "live_assessment_outcome": SupervisionSession.Outcome.COMPETENT,
                        "live_assessment_score": 34,
                    }
                _log_and_confirm(
                    enrolment,
                    with_whom,
                    kind=Kind.CLINICAL_SKILLS,
                    on=day,
                    minutes=90 if group else 60,
                    format=SupervisionSession.Format.GROUP if group else SupervisionSession.Format.INDIVIDUAL,
                    group_size=4 if group else None,
                    topics="Behavioural activation planning; exposure hierarchies; telephone assessment",
                    **assessment,
                )
            day = monday + timedelta(days=2)
            if monday.day <= 7 and day <= end:
                _log_and_confirm(enrolment, supervisor, kind=Kind.MANAGEMENT, on=day, minutes=45)
        monday += timedelta(days=7)
        week += 1


def _training(supervisor, *, verifier, completed_on, provider, accredited, kind="initial"):
    if SupervisorTraining.objects.filter(
        supervisor=supervisor, kind=kind, completed_on=completed_on
    ).exists():
        return
    training = services.add_training(
        actor=supervisor,
        supervisor=supervisor,
        kind=kind,
        provider=provider,
        provider_iapt_accredited=accredited,
        completed_on=completed_on,
    )
    if verifier is not None:
        services.verify_training(actor=verifier, training=training)


def _profile(supervisor, background, experience, qualified_on):
    if not SupervisorProfile.objects.filter(user=supervisor).exists():
        services.save_supervisor_profile(
            actor=supervisor,
            supervisor=supervisor,
            professional_background=background,
            pwp_experience=experience,
            qualified_as_pwp_on=qualified_on,
        )


def _report(enrolment, supervisor, kind, period_start, period_end, progress, *, sign=True):
    if SupervisorReport.objects.filter(enrolment=enrolment, kind=kind).exists():
        return
    report = services.start_report(
        actor=supervisor,
        enrolment=enrolment,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        engagement="Comes prepared with an up-to-date caseload summary and uses supervision to reflect.",
        clinical_skills="Confident in behavioural activation and guided self-help; growing in exposure.",
        case_management="Caseload well organised; risk reviewed at every contact; steps up appropriately.",
        values="Adapts materials for interpreters and older adults; respectful and inclusive.",
        strengths="Warm, structured sessions; clear goal setting.",
        development="Keep sessions to time when patients bring many problems.",
        progress=progress,
    )
    if sign:
        # Signed a few days after the period it covers (never in the future).
        signed = past_moment(period_end + timedelta(days=3), 16)
        services.sign_report(actor=supervisor, report=report, at=signed)


@transaction.atomic
def seed(today: date) -> dict:
    educator = User.objects.get(username="educator")
    admin = User.objects.get(username="admin")
    supervisor = User.objects.get(username="supervisor")
    supervisor2 = User.objects.get(username="supervisor2")
    uncredentialed = person("supervisor.uncredentialed", "Uma", "Bright")

    _profile(
        supervisor,
        "Graduate mental health worker, then PWP; senior PWP since 2019.",
        "Nine years as a PWP; supervises trainees and qualified PWPs.",
        date(2016, 9, 1),
    )
    _training(
        supervisor,
        verifier=educator,
        completed_on=add_months(today, -48),
        provider="University of Northvale: low-intensity supervisor training",
        accredited=True,
    )
    _training(
        supervisor,
        verifier=educator,
        completed_on=add_months(today, -20),
        provider="University of Northvale: supervisor refresher day",
        accredited=True,
        kind="refresher",
    )
    _profile(supervisor2, "Counselling psychologist.", "Six years as a PWP.", date(2019, 3, 1))
    _training(
        supervisor2,
        verifier=admin,
        completed_on=add_months(today, -34),
        provider="Southmere University: low-intensity supervisor training",
        accredited=True,
    )
    _profile(uncredentialed, "Support worker, then PWP.", "Two years as a PWP.", date(2023, 9, 1))
    _training(
        uncredentialed,
        verifier=None,
        completed_on=add_months(today, -5),
        provider="Riverside in-house supervision skills workshop",
        accredited=False,
    )

    enrolments = {
        e.user.username: e
        for e in Enrolment.objects.select_related("user", "cohort", "employing_service").filter(
            user__username__startswith="trainee."
        )
    }
    done, late, mid, cpd, new = (enrolments[f"trainee.{n}"] for n in ("done", "late", "mid", "cpd", "new"))
    this_monday = _monday(today)

    # trainee.done: a full year of confirmed supervision, an interim and a final report, both signed.
    if not SupervisionSession.objects.filter(enrolment=done).exists():
        _caseload(done, "DONE", end=done.completed_on, today=today, closes=True)
        _sessions(
            done,
            supervisor,
            end=done.completed_on,
            live=[(20, "behavioural-activation"), (40, "panic-management")],
        )
    _report(done, supervisor, "interim", done.start_date, add_months(done.start_date, 6), "meeting")
    _report(done, supervisor, "final", done.start_date, done.completed_on, "meeting")

    # trainee.late: month 11, an interim report signed.
    if not SupervisionSession.objects.filter(enrolment=late).exists():
        _caseload(late, "LATE", end=today, today=today, closes=False)
        _sessions(
            late, supervisor, end=this_monday - timedelta(days=1), live=[(24, "cognitive-restructuring")]
        )
    _report(late, supervisor, "interim", late.start_date, add_months(late.start_date, 6), "concerns")

    # trainee.mid: a missed week three weeks ago, a week of leave, a case overdue for review, a case closed
    # before its review was due, and clinical skills lately with Uma Bright, who is not credentialed.
    if not SupervisorAssignment.objects.filter(enrolment=mid, supervisor=uncredentialed).exists():
        assign_supervisor(
            actor=admin,
            enrolment=mid,
            supervisor=uncredentialed,
            kind=SupervisorAssignment.Kind.CLINICAL_SKILLS,
            starts_on=this_monday - timedelta(weeks=10),
        )
    leave_week = this_monday - timedelta(weeks=8)
    if not Leave.objects.filter(enrolment=mid).exists():
        services.record_leave(
            actor=supervisor,
            enrolment=mid,
            kind=Leave.Kind.ANNUAL,
            starts_on=leave_week,
            ends_on=leave_week + timedelta(days=4),
        )
    if not SupervisionSession.objects.filter(enrolment=mid).exists():
        _caseload(mid, "MID", end=today, today=today, closes=False)
        ensure_case(mid, "SUP-MID-OVERDUE", this_monday - timedelta(days=45))
        ensure_case(
            mid, "SUP-MID-DISCHARGED", this_monday - timedelta(days=40), this_monday - timedelta(days=30)
        )
        _sessions(
            mid,
            supervisor,
            end=this_monday - timedelta(days=1),
            skip_weeks={leave_week, this_monday - timedelta(weeks=3)},
            neglected={"SUP-MID-OVERDUE", "SUP-MID-DISCHARGED"},
            clinical_skills_with=uncredentialed,
            clinical_skills_from=this_monday - timedelta(weeks=10),
            live=[(6, "behavioural-activation")],
        )

    # trainee.cpd: steady supervision; trainee.new: last week confirmed, this week's waiting for confirmation.
    if not SupervisionSession.objects.filter(enrolment=cpd).exists():
        _sessions(cpd, supervisor, end=this_monday - timedelta(days=1))
    if not SupervisionSession.objects.filter(enrolment=new).exists():
        _sessions(new, supervisor, end=this_monday - timedelta(days=1))
        first = max(this_monday, new.start_date)
        if first <= today:
            _log_and_confirm(new, supervisor, confirm=False, kind=Kind.CASE_MANAGEMENT, on=first, minutes=60)
    if (
        this_monday <= today
        and not SupervisionSession.objects.filter(enrolment=mid, date__gte=this_monday).exists()
    ):
        _log_and_confirm(
            mid, supervisor, confirm=False, kind=Kind.CLINICAL_SKILLS, on=this_monday, minutes=60
        )

    _sites(admin, enrolments, today)
    return {"supervisor": supervisor, "uncredentialed": uncredentialed, "overdue_trainee": mid}


def _sites(admin: User, enrolments: dict[str, Enrolment], today: date) -> None:
    """Northvale East has one qualified member of staff for three trainees: below 1 to 2, flagged."""
    plan = {
        "northvale-talking-therapies": [("Northvale Central", 5), ("Northvale East", 1)],
        "riverside-talking-therapies": [("Riverside House", 4)],
    }
    sites = {}
    for code, rows in plan.items():
        service = Organisation.objects.get(code=code)
        for name, staff in rows:
            site = ServiceSite.objects.filter(service=service, name=name).first()
            if site is None:
                site = services.add_site(
                    actor=admin, service=service, name=name, qualified_staff=staff, counted_on=today
                )
            sites[name] = site
    placements = {
        "trainee.mid": "Northvale East",
        "trainee.cpd": "Northvale East",
        "sophie.brown": "Northvale East",
        "tom.wilson": "Northvale Central",
        "trainee.late": "Riverside House",
        "trainee.new": "Riverside House",
    }
    for username, site_name in placements.items():
        enrolment = enrolments.get(username) or Enrolment.objects.filter(user__username=username).first()
        if enrolment is None or SitePlacement.objects.filter(enrolment=enrolment).exists():
            continue
        if sites[site_name].service_id == enrolment.employing_service_id:
            services.place_trainee(actor=admin, enrolment=enrolment, site=sites[site_name])
