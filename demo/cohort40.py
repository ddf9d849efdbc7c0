"""A Northvale cohort of forty trainees, so the cohort pages are seen at the size of a real intake.

The cohort started about seven months ago. Its trainees are at mixed stages, each by a fixed pattern:
most are on track; some missed teaching days without a catch-up, are behind on workplace days or see fewer
patients than the ramp expects; two had an interruption (sickness, then parental leave) that moves their
window; two joined a few weeks late; one has withdrawn. Everything goes through the services and the caseload
importer, as in real use. Idempotent: each step is skipped where its records already exist.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from accounts.models import Organisation, User
from curriculum.models import Cohort, Programme, RouteModule
from demo import attendance as demo_attendance
from demo import caseload as demo_caseload
from demo.foundation import _monday_on_or_before, person, supervisor_profile
from demo.supervision import _log_and_confirm
from trainees.attendance.models import AttendanceStatus
from trainees.attendance.selectors import register_enrolments
from trainees.attendance.services import (
    MarkInput,
    generate_schedule,
    log_workplace_day,
    record_interruption,
    review_workplace_day,
    save_register,
)
from trainees.caseload.importer import import_rows
from trainees.enrolment.services import assign_supervisor, enrol_trainee, update_enrolment
from trainees.models import (
    AttendanceMark,
    Case,
    CaseloadImport,
    Enrolment,
    Interruption,
    SupervisionSession,
    SupervisorAssignment,
    TeachingDay,
    WorkplaceDay,
)

Kind = SupervisionSession.Kind

CODE = "nv-cohort-40"
MONTHS_AGO = 7
FIRST = [
    "Adam", "Bethany", "Callum", "Deborah", "Ebony", "Farah", "George", "Harriet", "Imran", "Jessica",
    "Kieran", "Lucy", "Marcus", "Naomi", "Oliver", "Poppy", "Rajesh", "Rebecca", "Samuel", "Tanya",
]  # fmt: skip
LAST = [
    "Ahmed", "Bennett", "Campbell", "Davies", "Edwards", "Fraser", "Gallagher", "Hussain", "Jones", "Kaur",
    "Lewis", "Murphy", "Nowak", "O'Brien", "Phillips", "Quinn", "Robinson", "Singh", "Thompson", "Walsh",
]  # fmt: skip


@dataclass(frozen=True)
class Trainee:
    username: str
    first: str
    last: str
    absences: int  # teaching days missed with no catch-up
    workplace_pace: float  # share of the expected workplace days logged so far
    caseload_pace: float  # share of the ramp's expected new patients
    # Case management is weekly (the guide's rule) except every Nth week, which has none: 0 never misses,
    # 4 misses one week a month (a little behind), 2 every other week (half the rule), 1 has none at all.
    # Clinical skills is fortnightly alongside, except for trainees with no supervision at all.
    supervision_missed_every: int
    joined_weeks_late: int = 0
    interruption: str = ""  # an Interruption.Reason, or ""
    withdrawn: bool = False


def trainees() -> list[Trainee]:
    """Forty trainees by a fixed pattern: the same people and stages on every run."""
    people = []
    for index in range(40):
        first, last = FIRST[index % 20], LAST[(index * 7 + index // 20) % 20]
        username = f"{first}.{last}".lower().replace("'", "")
        pattern = index % 10
        people.append(
            Trainee(
                username=username,
                first=first,
                last=last,
                absences=(0, 0, 0, 1, 0, 2, 0, 0, 3, 0)[pattern],
                workplace_pace=(1.0, 1.0, 0.9, 1.0, 0.5, 0.7, 1.0, 1.1, 0.3, 1.0)[pattern],
                caseload_pace=(1.0, 1.1, 0.95, 0.9, 0.6, 0.8, 1.0, 1.2, 0.4, 1.0)[pattern],
                supervision_missed_every=(0, 0, 0, 0, 2, 4, 0, 0, 1, 0)[pattern],
                joined_weeks_late=4 if index in (12, 27) else 0,
                interruption={6: Interruption.Reason.SICKNESS, 31: Interruption.Reason.MATERNITY}.get(
                    index, ""
                ),
                withdrawn=index == 19,
            )
        )
    return people


def _enrol(cohort: Cohort, plan: Trainee, route, service: Organisation, supervisors: list[User], index: int):
    user = person(plan.username, plan.first, plan.last)
    enrolment = Enrolment.objects.filter(user=user, cohort=cohort).first()
    if enrolment is None:
        enrolment = enrol_trainee(
            actor=None,
            user=user,
            cohort=cohort,
            route=route,
            start_date=cohort.start_date + timedelta(weeks=plan.joined_weeks_late),
            employing_service=service,
        )
    if not SupervisorAssignment.objects.filter(enrolment=enrolment).exists():
        for offset, kind in enumerate(
            (SupervisorAssignment.Kind.CASE_MANAGEMENT, SupervisorAssignment.Kind.CLINICAL_SKILLS)
        ):
            assign_supervisor(
                actor=None,
                enrolment=enrolment,
                supervisor=supervisors[(index + offset) % len(supervisors)],
                kind=kind,
                starts_on=enrolment.start_date,
            )
    return enrolment


def _interrupt(enrolment: Enrolment, plan: Trainee, educator: User) -> None:
    if plan.interruption and not Interruption.objects.filter(enrolment=enrolment).exists():
        weeks = 3 if plan.interruption == Interruption.Reason.SICKNESS else 8
        record_interruption(
            actor=educator,
            enrolment=enrolment,
            starts_on=enrolment.start_date + timedelta(weeks=10),
            ends_on=enrolment.start_date + timedelta(weeks=10 + weeks, days=-1),
            reason=plan.interruption,
            note="Sick leave" if plan.interruption == Interruption.Reason.SICKNESS else "Parental leave",
        )


def _registers(cohort: Cohort, plans: dict[str, Trainee], educator: User, today: date) -> None:
    past = TeachingDay.objects.filter(cohort=cohort, status=TeachingDay.Status.SCHEDULED, date__lt=today)
    interruptions = list(Interruption.objects.filter(enrolment__cohort=cohort))
    for number, day in enumerate(past.select_related("module", "cohort").order_by("date")):
        if AttendanceMark.objects.filter(teaching_day=day).exists():
            continue
        marks = {}
        for enrolment in register_enrolments(day):
            plan = plans.get(enrolment.user.username)
            if plan is None:
                continue
            if any(
                i.enrolment_id == enrolment.pk and i.starts_on <= day.date <= i.ends_on for i in interruptions
            ):
                marks[enrolment.pk] = MarkInput(AttendanceStatus.AUTHORISED_ABSENCE, 0, "Interruption")
            elif plan.absences and number % 7 == 3 and number // 7 < plan.absences:
                marks[enrolment.pk] = MarkInput(
                    AttendanceStatus.UNAUTHORISED_ABSENCE, 0, "No contact on the day"
                )
            else:
                marks[enrolment.pk] = demo_attendance._default_mark(plan.username, day, number)
        save_register(actor=educator, day=day, marks=marks, today=today)


def _workplace_days(
    enrolment: Enrolment, plan: Trainee, supervisor: User, teaching: set, today: date
) -> None:
    if WorkplaceDay.objects.filter(enrolment=enrolment).exists():
        return
    modules = [
        rm.module
        for rm in RouteModule.objects.filter(route_id=enrolment.route_id)
        .select_related("module")
        .order_by("module__number")
        for _ in range(rm.workplace_days)
    ]
    elapsed = (today - enrolment.start_date).days / 365
    count = min(round(len(modules) * min(elapsed * plan.workplace_pace, 1)), len(modules))
    interrupted = list(Interruption.objects.filter(enrolment=enrolment))
    thursdays = [
        day
        for week in range((today - enrolment.start_date).days // 7)
        if (day := enrolment.start_date + timedelta(weeks=week, days=demo_attendance.THURSDAY)) < today
        and day not in teaching
        and not any(i.starts_on <= day <= i.ends_on for i in interrupted)
    ]
    count = min(count, len(thursdays))
    for index in range(count):
        day = (
            thursdays[round(index * (len(thursdays) - 1) / max(count - 1, 1))] if count > 1 else thursdays[-1]
        )
        activity, reflection = demo_attendance.WORKPLACE_ACTIVITIES[
            index % len(demo_attendance.WORKPLACE_ACTIVITIES)
        ]
        logged = log_workplace_day(
            actor=enrolment.user,
            enrolment=enrolment,
            day=day,
            module=modules[index],
            activity=activity,
            reflection=reflection,
            today=today,
        )
        if index < count - 1:  # the newest waits for the supervisor
            review_workplace_day(actor=supervisor, workplace_day=logged, confirm=True, comment="Discussed.")


def _caseload(enrolment: Enrolment, plan: Trainee, index: int, today: date) -> None:
    if Case.objects.filter(enrolment=enrolment).exists():
        return
    rows = demo_caseload.caseload_rows(
        enrolment, demo_caseload.Plan(plan.username, plan.caseload_pace, 600_000 + index * 1_000), today
    )
    if len(rows) == 1:
        return
    job = CaseloadImport.objects.create(
        enrolment=enrolment,
        service=enrolment.employing_service,
        original_name="demo-caseload.csv",
        file_format=CaseloadImport.Format.CSV,
        requested_by=enrolment.user,
    )
    result = import_rows(actor=None, enrolment=enrolment, job=job, sheet="Demo", rows=rows, today=today)
    if not result.ok:
        raise RuntimeError("Demo caseload is invalid: " + "; ".join(str(p) for p in result.errors[:5]))
    CaseloadImport.objects.filter(pk=job.pk).update(
        status=CaseloadImport.Status.IMPORTED,
        rows_read=result.rows_read,
        contacts_created=result.contacts_created,
        cases_created=result.cases_created,
        message=result.summary(),
    )


def _supervision(enrolment: Enrolment, plan: Trainee, supervisor: User, today: date) -> None:
    """Weekly case management (reviewing the cases open that day) on Tuesdays, except the plan's missed
    weeks, and fortnightly clinical skills on Thursdays."""
    if plan.supervision_missed_every == 1 or SupervisionSession.objects.filter(enrolment=enrolment).exists():
        return
    cases = list(Case.objects.filter(enrolment=enrolment))
    day = enrolment.start_date + timedelta(days=1)
    week = 0
    while day < today - timedelta(days=2):
        every = plan.supervision_missed_every
        if not every or week % every != every - 1:
            open_cases = [
                c for c in cases if c.opened_on <= day and (c.closed_on is None or c.closed_on >= day)
            ]
            _log_and_confirm(
                enrolment, supervisor, kind=Kind.CASE_MANAGEMENT, on=day, minutes=60, cases=open_cases
            )
        skills_day = day + timedelta(days=2)
        if week % 2 == 0 and skills_day < today - timedelta(days=2):
            _log_and_confirm(enrolment, supervisor, kind=Kind.CLINICAL_SKILLS, on=skills_day, minutes=60)
        day += timedelta(weeks=1)
        week += 1


@transaction.atomic
def seed(today: date) -> dict:
    programme = Programme.objects.get(code="northvale-pwp")
    educator, lead = User.objects.get(username="educator"), User.objects.get(username="lead")
    supervisors = [
        User.objects.get(username="supervisor2"),
        person("supervisor3", "Omar", "Haddad"),
        person("supervisor4", "Fiona", "McLeod"),
    ]
    # Only a qualified practitioner with a supervisor profile may be assigned as a supervisor.
    supervisor_profile(supervisors[1], "Psychology graduate.", "Five years as a PWP.", date(2020, 9, 1))
    supervisor_profile(supervisors[2], "Mental health nurse.", "Four years as a PWP.", date(2021, 3, 1))
    service = Organisation.objects.get(code="northvale-talking-therapies")
    start = _monday_on_or_before(today - timedelta(days=round(MONTHS_AGO * 30.44)))
    cohort, created = Cohort.objects.get_or_create(
        code=CODE,
        defaults={
            "programme": programme,
            "name": f"Northvale PWP {start:%B %Y} large intake",
            "intake": f"{start:%B %Y}",
            "start_date": start,
        },
    )
    if created:
        cohort.educators.add(educator, lead)
    route = programme.edition.routes.get(code="standard")
    if not TeachingDay.objects.filter(cohort=cohort).exists():
        standard = RouteModule.objects.filter(route=route).select_related("module")
        generate_schedule(
            actor=educator,
            cohort=cohort,
            start_date=cohort.start_date,
            weekdays=[demo_attendance.TUESDAY],
            days_per_module={rm.module: rm.university_days for rm in standard},
            holidays=demo_attendance._holidays(cohort.start_date),
        )
    plans = trainees()
    enrolments = [_enrol(cohort, plan, route, service, supervisors, i) for i, plan in enumerate(plans)]
    for enrolment, plan in zip(enrolments, plans, strict=True):
        _interrupt(enrolment, plan, educator)
    _registers(cohort, {p.username: p for p in plans}, educator, today)
    teaching = set(TeachingDay.objects.filter(cohort=cohort).values_list("date", flat=True))
    for index, (enrolment, plan) in enumerate(zip(enrolments, plans, strict=True)):
        supervisor = supervisors[index % len(supervisors)]
        _workplace_days(enrolment, plan, supervisor, teaching, today)
        _caseload(enrolment, plan, index, today)
        _supervision(enrolment, plan, supervisor, today)
        if plan.withdrawn and enrolment.status == Enrolment.Status.ACTIVE:
            update_enrolment(
                actor=educator, enrolment=enrolment, changes={"status": Enrolment.Status.WITHDRAWN}
            )
    return {"cohort": cohort, "enrolments": enrolments}
