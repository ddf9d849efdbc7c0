"""Reads for competence assessment and sign-off.

The two results other areas read (see CONTRACTS.md) are `CompetenceStatus` and `ComponentResult`. Each has a
single-enrolment function and a bulk `_for` variant that costs the same number of queries for 1 or 1,000
enrolments. Pages, the grid, the XLSX export, the readiness engine and the PDF all read these.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.access import refuse
from accounts.models import AuditEvent, OrganisationMembership
from assessments.deadlines import Lateness, lateness_for
from assessments.models import (
    AssessmentComponent,
    AssessmentScheme,
    Attempt,
    EvidenceFile,
    MarkingScheme,
    MitigatingCircumstances,
    ProgrammeAssessmentSettings,
    SignOff,
    SignOffReopening,
)
from core.dates import long_date
from curriculum.models import Competence, Programme, ProgrammeMembership, RouteModule
from trainees.enrolment.facts import Area, remember
from trainees.enrolment.selectors import enrolment_access
from trainees.models import Enrolment

STATUS_LABELS = {
    "not_started": "Not started",
    "submitted": "Submitted",
    "awaiting_moderation": "Awaiting moderation",
    "failed": "Failed",
    "signed": "Signed off",
    "reopened": "Reopened",
}
# What a trainee (or their supervisor) is told before marks are released.
TRAINEE_STATUS_LABELS = {**STATUS_LABELS, "submitted": "Awaiting marking"}
MARKER_ROLES = ("educator", "programme_lead")


@dataclass(frozen=True)
class CompetenceStatus:
    code: str
    name: str
    kind: str
    module_number: int
    status: str  # "not_started" | "submitted" | "awaiting_moderation" | "failed" | "signed" | "reopened"
    attempts_used: int
    attempts_allowed: int
    signed_by: str | None  # display name
    signed_by_role: str | None  # "educator" | "programme_lead"
    signed_at: datetime | None
    sign_off_id: int | None  # the current sign-off, or (when reopened) the sign-off that was reopened
    # Staff only: the day the outcome shown reaches the trainee, while that day is still ahead.
    release_on: date | None = None

    @property
    def label(self) -> str:
        """Plain words for a page or a spreadsheet cell, e.g. “Failed (attempt 1 of 2)”."""
        if self.status == "failed":
            label = f"Failed (attempt {self.attempts_used} of {self.attempts_allowed})"
        elif self.status in ("submitted", "awaiting_moderation") and self.attempts_used > 1:
            label = f"{STATUS_LABELS[self.status]} (attempt {self.attempts_used} of {self.attempts_allowed})"
        else:
            label = STATUS_LABELS[self.status]
        if self.release_on is not None:
            label += f", not yet released (released on {long_date(self.release_on)})"
        return label


@dataclass(frozen=True)
class ComponentResult:
    module_number: int
    code: str
    name: str
    passed: bool
    outcome: str  # "passed" | "failed" | "pending" | "not_started"


@dataclass(frozen=True)
class AssessmentRules:
    """A programme's scheme and numbers (its settings row, or its edition's default scheme)."""

    scheme: AssessmentScheme
    attempts_allowed: int
    moderation_sample_percent: int


# ---------------------------------------------------------------------------------------------------------
# Rules and components
# ---------------------------------------------------------------------------------------------------------


def assessment_rules_for(programmes: Iterable[Programme]) -> dict[int, AssessmentRules]:
    """{programme id: rules} in two queries, whatever the number of programmes."""
    programmes = {p.pk: p for p in programmes}
    settings_rows = {
        s.programme_id: s
        for s in ProgrammeAssessmentSettings.objects.filter(programme_id__in=programmes).select_related(
            "scheme"
        )
    }
    editions = {p.edition_id for pk, p in programmes.items() if pk not in settings_rows}
    defaults = {
        s.edition_id: s for s in AssessmentScheme.objects.filter(edition_id__in=editions, is_default=True)
    }
    rules = {}
    for pk, programme in programmes.items():
        row = settings_rows.get(pk)
        if row is not None:
            rules[pk] = AssessmentRules(row.scheme, row.attempts_allowed, row.moderation_sample_percent)
        elif programme.edition_id in defaults:
            scheme = defaults[programme.edition_id]
            rules[pk] = AssessmentRules(scheme, scheme.attempts_allowed, scheme.moderation_sample_percent)
    return rules


def assessment_rules(programme: Programme) -> AssessmentRules | None:
    return assessment_rules_for([programme]).get(programme.pk)


def _components_query():
    return (
        AssessmentComponent.objects.select_related("module", "marking_scheme", "marking_scheme__scale")
        # A component's competences come from its scheme's one edition: ordered within it, without the join.
        .prefetch_related(
            Prefetch(
                "competences", queryset=Competence.objects.select_related("module").order_by("order", "code")
            )
        )
        .order_by("module__number", "order")
    )


def deadline_components(cohort) -> list[AssessmentComponent]:
    """The components a cohort can have deadlines for: its programme's assessment scheme."""
    rules = assessment_rules(cohort.programme)
    if rules is None:
        return []
    return list(
        AssessmentComponent.objects.filter(scheme=rules.scheme)
        .select_related("module")
        .order_by("module__number", "order")
    )


def components_for_enrolment(enrolment: Enrolment) -> list[AssessmentComponent]:
    """The components this trainee takes: the programme's scheme, limited to the modules on their route."""
    rules = assessment_rules(enrolment.cohort.programme)
    if rules is None:
        return []
    module_ids = RouteModule.objects.filter(route_id=enrolment.route_id).values("module_id")
    return list(_components_query().filter(scheme=rules.scheme, module_id__in=module_ids))


def allowed_attempts(
    enrolment: Enrolment, component: AssessmentComponent, competence=None
) -> tuple[int, int]:
    """(attempts used, attempts allowed) for one trainee on one component (and competence)."""
    rules = assessment_rules(enrolment.cohort.programme)
    scope = {"enrolment": enrolment, "component": component, "competence": competence}
    used = Attempt.objects.filter(**scope).count()
    mitigations = MitigatingCircumstances.objects.filter(**scope).count()
    reopenings = 0
    if competence is not None:
        reopenings = SignOffReopening.objects.filter(
            sign_off__enrolment=enrolment, sign_off__competence=competence
        ).count()
    base = rules.attempts_allowed if rules else 0
    return used, base + mitigations + reopenings


# ---------------------------------------------------------------------------------------------------------
# The contract: competence statuses and component results
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _Context:
    """Everything the status rules need for a set of enrolments, loaded in a fixed number of queries."""

    enrolments: dict[int, dict]
    rules: dict[int, AssessmentRules]
    competences: dict[int, list[Competence]]  # edition id -> competences
    components: dict[int, list[AssessmentComponent]]  # scheme id -> components
    route_modules: dict[int, set[int]]  # route id -> module ids
    attempts: dict[tuple, list[Attempt]] = field(default_factory=lambda: defaultdict(list))
    sign_offs: dict[tuple, list[SignOff]] = field(default_factory=lambda: defaultdict(list))
    mitigations: dict[tuple, int] = field(default_factory=lambda: defaultdict(int))


def _load_context(enrolments: Iterable[Enrolment]) -> _Context:
    ids = [e.pk for e in enrolments]
    # One query for what each enrolment needs, whatever was select_related by the caller.
    # The reads below fill dictionaries, so none asks for the models' default ordering (which sorts by
    # cohort, trainee or curriculum edition through joins), except where a list's order is shown.
    rows = {
        row["pk"]: row
        for row in Enrolment.objects.filter(pk__in=ids)
        .order_by()
        .values("pk", "route_id", "cohort__programme_id", "cohort__programme__edition_id")
    }
    # The rules need only each programme's id and curriculum edition, which the row above has read.
    programmes = {
        row["cohort__programme_id"]: Programme(
            pk=row["cohort__programme_id"], edition_id=row["cohort__programme__edition_id"]
        )
        for row in rows.values()
    }
    rules = assessment_rules_for(programmes.values())
    editions = {row["cohort__programme__edition_id"] for row in rows.values()}
    competences = defaultdict(list)
    # An edition's competences in the order the model gives them (`order`, then code), without its join.
    for competence in (
        Competence.objects.filter(edition_id__in=editions).select_related("module").order_by("order", "code")
    ):
        competences[competence.edition_id].append(competence)
    components = defaultdict(list)
    for component in _components_query().filter(scheme_id__in={r.scheme.pk for r in rules.values()}):
        components[component.scheme_id].append(component)
    route_modules = defaultdict(set)
    for route_id, module_id in (
        RouteModule.objects.filter(route_id__in={row["route_id"] for row in rows.values()})
        .order_by()
        .values_list("route_id", "module_id")
    ):
        route_modules[route_id].add(module_id)
    context = _Context(rows, rules, competences, components, route_modules)
    # Unordered: each list is sorted (or its latest taken) by id where it is read. The model's own ordering
    # (by trainee name, component and competence) joined nine tables for nothing.
    for attempt in (
        Attempt.objects.filter(enrolment_id__in=ids)
        .order_by()
        .only(
            "pk",
            "enrolment_id",
            "component_id",
            "competence_id",
            "number",
            "status",
            "outcome",
            "release_on",
        )
    ):
        context.attempts[(attempt.enrolment_id, attempt.component_id, attempt.competence_id)].append(attempt)
        if attempt.competence_id:
            context.attempts[(attempt.enrolment_id, "competence", attempt.competence_id)].append(attempt)
    for sign_off in (
        SignOff.objects.filter(enrolment_id__in=ids)
        .select_related("signed_by", "reopening")
        .defer("marks", "evidence")
        .order_by("signed_at", "pk")
    ):
        context.sign_offs[(sign_off.enrolment_id, sign_off.competence_id)].append(sign_off)
    for enrolment_id, component_id, competence_id in (
        MitigatingCircumstances.objects.filter(enrolment_id__in=ids)
        .order_by()
        .values_list("enrolment_id", "component_id", "competence_id")
    ):
        context.mitigations[(enrolment_id, component_id, competence_id)] += 1
        if competence_id:
            context.mitigations[(enrolment_id, "competence", competence_id)] += 1
    return context


def _reopened(sign_off: SignOff) -> bool:
    try:
        return sign_off.reopening is not None
    except SignOffReopening.DoesNotExist:
        return False


def released_only_for(access) -> bool:
    """Whether a viewer sees only released marks: everyone but programme staff (the `see_marks` rule)."""
    return not access.can("see_marks")


def _unreleased_until(attempt: Attempt | None, on: date) -> date | None:
    """The release date of an agreed outcome that has not reached the trainee on `on` (else None)."""
    if attempt is None or attempt.status != Attempt.Status.AGREED or attempt.is_released(on):
        return None
    return attempt.release_on


def _visible_state(attempt: Attempt, released_only: bool, on: date) -> tuple[str, str]:
    """(status, outcome) as the viewer may see them: before release a trainee sees only “submitted”.

    `Attempt.is_released(on)` is the one rule for "released as of this date"; every reader of statuses
    and results (pages, readiness facts, the portfolio, the JSON, the workbook) comes through here.
    """
    if released_only and not attempt.is_released(on):
        return Attempt.Status.SUBMITTED, ""
    return attempt.status, attempt.outcome


def _competence_status(
    context: _Context, enrolment_id: int, competence: Competence, base_attempts: int, released_only, on
) -> CompetenceStatus:
    attempts = sorted(
        context.attempts.get((enrolment_id, "competence", competence.pk), []), key=lambda a: a.pk
    )
    sign_offs = context.sign_offs.get((enrolment_id, competence.pk), [])
    attempts_by_id = {a.pk: a for a in attempts}
    reopenings = [s for s in sign_offs if _reopened(s)]
    current = next((s for s in sign_offs if not _reopened(s)), None)
    if current is not None and released_only:
        signing_attempt = attempts_by_id.get(current.attempt_id)
        if signing_attempt is None or not signing_attempt.is_released(on):
            current = None
    allowed = base_attempts + context.mitigations.get((enrolment_id, "competence", competence.pk), 0)
    allowed += len(reopenings)
    common = {
        "code": competence.code,
        "name": competence.name,
        "kind": competence.kind,
        "module_number": competence.module.number,
        "attempts_used": len(attempts),
        "attempts_allowed": allowed,
    }
    if current is not None:
        return CompetenceStatus(
            **common,
            status="signed",
            signed_by=current.signed_by.display_name,
            signed_by_role=current.signed_by_role,
            signed_at=current.signed_at,
            sign_off_id=current.pk,
            release_on=None
            if released_only
            else _unreleased_until(attempts_by_id.get(current.attempt_id), on),
        )
    unsigned = {"signed_by": None, "signed_by_role": None, "signed_at": None}
    latest = attempts[-1] if attempts else None
    last_reopened = max(reopenings, key=lambda s: s.reopening.reopened_at, default=None)
    if last_reopened is not None and (latest is None or latest.pk <= last_reopened.attempt_id):
        return CompetenceStatus(**common, **unsigned, status="reopened", sign_off_id=last_reopened.pk)
    if latest is None:
        return CompetenceStatus(**common, **unsigned, status="not_started", sign_off_id=None)
    status, outcome = _visible_state(latest, released_only, on)
    if status == Attempt.Status.AGREED and outcome == Attempt.Outcome.FAILED:
        code = "failed"
    elif status == Attempt.Status.AWAITING_MODERATION:
        code = "awaiting_moderation"
    else:
        # Submitted, or agreed as a pass whose sign-off the viewer may not see yet.
        code = "submitted"
    release_on = None if released_only else _unreleased_until(latest, on)
    return CompetenceStatus(**common, **unsigned, status=code, sign_off_id=None, release_on=release_on)


def _statuses(context: _Context, enrolment_id: int, released_only: bool, on: date) -> list[CompetenceStatus]:
    row = context.enrolments[enrolment_id]
    rules = context.rules.get(row["cohort__programme_id"])
    base = rules.attempts_allowed if rules else 0
    modules = context.route_modules.get(row["route_id"], set())
    return [
        _competence_status(context, enrolment_id, competence, base, released_only, on)
        for competence in context.competences.get(row["cohort__programme__edition_id"], [])
        if competence.module_id in modules
    ]


def competence_statuses_for(
    enrolments: Iterable[Enrolment], *, released_only: bool = False, on: date | None = None
) -> dict[int, list[CompetenceStatus]]:
    """{enrolment id: statuses of every competence on the trainee's route}, in a constant number of queries.

    `released_only=True` shows what the trainee may see: marks not yet released read as “submitted”.
    """
    on = on or timezone.localdate()
    # Remembered per trainee by records version and day (attempts, marks, sign-offs and the programme's
    # assessment settings each bump it).
    return remember(
        STATUS_FACTS,
        enrolments,
        params=(released_only, on),
        compute=lambda missing: _competence_statuses(missing, released_only, on),
    )


STATUS_FACTS = Area("competence-statuses")


def _competence_statuses(enrolments, released_only: bool, on: date) -> dict[int, list[CompetenceStatus]]:
    if not enrolments:
        return {}
    context = _load_context(enrolments)
    return {pk: _statuses(context, pk, released_only, on) for pk in context.enrolments}


def resit_due(status: CompetenceStatus) -> bool:
    """Whether a resit has to be arranged: the competence failed with an attempt left."""
    return status.status == "failed" and status.attempts_used < status.attempts_allowed


def resits_due_for(enrolments: Iterable[Enrolment], *, on: date | None = None) -> dict[int, list[str]]:
    """{enrolment id: the names of the competences whose resit has to be arranged (`resit_due`)}, for the
    trainees who have one. One query when nobody has an agreed fail (a competence is "failed" only when its
    latest attempt was agreed as a fail), else the statuses of those trainees alone (10): the attention list
    asks this of every trainee a person looks after, and few have failed anything."""
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    failed = set(
        Attempt.objects.filter(
            enrolment_id__in=[e.pk for e in enrolments],
            status=Attempt.Status.AGREED,
            outcome=Attempt.Outcome.FAILED,
            competence__isnull=False,
        )
        .order_by()
        .values_list("enrolment_id", flat=True)
        .distinct()
    )
    statuses = competence_statuses_for([e for e in enrolments if e.pk in failed], on=on)
    due = {pk: [s.name for s in found if resit_due(s)] for pk, found in statuses.items()}
    return {pk: names for pk, names in due.items() if names}


def competence_statuses(
    enrolment: Enrolment, *, released_only: bool = False, on: date | None = None
) -> list[CompetenceStatus]:
    return competence_statuses_for([enrolment], released_only=released_only, on=on).get(enrolment.pk, [])


def _component_result(
    context: _Context, enrolment_id: int, component: AssessmentComponent, statuses, released_only, on
) -> ComponentResult:
    common = {"module_number": component.module.number, "code": component.code, "name": component.name}
    competences = list(component.competences.all())
    if competences:
        mine = [statuses[c.code] for c in competences if c.code in statuses]
        if mine and all(s.status == "signed" for s in mine):
            outcome = "passed"
        elif any(s.status == "failed" for s in mine):
            outcome = "failed"
        elif any(s.status != "not_started" for s in mine):
            outcome = "pending"
        else:
            outcome = "not_started"
        return ComponentResult(**common, passed=outcome == "passed", outcome=outcome)
    attempts = context.attempts.get((enrolment_id, component.pk, None), [])
    if not attempts:
        return ComponentResult(**common, passed=False, outcome="not_started")
    status, agreed = _visible_state(max(attempts, key=lambda a: a.pk), released_only, on)
    if status != Attempt.Status.AGREED:
        return ComponentResult(**common, passed=False, outcome="pending")
    return ComponentResult(**common, passed=agreed == Attempt.Outcome.PASSED, outcome=agreed)


def module_assessment_results_for(
    enrolments: Iterable[Enrolment], *, released_only: bool = False, on: date | None = None
) -> dict[int, list[ComponentResult]]:
    """{enrolment id: the result of each component of each module on the route}, in constant queries.

    A component that signs competences off passes when all of them are signed, fails while any has failed.
    """
    return competences_and_results_for(enrolments, released_only=released_only, on=on)[1]


def competences_and_results_for(
    enrolments: Iterable[Enrolment], *, released_only: bool = False, on: date | None = None
) -> tuple[dict[int, list[CompetenceStatus]], dict[int, list[ComponentResult]]]:
    """`competence_statuses_for` and `module_assessment_results_for` together, from one load of the
    assessment records (the readiness facts need both; loading them once halves the work)."""
    enrolments = list(enrolments)
    if not enrolments:
        return {}, {}
    on = on or timezone.localdate()
    context = _load_context(enrolments)
    results, all_statuses = {}, {}
    for pk, row in context.enrolments.items():
        all_statuses[pk] = _statuses(context, pk, released_only, on)
        statuses = {s.code: s for s in all_statuses[pk]}
        rules = context.rules.get(row["cohort__programme_id"])
        modules = context.route_modules.get(row["route_id"], set())
        components = context.components.get(rules.scheme.pk, []) if rules else []
        results[pk] = [
            _component_result(context, pk, component, statuses, released_only, on)
            for component in components
            if component.module_id in modules
        ]
    return all_statuses, results


def module_assessment_results(
    enrolment: Enrolment, *, released_only: bool = False, on: date | None = None
) -> list[ComponentResult]:
    return module_assessment_results_for([enrolment], released_only=released_only, on=on).get(
        enrolment.pk, []
    )


# ---------------------------------------------------------------------------------------------------------
# Access: every object through a get_<thing>_for_user() that answers 404 for what the person may not see
# ---------------------------------------------------------------------------------------------------------


def visible_enrolments(user) -> QuerySet[Enrolment]:
    if not user.is_authenticated:
        return Enrolment.objects.none()
    return Enrolment.objects.filter(enrolment_access(user))


def get_attempt_for_user(user, pk: int) -> Attempt:
    attempt = Attempt.objects.with_context().filter(pk=pk, enrolment__in=visible_enrolments(user)).first()
    if attempt is None:
        raise refuse(user, "attempt", pk)
    return attempt


def get_evidence_for_user(user, pk: int) -> EvidenceFile:
    evidence = (
        EvidenceFile.objects.select_related("attempt", "attempt__enrolment")
        .filter(pk=pk, attempt__enrolment__in=visible_enrolments(user))
        .first()
    )
    if evidence is None:
        raise refuse(user, "evidence file", pk)
    return evidence


def get_sign_off_for_user(user, pk: int) -> SignOff:
    sign_off = (
        SignOff.objects.select_related(
            "enrolment__user", "enrolment__cohort__programme", "competence", "signed_by", "attempt"
        )
        .filter(pk=pk, enrolment__in=visible_enrolments(user))
        .first()
    )
    if sign_off is None:
        raise refuse(user, "sign-off", pk)
    return sign_off


# ---------------------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------------------


def attempts_for_enrolment(enrolment: Enrolment) -> list[Attempt]:
    """A trainee's attempts in order, each with `.lateness` (assessments/deadlines.py)."""
    attempts = list(
        Attempt.objects.with_context()
        .filter(enrolment=enrolment)
        .prefetch_related("evidence")
        .order_by("component__module__number", "component__order", "competence__order", "number")
    )
    late = lateness_for(attempts)
    for attempt in attempts:
        attempt.lateness = late[attempt.pk]
    return attempts


def attempt_detail(attempt: Attempt) -> dict:
    """What the attempt page shows: ratings with their item and level, evidence, history and sign-off."""
    ratings = list(attempt.ratings.select_related("criterion").order_by("criterion__number"))
    labels = {}
    if attempt.component.marking_scheme_id:
        labels = dict(attempt.component.marking_scheme.scale.levels.values_list("value", "label"))
    for rating in ratings:
        rating.label = labels.get(rating.rating, "")
    history = list(
        Attempt.objects.filter(
            enrolment_id=attempt.enrolment_id,
            component_id=attempt.component_id,
            competence=attempt.competence,
        )
        .select_related("first_marker", "second_marker")
        .order_by("number")
    )
    sign_off = SignOff.objects.filter(attempt=attempt).select_related("signed_by", "reopening").first()
    used, allowed = allowed_attempts(attempt.enrolment, attempt.component, attempt.competence)
    return {
        "ratings": ratings,
        "evidence": list(attempt.evidence.all()),
        "history": history,
        "sign_off": sign_off,
        "reopening": getattr(sign_off, "reopening", None) if sign_off and _reopened(sign_off) else None,
        "attempts_used": used,
        "attempts_allowed": allowed,
    }


def _waiting_for(user) -> QuerySet[Attempt] | None:
    """The attempts waiting for this person's marking: first marking on their programmes, and moderation of
    attempts someone else first-marked (nobody second-marks their own marking), never their own; None when
    they mark on no programme. The programmes are read first and given as ids: from a subquery PostgreSQL
    joined every open attempt in the country before keeping the programme's (10,007 rows for 7 at the
    national fill, 70 ms); from ids it starts at the programmes' cohorts."""
    if not user.is_authenticated:
        return None
    programmes = list(ProgrammeMembership.objects.filter(user=user).values_list("programme_id", flat=True))
    if not programmes:
        return None
    return (
        Attempt.objects.filter(enrolment__cohort__programme_id__in=programmes)
        .filter(
            Q(status=Attempt.Status.SUBMITTED)
            | (Q(status=Attempt.Status.AWAITING_MODERATION) & ~Q(first_marker=user))
        )
        .exclude(enrolment__user=user)
    )


@dataclass(frozen=True)
class QueueItem:
    attempt: Attempt
    task: str  # "first_marking" | "moderation"
    lateness: Lateness | None = None

    @property
    def task_label(self) -> str:
        return "First marking" if self.task == "first_marking" else "Moderation (second marking)"


class MarkingQueue:
    """The queue as a sequence the table pages through: its length is one COUNT and each page one query for
    that page's rows, so the page costs the same whether ten or ten thousand attempts wait."""

    def __init__(self, attempts):
        self.attempts = attempts
        self._length = None

    def __len__(self) -> int:
        if self._length is None:
            self._length = self.attempts.count()
        return self._length

    def __getitem__(self, key):
        if isinstance(key, slice):
            return _queue_items(list(self.attempts[key]))
        return _queue_items([self.attempts[key]])[0]

    def __iter__(self):
        batch = []
        for attempt in self.attempts.iterator(chunk_size=500):
            batch.append(attempt)
            if len(batch) == 500:
                yield from _queue_items(batch)
                batch = []
        yield from _queue_items(batch)


def _queue_items(attempts: list[Attempt]) -> list[QueueItem]:
    """A page of the queue, each attempt with its lateness (the deadlines module's rule; two queries)."""
    if not attempts:
        return []
    late = lateness_for(attempts)
    return [
        QueueItem(a, "first_marking" if a.status == Attempt.Status.SUBMITTED else "moderation", late[a.pk])
        for a in attempts
    ]


def marking_queue(user) -> MarkingQueue:
    """What waits for this educator (`_waiting_for`), oldest first, paged in the database."""
    waiting = _waiting_for(user)
    if waiting is None:
        return MarkingQueue(Attempt.objects.none())
    return MarkingQueue(waiting.with_context().order_by("submitted_on", "submitted_at", "pk"))


def marking_queue_count(user) -> int | None:
    """How many attempts wait for this person, or None when they mark on no programme (for the home page)."""
    waiting = _waiting_for(user)
    return None if waiting is None else waiting.count()


@dataclass(frozen=True)
class GridRow:
    enrolment: Enrolment
    statuses: dict[str, CompetenceStatus]  # competence code -> status (only competences on the route)
    late: tuple[str, ...] = ()  # deadlines missed, in words


def late_summaries_for(enrolments: list[Enrolment]) -> dict[int, tuple[str, ...]]:
    """{enrolment id: what was late, in words} over every attempt. Two queries, whatever the number."""
    attempts = list(
        Attempt.objects.filter(enrolment__in=[e.pk for e in enrolments])
        .select_related("enrolment__cohort__programme")
        .order_by()  # tallied, so unordered: the default ordering joins the trainee, component and edition
        .only(
            "pk",
            "component_id",
            "submitted_on",
            "first_marked_at",
            "enrolment__cohort_id",
            "enrolment__cohort__programme__marking_return_working_days",
        )
    )
    late = lateness_for(attempts)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for attempt in attempts:
        flags = late[attempt.pk]
        tally = counts[attempt.enrolment_id]
        tally[0] += flags.submitted_late
        tally[1] += flags.marking_late and not flags.marking_done
        tally[2] += flags.marking_late and flags.marking_done
    out = {}
    for enrolment_id, (submitted, overdue, marked) in counts.items():
        words = []
        if submitted:
            words.append(f"{submitted} submitted late")
        if overdue:
            words.append(f"{overdue} marking overdue")
        if marked:
            words.append(f"{marked} marked late")
        out[enrolment_id] = tuple(words)
    return out


def grid_competences(cohort) -> list[Competence]:
    """The grid's columns: every competence of the programme's curriculum edition, in order."""
    return list(
        Competence.objects.filter(edition_id=cohort.programme.edition_id)
        .select_related("module", "intervention")
        .order_by("order", "code")
    )


def cohort_competence_grid(
    cohort, *, name: str = "", route=None, status: str = "", competence: str = "", competences=None
) -> tuple[list[Competence], list[GridRow]]:
    """The cohort grid: every competence of the edition as a column, one row per trainee (withdrawn last).

    Filters: name contains, route, and a status (optionally for one competence only). Constant queries.
    """
    competences = grid_competences(cohort) if competences is None else competences
    enrolments = Enrolment.objects.for_cohort_table(cohort)
    if name:
        enrolments = enrolments.filter(
            Q(user__first_name__icontains=name) | Q(user__last_name__icontains=name) | Q(user__username=name)
        )
    if route is not None:
        enrolments = enrolments.filter(route=route)
    enrolments = list(enrolments)
    statuses = competence_statuses_for(enrolments)
    late = late_summaries_for(enrolments)
    rows = [GridRow(e, {s.code: s for s in statuses.get(e.pk, [])}, late.get(e.pk, ())) for e in enrolments]
    if status:
        rows = [
            row
            for row in rows
            if any(
                s.status == status for code, s in row.statuses.items() if not competence or code == competence
            )
        ]
    return competences, rows


def grid_sheet_rows(competences: list[Competence], rows: list[GridRow]) -> tuple[list[str], Iterable[list]]:
    """Header and rows of the grid as a spreadsheet: one exporter, whatever renders it."""
    header = ["Trainee", "Username", "Route", "Status", "Deadlines", *(c.name for c in competences)]

    def generate():
        for row in rows:
            enrolment = row.enrolment
            cells = [s.label if (s := row.statuses.get(c.code)) else "Not required" for c in competences]
            yield [
                enrolment.user.display_name,
                enrolment.user.username,
                enrolment.route.name,
                enrolment.get_status_display(),
                "; ".join(row.late) or "None missed",
                *cells,
            ]

    return header, generate()


def audit_trail_for_attempt(attempt: Attempt) -> QuerySet[AuditEvent]:
    """Every audit line about an attempt, its evidence, its sign-off and that sign-off's reopening, and any
    mitigating circumstances accepted for the same assessment."""
    refs = Q(object_type="assessments.attempt", object_id=str(attempt.pk))
    mitigations = MitigatingCircumstances.objects.filter(
        enrolment_id=attempt.enrolment_id,
        component_id=attempt.component_id,
        competence_id=attempt.competence_id,
    ).values_list("pk", flat=True)
    refs |= Q(
        object_type="assessments.mitigatingcircumstances", object_id__in=[str(pk) for pk in mitigations]
    )
    evidence_ids = [str(pk) for pk in attempt.evidence.values_list("pk", flat=True)]
    refs |= Q(object_type="assessments.evidencefile", object_id__in=evidence_ids)
    sign_off = SignOff.objects.filter(attempt=attempt).first()
    if sign_off is not None:
        refs |= Q(object_type="assessments.signoff", object_id=str(sign_off.pk))
        refs |= Q(
            object_type="assessments.signoffreopening",
            object_id__in=[
                str(pk)
                for pk in SignOffReopening.objects.filter(sign_off=sign_off).values_list("pk", flat=True)
            ],
        )
    return AuditEvent.objects.filter(refs).order_by("at", "pk")


def is_programme_administrator(user, programme: Programme) -> bool:
    return OrganisationMembership.objects.filter(
        organisation_id=programme.hei_id, user=user, role=OrganisationMembership.Role.ADMINISTRATOR
    ).exists()


def exhausted_attempt_scopes(
    enrolment: Enrolment,
) -> list[tuple[AssessmentComponent, Competence | None, int]]:
    """Components (and competences) where every allowed attempt is used and the last one failed: where an
    administrator may record accepted mitigating circumstances. [(component, competence, attempts used)]"""
    components = {c.pk: c for c in components_for_enrolment(enrolment)}
    if not components:
        return []
    rules = assessment_rules(enrolment.cohort.programme)
    latest: dict[tuple, Attempt] = {}
    used: dict[tuple, int] = defaultdict(int)
    for attempt in Attempt.objects.filter(enrolment=enrolment, component_id__in=components).select_related(
        "competence"
    ):
        key = (attempt.component_id, attempt.competence_id)
        used[key] += 1
        if key not in latest or attempt.pk > latest[key].pk:
            latest[key] = attempt
    extra: dict[tuple, int] = defaultdict(int)
    for key in MitigatingCircumstances.objects.filter(enrolment=enrolment).values_list(
        "component_id", "competence_id"
    ):
        extra[key] += 1
    for competence_id in SignOffReopening.objects.filter(sign_off__enrolment=enrolment).values_list(
        "sign_off__competence_id", flat=True
    ):
        for component in components.values():
            if any(c.pk == competence_id for c in component.competences.all()):
                extra[(component.pk, competence_id)] += 1
    scopes = []
    for key, attempt in latest.items():
        failed = attempt.status == Attempt.Status.AGREED and attempt.outcome == Attempt.Outcome.FAILED
        if failed and used[key] >= rules.attempts_allowed + extra[key]:
            scopes.append((components[key[0]], attempt.competence, used[key]))
    return sorted(scopes, key=lambda s: (s[0].module.number, s[0].order, s[1].order if s[1] else 0))


# --- bulk reads for other apps (CONTRACTS.md) -----------------------------------------------------------


@dataclass(frozen=True)
class AssessmentRecords:
    """One enrolment's assessment rows as a record shows them: attempts (with component, module, competence
    and markers), sign-offs (with signer and any reopening), evidence files, and by id the marking schemes
    the attempts use (of every enrolment read together), each annotated with `items` (its number of
    criteria) and `top` (the top of its scale)."""

    attempts: list[Attempt]
    sign_offs: list[SignOff]
    evidence: list[EvidenceFile]
    schemes: dict[int, MarkingScheme]


def assessment_records_for(enrolments: Iterable[Enrolment]) -> dict[int, AssessmentRecords]:
    """Every attempt, sign-off and evidence file of each enrolment, and the marking schemes they use, in four
    queries whatever the number of enrolments or records. Attempts in curriculum order, sign-offs and
    evidence oldest first."""
    ids = [e.pk for e in enrolments]
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in (
        Attempt.objects.filter(enrolment_id__in=ids)
        .select_related("component", "component__module", "competence", "first_marker", "second_marker")
        .order_by("component__module__number", "component__order", "competence__order", "number", "pk")
    ):
        attempts[attempt.enrolment_id].append(attempt)
    sign_offs: dict[int, list[SignOff]] = defaultdict(list)
    for sign_off in (
        SignOff.objects.filter(enrolment_id__in=ids)
        .select_related("signed_by", "reopening", "reopening__reopened_by")
        .defer("marks")
        .order_by("signed_at", "pk")
    ):
        sign_offs[sign_off.enrolment_id].append(sign_off)
    evidence: dict[int, list[EvidenceFile]] = defaultdict(list)
    for item in (
        EvidenceFile.objects.filter(attempt__enrolment_id__in=ids)
        .annotate(of_enrolment=F("attempt__enrolment_id"))
        .order_by("uploaded_at", "pk")
    ):
        evidence[item.of_enrolment].append(item)
    # Most marks a scheme allows: its number of items times the top of its scale.
    schemes = {
        scheme.pk: scheme
        for scheme in MarkingScheme.objects.filter(
            pk__in=AssessmentComponent.objects.filter(attempts__enrolment_id__in=ids).values("marking_scheme")
        ).annotate(items=Count("criteria", distinct=True), top=Max("scale__levels__value"))
    }
    return {
        pk: AssessmentRecords(
            attempts=attempts.get(pk, []),
            sign_offs=sign_offs.get(pk, []),
            evidence=evidence.get(pk, []),
            schemes=schemes,
        )
        for pk in ids
    }


@dataclass(frozen=True)
class AttemptNotice:
    """An attempt as the notifications see it: no marks, no feedback."""

    pk: int
    enrolment_id: int
    status: str
    first_marker_id: int | None
    submitted_on: date
    first_marked_on: date | None
    release_on: date | None


def attempt_notices_for(enrolments, *, released_since: date, on: date) -> list[AttemptNotice]:
    """Attempts waiting for a first or second marker, and agreed attempts released between `released_since`
    and `on` (never one whose release date is after `on`). One query."""
    rows = (
        Attempt.objects.filter(enrolment_id__in=[e.pk for e in enrolments])
        .filter(
            Q(status__in=[Attempt.Status.SUBMITTED, Attempt.Status.AWAITING_MODERATION])
            | Q(status=Attempt.Status.AGREED, release_on__gte=released_since, release_on__lte=on)
        )
        .order_by("pk")
        .values_list(
            "pk", "enrolment_id", "status", "first_marker_id", "submitted_on", "first_marked_at", "release_on"
        )
    )
    return [
        AttemptNotice(
            pk,
            enrolment_id,
            status,
            first_marker_id,
            submitted_on,
            timezone.localdate(marked_at) if marked_at else None,
            release_on,
        )
        for pk, enrolment_id, status, first_marker_id, submitted_on, marked_at, release_on in rows
    ]


def schemes_for_edition(edition_id: int):
    """The assessment schemes a programme on a curriculum edition may choose, the default first."""
    return AssessmentScheme.objects.filter(edition_id=edition_id).order_by("-is_default", "name")
