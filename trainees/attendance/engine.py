"""The training-days engine: pure functions of plain data, no database.

`assess_training_days()` takes one trainee's route, the cohort's teaching days, their register marks,
approved catch-ups, workplace days and interruptions (a `TraineeDays`), and returns the counts, the window
and a status in words (a `TrainingDaysProgress`). `training_days_progress_for` in
trainees/attendance/selectors.py loads the data and calls it; nothing else recomputes the figures.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.dates import add_months, long_date
from core.wording import is_are, listing, plural, sentence

# Register statuses and the workplace-day status as the models store them (AttendanceStatus and
# WorkplaceDay.Status values), written out so that the engine needs no models;
# tests/trainees/test_attendance_rules.py pins them to the models' own sets.
ATTENDED = frozenset({"present", "late", "left_early"})
ABSENT = frozenset({"authorised_absence", "unauthorised_absence"})
WORKPLACE_CONFIRMED = "confirmed"

# A trainee whose confirmed (or waiting) workplace days trail the even pace through the window by more than
# this many days is flagged "at risk": early enough to catch up, late enough not to nag about one week.
WORKPLACE_DAYS_BEHIND_ALLOWANCE = 2

STATUS_LABELS = {
    "complete": "Complete",
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "no_schedule": "No schedule yet",
}
# Most urgent first, so that sorting by status brings trainees who need help to the top. A cohort without
# teaching days cannot be judged, so it sorts after the trainees who are known to need help.
STATUS_RANK = {"off_track": 0, "at_risk": 1, "no_schedule": 2, "on_track": 3, "complete": 4}
NO_SCHEDULE_REASON = (
    "No schedule yet: the cohort has no teaching days, so there is nothing to measure progress against. "
    "The programme team adds them on the cohort's schedule page."
)


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
    status: str  # "complete" | "on_track" | "at_risk" | "off_track" | "no_schedule"
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
    return listing(f"module {n}" for n in sorted(set(numbers)))


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
        if status == WORKPLACE_CONFIRMED and reviewed_on is not None and reviewed_on <= on:
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
            if missed:
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
            reached = _nth(dates, needed)  # None when nothing is needed or not yet reached
            if reached is not None:
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
            f"module {number} needs {plural(outstanding, 'more university day')} but only {possible} "
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
            f"{plural(workplace_outstanding, 'workplace day')} {is_are(workplace_outstanding)} outstanding "
            f"but only {plural(available, 'working day')} {is_are(available)} left"
        )
    can_still_fit = complete or not cannot_fit

    # Pace of workplace days: an even share of the route's days across the window so far.
    paused_so_far = sum(_overlap(trainee.start_date, on, a, b) for a, b in trainee.interruptions)
    window_length = (add_months(trainee.start_date, trainee.window_months) - trainee.start_date).days
    elapsed = max((min(on, end) - trainee.start_date).days + 1 - paused_so_far, 0)
    expected_workplace = int(workplace_required * min(elapsed / window_length, 1)) if window_length else 0
    behind = workplace_completed + workplace_waiting < expected_workplace - WORKPLACE_DAYS_BEHIND_ALLOWANCE

    ends = f"the window ends on {long_date(end)}"
    if not trainee.teaching_days and not complete:
        status, reason = "no_schedule", NO_SCHEDULE_REASON
    elif complete:
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
            reason = sentence("; ".join(cannot_fit)) + f" ({ends})."
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
                f"{plural(missed_count, 'missed university day')} ({_module_list(missed_modules)}) "
                f"{is_are(missed_count)} not yet made up by an approved catch-up"
            )
        if behind:
            parts.append(
                f"workplace days are behind: {workplace_completed} confirmed"
                + (f" and {workplace_waiting} waiting" if workplace_waiting else "")
                + f", about {expected_workplace} expected by now"
            )
        reason = sentence("; ".join(parts)) + f" ({ends})."
    else:
        status = "on_track"
        reason = (
            f"{university_completed} of {university_required} university days and {workplace_completed} of "
            f"{workplace_required} workplace days done; the rest fit in the window, which ends on "
            f"{long_date(end)}."
        )
        if unmarked_count:
            reason += f" {plural(unmarked_count, 'register')} still to be taken."

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
