"""Writes for accreditation visits: creating them, choosing their portfolios (by hand or by a reproducible
random sample per cohort) and recording what visitors looked at."""

import random
import secrets
from collections import defaultdict
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import DomainError, delete_record, record_event, save_record
from accreditation.models import PortfolioSnapshot, Visit, VisitAssignment, VisitPortfolio, VisitSample
from curriculum.models import Programme
from trainees.access import staff_access


def _require_administrator(actor, programme: Programme) -> None:
    access = staff_access(actor)
    if actor is None or not access.can("arrange_programme_visits", programme):
        raise DomainError(access.refusal("arrange_programme_visits"))


@transaction.atomic
def create_visit(
    *,
    actor,
    programme: Programme,
    kind: str,
    title: str,
    starts_on: date,
    ends_on: date,
    visitors: list[User],
) -> Visit:
    """Arrange a BPS programme visit or a review of individual applications, with its visitors."""
    _require_administrator(actor, programme)
    if ends_on < starts_on:
        raise DomainError("The visit cannot end before it starts.")
    if not visitors:
        raise DomainError("Name at least one visitor.")
    trainees = {v.username for v in visitors if v.enrolments.filter(cohort__programme=programme).exists()}
    if trainees:
        raise DomainError(f"A trainee on this programme cannot visit it: {', '.join(sorted(trainees))}.")
    visit = Visit.objects.create(
        programme=programme, kind=kind, title=title, starts_on=starts_on, ends_on=ends_on
    )
    VisitAssignment.objects.bulk_create([VisitAssignment(visit=visit, visitor=v) for v in visitors])
    record_event(
        actor=actor,
        action="visit.created",
        obj=visit,
        after={
            "programme": programme.code,
            "kind": kind,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "visitors": sorted(v.username for v in visitors),
        },
    )
    return visit


@transaction.atomic
def save_visit(*, actor, visit: Visit, changes: dict) -> Visit:
    """Add or correct a visit's details from the back office (visitors are added one by one with
    `add_visitor`, since the admin saves them after the visit itself)."""
    for name, value in changes.items():
        setattr(visit, name, value)
    if visit.ends_on < visit.starts_on:
        raise DomainError("The visit cannot end before it starts.")
    action = "visit.changed" if visit.pk else "visit.created"
    return save_record(actor=actor, instance=visit, changes=changes, action=action)


@transaction.atomic
def delete_visit(*, actor, visit: Visit) -> None:
    delete_record(actor=actor, instance=visit, action="visit.deleted")


@transaction.atomic
def add_visitor(*, actor, assignment: VisitAssignment, changes: dict) -> VisitAssignment:
    """Name a visitor for a visit (or change one); a trainee on the programme cannot visit it."""
    for name, value in changes.items():
        setattr(assignment, name, value)
    visit = assignment.visit
    if assignment.visitor.enrolments.filter(cohort__programme_id=visit.programme_id).exists():
        raise DomainError(f"A trainee on this programme cannot visit it: {assignment.visitor.username}.")
    action = "visit.visitor_changed" if assignment.pk else "visit.visitor_added"
    return save_record(actor=actor, instance=assignment, changes=changes, action=action)


@transaction.atomic
def remove_visitor(*, actor, assignment: VisitAssignment) -> None:
    delete_record(actor=actor, instance=assignment, action="visit.visitor_removed")


def _check_snapshots_belong(visit: Visit, snapshots) -> None:
    foreign = [s.pk for s in snapshots if s.enrolment.cohort.programme_id != visit.programme_id]
    if foreign:
        raise DomainError("A visit can only hold portfolios from its own programme.")


@transaction.atomic
def add_snapshots_to_visit(
    *, actor, visit: Visit, snapshots: list[PortfolioSnapshot]
) -> list[VisitPortfolio]:
    """Give the visit's visitors these snapshots, picked by hand (ones it holds already are left alone)."""
    _require_administrator(actor, visit.programme)
    if not snapshots:
        raise DomainError("Choose at least one portfolio.")
    _check_snapshots_belong(visit, snapshots)
    held = set(VisitPortfolio.objects.filter(visit=visit).values_list("snapshot_id", flat=True))
    links = VisitPortfolio.objects.bulk_create(
        [VisitPortfolio(visit=visit, snapshot=s, added_by=actor) for s in snapshots if s.pk not in held]
    )
    record_event(
        actor=actor,
        action="visit.portfolios_added",
        obj=visit,
        after={"snapshots": [link.snapshot_id for link in links], "how": "by hand"},
    )
    return links


def sample_snapshot_ids(visit: Visit, *, per_cohort: int, seed: int, drawn_at: datetime) -> list[int]:
    """The draw itself, a pure function of its inputs: for each cohort of the programme (by code), the
    latest snapshot of each trainee submitted by `drawn_at` (snapshots are never changed or deleted, so
    this set is fixed forever), in id order, then `per_cohort` of them chosen by a generator seeded with
    `seed`. Running it again with the same inputs gives the same list."""
    rows = (
        PortfolioSnapshot.objects.filter(
            enrolment__cohort__programme=visit.programme, submitted_at__lte=drawn_at
        )
        .order_by("enrolment_id", "-submitted_at", "-pk")
        .values_list("pk", "enrolment_id", "enrolment__cohort__code")
    )
    latest: dict[int, tuple[int, str]] = {}
    for pk, enrolment_id, cohort_code in rows:
        latest.setdefault(enrolment_id, (pk, cohort_code))
    by_cohort: dict[str, list[int]] = defaultdict(list)
    for pk, cohort_code in latest.values():
        by_cohort[cohort_code].append(pk)
    generator = random.Random(seed)  # reproducibility is the point here, not secrecy
    chosen: list[int] = []
    for cohort_code in sorted(by_cohort):
        candidates = sorted(by_cohort[cohort_code])
        chosen.extend(generator.sample(candidates, min(per_cohort, len(candidates))))
    return chosen


def replay_sample(sample: VisitSample) -> list[int]:
    """Draw again with the recorded seed, size and moment: equal to `sample.snapshot_ids` if all is well."""
    return sample_snapshot_ids(
        sample.visit, per_cohort=sample.per_cohort, seed=sample.seed, drawn_at=sample.drawn_at
    )


@transaction.atomic
def draw_visit_sample(*, actor, visit: Visit, per_cohort: int, seed: int | None = None) -> VisitSample:
    """Add a random sample of `per_cohort` portfolios from each cohort to the visit, recording the seed so
    that anyone can repeat the draw (`replay_sample`). A seed is chosen at random unless one is given."""
    _require_administrator(actor, visit.programme)
    if per_cohort < 1:
        raise DomainError("Sample at least one portfolio per cohort.")
    seed = secrets.randbits(48) if seed is None else seed
    drawn_at = timezone.now()
    chosen = sample_snapshot_ids(visit, per_cohort=per_cohort, seed=seed, drawn_at=drawn_at)
    if not chosen:
        raise DomainError("No trainee on this programme has submitted a portfolio yet.")
    sample = VisitSample.objects.create(
        visit=visit, seed=seed, per_cohort=per_cohort, drawn_at=drawn_at, drawn_by=actor, snapshot_ids=chosen
    )
    held = set(VisitPortfolio.objects.filter(visit=visit).values_list("snapshot_id", flat=True))
    VisitPortfolio.objects.bulk_create(
        [
            VisitPortfolio(visit=visit, snapshot_id=pk, sample=sample, added_by=actor)
            for pk in chosen
            if pk not in held
        ]
    )
    record_event(
        actor=actor,
        action="visit.sample_drawn",
        obj=visit,
        after={"sample": sample.pk, "seed": seed, "per_cohort": per_cohort, "snapshots": chosen},
    )
    return sample


def record_visitor_access(*, visitor, visit: Visit, snapshot: PortfolioSnapshot | None, action: str) -> None:
    """One line in the audit trail per portfolio a visitor opens or downloads (the visit's access log)."""
    after = {"visit": visit.pk}
    if snapshot is not None:
        after |= {
            "snapshot": snapshot.pk,
            "trainee": snapshot.enrolment.user.display_name,
            "verification_code": snapshot.verification_code,
        }
    record_event(actor=visitor, action=action, obj=visit, after=after)
