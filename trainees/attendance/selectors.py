"""Reads for training days: the schedule, registers, and each trainee's progress against the route's days.

`training_days_progress_for` is the one place the figures are worked out. The trainee page, the cohort page,
the attendance page, the readiness engine and the PDF portfolio all show its result; nothing recomputes it.
It costs the same six queries whether it is asked about one trainee or a whole programme: it loads the data
and hands it to the pure engine in trainees/attendance/engine.py.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from curriculum.models import Cohort, Route, RouteModule
from trainees.attendance.engine import (
    RouteModuleDays,
    TraineeDays,
    TrainingDaysProgress,
    assess_training_days,
)
from trainees.attendance.models import ABSENT
from trainees.enrolment.facts import Area, remember
from trainees.enrolment.selectors import interruptions_for
from trainees.models import (
    AttendanceMark,
    CatchUp,
    Enrolment,
    Interruption,
    TeachingDay,
    WorkplaceDay,
)

# ---------------------------------------------------------------------------------------------------------
# Loading: six queries for any number of trainees.


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def training_days_progress_for(
    enrolments, *, on: date, interruptions: dict[int, list[Interruption]] | None = None
) -> dict[int, TrainingDaysProgress]:
    """Progress for many trainees at once: {enrolment.pk: TrainingDaysProgress}, in six queries (five when a
    page that has already read the interruptions hands them in: {enrolment id: each with its `starts_on` and
    `ends_on`, earliest first}, as `interruptions_for` or supervision's `interruptions_among` give them).

    The bulk reads below put rows into dictionaries, so none asks for the models' default ordering: that
    ordering sorts by the trainee's cohort and name and costs three joins a query.

    Remembered per trainee by records version and day (a cohort's teaching days bump the whole cohort)."""
    return remember(
        FACTS, enrolments, params=(on,), compute=lambda missing: _progress_for(missing, on, interruptions)
    )


FACTS = Area("training-days")


def _progress_for(enrolments, on: date, interruptions) -> dict[int, TrainingDaysProgress]:
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
    # Each query is ordered only as far as its result needs: the models' own orderings go through the
    # trainee's cohort and name, four to six joins and a sort over every row, for the same figures.
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    for enrolment_id, day_id, status in (
        AttendanceMark.objects.current()
        .filter(enrolment_id__in=ids)
        .order_by("recorded_at", "id")  # a day's later mark wins, as under the model's ordering
        .values_list("enrolment_id", "teaching_day_id", "status")
    ):
        marks[enrolment_id][day_id] = status
    catch_ups: dict[int, dict[int, tuple[date, date]]] = defaultdict(dict)
    for enrolment_id, day_id, completed_on, decided_at in (
        CatchUp.objects.filter(enrolment_id__in=ids, status=CatchUp.Status.APPROVED)
        .order_by()
        .values_list("enrolment_id", "teaching_day_id", "completed_on", "decided_at")
    ):
        catch_ups[enrolment_id][day_id] = (completed_on, _local_date(decided_at))
    workplace: dict[int, list] = defaultdict(list)
    for enrolment_id, day_date, module_id, status, logged_at, reviewed_at in (
        WorkplaceDay.objects.filter(enrolment_id__in=ids)
        .exclude(status=WorkplaceDay.Status.REJECTED)
        .order_by("date")
        .values_list("enrolment_id", "date", "module_id", "status", "logged_at", "reviewed_at")
    ):
        workplace[enrolment_id].append(
            (day_date, module_id, status, _local_date(logged_at), _local_date(reviewed_at))
        )
    if interruptions is None:
        interruptions = interruptions_for(enrolments)
    pauses = {pk: [(i.starts_on, i.ends_on) for i in interruptions.get(pk, ())] for pk in ids}

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
                interruptions=tuple(pauses[e.pk]),
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
    marks = {m.teaching_day_id: m for m in AttendanceMark.objects.current().filter(enrolment=enrolment)}
    catch_ups = list(
        CatchUp.objects.filter(enrolment=enrolment)
        .select_related("teaching_day__module")
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
        WorkplaceDay.objects.filter(enrolment=enrolment).select_related("module").order_by("-date")
    )
    # Read once for both the progress (the window's end) and the page's list of interruptions.
    interruptions = interruptions_for([enrolment])
    return AttendanceRecord(
        progress=training_days_progress_for([enrolment], on=on, interruptions=interruptions)[enrolment.pk],
        days=tuple(lines),
        workplace_days=workplace,
        catch_ups=tuple(catch_ups),
        interruptions=tuple(interruptions[enrolment.pk]),
        minutes_missed=sum(m.minutes_missed for m in marks.values()),
        workplace_waiting=sum(1 for w in workplace if w.status == WorkplaceDay.Status.SUBMITTED),
    )


def workplace_days_awaiting(enrolment_ids) -> QuerySet[WorkplaceDay]:
    """Workplace days waiting for a supervisor (the supervisor's home lists them, notifications read them):
    of the enrolments `enrolment_ids` names, a list or a subquery of ids."""
    return WorkplaceDay.objects.filter(enrolment_id__in=enrolment_ids, status=WorkplaceDay.Status.SUBMITTED)


def awaiting_workplace_days_for(enrolments) -> list[tuple[int, int, date]]:
    """Workplace days waiting for a supervisor: (day id, enrolment id, date), one query."""
    return list(
        workplace_days_awaiting([e.pk for e in enrolments])
        .order_by("pk")
        .values_list("pk", "enrolment_id", "date")
    )
