"""What a portfolio shows, as one JSON-serialisable dict.

`portfolio_data` is the single source of a portfolio's content: the PDF renders it, a snapshot freezes it,
and the render cache is keyed by a hash of it, so any change to a record it shows changes the key.

Sections are built by the functions in `SECTION_BUILDERS`, in order (they live in
`accreditation/portfolio/sections/`, one module per area). Each takes a `PortfolioSource` and returns a dict
with at least "key" and "title"; `templates/pdf/sections/<key>.html` renders it (in the PDF and on the
snapshot page alike). Adding a section means adding one function and one template. Values are plain JSON:
dates as ISO strings, hours as floats, people as display names. Every figure comes from the selector the
pages use (or the readiness engine's facts, gathered from those selectors); templates only lay them out.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.core.serializers.json import DjangoJSONEncoder

from accounts.services import DomainError
from accreditation import facts as facts_module
from accreditation.models import Scheme, SchemeVersion
from accreditation.portfolio import sections
from accreditation.portfolio.sections.caseload import upgrade_section as upgrade_caseload
from accreditation.portfolio.sections.supervision import upgrade_section as upgrade_supervision
from accreditation.selectors import schemes_with_rules, version_for
from trainees.models import Enrolment


def _schemes_with_versions() -> list[Scheme]:
    return [scheme for scheme in schemes_with_rules() if scheme.versions.all()]


def scheme_choices() -> list[tuple[str, str]]:
    """(code, name) of every scheme with at least one version, for the submission form."""
    return [(scheme.code, scheme.name) for scheme in _schemes_with_versions()]


def _default_scheme(enrolment: Enrolment, schemes: list[Scheme]) -> Scheme | None:
    applicable = [s for s in schemes if s.applies_to_route(enrolment.route.code)]
    course = [s for s in applicable if s.kind == Scheme.Kind.COURSE]
    return (course or applicable or [None])[0]


def default_scheme_code(enrolment: Enrolment) -> str | None:
    """The course scheme of the trainee's route (the education provider's award, or the CPD route's
    completion), else the first scheme that applies to the route."""
    found = _default_scheme(enrolment, _schemes_with_versions())
    return found.code if found else None


@dataclass(frozen=True)
class SchemeChoice:
    """The scheme a portfolio is for and its version on the portfolio's date."""

    scheme: Scheme
    version: SchemeVersion

    def as_data(self, as_of: date) -> dict:
        return {
            "code": self.scheme.code,
            "name": self.scheme.name,
            "body": self.scheme.body,
            "version": self.version.version,
            "effective_from": self.version.effective_from.isoformat(),
            "effective_to": self.version.effective_to.isoformat() if self.version.effective_to else None,
            "in_force": self.version.in_force(as_of),
        }


def choose_scheme(enrolment: Enrolment, scheme_code: str | None, as_of: date) -> SchemeChoice:
    """The scheme asked for (or the route's default), at the version `accreditation.selectors.version_for`
    picks for the readiness pages: the one in force on `as_of`, else the latest that had started."""
    schemes = _schemes_with_versions()
    if scheme_code:
        scheme = next((s for s in schemes if s.code == scheme_code), None)
    else:
        scheme = _default_scheme(enrolment, schemes)
    if scheme is None and scheme_code:
        raise DomainError(f"There is no scheme with the code “{scheme_code}”.")
    if scheme is None:
        raise DomainError("No scheme applies to this trainee's route yet.")
    return SchemeChoice(scheme=scheme, version=version_for(scheme, as_of))


@dataclass(frozen=True)
class PortfolioSource:
    """Everything a section builder may read: the enrolment (with its people loaded), the date and scheme.

    `facts` are the readiness engine's facts, gathered once through every area's bulk selectors; sections
    show those same values, so the readiness summary and the sections never disagree. `once` lets sections
    share rows they both read (the evidence index reuses the competence, supervision and CPD rows).
    """

    enrolment: Enrolment
    as_of: date
    scheme: dict
    choice: SchemeChoice | None = field(default=None, compare=False, repr=False)
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def facts(self) -> facts_module.TraineeFacts:
        # A portfolio goes to the trainee and to visitors: only released marks count.
        return facts_module.gather_facts_for([self.enrolment], as_of=self.as_of, released_only=True)[
            self.enrolment.pk
        ]

    def once(self, key: str, load: Callable[[], object]):
        if key not in self._memo:
            self._memo[key] = load()
        return self._memo[key]


# The order here is the order in the PDF and its contents page.
SECTION_BUILDERS: list[Callable[[PortfolioSource], dict]] = [
    sections.readiness_section,
    sections.enrolment_section,
    sections.training_days_section,
    sections.competences_section,
    sections.supervision_section,
    sections.caseload_section,
    sections.cpd_section,
    sections.supervisor_reports_section,
    sections.evidence_section,
]


def portfolio_data(enrolment: Enrolment, *, scheme_code: str | None = None, as_of: date) -> dict:
    """One enrolment's portfolio for one scheme as it stands on `as_of`, in a constant number of queries."""
    enrolment = Enrolment.objects.with_people().select_related("cohort__programme__hei").get(pk=enrolment.pk)
    choice = choose_scheme(enrolment, scheme_code, as_of)
    source = PortfolioSource(enrolment=enrolment, as_of=as_of, scheme=choice.as_data(as_of), choice=choice)
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


# Sections whose shape has changed since snapshots were first frozen: each turns an old section into today's
# shape for the snapshot page (which draws stored data with today's templates). Frozen PDFs never change.
SECTION_UPGRADES: dict[str, Callable[[dict], dict]] = {
    "supervision": upgrade_supervision,
    "caseload": upgrade_caseload,
}


def for_display(data: dict) -> dict:
    """Stored portfolio data (a snapshot's) in the shape today's section templates draw."""
    sections = [SECTION_UPGRADES.get(s.get("key"), lambda s: s)(s) for s in data.get("sections", [])]
    return {**data, "sections": sections}


def canonical_json(data: dict) -> bytes:
    """One byte string per data dict: sorted keys, no spaces, UTF-8. Hashes are taken of this."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    ).encode("utf-8")


def data_sha256(data: dict) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()
