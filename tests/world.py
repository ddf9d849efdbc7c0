"""The fixed personas every page is tested against (see the permission matrix in shared/quality.md).

Programme A (HEI A) has cohort A with two trainees: `trainee` (T1, whose records the URLs point at) and
`other_trainee`. `supervisor` supervises T1; `other_supervisor` supervises only the other trainee.
`educator` teaches on programme A and `lead` leads it; `other_educator` leads programme B.
`visitor` is on an open visit to programme A, `visitor_outside_window` on a visit that has closed,
`other_visitor` on an open visit to programme B. `admin` administers HEI A.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from accreditation.models import Visit
from curriculum.models import Cohort, Programme, ProgrammeMembership
from tests import factories as f
from trainees.models import Enrolment, SupervisorAssignment

PERSONAS = (
    "anonymous",
    "trainee",
    "other_trainee",
    "supervisor",
    "other_supervisor",
    "educator",
    "lead",
    "other_educator",
    "visitor",
    "visitor_outside_window",
    "other_visitor",
    "admin",
)


@dataclass
class World:
    programme: Programme
    other_programme: Programme
    cohort: Cohort
    other_cohort: Cohort
    enrolment: Enrolment
    other_enrolment: Enrolment
    visit: Visit
    closed_visit: Visit
    users: dict[str, User] = field(default_factory=dict)

    def user(self, persona: str) -> User | None:
        return self.users.get(persona)


def build_world() -> World:
    today = timezone.localdate()
    programme = f.ProgrammeFactory(code="prog-a", name="Programme A")
    other_programme = f.ProgrammeFactory(code="prog-b", name="Programme B")
    cohort = f.CohortFactory(programme=programme, code="cohort-a", name="Cohort A")
    other_cohort = f.CohortFactory(programme=other_programme, code="cohort-b", name="Cohort B")
    users = {
        name: f.UserFactory(username=name.replace("_", "."))
        for name in PERSONAS
        if name not in ("anonymous", "admin")
    }
    enrolment = f.EnrolmentFactory(user=users["trainee"], cohort=cohort)
    other_enrolment = f.EnrolmentFactory(user=users["other_trainee"], cohort=cohort)
    for kind in (SupervisorAssignment.Kind.CASE_MANAGEMENT, SupervisorAssignment.Kind.CLINICAL_SKILLS):
        f.SupervisorAssignmentFactory(enrolment=enrolment, supervisor=users["supervisor"], kind=kind)
        f.SupervisorAssignmentFactory(
            enrolment=other_enrolment, supervisor=users["other_supervisor"], kind=kind
        )
    f.ProgrammeMembershipFactory(programme=programme, user=users["educator"])
    f.ProgrammeMembershipFactory(
        programme=programme, user=users["lead"], role=ProgrammeMembership.Role.PROGRAMME_LEAD
    )
    f.ProgrammeMembershipFactory(
        programme=other_programme, user=users["other_educator"], role=ProgrammeMembership.Role.PROGRAMME_LEAD
    )
    visit = f.VisitFactory(programme=programme)
    closed_visit = f.VisitFactory(
        programme=programme, starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=1)
    )
    other_visit = f.VisitFactory(programme=other_programme)
    f.VisitAssignmentFactory(visit=visit, visitor=users["visitor"])
    f.VisitAssignmentFactory(visit=closed_visit, visitor=users["visitor_outside_window"])
    f.VisitAssignmentFactory(visit=other_visit, visitor=users["other_visitor"])
    users["admin"] = f.AdministratorFactory(
        organisation=programme.hei, user__username="admin", user__is_staff=True
    ).user
    return World(
        programme=programme,
        other_programme=other_programme,
        cohort=cohort,
        other_cohort=other_cohort,
        enrolment=enrolment,
        other_enrolment=other_enrolment,
        visit=visit,
        closed_visit=closed_visit,
        users=users,
    )
