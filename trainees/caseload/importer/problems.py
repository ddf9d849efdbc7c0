"""What an import reports: each problem with its place in the file, and the outcome as a whole."""

from collections import Counter
from dataclasses import dataclass, field

from core.wording import plural
from trainees.caseload.importer import limits


@dataclass(frozen=True)
class RowProblem:
    """One problem in the file: where it is, and why, in words."""

    sheet: str
    row: int | None
    column: str  # a spreadsheet column letter ("C"), or "" when the problem is the whole file or row
    heading: str
    reason: str

    def __str__(self):
        where = [f"sheet “{self.sheet}”"] if self.sheet else []
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}" + (f" ({self.heading})" if self.heading else ""))
        place = ", ".join(where)
        return (place[:1].upper() + place[1:] + ": " if place else "") + self.reason

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "heading": self.heading,
            "reason": self.reason,
        }


class FileRefused(Exception):
    """The file as a whole cannot be read safely (wrong type, too big, a zip bomb, not a workbook)."""


@dataclass
class ImportResult:
    sheet: str = ""
    dry_run: bool = False
    rows_read: int = 0
    contacts_created: int = 0
    cases_created: int = 0
    duplicates: int = 0
    updated: int = 0
    scores_updated: int = 0
    cases_closed: int = 0  # by a companion file of referral ends
    end_reasons_added: int = 0  # cases a discharge contact had closed that day, given the end's reason
    skipped: Counter = field(default_factory=Counter)  # reason -> rows skipped for it
    warnings: list[str] = field(default_factory=list)
    needs_confirmation: str = ""  # a plausibility warning the person must confirm before anything is saved
    error_count: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    stopped_early: bool = False
    saved: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, problem: RowProblem) -> None:
        self.error_count += 1
        if len(self.errors) < limits.MAX_ERRORS_KEPT:
            self.errors.append(problem)

    def summary(self) -> str:
        if not self.ok:
            more = " Checking stopped early." if self.stopped_early else ""
            return (
                f"Nothing was imported: {self.error_count} problem{'s' if self.error_count != 1 else ''} "
                f"in {self.rows_read} rows.{more}"
            )
        if self.needs_confirmation:
            return "Nothing was saved: " + self.needs_confirmation

        def was(n: int) -> str:
            return "would be" if self.dry_run else ("was" if n == 1 else "were")

        contacts, cases = self.contacts_created, self.cases_created  # "1 new contact and 0 new cases were"
        text = (
            f"{plural(self.rows_read, 'row')} read: {plural(contacts, 'new contact')} and "
            f"{plural(cases, 'new case')} {'would be' if self.dry_run else 'were'} saved; "
            f"{plural(self.duplicates, 'row')} {was(self.duplicates)} skipped as already recorded."
        )
        if self.updated:
            text += f" {plural(self.updated, 'contact')} {was(self.updated)} updated."
        if self.scores_updated:
            n = self.scores_updated
            text += f" {plural(n, 'score')} {was(n)} recorded from the scores file."
        if self.cases_closed:
            n = self.cases_closed
            text += f" {plural(n, 'case')} {was(n)} closed from the referral ends file."
        if self.end_reasons_added:
            n = self.end_reasons_added
            text += (
                f" {plural(n, 'case')} already closed on {'its' if n == 1 else 'their'} discharge day "
                f"{was(n)} given the reason the referral ended."
            )
        if self.skipped:
            text += " Skipped: " + self.skipped_text() + "."
        return text

    def skipped_text(self) -> str:
        """“41 did not attend, 12 cancelled by the patient”, largest first."""
        return ", ".join(f"{count} {reason}" for reason, count in self.skipped.most_common())

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1

    def warn(self, message: str) -> None:
        if message not in self.warnings and len(self.warnings) < limits.MAX_ERRORS_KEPT:
            self.warnings.append(message)
