"""A companion file of referral ends (NHS Talking Therapies IDS101: the service request identifier, the
service discharge date and the ending code). Each row names a case on this trainee's caseload, which is
closed on that date through the caseload service that closes a case (`close_case`), with the ending code's
meaning, in words from the profile, as the reason.

Read after the contacts (a case closes on or after its latest contact). Rows stream; cases are looked up a
batch at a time, so memory stays flat. What cannot be applied is skipped and counted by reason, with a
warning naming the row when a person needs to look:

- a referral not ended yet (no discharge date): counted, nothing to do;
- a referral that is not a case on this trainee's caseload (another practitioner's): counted;
- an end already applied (the same date and reason): counted, nothing changes (a re-imported extract);
- an end the caseload cannot take (before the case's latest contact, in the future, or a case already closed
  on another day): counted and warned about, the rest of the file still imports.

A missing reference, a date that cannot be read or an ending code the profile does not know is a problem
with the file: the whole import is refused, every problem named by sheet, row and column.
"""

from collections.abc import Iterable, Sequence
from datetime import date

from accounts.services import DomainError
from trainees.caseload.importer.columns import CellProblem, is_blank, read_text
from trainees.caseload.importer.companion import CompanionReader
from trainees.caseload.importer.problems import ImportResult, RowProblem
from trainees.caseload.services import close_case
from trainees.imports.profiles import ProfileSpec, normalise_code
from trainees.models import Case, Enrolment

FIELDS = ("case_reference", "end_date", "end_code")
NOT_ENDED = "referrals not ended yet"
NOT_HERE = "referral ends for cases not on this trainee's caseload"
ALREADY = "referral ends already recorded"
REFUSED = "referral ends the caseload could not take (see the warnings)"


def known_codes(reasons) -> str:
    """The codes a profile maps, runs of numbers shortened: "10–17, 40–50, 95–98"."""
    numbers = sorted(int(code) for code in reasons if code.isdigit())
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    words = [f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs]
    return ", ".join(words + sorted(code for code in reasons if not code.isdigit())) or "none"


class EndsReader(CompanionReader):
    FIELDS = FIELDS
    NAME = "referral ends file"

    def __init__(
        self, *, actor, enrolment: Enrolment, spec: ProfileSpec | None, result: ImportResult, today: date
    ):
        config = (spec.ends if spec else {}) or {}
        super().__init__(result=result, config=config)
        self.actor = actor
        self.enrolment = enrolment
        self.spec = spec
        self.today = today
        self.reasons = {
            normalise_code(code): str(words) for code, words in (config.get("reasons") or {}).items()
        }
        self.known = known_codes(self.reasons)

    def run(self, sheet: str, rows: Iterable[Sequence]) -> None:
        if not self.headings:
            self.result.add(
                RowProblem(sheet, None, "", "", "This import profile does not read a referral ends file.")
            )
            return
        self._read(sheet, rows)

    def _parse(self, sheet, number, cells):
        def cell(key):
            return self._cell(cells, key)

        raw_date = cell("end_date")
        if is_blank(raw_date):
            self.result.skip(NOT_ENDED)
            return None
        try:
            reference = read_text(cell("case_reference")).strip()
        except CellProblem as error:
            self.result.add(self._where(sheet, number, "case_reference", str(error)))
            return None
        if not reference:
            self.result.add(
                self._where(sheet, number, "case_reference", "The referral's identifier is missing.")
            )
            return None
        ended_on = self.spec.parse_date(raw_date)
        if ended_on is None:
            self.result.add(
                self._where(sheet, number, "end_date", f"“{raw_date}” is not a date this profile reads.")
            )
            return None
        code = normalise_code(cell("end_code"))
        reason = self.reasons.get(code, "") if code else ""
        if code and not reason:
            self.result.add(
                self._where(
                    sheet,
                    number,
                    "end_code",
                    f"“{code}” is not an ending code this profile knows (it knows {self.known}). The file "
                    "may come from another version of the data set: a copy of the profile can map its codes.",
                )
            )
            return None
        return number, reference, ended_on, reason

    def _apply(self, sheet: str, batch) -> None:
        if not batch or not self.result.ok:
            return
        cases = {
            case.reference: case
            for case in Case.objects.filter(
                enrolment=self.enrolment,
                service_id=self.enrolment.employing_service_id,
                reference__in={row[1] for row in batch},
            ).only("pk", "reference", "status", "opened_on", "closed_on", "end_reason")
        }
        for number, reference, ended_on, reason in batch:
            case = cases.get(reference)
            if case is None:
                self.result.skip(NOT_HERE)
                continue
            was_open = case.status == Case.Status.OPEN
            if not was_open and case.closed_on == ended_on and case.end_reason == reason:
                self.result.skip(ALREADY)
                continue
            try:
                closed = close_case(actor=self.actor, case=case, closed_on=ended_on, reason=reason)
            except DomainError as error:
                self.result.skip(REFUSED)
                why = str(error) if was_open else f"Case {reference} was closed on {case.closed_on:%d %B %Y}."
                self.result.warn(f"Sheet “{sheet}” row {number}: the referral end was not recorded. {why}")
                continue
            cases[reference] = closed
            if was_open:
                self.result.cases_closed += 1
            else:
                self.result.end_reasons_added += 1
