"""Writes for import profiles: a copy for an organisation, and changes to a copy. Reference profiles change
only through fixtures/ and load_reference_data."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.services import DomainError, record_event
from trainees.imports.profiles import SpecProblem, read_spec
from trainees.models import ImportProfile

OWNER_KIND = {ImportProfile.Kind.CASELOAD: "service", ImportProfile.Kind.REGISTER: "hei"}


def _free_code(base: str) -> str:
    base = slugify(base)[:50] or "profile"
    code, n = base, 1
    while ImportProfile.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def copy_import_profile(*, actor, profile: ImportProfile, owner, name: str) -> ImportProfile:
    """A copy of `profile` belonging to `owner` (a service for caseload profiles, an education provider
    for register profiles), to edit for that organisation's own files."""
    if owner.kind != OWNER_KIND[profile.kind]:
        raise DomainError(
            "A caseload profile belongs to a service, and a register profile to an education provider."
        )
    name = " ".join(name.split())[:120]
    if not name:
        raise DomainError("Give the copy a name.")
    if ImportProfile.objects.filter(owner=owner, name=name).exists():
        raise DomainError(f"{owner} already has a profile called “{name}”.")
    copy = ImportProfile.objects.create(
        code=_free_code(f"{owner.code}-{name}"),
        name=name,
        kind=profile.kind,
        description=profile.description,
        source=profile.source,
        spec=profile.spec,
        is_reference=False,
        owner=owner,
        based_on=profile,
        updated_by=actor,
    )
    record_event(actor=actor, action="import_profile.copied", obj=copy, after={"from": profile.code})
    return copy


@transaction.atomic
def update_import_profile(
    *, actor, profile: ImportProfile, name: str, description: str, spec: dict
) -> ImportProfile:
    """Change an organisation's copy. The spec is checked first, so a profile that cannot be read is
    never saved."""
    profile = ImportProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.is_reference:
        raise DomainError("A reference profile is not changed here: copy it and change the copy.")
    try:
        read_spec(profile.code, name, spec)
    except SpecProblem as problem:
        raise DomainError(f"The profile cannot be read: {problem}") from problem
    before = {"name": profile.name, "spec": profile.spec}
    profile.name = " ".join(name.split())[:120]
    profile.description = description
    profile.spec = spec
    profile.updated_by = actor
    profile.updated_at = timezone.now()
    profile.save(update_fields=["name", "description", "spec", "updated_by", "updated_at"])
    record_event(
        actor=actor, action="import_profile.changed", obj=profile, before=before, after={"name": profile.name}
    )
    return profile
