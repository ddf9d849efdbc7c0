"""The notifications page, opening and dismissing items, and e-mail choices (also by a signed link)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from notifications import services
from notifications.forms import FrequencyForm
from notifications.models import EmailPreference, NotificationKind
from notifications.selectors import email_choices, email_frequency, get_own_notification, notifications_for
from notifications.tokens import read_token


def notification_list(request):
    page = Paginator(notifications_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


def notification_open(request, pk):
    """Opening an item counts as acting on it: it is marked read and the person goes to the thing."""
    notification = get_own_notification(request.user, pk)
    services.mark_read(actor=request.user, notification=notification)
    return redirect(notification.url)


@require_POST
def notification_dismiss(request, pk):
    services.mark_read(actor=request.user, notification=get_own_notification(request.user, pk))
    return redirect("notifications:list")


@require_POST
def notification_read_all(request):
    count = services.mark_all_read(actor=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications:list")


def email_settings(request):
    if request.method == "POST":
        # Only what the person changed is saved, so a kind they left alone keeps following its default
        # (which administrators may change later).
        for kind, current in email_choices(request.user):
            value = request.POST.get(f"kind-{kind.pk}")
            if value in EmailPreference.Frequency.values and value != current:
                services.set_email_preference(
                    actor=request.user, user=request.user, kind=kind, frequency=value
                )
        messages.success(request, "Your e-mail choices are saved.")
        return redirect("notifications:email_settings")
    return render(
        request,
        "notifications/email_settings.html",
        {"choices": email_choices(request.user), "frequencies": EmailPreference.Frequency.choices},
    )


@login_not_required
def email_setting_link(request, token):
    """The link in every e-mail: change how one kind reaches you, without signing in."""
    found = read_token(token)
    if found is None:
        raise Http404("This link is not valid or has expired.")
    user = get_object_or_404(get_user_model(), pk=found[0], is_active=True)
    kind = get_object_or_404(NotificationKind, pk=found[1])
    form = FrequencyForm(request.POST or None, initial={"frequency": email_frequency(user, kind)})
    saved = ""
    if request.method == "POST" and form.is_valid():
        services.set_email_preference(
            actor=None, user=user, kind=kind, frequency=form.cleaned_data["frequency"]
        )
        saved = EmailPreference.Frequency(form.cleaned_data["frequency"]).label
    return render(request, "notifications/email_link.html", {"form": form, "kind": kind, "saved": saved})
