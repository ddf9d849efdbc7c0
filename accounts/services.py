"""Writes for people, roles and the audit trail. Every state change in the product ends in `record_event`."""

from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction

from accounts.models import AuditEvent, LoginSession, Organisation, OrganisationMembership, User
from core.identifiers import withhold_identifiers


class DomainError(Exception):
    """A rule of the domain refused the change; the message is written for the person who asked."""


class ConflictError(DomainError):
    """Someone else changed the same record first (shown as 409 or a form error, never a 500)."""


def describe(obj) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}", str(obj.pk), str(obj)[:200]


def record_event(*, actor, action: str, obj=None, message: str = "", before=None, after=None) -> AuditEvent:
    """Append one line to the audit trail (UTC time, who, what, which object, before/after summary).

    The trail can never be edited, so free text the identifier guard refuses is withheld, not copied: the line
    still says that the field changed.
    """
    object_type, object_id, object_repr = describe(obj)
    object_repr, message = withhold_identifiers(object_repr), withhold_identifiers(message)
    before, after = withhold_identifiers(before), withhold_identifiers(after)
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_person else None,
        actor_label=actor.get_username() if is_person else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        message=message,
        before=before,
        after=after,
    )


ADMINISTRATORS_GROUP = "Programme administrators"
# What programme administrators may do in Django's admin (scoped to their own HEI by the admin classes).
ADMINISTRATOR_PERMISSIONS = [
    f"{app}.{action}_{model}"
    for app, models, actions in [
        ("curriculum", ["programme", "cohort", "programmemembership"], ["view", "add", "change"]),
        ("trainees", ["enrolment", "supervisorassignment", "interruption"], ["view", "add", "change"]),
        ("accreditation", ["visit", "visitassignment"], ["view", "add", "change", "delete"]),
        ("accounts", ["user"], ["view", "add", "change"]),
        ("accounts", ["organisation", "organisationmembership", "auditevent"], ["view"]),
        (
            "curriculum",
            ["curriculumedition", "module", "route", "routemodule", "intervention", "competence"],
            ["view"],
        ),
    ]
    for model in models
    for action in actions
]


def administrators_group():
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    if created or not group.permissions.exists():
        wanted = {tuple(p.split(".")) for p in ADMINISTRATOR_PERMISSIONS}
        permissions = [
            perm
            for perm in Permission.objects.select_related("content_type")
            if (perm.content_type.app_label, perm.codename) in wanted
        ]
        group.permissions.set(permissions)
    return group


@transaction.atomic
def grant_organisation_role(
    *, actor, user: User, organisation: Organisation, role: str
) -> OrganisationMembership:
    """Make `user` a programme administrator (or another organisation role) at `organisation`."""
    membership, created = OrganisationMembership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        if role == OrganisationMembership.Role.ADMINISTRATOR:
            user.groups.add(administrators_group())
            if not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
        record_event(actor=actor, action="role.granted", obj=membership, after={"role": role})
    return membership


def remember_login_session(*, user: User, session_key: str | None) -> None:
    if session_key:
        LoginSession.objects.get_or_create(session_key=session_key, defaults={"user": user})


def forget_login_session(*, session_key: str | None) -> None:
    if session_key:
        LoginSession.objects.filter(session_key=session_key).delete()


@transaction.atomic
def deactivate_user(*, actor, user: User) -> User:
    """Stop someone signing in and end every session they have open, on every device."""
    if not user.is_active:
        raise DomainError(f"{user.display_name} is already deactivated.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    keys = list(user.login_sessions.values_list("session_key", flat=True))
    for key in keys:
        SessionStore(session_key=key).delete()
    user.login_sessions.all().delete()
    record_event(
        actor=actor,
        action="user.deactivated",
        obj=user,
        before={"is_active": True},
        after={"is_active": False, "sessions_ended": len(keys)},
    )
    return user


# Two-step verification (TOTP authenticator apps) ---------------------------------------------------------

SESSION_NEEDS_SECOND_FACTOR = "needs_second_factor"
SESSION_MUST_SET_UP_SECOND_FACTOR = "must_set_up_second_factor"
RECOVERY_CODES = 10


def start_totp_setup(*, user: User):
    """An unconfirmed authenticator device for `user` (a fresh secret each time setup starts)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def pending_totp_device(*, user: User):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


@transaction.atomic
def confirm_totp(*, user: User, token: str):
    """Turn two-step verification on once the person proves their app shows the right code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = pending_totp_device(user=user)
    if device is None:
        raise DomainError("Start setting up two-step verification again: the setup has expired.")
    if not device.verify_token(token.strip().replace(" ", "")):
        raise DomainError("The code is not right. Check the time on your phone and enter the newest code.")
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event(actor=user, action="mfa.enabled", obj=user)
    return device


@transaction.atomic
def issue_recovery_codes(*, user: User) -> list[str]:
    """Ten single-use codes for signing in without the phone; any earlier set stops working."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    record_event(actor=user, action="mfa.recovery_codes_issued", obj=user)
    return codes


@transaction.atomic
def disable_totp(*, user: User, token: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise DomainError("Two-step verification is not turned on.")
    from accounts.second_factor import is_required_for

    if is_required_for(user):
        raise DomainError("Your role needs two-step verification, so it stays on.")
    if not device.verify_token(token.strip().replace(" ", "")):
        raise DomainError("The code is not right, so two-step verification is still on.")
    from django_otp.plugins.otp_static.models import StaticDevice

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record_event(actor=user, action="mfa.disabled", obj=user)


# Changes to a record's own fields, for the services behind the admin's forms ----------------------------


def _plain(obj, name: str):
    """A field's value as the audit trail shows it: related rows by name, many-to-many as a sorted list."""
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return sorted(str(related) for related in getattr(obj, name).all()) if obj.pk else []
    value = getattr(obj, name)
    if field.is_relation:
        return None if value is None else str(value)
    return value


SECRET_FIELDS = {"password"}  # a hash is still a secret: the audit trail never holds one


def summarise(obj, names) -> dict:
    """The named fields of `obj`, as the before/after summary of an audit event."""
    return {name: _plain(obj, name) for name in names if name not in SECRET_FIELDS}


@transaction.atomic
def save_record(*, actor, instance, changes: dict, action: str):
    """Create or update `instance` with `changes` (field name -> value) and audit what changed.

    The before summary is read from the database, not from `instance`, which a form may already have
    changed in memory; many-to-many values are set once the row exists. A save that changed nothing is
    still recorded (as Django's own admin history does): someone chose to confirm the record as it stands.
    """
    model = type(instance)
    created = instance.pk is None or not model._default_manager.filter(pk=instance.pk).exists()
    names = list(changes)
    before = None
    if not created:
        stored = model._default_manager.select_for_update().get(pk=instance.pk)
        before = summarise(stored, names)
    many = {}
    for name, value in changes.items():
        if model._meta.get_field(name).many_to_many:
            many[name] = value
        else:
            setattr(instance, name, value)
    instance.save()
    for name, value in many.items():
        getattr(instance, name).set(value)
    after = summarise(instance, names)
    record_event(actor=actor, action=action, obj=instance, before=before, after=after)
    return instance


@transaction.atomic
def delete_record(*, actor, instance, action: str) -> None:
    """Delete `instance`, keeping in the audit trail what it was."""
    fields = [f.name for f in instance._meta.concrete_fields if not f.primary_key]
    record_event(actor=actor, action=action, obj=instance, before=summarise(instance, fields))
    instance.delete()
