"""Who may see a service's workforce figures and decide on its records (deny by default).

The decision is the access policy's (`trainees.access`, capability `manage_workforce`): a service's own
administrators, and the administrators of an education provider whose trainees the service employs (the same
people who keep the service's sites). Everyone else gets a 404, logged as a refusal. The list of services
below is the same rule as a queryset, for the index page. Nobody gets a list of people by a diversity
answer: no view or selector here takes an answer as a filter.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.access import refuse
from accounts.models import Organisation, OrganisationMembership
from trainees.access import staff_access
from trainees.models import Enrolment


def workforce_services_for_user(user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    administrator = OrganisationMembership.Role.ADMINISTRATOR
    own_service = OrganisationMembership.objects.filter(
        organisation=OuterRef("pk"), user=user, role=administrator
    )
    employs_our_trainees = Enrolment.objects.filter(
        employing_service=OuterRef("pk"),
        cohort__programme__hei__memberships__user=user,
        cohort__programme__hei__memberships__role=administrator,
    )
    return Organisation.objects.filter(
        Q(Exists(own_service)) | Q(Exists(employs_our_trainees)), kind=Organisation.Kind.SERVICE
    ).order_by("name")


def get_workforce_service_for_user(user, code: str) -> Organisation:
    """The service, if the access policy lets this person manage its workforce records; else 404, audited."""
    service = Organisation.objects.filter(code=code, kind=Organisation.Kind.SERVICE).first()
    if (
        service is None
        or not user.is_authenticated
        or not staff_access(user).can("manage_workforce", service)
    ):
        raise refuse(user, "service", code)
    return service
