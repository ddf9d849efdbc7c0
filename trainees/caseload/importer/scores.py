"""A companion file of coded scores in long form (NHS Talking Therapies IDS606/IDS607: the contact's
identifier, the assessment tool as a SNOMED CT code, the score): each PHQ-9, GAD-7 or WSAS score is written
onto the contact the source identifies, in batches (constant memory). Tools the profile does not map are
skipped and counted; so are scores for contacts not in this trainee's record (another practitioner's)."""

from collections.abc import Iterable, Sequence

from trainees.caseload.importer.columns import CellProblem, read_integer, read_text
from trainees.caseload.importer.companion import CompanionReader
from trainees.caseload.importer.problems import ImportResult
from trainees.imports.profiles import ProfileSpec, normalise_code
from trainees.models import Contact, Enrolment

FIELDS = ("contact_id", "tool", "score")
LABELS = {"phq9": "PHQ-9", "gad7": "GAD-7", "wsas": "WSAS"}


class ScoreReader(CompanionReader):
    FIELDS = FIELDS
    NAME = "scores file"

    def __init__(self, *, enrolment: Enrolment, spec: ProfileSpec | None, result: ImportResult):
        config = (spec.scores if spec else {}) or {}
        super().__init__(result=result, config=config)
        self.enrolment = enrolment
        self.tools = {normalise_code(code): field for code, field in (config.get("tools") or {}).items()}

    def run(self, sheet: str, rows: Iterable[Sequence]) -> None:
        self._read(sheet, rows)

    def _parse(self, sheet, number, cells):
        def cell(key):
            return self._cell(cells, key)

        field = self.tools.get(normalise_code(cell("tool")))
        if field is None:
            self.result.skip("scores of other measures")
            return None
        try:
            contact_id = read_text(cell("contact_id")).strip()
        except CellProblem as error:
            self.result.add(self._where(sheet, number, "contact_id", str(error)))
            return None
        try:
            score = read_integer(cell("score"))
        except CellProblem as error:
            self.result.add(self._where(sheet, number, "score", str(error)))
            return None
        low, high = Contact.MEASURE_RANGES[field]
        if not low <= score <= high:
            self.result.add(
                self._where(
                    sheet, number, "score", f"A {LABELS[field]} score is {low} to {high}, not {score}."
                )
            )
            return None
        return number, contact_id, field, score

    def _apply(self, sheet, batch) -> None:
        if not batch or not self.result.ok:
            return
        contacts = {
            c.source_id: c
            for c in Contact.objects.filter(
                case__enrolment=self.enrolment, source_id__in={row[1] for row in batch}
            ).only("pk", "source_id", "phq9", "gad7", "wsas")
        }
        changed = {}
        for _number, contact_id, field, score in batch:
            contact = contacts.get(contact_id)
            if contact is None:
                self.result.skip("scores for contacts not in this trainee's record")
                continue
            if getattr(contact, field) != score:
                setattr(contact, field, score)
                changed[contact.pk] = contact
                self.result.scores_updated += 1
        if changed:
            Contact.objects.bulk_update(list(changed.values()), ["phq9", "gad7", "wsas"])
