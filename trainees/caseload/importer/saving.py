"""Saving: write checked rows in batches (new cases, then contacts, skipping ones already recorded), and
settle each touched case's opening and closing dates with set-based SQL at the end."""

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Max, Min, OuterRef, Q, Subquery

from trainees.caseload.importer import limits
from trainees.caseload.importer.problems import ImportResult, RowProblem
from trainees.caseload.importer.rows import ParsedRow
from trainees.models import Case, CaseloadImport, Contact, Enrolment


@dataclass
class _CaseState:
    pk: int
    closed_on: date | None


class ContactWriter:
    """Writes one import's contacts. Known cases sit in a bounded LRU cache, so memory stays constant."""

    def __init__(
        self,
        *,
        enrolment: Enrolment,
        job: CaseloadImport,
        result: ImportResult,
        where: Callable[[str, int, str, str], RowProblem],
    ):
        self.enrolment = enrolment
        self.service_id = enrolment.employing_service_id
        self.job = job
        self.result = result
        self.where = where  # a problem's place in the file, from the row checker's columns
        self.cases: OrderedDict[str, _CaseState] = OrderedDict()
        self.updated_cases: set[int] = set()

    # cases

    def _remember(self, reference: str, state: _CaseState) -> None:
        self.cases[reference] = state
        self.cases.move_to_end(reference)
        while len(self.cases) > limits.CASE_CACHE_SIZE:
            self.cases.popitem(last=False)

    def _known_cases(self, references: set[str]) -> dict[str, _CaseState]:
        known = {}
        missing = set()
        for reference in references:
            state = self.cases.get(reference)
            if state is None:
                missing.add(reference)
            else:
                self.cases.move_to_end(reference)
                known[reference] = state
        if missing:
            for pk, reference, closed_on in (
                Case.objects.filter(
                    enrolment=self.enrolment, service_id=self.service_id, reference__in=missing
                )
                .order_by()
                .values_list("pk", "reference", "closed_on")
            ):
                known[reference] = _CaseState(pk, closed_on)
                self._remember(reference, known[reference])
        return known

    # batches

    def flush(self, sheet: str, batch: list[ParsedRow]) -> None:
        """Write a batch of checked rows, unless a contact falls after its case closed (a problem)."""
        if not batch:
            return
        known = self._known_cases({row.reference for row in batch})
        writable = []
        for row in batch:
            state = known.get(row.reference)
            if state and state.closed_on and row.date > state.closed_on:
                self.result.add(
                    self.where(
                        sheet,
                        row.row,
                        "date",
                        f"Case {row.reference} was closed on {state.closed_on:%d %B %Y}; this contact is "
                        "later. A patient who comes back is given a new case reference by the service.",
                    )
                )
            else:
                writable.append(row)
        if not self.result.ok:
            return  # keep checking the rest of the file, but write nothing more: it will all be rolled back
        self._write(writable, known)

    UPDATABLE = ("date", "type", "mode", "intervention_id", "minutes", "phq9", "gad7", "wsas", "outcome")

    def _update_known(self, rows: list[ParsedRow]) -> list[ParsedRow]:
        """Rows naming a contact the source sent before (by its own identifier) update that contact with what
        changed; the rest are returned to be added."""
        ids = {row.source_id for row in rows if row.source_id}
        if not ids:
            return rows
        # Asked by the source's identifiers alone (their index), then kept to this trainee's cases: with the
        # trainee named in the query, the database walked every contact of the trainee for each batch, the
        # import's own contacts included, so a long file slowed down as it went.
        found = (
            Contact.objects.filter(source_id__in=ids)
            .order_by()
            .only("pk", "source_id", "case_id", *self.UPDATABLE)
            .annotate(enrolment_of_case=F("case__enrolment_id"))
        )
        existing = {
            contact.source_id: contact for contact in found if contact.enrolment_of_case == self.enrolment.pk
        }
        changed, fresh = {}, []
        for row in rows:
            contact = existing.get(row.source_id) if row.source_id else None
            if contact is None:
                fresh.append(row)
                continue
            wanted = {
                "date": row.date,
                "type": row.type,
                "mode": row.mode,
                "intervention_id": row.intervention.pk if row.intervention else None,
                "minutes": row.minutes,
                "phq9": row.phq9,
                "gad7": row.gad7,
                "wsas": row.wsas,
                "outcome": row.outcome,
            }
            # A later extract without a score keeps the score recorded (scores come in their own file).
            for measure in ("phq9", "gad7", "wsas"):
                if wanted[measure] is None:
                    wanted[measure] = getattr(contact, measure)
            if any(getattr(contact, key) != value for key, value in wanted.items()):
                for key, value in wanted.items():
                    setattr(contact, key, value)
                changed[contact.pk] = contact
                self.updated_cases.add(contact.case_id)
            else:
                self.result.duplicates += 1
        if changed:
            Contact.objects.bulk_update(list(changed.values()), list(self.UPDATABLE))
            self.result.updated += len(changed)
        return fresh

    def _write(self, rows: list[ParsedRow], known: dict[str, _CaseState]) -> None:
        rows = self._update_known(rows)
        if not rows:
            return
        new_cases = {}
        for row in rows:
            if row.reference not in known:
                case = new_cases.get(row.reference)
                if case is None:
                    new_cases[row.reference] = Case(
                        enrolment=self.enrolment,
                        service_id=self.service_id,
                        reference=row.reference,
                        opened_on=row.date,
                        presenting_problem=row.presenting_problem,
                    )
                else:
                    case.opened_on = min(case.opened_on, row.date)
                    case.presenting_problem = case.presenting_problem or row.presenting_problem
        if new_cases:
            for case in new_cases.values():
                # The reference passed `clean_case_reference` as its row was read (the same de-identification
                # check as the field's validator, the service's pattern and the field's length), once for
                # each distinct reference: it is not checked a second time here.
                case.clean_fields(exclude=["enrolment", "service", "reference"])
            Case.objects.bulk_create(new_cases.values())
            self.result.cases_created += len(new_cases)
            for reference, case in new_cases.items():
                known[reference] = _CaseState(case.pk, None)
                self._remember(reference, known[reference])
        # Cases opened by this batch have no contacts yet: only the others are asked about.
        case_ids = {known[row.reference].pk for row in rows if row.reference not in new_cases}
        existing = (
            set(
                Contact.objects.filter(
                    case_id__in=case_ids,
                    date__gte=min(row.date for row in rows),
                    date__lte=max(row.date for row in rows),
                )
                .order_by()
                .values_list("case_id", "date", "type")
            )
            if case_ids
            else set()
        )
        contacts = []
        problems: dict[str, set[int]] = {}
        for row in rows:
            case_id = known[row.reference].pk
            key = (case_id, row.date, row.type)
            if key in existing:
                self.result.duplicates += 1
                continue
            existing.add(key)
            contacts.append(
                Contact(
                    case_id=case_id,
                    date=row.date,
                    type=row.type,
                    mode=row.mode,
                    intervention=row.intervention,
                    minutes=row.minutes,
                    phq9=row.phq9,
                    gad7=row.gad7,
                    wsas=row.wsas,
                    outcome=row.outcome,
                    source=Contact.Source.IMPORTED,
                    source_id=row.source_id,
                    imported_by=self.job,
                    recorded_by_id=self.job.requested_by_id,
                )
            )
            if row.presenting_problem and row.reference not in new_cases:
                problems.setdefault(row.presenting_problem, set()).add(case_id)
        Contact.objects.bulk_create(contacts)
        self.result.contacts_created += len(contacts)
        for problem, ids in problems.items():
            Case.objects.filter(pk__in=ids, presenting_problem="").update(presenting_problem=problem)

    def settle_cases(self) -> None:
        """Open each case on its earliest contact, and close an open case whose latest contact is a
        discharge or has an outcome: set-based SQL over the cases this import touched."""
        touched = Case.objects.filter(enrolment=self.enrolment).filter(
            Q(pk__in=Contact.objects.filter(imported_by=self.job).values("case_id"))
            | Q(pk__in=self.updated_cases)
        )
        contacts = Contact.objects.filter(case=OuterRef("pk")).order_by().values("case")
        earliest = Subquery(contacts.annotate(d=Min("date")).values("d")[:1])
        latest = Subquery(contacts.annotate(d=Max("date")).values("d")[:1])
        closing = Subquery(
            contacts.filter(Q(type=Contact.Type.DISCHARGE) | ~Q(outcome=""))
            .annotate(d=Max("date"))
            .values("d")[:1]
        )
        touched.alias(earliest=earliest).filter(opened_on__gt=F("earliest")).update(opened_on=earliest)
        touched.filter(status=Case.Status.OPEN).alias(closing=closing, latest=latest).filter(
            closing__gte=F("latest")
        ).update(status=Case.Status.CLOSED, closed_on=closing)
