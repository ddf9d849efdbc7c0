"""Who may see a service's workforce figures and decide on its records (deny by default).

The decision is the access policy's (`trainees.access`, capability `manage_workforce`): a service's own
administrators, and the administrators of an education provider whose trainees the service employs (the same
people who keep the service's sites). Everyone else gets a 404, logged as a refusal. The list of services
for the index page is the policy's `services_administered_by`. Nobody gets a list of people by a diversity
answer: no view or selector here takes an answer as a filter.
"""

from django.db.models import QuerySet

from accounts.access import refuse
from accounts.models import Organisation
from trainees.access import services_administered_by, staff_access


def workforce_services_for_user(user) -> QuerySet[Organisation]:
    """The services on the index page: the policy's own rule, as a queryset."""
    return services_administered_by(user)


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
