"""The supervision compliance engine: pure functions of plain data, no database.

`evaluate()` takes a trainee's confirmed sessions, cases and their reviews, absences (interruptions and
leave), each supervisor's credential intervals and the rules, and returns every figure the pages, the cohort
table, the readiness engine and the PDF show. `credential_status()` and `credential_intervals()` turn a
supervisor's training records into a status on a date and the periods in which their supervision counts.
Selectors in trainees/supervision/selectors.py load the data and call these; nothing else recomputes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.dates import add_months
from core.wording import hours as in_hours
from core.wording import is_are, number, plural
from trainees.caseload.open_cases import is_open_on

KINDS = ("case_management", "clinical_skills", "management")
CREDENTIALED = "credentialed"
REFRESHER_DUE = "refresher_due"
NOT_CREDENTIALED = "not_credentialed"


@dataclass(frozen=True)
class Rules:
    """The rule data (a SupervisionRules row as plain values). Defaults are the PWP Best Practice Guide's."""

    name: str = "PWP Best Practice Guide"
    credential_valid_months: int | None = 36
    refresher_every_months: int | None = 24
    case_management_minutes_per_week: int = 60
    case_management_individual_only: bool = True
    clinical_skills_minutes_per_fortnight: int = 60
    case_review_interval_days: int = 28
    absence_days_to_exclude_week: int = 3
    live_assessments_per_year: int = 2
    live_assessment_interventions_per_year: int = 2
    case_management_hours_target: int = 20
    clinical_skills_hours_target: int = 20
    site_max_trainees_per_qualified: int = 2


# ---------------------------------------------------------------------------------------------------------
# Credentials


@dataclass(frozen=True)
class TrainingFact:
    kind: str  # "initial" | "refresher"
    completed_on: date
    accredited: bool  # the provider is an IAPT-accredited training provider
    verified: bool
    provider: str = ""


@dataclass(frozen=True)
class CredentialStatus:
    on: date
    status: str  # "credentialed" | "refresher_due" | "not_credentialed"
    reason: str
    counts: bool  # supervision given on `on` counts toward accreditation (verified records only)
    unverified: bool  # the records claim a credential that no verified record supports yet
    valid_until: date | None
    refresher_due_on: date | None

    @property
    def label(self) -> str:
        return {
            CREDENTIALED: "Credentialed",
            REFRESHER_DUE: "Refresher due",
            NOT_CREDENTIALED: "Not credentialed",
        }[self.status]


def _fmt(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _evaluate_credential(records: Sequence[TrainingFact], rules: Rules, on: date) -> tuple:
    """(status, reason, valid_until, refresher_due_on) from the given records alone."""
    done = [r for r in records if r.completed_on <= on]
    initial = sorted(r.completed_on for r in done if r.kind == "initial" and r.accredited)
    if not initial:
        if any(r.kind == "initial" and not r.accredited for r in done):
            reason = (
                "The supervisor training recorded was not from an IAPT-accredited training provider, so "
                "supervision with this person does not count toward individual accreditation."
            )
        elif any(r.kind == "initial" for r in records):
            first = min(r.completed_on for r in records if r.kind == "initial")
            reason = f"Supervisor training is not completed until {_fmt(first)}."
        else:
            reason = "No low-intensity supervisor training is recorded."
        return NOT_CREDENTIALED, reason, None, None
    first = initial[0]
    latest = max(
        r.completed_on for r in done if r.completed_on >= first and (r.kind == "refresher" or r.accredited)
    )
    valid_until = (
        add_months(latest, rules.credential_valid_months) - timedelta(days=1)
        if rules.credential_valid_months
        else None
    )
    due_on = add_months(latest, rules.refresher_every_months) if rules.refresher_every_months else None
    if valid_until is not None and on > valid_until:
        reason = (
            f"The credential lapsed on {_fmt(valid_until + timedelta(days=1))}: the latest training was on "
            f"{_fmt(latest)} and no refresher has been recorded since."
        )
        return NOT_CREDENTIALED, reason, valid_until, due_on
    if due_on is not None and on >= due_on:
        reason = f"A refresher was due on {_fmt(due_on)}"
        reason += f"; the credential lapses after {_fmt(valid_until)}." if valid_until else "."
        return REFRESHER_DUE, reason, valid_until, due_on
    reason = f"Low-intensity supervisor training from an IAPT-accredited provider, latest on {_fmt(latest)}"
    reason += f"; valid until {_fmt(valid_until)}." if valid_until else "."
    return CREDENTIALED, reason, valid_until, due_on


def credential_status(records: Sequence[TrainingFact], rules: Rules, on: date) -> CredentialStatus:
    """A supervisor's credential on a date. Only verified records count: an unverified refresher never
    extends a verified credential's validity or clears a refresher due.

    When no verified record supports a credential, the status shows what the records claim, flagged
    `unverified`, and supervision with the person does not count.
    """
    verified = [r for r in records if r.verified]
    status, reason, valid_until, due_on = _evaluate_credential(verified, rules, on)
    waiting = sorted(r.completed_on for r in records if not r.verified and r.completed_on <= on)
    if status != NOT_CREDENTIALED or len(verified) == len(records):
        if waiting:
            reason += (
                f" Training on {_fmt(waiting[-1])} is not verified yet, so it does not extend the credential "
                "until an educator or administrator verifies it."
            )
        return CredentialStatus(
            on=on,
            status=status,
            reason=reason,
            counts=status != NOT_CREDENTIALED,
            unverified=False,
            valid_until=valid_until,
            refresher_due_on=due_on,
        )
    status, reason, valid_until, due_on = _evaluate_credential(records, rules, on)
    unverified = status != NOT_CREDENTIALED
    if unverified:
        reason += (
            " It has not been verified by an educator or administrator yet, so supervision does not count "
            "toward accreditation until it is."
        )
    return CredentialStatus(
        on=on,
        status=status,
        reason=reason,
        counts=False,
        unverified=unverified,
        valid_until=valid_until,
        refresher_due_on=due_on,
    )


Interval = tuple[date, date | None]  # first and last day (inclusive); None: no end


def credential_intervals(records: Iterable[TrainingFact], rules: Rules) -> tuple[Interval, ...]:
    """The periods in which supervision by this person counts toward accreditation (verified records only).

    Each verified accredited training, and each verified refresher after one, opens a period lasting the
    rules' validity; overlapping and touching periods merge.
    """
    verified = sorted((r for r in records if r.verified), key=lambda r: r.completed_on)
    first = next((r.completed_on for r in verified if r.kind == "initial" and r.accredited), None)
    if first is None:
        return ()
    spans = []
    for record in verified:
        if record.completed_on < first or (record.kind == "initial" and not record.accredited):
            continue
        end = (
            add_months(record.completed_on, rules.credential_valid_months) - timedelta(days=1)
            if rules.credential_valid_months
            else None
        )
        spans.append((record.completed_on, end))
    # Every span lasts the same validity, so spans in date order end in date order (or all never end): a span
    # that overlaps or touches the last merged one simply carries its end on.
    merged: list[list] = []
    for start, end in spans:
        if merged and (merged[-1][1] is None or start <= merged[-1][1] + timedelta(days=1)):
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def counts_on(intervals: Sequence[Interval], day: date) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in intervals)


# ---------------------------------------------------------------------------------------------------------
# Compliance


@dataclass(frozen=True)
class SessionFact:
    id: int
    date: date
    kind: str  # "case_management" | "clinical_skills" | "management"
    minutes: int
    supervisor_id: int
    group: bool = False
    live_assessment_intervention: str | None = None  # intervention code


@dataclass(frozen=True)
class CaseFact:
    id: int
    reference: str
    opened_on: date
    closed_on: date | None = None


@dataclass(frozen=True)
class Absence:
    starts_on: date
    ends_on: date  # inclusive
    label: str = "leave"  # "interruption" or a kind of leave


@dataclass(frozen=True)
class Week:
    monday: date
    case_management_minutes: int
    absent_days: int
    excluded: bool
    met: bool


@dataclass(frozen=True)
class OverdueCase:
    reference: str
    days_since_review: int
    last_reviewed_on: date | None


# The words for a trainee's supervision status on every page and export.
SUPERVISION_STATUS_LABELS = {"compliant": "Meets frequencies", "gaps": "Gaps"}


@dataclass(frozen=True)
class Compliance:
    start: date
    end: date
    rules: Rules
    weeks: tuple[Week, ...]
    missed_weeks: tuple[date, ...]
    excluded_weeks: tuple[date, ...]
    hours: dict[str, float]
    credentialed_hours: dict[str, float]
    clinical_skills_required_hours: float
    clinical_skills_shortfall_hours: float
    active_cases: int
    overdue_cases: tuple[OverdueCase, ...]
    live_assessments: int
    live_assessment_interventions: tuple[str, ...]
    uncredentialed_session_ids: frozenset[int]
    gaps: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def counted_weeks(self) -> int:
        return sum(1 for week in self.weeks if not week.excluded)

    @property
    def status(self) -> str:
        return "gaps" if self.gaps else "compliant"

    @property
    def label(self) -> str:
        return SUPERVISION_STATUS_LABELS[self.status]

    @property
    def reason(self) -> str:
        if self.gaps:
            return " ".join(self.gaps)
        if not self.counted_weeks:
            return "No complete week of training to count yet."
        return (
            f"Supervision met the frequencies in all {self.counted_weeks} counted weeks and every "
            "open case was reviewed in time."
        )

    @property
    def uncredentialed_hours(self) -> dict[str, float]:
        return {kind: round(self.hours[kind] - self.credentialed_hours[kind], 2) for kind in KINDS}


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_in(start: date, end: date) -> list[date]:
    """Mondays of the whole weeks (Monday to Sunday) that lie inside start..end."""
    first = start if start.weekday() == 0 else _monday(start) + timedelta(days=7)
    mondays = []
    while first + timedelta(days=6) <= end:
        mondays.append(first)
        first += timedelta(days=7)
    return mondays


def _absent_working_days(monday: date, absences: Sequence[Absence]) -> int:
    friday = monday + timedelta(days=4)
    absences = [a for a in absences if a.starts_on <= friday and a.ends_on >= monday]
    if not absences:  # most weeks of most trainees: no need to look at each day
        return 0
    days = 0
    for offset in range(5):
        day = monday + timedelta(days=offset)
        if any(a.starts_on <= day <= a.ends_on for a in absences):
            days += 1
    return days


def evaluate(
    *,
    start: date,
    end: date,
    sessions: Iterable[SessionFact],
    cases: Iterable[CaseFact] = (),
    reviews: Iterable[tuple[int, date]] = (),
    absences: Sequence[Absence] = (),
    credentials: Mapping[int, Sequence[Interval]] | None = None,
    rules: Rules = Rules(),
) -> Compliance:
    """Supervision compliance of one trainee over start..end (inclusive), from confirmed sessions only.

    `reviews` are (case id, date) pairs from confirmed case-management sessions; `credentials` maps a
    supervisor's id to the intervals in which their supervision counts toward accreditation.
    """
    credentials = credentials or {}
    in_period = sorted((s for s in sessions if start <= s.date <= end), key=lambda s: (s.date, s.id))

    minutes: dict[str, int] = dict.fromkeys(KINDS, 0)
    credentialed_minutes: dict[str, int] = dict.fromkeys(KINDS, 0)
    uncredentialed = set()
    case_management_by_week: dict[date, int] = defaultdict(int)
    clinical_skills_minutes = 0
    live_interventions: list[str] = []
    for session in in_period:
        minutes[session.kind] += session.minutes
        if counts_on(credentials.get(session.supervisor_id, ()), session.date):
            credentialed_minutes[session.kind] += session.minutes
        else:
            uncredentialed.add(session.id)
        if session.kind == "case_management" and not (
            session.group and rules.case_management_individual_only
        ):
            case_management_by_week[_monday(session.date)] += session.minutes
        if session.kind == "clinical_skills":
            clinical_skills_minutes += session.minutes
        if session.live_assessment_intervention:
            live_interventions.append(session.live_assessment_intervention)

    weeks = []
    for monday in weeks_in(start, end):
        absent = _absent_working_days(monday, absences)
        cm = case_management_by_week.get(monday, 0)
        excluded = absent >= rules.absence_days_to_exclude_week
        weeks.append(
            Week(
                monday=monday,
                case_management_minutes=cm,
                absent_days=absent,
                excluded=excluded,
                met=excluded or cm >= rules.case_management_minutes_per_week,
            )
        )
    missed = tuple(w.monday for w in weeks if not w.met)
    counted = sum(1 for w in weeks if not w.excluded)
    required = round(counted / 2 * rules.clinical_skills_minutes_per_fortnight / 60, 2)
    shortfall = round(max(0.0, required - clinical_skills_minutes / 60), 2)

    last_review: dict[int, date] = {}
    for case_id, day in reviews:
        if day <= end and (case_id not in last_review or day > last_review[case_id]):
            last_review[case_id] = day
    active = [c for c in cases if is_open_on(c.opened_on, c.closed_on, end)]
    overdue = []
    for case in active:
        reviewed = last_review.get(case.id)
        since = (end - max(reviewed or case.opened_on, case.opened_on)).days
        if since > rules.case_review_interval_days:
            overdue.append(OverdueCase(case.reference, since, reviewed))
    overdue.sort(key=lambda c: (-c.days_since_review, c.reference))

    gaps = []
    if missed:
        listed = ", ".join(_fmt(m) for m in missed[:6]) + (" and others" if len(missed) > 6 else "")
        gaps.append(
            f"Case-management supervision of at least {number(rules.case_management_minutes_per_week / 60)} "
            f"hour was missed in {plural(len(missed), 'week')} (weeks beginning {listed})."
        )
    if round(shortfall * 60) > 0:  # less than a minute short is not a gap anyone could act on
        gaps.append(
            f"Clinical-skills supervision is {in_hours(shortfall)} short of "
            f"{in_hours(rules.clinical_skills_minutes_per_fortnight / 60)} a fortnight on average "
            f"({in_hours(clinical_skills_minutes / 60)} of {in_hours(required)})."
        )
    if overdue:
        listed = ", ".join(f"{c.reference} ({c.days_since_review} days)" for c in overdue[:6])
        gaps.append(
            f"{plural(len(overdue), 'case is', 'cases are')} overdue for review "
            f"(every {rules.case_review_interval_days} days): {listed}"
            + (" and others." if len(overdue) > 6 else ".")
        )
    hours = {kind: round(minutes[kind] / 60, 2) for kind in KINDS}
    credentialed_hours = {kind: round(credentialed_minutes[kind] / 60, 2) for kind in KINDS}
    notes = []
    not_counting = round(sum(hours.values()) - sum(credentialed_hours.values()), 2)
    if not_counting > 0:
        notes.append(
            f"{in_hours(not_counting)} of supervision were with a supervisor who was not credentialed "
            "(or whose credential was not verified) at the time; they do not count toward accreditation."
        )
    excluded = tuple(w.monday for w in weeks if w.excluded)
    if excluded:
        notes.append(
            f"{plural(len(excluded), 'week')} of leave or interruption {is_are(len(excluded))} not counted."
        )
    return Compliance(
        start=start,
        end=end,
        rules=rules,
        weeks=tuple(weeks),
        missed_weeks=missed,
        excluded_weeks=excluded,
        hours=hours,
        credentialed_hours=credentialed_hours,
        clinical_skills_required_hours=required,
        clinical_skills_shortfall_hours=shortfall,
        active_cases=len(active),
        overdue_cases=tuple(overdue),
        live_assessments=len(live_interventions),
        live_assessment_interventions=tuple(sorted(set(live_interventions))),
        uncredentialed_session_ids=frozenset(uncredentialed),
        gaps=tuple(gaps),
        notes=tuple(notes),
    )


def site_ratio_flag(qualified_staff: int, trainees: int, rules: Rules = Rules()) -> bool:
    """True when a site has too few qualified staff for its trainees (below 1 to `max` trainees)."""
    return trainees > qualified_staff * rules.site_max_trainees_per_qualified
