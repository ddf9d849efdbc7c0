"""Who must use two-step verification: one rule, set per role by SECOND_FACTOR_REQUIRED_FOR.

At sign-in (accounts.signals) a person whose role requires it and who has no authenticator yet is sent to set
one up before any other page, the Django admin included (accounts.middleware); once it is set up they cannot
turn it off. Recovery codes (django-otp's static tokens) are issued when the app is confirmed.
"""

from django.conf import settings

ROLES = {
    "administrators": "programme administrators and Django admin staff",
    "programme_staff": "educators and programme leads",
    "visitors": "accreditation visitors",
    "supervisors": "clinical and case-management supervisors",
    "trainees": "trainees",
}


def roles_of(user) -> set[str]:
    from accounts.models import OrganisationMembership
    from curriculum.models import ProgrammeMembership

    roles = set()
    if user.is_staff or user.is_superuser:
        roles.add("administrators")
    if OrganisationMembership.objects.filter(
        user=user, role=OrganisationMembership.Role.ADMINISTRATOR
    ).exists():
        roles.add("administrators")
    if ProgrammeMembership.objects.filter(user=user).exists():
        roles.add("programme_staff")
    if user.visit_assignments.exists():
        roles.add("visitors")
    if user.supervisor_assignments.exists():
        roles.add("supervisors")
    if user.enrolments.exists():
        roles.add("trainees")
    return roles


def is_required_for(user) -> bool:
    required = set(settings.SECOND_FACTOR_REQUIRED_FOR)
    return bool(required) and user.is_authenticated and bool(roles_of(user) & required)
