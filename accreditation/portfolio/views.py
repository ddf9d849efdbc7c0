"""Portfolio pages: the trainee's portfolio and snapshots, visitors' read-only access, administrators'
visit management and packs, and the public verification page. Thin: check access, call one service or
selector, respond."""

import hashlib
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache as shared_cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.shortcuts import render as render_page
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.services import DomainError, record_event
from accreditation.models import PortfolioRender
from accreditation.portfolio import cache, packs, selectors, visits
from accreditation.portfolio.access import portfolio_access_for
from accreditation.portfolio.data import choose_scheme, default_scheme_code, for_display
from accreditation.portfolio.forms import (
    AddPortfoliosForm,
    SampleForm,
    SubmitPortfolioForm,
    VerifyForm,
    VisitForm,
)
from accreditation.portfolio.tasks import submit_portfolio_task
from accreditation.selectors import get_open_visit_for_visitor
from core.spreadsheets import ExportFile, download, file_download
from core.wording import plural
from curriculum.selectors import administered_programmes
from trainees.access import enrolment_access_for, staff_access
from trainees.enrolment.selectors import get_enrolment_for_user
from trainees.models import Enrolment

VERIFY_LIMIT = 20  # checks per address in VERIFY_WINDOW seconds; a person checking a pile of PDFs fits
VERIFY_WINDOW = 600


def _pdf_response(body, filename: str) -> HttpResponse:
    return download(ExportFile(filename, "application/pdf", body))


def _stored_pdf_response(snapshot) -> HttpResponse:
    handle = default_storage.open(snapshot.pdf.name, "rb")
    name = f"portfolio-{snapshot.enrolment.user.username}-{snapshot.verification_code}.pdf"
    return file_download(handle, filename=name, content_type="application/pdf")


# --- The trainee's portfolio -------------------------------------------------------------------------


def _portfolio_page(request, access, form=None, status=200):
    enrolment = access.enrolment
    may_submit = access.can("submit_portfolio")
    if may_submit and form is None:
        form = SubmitPortfolioForm(initial={"scheme": default_scheme_code(enrolment)})
    context = {
        "enrolment": enrolment,
        "snapshots": selectors.snapshots_for_enrolment(enrolment),
        "form": form if may_submit and enrolment.status != Enrolment.Status.WITHDRAWN else None,
        "access": access,
    }
    return render(request, "portfolios/trainee_portfolio.html", context, status=status)


@require_safe
def trainee_portfolio(request, pk):
    return _portfolio_page(request, enrolment_access_for(request.user, pk))


PROGRESS_REFRESH_SECONDS = 3


def _pdf_url(enrolment, scheme_code: str, *, progress: bool = False) -> str:
    query = {"scheme": scheme_code} if scheme_code else {}
    if progress:
        query["progress"] = "1"
    return reverse("portfolios:trainee_pdf", args=[enrolment.pk]) + (f"?{urlencode(query)}" if query else "")


def _progress_page(request, enrolment, render, state: str, scheme_code: str):
    context = {
        "enrolment": enrolment,
        "render": render,
        "state": state,
        "scheme_code": scheme_code,
        "refresh_seconds": PROGRESS_REFRESH_SECONDS,
        "progress_url": _pdf_url(enrolment, scheme_code, progress=True),
        "download_url": _pdf_url(enrolment, scheme_code),
    }
    return render_page(request, "portfolios/render_progress.html", context)


@require_safe
@never_cache
def trainee_portfolio_pdf(request, pk):
    """The portfolio as it stands today, for anyone who may see the trainee's record.

    Served from the render cache when a PDF of the records' current version is there (found in the access
    query that loads the enrolment: one query, then the audit line); otherwise a worker renders it and this
    answers with a page that checks again and offers the file when it is ready. The request itself never
    renders."""
    today = timezone.localdate()
    scheme_code = request.GET.get("scheme") or ""
    if cache.may_be_stored(scheme_code):
        # The access policy's one query also reads the stored render of the records' current version.
        access = enrolment_access_for(
            request.user, pk, attach=cache.READY_RENDER, scheme_code=scheme_code, as_of=today
        )
    else:
        access = enrolment_access_for(request.user, pk)
    enrolment = access.enrolment
    key = cache.live_key(enrolment, scheme_code=scheme_code, as_of=today)
    stored = None if request.GET.get("progress") else cache.ready_file(enrolment, key)
    if stored is not None:
        try:
            handle = default_storage.open(stored, "rb")
        except FileNotFoundError:
            pass  # the full path below marks the render failed and says so
        else:
            # READY_RENDER reads only renders of the enrolment's current records version.
            version = enrolment.records_version
            return _portfolio_download(
                request, enrolment, handle, scheme_code, today, key=key, version=version, hit=True
            )
    render = cache.find_render(key)
    hit = render is not None and render.status == PortfolioRender.Status.READY
    if render is None:  # a render already asked for is not asked for again: the page is polled while it waits
        if scheme_code:
            try:
                choose_scheme(enrolment, scheme_code, today)
            except DomainError as exc:
                messages.error(request, str(exc))
                return redirect("portfolios:trainee", pk=enrolment.pk)
        render = cache.request_render(enrolment, scheme_code=scheme_code, as_of=today)
    state = cache.render_state(render)
    if state != "ready" or request.GET.get("progress"):
        return _progress_page(request, enrolment, render, state, scheme_code)
    try:
        handle = cache.open_render(render)
    except FileNotFoundError:
        PortfolioRender.objects.filter(pk=render.pk).update(
            status=PortfolioRender.Status.FAILED, error="The stored PDF was missing."
        )
        render.refresh_from_db()
        return _progress_page(request, enrolment, render, "failed", scheme_code)
    return _portfolio_download(
        request,
        enrolment,
        handle,
        scheme_code,
        today,
        key=render.key,
        version=render.records_version,
        hit=hit,
    )


def _portfolio_download(
    request, enrolment, handle, scheme_code: str, today, *, key: str, version: int, hit: bool
):
    """A ready render's stored PDF (`key`, of records `version`) as the download, audited."""
    record_event(
        actor=request.user,
        action="portfolio.downloaded",
        obj=enrolment,
        after={
            "scheme": scheme_code or "default",
            "cache": "hit" if hit else "miss",
            "key": key,
            "version": version,
        },
    )
    name = f"portfolio-{enrolment.user.username}-{today:%Y-%m-%d}.pdf"
    return file_download(handle, filename=name, content_type="application/pdf")


@require_POST
def trainee_portfolio_pdf_retry(request, pk):
    """Queue a failed (or stalled) render of the portfolio again, then show its progress."""
    enrolment = get_enrolment_for_user(request.user, pk)
    scheme_code = request.POST.get("scheme") or ""
    cache.request_render(enrolment, scheme_code=scheme_code, as_of=timezone.localdate(), retry=True)
    return redirect(_pdf_url(enrolment, scheme_code, progress=True))


def _after_submission(request, access, result, *, form=None):
    """The finished submission task: the new snapshot, or the portfolio page with the refusal."""
    outcome = result.return_value if result.status == TaskResultStatus.SUCCESSFUL else None
    if outcome and outcome.get("snapshot"):
        messages.success(
            request, f"Your portfolio is submitted and frozen. Its verification code is {outcome['code']}."
        )
        return redirect("portfolios:snapshot", pk=outcome["snapshot"])
    refusal = (outcome or {}).get("error") or "The portfolio could not be submitted. Try again."
    if form is None:  # the progress page: back to the portfolio, saying why
        messages.error(request, refusal)
        return redirect("portfolios:trainee", pk=access.enrolment.pk)
    form.add_error(None, refusal)
    return _portfolio_page(request, access, form=form, status=409)


@require_POST
def submit_portfolio(request, pk):
    """Queue the submission: the worker renders the sealed PDF, so this request never waits for a render.
    When the task has already finished (the immediate backend, or a very quick worker) answer at once."""
    access = enrolment_access_for(request.user, pk)
    access.require("submit_portfolio")
    enrolment = access.enrolment
    form = SubmitPortfolioForm(request.POST)
    if not form.is_valid():
        return _portfolio_page(request, access, form=form, status=400)
    result = submit_portfolio_task.enqueue(request.user.pk, enrolment.pk, form.cleaned_data["scheme"])
    if result.is_finished:
        return _after_submission(request, access, result, form=form)
    return redirect("portfolios:submit_progress", pk=enrolment.pk, task_id=str(result.id))


@require_safe
@never_cache
def submit_progress(request, pk, task_id):
    """Where a queued submission stands; checks again every few seconds, then shows the snapshot."""
    access = enrolment_access_for(request.user, pk)
    access.require("submit_portfolio")
    try:
        result = submit_portfolio_task.get_result(task_id)
    except (TaskResultDoesNotExist, TaskResultMismatch, NotImplementedError, ValueError, ValidationError):
        raise Http404("No such submission.") from None
    if list(result.args[:2]) != [request.user.pk, access.enrolment.pk]:
        raise Http404("No such submission.")
    if result.is_finished:
        return _after_submission(request, access, result)
    since = result.started_at or result.enqueued_at
    if since and since < timezone.now() - timedelta(seconds=settings.PORTFOLIO_RENDER_TIMEOUT_SECONDS):
        # A worker killed mid-task leaves it running for ever: stop waiting and let the trainee submit again.
        messages.error(
            request, "The submission stopped before it finished. Nothing was submitted: try again."
        )
        return redirect("portfolios:trainee", pk=access.enrolment.pk)
    context = {
        "enrolment": access.enrolment,
        "refresh_seconds": PROGRESS_REFRESH_SECONDS,
        "progress_url": reverse("portfolios:submit_progress", args=[pk, task_id]),
    }
    return render(request, "portfolios/submit_progress.html", context)


@require_safe
def snapshot_detail(request, pk):
    snapshot = selectors.get_snapshot_for_user(request.user, pk)
    record_event(actor=request.user, action="portfolio.snapshot_viewed", obj=snapshot)
    return render(
        request,
        "portfolios/snapshot_detail.html",
        {
            "snapshot": snapshot,
            "data": for_display(snapshot.data),
            "download_url": reverse("portfolios:snapshot_pdf", args=[snapshot.pk]),
            "back_url": reverse("portfolios:trainee", args=[snapshot.enrolment_id]),
            "back_label": "Portfolio",
        },
    )


@require_safe
def snapshot_pdf(request, pk):
    snapshot = selectors.get_snapshot_for_user(request.user, pk)
    record_event(actor=request.user, action="portfolio.snapshot_downloaded", obj=snapshot)
    return _stored_pdf_response(snapshot)


# --- Visitors: read-only, only the visit's portfolios, only inside the window --------------------------


@require_safe
def visit_detail(request, pk):
    visit = get_open_visit_for_visitor(request.user, pk)
    context = {
        "visit": visit,
        "portfolios": selectors.visit_portfolios(visit),
        "pack": selectors.latest_ready_pack(visit),
    }
    return render(request, "portfolios/visit_detail.html", context)


@require_safe
def visit_portfolio(request, pk, snapshot_pk):
    visit, snapshot, _access = portfolio_access_for(request.user, pk, snapshot_pk)
    visits.record_visitor_access(
        visitor=request.user, visit=visit, snapshot=snapshot, action="visit.portfolio_viewed"
    )
    return render(
        request,
        "portfolios/snapshot_detail.html",
        {
            "snapshot": snapshot,
            "data": for_display(snapshot.data),
            "visit": visit,
            "download_url": reverse("portfolios:visit_portfolio_pdf", args=[visit.pk, snapshot.pk]),
            "back_url": reverse("portfolios:visit", args=[visit.pk]),
            "back_label": visit.title,
        },
    )


@require_safe
def visit_portfolio_pdf(request, pk, snapshot_pk):
    visit, snapshot, _access = portfolio_access_for(request.user, pk, snapshot_pk)
    visits.record_visitor_access(
        visitor=request.user, visit=visit, snapshot=snapshot, action="visit.portfolio_downloaded"
    )
    return _stored_pdf_response(snapshot)


# --- Administrators: visits, their portfolios and packs --------------------------------------------------


@require_safe
def visit_list(request):
    access = staff_access(request.user)
    if not access.can("arrange_visits") and selectors.is_visitor(request.user):
        # A visitor opening the visits list is sent to their own visits, not refused.
        return redirect(reverse("home") + "#my-visits")
    access.require("arrange_visits")
    visits_ = selectors.visits_for_admin(request.user).order_by("-starts_on", "title")
    return render(request, "portfolios/visit_list.html", {"visits": visits_, "today": timezone.localdate()})


def visit_create(request):
    staff_access(request.user).require("arrange_visits")
    programmes = administered_programmes(request.user)
    form = VisitForm(request.POST if request.method == "POST" else None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = visits.create_visit(
                actor=request.user,
                programme=data["programme"],
                kind=data["kind"],
                title=data["title"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                visitors=data["visitor_usernames"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The visit “{visit.title}” is arranged. Now choose its portfolios.")
            return redirect("portfolios:visit_manage", pk=visit.pk)
    return render(request, "portfolios/visit_form.html", {"form": form}, status=400 if form.errors else 200)


def _manage_page(request, visit, *, add_form=None, sample_form=None, status=200):
    candidates = selectors.candidate_snapshots(visit)
    context = {
        "visit": visit,
        "visitors": list(visit.assignments.select_related("visitor").order_by("visitor__last_name")),
        "portfolios": selectors.visit_portfolios(visit),
        "samples": list(visit.samples.select_related("drawn_by").order_by("drawn_at")),
        "add_form": add_form or (AddPortfoliosForm(candidates=candidates) if candidates else None),
        "sample_form": sample_form or SampleForm(),
        "pack": selectors.latest_pack(visit),
        "access_log": selectors.visit_access_log(visit),
        "today": timezone.localdate(),
    }
    return render(request, "portfolios/visit_manage.html", context, status=status)


@require_safe
def visit_manage(request, pk):
    visit = selectors.get_visit_for_admin(request.user, pk)
    return _manage_page(request, visit)


@require_POST
def visit_add_portfolios(request, pk):
    visit = selectors.get_visit_for_admin(request.user, pk)
    form = AddPortfoliosForm(request.POST, candidates=selectors.candidate_snapshots(visit))
    if not form.is_valid():
        return _manage_page(request, visit, add_form=form, status=400)
    try:
        links = visits.add_snapshots_to_visit(
            actor=request.user, visit=visit, snapshots=list(form.cleaned_data["snapshots"].with_people())
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Added {len(links)} portfolio{'s' if len(links) != 1 else ''} to the visit."
        )
    return redirect("portfolios:visit_manage", pk=visit.pk)


@require_POST
def visit_draw_sample(request, pk):
    visit = selectors.get_visit_for_admin(request.user, pk)
    form = SampleForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, visit, sample_form=form, status=400)
    try:
        sample = visits.draw_visit_sample(
            actor=request.user,
            visit=visit,
            per_cohort=form.cleaned_data["per_cohort"],
            seed=form.cleaned_data["seed"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Drew {plural(len(sample.snapshot_ids), 'portfolio')} ({sample.per_cohort} per cohort) "
            f"with seed {sample.seed}.",
        )
    return redirect("portfolios:visit_manage", pk=visit.pk)


@require_POST
def visit_request_pack(request, pk):
    visit = selectors.get_visit_for_admin(request.user, pk)
    try:
        pack = packs.request_visit_pack(actor=request.user, visit=visit)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("portfolios:visit_manage", pk=visit.pk)
    return redirect("portfolios:visit_pack", pk=visit.pk, pack_pk=pack.pk)


@require_safe
@never_cache
def visit_pack(request, pk, pack_pk):
    """The pack's progress. htmx asks again every two seconds until it is ready or has failed (a pack whose
    worker stopped renewing its lease is failed here, so the page never waits for ever)."""
    visit, pack = selectors.get_pack_for_admin(request.user, pk, pack_pk)
    pack = packs.give_up_if_stalled(visit, pack)
    template = "portfolios/includes/pack_status.html" if request.htmx else "portfolios/visit_pack.html"
    return render(request, template, {"visit": visit, "pack": pack})


@require_safe
def visit_pack_download(request, pk, pack_pk):
    visit, pack = selectors.get_pack_for_admin_or_visitor(request.user, pk, pack_pk)
    if pack.status != pack.Status.READY:
        messages.error(request, "This pack is not ready yet.")
        return redirect("portfolios:visit_pack", pk=visit.pk, pack_pk=pack.pk)
    visits.record_visitor_access(
        visitor=request.user, visit=visit, snapshot=None, action="visit.pack_downloaded"
    )
    handle = default_storage.open(pack.file.name, "rb")
    name = f"visit-{visit.pk}-pack-{pack.pk}.zip"
    return file_download(handle, filename=name, content_type="application/zip")


# --- Verification, for anyone holding a portfolio ------------------------------------------------------


def _over_limit(request) -> bool:
    """Counted in the one cache (a database table or Redis), so every worker process counts together."""
    address = request.META.get("REMOTE_ADDR", "")
    key = "portfolio-verify:" + hashlib.sha256(address.encode()).hexdigest()[:32]
    shared_cache.add(key, 0, VERIFY_WINDOW)
    try:
        return shared_cache.incr(key) > VERIFY_LIMIT
    except ValueError:  # expired between add and incr
        return False


@login_not_required
@never_cache
def verify(request):
    """Does this PDF, or this code, match a submitted portfolio? Answers only whose it is, which programme,
    which scheme and when it was submitted: nothing else about the trainee or their records."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    posted = request.method == "POST"
    form = VerifyForm(request.POST if posted else None, request.FILES if posted else None)
    context = {"form": form, "checked": False}
    status = 200
    if posted:
        if _over_limit(request):
            return render(
                request, "portfolios/verify.html", {"form": VerifyForm(), "limited": True}, status=429
            )
        if form.is_valid():
            snapshot, sha256 = None, None
            code, document = form.cleaned_data["code"], form.cleaned_data["document"]
            if document:
                sha256 = selectors.sha256_of_upload(document)
                snapshot = selectors.find_snapshot_by_sha256(sha256)
                if snapshot and code and snapshot.verification_code != code:
                    snapshot = None
            else:
                snapshot = selectors.find_snapshot_by_code(code)
            record_event(
                actor=request.user if request.user.is_authenticated else None,
                action="portfolio.verified" if snapshot else "portfolio.verification_failed",
                obj=snapshot,
                after={"by": "file" if document else "code", "matched": bool(snapshot)},
            )
            context |= {"checked": True, "snapshot": snapshot, "by_file": bool(document), "sha256": sha256}
        else:
            status = 400
    return render(request, "portfolios/verify.html", context, status=status)
