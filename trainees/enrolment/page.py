"""The trainee page's facts, loaded once in the view and handed to each area's partial.

Each area's section used to load its own rows from an inclusion tag, so the page read the enrolment's route,
interruptions and memberships several times over. Here every trainees area is read once through its bulk
selector, in a number of queries that does not grow with the record. (The competence summary is the
assessments app's: it keeps its own tag, since the trainees app does not import assessments.)
"""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from trainees.attendance import selectors as attendance
from trainees.caseload.selectors import CaseloadFigures, caseload_figures_for
from trainees.enrolment.selectors import current_assignments
from trainees.models import CatchUp, Enrolment, SupervisorAssignment, WorkplaceDay
from trainees.supervision import engine
from trainees.supervision.selectors import absences_for, interruptions_among, supervision_compliance

if TYPE_CHECKING:
    from trainees.access import EnrolmentAccess


@dataclass(frozen=True)
class TraineePageFacts:
    month_of_training: int
    nominal_window_end: date
    day_totals: dict[str, int]
    assignments: list[SupervisorAssignment]
    training_days: "attendance.TrainingDaysProgress"
    workplace_waiting: int
    catch_ups_waiting: int
    supervision: engine.Compliance
    can_manage: bool
    caseload: CaseloadFigures


def _count(model):
    """The enrolment's submitted entries awaiting a decision, as a subquery."""
    # No ordering: the models' default one would join the enrolment, its cohort and its trainee for nothing.
    rows = model.objects.filter(enrolment_id=OuterRef("pk"), status=model.Status.SUBMITTED).order_by()
    return Coalesce(Subquery(rows.values("enrolment_id").annotate(n=Count("pk")).values("n")[:1]), 0)


def trainee_page_facts(access: "EnrolmentAccess", *, today: date) -> TraineePageFacts:
    """Everything the trainee page shows for the trainees areas, as of `today`, for the person `access`
    describes."""
    enrolment = access.enrolment
    # Supervision allows for interruptions and leave, and the training days and the caseload clock pause for
    # interruptions: one read of the absences serves all three.
    absences = absences_for([enrolment.pk])
    interruptions = interruptions_among(absences)
    progress = attendance.training_days_progress_for([enrolment], on=today, interruptions=interruptions)[
        enrolment.pk
    ]
    waiting = (
        Enrolment.objects.filter(pk=enrolment.pk)
        .annotate(
            workplace_waiting=_count(WorkplaceDay),
            catch_ups_waiting=_count(CatchUp),
        )
        .values("workplace_waiting", "catch_ups_waiting")
        .get()
    )
    return TraineePageFacts(
        month_of_training=enrolment.month_of_training(today),
        nominal_window_end=enrolment.nominal_window_end,
        # The route's totals are the sums of its modules, which the training-days progress already read.
        day_totals={"university": progress.university_required, "workplace": progress.workplace_required},
        assignments=current_assignments(enrolment, on=today),
        training_days=progress,
        workplace_waiting=waiting["workplace_waiting"],
        catch_ups_waiting=waiting["catch_ups_waiting"],
        supervision=supervision_compliance(enrolment, end=today, absences=absences),
        can_manage=access.can("manage_assignments"),
        caseload=caseload_figures_for([enrolment], on=today, interruptions=interruptions)[enrolment.pk],
    )
