"""What a portfolio shows, as one JSON-serialisable dict.

`portfolio_data` is the single source of a portfolio's content: the PDF renders it, a snapshot freezes it,
and the render cache is keyed by a hash of it, so any change to a record it shows changes the key.

Sections are built by the functions in `SECTION_BUILDERS`, in order. Each takes a `PortfolioSource` and
returns a dict with at least "key" and "title"; `templates/pdf/sections/<key>.html` renders it (in the PDF
and on the snapshot page alike). Adding a section means adding one function here and one template.
Values are plain JSON: dates as ISO strings, hours as floats, people as display names.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.serializers.json import DjangoJSONEncoder

from accounts.services import DomainError
from trainees.models import Enrolment, Interruption, SupervisorAssignment

# The schemes a portfolio can be submitted for. The readiness engine (issue 7) keeps schemes as versioned
# rows; until it lands here, these codes are the ones it defines, with no version. At merge this mapping
# gives way to a lookup of the current version of the scheme.
SCHEMES = {
    "course-completion": "Course completion (the education provider's award)",
    "cpd-route": "Qualified-staff CPD route (modules 1 and 2)",
    "babcp-pwp-accreditation-2010": "BABCP PWP accreditation (2010)",
    "babcp-pwp-registration": "BABCP PWP registration",
    "bps-wpw-register": "BPS Wider Psychological Workforce register",
}


def default_scheme_code(enrolment: Enrolment) -> str:
    return "cpd-route" if enrolment.route.code == "cpd" else "course-completion"


def scheme_info(enrolment: Enrolment, scheme_code: str | None) -> dict:
    code = scheme_code or default_scheme_code(enrolment)
    if code not in SCHEMES:
        raise DomainError(f"There is no scheme with the code “{code}”.")
    return {"code": code, "name": SCHEMES[code], "version": ""}


@dataclass(frozen=True)
class PortfolioSource:
    """Everything a section builder may read: the enrolment (with its people loaded), the date and scheme."""

    enrolment: Enrolment
    as_of: date
    scheme: dict


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def enrolment_section(source: PortfolioSource) -> dict:
    enrolment = source.enrolment
    interruptions = [
        {
            "starts_on": _iso(item.starts_on),
            "ends_on": _iso(item.ends_on),
            "reason": item.get_reason_display(),
            "days": item.days_within(item.starts_on, min(item.ends_on, source.as_of)),
        }
        for item in Interruption.objects.filter(enrolment=enrolment).order_by("starts_on")
        if item.starts_on <= source.as_of
    ]
    active = enrolment.status == Enrolment.Status.ACTIVE
    return {
        "key": "enrolment",
        "title": "Trainee and enrolment",
        "trainee": enrolment.user.display_name,
        "programme": enrolment.cohort.programme.name,
        "education_provider": enrolment.cohort.programme.hei.name,
        "award": enrolment.cohort.programme.get_award_display(),
        "cohort": enrolment.cohort.name,
        "intake": enrolment.cohort.intake,
        "route": enrolment.route.name,
        "route_description": enrolment.route.description,
        "start_date": _iso(enrolment.start_date),
        "window_months": enrolment.route.window_months,
        "nominal_window_end": _iso(enrolment.nominal_window_end),
        "month_of_training": enrolment.month_of_training(source.as_of) if active else None,
        "employing_service": enrolment.employing_service.name,
        "band": enrolment.get_band_display(),
        "status": enrolment.get_status_display(),
        "completed_on": _iso(enrolment.completed_on),
        "interruptions": interruptions,
    }


def requirements_section(source: PortfolioSource) -> dict:
    route = source.enrolment.route
    modules = [
        {
            "number": rm.module.number,
            "title": rm.module.title,
            "university_days": rm.university_days,
            "workplace_days": rm.workplace_days,
        }
        for rm in route.route_modules.select_related("module").order_by("module__number")
    ]
    return {
        "key": "requirements",
        "title": "Route and required training days",
        "route": route.name,
        "window_months": route.window_months,
        "modules": modules,
        "university_days": sum(m["university_days"] for m in modules),
        "workplace_days": sum(m["workplace_days"] for m in modules),
    }


def supervisors_section(source: PortfolioSource) -> dict:
    assignments = (
        SupervisorAssignment.objects.filter(enrolment=source.enrolment, starts_on__lte=source.as_of)
        .select_related("supervisor")
        .order_by("kind", "starts_on", "pk")
    )
    return {
        "key": "supervisors",
        "title": "Supervisors",
        "assignments": [
            {
                "kind": a.kind,
                "role": a.get_kind_display(),
                "name": a.supervisor.display_name,
                "starts_on": _iso(a.starts_on),
                "ends_on": _iso(a.ends_on),
                "current": a.ends_on is None or a.ends_on >= source.as_of,
            }
            for a in assignments
        ],
    }


# The order here is the order in the PDF and its contents page.
SECTION_BUILDERS: list[Callable[[PortfolioSource], dict]] = [
    enrolment_section,
    requirements_section,
    supervisors_section,
]


def portfolio_data(enrolment: Enrolment, *, scheme_code: str | None = None, as_of: date) -> dict:
    """One enrolment's portfolio for one scheme as it stands on `as_of`, in a constant number of queries."""
    enrolment = Enrolment.objects.with_people().select_related("cohort__programme__hei").get(pk=enrolment.pk)
    source = PortfolioSource(enrolment=enrolment, as_of=as_of, scheme=scheme_info(enrolment, scheme_code))
    programme, cohort = enrolment.cohort.programme, enrolment.cohort
    return {
        "trainee": {
            "name": enrolment.user.display_name,
            "username": enrolment.user.get_username(),
            "enrolment_id": enrolment.pk,
        },
        "programme": {
            "code": programme.code,
            "name": programme.name,
            "education_provider": programme.hei.name,
        },
        "cohort": {"code": cohort.code, "name": cohort.name, "intake": cohort.intake},
        "scheme": source.scheme,
        # A date, not a time: the same records on the same day give the same data, hence the same cache key.
        "generated_at": as_of.isoformat(),
        "sections": [build(source) for build in SECTION_BUILDERS],
    }


def canonical_json(data: dict) -> bytes:
    """One byte string per data dict: sorted keys, no spaces, UTF-8. Hashes are taken of this."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    ).encode("utf-8")


def data_sha256(data: dict) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()
