"""Pages for an intake from one file: upload and preview, then confirm (two submissions, nothing saved before
the second). The upload is kept under a server-chosen name between the two and read again on confirming, so
what is saved is checked against the database as it is at that moment."""

import uuid

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.services import DomainError, record_event
from core.forms import DeidentifiedForm
from core.spreadsheets import download, render_xlsx
from curriculum.selectors import get_cohort_for_user
from trainees.access import staff_access
from trainees.enrolment import services
from trainees.enrolment.intake import (
    HEADINGS,
    MAX_FILE_BYTES,
    IntakeRefused,
    file_kind,
    run_intake,
    template_sheet,
)
from trainees.models import Enrolment, SupervisorAssignment

SESSION_KEY = "intake_upload"


class IntakeUploadForm(DeidentifiedForm):
    file = forms.FileField(
        label="Intake file (.csv or .xlsx)",
        help_text="One row per trainee, with the headings in the template. Up to 5 MB.",
    )


def _cohort_for_enrolling(request, code):
    cohort = get_cohort_for_user(request.user, code)
    staff_access(request.user).require("enrol_trainees", cohort.programme)
    return cohort


def _forget_upload(request) -> None:
    stored = request.session.pop(SESSION_KEY, None)
    if stored and default_storage.exists(stored["name"]):
        default_storage.delete(stored["name"])


def intake(request, code):
    """Upload a file and see what it would do: people created, matched and refused, by row and column."""
    cohort = _cohort_for_enrolling(request, code)
    form = IntakeUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_FILE_BYTES:
                raise IntakeRefused(f"The file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
            kind = file_kind(upload.name, upload.read(8))
            result = run_intake(
                actor=request.user, cohort=cohort, fileobj=upload, filename=upload.name, save=False
            )
        except IntakeRefused as error:
            form.add_error("file", str(error))
        else:
            _forget_upload(request)
            if result.ok:
                upload.seek(0)
                name = default_storage.save(f"intake/{uuid.uuid4().hex}.{kind}", upload)
                request.session[SESSION_KEY] = {"name": name, "cohort": cohort.code, "filename": upload.name}
            else:
                form.add_error(
                    "file", f"{upload.name} has problems, so nothing can be saved. They are listed below."
                )
    context = {"cohort": cohort, "form": form, "result": result, "headings": HEADINGS}
    return render(request, "trainees/enrolment/intake.html", context)


@require_POST
def intake_confirm(request, code):
    """Save the previewed file, all in one transaction, or nothing if anything has changed since."""
    cohort = _cohort_for_enrolling(request, code)
    stored = request.session.get(SESSION_KEY)
    if not stored or stored["cohort"] != cohort.code or not default_storage.exists(stored["name"]):
        messages.error(request, "Upload the file again: the preview has expired.")
        return redirect("trainees:intake", code=cohort.code)
    with default_storage.open(stored["name"], "rb") as handle:
        try:
            result = run_intake(
                actor=request.user, cohort=cohort, fileobj=handle, filename=stored["filename"], save=True
            )
        except IntakeRefused as error:
            result, refusal = None, str(error)
    _forget_upload(request)
    if result is None or not result.saved:
        problem = refusal if result is None else "; ".join(map(str, result.problems[:5]))
        messages.error(
            request, f"Nothing was saved, because the records changed since the preview: {problem}"
        )
        return redirect("trainees:intake", code=cohort.code)
    messages.success(
        request,
        f"{len(result.rows)} trainees enrolled on {cohort.name}. Everyone new has been sent a link to set a "
        "password.",
    )
    return redirect("trainees:cohort", code=cohort.code)


def intake_template(request, code):
    cohort = _cohort_for_enrolling(request, code)
    record_event(actor=request.user, action="intake.template_downloaded", obj=cohort)
    return download(render_xlsx(f"intake-{cohort.code}.xlsx", [template_sheet()]))


# Supervisors for a whole cohort at once ---------------------------------------------------------------

BULK_KINDS = [SupervisorAssignment.Kind.CASE_MANAGEMENT, SupervisorAssignment.Kind.CLINICAL_SKILLS]


def bulk_supervisors(request, code):
    """One row per trainee with their current supervisors and a choice for each; only changes are saved."""
    cohort = get_cohort_for_user(request.user, code)
    staff_access(request.user).require("assign_supervisors", cohort.programme)
    today = timezone.localdate()
    enrolments = list(
        Enrolment.objects.active()
        .filter(cohort=cohort)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "supervisor_assignments",
                queryset=SupervisorAssignment.objects.current(today).select_related("supervisor"),
                to_attr="current_assignments",
            )
        )
        .order_by("user__last_name", "user__first_name")
    )
    candidates = {
        user.pk: user
        for user in User.objects.filter(
            Q(supervisor_assignments__enrolment__cohort__programme=cohort.programme)
            | Q(programme_memberships__programme=cohort.programme)
        )
        .distinct()
        .order_by("last_name", "first_name")
    }
    rows = []
    for enrolment in enrolments:
        current = {kind: [] for kind in BULK_KINDS}
        for assignment in enrolment.current_assignments:
            if assignment.kind in current:
                current[assignment.kind].append(assignment.supervisor)
        rows.append({"enrolment": enrolment, "current": [(kind, current[kind]) for kind in BULK_KINDS]})
    if request.method == "POST":
        changes = []
        for enrolment in enrolments:
            for kind in BULK_KINDS:
                chosen = request.POST.get(f"sup-{enrolment.pk}-{kind}", "")
                if chosen.isdigit() and int(chosen) in candidates and int(chosen) != enrolment.user_id:
                    changes.append((enrolment, kind, candidates[int(chosen)]))
        try:
            made = services.reassign_supervisors(actor=request.user, changes=changes, on=today)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"{made} supervisor change{'s' if made != 1 else ''} saved, from today."
            )
            return redirect("trainees:bulk_supervisors", code=cohort.code)
    kinds = [(kind, SupervisorAssignment.Kind(kind).label) for kind in BULK_KINDS]
    context = {"cohort": cohort, "rows": rows, "candidates": candidates.values(), "kinds": kinds}
    return render(request, "trainees/enrolment/bulk_supervisors.html", context)
