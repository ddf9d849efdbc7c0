"""An index of every evidence file the portfolio refers to: files attached to assessment attempts,
supervisors' training certificates and CPD evidence. The files themselves stay in the tracker; the index
names each one, its type, size, SHA-256 where the tracker keeps one, its date and the record it belongs to.
Built from the rows the other sections loaded (no further queries)."""

import mimetypes
from typing import TYPE_CHECKING

from accreditation.portfolio.sections.common import file_size, iso, moment
from accreditation.portfolio.sections.competences import assessment_records
from accreditation.portfolio.sections.cpd import cpd_records
from accreditation.portfolio.sections.supervision import supervision_records

if TYPE_CHECKING:
    from accreditation.portfolio.data import PortfolioSource


def _guess_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "unknown"


def evidence_section(source: "PortfolioSource") -> dict:
    assessments = assessment_records(source)
    attempts = {a.pk: a for a in assessments.attempts}
    assessment_files = []
    for item in assessments.evidence:
        attempt = attempts.get(item.attempt_id)
        record = f"{attempt.subject}, attempt {attempt.number}" if attempt else f"Attempt {item.attempt_id}"
        assessment_files.append(
            {
                "name": item.original_name,
                "type": item.content_type,
                "size": item.size,
                "sha256": item.sha256,
                "date": moment(item.uploaded_at),
                "record": record,
            }
        )
    certificates = []
    for training in supervision_records(source)["records"].trainings:
        if not training.certificate:
            continue
        name = training.certificate_filename or training.certificate.name.rsplit("/", 1)[-1]
        certificates.append(
            {
                "name": name,
                "type": training.certificate_content_type or _guess_type(name),
                "size": file_size(training.certificate),
                "sha256": None,
                "date": iso(training.completed_on),
                "record": (
                    f"{training.supervisor.display_name}: {training.get_kind_display()}, {training.provider}"
                ),
            }
        )
    counted = {info.id for info in source.facts.cpd}
    cpd_files = []
    for activity in sorted(cpd_records(source).values(), key=lambda a: (a.date, a.pk)):
        if not activity.evidence or activity.pk not in counted:
            continue
        name = activity.evidence_name or activity.evidence.name.rsplit("/", 1)[-1]
        cpd_files.append(
            {
                "name": name,
                "type": _guess_type(name),
                "size": file_size(activity.evidence),
                "sha256": None,
                "date": iso(activity.date),
                "record": f"CPD: {activity.title}",
            }
        )
    groups = [
        {"title": "Files attached to assessment attempts", "files": assessment_files},
        {"title": "Supervisors' training certificates", "files": certificates},
        {"title": "CPD evidence", "files": cpd_files},
    ]
    return {
        "key": "evidence",
        "title": "Index of evidence files",
        "total": sum(len(g["files"]) for g in groups),
        "groups": groups,
    }
