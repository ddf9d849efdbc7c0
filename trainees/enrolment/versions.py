"""The records version: one number per enrolment that goes up whenever anything its portfolio shows changes.

Every service that writes such a record (attendance, workplace days, supervision sessions and reports,
supervisor training, caseload cases, contacts and imports, CPD, assessment attempts, marks, sign-offs and
evidence, and the enrolment itself) calls `bump_records_version` inside its own transaction, so the number
and the record change together or not at all. The live portfolio's render cache is keyed by it
(`accreditation.portfolio.cache`): knowing whether anything changed costs reading one integer.

After the transaction commits, the listeners registered with `on_records_changed` hear which enrolments
changed (the portfolio queues a background render of the new version). Trainees sits below accreditation,
so it cannot call it directly; the listener list is the one seam.
"""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import F, Q

from trainees.enrolment.facts import note_bumped
from trainees.enrolment.models import Enrolment

_listeners: list[Callable[[list[int]], None]] = []


def on_records_changed(listener: Callable[[list[int]], None]) -> None:
    """Call `listener(enrolment_ids)` after each committed bump (registered once, in an AppConfig.ready)."""
    if listener not in _listeners:
        _listeners.append(listener)


def _announce(ids: list[int]) -> None:
    for listener in _listeners:
        listener(ids)


def _ids(enrolments) -> list[int]:
    if isinstance(enrolments, int | Enrolment):
        enrolments = [enrolments]
    return sorted({e.pk if isinstance(e, Enrolment) else int(e) for e in enrolments if e is not None})


def bump_records_version(enrolments: int | Enrolment | Iterable[int | Enrolment], *, announce=True) -> None:
    """Add one to the records version of each enrolment given (ids or enrolments), in one UPDATE, in the
    caller's transaction. Bulk paths call it once with every enrolment they touched.

    `announce=False` skips the listeners (a benchmark fill that should not queue thousands of renders)."""
    ids = _ids(enrolments)
    if not ids:
        return
    # An enrolment object the caller holds keeps its old number: harmless, since every save of an enrolment
    # names its `update_fields` and none names this one.
    Enrolment.objects.filter(pk__in=ids).update(records_version=F("records_version") + 1)
    note_bumped(ids)  # this request holds the old numbers: their remembered facts are not read again in it
    if announce and _listeners:
        transaction.on_commit(lambda: _announce(ids))


def bump_for_supervisor(supervisor_id: int) -> None:
    """A supervisor's credentials show in the portfolio of everyone they supervise or supervised: bump each
    enrolment they are or were assigned to, or have a session with."""
    from trainees.models import SupervisionSession

    ids = Enrolment.objects.filter(
        Q(supervisor_assignments__supervisor_id=supervisor_id)
        | Q(pk__in=SupervisionSession.objects.filter(supervisor_id=supervisor_id).values("enrolment_id"))
    ).values_list("pk", flat=True)
    bump_records_version(list(ids))


def bump_for_cohorts(cohort_ids: Iterable[int]) -> None:
    """A cohort's teaching days count towards every trainee's training days: bump the whole cohort."""
    bump_matching(Q(cohort_id__in=list(cohort_ids)))


def bump_matching(condition: Q) -> None:
    """Bump every enrolment matching `condition` (a programme's reference settings, shown in all of its
    portfolios)."""
    bump_records_version(list(Enrolment.objects.filter(condition).values_list("pk", flat=True)))


def bump_everyone() -> None:
    """Reference data every portfolio shows changed (an accreditation scheme, its criteria): bump every
    enrolment in one UPDATE. No renders are queued for this: each is rendered when next asked for."""
    Enrolment.objects.update(records_version=F("records_version") + 1)
