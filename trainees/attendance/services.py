"""Writes for training days: schedules, registers, catch-ups, workplace days and interruptions.

Each change is one function: keyword-only arguments, one transaction, preconditions that raise `DomainError`
in plain words, and an audit event written in the same transaction.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import ConflictError, DomainError, record_event
from core.dates import long_date
from curriculum.models import Cohort, Module, RouteModule
from trainees.access import access_to
from trainees.attendance.models import ABSENT, MAX_MINUTES_MISSED, PART_DAY, AttendanceStatus
from trainees.attendance.selectors import register_enrolments
from trainees.deidentify import identifying_reason
from trainees.enrolment.versions import bump_for_cohorts, bump_records_version
from trainees.models import (
    AttendanceMark,
    CatchUp,
    Enrolment,
    Interruption,
    TeachingDay,
    WorkplaceDay,
)

WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# A schedule runs within about a year; looking further means the pattern cannot place the days asked for.
SCHEDULE_HORIZON_DAYS = 3 * 365
MAX_SCHEDULED_DAYS = 200


def _check_free_text(text: str, what: str) -> None:
    reason = identifying_reason(text)
    if reason:
        raise DomainError(
            f"{what} cannot be saved because {reason}. Records here must not identify a patient."
        )


# ---------------------------------------------------------------------------------------------------------
# Schedule


@transaction.atomic
def generate_schedule(
    *,
    actor,
    cohort: Cohort,
    start_date: date,
    weekdays: Iterable[int],
    days_per_module: Mapping[Module, int],
    holidays: Iterable[date] = (),
) -> list[TeachingDay]:
    """Add teaching days on a weekly pattern from `start_date`, module by module in curriculum order.

    Holidays and dates the cohort already has a day on are skipped, so the schedule runs on past them.
    """
    weekdays = sorted(set(weekdays))
    holidays = set(holidays)
    if not weekdays or any(w not in range(7) for w in weekdays):
        raise DomainError("Choose at least one day of the week.")
    if start_date < cohort.start_date:
        raise DomainError(
            f"The schedule cannot start before the cohort does ({long_date(cohort.start_date)})."
        )
    wanted = [(module, count) for module, count in days_per_module.items() if count]
    if any(count < 0 for _, count in wanted):
        raise DomainError("The number of days for a module cannot be negative.")
    for module, _ in wanted:
        if module.edition_id != cohort.programme.edition_id:
            raise DomainError(f"{module} is not part of this programme's curriculum edition.")
    total = sum(count for _, count in wanted)
    if total == 0:
        raise DomainError("Give at least one module some days.")
    if total > MAX_SCHEDULED_DAYS:
        raise DomainError(f"A schedule can have at most {MAX_SCHEDULED_DAYS} days.")
    # Lock the cohort's schedule while it is extended, so that two educators cannot double-book a date.
    Cohort.objects.select_for_update(of=("self",)).filter(pk=cohort.pk).order_by().first()
    taken = set(
        TeachingDay.objects.filter(cohort=cohort, status=TeachingDay.Status.SCHEDULED).values_list(
            "date", flat=True
        )
    )
    queue = [
        module for module, count in sorted(wanted, key=lambda item: item[0].number) for _ in range(count)
    ]
    days: list[TeachingDay] = []
    skipped: list[date] = []
    day = start_date
    while queue:
        if (day - start_date).days > SCHEDULE_HORIZON_DAYS:
            raise DomainError("The pattern cannot fit that many days into three years: add more days a week.")
        if day.weekday() in weekdays:
            if day in holidays:
                skipped.append(day)
            elif day not in taken:
                days.append(TeachingDay(cohort=cohort, module=queue.pop(0), date=day))
        day += timedelta(days=1)
    TeachingDay.objects.bulk_create(days)
    bump_for_cohorts([cohort.pk])  # the schedule shapes every trainee's training days
    record_event(
        actor=actor,
        action="schedule.generated",
        obj=cohort,
        message=f"{len(days)} teaching days on {', '.join(WEEKDAY_NAMES[w] for w in weekdays)}",
        after={
            "first": days[0].date,
            "last": days[-1].date,
            "modules": {str(module.number): count for module, count in wanted},
            "holidays_skipped": sorted(skipped),
        },
    )
    return days


@transaction.atomic
def add_teaching_day(*, actor, cohort: Cohort, module: Module, day: date, topic: str = "") -> TeachingDay:
    """Add one teaching day to a cohort's schedule."""
    if module.edition_id != cohort.programme.edition_id:
        raise DomainError(f"{module} is not part of this programme's curriculum edition.")
    if day < cohort.start_date:
        raise DomainError("A teaching day cannot come before the cohort starts.")
    if TeachingDay.objects.filter(cohort=cohort, date=day, status=TeachingDay.Status.SCHEDULED).exists():
        raise DomainError(f"The cohort already has a teaching day on {long_date(day)}.")
    try:
        with transaction.atomic():
            teaching_day = TeachingDay.objects.create(cohort=cohort, module=module, date=day, topic=topic)
    except IntegrityError as exc:
        raise ConflictError(f"Someone else has just added a teaching day on {long_date(day)}.") from exc
    bump_for_cohorts([cohort.pk])
    record_event(
        actor=actor,
        action="teaching_day.added",
        obj=teaching_day,
        after={"date": day, "module": module.number, "topic": topic},
    )
    return teaching_day


def _lock_day(day: TeachingDay) -> TeachingDay:
    locked = (
        TeachingDay.objects.select_for_update(of=("self",)).select_related("module", "cohort").get(pk=day.pk)
    )
    if locked.is_cancelled:
        raise DomainError(f"The teaching day on {long_date(locked.date)} is cancelled.")
    return locked


@transaction.atomic
def move_teaching_day(*, actor, day: TeachingDay, new_date: date, reason: str) -> TeachingDay:
    """Move a teaching day to another date. Refused once its register has been taken."""
    day = _lock_day(day)
    if not reason.strip():
        raise DomainError("Say why the day is moving.")
    if new_date == day.date:
        raise DomainError("The new date is the same as the old one.")
    if new_date < day.cohort.start_date:
        raise DomainError("A teaching day cannot come before the cohort starts.")
    if day.marks.exists():
        raise DomainError(
            "The register for this day has been taken, so it cannot move. Correct the register."
        )
    if TeachingDay.objects.filter(
        cohort_id=day.cohort_id, date=new_date, status=TeachingDay.Status.SCHEDULED
    ).exists():
        raise DomainError(f"The cohort already has a teaching day on {long_date(new_date)}.")
    before = day.date
    day.date = new_date
    try:
        with transaction.atomic():
            day.save(update_fields=["date"])
    except IntegrityError as exc:
        raise ConflictError(f"Someone else has just put a teaching day on {long_date(new_date)}.") from exc
    bump_for_cohorts([day.cohort_id])
    record_event(
        actor=actor,
        action="teaching_day.moved",
        obj=day,
        message=reason.strip(),
        before={"date": before},
        after={"date": new_date},
    )
    return day


@transaction.atomic
def cancel_teaching_day(*, actor, day: TeachingDay, reason: str) -> TeachingDay:
    """Cancel a teaching day. Refused once its register has been taken."""
    day = _lock_day(day)
    if not reason.strip():
        raise DomainError("Say why the day is cancelled.")
    if day.marks.exists():
        raise DomainError("The register for this day has been taken, so it cannot be cancelled.")
    day.status = TeachingDay.Status.CANCELLED
    day.cancelled_reason = reason.strip()[:200]
    day.save(update_fields=["status", "cancelled_reason"])
    bump_for_cohorts([day.cohort_id])
    record_event(
        actor=actor,
        action="teaching_day.cancelled",
        obj=day,
        message=day.cancelled_reason,
        before={"status": TeachingDay.Status.SCHEDULED},
        after={"status": day.status},
    )
    return day


# ---------------------------------------------------------------------------------------------------------
# Registers


@dataclass(frozen=True)
class MarkInput:
    status: str
    minutes_missed: int = 0
    note: str = ""
    # Lateness recorded without minutes (the programme's register says only "late"): saved as late, 0 minutes.
    minutes_not_recorded: bool = False


@dataclass(frozen=True)
class RegisterSaved:
    day: TeachingDay
    added: int
    corrected: int
    unchanged: int


def minutes_recorded_for(cohort) -> bool:
    """Whether the cohort's programme records the minutes missed by someone late or leaving early."""
    programme = cohort.programme  # loaded with the cohort by the pages; one query otherwise
    return programme.late_minutes_recorded


def check_mark(mark: MarkInput, *, minutes_recorded: bool = True) -> str | None:
    """What is wrong with one register row, in words, or None. A programme that records lateness without
    minutes (`minutes_recorded` false) takes late and left-early marks with no minutes."""
    if mark.status not in AttendanceStatus.values:
        return "Choose present, late, left early, authorised absence or unauthorised absence."
    if mark.status in PART_DAY:
        # Minutes may be missing where the programme does not record them, or where an imported register
        # marked someone late without saying by how much ("late, minutes not recorded").
        without_minutes = not minutes_recorded or (
            mark.minutes_not_recorded and mark.status == AttendanceStatus.LATE
        )
        if not minutes_recorded and mark.minutes_missed:
            return "This programme records lateness without minutes: leave the minutes missed empty."
        if not without_minutes and (not mark.minutes_missed or mark.minutes_missed < 1):
            return "Say how many minutes were missed."
        if mark.minutes_missed and mark.minutes_missed > MAX_MINUTES_MISSED:
            return f"Minutes missed must be {MAX_MINUTES_MISSED} or fewer."
    elif mark.minutes_missed:
        return "Minutes missed are only for late arrival or leaving early."
    if mark.note and identifying_reason(mark.note):
        return f"The note cannot be saved because {identifying_reason(mark.note)}."
    return None


@transaction.atomic
def save_register(
    *,
    actor,
    day: TeachingDay,
    marks: Mapping[int, MarkInput],
    reason: str = "",
    expected_version: int | None = None,
    source: str = AttendanceMark.Source.REGISTER,
    today: date | None = None,
) -> RegisterSaved:
    """Save a day's register: one mark per trainee (keyed by enrolment id), in one transaction.

    A mark that differs from the current one is a correction: it needs a reason and is added as a new
    version that replaces the old one, so the register keeps who changed what and when.
    `expected_version` is the number of marks the person saw; if someone else saved in between, refuse.
    """
    day = _lock_day(day)
    today = today or timezone.localdate()
    if day.date > today:
        raise DomainError(f"The register for {long_date(day.date)} cannot be taken before the day.")
    existing = {m.enrolment_id: m for m in AttendanceMark.objects.current().filter(teaching_day=day)}
    if (
        expected_version is not None
        and AttendanceMark.objects.filter(teaching_day=day).count() != expected_version
    ):
        raise ConflictError(
            "Someone else saved this register while you were marking it. Check their marks and save again."
        )
    # Only the usernames are needed here (for the audit summary): keep the rows light for large imports.
    allowed = {
        e.pk: e
        for e in register_enrolments(day).select_related(None).select_related("user").only("user__username")
    }
    unknown = set(marks) - set(allowed)
    if unknown:
        raise DomainError(
            "The register can only mark the cohort's trainees whose route includes this module."
        )
    minutes_recorded = minutes_recorded_for(day.cohort)
    for mark in marks.values():
        problem = check_mark(mark, minutes_recorded=minutes_recorded)
        if problem:
            raise DomainError(problem)

    new_marks, before, after = [], {}, {}
    corrected = unchanged = 0
    reason = reason.strip()
    for enrolment_id, mark in marks.items():
        current = existing.get(enrolment_id)
        note = mark.note.strip()
        if current is not None and (current.status, current.minutes_missed, current.note) == (
            mark.status,
            mark.minutes_missed or 0,
            note,
        ):
            unchanged += 1
            continue
        if current is not None:
            corrected += 1
        username = allowed[enrolment_id].user.username
        new = AttendanceMark(
            teaching_day=day,
            enrolment_id=enrolment_id,
            status=mark.status,
            minutes_missed=mark.minutes_missed or 0,
            note=note,
            replaces=current,
            reason=reason if current is not None else "",
            source=source,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        new_marks.append(new)
        before[username] = current.describe() if current else None
        after[username] = new.describe()
    if corrected and not reason:
        raise DomainError("Say why you are correcting the register.")
    if not new_marks:
        return RegisterSaved(day=day, added=0, corrected=0, unchanged=unchanged)
    try:
        with transaction.atomic():
            AttendanceMark.objects.bulk_create(new_marks)
    except IntegrityError as exc:
        raise ConflictError(
            "Someone else saved this register at the same moment. Check their marks and save again."
        ) from exc
    bump_records_version([m.enrolment_id for m in new_marks])
    record_event(
        actor=actor,
        action="register.corrected" if corrected else "register.taken",
        obj=day,
        message=reason if corrected else f"{len(new_marks)} marks ({source})",
        before={k: v for k, v in before.items() if v is not None} or None,
        after=after,
    )
    return RegisterSaved(day=day, added=len(new_marks) - corrected, corrected=corrected, unchanged=unchanged)


# ---------------------------------------------------------------------------------------------------------
# Catch-up


def _route_has_module(enrolment: Enrolment, module_id: int) -> bool:
    return RouteModule.objects.filter(route_id=enrolment.route_id, module_id=module_id).exists()


@transaction.atomic
def submit_catch_up(
    *,
    actor,
    enrolment: Enrolment,
    teaching_day: TeachingDay,
    activity: str,
    completed_on: date,
    today: date | None = None,
) -> CatchUp:
    """Record work that makes up a missed university day; it counts once an educator approves it."""
    today = today or timezone.localdate()
    if teaching_day.cohort_id != enrolment.cohort_id or teaching_day.is_cancelled:
        raise DomainError("Choose one of the cohort's teaching days.")
    if not _route_has_module(enrolment, teaching_day.module_id):
        raise DomainError("That day's module is not part of the trainee's route.")
    mark = AttendanceMark.objects.current().filter(teaching_day=teaching_day, enrolment=enrolment).first()
    if mark is None or mark.status not in ABSENT:
        raise DomainError("Only a day marked as an absence can be made up by a catch-up.")
    if not activity.strip():
        raise DomainError("Describe the catch-up activity.")
    _check_free_text(activity, "The activity")
    if completed_on < teaching_day.date:
        raise DomainError("The catch-up cannot be done before the day it makes up.")
    if completed_on > today:
        raise DomainError("The catch-up cannot be dated in the future.")
    if CatchUp.objects.filter(
        enrolment=enrolment,
        teaching_day=teaching_day,
        status__in=[CatchUp.Status.SUBMITTED, CatchUp.Status.APPROVED],
    ).exists():
        raise DomainError(f"There is already a catch-up for {long_date(teaching_day.date)}.")
    try:
        with transaction.atomic():
            catch_up = CatchUp.objects.create(
                enrolment=enrolment,
                teaching_day=teaching_day,
                activity=activity.strip(),
                completed_on=completed_on,
                submitted_by=actor,
            )
    except IntegrityError as exc:
        raise ConflictError("A catch-up for that day was saved at the same moment.") from exc
    bump_records_version(enrolment)
    record_event(
        actor=actor,
        action="catch_up.submitted",
        obj=catch_up,
        after={"enrolment": enrolment.pk, "day": teaching_day.date, "completed_on": completed_on},
    )
    return catch_up


@transaction.atomic
def decide_catch_up(*, actor, catch_up: CatchUp, approve: bool, comment: str = "") -> CatchUp:
    """An educator approves a catch-up (it then counts against the module's days) or turns it down."""
    enrolment = catch_up.enrolment
    if not access_to(actor, enrolment).can("approve_catch_ups"):
        raise DomainError("Only the programme's educators can decide on a catch-up.")
    comment = comment.strip()
    if not approve and not comment:
        raise DomainError("Say why the catch-up is not approved.")
    status = CatchUp.Status.APPROVED if approve else CatchUp.Status.REJECTED
    now = timezone.now()
    # Only a waiting catch-up changes; if someone decided first, nothing is updated and the loser is told.
    changed = CatchUp.objects.filter(pk=catch_up.pk, status=CatchUp.Status.SUBMITTED).update(
        status=status, decided_by=actor, decided_at=now, comment=comment[:500]
    )
    if not changed:
        raise ConflictError("This catch-up has already been decided.")
    catch_up.refresh_from_db()
    bump_records_version(catch_up.enrolment_id)
    record_event(
        actor=actor,
        action="catch_up.approved" if approve else "catch_up.rejected",
        obj=catch_up,
        message=comment,
        before={"status": CatchUp.Status.SUBMITTED},
        after={"status": status},
    )
    return catch_up


# ---------------------------------------------------------------------------------------------------------
# Directed workplace learning


@transaction.atomic
def log_workplace_day(
    *,
    actor,
    enrolment: Enrolment,
    day: date,
    module: Module,
    activity: str,
    reflection: str,
    today: date | None = None,
) -> WorkplaceDay:
    """The trainee logs a day of directed learning in the workplace; it counts once a supervisor confirms."""
    today = today or timezone.localdate()
    if actor is None or actor.pk != enrolment.user_id:
        raise DomainError("Only the trainee logs their own workplace days.")
    if not _route_has_module(enrolment, module.pk):
        raise DomainError(f"{module} is not part of your route.")
    if day < enrolment.start_date:
        raise DomainError("The day cannot come before the start of your training.")
    if day > today:
        raise DomainError("You can only log a day that has happened.")
    if not activity.strip() or not reflection.strip():
        raise DomainError("Give the activity and a short reflection.")
    _check_free_text(activity, "The activity")
    _check_free_text(reflection, "The reflection")
    if Interruption.objects.filter(enrolment=enrolment, starts_on__lte=day, ends_on__gte=day).exists():
        raise DomainError("Your training was interrupted on that day.")
    if (
        TeachingDay.objects.filter(
            cohort_id=enrolment.cohort_id, date=day, status=TeachingDay.Status.SCHEDULED
        )
        .filter(module__route_modules__route_id=enrolment.route_id)
        .exists()
    ):
        raise DomainError("That date is a university teaching day.")
    if WorkplaceDay.objects.filter(
        enrolment=enrolment,
        date=day,
        status__in=[WorkplaceDay.Status.SUBMITTED, WorkplaceDay.Status.CONFIRMED],
    ).exists():
        raise DomainError(f"You have already logged {long_date(day)}.")
    try:
        with transaction.atomic():
            workplace_day = WorkplaceDay.objects.create(
                enrolment=enrolment,
                date=day,
                module=module,
                activity=activity.strip(),
                reflection=reflection.strip(),
            )
    except IntegrityError as exc:
        raise ConflictError(f"{long_date(day)} was logged at the same moment.") from exc
    bump_records_version(enrolment)
    record_event(
        actor=actor,
        action="workplace_day.logged",
        obj=workplace_day,
        after={"date": day, "module": module.number, "activity": workplace_day.activity},
    )
    return workplace_day


@transaction.atomic
def review_workplace_day(
    *, actor, workplace_day: WorkplaceDay, confirm: bool, comment: str = ""
) -> WorkplaceDay:
    """A current supervisor confirms a workplace day (it then counts) or rejects it, saying why."""
    if not access_to(actor, workplace_day.enrolment).can("confirm_workplace_days"):
        raise DomainError("Only the trainee's current supervisor can confirm a workplace day.")
    comment = comment.strip()
    if not confirm and not comment:
        raise DomainError("Say why the day is not confirmed.")
    _check_free_text(comment, "The comment")
    status = WorkplaceDay.Status.CONFIRMED if confirm else WorkplaceDay.Status.REJECTED
    changed = WorkplaceDay.objects.filter(pk=workplace_day.pk, status=WorkplaceDay.Status.SUBMITTED).update(
        status=status, reviewed_by=actor, reviewed_at=timezone.now(), comment=comment[:500]
    )
    if not changed:
        raise ConflictError("This workplace day has already been reviewed.")
    workplace_day.refresh_from_db()
    bump_records_version(workplace_day.enrolment_id)
    record_event(
        actor=actor,
        action="workplace_day.confirmed" if confirm else "workplace_day.rejected",
        obj=workplace_day,
        message=comment,
        before={"status": WorkplaceDay.Status.SUBMITTED},
        after={"status": status},
    )
    return workplace_day


# ---------------------------------------------------------------------------------------------------------
# Interruptions


@transaction.atomic
def record_interruption(
    *, actor, enrolment: Enrolment, starts_on: date, ends_on: date, reason: str, note: str = ""
) -> Interruption:
    """An educator records a pause in training; the window's end moves later by the days inside it."""
    if not access_to(actor, enrolment).can("record_interruption"):
        raise DomainError("Only the programme's educators can record an interruption.")
    if reason not in Interruption.Reason.values:
        raise DomainError("Choose the reason for the interruption.")
    if ends_on < starts_on:
        raise DomainError("The interruption cannot end before it starts.")
    if starts_on < enrolment.start_date:
        raise DomainError("The interruption cannot start before the training does.")
    _check_free_text(note, "The note")
    # Lock the trainee's record so that two overlapping interruptions cannot be saved at once.
    Enrolment.objects.select_for_update(of=("self",)).filter(pk=enrolment.pk).order_by().first()
    overlapping = Interruption.objects.filter(
        enrolment=enrolment, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).first()
    if overlapping:
        raise DomainError(f"It overlaps an interruption already recorded ({overlapping}).")
    interruption = Interruption.objects.create(
        enrolment=enrolment,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        note=note.strip(),
        recorded_by=actor,
    )
    bump_records_version(enrolment)
    record_event(
        actor=actor,
        action="interruption.recorded",
        obj=interruption,
        message=note.strip(),
        after={"enrolment": enrolment.pk, "starts_on": starts_on, "ends_on": ends_on, "reason": reason},
    )
    return interruption
