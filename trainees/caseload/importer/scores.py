"""A companion file of coded scores in long form (NHS Talking Therapies IDS606/IDS607: the contact's
identifier, the assessment tool as a SNOMED CT code, the score): each PHQ-9, GAD-7 or WSAS score is written
onto the contact the source identifies, in batches. Tools the profile does not map are skipped and counted; so
are scores for contacts not in this trainee's record (another practitioner's).

The data set records the WSAS as its five items, each under its own code; a profile maps them to the `wsas-*`
fields below and the contact gets their total. Item scores are held until the file has been read (a contact's
items need not be on neighbouring rows), only for contacts of this trainee's record, so memory is bounded by
the record, not by the file."""

from collections.abc import Iterable, Sequence

from trainees.caseload.importer import limits
from trainees.caseload.importer.columns import CellProblem, read_integer, read_text
from trainees.caseload.importer.companion import CompanionReader
from trainees.caseload.importer.problems import ImportResult
from trainees.imports.profiles import WSAS_ITEMS, ProfileSpec, normalise_code
from trainees.models import Contact, Enrolment

FIELDS = ("contact_id", "tool", "score")
LABELS = {"phq9": "PHQ-9", "gad7": "GAD-7", "wsas": "WSAS"}
WSAS_ITEM_RANGE = (0, 8)
MISSING_ITEMS = "WSAS with more than one of its five items missing"


def wsas_total(items: list[int]) -> int | None:
    """The WSAS total from its item scores: their sum. The NHS Data Dictionary (WORK AND SOCIAL ADJUSTMENT
    SCALE SCORE): one missing item is replaced by the mean of the other four; with more, it is disregarded."""
    if len(items) == len(WSAS_ITEMS):
        return sum(items)
    if len(items) == len(WSAS_ITEMS) - 1:
        return (sum(items) * 5 + 2) // 4  # sum + mean of the four, rounded half up
    return None


class ScoreReader(CompanionReader):
    FIELDS = FIELDS
    NAME = "scores file"

    def __init__(self, *, enrolment: Enrolment, spec: ProfileSpec | None, result: ImportResult):
        config = (spec.scores if spec else {}) or {}
        super().__init__(result=result, config=config)
        self.enrolment = enrolment
        self.tools = {normalise_code(code): field for code, field in (config.get("tools") or {}).items()}
        # contact pk -> (the contact, its WSAS item scores so far); only contacts of this trainee's record.
        self.wsas_items: dict[int, tuple[Contact, dict[str, int]]] = {}

    def run(self, sheet: str, rows: Iterable[Sequence]) -> None:
        self._read(sheet, rows)
        if not self.result.ok:
            return
        changed = []
        for contact, items in self.wsas_items.values():
            total = wsas_total(list(items.values()))
            if total is None:
                self.result.skip(MISSING_ITEMS)
            elif contact.wsas != total:
                contact.wsas = total
                changed.append(contact)
                self.result.scores_updated += 1
        # Only the total: the contact objects were read before later batches wrote their PHQ-9 or GAD-7.
        Contact.objects.bulk_update(changed, ["wsas"], batch_size=limits.BATCH_SIZE)

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
        if field in WSAS_ITEMS:
            (low, high), what = WSAS_ITEM_RANGE, f"WSAS item score ({WSAS_ITEMS[field]})"
        else:
            (low, high), what = Contact.MEASURE_RANGES[field], f"{LABELS[field]} score"
        if not low <= score <= high:
            self.result.add(self._where(sheet, number, "score", f"A {what} is {low} to {high}, not {score}."))
            return None
        return contact_id, field, score

    def _apply(self, sheet, batch) -> None:
        if not batch or not self.result.ok:
            return
        contacts = {
            c.source_id: c
            for c in Contact.objects.filter(
                case__enrolment=self.enrolment, source_id__in={row[0] for row in batch}
            ).only("pk", "source_id", "phq9", "gad7", "wsas")
        }
        changed = {}
        for contact_id, field, score in batch:
            contact = contacts.get(contact_id)
            if contact is None:
                self.result.skip("scores for contacts not in this trainee's record")
            elif field in WSAS_ITEMS:
                self.wsas_items.setdefault(contact.pk, (contact, {}))[1][field] = score
            elif getattr(contact, field) != score:
                setattr(contact, field, score)
                changed[contact.pk] = contact
                self.result.scores_updated += 1
        if changed:
            Contact.objects.bulk_update(list(changed.values()), ["phq9", "gad7", "wsas"])
