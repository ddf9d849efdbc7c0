from django.urls import reverse


def navigation(request):
    """Header links. Deliberately query-free: role-specific links live on the home page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [("Home", reverse("home")), ("Careers", reverse("workforce:index"))]
    if user.is_staff:
        items.append(("Administration", reverse("admin:index")))
    current = request.path
    return {
        "nav_items": [
            {
                "label": label,
                "url": url,
                "current": url == current or (url != "/" and current.startswith(url)),
            }
            for label, url in items
        ]
    }
