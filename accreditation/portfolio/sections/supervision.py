"""Supervision: the summary (`supervision_summary`, through the readiness facts), the supervisors with their
credentials, and every confirmed session in one table of a row per month.

Whether a session counts (its supervisor was credentialed, with verified training, on the day) is decided by
the supervision engine's own `credential_intervals` / `counts_on` under the programme's rules, exactly as
the summary's credentialed hours are, so the monthly tables add up to the summary.
"""

from collections import Counter, defaultdict
from datetime import date
from typing import TYPE_CHECKING

from accreditation.portfolio.sections.common import hours, iso
from trainees.models import SupervisionSession
from trainees.supervision import engine
from trainees.supervision.selectors import rules_for_programmes, supervision_records_for, training_facts

if TYPE_CHECKING:
    from accreditation.portfolio.data import PortfolioSource

KIND_LABELS = dict(SupervisionSession.Kind.choices)


def supervision_records(source: "PortfolioSource") -> dict:
    """The programme's rules and, from `trainees.supervision.selectors.supervision_records_for`, the confirmed
    sessions in the summary's period, the supervisor assignments and every supervisor's training records, in
    four queries (shared with the evidence index)."""

    def load():
        enrolment, summary = source.enrolment, source.facts.supervision
        programme_id = enrolment.cohort.programme_id
        rules = rules_for_programmes([programme_id], on=source.as_of)[programme_id]
        records = supervision_records_for(
            [enrolment], periods={enrolment.pk: (summary.start, summary.end)}, on=source.as_of
        )[enrolment.pk]
        return {"rules": rules, "records": records}

    return source.once("supervision_records", load)


def _detail(session: SupervisionSession, counts: bool) -> dict:
    """What a session's line says besides its date: sessions alike share one line of dates."""
    live = None
    if session.live_assessment_intervention_id:
        live = {
            "intervention": session.live_assessment_intervention.name,
            "outcome": session.get_live_assessment_outcome_display(),
        }
    return {
        "minutes": session.minutes,
        "format": session.get_format_display(),
        "group_size": session.group_size,
        "supervisor": session.supervisor.display_name,
        "credentialed": counts,
        "live_assessment": live,
    }


def _usual_details(lines_by_kind: dict[str, list[dict]]) -> dict[str, dict]:
    """Each kind's most common session (minutes, format, supervisor), when it counted and was not a live
    assessment: the sessions table states it once in the column's heading and lists those dates bare."""
    usual = {}
    for kind, details in lines_by_kind.items():
        plain = Counter(
            tuple(sorted(d.items())) for d in details if d["credentialed"] and not d["live_assessment"]
        )
        if plain:
            usual[kind] = dict(plain.most_common(1)[0][0])
    return usual


def _against_usual(detail: dict, usual: dict | None) -> dict:
    """What a line must say besides its dates: nothing when it is the usual session, else what differs."""
    if detail == usual:
        return {"usual": True, "show_format": False, "show_supervisor": False}
    same_format = usual is not None and all(
        detail[key] == usual[key] for key in ("minutes", "format", "group_size")
    )
    same_supervisor = usual is not None and detail["supervisor"] == usual["supervisor"]
    return {"usual": False, "show_format": not same_format, "show_supervisor": not same_supervisor}


def session_table(entries: list[tuple[str, date, dict]]) -> tuple[list[dict], list[dict]]:
    """The year's sessions, given as (kind, date, detail) in date order, as one row per month and one cell
    per kind. Within a cell, sessions alike (same minutes, format, supervisor and credential) share a line
    of dates, and the kind's usual session is described once, in the column heading, so a year of weekly
    supervision reads as twelve short rows. Every session is listed. Returns (columns, months)."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for kind, _day, detail in entries:
        by_kind[kind].append(detail)
    usual = _usual_details(by_kind)
    columns = [
        {"kind": kind, "label": KIND_LABELS[kind], "usual": usual.get(kind)}
        for kind in engine.KINDS
        if kind in by_kind
    ]
    months: dict[tuple[int, int], dict] = {}
    for kind_code, day, detail in entries:
        month = months.setdefault(
            (day.year, day.month),
            {
                "label": f"{day:%B %Y}",
                "sessions": 0,
                "minutes": 0,
                "kinds": {
                    column["kind"]: {
                        "kind": column["kind"],
                        "label": column["label"],
                        "sessions": 0,
                        "lines": [],
                    }
                    for column in columns
                },
            },
        )
        month["sessions"] += 1
        month["minutes"] += detail["minutes"]
        kind = month["kinds"][kind_code]
        kind["sessions"] += 1
        line = next((line for line in kind["lines"] if line["detail"] == detail), None)
        if line is None:
            line = {"detail": detail, "dates": [], **_against_usual(detail, usual.get(kind_code))}
            kind["lines"].append(line)
        line["dates"].append(iso(day))
    return columns, [
        {
            "label": month["label"],
            "sessions": month["sessions"],
            "hours": hours(month["minutes"] / 60),
            "kinds": list(month["kinds"].values()),
        }
        for month in months.values()
    ]


def upgrade_section(section: dict) -> dict:
    """A supervision section frozen before the one-table layout (monthly tables, no `session_columns`), in
    today's shape, so an old snapshot still reads properly on the web. Its PDF is untouched."""
    if "session_columns" in section or "months" not in section:
        return section
    entries = sorted(
        (
            (kind["kind"], date.fromisoformat(day), line["detail"])
            for month in section["months"]
            for kind in month["kinds"]
            for line in kind["lines"]
            for day in line["dates"]
        ),
        key=lambda entry: entry[1],
    )
    columns, months = session_table(entries)
    return {**section, "session_columns": columns, "months": months}


def supervision_section(source: "PortfolioSource") -> dict:
    summary = source.facts.supervision
    loaded = supervision_records(source)
    rules, records = loaded["rules"], loaded["records"]
    by_supervisor = defaultdict(list)
    for training in records.trainings:
        by_supervisor[training.supervisor_id].append(training)
    intervals = {
        pk: engine.credential_intervals(training_facts(rows), rules) for pk, rows in by_supervisor.items()
    }

    columns, months = session_table(
        [
            (
                session.kind,
                session.date,
                _detail(session, engine.counts_on(intervals.get(session.supervisor_id, ()), session.date)),
            )
            for session in records.sessions
        ]
    )

    people: dict[int, dict] = {}
    for assignment in records.assignments:
        person = people.setdefault(
            assignment.supervisor_id, {"name": assignment.supervisor.display_name, "roles": []}
        )
        person["roles"].append(
            {
                "role": assignment.get_kind_display(),
                "starts_on": iso(assignment.starts_on),
                "ends_on": iso(assignment.ends_on),
            }
        )
    for session in records.sessions:
        people.setdefault(session.supervisor_id, {"name": session.supervisor.display_name, "roles": []})
    supervisors = []
    for pk, person in people.items():
        rows = by_supervisor.get(pk, [])
        status = engine.credential_status(training_facts(rows), rules, source.as_of)
        supervisors.append(
            {
                **person,
                "credential": status.label,
                "credential_reason": status.reason,
                "counts": status.counts,
                "trainings": [
                    {
                        "kind": t.get_kind_display(),
                        "provider": t.provider,
                        "accredited": t.provider_iapt_accredited,
                        "completed_on": iso(t.completed_on),
                        "verified": t.verified,
                    }
                    for t in rows
                ],
            }
        )
    supervisors.sort(key=lambda s: s["name"])

    names = {
        s.live_assessment_intervention.code: s.live_assessment_intervention.name
        for s in records.sessions
        if s.live_assessment_intervention_id
    }
    kinds = [
        {
            "kind": kind,
            "label": KIND_LABELS[kind],
            "hours": hours(summary.hours.get(kind, 0)),
            "credentialed_hours": hours(summary.credentialed_hours.get(kind, 0)),
            "target": {
                "case_management": rules.case_management_hours_target,
                "clinical_skills": rules.clinical_skills_hours_target,
            }.get(kind),
        }
        for kind in engine.KINDS
    ]
    return {
        "key": "supervision",
        "title": "Supervision",
        "start": iso(summary.start),
        "end": iso(summary.end),
        "status": summary.status,
        "reason": summary.reason,
        "rules": rules.name,
        "kinds": kinds,
        "total_hours": hours(sum(k["hours"] for k in kinds)),
        "total_credentialed_hours": hours(sum(k["credentialed_hours"] for k in kinds)),
        "missed_weeks": [iso(week) for week in summary.missed_weeks],
        "clinical_skills_shortfall_hours": hours(summary.clinical_skills_shortfall_hours),
        "overdue_case_reviews": [
            {"reference": reference, "days": days} for reference, days in summary.overdue_case_reviews
        ],
        "live_assessments": summary.live_assessments,
        "live_assessment_interventions": [
            names.get(code, code) for code in summary.live_assessment_interventions
        ],
        "supervisors": supervisors,
        "session_columns": columns,
        "months": months,
        "sessions": len(records.sessions),
    }
