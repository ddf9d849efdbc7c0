"""Reads for supervision: load plain data in a constant number of queries, then call the pure engine.

The contract other areas read (see CONTRACTS.md): `SupervisionSummary`, `SupervisorReportInfo`,
`supervision_summary(_for)` and `supervisor_reports(_for)`. The pages use the richer `Compliance` result of
the same engine through `supervision_compliance(_for)`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import CharField, Count, Exists, F, Max, OuterRef, Q, QuerySet, Value, Window
from django.utils import timezone

from accounts.access import refuse
from accounts.models import AuditEvent, Organisation, User
from core.dates import long_date
from core.wording import hours as in_hours
from core.wording import plural
from curriculum.models import Programme
from curriculum.selectors import programmes_for_user
from trainees.access import EnrolmentAccess, staff_access
from trainees.attendance.selectors import workplace_days_awaiting
from trainees.cpd.selectors import cpd_awaiting
from trainees.enrolment.facts import Area, remember
from trainees.enrolment.selectors import enrolments_for_user, supervisees
from trainees.models import (
    Case,
    CaseReview,
    Enrolment,
    Interruption,
    Leave,
    ServiceSite,
    SitePlacement,
    SupervisionRules,
    SupervisionSession,
    SupervisorAssignment,
    SupervisorProfile,
    SupervisorReport,
    SupervisorTraining,
)
from trainees.supervision import engine

# ---------------------------------------------------------------------------------------------------------
# The contract


@dataclass(frozen=True)
class SupervisionSummary:
    start: date
    end: date
    hours: dict[str, float]  # confirmed hours by kind: "case_management", "clinical_skills", "management"
    credentialed_hours: dict[str, float]  # confirmed hours by a supervisor credentialed on the session date
    missed_weeks: tuple[
        date, ...
    ]  # Monday of each week (interruptions excluded) without >=1h case management
    clinical_skills_shortfall_hours: float
    overdue_case_reviews: tuple[tuple[str, int], ...]  # (case reference, days since last review)
    live_assessments: int  # in the period
    live_assessment_interventions: tuple[str, ...]  # distinct intervention codes
    status: str  # "compliant" | "gaps"
    reason: str
    # The programme's rule the overdue reviews were judged by: every open case reviewed this often.
    case_review_interval_days: int = engine.Rules.case_review_interval_days

    @property
    def label(self) -> str:
        return engine.SUPERVISION_STATUS_LABELS[self.status]


@dataclass(frozen=True)
class SupervisorReportInfo:
    id: int
    kind: str  # "interim" | "final"
    signed: bool
    signed_at: datetime | None
    signed_by: str | None


def supervision_summary(enrolment: Enrolment, *, start: date, end: date) -> SupervisionSummary:
    """Supervision figures for one trainee over start..end (clamped to the training period)."""
    return _summary(supervision_compliance(enrolment, start=start, end=end))


def supervision_summary_for(
    enrolments: Sequence[Enrolment],
    *,
    end: date,
    start: date | None = None,
    after_completion: bool = False,
    absences: dict[int, list[engine.Absence]] | None = None,
) -> dict[int, SupervisionSummary]:
    """Figures from `start` (or each trainee's start date) to `end`, in a constant number of queries. They
    stop at completion, unless `after_completion` (a qualified practitioner's renewal year counts the
    supervision they go on logging). `absences`, as `absences_for` reads them, saves a query."""
    results = supervision_compliance_for(
        enrolments, end=end, start=start, after_completion=after_completion, absences=absences
    )
    return {pk: _summary(result) for pk, result in results.items()}


def supervision_summaries_for(
    enrolments: Sequence[Enrolment], *, end: date, year_start: date
) -> dict[int, tuple[SupervisionSummary, SupervisionSummary]]:
    """{pk: (the training's summary to `end`, the year from `year_start` to `end` after completion too)}.

    The readiness facts need both; the records are loaded once for the two periods (a constant number of
    queries), instead of once for each.
    """
    # Remembered per trainee by records version, day and year (supervisors' credentials and the programme's
    # rules bump the trainees they apply to).
    return remember(
        FACTS,
        enrolments,
        params=(end, year_start),
        compute=lambda missing: _summaries(missing, end, year_start),
        variant="pair",
    )


FACTS = Area("supervision")


def _summaries(
    enrolments, end: date, year_start: date
) -> dict[int, tuple[SupervisionSummary, SupervisionSummary]]:
    if not enrolments:
        return {}
    # Only cases still open on a period's last day can be overdue for review. The training's last day (its
    # completion, else `end`) is never after the renewal year's (`end`), so it bounds both.
    earliest = min(training_period(e, None, end)[1] for e in enrolments)
    loaded = _load(enrolments, end=end, cases_from=earliest, to_completion=True)

    def both(e):
        training = _summary(_compliance(e, loaded, None, end))
        if e.completed_on is None and training_period(e, None, end) == training_period(
            e, year_start, end, after_completion=True
        ):
            # A trainee in their first year who has not completed: the same days and the same records (no
            # supervision after completion to tell apart), so one evaluation is both summaries. Cohort pages
            # evaluated every such trainee twice.
            return training, training
        return training, _summary(_compliance(e, loaded, year_start, end, after_completion=True))

    return {e.pk: both(e) for e in enrolments}


def supervisor_reports(enrolment: Enrolment) -> list[SupervisorReportInfo]:
    return supervisor_reports_for([enrolment])[enrolment.pk]


def supervisor_reports_for(enrolments: Sequence[Enrolment]) -> dict[int, list[SupervisorReportInfo]]:
    result: dict[int, list[SupervisorReportInfo]] = {e.pk: [] for e in enrolments}
    reports = SupervisorReport.objects.filter(enrolment_id__in=list(result)).select_related("supervisor")
    for report in reports.order_by("created_at", "id"):
        result[report.enrolment_id].append(
            SupervisorReportInfo(
                id=report.pk,
                kind=report.kind,
                signed=report.is_signed,
                signed_at=report.signed_at,
                signed_by=report.supervisor.display_name if report.is_signed else None,
            )
        )
    return result


def _summary(result: engine.Compliance) -> SupervisionSummary:
    return SupervisionSummary(
        start=result.start,
        end=result.end,
        hours=dict(result.hours),
        credentialed_hours=dict(result.credentialed_hours),
        missed_weeks=result.missed_weeks,
        clinical_skills_shortfall_hours=result.clinical_skills_shortfall_hours,
        overdue_case_reviews=tuple((c.reference, c.days_since_review) for c in result.overdue_cases),
        live_assessments=result.live_assessments,
        live_assessment_interventions=result.live_assessment_interventions,
        status=result.status,
        reason=result.reason,
        case_review_interval_days=result.rules.case_review_interval_days,
    )


# ---------------------------------------------------------------------------------------------------------
# Rules and credentials


def rules_from_row(row: SupervisionRules | None) -> engine.Rules:
    if row is None:
        return engine.Rules()
    return engine.Rules(
        name=row.name,
        **{
            name: getattr(row, name)
            for name in engine.Rules.__dataclass_fields__
            if name != "name" and hasattr(row, name)
        },
    )


def rules_for_programmes(programme_ids: Iterable[int], *, on: date) -> dict[int | None, engine.Rules]:
    """The rules in force on `on` for each programme (its own, else the default; key None: the default)."""
    ids = set(programme_ids)
    rows = SupervisionRules.objects.filter(
        Q(programme_id__in=ids) | Q(programme__isnull=True), effective_from__lte=on
    ).order_by("effective_from")
    latest: dict[int | None, SupervisionRules] = {}
    for row in rows:
        latest[row.programme_id] = row  # ordered by date: the last one wins
    default = rules_from_row(latest.get(None))
    result: dict[int | None, engine.Rules] = {None: default}
    for pk in ids:
        result[pk] = rules_from_row(latest[pk]) if pk in latest else default
    return result


def training_facts(rows: Iterable[SupervisorTraining]) -> list[engine.TrainingFact]:
    return [
        engine.TrainingFact(
            kind=row.kind,
            completed_on=row.completed_on,
            accredited=row.provider_iapt_accredited,
            verified=row.verified_at is not None,
            provider=row.provider,
        )
        for row in rows
    ]


def _training_facts_by_supervisor(queryset) -> dict[int, list[engine.TrainingFact]]:
    facts: dict[int, list[engine.TrainingFact]] = defaultdict(list)
    for supervisor_id, kind, completed_on, accredited, verified_at in queryset.order_by().values_list(
        "supervisor_id", "kind", "completed_on", "provider_iapt_accredited", "verified_at"
    ):
        facts[supervisor_id].append(
            engine.TrainingFact(
                kind=kind, completed_on=completed_on, accredited=accredited, verified=verified_at is not None
            )
        )
    return facts


def credential_statuses(
    supervisor_ids: Iterable[int], *, on: date, rules: engine.Rules | None = None
) -> dict[int, engine.CredentialStatus]:
    """Credential status of each supervisor on a date (one query)."""
    ids = list(supervisor_ids)
    rules = rules or rules_for_programmes([], on=on)[None]
    facts = _training_facts_by_supervisor(SupervisorTraining.objects.filter(supervisor_id__in=ids))
    return {pk: engine.credential_status(facts.get(pk, []), rules, on) for pk in ids}


# ---------------------------------------------------------------------------------------------------------
# Compliance


def training_period(
    enrolment: Enrolment, start: date | None, end: date, *, after_completion: bool = False
) -> tuple[date, date]:
    """The part of start..end inside the training: not before the start, and not after completion unless
    `after_completion`."""
    first = max(start or enrolment.start_date, enrolment.start_date)
    last = min(end, enrolment.completed_on) if enrolment.completed_on and not after_completion else end
    return first, last


@dataclass
class _Loaded:
    rules: dict
    sessions: dict
    cases: dict
    reviews: dict  # per enrolment, (case id, latest review by `end`)
    reviews_in_training: dict  # the same, not after the trainee completed
    absences: dict
    trainings: dict
    intervals: dict = field(default_factory=dict)  # credential intervals by rules, filled as asked
    awaiting: dict = field(default_factory=dict)  # with `awaiting_from`: sessions awaiting confirmation since


INTERRUPTION = "interruption"  # an absence's label when it is an interruption (leave is labelled by its kind)


def absences_for(enrolment_ids: Iterable[int]) -> dict[int, list[engine.Absence]]:
    """Each trainee's interruptions and leave, in one query: the absences supervision allows for."""
    ids = list(enrolment_ids)
    absences: dict[int, list[engine.Absence]] = defaultdict(list)
    interruptions = (
        Interruption.objects.filter(enrolment_id__in=ids)
        .annotate(label=Value(INTERRUPTION, output_field=CharField()))
        .order_by()
        .values_list("enrolment_id", "starts_on", "ends_on", "label")
    )
    leave = (
        Leave.objects.filter(enrolment_id__in=ids)
        .order_by()
        .values_list("enrolment_id", "starts_on", "ends_on", "kind")
    )
    for enrolment_id, starts_on, ends_on, label in interruptions.union(leave, all=True):
        absences[enrolment_id].append(engine.Absence(starts_on, ends_on, label))
    return absences


def interruptions_among(absences: dict[int, list[engine.Absence]]) -> dict[int, list[engine.Absence]]:
    """The interruptions among `absences_for`'s absences, earliest first, each with its `starts_on` and
    `ends_on` as `interruptions_for` gives them: so a page that reads the absences for supervision need not
    read the interruptions again for the training days and the caseload clock."""
    return {
        pk: sorted((a for a in found if a.label == INTERRUPTION), key=lambda a: (a.starts_on, a.ends_on))
        for pk, found in absences.items()
    }


def _load(
    enrolments: Sequence[Enrolment],
    *,
    end: date,
    cases_from: date,
    rules: dict | None = None,
    absences: dict[int, list[engine.Absence]] | None = None,
    sessions_from: date | None = None,
    to_completion: bool = False,
    overdue_only: bool = False,
    credentials: bool = True,
    awaiting_from: date | None = None,
) -> _Loaded:
    """The records of these trainees up to `end`. Cases: those still open after `cases_from` and, with
    `to_completion`, each trainee's own last day (their completion, else `end`), as no earlier case can be
    overdue for review in any period that ends then or later.

    For a page that shows only the overdue case reviews and the weeks (the supervisor's home):
    `overdue_only` leaves out, in the database, the cases that cannot be overdue on any period's last day
    (opened, or reviewed, within the shortest review interval before `end`), so the engine judges the rest as
    ever but its `active_cases` counts only those; without `credentials` no supervisor's training is read,
    so every session counts as uncredentialed (the hours by kind, the weeks and the gaps are unchanged).
    `awaiting_from` also reads, in the same query, the sessions awaiting confirmation from that day to `end`
    (in `awaiting`; the engine never sees them)."""
    ids = [e.pk for e in enrolments]
    if rules is None:
        rules = rules_for_programmes({e.cohort.programme_id for e in enrolments}, on=end)
    sessions: dict[int, list[engine.SessionFact]] = defaultdict(list)
    awaiting: dict[int, list[engine.SessionFact]] = defaultdict(list)
    confirmed = SupervisionSession.Status.CONFIRMED
    which = Q(status=confirmed)
    if awaiting_from is not None:
        which |= Q(status=SupervisionSession.Status.AWAITING, date__gte=awaiting_from)
    for row in (
        SupervisionSession.objects.current()
        .filter(which, enrolment_id__in=ids, date__lte=end)
        # Sessions before every trainee's period would only be left out by the engine.
        .filter(**({"date__gte": sessions_from} if sessions_from else {}))
        .order_by()
        .values_list(
            "status",
            "id",
            "enrolment_id",
            "date",
            "kind",
            "minutes",
            "supervisor_id",
            "format",
            "live_assessment_intervention__code",
        )
    ):
        status, pk, enrolment_id, day, kind, minutes, supervisor_id, fmt, intervention = row
        (sessions if status == confirmed else awaiting)[enrolment_id].append(
            engine.SessionFact(
                id=pk,
                date=day,
                kind=kind,
                minutes=minutes,
                supervisor_id=supervisor_id,
                group=fmt == SupervisionSession.Format.GROUP,
                live_assessment_intervention=intervention,
            )
        )
    # Only cases still open on a trainee's last day can be overdue for review, so only those are loaded, and
    # for each only its latest review (one row per case, not one per review): the latest by `end` (the
    # renewal year counts supervision after completion) and the latest within the training.
    cases: dict[int, list[engine.CaseFact]] = defaultdict(list)
    reviews: dict[int, list[tuple[int, date]]] = defaultdict(list)
    reviews_in_training: dict[int, list[tuple[int, date]]] = defaultdict(list)
    counted = Q(
        reviews__session__status=SupervisionSession.Status.CONFIRMED,
        reviews__session__replaced_by__isnull=True,
        reviews__session__date__lte=end,
    )
    within_training = Q(enrolment__completed_on__isnull=True) | Q(
        reviews__session__date__lte=F("enrolment__completed_on")
    )
    open_then = Q(closed_on__isnull=True) | Q(closed_on__gt=cases_from)
    if to_completion:
        # A programme's export mixes cohorts: one finished years ago would otherwise load every case since.
        open_then &= (
            Q(closed_on__isnull=True) | Q(closed_on__gt=end) | Q(closed_on__gt=F("enrolment__completed_on"))
        )
    open_cases = Case.objects.filter(open_then, enrolment_id__in=ids, opened_on__lte=end)
    if overdue_only:
        # The engine calls a case overdue when more than its programme's interval has passed since its latest
        # review (or its opening) by the trainee's last day, which is never after `end`. So a case opened, or
        # reviewed within the training, on or after `end` less the shortest interval cannot be overdue: most
        # open cases, reviewed every week or two. A completed trainee's cases are all kept (their reviews
        # count only up to completion). The engine still gives every verdict on the cases kept.
        since = end - timedelta(days=min(r.case_review_interval_days for r in rules.values()))
        reviewed_since = CaseReview.objects.filter(
            case=OuterRef("pk"),
            # Named, so PostgreSQL reads these trainees' recent sessions, not the whole country's.
            session__enrolment_id__in=ids,
            session__status=SupervisionSession.Status.CONFIRMED,
            session__replaced_by__isnull=True,
            session__date__gte=since,
            session__date__lte=end,
        )
        open_cases = open_cases.filter(
            Q(enrolment__completed_on__isnull=False) | ~Exists(reviewed_since), opened_on__lt=since
        )
    for pk, enrolment_id, reference, opened_on, closed_on, last, last_in_training in (
        open_cases.order_by()
        .annotate(
            last=Max("reviews__session__date", filter=counted),
            last_in_training=Max("reviews__session__date", filter=counted & within_training),
        )
        .values_list("id", "enrolment_id", "reference", "opened_on", "closed_on", "last", "last_in_training")
    ):
        cases[enrolment_id].append(engine.CaseFact(pk, reference, opened_on, closed_on))
        if last:
            reviews[enrolment_id].append((pk, last))
        if last_in_training:
            reviews_in_training[enrolment_id].append((pk, last_in_training))
    if absences is None:
        absences = absences_for(ids)
    trainings = {}
    if credentials:
        # Everyone who supervised (or was named on an entry for) these trainees, in the same query.
        named = SupervisionSession.objects.filter(enrolment_id__in=ids).order_by().values("supervisor_id")
        trainings = _training_facts_by_supervisor(SupervisorTraining.objects.filter(supervisor_id__in=named))
    return _Loaded(
        rules, sessions, cases, reviews, reviews_in_training, absences, trainings, awaiting=awaiting
    )


def _intervals_for(loaded: _Loaded, rules: engine.Rules) -> dict[int, tuple]:
    # Every supervisor's credential intervals depend only on the rules: worked out once per set of rules for
    # the whole load, not again for each trainee (a cohort of forty shares one or two sets).
    key = id(rules)  # the rules are kept beside their intervals, so the id is never reused while cached
    if key not in loaded.intervals:
        loaded.intervals[key] = (
            rules,
            {pk: engine.credential_intervals(facts, rules) for pk, facts in loaded.trainings.items()},
        )
    return loaded.intervals[key][1]


def _compliance(
    enrolment, loaded: _Loaded, start: date | None, end: date, *, after_completion: bool = False
) -> engine.Compliance:
    rules = loaded.rules.get(enrolment.cohort.programme_id, loaded.rules[None])
    first, last = training_period(enrolment, start, end, after_completion=after_completion)
    return engine.evaluate(
        start=first,
        end=last,
        sessions=loaded.sessions.get(enrolment.pk, ()),
        cases=loaded.cases.get(enrolment.pk, ()),
        reviews=(loaded.reviews if after_completion else loaded.reviews_in_training).get(enrolment.pk, ()),
        absences=loaded.absences.get(enrolment.pk, ()),
        credentials=_intervals_for(loaded, rules),
        rules=rules,
    )


def supervision_compliance(
    enrolment: Enrolment,
    *,
    start: date | None = None,
    end: date,
    absences: dict[int, list[engine.Absence]] | None = None,
) -> engine.Compliance:
    """`absences`, as `absences_for` reads them, lets a page that has already read them save the query.
    Remembered by records version, day and period, as the bulk read is."""
    return _one_trainee(enrolment, start, end, absences)[0]


def _one_trainee(enrolment, start: date | None, end: date, absences=None) -> tuple:
    """(compliance, the supervisors' credential intervals, their training facts) for one trainee: remembered
    in one row, which the trainee page and the supervision page share."""

    def work_out(missing):
        _, last = training_period(enrolment, start, end)
        loaded = _load(missing, end=end, cases_from=last, absences=absences)
        compliance = _compliance(enrolment, loaded, start, end)
        return {enrolment.pk: (compliance, _intervals_for(loaded, compliance.rules), loaded.trainings)}

    return remember(FACTS, [enrolment], params=(start, end), compute=work_out, variant="one")[enrolment.pk]


def supervision_compliance_for(
    enrolments: Sequence[Enrolment],
    *,
    end: date,
    start: date | None = None,
    after_completion: bool = False,
    rules: dict[int | None, engine.Rules] | None = None,
    absences: dict[int, list[engine.Absence]] | None = None,
) -> dict[int, engine.Compliance]:
    """Compliance of each trainee (from `start`, or their start date, to `end`) in a constant number of
    queries. Overdue case reviews are as of each trainee's end date. `rules`, as `rules_for_programmes` gives
    them on `end` for the trainees' programmes, and `absences`, as `absences_for` reads them, let a page that
    needs them too read them once."""

    def work_out(missing):
        return _compliance_for(
            missing, end=end, start=start, after_completion=after_completion, rules=rules, absences=absences
        )

    return remember(
        FACTS,
        enrolments,
        params=(start, end),
        compute=work_out,
        variant="after-completion" if after_completion else "",
    )


def _compliance_for(
    enrolments, *, end, start, after_completion, rules, absences
) -> dict[int, engine.Compliance]:
    if not enrolments:
        return {}
    periods = [training_period(e, start, end, after_completion=after_completion) for e in enrolments]
    loaded = _load(
        enrolments,
        end=end,
        cases_from=min(last for _, last in periods),
        rules=rules,
        absences=absences,
        sessions_from=min(first for first, _ in periods),
        to_completion=not after_completion,
    )
    return {e.pk: _compliance(e, loaded, start, end, after_completion=after_completion) for e in enrolments}


# ---------------------------------------------------------------------------------------------------------
# The trainee's supervision page


@dataclass
class LogEntry:
    session: SupervisionSession
    counts: bool  # counts toward accreditation (supervisor credentialed and verified on the date)
    can_confirm: bool
    can_edit: bool
    cases_reviewed: str = ""  # the references of the cases reviewed, in order, joined by commas


def supervision_page(access: EnrolmentAccess, *, today: date) -> dict:
    """Everything the trainee's supervision page shows, in a constant number of queries; what the person
    may do there comes from their `access` (trainees.access)."""
    enrolment = access.enrolment
    # The compliance and the supervisors' credentials are remembered by records version and day (sessions,
    # reviews, leave and each supervisor's training bump it); the log and the lists below are read live.
    compliance, intervals, trainings = _one_trainee(enrolment, None, today)
    rules = compliance.rules
    sessions = list(
        SupervisionSession.objects.current()
        .filter(enrolment=enrolment)
        .select_related("supervisor", "live_assessment_intervention")
        .order_by("-date", "-id")
    )
    # The references of the cases each session reviewed, in one query of plain pairs: a prefetch would build
    # a related manager and a queryset for every session of the log, which cost more than the query itself.
    references: dict[int, list[str]] = defaultdict(list)
    for session_id, reference in (
        CaseReview.objects.filter(session_id__in=[s.pk for s in sessions])
        .order_by("case__reference")
        .values_list("session_id", "case__reference")
    ):
        references[session_id].append(reference)
    log = [
        LogEntry(
            session=s,
            counts=engine.counts_on(intervals.get(s.supervisor_id, ()), s.date),
            can_confirm=not s.is_confirmed and access.can("confirm_supervision_session", s),
            can_edit=access.can("edit_supervision", s),
            cases_reviewed=", ".join(references.get(s.pk, ())),
        )
        for s in sessions
    ]
    supervisor_ids = {s.supervisor_id for s in sessions}
    assignments = list(
        SupervisorAssignment.objects.filter(enrolment=enrolment).select_related("supervisor").order_by("kind")
    )
    supervisor_ids |= {
        a.supervisor_id for a in assignments if a.kind != SupervisorAssignment.Kind.LINE_MANAGER
    }
    statuses = {pk: engine.credential_status(trainings.get(pk, []), rules, today) for pk in supervisor_ids}
    people = {s.supervisor_id: s.supervisor for s in sessions} | {
        a.supervisor_id: a.supervisor for a in assignments
    }
    supervisors = sorted(
        ((people[pk], statuses[pk]) for pk in supervisor_ids), key=lambda pair: pair[0].display_name
    )
    reports = list(
        SupervisorReport.objects.filter(enrolment=enrolment)
        .select_related("supervisor")
        .order_by("created_at")
    )
    leave = list(Leave.objects.filter(enrolment=enrolment).order_by("-starts_on"))
    return {
        "compliance": compliance,
        "log": log,
        "supervisors": supervisors,
        "reports": reports,
        "leave": leave,
        "access": access,
        "awaiting": sum(1 for entry in log if not entry.session.is_confirmed),
    }


# ---------------------------------------------------------------------------------------------------------
# Access to single records


def get_session_for_user(user, pk: int) -> SupervisionSession:
    """A session of a trainee whose record the person may see; anything else is a 404."""
    session = (
        SupervisionSession.objects.filter(pk=pk, enrolment__in=enrolments_for_user(user))
        .select_related(
            "enrolment",
            "enrolment__user",
            "enrolment__cohort",
            "enrolment__cohort__programme",
            "supervisor",
            "logged_by",
            "reopened_by",
            "live_assessment_intervention",
            "replaces",
        )
        .first()
    )
    if session is None:
        raise refuse(user, "supervision session", pk)
    return session


def session_history(session: SupervisionSession) -> list[SupervisionSession]:
    """Earlier versions of a reopened entry, newest first."""
    history = []
    current = session.replaces
    while current is not None:
        history.append(current)
        current = SupervisionSession.objects.select_related("replaces").filter(pk=current.replaces_id).first()
    return history


def get_report_for_user(user, pk: int) -> SupervisorReport:
    report = (
        SupervisorReport.objects.filter(pk=pk, enrolment__in=enrolments_for_user(user))
        .select_related("enrolment", "enrolment__user", "enrolment__cohort__programme", "supervisor")
        .first()
    )
    if report is None:
        raise refuse(user, "supervisor report", pk)
    return report


# ---------------------------------------------------------------------------------------------------------
# Supervisors: profiles, credentials, supervisees


def _staff_programmes(user) -> QuerySet[Programme]:
    return programmes_for_user(user)


def supervisors_for_staff(user) -> QuerySet[User]:
    """Everyone who supervises (or supervised) a trainee on a programme this person teaches or administers."""
    if not user.is_authenticated:
        return User.objects.none()
    assignments = SupervisorAssignment.objects.filter(
        supervisor=OuterRef("pk"), enrolment__cohort__programme__in=_staff_programmes(user)
    )
    return User.objects.filter(Exists(assignments))


def get_supervisor_for_user(user, pk: int) -> User:
    """A supervisor's profile: visible to themselves and to staff of a programme they supervise on."""
    if user.is_authenticated and user.pk == pk:
        return User.objects.get(pk=pk)
    supervisor = supervisors_for_staff(user).filter(pk=pk).first()
    if supervisor is None:
        raise refuse(user, "supervisor", pk)
    return supervisor


def get_training_for_user(user, pk: int) -> SupervisorTraining:
    training = SupervisorTraining.objects.filter(pk=pk).select_related("supervisor").first()
    if training is None or not (
        training.supervisor_id == user.pk
        or supervisors_for_staff(user).filter(pk=training.supervisor_id).exists()
    ):
        raise refuse(user, "supervisor training record", pk)
    return training


@dataclass
class SuperviseeRow:
    enrolment: Enrolment
    roles: list[str]
    current: bool
    compliance: engine.Compliance | None
    starts_on: date | None = None  # the first day of an assignment still to come (when none is current)

    @property
    def gap_summary(self) -> str:
        """The supervisee's gaps in a few words, only those there are: never "0.0 h clinical skills short"."""
        c = self.compliance
        parts = []
        if c.missed_weeks:
            parts.append(plural(len(c.missed_weeks), "missed week"))
        if c.overdue_cases:
            parts.append(plural(len(c.overdue_cases), "overdue review"))
        short = c.clinical_skills_shortfall_hours
        if round(short * 60):
            parts.append(f"{in_hours(short)} of clinical-skills supervision short")
        return ", ".join(parts) or "Does not meet the frequencies"


def supervisor_page(supervisor: User, viewer, *, on: date, today: date) -> dict:
    """A supervisor's profile, credential (as of `on`) and supervisees the viewer may see."""
    profile = SupervisorProfile.objects.filter(user=supervisor).first()
    trainings = list(
        SupervisorTraining.objects.filter(supervisor=supervisor)
        .select_related("verified_by", "recorded_by")
        .order_by("completed_on", "id")
    )
    assignments = SupervisorAssignment.objects.filter(supervisor=supervisor).select_related(
        "enrolment__user", "enrolment__cohort__programme", "enrolment__route", "enrolment__employing_service"
    )
    if viewer.pk != supervisor.pk:
        assignments = assignments.filter(enrolment__cohort__programme__in=_staff_programmes(viewer))
    rows: dict[int, SuperviseeRow] = {}
    for assignment in assignments.order_by("enrolment__user__last_name", "kind"):
        current = assignment.starts_on <= today and (
            assignment.ends_on is None or assignment.ends_on >= today
        )
        row = rows.setdefault(assignment.enrolment_id, SuperviseeRow(assignment.enrolment, [], False, None))
        period = f"from {assignment.starts_on:%-d %b %Y}" + (
            f" to {assignment.ends_on:%-d %b %Y}" if assignment.ends_on else ""
        )
        row.roles.append(f"{assignment.get_kind_display()} {period}")
        row.current = row.current or current
        if assignment.starts_on > today:
            row.starts_on = min(filter(None, (row.starts_on, assignment.starts_on)))
    enrolments = [row.enrolment for row in rows.values()]
    compliance = supervision_compliance_for(enrolments, end=today)
    for row in rows.values():
        row.compliance = compliance[row.enrolment.pk]
    programme_ids = {e.cohort.programme_id for e in enrolments}
    rules_by_programme = rules_for_programmes(programme_ids, on=on)
    # The rules of the programme the viewer sees this supervisor on (the default when none or several).
    rules = (
        rules_by_programme[next(iter(programme_ids))] if len(programme_ids) == 1 else rules_by_programme[None]
    )
    facts = training_facts(trainings)
    return {
        "profile": profile,
        "trainings": trainings,
        "credential": engine.credential_status(facts, rules, on),
        "rules": rules,
        "supervisees": sorted(rows.values(), key=lambda r: (not r.current, r.enrolment.user.last_name)),
        "can_verify": staff_access(viewer).can("verify_training", supervisor),
        "is_self": viewer.pk == supervisor.pk,
    }


def supervisors_list(user, *, today: date) -> list[tuple[User, engine.CredentialStatus, int, bool]]:
    """Supervisors on this person's programmes: (person, credential, current supervisees, unverified)."""
    programmes = _staff_programmes(user)
    current = SupervisorAssignment.objects.current(today).filter(enrolment__cohort__programme__in=programmes)
    people = list(
        supervisors_for_staff(user)
        .annotate(
            has_unverified=Exists(
                SupervisorTraining.objects.filter(supervisor=OuterRef("pk"), verified_at__isnull=True)
            )
        )
        .order_by("last_name", "first_name")
    )
    counts: dict[int, set] = defaultdict(set)
    for supervisor_id, enrolment_id in current.values_list("supervisor_id", "enrolment_id"):
        counts[supervisor_id].add(enrolment_id)
    statuses = credential_statuses([p.pk for p in people], on=today)
    return [(p, statuses[p.pk], len(counts[p.pk]), p.has_unverified) for p in people]


# ---------------------------------------------------------------------------------------------------------
# The supervisor's home section


@dataclass
class HomeRow:
    enrolment: Enrolment
    week_status: str  # "met" | "awaiting" | "not_yet" | "absent"
    week_text: str
    missed_recent: tuple[date, ...]
    overdue_cases: tuple[engine.OverdueCase, ...]


def supervisee_weeks(enrolments: Sequence[Enrolment], *, today: date) -> list[HomeRow]:
    """Each supervisee's row on the supervisor's home: this week's status, the weeks missed since four weeks
    before this one and the case reviews overdue today (the home remembers them as drawn)."""
    enrolments = list(enrolments)
    if not enrolments:
        return []
    # The rules in force today for the supervisees' programmes: one read.
    rules_by_programme = rules_for_programmes({e.cohort.programme_id for e in enrolments}, on=today)
    monday = today - timedelta(days=today.weekday())
    # A week is missed or met on its own sessions and absences, and a case's review is read whatever the
    # period, so the compliance of those weeks alone gives the same answer as the whole training's without
    # reading it all. It shows no hours and no case counts: the cases that cannot be overdue today are left
    # out in the database (most of them: open cases are reviewed every week or two), and the supervisors'
    # training (which sessions count toward accreditation) is not read. The engine judges what is loaded.
    recent_from = monday - timedelta(days=28)
    periods = [training_period(e, recent_from, today) for e in enrolments]
    loaded = _load(
        enrolments,
        end=today,
        cases_from=min(last for _, last in periods),
        rules=rules_by_programme,
        # This week's sessions too, whenever the trainees started: the week's status counts them all.
        sessions_from=min(monday, *(first for first, _ in periods)),
        to_completion=True,
        overdue_only=True,
        credentials=False,
        awaiting_from=monday,  # the week's minutes waiting for confirmation, in the same read
    )

    def this_week(found) -> int:  # case-management minutes this week, group sessions included
        return sum(
            s.minutes
            for s in found
            if s.kind == SupervisionSession.Kind.CASE_MANAGEMENT and monday <= s.date <= today
        )

    rows = []
    for enrolment in enrolments:
        result = _compliance(enrolment, loaded, recent_from, today)
        needed = result.rules.case_management_minutes_per_week
        confirmed = this_week(loaded.sessions.get(enrolment.pk, ()))
        awaiting = this_week(loaded.awaiting.get(enrolment.pk, ()))
        if enrolment.status != Enrolment.Status.ACTIVE:
            status, text = "inactive", f"Training {enrolment.get_status_display().lower()}"
        elif confirmed >= needed:
            status, text = "met", f"{confirmed} minutes of case management confirmed"
        elif confirmed + awaiting >= needed:
            status, text = "awaiting", f"{confirmed + awaiting} minutes logged, waiting for your confirmation"
        else:
            status, text = (
                "not_yet",
                f"{confirmed + awaiting} of {needed} minutes of case management this week",
            )
        recent = tuple(m for m in result.missed_weeks if m >= recent_from)
        rows.append(HomeRow(enrolment, status, text, recent, result.overdue_cases))
    return rows


# Only what the home's lists show: each row's day or title and its trainee's name, not the reflections.
_NAMES = (
    "enrolment",
    "enrolment__user__first_name",
    "enrolment__user__last_name",
    "enrolment__user__username",
)
# What can wait for a supervisor on their home, list by list, each read as the home shows it.
_SHOWN = {
    "awaiting": lambda rows: rows.select_related("enrolment__user", "enrolment__cohort").order_by(
        "date", "id"
    ),
    "workplace_days": lambda rows: (
        rows.select_related("enrolment__user", "module")
        .only("date", "module__number", "module__title", *_NAMES)
        .order_by("date", "id")
    ),
    "cpd": lambda rows: (
        rows.select_related("enrolment__user").only("date", "title", *_NAMES).order_by("date", "id")
    ),
    "reports": lambda rows: rows.select_related("enrolment__user").order_by("period_end", "id"),
}
WAITING = tuple(_SHOWN)


def waiting_for(user, name: str) -> QuerySet:
    """One of the lists of what waits for this person as a supervisor (`WAITING`): the sessions logged with
    them to confirm ("awaiting", even once they supervise nobody), the workplace days and CPD activities of
    the trainees they supervise now who are still in training (any current supervisor may confirm those), and
    their own reports not signed yet. The home asks of every list whether it holds anything in its one
    sections query, and reads only those that do."""
    if name == "awaiting":
        return awaiting_confirmation_by(user)
    if name == "reports":
        return SupervisorReport.objects.filter(supervisor=user, status=SupervisorReport.Status.DRAFT)
    in_training = supervisees(user).filter(status=Enrolment.Status.ACTIVE).values("pk")
    if name == "workplace_days":
        return workplace_days_awaiting(in_training)
    if name == "cpd":
        return cpd_awaiting(in_training)
    raise ValueError(f"Nothing called {name!r} waits for a supervisor.")


# The home shows the oldest few of each list and links to the page with all of them, so a supervisor
# returning to a backlog gets a home page of the same size (and cost) as anyone else's.
HOME_LIMIT = 10


@dataclass
class Waiting:
    """One list of what waits for a supervisor: the rows read (the oldest first) and how many wait in all."""

    rows: list
    total: int

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def more(self) -> int:
        """How many wait beyond those read."""
        return self.total - len(self.rows)


def waiting_lists(user, *, names: Iterable[str] = WAITING, limit: int | None = None) -> dict[str, Waiting]:
    """Each list of what waits for this person as a supervisor (`WAITING`), as the home and the waiting
    page show it: of the lists `names` gives (the others are empty, unread), the oldest `limit` rows (all
    when None) and, in the same query, how many wait in all."""
    names = set(names)
    found = {}
    for name, shown in _SHOWN.items():
        listed = []
        if name in names:
            rows = shown(waiting_for(user, name)).annotate(waiting_total=Window(Count("pk")))
            listed = list(rows[:limit])
        found[name] = Waiting(listed, listed[0].waiting_total if listed else 0)
    return found


def supervisor_home(
    user, *, today: date, supervisees: Sequence[Enrolment], waiting: Iterable[str] = WAITING
) -> dict:
    """What waits for a supervisor on the home page, of the lists `waiting` names (those known to hold
    anything), the oldest `HOME_LIMIT` of each, and their own credential; each supervisee's week is
    `supervisee_weeks`'s."""
    if not user.is_authenticated:
        return {"awaiting": Waiting([], 0), "credential": None}
    found = waiting_lists(user, names=waiting, limit=HOME_LIMIT)
    trainings = trainings_of(user)
    credential = None
    if supervisees or trainings or found["awaiting"]:
        rules = rules_for_programmes([], on=today)[None]
        credential = engine.credential_status(training_facts(trainings), rules, today)
    return {**found, "credential": credential}


def awaiting_confirmation_by(user) -> QuerySet[SupervisionSession]:
    """Sessions logged with this person as supervisor and still waiting for their confirmation (the home lists
    them even once the person supervises nobody)."""
    return SupervisionSession.objects.awaiting().filter(supervisor=user)


# ---------------------------------------------------------------------------------------------------------
# Services and their sites


def services_for_user(user) -> QuerySet[Organisation]:
    """Services employing trainees on a programme this person teaches or administers."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    employs = Enrolment.objects.filter(
        employing_service=OuterRef("pk"), cohort__programme__in=_staff_programmes(user)
    )
    return Organisation.objects.filter(Exists(employs), kind=Organisation.Kind.SERVICE).order_by("name")


def get_service_for_user(user, code: str) -> Organisation:
    service = services_for_user(user).filter(code=code).first()
    if service is None:
        raise refuse(user, "service", code)
    return service


def get_site_for_user(user, pk: int) -> ServiceSite:
    site = (
        ServiceSite.objects.filter(pk=pk, service__in=services_for_user(user))
        .select_related("service")
        .first()
    )
    if site is None:
        raise refuse(user, "site", pk)
    return site


@dataclass
class SiteRatio:
    site: ServiceSite | None
    name: str
    qualified_staff: int | None
    trainees: int
    below: bool
    ratio: str


def site_ratios(service: Organisation, *, today: date) -> tuple[list[SiteRatio], engine.Rules]:
    """Each site's qualified staff against its active trainees (all programmes), flagged below 1:2."""
    rules = rules_for_programmes([], on=today)[None]
    active = Enrolment.Status.ACTIVE
    sites = list(ServiceSite.objects.filter(service=service).order_by("name"))
    placed: dict[int, int] = defaultdict(int)
    for site_id in SitePlacement.objects.filter(site__service=service, enrolment__status=active).values_list(
        "site_id", flat=True
    ):
        placed[site_id] += 1
    unplaced = Enrolment.objects.filter(
        employing_service=service, status=active, site_placement__isnull=True
    ).count()
    rows = []
    for site in sites:
        trainees = placed[site.pk]
        ratio = (
            f"1 to {trainees / site.qualified_staff:.1f}" if site.qualified_staff else "no qualified staff"
        )
        rows.append(
            SiteRatio(
                site,
                site.name,
                site.qualified_staff,
                trainees,
                engine.site_ratio_flag(site.qualified_staff, trainees, rules),
                ratio,
            )
        )
    if unplaced:
        rows.append(SiteRatio(None, "No site recorded", None, unplaced, False, "–"))
    return rows, rules


# --- bulk reads for other apps (CONTRACTS.md) -----------------------------------------------------------


@dataclass(frozen=True)
class SupervisionRecords:
    """One enrolment's supervision rows as its record shows them: the confirmed sessions in a period (with
    supervisor and live-assessment intervention, by date), the supervisor assignments started by a date
    (with supervisor, by kind and start), and the training records of every supervisor ever named in a
    session or assigned (with supervisor, by supervisor and completion date)."""

    sessions: list[SupervisionSession]
    assignments: list[SupervisorAssignment]
    trainings: list[SupervisorTraining]


def supervision_records_for(
    enrolments: Sequence[Enrolment], *, periods: dict[int, tuple[date, date]], on: date
) -> dict[int, SupervisionRecords]:
    """Each enrolment's `SupervisionRecords`: sessions confirmed within its period in `periods` (enrolment id
    -> (start, end)), assignments started by `on`. Three queries whatever the number of enrolments or rows."""
    ids = [e.pk for e in enrolments]
    # Every session, so that supervisors named only in an earlier, reopened or unconfirmed entry still have
    # their training listed; the confirmed ones in the period are picked out below.
    every = list(
        SupervisionSession.objects.filter(enrolment_id__in=ids)
        .select_related("supervisor", "live_assessment_intervention")
        .order_by("date", "id")
    )
    assignments = list(
        SupervisorAssignment.objects.filter(enrolment_id__in=ids)
        .select_related("supervisor")
        .order_by("kind", "starts_on", "pk")
    )
    people: dict[int, set[int]] = {pk: set() for pk in ids}
    for row in [*every, *assignments]:
        people[row.enrolment_id].add(row.supervisor_id)
    trainings = list(
        SupervisorTraining.objects.filter(supervisor_id__in=set().union(*people.values()))
        .select_related("supervisor")
        .order_by("supervisor_id", "completed_on", "id")
    )
    confirmed = SupervisionSession.Status.CONFIRMED
    replaced = {s.replaces_id for s in every if s.replaces_id}  # a reopened entry's new version replaces it
    found = {}
    for pk in ids:
        start, end = periods[pk]
        found[pk] = SupervisionRecords(
            sessions=[
                s
                for s in every
                if s.enrolment_id == pk
                and s.pk not in replaced
                and s.status == confirmed
                and start <= s.date <= end
            ],
            assignments=[a for a in assignments if a.enrolment_id == pk and a.starts_on <= on],
            trainings=[t for t in trainings if t.supervisor_id in people[pk]],
        )
    return found


def signed_reports_for(enrolments: Sequence[Enrolment]) -> dict[int, dict[int, SupervisorReport]]:
    """Each enrolment's signed supervisor reports by id, with the supervisor, in one query: the text behind
    `supervisor_reports_for`."""
    ids = [e.pk for e in enrolments]
    found: dict[int, dict[int, SupervisorReport]] = {pk: {} for pk in ids}
    for report in SupervisorReport.objects.filter(
        enrolment_id__in=ids, status=SupervisorReport.Status.SIGNED
    ).select_related("supervisor"):
        found[report.enrolment_id][report.pk] = report
    return found


def sites_of_service(service: Organisation) -> QuerySet[ServiceSite]:
    """A service's sites by name (read by the workforce staffing report and its post forms)."""
    return ServiceSite.objects.filter(service=service).order_by("name")


def trainings_of(user) -> list[SupervisorTraining]:
    """Every supervisor training record of one person, earliest first (band 6 readiness reads these)."""
    return list(SupervisorTraining.objects.filter(supervisor=user).order_by("completed_on", "id"))


def _latest_endings(assignment_ids) -> dict[int, AuditEvent]:
    """{assignment id: its latest ending or restoring audit line}, in one query."""
    latest = {}
    for event in AuditEvent.objects.filter(
        object_type="trainees.supervisorassignment",
        object_id__in=[str(pk) for pk in assignment_ids],
        action__in=("supervisor.assignment_ended", "supervisor.assignment_restored"),
    ).order_by("at", "id"):
        latest[int(event.object_id)] = event
    return latest


def _restorable(event: AuditEvent | None, actor) -> bool:
    return (
        event is not None
        and event.action == "supervisor.assignment_ended"
        and event.actor_id == actor.pk
        and timezone.localtime(event.at).date() == timezone.localdate()
    )


def ending_to_restore(*, actor, assignment: SupervisorAssignment) -> AuditEvent | None:
    """The audit line of this assignment's latest ending if `actor` made it today (else None): only the
    person who ended an assignment may take that back, and only on the same day."""
    event = _latest_endings([assignment.pk]).get(assignment.pk)
    return event if _restorable(event, actor) else None


def restorable_assignments(*, actor, assignments) -> set[int]:
    """The ids of those `assignments` that `actor` ended today and so may restore (one query)."""
    latest = _latest_endings([a.pk for a in assignments])
    return {pk for pk, event in latest.items() if _restorable(event, actor)}


def why_cannot_supervise(person: User, on: date) -> str | None:
    """Why `person` may not be a trainee's case-management or clinical-skills supervisor from `on`, in words
    for the assigning form (None when they may): only a qualified practitioner with a supervisor profile."""
    name = person.display_name
    training = (
        person.enrolments.filter(start_date__lte=on)
        .exclude(status__in=("completed", "withdrawn"))
        .select_related("cohort")
        .first()
    )
    if training is not None:
        return f"{name} is still training as a PWP ({training.cohort.name}), so cannot supervise a trainee."
    profile = SupervisorProfile.objects.filter(user=person).first()
    if profile is None:
        return (
            f"{name} has no supervisor profile. They add one under “My supervisor profile” (their background "
            "and when they qualified) before they can be assigned as a supervisor."
        )
    if profile.qualified_as_pwp_on is None and not profile.professional_background.strip():
        return (
            f"{name}'s supervisor profile says neither when they qualified as a PWP nor their professional "
            "background, so they cannot be assigned as a supervisor yet."
        )
    if profile.qualified_as_pwp_on is not None and profile.qualified_as_pwp_on > on:
        qualifies = long_date(profile.qualified_as_pwp_on)
        return f"{name} qualifies as a PWP on {qualifies}, after this assignment starts."
    return None


def awaiting_sessions_for(enrolments) -> list[tuple[int, int, int, date]]:
    """Sessions awaiting their supervisor's confirmation: (session id, enrolment id, supervisor id, date).
    The same `SupervisionSession.objects.awaiting()` as the supervisor's home; each goes to the supervisor
    named on it."""
    return list(
        SupervisionSession.objects.awaiting()
        .filter(enrolment_id__in=[e.pk for e in enrolments])
        .order_by("pk")
        .values_list("pk", "enrolment_id", "supervisor_id", "date")
    )


# ---------------------------------------------------------------------------------------------------------
# The weekly form's case picker


@dataclass(frozen=True)
class CaseChoice:
    case: Case
    last_reviewed_on: date | None
    overdue: bool  # the supervision engine's verdict (every active case reviewed within the interval)
    days_since_review: int | None  # for an overdue case


def case_review_choices(enrolment: Enrolment, *, on: date, keep: Iterable[int] = ()) -> list[CaseChoice]:
    """The cases a trainee can pick as reviewed: open cases, plus any in `keep` (already on the entry being
    changed), overdue ones first (longest wait first), then by reference. Whether a case is overdue is the
    engine's answer, not worked out again here. A constant number of queries."""
    keep = list(keep)
    cases = list(
        Case.objects.filter(
            Q(closed_on__isnull=True, status=Case.Status.OPEN) | Q(pk__in=keep), enrolment=enrolment
        )
        .annotate(
            last_reviewed_on=Max(
                "reviews__session__date",
                filter=Q(
                    reviews__session__status=SupervisionSession.Status.CONFIRMED,
                    reviews__session__replaced_by__isnull=True,
                ),
            )
        )
        .order_by("reference", "pk")
    )
    if not cases:
        return []
    overdue = {c.reference: c for c in supervision_compliance(enrolment, end=on).overdue_cases}
    choices = [
        CaseChoice(
            case,
            case.last_reviewed_on,
            case.reference in overdue,
            overdue[case.reference].days_since_review if case.reference in overdue else None,
        )
        for case in cases
    ]
    choices.sort(key=lambda c: (not c.overdue, -(c.days_since_review or 0), c.case.reference))
    return choices
