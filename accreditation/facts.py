"""Everything the readiness engine needs to know about one trainee, gathered once, as plain values.

`TraineeFacts` is frozen and holds no model instances, so the engine, the JSON document and the export
are pure functions of it and can be tested with constructed facts. `gather_facts` / `gather_facts_for`
are the only place that reads the database for them; they call each area's bulk selectors.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from accreditation.contracts import (
    CaseloadFigures,
    CompetenceStatus,
    ComponentResult,
    CpdActivityInfo,
    SupervisionSummary,
    SupervisorReportInfo,
    TrainingDaysProgress,
)
from assessments.selectors import competences_and_results_for
from core.dates import whole_months
from trainees.attendance.selectors import training_days_progress_for
from trainees.caseload.selectors import caseload_figures_for
from trainees.cpd.selectors import cpd_activities_for
from trainees.enrolment.facts import Area, remember
from trainees.enrolment.selectors import interruptions_for
from trainees.supervision.selectors import supervision_summaries_for, supervisor_reports_for

# The renewal criteria look at the year up to the as-of date.
YEAR = timedelta(days=365)
# CPD before this many years ago is never needed by any criterion kind.
CPD_HISTORY = timedelta(days=3 * 366)


@dataclass(frozen=True)
class TraineeFacts:
    # Who and which enrolment
    enrolment_id: int
    username: str
    name: str
    programme: str
    cohort: str
    cohort_name: str
    route_code: str
    route_name: str
    programme_accredited: bool  # the programme is BPS accredited (or provisionally)
    start_date: date
    status: str  # Enrolment.Status value
    completed_on: date | None
    interruptions: tuple[tuple[date, date], ...]  # (first day, last day) of each pause
    months_in_service: int  # whole months from the start to as_of, interruptions left out
    is_qualified: bool  # completed PWP training on or before as_of
    as_of: date
    # What the other areas record
    training_days: TrainingDaysProgress
    competences: tuple[CompetenceStatus, ...]
    module_results: tuple[ComponentResult, ...]
    supervision: SupervisionSummary  # from the start of training to as_of
    supervision_last_year: SupervisionSummary  # the 365 days up to as_of (the renewal year)
    supervisor_reports: tuple[SupervisorReportInfo, ...]
    caseload: CaseloadFigures
    cpd: tuple[CpdActivityInfo, ...]  # activities that count, the last three years up to as_of


def months_in_service(start: date, end: date, interruptions=()) -> int:
    """Whole months of service from `start` to `end`, with the days of any interruption left out."""
    if end < start:
        return 0
    paused = sum(max((min(b, end) - max(a, start)).days + 1, 0) for a, b in interruptions)
    return whole_months(start, end - timedelta(days=paused))


def basics(enrolment, *, as_of: date, interruptions=()) -> dict:
    """The enrolment's own fields, as the facts hold them (no query beyond what `with_people()` loaded)."""
    spans = tuple(sorted((i.starts_on, i.ends_on) for i in interruptions))
    programme = enrolment.cohort.programme
    completed = (
        enrolment.status == "completed"
        and enrolment.completed_on is not None
        and enrolment.completed_on <= as_of
    )
    return {
        "enrolment_id": enrolment.pk,
        "username": enrolment.user.username,
        "name": enrolment.user.display_name,
        "programme": programme.name,
        "cohort": enrolment.cohort.code,
        "cohort_name": enrolment.cohort.name,
        "route_code": enrolment.route.code,
        "route_name": enrolment.route.name,
        "programme_accredited": programme.accreditation_status in ("accredited", "provisional"),
        "start_date": enrolment.start_date,
        "status": enrolment.status,
        "completed_on": enrolment.completed_on,
        "interruptions": spans,
        "months_in_service": months_in_service(enrolment.start_date, as_of, spans),
        "is_qualified": completed,
        "as_of": as_of,
    }


def gather_facts(enrolment, *, as_of: date, released_only: bool = False) -> TraineeFacts:
    """The facts for one enrolment (loaded with `Enrolment.objects.with_people()`)."""
    return gather_facts_for([enrolment], as_of=as_of, released_only=released_only)[enrolment.pk]


def gather_facts_for(enrolments, *, as_of: date, released_only: bool = False) -> dict[int, TraineeFacts]:
    """{enrolment.pk: TraineeFacts} for many enrolments, each area read once through its bulk selector.

    `released_only=True` gathers what the trainee may see (their pages, the portfolio, the JSON, the
    workbook): marks not released by as_of read as awaiting marking. A date ahead of today never releases
    anything early: the release check is made on whichever comes first, as_of or today.
    """
    released_on = min(as_of, timezone.localdate())
    # Remembered per trainee by records version and day: every record below bumps it, and so do a scheme's
    # changes and a programme's assessment settings.
    return remember(
        FACTS,
        enrolments,
        params=(as_of, released_only, released_on),
        compute=lambda missing: _gather(
            missing, as_of=as_of, released_only=released_only, released_on=released_on
        ),
    )


FACTS = Area("readiness")


def remember_readiness_facts(enrolments, today: date) -> None:
    """Worked out ahead when records change (trainees.enrolment.facts.warm_with), as the cohort readiness
    table asks: programme staff see marks before they are released."""
    gather_facts_for(enrolments, as_of=today)


def _gather(enrolments, *, as_of: date, released_only: bool, released_on: date) -> dict[int, TraineeFacts]:
    if not enrolments:
        return {}
    pauses = {
        pk: [item for item in items if item.starts_on <= as_of]
        for pk, items in interruptions_for(enrolments).items()
    }
    days = training_days_progress_for(enrolments, on=as_of)
    competences, results = competences_and_results_for(
        enrolments, released_only=released_only, on=released_on
    )
    reports = supervisor_reports_for(enrolments)
    caseload = caseload_figures_for(enrolments, on=as_of)
    cpd = cpd_activities_for(enrolments, start=as_of - CPD_HISTORY, end=as_of)
    year_start = as_of - YEAR + timedelta(days=1)

    # The training to date and the renewal year (the 365 days up to as_of, including supervision logged after
    # qualifying, which is what a registration renewal asks about) from one load of the records.
    supervision = supervision_summaries_for(enrolments, end=as_of, year_start=year_start)

    return {
        e.pk: TraineeFacts(
            **basics(e, as_of=as_of, interruptions=pauses[e.pk]),
            training_days=days[e.pk],
            competences=tuple(competences[e.pk]),
            module_results=tuple(results[e.pk]),
            supervision=supervision[e.pk][0],
            supervision_last_year=supervision[e.pk][1],
            supervisor_reports=tuple(reports[e.pk]),
            caseload=caseload[e.pk],
            cpd=tuple(cpd[e.pk]),
        )
        for e in enrolments
    }
