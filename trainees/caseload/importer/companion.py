"""What the companion files beside a contacts extract share (the coded scores, the referral ends): the profile
names their columns, the header row is matched to those names, and the rows stream in batches so memory stays
flat. Each reader parses one row (`_parse`) and applies a batch (`_apply`)."""

from collections.abc import Iterable, Iterator, Sequence

from openpyxl.utils import get_column_letter

from trainees.caseload.importer import limits
from trainees.caseload.importer.columns import is_blank
from trainees.caseload.importer.problems import ImportResult, RowProblem
from trainees.imports.profiles import normalise_heading


class CompanionReader:
    FIELDS: tuple[str, ...] = ()
    NAME = "companion file"  # in messages: "The scores file is empty."

    def __init__(self, *, result: ImportResult, config: dict):
        self.result = result
        self.headings = {key: tuple(value) for key, value in (config.get("columns") or {}).items()}
        self.columns: dict[str, int] = {}
        self.labels: dict[str, str] = {}

    def _where(self, sheet, row, key, reason):
        index = self.columns.get(key)
        column = get_column_letter(index + 1) if index is not None else ""
        return RowProblem(sheet, row, column, self.labels.get(key, ""), reason)

    def _cell(self, cells: Sequence, key: str):
        index = self.columns[key]
        return cells[index] if index < len(cells) else None

    def _read(self, sheet: str, rows: Iterable[Sequence]) -> None:
        iterator: Iterator[Sequence] = iter(rows)
        header = next(iterator, None)
        if header is None:
            self.result.add(RowProblem(sheet, None, "", "", f"The {self.NAME} is empty."))
            return
        found = {normalise_heading(c): i for i, c in enumerate(header) if isinstance(c, str)}
        for key in self.FIELDS:
            for candidate in self.headings.get(key, ()):
                if normalise_heading(candidate) in found:
                    self.columns[key] = found[normalise_heading(candidate)]
                    self.labels[key] = candidate
                    break
            else:
                names = " or ".join(f"“{c}”" for c in self.headings.get(key, ())) or f"“{key}”"
                problem = f"The {self.NAME} has no column headed {names}."
                self.result.add(RowProblem(sheet, 1, "", "", problem))
        if not self.result.ok:
            return
        batch: list = []
        number = 1
        for cells in iterator:
            number += 1
            if all(is_blank(c) for c in cells):
                continue
            parsed = self._parse(sheet, number, cells)
            if parsed:
                batch.append(parsed)
            if len(batch) >= limits.BATCH_SIZE:
                self._apply(sheet, batch)
                batch = []
            if self.result.error_count >= limits.MAX_ERRORS_COUNTED:
                self.result.stopped_early = True
                return
        self._apply(sheet, batch)

    def _parse(self, sheet: str, number: int, cells: Sequence):
        raise NotImplementedError

    def _apply(self, sheet: str, batch: list) -> None:
        raise NotImplementedError
