"""Pages for import profiles: the list, one profile, a copy for your organisation, and editing a copy."""

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.services import DomainError
from trainees.access import organisations_administered_by, staff_access
from trainees.imports.forms import CopyProfileForm, EditProfileForm
from trainees.imports.profiles import profile_spec
from trainees.imports.selectors import get_import_profile_for_user, profiles_for_user
from trainees.imports.services import OWNER_KIND, copy_import_profile, update_import_profile


def profile_list(request):
    staff = staff_access(request.user)
    staff.require("manage_import_profiles")
    return render(
        request, "trainees/imports/profile_list.html", {"profiles": list(profiles_for_user(request.user))}
    )


def profile_detail(request, code):
    staff = staff_access(request.user)
    staff.require("manage_import_profiles")
    profile = get_import_profile_for_user(request.user, code)
    spec = profile_spec(profile)
    context = {
        "profile": profile,
        "spec": spec,
        "columns": sorted(spec.columns.items()),
        "values": sorted((k, sorted(v.items())) for k, v in spec.values.items()),
        "skips": sorted((k, sorted(v.items())) for k, v in spec.skip.items()),
        "spec_json": json.dumps(profile.spec, indent=2, ensure_ascii=False),
        "may_edit": staff.can("edit_import_profile", profile),
    }
    return render(request, "trainees/imports/profile_detail.html", context)


@require_http_methods(["GET", "POST"])
def profile_copy(request, code):
    staff = staff_access(request.user)
    staff.require("manage_import_profiles")
    profile = get_import_profile_for_user(request.user, code)
    owners = [o for o in organisations_administered_by(request.user) if o.kind == OWNER_KIND[profile.kind]]
    form = CopyProfileForm(
        request.POST or None, owners=owners, initial={"name": f"{profile.name} (our copy)"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = copy_import_profile(
                actor=request.user,
                profile=profile,
                owner=form.cleaned_data["owner"],
                name=form.cleaned_data["name"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{copy.name}” is a copy for {copy.owner}. Change it below.")
            return redirect("trainees:import_profile_edit", code=copy.code)
    return render(
        request, "trainees/imports/profile_copy.html", {"profile": profile, "form": form, "owners": owners}
    )


@require_http_methods(["GET", "POST"])
def profile_edit(request, code):
    staff = staff_access(request.user)
    staff.require("manage_import_profiles")
    profile = get_import_profile_for_user(request.user, code)
    staff.require("edit_import_profile", profile)
    initial = {
        "name": profile.name,
        "description": profile.description,
        "spec": json.dumps(profile.spec, indent=2, ensure_ascii=False),
    }
    form = EditProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_import_profile(actor=request.user, profile=profile, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{form.cleaned_data['name']}” saved.")
            return redirect("trainees:import_profile", code=profile.code)
    return render(request, "trainees/imports/profile_edit.html", {"profile": profile, "form": form})
