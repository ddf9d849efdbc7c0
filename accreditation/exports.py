"""The cohort export: pure row generators from facts and results, described as sheets for
`core.spreadsheets` (which writes them row by row, constant memory, escaping formula-like text).

Each sheet has bold, frozen, filtered headings, and its rows as a function, so it can be written again.
"""

from collections.abc import Iterable, Iterator
from datetime import date

from accreditation.engine import ReadinessResult, Stage
from accreditation.facts import TraineeFacts
from assessments.models import SignOff
from core.dates import month_of_training
from core.spreadsheets import Sheet
from curriculum.models import Competence
from trainees.models import Enrolment

Entry = tuple[TraineeFacts, list[ReadinessResult]]


def _who(facts: TraineeFacts) -> list:
    return [facts.username, facts.name]


# Cells hold the words the pages show, never a stored code or True/False.
def _yes_no(value) -> str | None:
    return None if value is None else ("Yes" if value else "No")


def _words(choices, value) -> str | None:
    return None if value is None else dict(choices).get(value, value)


STAGES = {Stage.INITIAL: "Initial", Stage.RENEWAL: "Renewal"}


def _month(facts: TraineeFacts) -> int | None:
    """The month of training the cohort page shows ("6 of 12"), for a trainee in training."""
    if facts.status != Enrolment.Status.ACTIVE:
        return None
    return month_of_training(facts.start_date, facts.as_of)


def summary_rows(entries: Iterable[Entry], scheme_codes: list[str]) -> Iterator[list]:
    for facts, results in entries:
        ready = {r.scheme_code: r.ready for r in results if r.stage == "initial"}
        signed = sum(1 for c in facts.competences if c.status == "signed")
        yield [
            *_who(facts),
            facts.cohort,
            facts.route_name,
            facts.start_date,
            _words(Enrolment.Status.choices, facts.status),
            facts.completed_on,
            _month(facts),
            facts.training_days.status_label,
            signed,
            len(facts.competences),
            facts.supervision.label,
            facts.caseload.status_label,
            *(_yes_no(ready.get(code)) for code in scheme_codes),
        ]


def training_days_rows(entries: Iterable[Entry]) -> Iterator[list]:
    for facts, _ in entries:
        d = facts.training_days
        yield [
            *_who(facts),
            d.university_required,
            d.university_completed,
            d.workplace_required,
            d.workplace_completed,
            d.window_end,
            _yes_no(d.complete),
            _yes_no(d.completed_within_window),
            d.status_label,
            d.reason,
        ]


def competence_rows(entries: Iterable[Entry]) -> Iterator[list]:
    for facts, _ in entries:
        for c in facts.competences:
            yield [
                *_who(facts),
                c.name,
                _words(Competence.Kind.choices, c.kind),
                c.module_number,
                c.label,
                c.attempts_used,
                c.attempts_allowed,
                c.signed_by,
                _words(SignOff.Role.choices, c.signed_by_role),
                c.signed_at,
            ]


def supervision_rows(entries: Iterable[Entry]) -> Iterator[list]:
    for facts, _ in entries:
        s = facts.supervision
        yield [
            *_who(facts),
            s.start,
            s.end,
            float(s.hours.get("case_management", 0.0)),
            float(s.hours.get("clinical_skills", 0.0)),
            float(s.hours.get("management", 0.0)),
            float(s.credentialed_hours.get("case_management", 0.0)),
            float(s.credentialed_hours.get("clinical_skills", 0.0)),
            len(s.missed_weeks),
            float(s.clinical_skills_shortfall_hours),
            len(s.overdue_case_reviews),
            s.live_assessments,
            s.label,
            s.reason,
        ]


def caseload_rows(entries: Iterable[Entry]) -> Iterator[list]:
    for facts, _ in entries:
        c = facts.caseload
        yield [
            *_who(facts),
            c.profile_name,
            float(c.expected_patients_to_date),
            c.actual_patients_to_date,
            float(c.expected_active_caseload),
            c.actual_active_caseload,
            float(c.expected_year_total),
            float(c.contact_hours),
            c.first_contact_on,
            float(c.step2_hours_per_week),
            c.status_label,
            c.reason,
        ]


def readiness_rows(entries: Iterable[Entry]) -> Iterator[list]:
    for facts, results in entries:
        for result in results:
            for c in result.criteria:
                yield [
                    *_who(facts),
                    result.scheme_name,
                    result.version,
                    STAGES.get(result.stage, result.stage),
                    _yes_no(result.ready),
                    result.next_due,
                    c.description,
                    _yes_no(c.met),
                    _yes_no(c.value) if isinstance(c.value, bool) else c.value,
                    c.target,
                    c.unit,
                    c.gap,
                ]


WHO = ("Username", "Name")


def _table(title: str, headers: tuple[str, ...], rows, *, cohort_name: str = "") -> Sheet:
    """A sheet read as a table: bold headings that stay in view, with a filter over every row; printed
    landscape, one page wide, headings on every page, the cohort and sheet named in the page header."""
    return Sheet(
        title,
        headers,
        rows,
        bold_headers=True,
        freeze_headers=True,
        autofilter=True,
        print_title=f"{cohort_name}: {title}" if cohort_name else title,
    )


def cohort_sheets(entries: list[Entry], scheme_codes: list[str], *, cohort_name: str = "") -> list[Sheet]:
    """The six sheets of the cohort export. `entries` is a list, read once per sheet."""
    names = {r.scheme_code: r.scheme_name for _, results in entries for r in results}
    return [
        _table(
            "Summary",
            (
                *WHO,
                "Cohort",
                "Route",
                "Start date",
                "Status",
                "Completed on",
                "Month of training",
                "Training days",
                "Competences signed",
                "Competences",
                "Supervision",
                "Caseload",
                *(f"Ready: {names.get(code, code)}" for code in scheme_codes),
            ),
            lambda: summary_rows(entries, scheme_codes),
            cohort_name=cohort_name,
        ),
        _table(
            "Training days",
            (
                *WHO,
                "University days required",
                "University days completed",
                "Workplace days required",
                "Workplace days completed",
                "Window ends",
                "Complete",
                "Completed within window",
                "Status",
                "Reason",
            ),
            lambda: training_days_rows(entries),
            cohort_name=cohort_name,
        ),
        _table(
            "Competences",
            (
                *WHO,
                "Competence",
                "Kind",
                "Module",
                "Status",
                "Attempts used",
                "Attempts allowed",
                "Signed by",
                "Signer's role",
                "Signed at",
            ),
            lambda: competence_rows(entries),
            cohort_name=cohort_name,
        ),
        _table(
            "Supervision",
            (
                *WHO,
                "From",
                "To",
                "Case-management hours",
                "Clinical-skills hours",
                "Management hours",
                "Credentialed case-management hours",
                "Credentialed clinical-skills hours",
                "Weeks missed",
                "Clinical-skills shortfall (hours)",
                "Overdue case reviews",
                "Live assessments",
                "Status",
                "Reason",
            ),
            lambda: supervision_rows(entries),
            cohort_name=cohort_name,
        ),
        _table(
            "Caseload",
            (
                *WHO,
                "Caseload ramp",
                "Expected patients to date",
                "Patients to date",
                "Expected active caseload",
                "Active caseload",
                "Expected year total",
                "Contact hours",
                "First contact",
                "Step-2 hours a week",
                "Status",
                "Reason",
            ),
            lambda: caseload_rows(entries),
            cohort_name=cohort_name,
        ),
        _table(
            "Readiness",
            (
                *WHO,
                "Scheme",
                "Version",
                "Stage",
                "Ready",
                "Next due",
                "Criterion",
                "Met",
                "Value",
                "Target",
                "Unit",
                "What is left",
            ),
            lambda: readiness_rows(entries),
            cohort_name=cohort_name,
        ),
    ]


ROW_WRITERS = (
    summary_rows,
    training_days_rows,
    competence_rows,
    supervision_rows,
    caseload_rows,
    readiness_rows,
)


def streamed_rows(batches: Iterable[list[Entry]], scheme_codes: list[str]) -> Iterator[tuple[int, list]]:
    """(sheet index, row) for every sheet of `cohort_sheets`, a batch of trainees at a time: each batch's
    rows go to all six sheets before the next batch is computed, so memory holds one batch."""
    for entries in batches:
        yield from ((0, row) for row in summary_rows(entries, scheme_codes))
        for index, rows in enumerate(ROW_WRITERS[1:], start=1):
            yield from ((index, row) for row in rows(entries))


def export_filename(cohort_code: str, as_of: date) -> str:
    return f"{cohort_code}-{as_of:%Y-%m-%d}.xlsx"
