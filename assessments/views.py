"""Thin views: read input, check access, call one service or selector, respond.

Access: objects come through get_<thing>_for_user() (404 for what a person may not see). Someone who may see a
record but not act on it (a trainee posting marks, an educator reopening) gets 403, and the refusal is
audited.
A ConflictError (someone else got there first) is shown as a form error with status 409, never a 500.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django_tables2 import RequestConfig
from django_tables2.data import TableListData

from accounts.services import ConflictError, DomainError, record_event
from assessments import selectors, services
from assessments.audit_lines import audit_lines
from assessments.forms import (
    EvidenceForm,
    GridFilterForm,
    MarkForm,
    MitigationForm,
    ModerateForm,
    ReopenForm,
    SubmitAttemptForm,
)
from assessments.models import Attempt
from assessments.tables import CompetenceGridTable, MarkingQueueTable
from core.spreadsheets import Sheet, download, file_download, render_xlsx
from curriculum.selectors import get_cohort_for_user
from trainees.access import access_to, enrolment_access_for, staff_access


def _refused(form, error: DomainError) -> int:
    form.add_error(None, str(error))
    return 409 if isinstance(error, ConflictError) else 200


# ---------------------------------------------------------------------------------------------------------
# Educators: marking queue and cohort grid
# ---------------------------------------------------------------------------------------------------------


def marking_queue(request):
    staff_access(request.user).require("open_marking_queue")
    # The queue pages in the database: the table reads its length and one page's rows, never the whole queue.
    table = MarkingQueueTable(TableListData(selectors.marking_queue(request.user)))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "assessments/marking_queue.html", {"table": table})


def _grid(request, cohort):
    competences = selectors.grid_competences(cohort)
    form = GridFilterForm(request.GET or None, cohort=cohort, competences=competences)
    competences, rows = selectors.cohort_competence_grid(cohort, competences=competences, **form.filters())
    return form, competences, rows


def cohort_grid(request, code):
    cohort = get_cohort_for_user(request.user, code)
    form, competences, rows = _grid(request, cohort)
    table = CompetenceGridTable(rows, competences=competences, caption=f"Competences in {cohort.name}")
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    context = {"cohort": cohort, "form": form, "table": table, "query": request.GET.urlencode()}
    return render(request, "assessments/cohort_grid.html", context)


def cohort_grid_export(request, code):
    cohort = get_cohort_for_user(request.user, code)
    form, competences, rows = _grid(request, cohort)
    header, sheet_rows = selectors.grid_sheet_rows(competences, rows)
    export = render_xlsx(
        f"competences-{cohort.code}-{timezone.localdate():%Y-%m-%d}.xlsx",
        [Sheet(f"Competences {cohort.code}", header, sheet_rows, print_title=f"Competences: {cohort.name}")],
    )
    record_event(
        actor=request.user,
        action="competences.exported",
        obj=cohort,
        message=f"{len(rows)} trainees",
        after={"filters": {k: str(v) for k, v in form.filters().items()}, "rows": len(rows)},
    )
    return download(export)


# ---------------------------------------------------------------------------------------------------------
# A trainee's competences and attempts
# ---------------------------------------------------------------------------------------------------------


def trainee_competences(request, pk):
    access = enrolment_access_for(request.user, pk)
    enrolment = access.enrolment
    staff = access.can("see_marks")
    today = timezone.localdate()
    attempts = selectors.attempts_for_enrolment(enrolment)
    for attempt in attempts:
        attempt.show_marks = staff or attempt.is_released(today)
    context = {
        "enrolment": enrolment,
        "access": access,
        "statuses": selectors.competence_statuses(enrolment, released_only=not staff),
        "results": selectors.module_assessment_results(enrolment, released_only=not staff),
        "attempts": attempts,
        "staff": staff,
        "trainee_view": not staff,
        "can_submit": access.can("submit_attempt"),
        "can_record_mitigation": access.can("record_mitigation")
        and bool(selectors.exhausted_attempt_scopes(enrolment)),
    }
    return render(request, "assessments/trainee_competences.html", context)


def _available_targets(enrolment, components) -> set[tuple[int, int | None]]:
    """What can be attempted now: not signed or passed, nothing waiting, attempts left (the service checks
    again)."""
    statuses = {s.code: s for s in selectors.competence_statuses(enrolment)}
    results = {r.code: r for r in selectors.module_assessment_results(enrolment)}
    available = set()
    for component in components:
        competences = list(component.competences.all())
        for competence in competences:
            status = statuses.get(competence.code)
            open_to_attempt = status and status.status in ("not_started", "reopened", "failed")
            if open_to_attempt and status.attempts_used < status.attempts_allowed:
                available.add((component.pk, competence.pk))
        if (
            not competences
            and results.get(component.code)
            and results[component.code].outcome
            in (
                "not_started",
                "failed",
            )
        ):
            available.add((component.pk, None))
    return available


def submit_attempt(request, pk):
    access = enrolment_access_for(request.user, pk)
    access.require("submit_attempt")
    enrolment = access.enrolment
    components = selectors.components_for_enrolment(enrolment)
    form = SubmitAttemptForm(
        request.POST or None,
        request.FILES or None,
        components=components,
        available=_available_targets(enrolment, components),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attempt = services.submit_attempt(
                actor=request.user,
                enrolment=enrolment,
                component=data["component"],
                competence=data["competence"],
                method=data["method"],
                submitted_on=data["submitted_on"],
                note=data["note"],
                files=data["files"],
            )
        except DomainError as error:
            status = _refused(form, error)
        else:
            messages.success(request, f"{attempt} is submitted and waiting for marking.")
            return redirect("assessments:attempt", attempt.pk)
    context = {"enrolment": enrolment, "form": form, "access": access}
    return render(request, "assessments/attempt_form.html", context, status=status)


def attempt_detail(request, pk):
    attempt = selectors.get_attempt_for_user(request.user, pk)
    access = access_to(request.user, attempt.enrolment)
    marker = access.can("mark_attempt", attempt)
    detail = selectors.attempt_detail(attempt)
    sign_off = detail["sign_off"]
    context = {
        "attempt": attempt,
        **detail,
        "show_marks": access.can("see_marks") or attempt.is_released(),
        "access": access,
        "can_mark": marker and attempt.status == Attempt.Status.SUBMITTED,
        "can_moderate": marker
        and attempt.status == Attempt.Status.AWAITING_MODERATION
        and attempt.first_marker_id != request.user.pk,
        "can_reopen": access.can("reopen_sign_off") and sign_off is not None and detail["reopening"] is None,
        "can_add_evidence": attempt.status == Attempt.Status.SUBMITTED
        and access.can("add_evidence", attempt),
        "can_read_audit": access.can("read_attempt_audit", attempt),
    }
    return render(request, "assessments/attempt_detail.html", context)


def add_evidence(request, pk):
    attempt = selectors.get_attempt_for_user(request.user, pk)
    access_to(request.user, attempt.enrolment).require("add_evidence", attempt)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_evidence(
                actor=request.user, attempt=attempt, files=form.cleaned_data["files"]
            )
        except DomainError as error:
            status = _refused(form, error)
        else:
            messages.success(request, f"{len(added)} file{'s' if len(added) != 1 else ''} added.")
            return redirect("assessments:attempt", attempt.pk)
    return render(
        request, "assessments/evidence_form.html", {"attempt": attempt, "form": form}, status=status
    )


def evidence_download(request, pk):
    """Evidence only ever leaves through here: access checked, as an attachment, never sniffed, audited."""
    evidence = selectors.get_evidence_for_user(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing from storage.") from error
    record_event(
        actor=request.user,
        action="evidence.downloaded",
        obj=evidence,
        after={"attempt": evidence.attempt_id, "sha256": evidence.sha256},
    )
    return file_download(handle, filename=evidence.original_name, content_type=evidence.content_type)


# ---------------------------------------------------------------------------------------------------------
# Marking, moderation, reopening, mitigating circumstances
# ---------------------------------------------------------------------------------------------------------


def _marker_attempt(request, pk, capability: str) -> Attempt:
    attempt = selectors.get_attempt_for_user(request.user, pk)
    access_to(request.user, attempt.enrolment).require(capability, attempt)
    return attempt


def mark_attempt(request, pk):
    attempt = _marker_attempt(request, pk, "mark_attempt")
    if attempt.status != Attempt.Status.SUBMITTED and request.method != "POST":
        messages.info(request, "This attempt has already been marked.")
        return redirect("assessments:attempt", attempt.pk)
    scheme = attempt.component.marking_scheme
    criteria = list(scheme.criteria.order_by("number")) if scheme else []
    levels = list(scheme.scale.levels.values_list("value", "label")) if scheme else []
    form = MarkForm(request.POST or None, attempt=attempt, criteria=criteria, levels=levels)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attempt = services.mark_attempt(
                actor=request.user,
                attempt=attempt,
                ratings=form.ratings(),
                percentage=data.get("percentage"),
                outcome=data.get("outcome"),
                feedback=data["feedback"],
                release_on=data["release_on"],
            )
        except DomainError as error:
            status = _refused(form, error)
        else:
            if attempt.status == Attempt.Status.AWAITING_MODERATION:
                messages.success(
                    request,
                    f"Marks saved. {attempt.get_moderation_reason_display()}: it now waits for moderation.",
                )
            elif attempt.competence_id and attempt.outcome == Attempt.Outcome.PASSED:
                messages.success(request, f"Marks agreed. {attempt.competence} is signed off.")
            else:
                messages.success(request, "Marks agreed.")
            return redirect("assessments:attempt", attempt.pk)
    context = {"attempt": attempt, "form": form, "scheme": scheme, "levels": levels}
    return render(request, "assessments/mark_form.html", context, status=status)


def moderate_attempt(request, pk):
    attempt = _marker_attempt(request, pk, "moderate_attempt")
    if attempt.status != Attempt.Status.AWAITING_MODERATION and request.method != "POST":
        messages.info(request, "This attempt is not waiting for moderation.")
        return redirect("assessments:attempt", attempt.pk)
    form = ModerateForm(request.POST or None, attempt=attempt)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attempt = services.moderate_attempt(
                actor=request.user,
                attempt=attempt,
                decision=data["decision"],
                note=data["note"],
                outcome=data.get("outcome") or None,
                percentage=data.get("percentage"),
            )
        except DomainError as error:
            status = _refused(form, error)
        else:
            signed = attempt.competence_id and attempt.outcome == Attempt.Outcome.PASSED
            messages.success(
                request,
                f"Moderation recorded: {attempt.get_outcome_display().lower()}."
                + (f" {attempt.competence} is signed off." if signed else ""),
            )
            return redirect("assessments:attempt", attempt.pk)
    detail = selectors.attempt_detail(attempt)
    context = {"attempt": attempt, "form": form, **detail}
    return render(request, "assessments/moderate_form.html", context, status=status)


def reopen_sign_off(request, pk):
    sign_off = selectors.get_sign_off_for_user(request.user, pk)
    access_to(request.user, sign_off.enrolment).require("reopen_sign_off", sign_off)
    form = ReopenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_sign_off(
                actor=request.user, sign_off=sign_off, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            status = _refused(form, error)
        else:
            messages.success(
                request, f"{sign_off.competence} is reopened. The trainee can make a further attempt."
            )
            return redirect("assessments:attempt", sign_off.attempt_id)
    return render(
        request, "assessments/reopen_form.html", {"sign_off": sign_off, "form": form}, status=status
    )


def record_mitigation(request, pk):
    access = enrolment_access_for(request.user, pk)
    access.require("record_mitigation")
    enrolment = access.enrolment
    form = MitigationForm(request.POST or None, scopes=selectors.exhausted_attempt_scopes(enrolment))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_mitigating_circumstances(
                actor=request.user,
                enrolment=enrolment,
                component=data["component"],
                competence=data["competence"],
                reason=data["reason"],
                accepted_on=data["accepted_on"],
            )
        except DomainError as error:
            status = _refused(form, error)
        else:
            messages.success(request, "Mitigating circumstances recorded: one further attempt is allowed.")
            return redirect("assessments:trainee", enrolment.pk)
    context = {"enrolment": enrolment, "form": form}
    return render(request, "assessments/mitigation_form.html", context, status=status)


def attempt_audit(request, pk):
    """An administrator reads the audit trail of an attempt, its evidence, its sign-off and any reopening."""
    attempt = selectors.get_attempt_for_user(request.user, pk)
    access_to(request.user, attempt.enrolment).require("read_attempt_audit", attempt)
    lines = audit_lines(attempt, selectors.audit_trail_for_attempt(attempt).select_related("actor"))
    return render(request, "assessments/audit_trail.html", {"attempt": attempt, "lines": lines})


# ---------------------------------------------------------------------------------------------------------
# A programme's assessment rules (attempts allowed, moderation share)
# ---------------------------------------------------------------------------------------------------------


def programme_settings(request, code):
    """Programme staff see the rules; the administrator or lead changes them (others are refused, audited)."""
    from assessments.forms import AssessmentSettingsForm
    from curriculum.selectors import get_programme_for_user

    programme = get_programme_for_user(request.user, code)  # 404 for people not on the programme
    staff = staff_access(request.user)
    can_change = staff.can("change_assessment_settings", programme)
    if request.method == "POST" and not can_change:
        staff.require("change_assessment_settings", programme)  # refuses and audits
    rules = selectors.assessment_rules(programme)
    form = None
    if can_change:
        initial = (
            {
                "scheme": rules.scheme,
                "attempts_allowed": rules.attempts_allowed,
                "moderation_sample_percent": rules.moderation_sample_percent,
            }
            if rules
            else {}
        )
        form = AssessmentSettingsForm(
            request.POST or None, initial=initial, schemes=selectors.schemes_for_edition(programme.edition_id)
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.configure_programme_assessment(
                    actor=request.user, programme=programme, **form.cleaned_data
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Assessment rules saved.")
                return redirect("assessments:programme_settings", code=programme.code)
    context = {"programme": programme, "rules": rules, "form": form}
    return render(request, "assessments/programme_settings.html", context)
