"""A companion file of coded scores in long form (NHS Talking Therapies IDS606/IDS607: the contact's
identifier, the assessment tool as a SNOMED CT code, the score): each PHQ-9, GAD-7 or WSAS score is written
onto the contact the source identifies, in batches (constant memory). Tools the profile does not map are
skipped and counted; so are scores for contacts not in this trainee's record (another practitioner's)."""

from collections.abc import Iterable, Sequence

from openpyxl.utils import get_column_letter

from trainees.caseload.importer import limits
from trainees.caseload.importer.columns import CellProblem, is_blank, read_integer, read_text
from trainees.caseload.importer.problems import ImportResult, RowProblem
from trainees.imports.profiles import ProfileSpec, normalise_code, normalise_heading
from trainees.models import Contact, Enrolment

FIELDS = ("contact_id", "tool", "score")
LABELS = {"phq9": "PHQ-9", "gad7": "GAD-7", "wsas": "WSAS"}


class ScoreReader:
    def __init__(self, *, enrolment: Enrolment, spec: ProfileSpec | None, result: ImportResult):
        self.enrolment = enrolment
        self.result = result
        config = (spec.scores if spec else {}) or {}
        self.headings = {key: tuple(value) for key, value in (config.get("columns") or {}).items()}
        self.tools = {normalise_code(code): field for code, field in (config.get("tools") or {}).items()}
        self.columns: dict[str, int] = {}
        self.labels: dict[str, str] = {}

    def _where(self, sheet, row, key, reason):
        index = self.columns.get(key)
        column = get_column_letter(index + 1) if index is not None else ""
        return RowProblem(sheet, row, column, self.labels.get(key, ""), reason)

    def run(self, sheet: str, rows: Iterable[Sequence]) -> None:
        iterator = iter(rows)
        header = next(iterator, None)
        if header is None:
            self.result.add(RowProblem(sheet, None, "", "", "The scores file is empty."))
            return
        found = {normalise_heading(c): i for i, c in enumerate(header) if isinstance(c, str)}
        for key in FIELDS:
            for candidate in self.headings.get(key, ()):
                if normalise_heading(candidate) in found:
                    self.columns[key] = found[normalise_heading(candidate)]
                    self.labels[key] = candidate
                    break
            else:
                names = " or ".join(f"“{c}”" for c in self.headings.get(key, ())) or f"“{key}”"
                self.result.add(
                    RowProblem(sheet, 1, "", "", f"The scores file has no column headed {names}.")
                )
        if not self.result.ok:
            return
        batch: list[tuple[int, str, str, int]] = []
        number = 1
        for cells in iterator:
            number += 1
            if all(is_blank(c) for c in cells):
                continue
            parsed = self._parse(sheet, number, cells)
            if parsed:
                batch.append(parsed)
            if len(batch) >= limits.BATCH_SIZE:
                self._flush(batch)
                batch = []
            if self.result.error_count >= limits.MAX_ERRORS_COUNTED:
                self.result.stopped_early = True
                return
        self._flush(batch)

    def _parse(self, sheet, number, cells):
        def cell(key):
            index = self.columns[key]
            return cells[index] if index < len(cells) else None

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

    def _flush(self, batch) -> None:
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
