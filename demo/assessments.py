"""Competence assessments for the demo, built through the same services as real use.

trainee.done has every competence signed off (after one resit); trainee.mid has a mixture, including a
failed attempt whose resit is waiting for marking; the others are at a plausible point for their month. The
educator's marking queue has first marking and moderation waiting. Idempotent: a trainee with any attempt is
left alone.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import User
from assessments import services
from assessments.models import (
    AssessmentComponent,
    AssessmentScheme,
    Attempt,
    ProgrammeAssessmentSettings,
    SubmissionDeadline,
)
from assessments.reference import load_assessments
from assessments.selectors import deadline_components
from curriculum.models import Cohort, Competence, Programme
from curriculum.services import update_programme
from demo import past_moment
from trainees.models import Enrolment

SESSION_NOTES_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
INTERVENTIONS = [
    "behavioural-activation",
    "exposure-therapy",
    "cognitive-restructuring",
    "medication-support",
    "problem-solving",
    "panic-management",
    "sleep-hygiene",
]


@dataclass(frozen=True)
class Step:
    """One attempt: what, how far into training (days), and what happens to it."""

    component: str
    competence: str | None
    day: int
    result: str  # "pass" | "fail" | "submitted" | "first_marked_fail"
    first_marker: str = "educator"
    evidence: bool = False

    @property
    def module_number(self) -> int:
        return int(self.component[1])


def _everything(resit: str | None = None) -> list[Step]:
    steps = [
        Step("m1-clinical", "assessment", 70, "pass"),
        Step("m1-written", None, 84, "pass"),
        Step("m1-practice", None, 98, "pass"),
    ]
    for index, code in enumerate(INTERVENTIONS):
        if code == resit:
            steps.append(Step("m2-clinical", code, 150 + index * 14, "fail"))
            steps.append(Step("m2-clinical", code, 190 + index * 14, "pass"))
        else:
            steps.append(Step("m2-clinical", code, 150 + index * 14, "pass"))
    steps += [
        Step("m2-exam", None, 245, "pass"),
        Step("m2-practice", None, 252, "pass"),
        Step("m3-values", "values", 290, "pass"),
        Step("m3-essay", None, 305, "pass"),
        Step("m3-practice", None, 320, "pass"),
    ]
    return steps


PLANS: dict[str, list[Step]] = {
    "trainee.done": _everything(resit="exposure-therapy"),
    "priya.shah": _everything(),
    "trainee.late": [
        step for step in _everything() if step.module_number < 3 and step.competence != "sleep-hygiene"
    ]
    + [
        Step("m2-clinical", "sleep-hygiene", 300, "submitted"),
        Step("m3-values", "values", 310, "submitted", evidence=True),
    ],
    "grace.evans": [s for s in _everything() if s.day < 240],
    "mohammed.ali": [s for s in _everything(resit="exposure-therapy") if s.day < 200],
    "trainee.mid": [
        Step("m1-clinical", "assessment", 60, "pass", evidence=True),
        Step("m1-written", None, 75, "pass"),
        Step("m1-practice", None, 90, "pass"),
        Step("m2-clinical", "behavioural-activation", 110, "pass", evidence=True),
        Step("m2-clinical", "cognitive-restructuring", 120, "pass", evidence=True),
        Step("m2-clinical", "exposure-therapy", 125, "fail", evidence=True),
        Step("m2-clinical", "exposure-therapy", 150, "submitted", evidence=True),
        Step("m2-clinical", "problem-solving", 155, "submitted", evidence=True),
    ],
    "trainee.cpd": [
        Step("m1-clinical", "assessment", 60, "pass"),
        Step("m1-written", None, 75, "pass"),
        Step("m1-practice", None, 140, "submitted"),
    ],
    "sophie.brown": [
        Step("m1-clinical", "assessment", 65, "pass"),
        Step("m2-clinical", "medication-support", 140, "first_marked_fail", first_marker="lead"),
    ],
    "tom.wilson": [Step("m1-clinical", "assessment", 120, "submitted")],
    "owen.price": [Step("m1-clinical", "assessment", 70, "pass", first_marker="educator2")],
}
MODERATORS = {"educator": "lead", "lead": "educator", "educator2": None}


def _ratings(component: AssessmentComponent, passed: bool, seed: int) -> dict[str, int]:
    codes = list(component.marking_scheme.criteria.order_by("number").values_list("code", flat=True))
    if passed:
        return {code: 4 if (index + seed) % 3 == 0 else 3 for index, code in enumerate(codes)}
    return {code: 1 if index in (2, 3) else 2 for index, code in enumerate(codes)}


def _mark(attempt: Attempt, marker: User, passed: bool, release_on: date, seed: int, at: datetime) -> Attempt:
    component = attempt.component
    kwargs = {}
    if component.marking == AssessmentComponent.Marking.CRITERIA:
        kwargs["ratings"] = _ratings(component, passed, seed)
    elif component.marking == AssessmentComponent.Marking.PERCENTAGE:
        kwargs["percentage"] = 58 + seed % 15 if passed else 38
    else:
        kwargs["outcome"] = Attempt.Outcome.PASSED if passed else Attempt.Outcome.FAILED
    feedback = (
        "A warm, well-paced session. The rationale was clear and the patient was involved in every decision. "
        "Next: tighten the agenda so there is time to set between-session tasks."
        if passed
        else "Risk was not asked about directly and the problem summary was not agreed with the patient. "
        "Please review the assessment-session items on risk and shared understanding before the resit."
    )
    return services.mark_attempt(
        actor=marker, attempt=attempt, feedback=feedback, release_on=release_on, at=at, **kwargs
    )


def _configure(programme: Programme, scheme_code: str, sample: int) -> None:
    if not ProgrammeAssessmentSettings.objects.filter(programme=programme).exists():
        services.configure_programme_assessment(
            actor=None,
            programme=programme,
            scheme=AssessmentScheme.objects.get(code=scheme_code),
            attempts_allowed=2,
            moderation_sample_percent=sample,
        )


def _seed_enrolment(enrolment: Enrolment, steps: list[Step], people: dict[str, User], today: date) -> None:
    programme = enrolment.cohort.programme
    scheme = ProgrammeAssessmentSettings.objects.get(programme=programme).scheme
    components = {c.code: c for c in AssessmentComponent.objects.filter(scheme=scheme)}
    competences = {c.code: c for c in Competence.objects.filter(edition=programme.edition)}
    for index, step in enumerate(steps):
        on = min(enrolment.start_date + timedelta(days=step.day), today - timedelta(days=1))
        component = components[step.component]
        files = []
        if step.evidence:
            name = f"{step.competence or step.component}-session-notes.pdf"
            files = [SimpleUploadedFile(name, SESSION_NOTES_PDF, content_type="application/pdf")]
        attempt = services.submit_attempt(
            actor=enrolment.user,
            enrolment=enrolment,
            component=component,
            competence=competences[step.competence] if step.competence else None,
            method=component.methods[0],
            submitted_on=on,
            note="",
            files=files,
        )
        if step.result == "submitted":
            continue
        marker = people[step.first_marker]
        release_on = min(on + timedelta(days=14), today)
        marked_at = past_moment(min(on + timedelta(days=7), today), 14)
        attempt = _mark(attempt, marker, step.result == "pass", release_on, index, marked_at)
        if step.result == "first_marked_fail" or attempt.status != Attempt.Status.AWAITING_MODERATION:
            continue
        moderator = MODERATORS[step.first_marker]
        if moderator is None:
            continue
        services.moderate_attempt(
            actor=people[moderator],
            attempt=attempt,
            decision=Attempt.Decision.AGREED,
            at=max(past_moment(min(on + timedelta(days=10), today), 11), marked_at),
        )


# Days from a cohort's start to its deadline for each module's components, in the demo.
DEADLINE_DAYS = {1: 100, 2: 260, 3: 330}


def _deadlines(programme: Programme, return_days: int) -> None:
    """A marking return period for the programme and deadlines for each of its cohorts (once)."""
    if programme.marking_return_working_days is None:
        update_programme(
            actor=None, programme=programme, changes={"marking_return_working_days": return_days}
        )
    for cohort in Cohort.objects.filter(programme=programme):
        if SubmissionDeadline.objects.filter(cohort=cohort).exists():
            continue
        deadlines = {
            c.pk: cohort.start_date + timedelta(days=DEADLINE_DAYS.get(c.module.number, 330))
            for c in deadline_components(cohort)
        }
        services.set_submission_deadlines(actor=None, cohort=cohort, deadlines=deadlines)


@transaction.atomic
def seed(today: date) -> dict:
    if not AssessmentScheme.objects.exists():
        load_assessments()
    northvale = Programme.objects.get(code="northvale-pwp")
    southmere = Programme.objects.get(code="southmere-pwp")
    _configure(northvale, "pwp-2022-level-7", 20)
    _configure(southmere, "pwp-2022-level-6", 25)
    _deadlines(northvale, 15)
    people = {u.username: u for u in User.objects.filter(username__in=["educator", "lead", "educator2"])}
    seeded = 0
    for username, steps in PLANS.items():
        enrolment = Enrolment.objects.select_related("cohort__programme", "user", "route").get(
            user__username=username
        )
        if Attempt.objects.filter(enrolment=enrolment).exists():
            continue
        _seed_enrolment(enrolment, steps, people, today)
        seeded += 1
    return {"trainees": seeded}
