"""The portfolio's section builders, one module per area; `accreditation.portfolio.data.SECTION_BUILDERS`
puts them in order. Each returns plain JSON for `templates/pdf/sections/<key>.html`."""

from accreditation.portfolio.sections.caseload import caseload_section
from accreditation.portfolio.sections.competences import competences_section
from accreditation.portfolio.sections.cpd import cpd_section
from accreditation.portfolio.sections.enrolment import enrolment_section
from accreditation.portfolio.sections.evidence import evidence_section
from accreditation.portfolio.sections.readiness import readiness_section
from accreditation.portfolio.sections.reports import supervisor_reports_section
from accreditation.portfolio.sections.supervision import supervision_section
from accreditation.portfolio.sections.training_days import training_days_section

__all__ = [
    "caseload_section",
    "competences_section",
    "cpd_section",
    "enrolment_section",
    "evidence_section",
    "readiness_section",
    "supervision_section",
    "supervisor_reports_section",
    "training_days_section",
]
