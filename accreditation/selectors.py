from django.db.models import QuerySet

from accounts.access import refuse
from accreditation.models import Visit


def visits_for_visitor(user) -> QuerySet[Visit]:
    """Every visit a person is assigned to, open or not (the home page says which are open)."""
    if not user.is_authenticated:
        return Visit.objects.none()
    return Visit.objects.filter(assignments__visitor=user).select_related("programme").order_by("-starts_on")


def get_open_visit_for_visitor(user, pk: int) -> Visit:
    """A visit the person is assigned to and whose window is open today; anything else is a 404."""
    visit = visits_for_visitor(user).open_on().filter(pk=pk).first()
    if visit is None:
        raise refuse(user, "visit", pk)
    return visit
