"""Reads for training days: the schedule, registers, and each trainee's progress against the route's days.

`training_days_progress_for` is the one place the figures are worked out. The trainee page, the cohort page,
the attendance page, the readiness engine and the PDF portfolio all show its result; nothing recomputes it.
It costs the same six queries whether it is asked about one trainee or a whole programme.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from curriculum.models import Cohort, Route, RouteModule
from trainees.attendance.models import ABSENT, ATTENDED
from trainees.enrolment.models import add_months
from trainees.models import (
    AttendanceMark,
    CatchUp,
    Enrolment,
    Interruption,
    TeachingDay,
    WorkplaceDay,
)

# A trainee whose confirmed (or waiting) workplace days trail the even pace through the window by more than
# this many days is flagged "at risk": early enough to catch up, late enough not to nag about one week.
WORKPLACE_DAYS_BEHIND_ALLOWANCE = 2

STATUS_LABELS = {
    "complete": "Complete",
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
}
# Most urgent first, so that sorting by status brings trainees who need help to the top.
STATUS_RANK = {"off_track": 0, "at_risk": 1, "on_track": 2, "complete": 3}


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _is_are(n: int) -> str:
    return "is" if n == 1 else "are"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


@dataclass(frozen=True)
class ModuleDays:
    module_number: int
    module_title: str
    university_required: int
    university_completed: int
    workplace_required: int
    workplace_completed: int

    @property
    def university_outstanding(self) -> int:
        return max(self.university_required - self.university_completed, 0)

    @property
    def workplace_outstanding(self) -> int:
        return max(self.workplace_required - self.workplace_completed, 0)


@dataclass(frozen=True)
class TrainingDaysProgress:
    as_of: date
    university_required: int
    university_completed: int  # attended days + approved catch-ups
    workplace_required: int
    workplace_completed: int  # supervisor-confirmed directed workplace days
    modules: tuple[ModuleDays, ...]
    window_end: date  # start + route.window_months, extended by interruptions
    can_still_fit: bool
    complete: bool  # every required day done
    completed_within_window: bool
    status: str  # "complete" | "on_track" | "at_risk" | "off_track"
    reason: str

    @property
    def university_outstanding(self) -> int:
        return max(self.university_required - self.university_completed, 0)

    @property
    def workplace_outstanding(self) -> int:
        return max(self.workplace_required - self.workplace_completed, 0)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def status_rank(self) -> int:
        return STATUS_RANK[self.status]


# ---------------------------------------------------------------------------------------------------------
# The engine: pure functions over plain values, so the rules can be tested without a database.


@dataclass(frozen=True)
class RouteModuleDays:
    module_id: int
    number: int
    title: str
    university: int
    workplace: int


@dataclass(frozen=True)
class TraineeDays:
    """Everything the rules need about one trainee, as plain values."""

    start_date: date
    window_months: int
    route_modules: tuple[RouteModuleDays, ...]
    teaching_days: tuple[tuple[int, date, int], ...]  # (day id, date, module id): the cohort's scheduled days
    marks: dict[int, str] = field(default_factory=dict)  # day id -> current status
    catch_ups: dict[int, tuple[date, date]] = field(default_factory=dict)  # day id -> (completed, approved)
    # (date, module id, status, logged on, reviewed on or None)
    workplace: tuple[tuple[date, int, str, date, date | None], ...] = ()
    interruptions: tuple[tuple[date, date], ...] = ()


def _overlap(start: date, end: date, first: date, last: date) -> int:
    lo, hi = max(start, first), min(end, last)
    return max((hi - lo).days + 1, 0)


def window_end(start: date, months: int, interruptions: Iterable[tuple[date, date]]) -> date:
    """The route's window from `start`, moved later by every interruption day that falls inside it.

    Moving the end can bring more of a later interruption inside the window, so repeat until it settles.
    """
    interruptions = list(interruptions)
    nominal = add_months(start, months)
    end = nominal
    while True:
        paused = sum(_overlap(start, end, first, last) for first, last in interruptions)
        extended = nominal + timedelta(days=paused)
        if extended == end:
            return end
        end = extended


def _weekdays_between(first: date, last: date) -> int:
    """Monday-to-Friday dates from first to last inclusive."""
    if last < first:
        return 0
    days = (last - first).days + 1
    weeks, extra = divmod(days, 7)
    count = weeks * 5
    for offset in range(extra):
        if (first.weekday() + offset) % 7 < 5:
            count += 1
    return count


def _nth(dates: list[date], n: int) -> date | None:
    if n <= 0:
        return None
    ordered = sorted(dates)
    return ordered[n - 1] if len(ordered) >= n else None


def _module_list(numbers: list[int]) -> str:
    names = [f"module {n}" for n in sorted(set(numbers))]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def assess_training_days(trainee: TraineeDays, *, on: date) -> TrainingDaysProgress:
    """Where a trainee stands against the route's days on `on`: counts, the window and a status in words."""
    end = window_end(trainee.start_date, trainee.window_months, trainee.interruptions)
    route_module_ids = {rm.module_id for rm in trainee.route_modules}
    days_by_module: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for day_id, day_date, module_id in trainee.teaching_days:
        if module_id in route_module_ids:
            days_by_module[module_id].append((day_id, day_date))

    window_open = on < end
    modules: list[ModuleDays] = []
    completion_dates: list[date] = []
    cannot_fit: list[str] = []
    university_short: list[tuple[int, int, int]] = []  # (module, outstanding, days that could still count)
    missed_modules: list[int] = []
    missed_count = 0
    unmarked_count = 0
    future_teaching: set[date] = set()

    workplace_confirmed: dict[int, list[date]] = defaultdict(list)
    workplace_waiting = 0
    for day_date, module_id, status, logged_on, reviewed_on in trainee.workplace:
        if day_date > on or logged_on > on or module_id not in route_module_ids:
            continue
        if status == WorkplaceDay.Status.CONFIRMED and reviewed_on is not None and reviewed_on <= on:
            workplace_confirmed[module_id].append(day_date)
        elif (reviewed_on is None or reviewed_on > on) and day_date <= end:
            # Waiting for the supervisor on `on`; it may yet count, as it falls inside the window.
            workplace_waiting += 1

    for rm in trainee.route_modules:
        events: list[date] = []
        future = missed = unmarked = 0
        for day_id, day_date in days_by_module.get(rm.module_id, []):
            if day_date > on:
                if day_date <= end:
                    future += 1
                    future_teaching.add(day_date)
                continue
            status = trainee.marks.get(day_id)
            caught_up = trainee.catch_ups.get(day_id)
            if status in ATTENDED:
                events.append(day_date)
            elif caught_up and caught_up[0] <= on and caught_up[1] <= on:
                events.append(caught_up[0])
            elif status in ABSENT:
                missed += 1
            elif status is None and day_date <= end:
                unmarked += 1  # the register has not been taken yet
        university_completed = min(len(events), rm.university)
        outstanding = rm.university - university_completed
        if outstanding:
            # Days still to come, registers not yet taken, and missed days a catch-up could still make up.
            possible = future + unmarked + (missed if window_open else 0)
            if outstanding > possible:
                university_short.append((rm.number, outstanding, possible))
            if missed and university_completed < rm.university:
                missed_modules.append(rm.number)
                missed_count += min(missed, outstanding)
        unmarked_count += unmarked
        confirmed = workplace_confirmed.get(rm.module_id, [])
        workplace_completed = min(len(confirmed), rm.workplace)
        modules.append(
            ModuleDays(
                module_number=rm.number,
                module_title=rm.title,
                university_required=rm.university,
                university_completed=university_completed,
                workplace_required=rm.workplace,
                workplace_completed=workplace_completed,
            )
        )
        for dates, needed in ((events, rm.university), (confirmed, rm.workplace)):
            reached = _nth(dates, needed)
            if needed and reached is not None:
                completion_dates.append(reached)

    university_required = sum(m.university_required for m in modules)
    university_completed = sum(m.university_completed for m in modules)
    workplace_required = sum(m.workplace_required for m in modules)
    workplace_completed = sum(m.workplace_completed for m in modules)
    workplace_outstanding = workplace_required - workplace_completed
    complete = university_completed == university_required and workplace_completed == workplace_required
    completed_on = max(completion_dates) if complete and completion_dates else None
    completed_within_window = complete and (completed_on is None or completed_on <= end)

    # Working days left in the window for workplace learning: weekdays after `on`, not at university and not
    # during an interruption.
    available = 0
    if window_open:
        first = on + timedelta(days=1)
        busy = {d for d in future_teaching if d.weekday() < 5}
        for start, last in trainee.interruptions:
            day = max(start, first)
            while day <= min(last, end):
                if day.weekday() < 5:
                    busy.add(day)
                day += timedelta(days=1)
        available = _weekdays_between(first, end) - len(busy)
    if len(university_short) == 1:
        number, outstanding, possible = university_short[0]
        cannot_fit.append(
            f"module {number} needs {_plural(outstanding, 'more university day')} but only {possible} "
            f"can still be attended or made up before the window ends"
        )
    elif university_short:
        cannot_fit.append(
            "university days cannot all fit before the window ends ("
            + "; ".join(f"module {n} needs {k} more, only {p} left" for n, k, p in university_short)
            + ")"
        )
    if workplace_outstanding > workplace_waiting + available:
        cannot_fit.append(
            f"{_plural(workplace_outstanding, 'workplace day')} {_is_are(workplace_outstanding)} outstanding "
            f"but only {_plural(available, 'working day')} {_is_are(available)} left"
        )
    can_still_fit = complete or not cannot_fit

    # Pace of workplace days: an even share of the route's days across the window so far.
    paused_so_far = sum(_overlap(trainee.start_date, on, a, b) for a, b in trainee.interruptions)
    window_length = (add_months(trainee.start_date, trainee.window_months) - trainee.start_date).days
    elapsed = max((min(on, end) - trainee.start_date).days + 1 - paused_so_far, 0)
    expected_workplace = int(workplace_required * min(elapsed / window_length, 1)) if window_length else 0
    behind = workplace_completed + workplace_waiting < expected_workplace - WORKPLACE_DAYS_BEHIND_ALLOWANCE

    ends = f"the window ends on {long_date(end)}"
    if complete:
        status = "complete"
        when = f" by {long_date(completed_on)}" if completed_on else ""
        where = "within the window" if completed_within_window else "after the window ended"
        reason = (
            f"All {university_required} university and {workplace_required} workplace days are done{when}, "
            f"{where} ({'it ends' if window_open else 'it ended'} on {long_date(end)})."
        )
    elif not can_still_fit:
        status = "off_track"
        if window_open:
            reason = _sentence("; ".join(cannot_fit)) + f" ({ends})."
        else:
            reason = (
                f"The window ended on {long_date(end)} with {university_required - university_completed} "
                f"university and {workplace_outstanding} workplace days still to do."
            )
    elif missed_count or behind:
        status = "at_risk"
        parts = []
        if missed_count:
            parts.append(
                f"{_plural(missed_count, 'missed university day')} ({_module_list(missed_modules)}) "
                f"{_is_are(missed_count)} not yet made up by an approved catch-up"
            )
        if behind:
            parts.append(
                f"workplace days are behind: {workplace_completed} confirmed"
                + (f" and {workplace_waiting} waiting" if workplace_waiting else "")
                + f", about {expected_workplace} expected by now"
            )
        reason = _sentence("; ".join(parts)) + f" ({ends})."
    else:
        status = "on_track"
        reason = (
            f"{university_completed} of {university_required} university days and {workplace_completed} of "
            f"{workplace_required} workplace days done; the rest fit in the window, which ends on "
            f"{long_date(end)}."
        )
        if unmarked_count:
            reason += f" {_plural(unmarked_count, 'register')} still to be taken."

    return TrainingDaysProgress(
        as_of=on,
        university_required=university_required,
        university_completed=university_completed,
        workplace_required=workplace_required,
        workplace_completed=workplace_completed,
        modules=tuple(modules),
        window_end=end,
        can_still_fit=can_still_fit,
        complete=complete,
        completed_within_window=completed_within_window,
        status=status,
        reason=reason,
    )


# ---------------------------------------------------------------------------------------------------------
# Loading: six queries for any number of trainees.


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def training_days_progress_for(enrolments, *, on: date) -> dict[int, TrainingDaysProgress]:
    """Progress for many trainees at once: {enrolment.pk: TrainingDaysProgress}, in six queries."""
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    ids = [e.pk for e in enrolments]
    route_modules: dict[int, list[RouteModuleDays]] = defaultdict(list)
    window_months: dict[int, int] = {}
    for rm in (
        RouteModule.objects.filter(route_id__in={e.route_id for e in enrolments})
        .select_related("module", "route")
        .order_by("route_id", "module__number")
    ):
        window_months[rm.route_id] = rm.route.window_months
        route_modules[rm.route_id].append(
            RouteModuleDays(
                rm.module_id, rm.module.number, rm.module.title, rm.university_days, rm.workplace_days
            )
        )
    teaching: dict[int, list[tuple[int, date, int]]] = defaultdict(list)
    for day_id, cohort_id, day_date, module_id in (
        TeachingDay.objects.filter(
            cohort_id__in={e.cohort_id for e in enrolments}, status=TeachingDay.Status.SCHEDULED
        )
        .order_by("date")
        .values_list("id", "cohort_id", "date", "module_id")
    ):
        teaching[cohort_id].append((day_id, day_date, module_id))
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    for enrolment_id, day_id, status in (
        AttendanceMark.objects.current()
        .filter(enrolment_id__in=ids)
        .values_list("enrolment_id", "teaching_day_id", "status")
    ):
        marks[enrolment_id][day_id] = status
    catch_ups: dict[int, dict[int, tuple[date, date]]] = defaultdict(dict)
    for enrolment_id, day_id, completed_on, decided_at in CatchUp.objects.filter(
        enrolment_id__in=ids, status=CatchUp.Status.APPROVED
    ).values_list("enrolment_id", "teaching_day_id", "completed_on", "decided_at"):
        catch_ups[enrolment_id][day_id] = (completed_on, _local_date(decided_at))
    workplace: dict[int, list] = defaultdict(list)
    for enrolment_id, day_date, module_id, status, logged_at, reviewed_at in (
        WorkplaceDay.objects.filter(enrolment_id__in=ids)
        .exclude(status=WorkplaceDay.Status.REJECTED)
        .values_list("enrolment_id", "date", "module_id", "status", "logged_at", "reviewed_at")
    ):
        workplace[enrolment_id].append(
            (day_date, module_id, status, _local_date(logged_at), _local_date(reviewed_at))
        )
    interruptions: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for enrolment_id, starts_on, ends_on in Interruption.objects.filter(enrolment_id__in=ids).values_list(
        "enrolment_id", "starts_on", "ends_on"
    ):
        interruptions[enrolment_id].append((starts_on, ends_on))

    return {
        e.pk: assess_training_days(
            TraineeDays(
                start_date=e.start_date,
                window_months=window_months.get(e.route_id, 12),
                route_modules=tuple(route_modules[e.route_id]),
                teaching_days=tuple(teaching[e.cohort_id]),
                marks=marks[e.pk],
                catch_ups=catch_ups[e.pk],
                workplace=tuple(workplace[e.pk]),
                interruptions=tuple(interruptions[e.pk]),
            ),
            on=on,
        )
        for e in enrolments
    }


def training_days_progress(enrolment, *, on: date) -> TrainingDaysProgress:
    """Progress for one trainee on `on` (the same figures as the bulk variant)."""
    return training_days_progress_for([enrolment], on=on)[enrolment.pk]


# ---------------------------------------------------------------------------------------------------------
# Schedules and registers.


def scheduled_days(cohort: Cohort) -> QuerySet[TeachingDay]:
    return TeachingDay.objects.filter(cohort=cohort, status=TeachingDay.Status.SCHEDULED)


def get_teaching_day(cohort: Cohort, pk: int) -> TeachingDay:
    """A day of this cohort's schedule (404 for another cohort's day: the cohort was already checked)."""
    return get_object_or_404(TeachingDay.objects.select_related("module", "cohort"), cohort=cohort, pk=pk)


@dataclass(frozen=True)
class ScheduleRow:
    day: TeachingDay
    module_day: int  # 1 for the module's first scheduled day, and so on
    marks: int  # trainees with a current mark
    can_change: bool  # no register has been taken


@dataclass(frozen=True)
class ModuleTotal:
    number: int
    title: str
    scheduled: int
    required: dict[str, int]  # route name -> university days the route needs for this module


@dataclass(frozen=True)
class ScheduleOverview:
    rows: tuple[ScheduleRow, ...]
    cancelled: tuple[TeachingDay, ...]
    totals: tuple[ModuleTotal, ...]
    warnings: tuple[str, ...]
    total_scheduled: int


def cohort_routes(cohort: Cohort) -> list[Route]:
    """Routes the cohort's trainees follow; the standard route of the edition when nobody is enrolled yet."""
    routes = list(
        Route.objects.filter(
            Exists(Enrolment.objects.filter(cohort=cohort, route=OuterRef("pk")).exclude(status="withdrawn"))
        )
        .prefetch_related(Prefetch("route_modules", queryset=RouteModule.objects.select_related("module")))
        .order_by("code")
    )
    if not routes:
        routes = list(
            Route.objects.filter(edition_id=cohort.programme.edition_id, code="standard").prefetch_related(
                Prefetch("route_modules", queryset=RouteModule.objects.select_related("module"))
            )
        )
    return routes


def schedule_warnings(per_module: Counter, routes: list[Route]) -> list[str]:
    """A warning for every route whose university days the schedule does not match, module by module."""
    warnings = []
    for route in routes:
        needed = {rm.module.number: rm.university_days for rm in route.route_modules.all()}
        scheduled = {number: per_module.get(number, 0) for number in needed}
        total_needed, total_scheduled = sum(needed.values()), sum(scheduled.values())
        mismatches = [
            f"module {n}: {scheduled[n]} scheduled, {needed[n]} needed"
            for n in sorted(needed)
            if scheduled[n] != needed[n]
        ]
        if mismatches:
            warnings.append(
                f"{route.name}: the schedule has {total_scheduled} university days for this route's modules "
                f"but the route needs {total_needed} ({'; '.join(mismatches)})."
            )
    return warnings


def schedule_overview(cohort: Cohort) -> ScheduleOverview:
    days = list(
        TeachingDay.objects.filter(cohort=cohort)
        .select_related("module")
        .annotate(current_marks=Count("marks", filter=Q(marks__replaced_by__isnull=True)))
        .order_by("date", "id")
    )
    routes = cohort_routes(cohort)
    rows, cancelled, per_module = [], [], Counter()
    titles = {}
    for day in days:
        if day.is_cancelled:
            cancelled.append(day)
            continue
        per_module[day.module.number] += 1
        titles[day.module.number] = day.module.title
        rows.append(
            ScheduleRow(
                day=day,
                module_day=per_module[day.module.number],
                marks=day.current_marks,
                can_change=day.current_marks == 0,
            )
        )
    required: dict[int, dict[str, int]] = defaultdict(dict)
    for route in routes:
        for rm in route.route_modules.all():
            required[rm.module.number][route.name] = rm.university_days
            titles.setdefault(rm.module.number, rm.module.title)
    totals = tuple(
        ModuleTotal(number=n, title=titles[n], scheduled=per_module.get(n, 0), required=required.get(n, {}))
        for n in sorted(set(per_module) | set(required))
    )
    return ScheduleOverview(
        rows=tuple(rows),
        cancelled=tuple(cancelled),
        totals=totals,
        warnings=tuple(schedule_warnings(per_module, routes)),
        total_scheduled=len(rows),
    )


def register_enrolments(day: TeachingDay) -> QuerySet[Enrolment]:
    """Who is on a day's register: the cohort's trainees whose route includes the day's module (CPD-route
    trainees only come on module 1 and 2 days), not withdrawn, plus anyone already marked."""
    on_route = RouteModule.objects.filter(route=OuterRef("route"), module_id=day.module_id)
    marked = AttendanceMark.objects.filter(teaching_day=day, enrolment=OuterRef("pk"))
    return (
        Enrolment.objects.with_people()
        .filter(cohort_id=day.cohort_id)
        .filter((Exists(on_route) & ~Q(status=Enrolment.Status.WITHDRAWN)) | Exists(marked))
        .order_by("user__last_name", "user__first_name", "pk")
    )


@dataclass(frozen=True)
class RegisterRow:
    enrolment: Enrolment
    mark: AttendanceMark | None  # the current version
    interrupted: bool  # on an interruption that day


def register_rows(day: TeachingDay) -> list[RegisterRow]:
    enrolments = list(register_enrolments(day))
    current = {
        m.enrolment_id: m
        for m in AttendanceMark.objects.current().filter(teaching_day=day).select_related("recorded_by")
    }
    interrupted = set(
        Interruption.objects.filter(
            enrolment__in=enrolments, starts_on__lte=day.date, ends_on__gte=day.date
        ).values_list("enrolment_id", flat=True)
    )
    return [RegisterRow(e, current.get(e.pk), e.pk in interrupted) for e in enrolments]


def register_version(day: TeachingDay) -> int:
    """How many marks the day has in all (every version): a form carries it to notice someone else's save."""
    return AttendanceMark.objects.filter(teaching_day=day).count()


def register_history(day: TeachingDay) -> list[AttendanceMark]:
    """Every correction to a day's register, newest first, with what it replaced."""
    return list(
        AttendanceMark.objects.filter(teaching_day=day, replaces__isnull=False)
        .select_related("enrolment__user", "recorded_by", "replaces", "replaces__recorded_by")
        .order_by("-recorded_at", "-id")
    )


def pending_catch_ups(cohort: Cohort) -> list[CatchUp]:
    return list(
        CatchUp.objects.filter(enrolment__cohort=cohort, status=CatchUp.Status.SUBMITTED)
        .select_related("enrolment__user", "teaching_day__module", "submitted_by")
        .order_by("submitted_at")
    )


# ---------------------------------------------------------------------------------------------------------
# One trainee's attendance page.


@dataclass(frozen=True)
class DayLine:
    day: TeachingDay
    mark: AttendanceMark | None
    catch_up: CatchUp | None  # the approved or waiting one, if any
    can_catch_up: bool  # missed, in the past, nothing approved or waiting yet


@dataclass(frozen=True)
class AttendanceRecord:
    progress: TrainingDaysProgress
    days: tuple[DayLine, ...]
    workplace_days: tuple[WorkplaceDay, ...]
    catch_ups: tuple[CatchUp, ...]
    interruptions: tuple[Interruption, ...]
    minutes_missed: int
    workplace_waiting: int


def missed_days(enrolment: Enrolment, *, on: date) -> QuerySet[TeachingDay]:
    """Past days of the trainee's modules marked as an absence, with no approved or waiting catch-up."""
    absent = AttendanceMark.objects.current().filter(
        teaching_day=OuterRef("pk"), enrolment=enrolment, status__in=list(ABSENT)
    )
    live_catch_up = CatchUp.objects.filter(
        teaching_day=OuterRef("pk"),
        enrolment=enrolment,
        status__in=[CatchUp.Status.SUBMITTED, CatchUp.Status.APPROVED],
    )
    return (
        scheduled_days(enrolment.cohort)
        .filter(date__lte=on, module__route_modules__route_id=enrolment.route_id)
        .filter(Exists(absent), ~Exists(live_catch_up))
        .select_related("module")
        .order_by("date")
    )


def attendance_record(enrolment: Enrolment, *, on: date) -> AttendanceRecord:
    days = list(
        scheduled_days(enrolment.cohort)
        .filter(module__route_modules__route_id=enrolment.route_id)
        .select_related("module")
        .order_by("date")
    )
    marks = {
        m.teaching_day_id: m
        for m in AttendanceMark.objects.current().filter(enrolment=enrolment).select_related("recorded_by")
    }
    catch_ups = list(
        CatchUp.objects.filter(enrolment=enrolment)
        .select_related("teaching_day__module", "decided_by", "submitted_by")
        .order_by("teaching_day__date", "submitted_at")
    )
    live = {c.teaching_day_id: c for c in catch_ups if c.status != CatchUp.Status.REJECTED}
    lines = []
    for day in days:
        mark = marks.get(day.pk)
        missed = mark is not None and mark.status in ABSENT
        lines.append(
            DayLine(
                day=day,
                mark=mark,
                catch_up=live.get(day.pk),
                can_catch_up=missed and day.date <= on and day.pk not in live,
            )
        )
    workplace = tuple(
        WorkplaceDay.objects.filter(enrolment=enrolment)
        .select_related("module", "reviewed_by")
        .order_by("-date")
    )
    return AttendanceRecord(
        progress=training_days_progress(enrolment, on=on),
        days=tuple(lines),
        workplace_days=workplace,
        catch_ups=tuple(catch_ups),
        interruptions=tuple(enrolment.interruptions.select_related("recorded_by").order_by("starts_on")),
        minutes_missed=sum(m.minutes_missed for m in marks.values()),
        workplace_waiting=sum(1 for w in workplace if w.status == WorkplaceDay.Status.SUBMITTED),
    )
