"""The service's workforce reports, worked out from the post history and already suppressed.

Each report loads the service's posts once (one query, whatever the number of people) and works in memory;
pages, the JSON command and exports all call these functions, and none of them sees an unsuppressed count.

Definitions (also written on each page and in the README):
- PWP headcount on a date: people holding a PWP post (any band) at the service on that date.
- Retention: of the people who qualified into a PWP post at this service, grouped by training cohort, who
  holds a PWP post here 6, 12 and 24 months after qualifying; the others by the destination recorded when
  they left (or "not known").
- Turnover in a year: people who left a PWP post at the service (a post ended with a destination) during the
  year, divided by the average of the PWP headcount on the year's first and last day, as a percentage.
- Applicants: the applications to the service's recruitment rounds that opened in the two years up to the
  date, by round, with their outcome as it stood on the date (the latest dated outcome on or before it).

Every figure of every report is suppressed in one go (`service_report`): the tables of all the reports, and
the relations between them (the same cohort at two checkpoints, the trainees of all sites and the band 4
PWPs, the PWP headcount on the staffing, turnover and diversity pages, a round's applicants in each table),
go to `suppression.protect` together. So a figure hidden on one page is hidden wherever it, or a sum that
would give it away, appears; and every page, export and the JSON command show the same cells.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from accounts.models import Organisation
from trainees.enrolment.models import add_months
from trainees.supervision.engine import site_ratio_flag
from trainees.supervision.selectors import rules_for_programmes, sites_of_service
from workforce import report_cache
from workforce.models import (
    DIVERSITY_DIMENSIONS,
    PREFER_NOT,
    Application,
    ApplicationOutcome,
    Band,
    Destination,
    DiversityAnswers,
    Outcome,
    Post,
    PostKind,
    PriorBackground,
    Recruitment,
    ServiceStaffing,
)
from workforce.suppression import (
    Cell,
    Link,
    Spec,
    SuppressedTable,
    grand_total,
    protect,
    row_total,
)

CHECKPOINTS = (6, 12, 24)
STILL_HERE = "Still a PWP in this service"
NOT_KNOWN_LABEL = Destination.NOT_KNOWN.label
RETENTION_COLUMNS = (STILL_HERE, *[label for value, label in Destination.choices])
QUALIFYING_WINDOW_DAYS = (
    92  # a first qualified post starting within 3 months of qualifying counts as qualifying into it
)
TURNOVER_YEARS = 6
QUALIFIED_KINDS = {PostKind.PWP, PostKind.HIGH_INTENSITY, PostKind.PSYCHOLOGICAL}


def _current(post: Post, on: date) -> bool:
    return post.starts_on <= on and (post.ends_on is None or on <= post.ends_on)


def _people(posts, on: date, test=lambda p: True) -> set[int]:
    return {p.practitioner_id for p in posts if _current(p, on) and test(p)}


def _pwp(post: Post) -> bool:
    return post.kind == PostKind.PWP


APPLICANT_YEARS = 2


@dataclass
class ServicePosts:
    service: Organisation
    as_of: date
    posts: list[Post]
    rounds: list[Recruitment] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    outcomes: dict[int, str] = field(default_factory=dict)  # application id -> its outcome on `as_of`


def load_posts(service: Organisation, as_of: date) -> ServicePosts:
    """Every post at the service, with its practitioner, cohort and site, and the recent recruitment rounds
    with their applications and each application's outcome on the date: four queries."""
    posts = list(
        Post.objects.filter(service=service)
        .select_related("practitioner", "practitioner__qualifying_cohort", "site")
        .order_by("starts_on", "id")
    )
    # The same day two years before (clamped to the month's end), not the 28th: rounds that opened after it.
    since = add_months(as_of, -12 * APPLICANT_YEARS)
    rounds = list(
        Recruitment.objects.filter(service=service, opens_on__lte=as_of, opens_on__gt=since).order_by(
            "opens_on", "id"
        )
    )
    applications = list(
        Application.objects.filter(
            recruitment__service=service, recruitment__opens_on__lte=as_of, recruitment__opens_on__gt=since
        ).order_by("recruitment", "id")
    )
    # The outcome as it stood on the date: the latest dated step on or before it (ordered, so the last wins).
    outcomes = dict(
        ApplicationOutcome.objects.filter(
            application__recruitment__service=service,
            application__recruitment__opens_on__lte=as_of,
            application__recruitment__opens_on__gt=since,
            decided_on__lte=as_of,
        )
        .order_by("application_id", "decided_on", "id")
        .values_list("application_id", "outcome")
    )
    return ServicePosts(service, as_of, posts, rounds, applications, outcomes)


class _Page:
    """The tables of every report before suppression, and the relations between them."""

    def __init__(self):
        self.specs: list[Spec] = []
        self.links: list[Link] = []

    def add(self, spec: Spec) -> int:
        self.specs.append(spec)
        return len(self.specs) - 1

    def link(self, left, right, *, values=None) -> None:
        """`values`: the true sums of both sides; the link is a relation a reader can use only where they
        are equal, so it is recorded only then."""
        if values is None or values[0] == values[1]:
            self.links.append(Link(tuple(left), tuple(right)))

    def value(self, ref) -> int:
        t, r, c = ref
        spec = self.specs[t]
        rows, columns = len(spec.row_labels), len(spec.column_labels)
        if r < rows and c < columns:
            return spec.counts[r][c]
        if r < rows:
            return sum(spec.counts[r])
        if c < columns:
            return sum(spec.counts[i][c] for i in range(rows))
        return sum(map(sum, spec.counts))


# --- retention --------------------------------------------------------------------------------------------


@dataclass
class RetentionReport:
    as_of: date
    tables: list[tuple[int, SuppressedTable]]  # (months after qualifying, table of cohorts x outcomes)
    curves: list[tuple[str, list[tuple[int, float | None]]]] = field(default_factory=list)


def _status_on(posts: list[Post], on: date) -> str:
    if any(_current(p, on) and _pwp(p) for p in posts):
        return STILL_HERE
    # Moved within the service into another kind of post (no leaving destination on the PWP post).
    other = [p for p in posts if _current(p, on)]
    if any(p.kind == PostKind.HIGH_INTENSITY for p in other):
        return Destination.HIGH_INTENSITY.label
    if other:
        return Destination.OTHER_NHS.label
    ended = [p for p in posts if p.ends_on is not None and p.ends_on < on]
    last = max(ended, key=lambda p: (p.ends_on, p.pk), default=None)
    if last is not None and last.destination:
        return Destination(last.destination).label
    return NOT_KNOWN_LABEL


def _retention_specs(data: ServicePosts, page: _Page):
    by_person: dict[int, list[Post]] = defaultdict(list)
    for post in data.posts:
        by_person[post.practitioner_id].append(post)
    cohorts: dict[str, list[tuple[int, date, list[Post]]]] = defaultdict(list)
    first_day: dict[str, date] = {}
    for person, posts in by_person.items():
        practitioner = posts[0].practitioner
        qualified_on = practitioner.qualified_on
        if qualified_on is None or qualified_on > data.as_of:
            continue
        qualifying = [
            p
            for p in posts
            if _pwp(p)
            and p.band >= Band.BAND_5
            and (
                _current(p, qualified_on) or 0 <= (p.starts_on - qualified_on).days <= QUALIFYING_WINDOW_DAYS
            )
        ]
        if not qualifying:
            continue
        cohort = practitioner.qualifying_cohort
        label = cohort.name if cohort else f"Qualified elsewhere in {qualified_on.year}"
        cohorts[label].append((person, qualified_on, posts))
        first_day[label] = min(first_day.get(label, qualified_on), qualified_on)
    labels = sorted(cohorts, key=lambda label: (first_day[label], label))
    indices = []
    people: dict[tuple[int, str], frozenset] = {}
    for months in CHECKPOINTS:
        reached = []
        counts = []
        for label in labels:
            row = dict.fromkeys(RETENTION_COLUMNS, 0)
            here = set()
            for person, qualified_on, posts in cohorts[label]:
                on = add_months(qualified_on, months)
                if on <= data.as_of:
                    row[_status_on(posts, on)] += 1
                    here.add(person)
            if here:
                reached.append(label)
                counts.append([row[c] for c in RETENTION_COLUMNS])
                people[(months, label)] = frozenset(here)
        spec = Spec(f"{months} months after qualifying", reached, RETENTION_COLUMNS, counts)
        indices.append((months, page.add(spec)))
    # The same people in two checkpoints' tables: the cohort's totals are one figure.
    for (m1, t1), (m2, t2) in zip(indices, indices[1:], strict=False):
        first, second = page.specs[t1], page.specs[t2]
        for r2, label in enumerate(second.row_labels):
            r1 = first.row_labels.index(label)
            if people[(m1, label)] == people[(m2, label)]:
                page.link([row_total(t1, first, r1)], [row_total(t2, second, r2)])
        if first.row_labels and [people[(m1, lb)] for lb in first.row_labels] == [
            people.get((m2, lb)) for lb in first.row_labels
        ]:
            page.link([grand_total(t1, first)], [grand_total(t2, second)])

    def assemble(tables):
        chosen = [(months, tables[t]) for months, t in indices]
        curves = []
        for label in labels:
            points: list[tuple[int, float | None]] = [(0, 100.0)]
            for months, table in chosen:
                if label in table.row_labels:
                    points.append((months, table.cells[table.row_labels.index(label)][0].percent))
            curves.append((label, points))
        return RetentionReport(data.as_of, chosen, curves)

    return assemble


# --- turnover and staffing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnoverYear:
    year: int
    period_end: date
    headcount_start: Cell
    headcount_end: Cell
    leavers: Cell
    rate: float | None  # percent; None where a figure it rests on is hidden or the headcount is nil


def _years(data: ServicePosts) -> list[tuple[int, date, date]]:
    pwp_posts = [p for p in data.posts if _pwp(p)]
    if not pwp_posts:
        return []
    first_year = max(min(p.starts_on.year for p in pwp_posts), data.as_of.year - TURNOVER_YEARS + 1)
    return [
        (year, date(year, 1, 1), min(date(year, 12, 31), data.as_of))
        for year in range(first_year, data.as_of.year + 1)
    ]


TURNOVER_COLUMNS = ("Headcount at start", "Headcount at end", "Leavers")


def _turnover_spec(data: ServicePosts, page: _Page):
    pwp_posts = [p for p in data.posts if _pwp(p)]
    years = _years(data)
    counts = []
    for _, start, end in years:
        leavers = {
            p.practitioner_id for p in pwp_posts if p.destination and p.ends_on and start <= p.ends_on <= end
        }
        counts.append([len(_people(pwp_posts, start)), len(_people(pwp_posts, end)), len(leavers)])
    t = page.add(Spec("Turnover", [str(y) for y, _, _ in years], TURNOVER_COLUMNS, counts, margins=False))

    def assemble(tables):
        table = tables[t]
        result = []
        for (year, _, end), true, cells in zip(years, counts, table.cells, strict=True):
            at_start, at_end, leavers = true
            average = (at_start + at_end) / 2
            rate = None
            if average and not any(c.hidden for c in cells):
                rate = round(100 * leavers / average, 1)
            result.append(TurnoverYear(year, end, *cells, rate))
        return result

    return t, years, assemble


@dataclass(frozen=True)
class SiteStaffing:
    name: str
    qualified: Cell
    trainees: Cell
    source: str  # where the qualified count comes from
    below: bool  # below the 1 qualified to 2 trainees rule: shown even when the counts are hidden
    is_site: bool = True


@dataclass(frozen=True)
class Balance:
    pwp: Cell
    high_intensity: Cell
    pwp_share: float | None
    target_pwp_share: int
    counted_on: date | None


@dataclass
class StaffingReport:
    as_of: date
    max_trainees_per_qualified: int
    sites: list[SiteStaffing]
    balance: Balance
    band_mix: SuppressedTable


BAND_COLUMNS = tuple(label for value, label in Band.choices)


def _band_mix_spec(data: ServicePosts, page: _Page) -> int:
    """PWP headcount by band at each year end (and on the report date for the current year)."""
    pwp_posts = [p for p in data.posts if _pwp(p)]
    labels, counts = [], []
    for _, _, on in _years(data):
        labels.append(f"{on:%d %b %Y}")
        highest: dict[int, int] = {}
        for p in pwp_posts:
            if _current(p, on):
                highest[p.practitioner_id] = max(highest.get(p.practitioner_id, 0), p.band)
        counts.append([sum(1 for band in highest.values() if band == value) for value in Band.values])
    return page.add(Spec("PWPs by band", labels, BAND_COLUMNS, counts))


def _staffing_specs(data: ServicePosts, page: _Page, band_mix: int):
    on = data.as_of
    rules = rules_for_programmes([], on=on)[None]
    sites = list(sites_of_service(data.service))
    rows = []
    for site, name in [(s, s.name) for s in sites] + [(None, "No site recorded")]:
        here = [p for p in data.posts if (p.site_id == (site.pk if site else None))]
        trainees = len(_people(here, on, lambda p: _pwp(p) and p.band == Band.BAND_4))
        qualified = len(_people(here, on, lambda p: p.kind in QUALIFIED_KINDS and p.band >= Band.BAND_5))
        source = "post history"
        if site is not None and not here:
            # The records hold nobody at this site: fall back on the count typed in for the site.
            qualified, source = site.qualified_staff, f"typed count of {site.counted_on:%d %B %Y}"
        if site is None and not (trainees or qualified):
            continue
        rows.append((site, name, qualified, trainees, source))
    t_sites = page.add(
        Spec(
            "Qualified staff and trainees by site",
            [name for _, name, *_ in rows],
            ("Qualified staff", "Trainees"),
            [[q, tr] for _, _, q, tr, _ in rows],
            margins=False,
            # A site counted by its typed figure has nobody in the records, so no trainees: the page says
            # which count it is, so a reader knows that 0 and it is shown.
            zero_by_definition=[(r, 1) for r, row in enumerate(rows) if row[4] != "post history"],
        )
    )
    count = (
        ServiceStaffing.objects.filter(service=data.service, counted_on__lte=on)
        .order_by("-counted_on")
        .first()
    )
    pwp = len(_people(data.posts, on, _pwp))
    hit = len(_people(data.posts, on, lambda p: p.kind == PostKind.HIGH_INTENSITY)) + (
        count.high_intensity_headcount if count else 0
    )
    t_balance = page.add(
        Spec("Balance", ["PWPs", "High-intensity therapists"], ["People"], [[pwp], [hit]], margins=False)
    )
    mix = page.specs[band_mix]
    if mix.row_labels:
        last = len(mix.row_labels) - 1
        # Every site's trainees add up to the band 4 PWPs on the date (unless someone holds two posts).
        trainee_refs = [(t_sites, r, 1) for r in range(len(rows))]
        page.link(
            trainee_refs,
            [(band_mix, last, 0)],
            values=(sum(r[3] for r in rows), mix.counts[last][0]),
        )
        # The PWP headcount is the band mix's total on the date.
        page.link([(t_balance, 0, 0)], [row_total(band_mix, mix, last)])

    def assemble(tables):
        site_table, balance_table = tables[t_sites], tables[t_balance]
        sites_out = [
            SiteStaffing(
                name,
                cells[0],
                cells[1],
                source,
                # Without a site there is no training site to fund: the rule does not apply.
                site is not None and site_ratio_flag(qualified, trainees, rules),
                site is not None,
            )
            for (site, name, qualified, trainees, source), cells in zip(rows, site_table.cells, strict=True)
        ]
        pwp_cell, hit_cell = balance_table.cells[0][0], balance_table.cells[1][0]
        share = None
        if pwp + hit and not (pwp_cell.hidden or hit_cell.hidden):
            share = round(100 * pwp / (pwp + hit), 1)
        balance = Balance(
            pwp_cell, hit_cell, share, count.pwp_share_target if count else 40, count and count.counted_on
        )
        return StaffingReport(on, rules.site_max_trainees_per_qualified, sites_out, balance, tables[band_mix])

    return assemble


# --- diversity and applicants -----------------------------------------------------------------------------

STAGES = ("Trainee PWPs (band 4)", "Qualified PWPs (band 5)", "Senior PWPs (band 6 and above)")
NOT_ANSWERED = "Not answered"
NOT_RECORDED = "Not recorded"


def _applicant_label(recruitment: Recruitment) -> str:
    return f"Applicants: {recruitment.name}"


@dataclass
class DiversityReport:
    as_of: date
    tables: list[tuple[str, SuppressedTable]]  # (question, applicant rounds and stages x answers)


def _stages(data: ServicePosts) -> dict[int, int]:
    """User id -> stage index (their highest PWP band on the date)."""
    stage_of: dict[int, int] = {}
    for p in data.posts:
        if _pwp(p) and _current(p, data.as_of):
            stage = 0 if p.band == Band.BAND_4 else 1 if p.band == Band.BAND_5 else 2
            user_id = p.practitioner.user_id
            stage_of[user_id] = max(stage_of.get(user_id, 0), stage)
    return stage_of


def _stage_links(page: _Page, t: int, first_stage_row: int, band_mix: int) -> None:
    """The people at each stage are the band mix's PWPs on the date: trainees band 4, qualified band 5,
    senior bands 6 and 7."""
    mix = page.specs[band_mix]
    if not mix.row_labels:
        return
    last = len(mix.row_labels) - 1
    spec = page.specs[t]
    for stage, bands in enumerate(((0,), (1,), (2, 3))):
        page.link(
            [row_total(t, spec, first_stage_row + stage)],
            [(band_mix, last, b) for b in bands],
            values=(
                sum(spec.counts[first_stage_row + stage]),
                sum(mix.counts[last][b] for b in bands),
            ),
        )


def _diversity_specs(data: ServicePosts, page: _Page, band_mix: int, rounds_table: int | None):
    """Answers of applicants (by recruitment round) and of the workforce by stage on a date. Counts only:
    the answers are read as values, never joined to a name, and nothing filters people by an answer."""
    stage_of = _stages(data)
    names = list(DIVERSITY_DIMENSIONS)
    answers = {
        row[0]: row[1:]
        for row in DiversityAnswers.objects.filter(user_id__in=list(stage_of)).values_list("user_id", *names)
    }
    rounds = data.rounds
    row_labels = [_applicant_label(r) for r in rounds] + list(STAGES)
    by_round = {r.pk: i for i, r in enumerate(rounds)}
    indices = []
    for position, name in enumerate(names):
        question, choices = DIVERSITY_DIMENSIONS[name]
        values = [v for v in choices.values if v != PREFER_NOT[0]] + [PREFER_NOT[0], ""]
        columns = [choices(v).label for v in values[:-1]] + [NOT_ANSWERED]
        counts = [[0] * len(values) for _ in row_labels]
        for application in data.applications:
            counts[by_round[application.recruitment_id]][values.index(getattr(application, name) or "")] += 1
        for user_id, stage in stage_of.items():
            value = answers.get(user_id, ("",) * len(names))[position] or ""
            counts[len(rounds) + stage][values.index(value)] += 1
        indices.append((question, page.add(Spec(question, row_labels, columns, counts))))
    # The same people split by each question: one set of row totals.
    (_, first), *others = indices
    for _, t in others:
        for r in range(len(row_labels) + 1):
            page.link([row_total(first, page.specs[first], r)], [row_total(t, page.specs[t], r)])
    _stage_links(page, first, len(rounds), band_mix)
    if rounds_table is not None:
        for r in range(len(rounds)):
            page.link(
                [row_total(first, page.specs[first], r)],
                [row_total(rounds_table, page.specs[rounds_table], r)],
            )

    def assemble(tables):
        return DiversityReport(data.as_of, [(q, tables[t]) for q, t in indices])

    return assemble


OUTCOME_COLUMNS = tuple(label for _, label in Outcome.choices)
BACKGROUND_COLUMNS = (*(label for _, label in PriorBackground.choices), NOT_RECORDED)


@dataclass
class ApplicantsReport:
    as_of: date
    rounds: list[Recruitment]
    outcomes: SuppressedTable  # rounds x outcomes
    backgrounds: SuppressedTable  # rounds, then trainees and qualified PWPs x role before training


def _applicants_specs(data: ServicePosts, page: _Page, band_mix: int):
    rounds = data.rounds
    by_round = {r.pk: i for i, r in enumerate(rounds)}
    outcome_values = list(Outcome.values)
    outcomes = [[0] * len(outcome_values) for _ in rounds]
    background_values = [*PriorBackground.values, ""]
    backgrounds = [[0] * len(background_values) for _ in range(len(rounds) + 2)]
    for a in data.applications:
        i = by_round[a.recruitment_id]
        # Not yet decided on the date (or recorded later): received, as every application in the round was.
        outcomes[i][outcome_values.index(data.outcomes.get(a.pk, Outcome.RECEIVED))] += 1
        backgrounds[i][background_values.index(a.prior_background or "")] += 1
    # Trainees and qualified PWPs in post on the date, by the role they had before training.
    stage_of = _stages(data)
    seen = set()
    for p in data.posts:
        user_id = p.practitioner.user_id
        if user_id in stage_of and user_id not in seen and stage_of[user_id] < 2:
            seen.add(user_id)
            value = p.practitioner.prior_background or ""
            backgrounds[len(rounds) + stage_of[user_id]][background_values.index(value)] += 1
    labels = [r.name for r in rounds]
    t_outcomes = page.add(Spec("Applications by outcome", labels, OUTCOME_COLUMNS, outcomes))
    t_backgrounds = page.add(
        Spec(
            "Role before training",
            [_applicant_label(r) for r in rounds] + list(STAGES[:2]),
            BACKGROUND_COLUMNS,
            backgrounds,
        )
    )
    for r in range(len(rounds)):
        page.link(
            [row_total(t_outcomes, page.specs[t_outcomes], r)],
            [row_total(t_backgrounds, page.specs[t_backgrounds], r)],
        )
    mix = page.specs[band_mix]
    if mix.row_labels:
        last = len(mix.row_labels) - 1
        spec = page.specs[t_backgrounds]
        for stage in (0, 1):
            page.link(
                [row_total(t_backgrounds, spec, len(rounds) + stage)],
                [(band_mix, last, stage)],
                values=(sum(spec.counts[len(rounds) + stage]), mix.counts[last][stage]),
            )

    def assemble(tables):
        return ApplicantsReport(data.as_of, rounds, tables[t_outcomes], tables[t_backgrounds])

    return t_outcomes, assemble


# --- every report at once ---------------------------------------------------------------------------------

REPORT_NAMES = ("retention", "turnover", "staffing", "diversity", "applicants")


def all_reports(data: ServicePosts) -> dict:
    """Every report of the service on the date, suppressed together (see the module's docstring)."""
    page = _Page()
    retention_assemble = _retention_specs(data, page)
    band_mix = _band_mix_spec(data, page)
    t_turnover, years, turnover_assemble = _turnover_spec(data, page)
    # Each year's closing headcount is that year's band mix total.
    mix = page.specs[band_mix]
    for r in range(len(years)):
        page.link([(t_turnover, r, 1)], [row_total(band_mix, mix, r)])
    staffing_assemble = _staffing_specs(data, page, band_mix)
    t_rounds, applicants_assemble = _applicants_specs(data, page, band_mix)
    diversity_assemble = _diversity_specs(data, page, band_mix, t_rounds)
    tables = protect(page.specs, page.links)
    return {
        "retention": retention_assemble(tables),
        "turnover": turnover_assemble(tables),
        "staffing": staffing_assemble(tables),
        "diversity": diversity_assemble(tables),
        "applicants": applicants_assemble(tables),
    }


def retention(data: ServicePosts) -> RetentionReport:
    return all_reports(data)["retention"]


def turnover(data: ServicePosts) -> list[TurnoverYear]:
    return all_reports(data)["turnover"]


def staffing(data: ServicePosts) -> StaffingReport:
    return all_reports(data)["staffing"]


def diversity(data: ServicePosts) -> DiversityReport:
    return all_reports(data)["diversity"]


def applicants(data: ServicePosts) -> ApplicantsReport:
    return all_reports(data)["applicants"]


def band_mix(data: ServicePosts) -> SuppressedTable:
    return staffing(data).band_mix


# --- everything, for the command and exports --------------------------------------------------------------


def service_report(service: Organisation, as_of: date) -> dict:
    """Every report of the service on the date, suppressed; kept in the cache until workforce data changes
    (`report_cache`), so only the first page after a change pays for the suppression."""
    return report_cache.cached(service.pk, as_of, lambda: all_reports(load_posts(service, as_of)))


def _cell(cell: Cell):
    return cell.as_json()


def as_json(service: Organisation, as_of: date, report: dict) -> dict:
    staffing_report: StaffingReport = report["staffing"]
    applicants_report: ApplicantsReport = report["applicants"]
    return {
        "service": {"code": service.code, "name": service.name},
        "as_of": as_of.isoformat(),
        "suppression": "Counts from 1 to 4, and figures that would reveal one: null, suppressed true.",
        "retention": [{"months": months, **table.as_json()} for months, table in report["retention"].tables],
        "turnover": [
            {
                "year": y.year,
                "period_end": y.period_end.isoformat(),
                "headcount_start": _cell(y.headcount_start),
                "headcount_end": _cell(y.headcount_end),
                "leavers": _cell(y.leavers),
                "rate_percent": y.rate,
            }
            for y in report["turnover"]
        ],
        "staffing": {
            "max_trainees_per_qualified": staffing_report.max_trainees_per_qualified,
            "sites": [
                {
                    "site": s.name,
                    "qualified": _cell(s.qualified),
                    "trainees": _cell(s.trainees),
                    "qualified_from": s.source,
                    "below_ratio": s.below if s.is_site else None,
                }
                for s in staffing_report.sites
            ],
            "balance": {
                "pwp": _cell(staffing_report.balance.pwp),
                "high_intensity": _cell(staffing_report.balance.high_intensity),
                "pwp_share_percent": staffing_report.balance.pwp_share,
                "target_pwp_share_percent": staffing_report.balance.target_pwp_share,
            },
            "band_mix": staffing_report.band_mix.as_json(),
        },
        "diversity": [{"question": q, **t.as_json()} for q, t in report["diversity"].tables],
        "applicants": {
            "rounds": [
                {
                    "name": r.name,
                    "opens_on": r.opens_on.isoformat(),
                    "closes_on": r.closes_on.isoformat(),
                    "posts_offered": r.posts_offered,
                }
                for r in applicants_report.rounds
            ],
            "outcomes": applicants_report.outcomes.as_json(),
            "backgrounds": applicants_report.backgrounds.as_json(),
        },
    }
