"""Scope Django admin lists to the HEIs a programme administrator administers (superusers see everything)."""

from accounts.models import OrganisationMembership


class HeiScopedAdminMixin:
    hei_path: str = ""  # the lookup from the model to its HEI, e.g. "cohort__programme__hei"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        heis = OrganisationMembership.objects.filter(
            user=request.user, role=OrganisationMembership.Role.ADMINISTRATOR
        ).values("organisation")
        return queryset.filter(**{f"{self.hei_path}__in": heis})
