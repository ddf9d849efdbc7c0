"""Deadlines, in one place: when a component is due from a cohort, when first marking is due back, and
whether an attempt is late. The pages (marking queue, trainee page, cohort grid) and the notifications read
these functions; nothing else works lateness out.

- A submission is late when it was submitted after its cohort's deadline for the component (the deadline
  day itself is on time).
- First marking is due back `marking_return_working_days` working days (Monday to Friday) after the
  submission day, a programme setting. It is late when it was first marked after that day, or is still
  unmarked once that day has passed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from assessments.models import Attempt, SubmissionDeadline


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days (Monday to Friday) after `start`."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day


@dataclass(frozen=True)
class Lateness:
    submission_due: date | None
    submitted_late: bool
    marking_due: date | None
    marking_late: bool
    marking_done: bool

    @property
    def words(self) -> list[str]:
        """What to show, in words: never a code or a colour alone."""
        out = []
        if self.submitted_late:
            out.append(f"Submitted late (due {self.submission_due:%-d %B %Y})")
        if self.marking_late:
            if self.marking_done:
                out.append(f"Marked late (due back {self.marking_due:%-d %B %Y})")
            else:
                out.append(f"Marking overdue (due back {self.marking_due:%-d %B %Y})")
        return out

    @property
    def is_late(self) -> bool:
        return self.submitted_late or self.marking_late


def lateness(
    *,
    submitted_on: date,
    submission_due: date | None,
    return_days: int | None,
    first_marked_on: date | None,
    today: date,
) -> Lateness:
    """The one rule for one attempt (pure)."""
    marking_due = add_working_days(submitted_on, return_days) if return_days else None
    if marking_due is None:
        marking_late = False
    elif first_marked_on is not None:
        marking_late = first_marked_on > marking_due
    else:
        marking_late = today > marking_due
    return Lateness(
        submission_due=submission_due,
        submitted_late=submission_due is not None and submitted_on > submission_due,
        marking_due=marking_due,
        marking_late=marking_late,
        marking_done=first_marked_on is not None,
    )


def deadlines_for(cohort_ids: Iterable[int]) -> dict[tuple[int, int], date]:
    """{(cohort id, component id): due date}. One query."""
    return {
        (cohort_id, component_id): due_on
        for cohort_id, component_id, due_on in SubmissionDeadline.objects.filter(
            cohort_id__in=set(cohort_ids)
        ).values_list("cohort_id", "component_id", "due_on")
    }


def lateness_for(attempts: Iterable[Attempt], *, today: date | None = None) -> dict[int, Lateness]:
    """{attempt id: Lateness} for attempts loaded with their enrolment, cohort and programme
    (Attempt.objects.with_context()). One query, whatever the number of attempts."""
    attempts = list(attempts)
    today = today or timezone.localdate()
    deadlines = deadlines_for(a.enrolment.cohort_id for a in attempts) if attempts else {}
    return {
        a.pk: lateness(
            submitted_on=a.submitted_on,
            submission_due=deadlines.get((a.enrolment.cohort_id, a.component_id)),
            return_days=a.enrolment.cohort.programme.marking_return_working_days,
            first_marked_on=timezone.localdate(a.first_marked_at) if a.first_marked_at else None,
            today=today,
        )
        for a in attempts
    }


@dataclass(frozen=True)
class DeadlineAhead:
    enrolment_id: int
    component_id: int
    component_name: str
    due_on: date


def deadlines_ahead_for(enrolments, *, on: date, within_days: int) -> list[DeadlineAhead]:
    """Deadlines from `on` to `within_days` later that a trainee has not yet submitted anything for, on
    modules of their route (for the notifications). Three queries, whatever the number of enrolments."""
    from curriculum.models import RouteModule

    enrolments = list(enrolments)
    rows = list(
        SubmissionDeadline.objects.filter(
            cohort_id__in={e.cohort_id for e in enrolments},
            due_on__gte=on,
            due_on__lte=on + timedelta(days=within_days),
        ).values_list("cohort_id", "component_id", "component__module_id", "component__name", "due_on")
    )
    if not rows:
        return []
    on_route = set(
        RouteModule.objects.filter(route_id__in={e.route_id for e in enrolments}).values_list(
            "route_id", "module_id"
        )
    )
    submitted = set(
        Attempt.objects.filter(
            enrolment_id__in=[e.pk for e in enrolments], component_id__in={r[1] for r in rows}
        ).values_list("enrolment_id", "component_id")
    )
    out = []
    for enrolment in enrolments:
        for cohort_id, component_id, module_id, name, due_on in rows:
            if cohort_id != enrolment.cohort_id or (enrolment.route_id, module_id) not in on_route:
                continue
            if (enrolment.pk, component_id) not in submitted:
                out.append(DeadlineAhead(enrolment.pk, component_id, name, due_on))
    return out


def marking_overdue_for(enrolments, *, on: date) -> list[tuple[int, int, date]]:
    """(attempt id, enrolment id, day marking was due back) for attempts still waiting for a first marker
    after their return day (for the notifications). One query for attempts, one for deadlines."""
    attempts = list(
        Attempt.objects.filter(
            enrolment_id__in=[e.pk for e in enrolments],
            status=Attempt.Status.SUBMITTED,
            enrolment__cohort__programme__marking_return_working_days__isnull=False,
        )
        .select_related("enrolment__cohort__programme")
        .order_by("pk")
    )
    late = lateness_for(attempts, today=on)
    return [
        (a.pk, a.enrolment_id, late[a.pk].marking_due)
        for a in attempts
        if late[a.pk].marking_late and not late[a.pk].marking_done
    ]


@dataclass(frozen=True)
class DeadlineMissed:
    enrolment_id: int
    component_id: int
    component_name: str
    due_on: date


def deadlines_missed_for(enrolments, *, on: date) -> list[DeadlineMissed]:
    """Deadlines before `on` that a trainee has still submitted nothing for, on modules of their route (the
    attention list). Two queries, whatever the number of enrolments: the passed deadlines with the routes
    their module is on, and the trainees' attempts at those components."""
    enrolments = list(enrolments)
    if not enrolments:
        return []
    rows = list(
        SubmissionDeadline.objects.filter(
            cohort_id__in={e.cohort_id for e in enrolments},
            due_on__lt=on,
            component__module__route_modules__route_id__in={e.route_id for e in enrolments},
        )
        .order_by("due_on", "component_id")
        .values_list(
            "cohort_id",
            "component_id",
            "component__name",
            "due_on",
            "component__module__route_modules__route_id",
        )
    )
    if not rows:
        return []
    submitted = set(
        Attempt.objects.filter(
            enrolment_id__in=[e.pk for e in enrolments], component_id__in={r[1] for r in rows}
        ).values_list("enrolment_id", "component_id")
    )
    return [
        DeadlineMissed(enrolment.pk, component_id, name, due_on)
        for enrolment in enrolments
        for cohort_id, component_id, name, due_on, route_id in rows
        if cohort_id == enrolment.cohort_id
        and route_id == enrolment.route_id
        and (enrolment.pk, component_id) not in submitted
    ]
