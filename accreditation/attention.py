"""Who needs attention: across every cohort a person teaches on or administers, the trainees who need action.

Nothing here decides whether a trainee is behind. Each reason is the verdict of the area that owns the rule,
read in bulk through the contracts in CONTRACTS.md: the training-days engine (off track, at risk), the
supervision engine (missed weeks, clinical-skills shortfall, overdue case reviews), the caseload ramp
(behind), the competence statuses (a failed attempt with a resit left) and the marking queue (attempts
waiting beyond the turnaround). This module only puts those verdicts in words and in order, so the home page,
the full list and its XLSX export show the same thing. The cost is a fixed number of queries, whatever the
number of cohorts or trainees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assessments.deadlines import marking_overdue_for
from assessments.selectors import competence_statuses_for
from core.dates import long_date
from core.wording import hours, listing, plural
from curriculum.selectors import cohorts_for_user
from trainees.attendance.selectors import training_days_progress_for
from trainees.caseload.selectors import caseload_figures_for
from trainees.models import Enrolment
from trainees.supervision.selectors import supervision_summary_for

# Weeks of missed case-management supervision count as needing action while they are recent: a gap months
# ago that has since been kept up is history, not this week's work (the trainee page still shows it).
RECENT_WEEKS = 4

# The reasons, in the order of their urgency; the filter offers them in this order.
REASONS = {
    "training_days": "Training days",
    "marking": "Marking overdue",
    "resits": "Resit pending",
    "supervision": "Supervision gaps",
    "case_reviews": "Case reviews overdue",
    "caseload": "Behind on caseload",
}


# A reason's weight by its urgency rank: off track on training days outweighs any two lesser reasons.
WEIGHTS = {0: 12, 1: 6, 2: 6, 3: 4, 4: 3, 5: 2}


@dataclass(frozen=True)
class Reason:
    code: str  # a key of REASONS
    urgency: int  # 0 is the most urgent
    text: str  # a few words, e.g. "Off track on training days: 6 university days to do"
    link: str  # the route name of the trainee's page that shows the detail

    @property
    def label(self) -> str:
        return REASONS[self.code]


@dataclass(frozen=True)
class AttentionRow:
    enrolment: Enrolment
    reasons: tuple[Reason, ...]

    @property
    def urgency(self) -> int:
        """The most urgent reason's rank (0 is the most urgent)."""
        return min(r.urgency for r in self.reasons)

    @property
    def weight(self) -> int:
        """How much needs doing: each reason weighs more the more urgent it is, so a trainee off track on
        training days with a supervision gap comes before one whose only reason is a late mark."""
        return sum(WEIGHTS[r.urgency] for r in self.reasons)

    @property
    def sort_key(self) -> tuple:
        user = self.enrolment.user
        return (
            -self.weight,
            self.urgency,
            user.last_name.lower(),
            user.first_name.lower(),
            self.enrolment.pk,
        )


@dataclass(frozen=True)
class AttentionList:
    cohorts: list  # every cohort the person sees (the filter's choices)
    rows: list[AttentionRow]  # after the filters, most urgent first
    trainees_checked: int

    @property
    def cohort_choices(self) -> list[tuple[str, str]]:
        return [(c.code, c.name) for c in self.cohorts]


def _training_days(progress) -> Reason | None:
    if progress.status not in ("off_track", "at_risk"):
        return None
    to_do = []
    if progress.university_outstanding:
        to_do.append(f"{progress.university_outstanding} university")
    if progress.workplace_outstanding:
        to_do.append(f"{progress.workplace_outstanding} workplace")
    text = f"Training days {progress.status_label.lower()}"
    if to_do:
        outstanding = progress.university_outstanding + progress.workplace_outstanding
        text += f": {listing(to_do)} {'day' if outstanding == 1 else 'days'} to do"
    return Reason("training_days", 0 if progress.status == "off_track" else 3, text, "trainees:attendance")


def _supervision(summary, on: date) -> list[Reason]:
    found = []
    gaps = []
    recent = [monday for monday in summary.missed_weeks if (on - monday).days < RECENT_WEEKS * 7]
    if recent:
        gaps.append(f"{len(recent)} of the last {RECENT_WEEKS} weeks missed")
    if round(summary.clinical_skills_shortfall_hours * 60):
        gaps.append(f"clinical skills {hours(summary.clinical_skills_shortfall_hours)} short")
    if gaps:
        found.append(Reason("supervision", 3, "Supervision: " + ", ".join(gaps), "trainees:supervision"))
    if summary.overdue_case_reviews:
        longest = max(days for _, days in summary.overdue_case_reviews)
        text = f"{plural(len(summary.overdue_case_reviews), 'case review')} overdue (longest {longest} days)"
        found.append(Reason("case_reviews", 4, text, "trainees:supervision"))
    return found


def _caseload(figures) -> Reason | None:
    if figures.status != "behind":
        return None
    text = (
        f"Caseload behind: {figures.actual_patients_to_date} of "
        f"{figures.expected_patients_to_date:.0f} patients"
    )
    return Reason("caseload", 5, text, "trainees:caseload")


def _resits(statuses) -> Reason | None:
    due = [s.name for s in statuses if s.status == "failed" and s.attempts_used < s.attempts_allowed]
    if not due:
        return None
    shown = due[:2] + ([f"{len(due) - 2} more"] if len(due) > 2 else [])
    text = f"Resit pending: {listing(shown)}"
    return Reason("resits", 2, text, "assessments:trainee")


def _marking(due_dates: list[date]) -> Reason | None:
    """First marking past the programme's return date, by the deadlines module's one rule."""
    if not due_dates:
        return None
    text = (
        f"Marking overdue: {plural(len(due_dates), 'attempt')} past the return date, "
        f"the oldest due back on {long_date(min(due_dates))}"
    )
    return Reason("marking", 1, text, "assessments:trainee")


def attention_list(user, *, on: date, cohort: str = "", reason: str = "") -> AttentionList:
    """The trainees in the person's cohorts who need action, most urgent first, optionally only those in
    one cohort (by code) or with one reason. Active trainees only: withdrawn, completed and interrupted
    trainees have nothing to act on this week."""
    cohorts = list(cohorts_for_user(user))
    chosen = [c for c in cohorts if not cohort or c.code == cohort]
    enrolments = list(
        Enrolment.objects.with_people()
        .filter(cohort__in=[c.pk for c in chosen], status=Enrolment.Status.ACTIVE)
        .order_by("user__last_name", "user__first_name", "pk")
    )
    days = training_days_progress_for(enrolments, on=on)
    supervision = supervision_summary_for(enrolments, end=on)
    caseload = caseload_figures_for(enrolments, on=on)
    competences = competence_statuses_for(enrolments, on=on)
    marking: dict[int, list[date]] = {}
    for _attempt, enrolment_id, due_on in marking_overdue_for(enrolments, on=on):
        marking.setdefault(enrolment_id, []).append(due_on)
    rows = []
    for enrolment in enrolments:
        pk = enrolment.pk
        found = [
            _training_days(days[pk]),
            _marking(marking.get(pk, [])),
            _resits(competences.get(pk, [])),
            *_supervision(supervision[pk], on),
            _caseload(caseload[pk]),
        ]
        reasons = tuple(sorted((r for r in found if r is not None), key=lambda r: r.urgency))
        if reason:
            reasons_match = any(r.code == reason for r in reasons)
            if not reasons_match:
                continue
        if reasons:
            rows.append(AttentionRow(enrolment, reasons))
    rows.sort(key=lambda row: row.sort_key)
    return AttentionList(cohorts=cohorts, rows=rows, trainees_checked=len(enrolments))


def attention_sheet_rows(rows: list[AttentionRow]):
    """The export's rows: one a trainee, the reasons in words (the same words as the page)."""
    for row in rows:
        enrolment = row.enrolment
        yield [
            enrolment.user.display_name,
            enrolment.student_number,
            enrolment.cohort.name,
            enrolment.route.name,
            "; ".join(r.text for r in row.reasons),
            ", ".join(r.label for r in row.reasons),
        ]


SHEET_HEADERS = ["Trainee", "Student number", "Cohort", "Route", "Needs attention because", "Reasons"]
