"""Training days for the Northvale demo cohorts: schedules, registers, workplace days, catch-ups and more.

Everything goes through the services, as in real use. Each trainee's figures show their stage:
- trainee.done finished every day within the window; trainee.late is nearly done (one workplace day waits
  for the supervisor); trainee.mid has exactly one unauthorised absence, made up by an approved catch-up;
  trainee.cpd follows modules 1 and 2 only; trainee.new has had one register taken and one still to take.
- grace.evans missed two days with no catch-up and is behind on workplace days (at risk); sophie.brown had
  three weeks off sick (an interruption that moves her window); tom.wilson's catch-up waits for approval.
Idempotent: a cohort with a schedule, a register already taken and a trainee with workplace days are left.
"""

import hashlib
from datetime import date, timedelta

from django.db import transaction

from accounts.models import User
from curriculum.models import Cohort, RouteModule
from trainees.attendance.models import AttendanceStatus
from trainees.attendance.selectors import register_enrolments
from trainees.attendance.services import (
    MarkInput,
    decide_catch_up,
    generate_schedule,
    log_workplace_day,
    record_interruption,
    review_workplace_day,
    save_register,
    submit_catch_up,
)
from trainees.models import AttendanceMark, CatchUp, Enrolment, Interruption, TeachingDay, WorkplaceDay

COHORTS = ["nv-cohort-1", "nv-cohort-2", "nv-cohort-3", "nv-cohort-4"]
TUESDAY, THURSDAY = 1, 3

WORKPLACE_ACTIVITIES = [
    (
        "Shadowed a qualified PWP's telephone assessments",
        "Saw how risk questions fit naturally into the flow.",
    ),
    ("Observed step 2 treatment sessions (behavioural activation)", "Noticed how activity diaries were set."),
    ("Rehearsed the assessment interview with my clinical-skills supervisor", "I rushed the summary."),
    ("Attended the service's team meeting and stepped-care review", "Learnt how step-up decisions are made."),
    ("Co-facilitated a psychoeducation group", "Group work needs tighter timekeeping than I expected."),
    (
        "Reviewed the service's outcome measures and data quality checks",
        "Saw why session-by-session data matters.",
    ),
    ("Shadowed a senior PWP's case-management supervision", "Useful to hear how caseloads are prioritised."),
    (
        "Practised problem-solving sessions in role play",
        "I need to slow down when agreeing the problem list.",
    ),
]


def _holidays(start: date) -> list[date]:
    """A reading week seven weeks in, the Christmas break and two weeks in August, for the first 14 months."""
    days: list[date] = []

    def span(first: date, last: date):
        day = first
        while day <= last:
            days.append(day)
            day += timedelta(days=1)

    span(start + timedelta(weeks=7), start + timedelta(weeks=7, days=6))
    for year in (start.year, start.year + 1):
        span(date(year, 12, 22), date(year + 1, 1, 2))
        span(date(year, 8, 1), date(year, 8, 14))
    return days


def _roll(*parts) -> int:
    """A stable number 0-99 from the parts, so the demo registers are the same on every run."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return int(digest[:8], 16) % 100


def _default_mark(username: str, day: TeachingDay, index: int) -> MarkInput:
    if username.startswith("trainee."):
        # The named demo trainees attend every day; a few late starts keep the registers realistic.
        if _roll(username, day.date) < 8:
            return MarkInput(AttendanceStatus.LATE, 10 + _roll("m", username, day.date) % 25)
        return MarkInput(AttendanceStatus.PRESENT)
    roll = _roll(username, day.date)
    if roll < 6:
        return MarkInput(AttendanceStatus.LATE, 10 + _roll("m", username, day.date) % 35, "Train delayed")
    if roll < 8:
        return MarkInput(AttendanceStatus.LEFT_EARLY, 60, "Medical appointment")
    return MarkInput(AttendanceStatus.PRESENT)


# Named exceptions to the pattern: (username, index of the trainee's teaching day) -> mark.
SPECIAL_MARKS = {
    ("trainee.mid", 4): MarkInput(AttendanceStatus.UNAUTHORISED_ABSENCE, 0, "No contact on the day"),
    ("grace.evans", 9): MarkInput(AttendanceStatus.AUTHORISED_ABSENCE, 0, "Agreed leave"),
    ("grace.evans", 17): MarkInput(AttendanceStatus.AUTHORISED_ABSENCE, 0, "Unwell"),
    ("tom.wilson", 6): MarkInput(AttendanceStatus.UNAUTHORISED_ABSENCE, 0, ""),
}


def _seed_interruptions(cohort: Cohort, educator: User) -> None:
    enrolment = Enrolment.objects.filter(cohort=cohort, user__username="sophie.brown").first()
    if enrolment and not Interruption.objects.filter(enrolment=enrolment).exists():
        record_interruption(
            actor=educator,
            enrolment=enrolment,
            starts_on=cohort.start_date + timedelta(weeks=9),
            ends_on=cohort.start_date + timedelta(weeks=12, days=-1),
            reason=Interruption.Reason.SICKNESS,
            note="Three weeks' sick leave",
        )


def _seed_registers(cohort: Cohort, educator: User, today: date) -> None:
    # A teaching day today counts as held: the registers still to take are then the same on every weekday.
    past = list(
        TeachingDay.objects.filter(cohort=cohort, status=TeachingDay.Status.SCHEDULED, date__lte=today)
        .select_related("module", "cohort")
        .order_by("date")
    )
    if cohort.code == "nv-cohort-4" and len(past) > 1:
        past = past[:-1]  # the newest cohort's latest register is still to be taken (try it as `educator`)
    interruptions = list(Interruption.objects.filter(enrolment__cohort=cohort))
    counters: dict[int, int] = {}
    for day in past:
        enrolments = list(register_enrolments(day))
        for enrolment in enrolments:
            counters[enrolment.pk] = counters.get(enrolment.pk, -1) + 1
        if AttendanceMark.objects.filter(teaching_day=day).exists():
            continue
        marks = {}
        for enrolment in enrolments:
            username, index = enrolment.user.username, counters[enrolment.pk]
            interrupted = any(
                i.enrolment_id == enrolment.pk and i.starts_on <= day.date <= i.ends_on for i in interruptions
            )
            if interrupted:
                marks[enrolment.pk] = MarkInput(AttendanceStatus.AUTHORISED_ABSENCE, 0, "Interruption")
            else:
                marks[enrolment.pk] = SPECIAL_MARKS.get((username, index)) or _default_mark(
                    username, day, index
                )
        save_register(actor=educator, day=day, marks=marks, today=today)


def _seed_catch_ups(cohort: Cohort, educator: User, today: date) -> None:
    for username, approve in (("trainee.mid", True), ("tom.wilson", False)):
        enrolment = (
            Enrolment.objects.filter(cohort=cohort, user__username=username).select_related("user").first()
        )
        if enrolment is None or CatchUp.objects.filter(enrolment=enrolment).exists():
            continue
        mark = (
            AttendanceMark.objects.current()
            .filter(enrolment=enrolment, status=AttendanceStatus.UNAUTHORISED_ABSENCE)
            .select_related("teaching_day")
            .first()
        )
        if mark is None:
            continue
        completed_on = min(mark.teaching_day.date + timedelta(days=6), today)
        catch_up = submit_catch_up(
            actor=enrolment.user,
            enrolment=enrolment,
            teaching_day=mark.teaching_day,
            activity="Watched the recorded teaching and completed the module workbook exercises",
            completed_on=completed_on,
            today=today,
        )
        if approve:
            decide_catch_up(
                actor=educator,
                catch_up=catch_up,
                approve=True,
                comment="Workbook seen; this makes up the day.",
            )


def _workplace_target(enrolment: Enrolment, required: int, today: date) -> tuple[int, int]:
    """(days to log, of which the newest this many wait for the supervisor) for the trainee's stage."""
    username = enrolment.user.username
    if enrolment.status == Enrolment.Status.COMPLETED:
        return required, 0
    if username == "trainee.late":
        return required, 1  # nearly done: the last day waits for the supervisor
    elapsed = (today - enrolment.start_date).days / 365
    pace = round(required * min(elapsed * 1.05, 1))
    if username == "grace.evans":
        pace = pace // 2  # behind
    return pace, 1 if pace else 0


def _seed_workplace_days(cohort: Cohort, today: date) -> None:
    teaching = set(
        TeachingDay.objects.filter(cohort=cohort, status=TeachingDay.Status.SCHEDULED).values_list(
            "date", flat=True
        )
    )
    enrolments = Enrolment.objects.filter(cohort=cohort).select_related("user", "route")
    for enrolment in enrolments:
        if WorkplaceDay.objects.filter(enrolment=enrolment).exists():
            continue
        route_modules = list(
            RouteModule.objects.filter(route_id=enrolment.route_id)
            .select_related("module")
            .order_by("module__number")
        )
        modules = [rm.module for rm in route_modules for _ in range(rm.workplace_days)]
        count, waiting = _workplace_target(enrolment, len(modules), today)
        if not count:
            continue
        interrupted = list(Interruption.objects.filter(enrolment=enrolment))
        last = min(today - timedelta(days=1), enrolment.start_date + timedelta(weeks=46))

        def free(day: date, interrupted=interrupted) -> bool:
            return day not in teaching and not any(i.starts_on <= day <= i.ends_on for i in interrupted)

        # Thursdays (then Fridays, if a fast pace needs more) between the start and `last`, evenly picked.
        candidates = [
            enrolment.start_date + timedelta(weeks=week, days=weekday)
            for weekday in (THURSDAY, THURSDAY + 1)
            for week in range((last - enrolment.start_date).days // 7 + 1)
        ]
        candidates = sorted(d for d in candidates if d <= last and free(d))
        count = min(count, len(candidates))
        if count == 0:
            continue
        thursdays = [d for d in candidates if d.weekday() == THURSDAY]
        pool = thursdays if len(thursdays) >= count else candidates
        span = len(pool) - 1
        dates = [pool[round(i * span / max(count - 1, 1))] if count > 1 else pool[-1] for i in range(count)]
        supervisor = (
            User.objects.filter(
                supervisor_assignments__enrolment=enrolment, supervisor_assignments__ends_on__isnull=True
            )
            .distinct()
            .first()
        )
        for index, (day, module) in enumerate(zip(sorted(dates), modules, strict=False)):
            activity, reflection = WORKPLACE_ACTIVITIES[index % len(WORKPLACE_ACTIVITIES)]
            logged = log_workplace_day(
                actor=enrolment.user,
                enrolment=enrolment,
                day=day,
                module=module,
                activity=activity,
                reflection=reflection,
                today=today,
            )
            if index < len(dates) - waiting and supervisor is not None:
                review_workplace_day(
                    actor=supervisor, workplace_day=logged, confirm=True, comment="Discussed in supervision."
                )


@transaction.atomic
def seed(today: date) -> dict:
    educator = User.objects.get(username="educator")
    cohorts = list(Cohort.objects.filter(code__in=COHORTS).select_related("programme").order_by("start_date"))
    for cohort in cohorts:
        if not TeachingDay.objects.filter(cohort=cohort).exists():
            standard = RouteModule.objects.filter(
                route__edition_id=cohort.programme.edition_id, route__code="standard"
            ).select_related("module")
            generate_schedule(
                actor=educator,
                cohort=cohort,
                start_date=cohort.start_date,
                weekdays=[TUESDAY],
                days_per_module={rm.module: rm.university_days for rm in standard},
                holidays=_holidays(cohort.start_date),
            )
        _seed_interruptions(cohort, educator)
        _seed_registers(cohort, educator, today)
        _seed_catch_ups(cohort, educator, today)
        _seed_workplace_days(cohort, today)
    return {"cohorts": {c.code: c for c in cohorts}}
