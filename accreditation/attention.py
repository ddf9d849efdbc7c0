"""Who needs attention: across every cohort a person teaches on or administers, the few trainees who need
action this week.

Each area keeps its own verdict (on track, at risk, behind, gaps), and the trainee's page and the cohort page
show it in full, small slips included. This list is narrower: it names a trainee only when one of the rules
below says that somebody has to act this week, ranks them by severity and then by date, and says for each
reason why and what to do. The rules read the areas' bulk reads (CONTRACTS.md); the thresholds they add are
the named constants in the "Thresholds" section, each with the reason for its value. The programme's own rule
data (the supervision rules, the marking return period, the submission deadlines, the training window) stays
where it is and is read, never repeated here. The cost is a fixed number of queries, whatever the number of
cohorts or trainees.

A little behind, and therefore not on this list (the trainee's and cohort's pages show it):
- training days "at risk" (a missed day not yet made up, workplace days behind an even pace) while the
  window still has more than WINDOW_CLOSING_WEEKS to run;
- one case-management week missed in the last RECENT_WEEKS; a clinical-skills shortfall under
  CLINICAL_SKILLS_SHORTFALL_HOURS; a case review overdue by less than CASE_REVIEW_GRACE_DAYS;
- a caseload behind the ramp while contacts are still being recorded and the year's total is still within
  reach at a full caseload.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from assessments.deadlines import deadlines_missed_for, marking_overdue_for
from assessments.selectors import resits_due_for
from core.dates import long_date
from core.wording import hours, listing, plural
from curriculum.selectors import cohorts_for_user
from trainees.attendance.selectors import training_days_progress_for
from trainees.caseload.selectors import caseload_figures_for
from trainees.enrolment.facts import Area, remember
from trainees.models import Enrolment
from trainees.supervision.selectors import absences_for, interruptions_among, supervision_summary_for

# --- Thresholds: the one place the attention list's own limits live --------------------------------------

RECENT_WEEKS = 4
"""Case-management supervision is judged over the last four complete weeks (Monday to Sunday): the guide's
review cycle, in which every patient on the caseload must be seen in supervision at least once."""

MISSED_WEEKS_FOR_ACTION = 2
"""Weeks without case-management supervision, of the last RECENT_WEEKS, that call for action. The guide asks
for one hour every week; one missed week in a month happens (a bank holiday, a supervisor's leave) and the
next week's session absorbs it, so it shows only on the trainee's page. Two or more means the service is not
providing the weekly hour and patients go unreviewed: ring the service this week."""

CASE_REVIEW_GRACE_DAYS = 7
"""Days past the programme's review interval (the guide's 4 weeks) before an overdue case review calls for
action: one weekly supervision session's slack. A case that fell due since the last session is reviewed at the
next one without anyone chasing; one still unreviewed a week later has been missed."""

CLINICAL_SKILLS_SHORTFALL_HOURS = 4
"""Hours of clinical-skills supervision short of the rule (the guide's 1 hour a fortnight, averaged over the
training so far) that call for action: four fortnightly sessions, about two months without it, more than leave
or a cancelled session explains. Accredited programmes count 20 hours over the year, so a larger gap needs
extra sessions planned now."""

WINDOW_CLOSING_WEEKS = 8
"""Weeks before the end of the training window (12 months from the start, later for interruptions) inside
which any days still missed or behind call for action: eight weeks is the last point at which catch-up days
and workplace days can still be booked before the window closes."""

NO_CONTACT_WEEKS = 4
"""Weeks (of training: interruptions pause them) without any patient contact recorded, once the caseload ramp
expects patients, that call for action. A trainee sees patients every week; four weeks, a whole review cycle,
means the trainee is absent, has no referrals, or their contacts are not reaching the tracker."""


RULES_IN_WORDS = (
    (
        "Patient safety",
        (
            f"no case-management supervision in {MISSED_WEEKS_FOR_ACTION} or more "
            f"of the last {RECENT_WEEKS} weeks",
            f"a case review more than {CASE_REVIEW_GRACE_DAYS} days past the programme's rule",
        ),
    ),
    (
        "Completion at risk",
        (
            "training days that cannot be done in time",
            f"a window closing within {WINDOW_CLOSING_WEEKS} weeks with training days missing",
            f"clinical-skills supervision {CLINICAL_SKILLS_SHORTFALL_HOURS} hours or more short",
            f"no patient contact for {NO_CONTACT_WEEKS} weeks",
            "a caseload that cannot reach the year's total even at a full caseload",
        ),
    ),
    (
        "Overdue",
        (
            "a submission deadline passed with nothing submitted",
            "marking past the return date",
            "a resit to arrange",
        ),
    ),
)
"""The rules above in words, by severity, for the list's page (built from the constants, never a copy). The
list is sorted in this order, the oldest first within each; smaller slips show on each trainee's page and the
cohort page."""


# --- Severity: the first sort key ------------------------------------------------------------------------

SAFETY = 0  # patients on the caseload go without the supervision the guide requires
COMPLETION = 1  # the trainee will not finish the programme on time without a plan made now
OVERDUE = 2  # a piece of work is past its date: chase it

SEVERITY_LABELS = {SAFETY: "Patient safety", COMPLETION: "Completion at risk", OVERDUE: "Overdue"}

# The reasons, most severe first; the filter offers them in this order.
REASONS = {
    "case_reviews": "Case reviews overdue",
    "supervision": "Supervision missed",
    "training_days": "Training days",
    "caseload": "Caseload",
    "deadlines": "Submission missed",
    "marking": "Marking overdue",
    "resits": "Resit pending",
}


@dataclass(frozen=True)
class Reason:
    code: str  # a key of REASONS
    severity: int  # SAFETY, COMPLETION or OVERDUE
    on: date | None  # when it fell due (or falls due): the earlier, the sooner to act
    text: str  # why, in a few words: "3 case reviews overdue (longest 49 days)"
    action: str  # what to do: "Ask the supervisor to review these cases this week"
    link: str  # the route name of the trainee's page that shows the detail

    @property
    def label(self) -> str:
        return REASONS[self.code]

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    @property
    def sort_key(self) -> tuple:
        return (self.severity, self.on or date.max, list(REASONS).index(self.code))


@dataclass(frozen=True)
class AttentionRow:
    enrolment: Enrolment
    reasons: tuple[Reason, ...]  # most severe first

    @property
    def severity(self) -> int:
        """The most severe reason's level (SAFETY is the most severe)."""
        return self.reasons[0].severity

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    @property
    def sort_key(self) -> tuple:
        """Severity, then the earliest date among the reasons at that severity, then the name."""
        user = self.enrolment.user
        first = self.reasons[0]
        return (
            first.severity,
            first.on or date.max,
            -len(self.reasons),
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


# --- The rules: each takes one area's figures and returns a reason or None ---------------------------------


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def training_days_reason(progress, *, on: date) -> Reason | None:
    """Off track (the days cannot all fit before the window ends), or at risk with the window closing within
    WINDOW_CLOSING_WEEKS."""
    if progress.status not in ("off_track", "at_risk"):
        return None
    closing = progress.window_end - on <= timedelta(weeks=WINDOW_CLOSING_WEEKS)
    if progress.status == "at_risk" and not closing:
        return None
    to_do = []
    if progress.university_outstanding:
        to_do.append(f"{progress.university_outstanding} university")
    if progress.workplace_outstanding:
        to_do.append(f"{progress.workplace_outstanding} workplace")
    outstanding = progress.university_outstanding + progress.workplace_outstanding
    left = f"{listing(to_do)} {'day' if outstanding == 1 else 'days'} to do" if to_do else "days to make up"
    ends = f"the window {'ends' if progress.window_end > on else 'ended'} on {long_date(progress.window_end)}"
    if progress.status == "off_track":
        text = f"Training days cannot all be done in time: {left}, {ends}"
        action = "Meet the trainee and their service to agree an extension or an interruption"
    else:
        text = f"Training window closing with days missing: {left}, {ends}"
        action = "Book the catch-up and workplace days now, before the window closes"
    return Reason("training_days", COMPLETION, progress.window_end, text, action, "trainees:attendance")


def supervision_reasons(summary, *, on: date) -> list[Reason]:
    """Case-management supervision missed in MISSED_WEEKS_FOR_ACTION or more of the last RECENT_WEEKS
    complete weeks; a clinical-skills shortfall of CLINICAL_SKILLS_SHORTFALL_HOURS or more; an open case
    unreviewed for longer than the programme's interval plus CASE_REVIEW_GRACE_DAYS."""
    found = []
    this_monday = _monday(on)
    recent = {this_monday - timedelta(weeks=n) for n in range(1, RECENT_WEEKS + 1)}
    missed = sorted(monday for monday in summary.missed_weeks if monday in recent)
    if len(missed) >= MISSED_WEEKS_FOR_ACTION:
        text = f"No case-management supervision in {len(missed)} of the last {RECENT_WEEKS} weeks"
        action = "Ask the service to restore the weekly hour of case-management supervision"
        found.append(Reason("supervision", SAFETY, missed[0], text, action, "trainees:supervision"))
    if summary.clinical_skills_shortfall_hours >= CLINICAL_SKILLS_SHORTFALL_HOURS:
        text = f"Clinical-skills supervision {hours(summary.clinical_skills_shortfall_hours)} short"
        action = "Agree extra clinical-skills sessions with the supervisor"
        found.append(Reason("supervision", COMPLETION, None, text, action, "trainees:supervision"))
    interval = summary.case_review_interval_days
    late = [
        (ref, days) for ref, days in summary.overdue_case_reviews if days > interval + CASE_REVIEW_GRACE_DAYS
    ]
    if late:
        longest = max(days for _, days in late)
        text = f"{plural(len(late), 'case review')} overdue (longest {longest} days, the rule is {interval})"
        action = "Ask the supervisor to review these cases at this week's session"
        due = on - timedelta(days=longest - interval)
        found.append(Reason("case_reviews", SAFETY, due, text, action, "trainees:supervision"))
    return found


def caseload_reason(figures, *, on: date) -> Reason | None:
    """No patient contact recorded for NO_CONTACT_WEEKS weeks of training, once the ramp expects patients; or
    so far behind the ramp that even a full caseload from now cannot reach the year's expected total (within
    the ramp's own tolerance, programme data). Being behind the ramp alone is a little behind: the caseload
    page shows it."""
    expected_from = figures.caseload_expected_from
    if expected_from is None or figures.days_without_contact is None or figures.status == "not_started":
        return None
    since = max(figures.last_contact_on or expected_from, expected_from)
    if figures.days_without_contact < NO_CONTACT_WEEKS * 7:
        if figures.year_total_within_reach or figures.status != "behind":
            return None
        text = (
            f"Caseload cannot catch up: {figures.actual_patients_to_date} patients seen, at most "
            f"{figures.most_by_year_end:.0f} by the end of the year at a full caseload, against "
            f"{figures.expected_year_total:.0f} expected"
        )
        action = "Agree with the service how the trainee gets more referrals, or a longer caseload period"
        return Reason("caseload", COMPLETION, None, text, action, "trainees:caseload")
    if figures.last_contact_on is None:
        text = f"No patient contact recorded since the caseload began on {long_date(expected_from)}"
    else:
        text = f"No patient contact recorded since {long_date(figures.last_contact_on)}"
    action = "Ask the trainee and the service why: absence, referrals, or contacts not yet recorded"
    return Reason("caseload", COMPLETION, since, text, action, "trainees:caseload")


def deadlines_reason(missed: list) -> Reason | None:
    """A submission deadline passed with nothing submitted (the cohort's deadlines, the deadlines module)."""
    if not missed:
        return None
    first = min(missed, key=lambda m: m.due_on)
    names = [m.component_name for m in sorted(missed, key=lambda m: m.due_on)]
    shown = names[:2] + ([f"{len(names) - 2} more"] if len(names) > 2 else [])
    text = f"Nothing submitted for {listing(shown)} (due {long_date(first.due_on)})"
    action = "Contact the trainee: agree a new date, or mitigating circumstances"
    return Reason("deadlines", OVERDUE, first.due_on, text, action, "assessments:trainee")


def marking_reason(due_dates: list[date]) -> Reason | None:
    """First marking past the programme's return date, by the deadlines module's one rule."""
    if not due_dates:
        return None
    text = (
        f"Marking overdue: {plural(len(due_dates), 'attempt')} past the return date, "
        f"the oldest due back on {long_date(min(due_dates))}"
    )
    action = "Mark it, or pass it to another marker"
    return Reason("marking", OVERDUE, min(due_dates), text, action, "assessments:trainee")


def resits_reason(names: list[str]) -> Reason | None:
    """A failed competence with an attempt left (the names `resits_due_for` gives, the assessments' rule):
    the resit has to be arranged."""
    if not names:
        return None
    shown = names[:2] + ([f"{len(names) - 2} more"] if len(names) > 2 else [])
    text = f"Resit pending: {listing(shown)}"
    action = "Give feedback and book the resit"
    return Reason("resits", OVERDUE, None, text, action, "assessments:trainee")


RECORDS_REASONS = Area("attention")


def _reasons_from_records(enrolments, on: date) -> dict[int, tuple[Reason | None, ...]]:
    """{pk: the reasons (or None) the trainee's own records give}: training days, supervision, caseload and
    resits, each area read once for all of them."""
    if not enrolments:
        return {}
    # Interruptions and leave read once: supervision allows for both, the training days' window and the
    # caseload's clock for the interruptions among them.
    absences = absences_for([e.pk for e in enrolments])
    interruptions = interruptions_among(absences)
    days = training_days_progress_for(enrolments, on=on, interruptions=interruptions)
    supervision = supervision_summary_for(enrolments, end=on, absences=absences)
    caseload = caseload_figures_for(enrolments, on=on, interruptions=interruptions, hours=False)
    resits = resits_due_for(enrolments, on=on)
    return {
        e.pk: (
            training_days_reason(days[e.pk], on=on),
            *supervision_reasons(supervision[e.pk], on=on),
            caseload_reason(caseload[e.pk], on=on),
            resits_reason(resits.get(e.pk, [])),
        )
        for e in enrolments
    }


def reasons_from_records_for(enrolments, on: date) -> dict[int, tuple[Reason | None, ...]]:
    """The reasons each trainee's own records give, remembered by records version and day in one row a
    trainee (the list reads them; the worker works them out ahead when records change)."""
    return remember(
        RECORDS_REASONS, enrolments, params=(on,), compute=lambda missing: _reasons_from_records(missing, on)
    )


def remember_reasons(enrolments, today: date) -> None:
    """Worked out ahead when records change (trainees.enrolment.facts.warm_with), as the list asks."""
    reasons_from_records_for([e for e in enrolments if e.status == Enrolment.Status.ACTIVE], today)


def attention_list(
    user, *, on: date, cohort: str = "", reason: str = "", cohorts: list | None = None
) -> AttentionList:
    """The trainees in the person's cohorts who need action this week, most severe first (then by date),
    optionally only those in one cohort (by code) or with one reason. Active trainees only: withdrawn,
    completed and interrupted trainees have nothing to act on this week. `cohorts`, the person's cohorts as
    `cohorts_for_user` gives them, lets a page that has already read them (the home) save the query."""
    cohorts = list(cohorts_for_user(user)) if cohorts is None else list(cohorts)
    chosen = [c for c in cohorts if not cohort or c.code == cohort]
    enrolments = list(
        Enrolment.objects.with_people()
        .filter(cohort__in=[c.pk for c in chosen], status=Enrolment.Status.ACTIVE)
        .order_by("user__last_name", "user__first_name", "pk")
    )
    # What each trainee's own records give (training days, supervision, caseload, resits) is remembered by
    # records version and day, in one row a trainee; deadlines and marking are the cohort's and the
    # markers' and are read each time.
    from_records = reasons_from_records_for(enrolments, on)
    marking: dict[int, list[date]] = {}
    for _attempt, enrolment_id, due_on in marking_overdue_for(enrolments, on=on):
        marking.setdefault(enrolment_id, []).append(due_on)
    missed: dict[int, list] = {}
    for item in deadlines_missed_for(enrolments, on=on):
        missed.setdefault(item.enrolment_id, []).append(item)
    rows = []
    for enrolment in enrolments:
        pk = enrolment.pk
        found = [
            *from_records[pk],
            deadlines_reason(missed.get(pk, [])),
            marking_reason(marking.get(pk, [])),
        ]
        reasons = tuple(sorted((r for r in found if r is not None), key=lambda r: r.sort_key))
        if reason and not any(r.code == reason for r in reasons):
            continue
        if reasons:
            rows.append(AttentionRow(enrolment, reasons))
    rows.sort(key=lambda row: row.sort_key)
    return AttentionList(cohorts=cohorts, rows=rows, trainees_checked=len(enrolments))


def attention_sheet_rows(rows: list[AttentionRow]):
    """The export's rows: one a trainee, the reasons and what to do in words (the same words as the page)."""
    for row in rows:
        enrolment = row.enrolment
        yield [
            enrolment.user.display_name,
            enrolment.student_number,
            enrolment.cohort.name,
            enrolment.route.name,
            "; ".join(r.text for r in row.reasons),
            "; ".join(r.action for r in row.reasons),
            row.severity_label,
            ", ".join(dict.fromkeys(r.label for r in row.reasons)),
        ]


SHEET_HEADERS = [
    "Trainee",
    "Student number",
    "Cohort",
    "Route",
    "Needs attention because",
    "What to do",
    "Severity",
    "Reasons",
]
