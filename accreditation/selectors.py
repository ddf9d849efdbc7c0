from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.access import refuse
from accreditation import facts as facts_module
from accreditation.engine import ReadinessResult, Stage, evaluate
from accreditation.facts import TraineeFacts
from accreditation.models import PortfolioSnapshot, Scheme, SchemeVersion, Visit, VisitAssignment, VisitPack
from trainees.models import Enrolment


def visits_for_visitor(user) -> QuerySet[Visit]:
    """Every visit a person is assigned to, open or not (the home page says which are open)."""
    if not user.is_authenticated:
        return Visit.objects.none()
    return Visit.objects.filter(assignments__visitor=user).select_related("programme").order_by("-starts_on")


def visits_with_visitors(*, between: tuple[date, date]) -> list[tuple[Visit, tuple[int, ...]]]:
    """Visits that open or close between two dates (inclusive), each with its visitors' ids; two queries.
    Visitors see a visit through `visits_for_visitor` only while `Visit.is_open`."""
    start, end = between
    visits = list(
        Visit.objects.filter(Q(starts_on__range=between) | Q(ends_on__range=between)).order_by("pk")
    )
    visitors: dict[int, tuple[int, ...]] = {}
    for visit_id, user_id in (
        VisitAssignment.objects.filter(visit__in=visits, visitor__is_active=True)
        .order_by("visit_id", "visitor_id")
        .values_list("visit_id", "visitor_id")
    ):
        visitors[visit_id] = (*visitors.get(visit_id, ()), user_id)
    return [(v, visitors.get(v.pk, ())) for v in visits]


def get_open_visit_for_visitor(user, pk: int) -> Visit:
    """A visit the person is assigned to and whose window is open today; anything else is a 404."""
    visit = visits_for_visitor(user).open_on().filter(pk=pk).first()
    if visit is None:
        raise refuse(user, "visit", pk)
    return visit


# --- schemes and readiness --------------------------------------------------------------------------


@dataclass(frozen=True)
class Readiness:
    """One trainee checked against one scheme version: the enrolment, its facts and the engine's result."""

    enrolment: Enrolment
    facts: TraineeFacts
    result: ReadinessResult


@dataclass(frozen=True)
class SchemeReadiness:
    """The trainee page's view of one scheme: the version used, the initial result and, once qualified,
    the renewal result."""

    scheme: Scheme
    version: SchemeVersion
    result: ReadinessResult
    renewal: ReadinessResult | None


def schemes_with_rules() -> list[Scheme]:
    """Every scheme with its versions and their criteria, in three queries."""
    versions = SchemeVersion.objects.prefetch_related("criteria").order_by("-effective_from")
    return list(
        Scheme.objects.prefetch_related(Prefetch("versions", queryset=versions)).order_by("order", "name")
    )


def version_for(scheme: Scheme, on: date, *, version: str | None = None) -> SchemeVersion | None:
    """The version asked for; else the one in force on `on`; else the latest that had started; else the
    first. (Old schemes stay checkable: a trainee can be checked against any scheme.)"""
    versions = list(scheme.versions.all())  # prefetched, newest first
    if version is not None:
        return next((v for v in versions if v.version == version), None)
    return (
        next((v for v in versions if v.in_force(on)), None)
        or next((v for v in versions if v.effective_from <= on), None)
        or (versions[-1] if versions else None)
    )


def get_scheme(code: str) -> Scheme | None:
    return next((s for s in schemes_with_rules() if s.code == code), None)


def readiness_for(
    enrolments,
    scheme_version: SchemeVersion,
    as_of: date,
    *,
    stage: str = Stage.INITIAL,
    released_only: bool = False,
) -> list[Readiness]:
    """Each enrolment checked against one scheme version: facts gathered in bulk, then the pure engine."""
    enrolments = list(enrolments)
    facts = facts_module.gather_facts_for(enrolments, as_of=as_of, released_only=released_only)
    rules = scheme_version.as_rules()
    return [
        Readiness(e, facts[e.pk], evaluate(facts[e.pk], rules, as_of=as_of, stage=stage)) for e in enrolments
    ]


def evaluate_schemes(facts: TraineeFacts, schemes, as_of: date, *, route_code: str | None = None):
    """Every applicable scheme (all of them if `route_code` is None) for one person's facts."""
    found = []
    for scheme in schemes:
        if route_code is not None and not scheme.applies_to_route(route_code):
            continue
        version = version_for(scheme, as_of)
        if version is None:
            continue
        rules = version.as_rules()
        result = evaluate(facts, rules, as_of=as_of)
        renewal = None
        if facts.is_qualified and rules.has_stage(Stage.RENEWAL):
            renewal = evaluate(facts, rules, as_of=as_of, stage=Stage.RENEWAL)
        found.append(SchemeReadiness(scheme, version, result, renewal))
    return found


def trainee_readiness(
    enrolment: Enrolment, as_of: date, *, released_only: bool = True
) -> tuple[TraineeFacts, list[SchemeReadiness]]:
    """The "Am I ready?" page: the facts once, and each scheme that applies to the trainee's route.

    Only released marks count unless the viewer is programme staff (`released_only=False`)."""
    facts = facts_module.gather_facts_for([enrolment], as_of=as_of, released_only=released_only)[enrolment.pk]
    return facts, evaluate_schemes(facts, schemes_with_rules(), as_of, route_code=enrolment.route.code)


# Trainees gathered at a time for a workbook: each batch costs the same few dozen queries whatever its size,
# and memory holds one batch (about 5 MiB for a hundred), so the programme's size never shows in either.
WORKBOOK_BATCH = 100


def workbook_batches(enrolments, as_of: date, *, batch: int | None = None):
    """For the workbooks: (the codes of all schemes, an iterator of lists of entries, `batch` trainees at a
    time), so a programme's workbook holds one batch in memory, never the programme. Entries are each
    trainee's facts and results for every scheme that applies to them (the renewal stage too once they have
    qualified); only released marks count, as the rows may be handed to trainees. A constant number of
    queries per batch."""
    schemes = schemes_with_rules()
    batch = batch or WORKBOOK_BATCH  # read when called, so a test can make batches small

    def batches():
        ids = list(enrolments.values_list("pk", flat=True))
        # Equal batches (101 trainees are two of 51, not 100 and a lone one costing as many queries).
        size = -(-len(ids) // -(-len(ids) // batch)) if ids else batch
        for start in range(0, len(ids), size):
            chosen = ids[start : start + size]
            loaded = {e.pk: e for e in Enrolment.objects.with_people().filter(pk__in=chosen).order_by()}
            group = [loaded[pk] for pk in chosen if pk in loaded]
            facts = facts_module.gather_facts_for(group, as_of=as_of, released_only=True)
            entries = []
            for enrolment in group:
                found = evaluate_schemes(facts[enrolment.pk], schemes, as_of, route_code=enrolment.route.code)
                results = [r for s in found for r in (s.result, s.renewal) if r is not None]
                entries.append((facts[enrolment.pk], results))
            yield entries

    return [s.code for s in schemes], batches()


def programme_enrolments(programme):
    """Every enrolment of a programme, cohort by cohort (oldest cohort first), then by name."""
    return Enrolment.objects.filter(cohort__programme=programme).order_by(
        "cohort__start_date", "cohort__code", "user__last_name", "user__first_name", "pk"
    )


def cohort_entries(cohort, as_of: date):
    """For the cohort export: each trainee's facts and results for every scheme that applies to them
    (the renewal stage too once they have qualified), and the codes of all schemes, in a constant number
    of queries. Its rows may be handed to trainees, so only released marks count."""
    enrolments = list(Enrolment.objects.for_cohort_table(cohort))
    schemes = schemes_with_rules()
    facts = facts_module.gather_facts_for(enrolments, as_of=as_of, released_only=True)
    entries = []
    for enrolment in enrolments:
        found = evaluate_schemes(facts[enrolment.pk], schemes, as_of, route_code=enrolment.route.code)
        results = [r for s in found for r in (s.result, s.renewal) if r is not None]
        entries.append((facts[enrolment.pk], results))
    return entries, [s.code for s in schemes]


def renewals_due_for(enrolments, *, on: date, within_days: int) -> list[tuple[int, str, str, date]]:
    """Qualified people whose next renewal of a scheme in force falls due within `within_days` of `on`:
    (enrolment id, scheme code, scheme name, due date). The "Am I ready?" page's reading
    (`evaluate_schemes`, renewal stage) over facts gathered once for all the enrolments (constant queries)."""
    enrolments = [e for e in enrolments if e.completed_on is not None and e.completed_on <= on]
    if not enrolments:
        return []
    schemes = schemes_with_rules()
    facts = facts_module.gather_facts_for(enrolments, as_of=on, released_only=True)
    last = on + timedelta(days=within_days)
    found = []
    for enrolment in enrolments:
        for scheme in evaluate_schemes(facts[enrolment.pk], schemes, on, route_code=enrolment.route.code):
            renewal = scheme.renewal
            if renewal is not None and renewal.in_force and renewal.next_due and renewal.next_due <= last:
                found.append((enrolment.pk, scheme.scheme.code, scheme.scheme.name, renewal.next_due))
    return found


def portfolio_submissions_for(enrolments, *, since: date) -> list[tuple[int, int, date]]:
    """Portfolios submitted since a date: (snapshot id, enrolment id, submitted on), one query."""
    return [
        (pk, enrolment_id, timezone.localdate(at))
        for pk, enrolment_id, at in PortfolioSnapshot.objects.filter(
            enrolment_id__in=[e.pk for e in enrolments], submitted_at__date__gte=since
        )
        .order_by("pk")
        .values_list("pk", "enrolment_id", "submitted_at")
    ]


def finished_packs(*, since: date) -> list[tuple[int, int, int, str, date]]:
    """Visit packs that finished since a date: (pack id, visit id, requester id, status, finished on)."""
    return [
        (pk, visit_id, requester, status, timezone.localdate(at))
        for pk, visit_id, requester, status, at in VisitPack.objects.filter(
            status__in=[VisitPack.Status.READY, VisitPack.Status.FAILED], finished_at__date__gte=since
        )
        .order_by("pk")
        .values_list("pk", "visit_id", "requested_by_id", "status", "finished_at")
    ]
