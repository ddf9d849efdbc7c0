"""Writes for programmes and cohorts (the Django admin calls these; the pages will too)."""

from django.db import transaction

from accounts.models import Organisation
from accounts.services import DomainError, save_record
from curriculum.models import Cohort, Programme


def _check_programme(programme: Programme, fields: dict) -> None:
    if programme.hei_id and programme.hei.kind != Organisation.Kind.HEI:
        raise DomainError(f"{programme.hei} is not an education provider.")
    routes = fields.get("routes_offered")
    if routes is not None:
        strays = [route.name for route in routes if route.edition_id != programme.edition_id]
        if strays:
            raise DomainError(
                f"{', '.join(strays)} is not a route of {programme.edition}: choose routes of the "
                "programme's curriculum edition."
            )


def _check_cohort(cohort: Cohort, fields: dict) -> None:
    from curriculum.selectors import routes_offered

    routes = fields.get("routes")
    if routes is not None:
        offered = set(routes_offered(cohort.programme).values_list("pk", flat=True))
        strays = [route.name for route in routes if route.pk not in offered]
        if strays:
            raise DomainError(f"{cohort.programme} does not offer {', '.join(strays)}.")
    weekdays = fields.get("teaching_weekdays")
    if weekdays is not None:
        if not all(isinstance(day, int) and 0 <= day <= 4 for day in weekdays):
            raise DomainError("The teaching pattern is made of weekdays, Monday to Friday.")
        fields["teaching_weekdays"] = sorted(set(weekdays))


@transaction.atomic
def create_programme(*, actor, fields: dict) -> Programme:
    """Add a programme with `fields` (field name -> value) and audit it."""
    programme = Programme(
        **{k: v for k, v in fields.items() if not Programme._meta.get_field(k).many_to_many}
    )
    _check_programme(programme, fields)
    return save_record(actor=actor, instance=programme, changes=fields, action="programme.created")


@transaction.atomic
def update_programme(*, actor, programme: Programme, changes: dict) -> Programme:
    """Change a programme's fields; the audit event shows each changed field before and after."""
    for name, value in changes.items():
        if not Programme._meta.get_field(name).many_to_many:  # set by save_record once checked
            setattr(programme, name, value)
    _check_programme(programme, changes)
    return save_record(actor=actor, instance=programme, changes=changes, action="programme.changed")


@transaction.atomic
def create_cohort(*, actor, fields: dict) -> Cohort:
    """Add an intake to a programme (educators included) and audit it."""
    cohort = Cohort(**{k: v for k, v in fields.items() if not Cohort._meta.get_field(k).many_to_many})
    fields = dict(fields)
    _check_cohort(cohort, fields)
    return save_record(actor=actor, instance=cohort, changes=fields, action="cohort.created")


@transaction.atomic
def update_cohort(*, actor, cohort: Cohort, changes: dict) -> Cohort:
    """Change a cohort's fields or educators; the audit event shows each change before and after."""
    changes = dict(changes)
    _check_cohort(cohort, changes)
    return save_record(actor=actor, instance=cohort, changes=changes, action="cohort.changed")


@transaction.atomic
def add_programme_person(
    *, actor, programme: Programme, email: str, role: str, first_name: str = "", last_name: str = ""
):
    """Give the person with `email` a role on `programme` (educator or lead) or at its education provider
    (administrator). Someone with no account gets one, and an e-mailed invitation to set a password."""
    from accounts import invitations
    from accounts.models import OrganisationMembership, User
    from accounts.services import grant_organisation_role, record_event
    from curriculum.models import ProgrammeMembership

    people = list(User.objects.filter(email__iexact=email.strip()))
    if len(people) > 1:
        raise DomainError(f"More than one account has the e-mail address {email}.")
    if people:
        user = people[0]
    else:
        user = invitations.create_invited_user(
            actor=actor, email=email, first_name=first_name, last_name=last_name, organisation=programme.hei
        )
    if role == "administrator":
        grant_organisation_role(
            actor=actor, user=user, organisation=programme.hei, role=OrganisationMembership.Role.ADMINISTRATOR
        )
        return user
    if role not in ProgrammeMembership.Role.values:
        raise DomainError("Choose a role.")
    membership = ProgrammeMembership.objects.filter(programme=programme, user=user).first()
    if membership is None:
        membership = ProgrammeMembership.objects.create(programme=programme, user=user, role=role)
        record_event(actor=actor, action="programme_member.added", obj=membership, after={"role": role})
    elif membership.role != role:
        before = {"role": membership.role}
        membership.role = role
        membership.save(update_fields=["role"])
        record_event(
            actor=actor,
            action="programme_member.changed",
            obj=membership,
            before=before,
            after={"role": role},
        )
    return user
