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
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from accounts.models import Organisation
from trainees.enrolment.models import add_months
from trainees.supervision.engine import site_ratio_flag
from trainees.supervision.selectors import rules_for_programmes, sites_of_service
from workforce.models import (
    DIVERSITY_DIMENSIONS,
    PREFER_NOT,
    Band,
    Destination,
    DiversityAnswers,
    Post,
    PostKind,
    ServiceStaffing,
)
from workforce.suppression import (
    Cell,
    SuppressedTable,
    suppress_count,
    suppress_table,
    suppress_tables_sharing_row_totals,
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


@dataclass
class ServicePosts:
    service: Organisation
    as_of: date
    posts: list[Post]


def load_posts(service: Organisation, as_of: date) -> ServicePosts:
    """Every post at the service, with its practitioner, cohort and site: one query."""
    posts = list(
        Post.objects.filter(service=service)
        .select_related("practitioner", "practitioner__qualifying_cohort", "site")
        .order_by("starts_on", "id")
    )
    return ServicePosts(service, as_of, posts)


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


def retention(data: ServicePosts) -> RetentionReport:
    by_person: dict[int, list[Post]] = defaultdict(list)
    for post in data.posts:
        by_person[post.practitioner_id].append(post)
    cohorts: dict[str, list[tuple[date, list[Post]]]] = defaultdict(list)
    first_day: dict[str, date] = {}
    for posts in by_person.values():
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
        cohorts[label].append((qualified_on, posts))
        first_day[label] = min(first_day.get(label, qualified_on), qualified_on)
    labels = sorted(cohorts, key=lambda label: (first_day[label], label))
    tables = []
    for months in CHECKPOINTS:
        reached = [
            label for label in labels if any(add_months(q, months) <= data.as_of for q, _ in cohorts[label])
        ]
        counts = []
        for label in reached:
            row = dict.fromkeys(RETENTION_COLUMNS, 0)
            for qualified_on, posts in cohorts[label]:
                on = add_months(qualified_on, months)
                if on <= data.as_of:
                    row[_status_on(posts, on)] += 1
            counts.append([row[c] for c in RETENTION_COLUMNS])
        tables.append(
            (months, suppress_table(f"{months} months after qualifying", reached, RETENTION_COLUMNS, counts))
        )
    curves = []
    for label in labels:
        points: list[tuple[int, float | None]] = [(0, 100.0)]
        for months, table in tables:
            if label in table.row_labels:
                points.append((months, table.cells[table.row_labels.index(label)][0].percent))
        curves.append((label, points))
    return RetentionReport(data.as_of, tables, curves)


# --- turnover ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnoverYear:
    year: int
    period_end: date
    headcount_start: Cell
    headcount_end: Cell
    leavers: Cell
    rate: float | None  # percent; None where a figure it rests on is hidden or the headcount is nil


def turnover(data: ServicePosts) -> list[TurnoverYear]:
    pwp_posts = [p for p in data.posts if _pwp(p)]
    if not pwp_posts:
        return []
    first_year = max(min(p.starts_on.year for p in pwp_posts), data.as_of.year - TURNOVER_YEARS + 1)
    years = []
    for year in range(first_year, data.as_of.year + 1):
        start, end = date(year, 1, 1), min(date(year, 12, 31), data.as_of)
        at_start, at_end = len(_people(pwp_posts, start)), len(_people(pwp_posts, end))
        leavers = len(
            {
                p.practitioner_id
                for p in pwp_posts
                if p.destination and p.ends_on and start <= p.ends_on <= end
            }
        )
        cells = suppress_count(at_start), suppress_count(at_end), suppress_count(leavers)
        average = (at_start + at_end) / 2
        rate = None
        if average and not any(c.hidden for c in cells):
            rate = round(100 * leavers / average, 1)
        years.append(TurnoverYear(year, end, *cells, rate))
    return years


# --- staffing ---------------------------------------------------------------------------------------------


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


def staffing(data: ServicePosts) -> StaffingReport:
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
        rows.append(
            SiteStaffing(
                name,
                suppress_count(qualified),
                suppress_count(trainees),
                source,
                # Without a site there is no training site to fund: the rule does not apply.
                site is not None and site_ratio_flag(qualified, trainees, rules),
                site is not None,
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
    pwp_cell, hit_cell = suppress_count(pwp), suppress_count(hit)
    share = None
    if pwp + hit and not (pwp_cell.hidden or hit_cell.hidden):
        share = round(100 * pwp / (pwp + hit), 1)
    balance = Balance(
        pwp_cell, hit_cell, share, count.pwp_share_target if count else 40, count and count.counted_on
    )
    return StaffingReport(on, rules.site_max_trainees_per_qualified, rows, balance, band_mix(data))


BAND_COLUMNS = tuple(label for value, label in Band.choices)


def band_mix(data: ServicePosts) -> SuppressedTable:
    """PWP headcount by band at each year end (and on the report date for the current year)."""
    pwp_posts = [p for p in data.posts if _pwp(p)]
    if not pwp_posts:
        return suppress_table("PWPs by band", [], BAND_COLUMNS, [])
    first_year = max(min(p.starts_on.year for p in pwp_posts), data.as_of.year - TURNOVER_YEARS + 1)
    labels, counts = [], []
    for year in range(first_year, data.as_of.year + 1):
        on = min(date(year, 12, 31), data.as_of)
        labels.append(f"{on:%d %b %Y}")
        highest: dict[int, int] = {}
        for p in pwp_posts:
            if _current(p, on):
                highest[p.practitioner_id] = max(highest.get(p.practitioner_id, 0), p.band)
        counts.append([sum(1 for band in highest.values() if band == value) for value in Band.values])
    return suppress_table("PWPs by band", labels, BAND_COLUMNS, counts)


# --- diversity --------------------------------------------------------------------------------------------

STAGES = ("Trainee PWPs (band 4)", "Qualified PWPs (band 5)", "Senior PWPs (band 6 and above)")
NOT_ANSWERED = "Not answered"


@dataclass
class DiversityReport:
    as_of: date
    tables: list[tuple[str, SuppressedTable]]  # (question, stages x answers)


def diversity(data: ServicePosts) -> DiversityReport:
    """Answers across the stages of the workforce on a date. Counts only: the answers are read as values
    for the people in post, never joined to a name, and nothing filters people by an answer."""
    stage_of: dict[int, int] = {}  # user id -> stage index (their highest band on the date)
    for p in data.posts:
        if _pwp(p) and _current(p, data.as_of):
            stage = 0 if p.band == Band.BAND_4 else 1 if p.band == Band.BAND_5 else 2
            user_id = p.practitioner.user_id
            stage_of[user_id] = max(stage_of.get(user_id, 0), stage)
    names = list(DIVERSITY_DIMENSIONS)
    answers = {
        row[0]: row[1:]
        for row in DiversityAnswers.objects.filter(user_id__in=list(stage_of)).values_list("user_id", *names)
    }
    specs = []
    for position, name in enumerate(names):
        question, choices = DIVERSITY_DIMENSIONS[name]
        values = [v for v in choices.values if v != PREFER_NOT[0]] + [PREFER_NOT[0], ""]
        columns = [choices(v).label for v in values[:-1]] + [NOT_ANSWERED]
        counts = [[0] * len(values) for _ in STAGES]
        for user_id, stage in stage_of.items():
            value = answers.get(user_id, ("",) * len(names))[position] or ""
            counts[stage][values.index(value)] += 1
        specs.append((question, STAGES, columns, counts))
    tables = suppress_tables_sharing_row_totals(specs)
    return DiversityReport(data.as_of, [(spec[0], table) for spec, table in zip(specs, tables, strict=True)])


# --- everything, for the command and exports --------------------------------------------------------------


def service_report(service: Organisation, as_of: date) -> dict:
    data = load_posts(service, as_of)
    return {
        "retention": retention(data),
        "turnover": turnover(data),
        "staffing": staffing(data),
        "diversity": diversity(data),
    }


def _cell(cell: Cell):
    return cell.as_json()


def as_json(service: Organisation, as_of: date, report: dict) -> dict:
    staffing_report: StaffingReport = report["staffing"]
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
    }
