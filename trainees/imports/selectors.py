"""Which import profiles a service or a programme may use: the reference profiles and its own copies."""

from django.db.models import Q, QuerySet

from trainees.models import ImportProfile


def profiles_for_owner(owner, *, kind: str) -> QuerySet[ImportProfile]:
    """Reference profiles of this kind and the owner's own copies, by name (1 query when evaluated)."""
    return ImportProfile.objects.filter(Q(is_reference=True) | Q(owner=owner), kind=kind).order_by(
        "-is_reference", "name"
    )


def profile_for_service(owner, *, code: str, kind: str) -> ImportProfile | None:
    return profiles_for_owner(owner, kind=kind).filter(code=code).first()
