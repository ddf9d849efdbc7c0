from django.shortcuts import render

from curriculum import selectors


def programme_list(request):
    programmes = selectors.programmes_for_user(request.user)
    return render(request, "curriculum/programme_list.html", {"programmes": programmes})


def programme_detail(request, code):
    programme = selectors.get_programme_for_user(request.user, code)
    routes = programme.edition.routes.prefetch_related("route_modules__module")
    context = {
        "programme": programme,
        "cohorts": programme.cohorts.order_by("-start_date"),
        "routes": routes,
        "modules": programme.edition.modules.prefetch_related("competences"),
        "role": selectors.programme_role(request.user, programme),
    }
    return render(request, "curriculum/programme_detail.html", context)
