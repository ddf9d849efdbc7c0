"""Reads for the caseload: expected against actual patients, practice figures, the contact list.

`caseload_figures` / `caseload_figures_for` are the interface other areas read (see CONTRACTS.md): the
readiness engine, the PDF portfolio, the cohort page and supervisors' pages all show this one result.
"""

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value

from curriculum.models import Cohort, Intervention
from trainees.caseload.open_cases import is_open_on
from trainees.caseload.ramp import Ramp, TrainingClock
from trainees.enrolment.facts import Area, remember
from trainees.enrolment.selectors import interruptions_for
from trainees.models import (
    Case,
    CaseloadSettings,
    ColumnMapping,
    Contact,
    Enrolment,
    Interruption,
    RampProfile,
)

RECENT_WEEKS = 12
DEFAULT_ANNUAL_CASELOAD = 250
DEFAULT_CONTACT_HOURS_TARGET = 80


@dataclass(frozen=True)
class CaseloadFigures:
    as_of: date
    profile: str  # ramp profile code
    expected_patients_to_date: float
    actual_patients_to_date: int
    expected_active_caseload: float
    actual_active_caseload: int  # cases open on the day (trainees/caseload/open_cases.py)
    expected_year_total: float
    contact_hours: float | None  # direct clinical contact hours to date (None when not asked for)
    first_contact_on: date | None
    # Average over the last 12 weeks (for registration: >= 2); None when not asked for.
    step2_hours_per_week: float | None
    patients_last_12_months: int
    status: str  # "on_track" | "behind" | "ahead" | "not_started"
    reason: str
    profile_name: str  # the ramp's name, as the pages write it
    last_contact_on: date | None = None  # the latest contact on or before `as_of`
    # The first day the ramp expects patients (after its months of none; later for interruptions).
    caseload_expected_from: date | None = None
    # Days of training (interruptions pause them) since the latest contact, or since the ramp began expecting
    # patients if that is later; None before then.
    days_without_contact: int | None = None
    # The most patients the trainee could have seen by the end of the training year if they saw a full
    # caseload from `as_of` on (the patients seen so far plus the full monthly rate for the months left).
    most_by_year_end: float | None = None
    # Whether that still comes within the ramp's tolerance of the year's expected total.
    year_total_within_reach: bool = True

    @property
    def difference(self) -> float:
        return self.actual_patients_to_date - self.expected_patients_to_date

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


STATUS_LABELS = {
    "on_track": "On track",
    "behind": "Behind",
    "ahead": "Ahead",
    "not_started": "Not started",
}


@dataclass(frozen=True)
class MonthFigures:
    month: int
    ends_on: date
    expected_new: float
    expected_to_date: float
    actual_new: int | None  # None for months not yet reached
    actual_to_date: int | None
    paused_days: int
    is_current: bool

    @property
    def difference_label(self) -> str:
        """Actual minus expected, signed, for the month's row ("+3", "−5", "0")."""
        if self.actual_to_date is None:
            return ""
        difference = round(self.actual_to_date - self.expected_to_date)
        return f"+{difference}" if difference > 0 else (f"−{-difference}" if difference < 0 else "0")


@dataclass(frozen=True)
class Tally:
    code: str
    label: str
    contacts: int
    hours: float
    cases: int = 0
    core: bool = False


@dataclass(frozen=True)
class PracticeFigures:
    as_of: date
    contact_hours: float
    contact_hours_target: int
    contacts: int
    by_type: tuple[Tally, ...]
    by_mode: tuple[Tally, ...]
    by_intervention: tuple[Tally, ...]  # contacts and treated cases for each intervention
    depression_patients: int
    anxiety_patients: int
    other_patients: int
    unrecorded_patients: int
    patients: int
    is_qualified: bool
    patients_last_12_months: int
    step2_hours_per_week: float

    @property
    def hours_met(self) -> bool:
        return self.contact_hours >= self.contact_hours_target


# --- ramps -----------------------------------------------------------------------------------------


def _ramp(profile: RampProfile, settings: CaseloadSettings | None) -> Ramp:
    none_months = profile.none_months
    if settings is not None and settings.none_months is not None:
        none_months = min(settings.none_months, profile.training_months - 1, profile.full_from_month - 1)
    return Ramp(
        code=profile.code,
        name=profile.name,
        kind=profile.kind,
        annual_caseload=settings.annual_caseload if settings else DEFAULT_ANNUAL_CASELOAD,
        none_months=none_months,
        partial_share=float(profile.partial_share),
        full_from_month=profile.full_from_month,
        end_share=float(profile.end_share),
        training_months=profile.training_months,
        episode_weeks=profile.episode_weeks,
        inactive_after_weeks=profile.inactive_after_weeks,
        tolerance_percent=profile.tolerance_percent,
        tolerance_patients=profile.tolerance_patients,
    )


def default_profile() -> RampProfile:
    profile = RampProfile.objects.filter(is_default=True).first() or RampProfile.objects.first()
    if profile is None:
        raise RampProfile.DoesNotExist("Load the reference data first: python manage.py load_reference_data")
    return profile


def programme_ramps(programme_ids) -> dict[int, tuple[Ramp, int]]:
    """{programme id: (ramp, contact hours target)} in two queries; defaults where a programme chose none."""
    programme_ids = set(programme_ids)
    settings = {
        s.programme_id: s
        for s in CaseloadSettings.objects.filter(programme_id__in=programme_ids).select_related("profile")
    }
    fallback = None if len(settings) == len(programme_ids) else default_profile()
    result = {}
    for programme_id in programme_ids:
        chosen = settings.get(programme_id)
        if chosen is None:
            result[programme_id] = (_ramp(fallback, None), DEFAULT_CONTACT_HOURS_TARGET)
        else:
            result[programme_id] = (_ramp(chosen.profile, chosen), chosen.contact_hours_target)
    return result


def ramp_for(enrolment: Enrolment) -> Ramp:
    return programme_ramps([enrolment.cohort.programme_id])[enrolment.cohort.programme_id][0]


def _clocks(
    enrolments, interruptions: dict[int, list[Interruption]] | None = None
) -> dict[int, TrainingClock]:
    """Each trainee's training clock, paused for their interruptions (read here in one query unless a page
    that has already read them with `interruptions_for` hands them in)."""
    if interruptions is None:
        interruptions = interruptions_for(enrolments)
    return {
        e.pk: TrainingClock.of(e.start_date, [(i.starts_on, i.ends_on) for i in interruptions.get(e.pk, ())])
        for e in enrolments
    }


def clock_for(enrolment: Enrolment) -> TrainingClock:
    return _clocks([enrolment])[enrolment.pk]


def ramp_end(enrolment: Enrolment, ramp: Ramp, clock: TrainingClock) -> date:
    """The last day the ramp covers: the end of the training year (later for interruptions), or the day
    training was completed if that came first."""
    end = clock.date_at(ramp.training_months)
    if enrolment.completed_on and enrolment.completed_on < end:
        return enrolment.completed_on
    return end


# --- the figures other areas read ------------------------------------------------------------------


@dataclass
class _CaseRow:
    opened_on: date
    first: date | None  # first contact up to `on` (None: not seen yet)
    last: date | None
    closed_on: date | None


def _case_rows(
    enrolment_ids, on: date, *, hours: bool = True
) -> tuple[dict[int, list[_CaseRow]], dict[int, tuple[int, int]]]:
    """Per enrolment, every case opened by `on` (its opening date, its first and latest contact to `on`, and
    its closing date), and the contact minutes to `on` (all, and in the last `RECENT_WEEKS`); without
    `hours`, no minutes (the two sums are half of the query's work).

    One query, one row per case. Each case's contacts are read through the contacts' (case, date) index, a
    few index entries per case: joining the cases to the contacts and grouping had PostgreSQL read the whole
    contacts table (every trainee in the country) for one batch of trainees, as a hash join is costed below
    a thousand index look-ups. The minutes used to be summed in a second query over the same contacts."""
    rows = defaultdict(list)
    minutes: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    recent_from = on - timedelta(weeks=RECENT_WEEKS) + timedelta(days=1)
    seen = Contact.objects.filter(case_id=OuterRef("pk"), date__lte=on).order_by()

    def minutes_of(contacts):
        return Subquery(contacts.values("case_id").annotate(minutes=Sum("minutes")).values("minutes"))

    sums = (
        {"total": minutes_of(seen), "recent": minutes_of(seen.filter(date__gte=recent_from))}
        if hours
        else {"total": Value(0), "recent": Value(0)}
    )
    query = (
        Case.objects.filter(enrolment_id__in=enrolment_ids)
        .annotate(
            first=Subquery(seen.order_by("date").values("date")[:1]),
            last=Subquery(seen.order_by("-date").values("date")[:1]),
            **sums,
        )
        .order_by()
        .values_list("enrolment_id", "opened_on", "first", "last", "closed_on", "total", "recent")
    )
    for enrolment_id, opened_on, first, last, closed_on, total, recent in query:
        # A contact dated before its case was opened still counts towards the hours, as it always has.
        if total:
            counted = minutes[enrolment_id]
            counted[0] += total
            counted[1] += recent or 0
        if opened_on <= on:
            rows[enrolment_id].append(_CaseRow(opened_on, first, last, closed_on))
    return rows, {pk: (total, recent) for pk, (total, recent) in minutes.items()}


def _status(ramp: Ramp, *, position: float, expected: float, actual: int, at: date, finished: bool):
    if position <= 0:
        return "not_started", "Training has not started yet."
    if actual == 0 and expected < 1:
        return "not_started", (
            f"No caseload is expected yet: the {ramp.name.lower()} starts in month {ramp.none_months + 1}."
        )
    margin = ramp.margin(expected)
    difference = actual - expected
    when = "over the training year" if finished else f"by {at.day} {at:%B %Y}"
    base = f"{actual} patients seen against {expected:.0f} expected {when} ({ramp.name.lower()})"
    if difference < -margin:
        return "behind", f"{base}: {-difference:.0f} behind."
    if difference > margin:
        return "ahead", f"{base}: {difference:.0f} ahead."
    if round(difference) == 0:
        return "on_track", f"{base}: in line with the ramp."
    side = "behind" if difference < 0 else "ahead"
    return "on_track", f"{base}: {abs(difference):.0f} {side}, within the {margin:.0f} allowed."


def _figures(
    enrolment,
    ramp: Ramp,
    clock: TrainingClock,
    cases: list[_CaseRow],
    minutes,
    on: date,
    *,
    hours: bool = True,
):
    end = ramp_end(enrolment, ramp, clock)
    finished = on > end
    at = end if finished else on
    position = clock.position(at)
    expected = ramp.expected_new(position)
    actual = sum(1 for c in cases if c.first is not None and c.first <= at)
    active = sum(1 for c in cases if is_open_on(c.opened_on, c.closed_on, at))
    status, reason = _status(
        ramp, position=position, expected=expected, actual=actual, at=at, finished=finished
    )
    paused = clock.paused_days(enrolment.start_date, at)
    if paused and status != "not_started":
        reason += f" The ramp paused for {paused} days of interruption."
    year_ago = on - timedelta(days=365)
    total, recent = minutes
    last_contact = max((c.last for c in cases if c.last is not None), default=None)
    expected_from = clock.date_at(ramp.none_months) + timedelta(days=1) if ramp.none_months else clock.start
    most = actual + ramp.monthly_rate * max(ramp.training_months - position, 0.0)
    return CaseloadFigures(
        as_of=on,
        profile=ramp.code,
        expected_patients_to_date=round(expected, 1),
        actual_patients_to_date=actual,
        profile_name=ramp.name,
        expected_active_caseload=round(ramp.expected_active(position), 1),
        actual_active_caseload=active,
        expected_year_total=round(ramp.year_total, 1),
        contact_hours=round(total / 60, 2) if hours else None,
        first_contact_on=min((c.first for c in cases if c.first is not None), default=None),
        step2_hours_per_week=round(recent / 60 / RECENT_WEEKS, 2) if hours else None,
        patients_last_12_months=sum(1 for c in cases if c.last is not None and c.last > year_ago),
        status=status,
        reason=reason,
        last_contact_on=last_contact,
        days_without_contact=(
            clock.days_elapsed(on) - clock.days_elapsed(max(last_contact or expected_from, expected_from))
            if on >= expected_from
            else None
        ),
        most_by_year_end=round(most, 1),
        year_total_within_reach=most >= ramp.year_total - ramp.margin(ramp.year_total),
        caseload_expected_from=expected_from,
    )


def _programme_ids(enrolments) -> dict[int, int]:
    """{enrolment pk: programme id}, from the loaded cohorts, or in one query if any cohort is not loaded."""
    if all(Enrolment.cohort.is_cached(e) for e in enrolments):
        return {e.pk: e.cohort.programme_id for e in enrolments}
    cohorts = dict(
        Cohort.objects.filter(pk__in={e.cohort_id for e in enrolments}).values_list("pk", "programme_id")
    )
    return {e.pk: cohorts[e.cohort_id] for e in enrolments}


def caseload_figures_for(
    enrolments, *, on: date, ramps=None, clocks=None, interruptions=None, hours: bool = True
) -> dict[int, CaseloadFigures]:
    """{enrolment pk: CaseloadFigures} in a constant number of queries (four, or five if the enrolments'
    cohorts are not loaded, as `Enrolment.objects.with_people()` loads them), whatever their number.
    `ramps` and `clocks` (or the `interruptions` the clocks are worked out from, as `interruptions_for` reads
    them) let a page that has already loaded them save the queries. `hours=False` leaves `contact_hours` and
    `step2_hours_per_week` None, for a reader that shows neither (the attention list): summing every case's
    contact minutes is about half the cost of the figures' one large query."""

    def work_out(enrolments):
        return _caseload_figures(
            enrolments, on=on, ramps=ramps, clocks=clocks, interruptions=interruptions, hours=hours
        )

    # Remembered per trainee by records version and day (a programme's ramp settings bump its trainees).
    return remember(FACTS, enrolments, params=(on,), compute=work_out, variant="" if hours else "no-hours")


FACTS = Area("caseload")


def _caseload_figures(enrolments, *, on, ramps, clocks, interruptions, hours) -> dict[int, CaseloadFigures]:
    if not enrolments:
        return {}
    ids = [e.pk for e in enrolments]
    programmes = _programme_ids(enrolments)
    ramps = ramps or programme_ramps(programmes.values())
    clocks = clocks or _clocks(enrolments, interruptions)
    cases, minutes = _case_rows(ids, on, hours=hours)
    return {
        e.pk: _figures(
            e,
            ramps[programmes[e.pk]][0],
            clocks[e.pk],
            cases.get(e.pk, []),
            minutes.get(e.pk, (0, 0)),
            on,
            hours=hours,
        )
        for e in enrolments
    }


def caseload_figures(enrolment: Enrolment, *, on: date) -> CaseloadFigures:
    return caseload_figures_for([enrolment], on=on)[enrolment.pk]


# --- the caseload page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadYear:
    ramp: Ramp
    months: tuple[MonthFigures, ...]
    position: float  # training months completed by the day the figures are for
    actual_to_date: int
    ends_on: date  # the last day the ramp covers
    finished: bool


def caseload_year(
    enrolment: Enrolment, *, on: date, ramp: Ramp | None = None, clock: TrainingClock | None = None
) -> CaseloadYear:
    """Expected and actual new patients for each month of the training year, for the chart and its table."""
    ramp = ramp or ramp_for(enrolment)
    clock = clock or clock_for(enrolment)
    end = ramp_end(enrolment, ramp, clock)
    at = min(on, end)
    firsts = sorted(
        Case.objects.filter(enrolment=enrolment)
        .annotate(first=Min("contacts__date", filter=Q(contacts__date__lte=at)))
        .filter(first__isnull=False)
        .order_by()
        .values_list("first", flat=True)
    )
    months = []
    previous_end = enrolment.start_date - timedelta(days=1)
    previous_actual = 0
    current = clock.position(at)
    for month in range(1, ramp.training_months + 1):
        ends_on = clock.date_at(month)
        reached = previous_end < at
        actual = bisect.bisect_right(firsts, min(ends_on, at)) if reached else None
        months.append(
            MonthFigures(
                month=month,
                ends_on=ends_on,
                expected_new=round(ramp.expected_new(month) - ramp.expected_new(month - 1), 1),
                expected_to_date=round(ramp.expected_new(month), 1),
                actual_new=None if actual is None else actual - previous_actual,
                actual_to_date=actual,
                paused_days=clock.paused_days(previous_end + timedelta(days=1), ends_on),
                is_current=month - 1 < current <= month and on <= end,
            )
        )
        previous_end = ends_on
        previous_actual = actual if actual is not None else previous_actual
    return CaseloadYear(
        ramp=ramp,
        months=tuple(months),
        position=min(current, float(ramp.training_months)),
        actual_to_date=len(firsts),
        ends_on=end,
        finished=on > end,
    )


def practice_figures(
    enrolment: Enrolment, *, on: date, figures: CaseloadFigures | None = None, target: int | None = None
) -> PracticeFigures:
    """Contact hours against the programme's target; contacts by type, mode and intervention; breadth of
    presentations; and, for qualified practitioners, patients a year and step-2 hours a week."""
    figures = figures or caseload_figures(enrolment, on=on)
    if target is None:
        target = programme_ramps([enrolment.cohort.programme_id])[enrolment.cohort.programme_id][1]
    contacts = Contact.objects.filter(case__enrolment=enrolment, date__lte=on).order_by()
    by_type_mode = list(contacts.values("type", "mode").annotate(n=Count("pk"), minutes=Sum("minutes")))

    def fold(key, choices):
        tallies = []
        for code, label in choices:
            rows = [r for r in by_type_mode if r[key] == code]
            tallies.append(
                Tally(
                    code=code,
                    label=label,
                    contacts=sum(r["n"] for r in rows),
                    hours=round(sum(r["minutes"] for r in rows) / 60, 1),
                )
            )
        return tuple(tallies)

    used = {
        row["intervention_id"]: row
        for row in contacts.filter(intervention__isnull=False)
        .values("intervention_id")
        .annotate(n=Count("pk"), minutes=Sum("minutes"), cases=Count("case", distinct=True))
    }
    by_intervention = tuple(
        Tally(
            code=i.code,
            label=i.name,
            contacts=used.get(i.pk, {}).get("n", 0),
            hours=round(used.get(i.pk, {}).get("minutes", 0) / 60, 1),
            cases=used.get(i.pk, {}).get("cases", 0),
            core=i.core,
        )
        for i in Intervention.objects.order_by("order", "name")
    )
    problems = dict(
        Case.objects.filter(enrolment=enrolment, contacts__date__lte=on)
        .order_by()
        .values("presenting_problem")
        .annotate(n=Count("pk", distinct=True))
        .values_list("presenting_problem", "n")
    )
    depression = sum(n for p, n in problems.items() if p in DEPRESSION_PROBLEMS)
    anxiety = sum(n for p, n in problems.items() if p in ANXIETY_PROBLEMS)
    other = sum(n for p, n in problems.items() if p == Case.PresentingProblem.OTHER)
    total_minutes = sum(r["minutes"] for r in by_type_mode)
    return PracticeFigures(
        as_of=on,
        contact_hours=round(total_minutes / 60, 1),
        contact_hours_target=target,
        contacts=sum(r["n"] for r in by_type_mode),
        by_type=fold("type", Contact.Type.choices),
        by_mode=fold("mode", Contact.Mode.choices),
        by_intervention=by_intervention,
        depression_patients=depression,
        anxiety_patients=anxiety,
        other_patients=other,
        unrecorded_patients=problems.get("", 0),
        patients=sum(problems.values()),
        is_qualified=is_qualified(enrolment),
        patients_last_12_months=figures.patients_last_12_months,
        step2_hours_per_week=figures.step2_hours_per_week,
    )


# Mixed anxiety and depression counts towards both, as Case.is_depression and Case.is_anxiety do.
DEPRESSION_PROBLEMS = {Case.PresentingProblem.DEPRESSION, Case.PresentingProblem.MIXED}
ANXIETY_PROBLEMS = set(Case.PresentingProblem.values) - {"", Case.PresentingProblem.DEPRESSION, "other"}

REGISTRATION_STEP2_HOURS_PER_WEEK = 2


def is_qualified(enrolment: Enrolment) -> bool:
    """Qualified practitioners (band 5 and above, or training completed) report patients a year and
    step-2 hours a week, which registration needs."""
    return enrolment.band >= Enrolment.Band.BAND_5 or enrolment.status == Enrolment.Status.COMPLETED


def contacts_for(enrolment: Enrolment) -> QuerySet[Contact]:
    """The trainee's contacts, latest first, with only what the caseload page's list shows of each (its case's
    reference and its intervention's name): loading whole rows was a third of the page's read."""
    return (
        Contact.objects.filter(case__enrolment=enrolment)
        .select_related("case", "intervention")
        .only(
            "date",
            "type",
            "mode",
            "minutes",
            "phq9",
            "gad7",
            "wsas",
            "outcome",
            "case__reference",
            "intervention__name",
        )
        .order_by("-date", "case__reference", "type")
    )


def cases_for(enrolment: Enrolment) -> QuerySet[Case]:
    """The trainee's cases with their contact counts and dates, open ones first; only what the caseload
    page's list shows (the database groups the contacts by those columns alone)."""
    return (
        Case.objects.filter(enrolment=enrolment)
        .only("enrolment", "reference", "presenting_problem", "opened_on", "status", "closed_on")
        .annotate(contact_count=Count("contacts"), last_contact=Max("contacts__date"))
        .order_by("-status", "-last_contact", "reference")
    )


def closed_cases_for(enrolment: Enrolment, *, on: date) -> QuerySet[Case]:
    """The trainee's cases closed by `on` (the complement of open, trainees/caseload/open_cases.py), latest
    first, with why each referral ended. Only the columns the closed-cases list shows."""
    return (
        Case.objects.filter(enrolment=enrolment, closed_on__lte=on)
        .only("pk", "reference", "opened_on", "closed_on", "end_reason")
        .order_by("-closed_on", "reference")
    )


def get_case_for_enrolment(enrolment: Enrolment, pk: int) -> Case | None:
    return Case.objects.filter(enrolment=enrolment, pk=pk).first()


def mappings_for_service(service_id: int) -> QuerySet[ColumnMapping]:
    return ColumnMapping.objects.filter(service_id=service_id).order_by("name")


@dataclass(frozen=True)
class CaseloadOverview:
    ramp: Ramp
    figures: CaseloadFigures
    year: CaseloadYear
    practice: PracticeFigures


def caseload_overview(enrolment: Enrolment, *, on: date) -> CaseloadOverview:
    """Everything the caseload page shows above its lists, loading the ramp and interruptions once. The page
    remembers what it draws from this by records version and day (trainees/caseload/views.py)."""
    programme_id = enrolment.cohort.programme_id
    ramps = programme_ramps([programme_id])
    ramp, target = ramps[programme_id]
    clocks = _clocks([enrolment])
    figures = caseload_figures_for([enrolment], on=on, ramps=ramps, clocks=clocks)[enrolment.pk]
    return CaseloadOverview(
        ramp=ramp,
        figures=figures,
        year=caseload_year(enrolment, on=on, ramp=ramp, clock=clocks[enrolment.pk]),
        practice=practice_figures(enrolment, on=on, figures=figures, target=target),
    )
