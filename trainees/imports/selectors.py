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


def profiles_for_user(user) -> QuerySet[ImportProfile]:
    """Reference profiles and the copies of every organisation the person administers (1 query)."""
    from trainees.access import organisations_administered_by

    return (
        ImportProfile.objects.filter(Q(is_reference=True) | Q(owner__in=organisations_administered_by(user)))
        .select_related("owner")
        .order_by("kind", "-is_reference", "name")
    )


def get_import_profile_for_user(user, code: str) -> ImportProfile:
    """One profile the person may see, or 404."""
    from django.http import Http404

    profile = profiles_for_user(user).filter(code=code).first()
    if profile is None:
        raise Http404("No such import profile.")
    return profile
