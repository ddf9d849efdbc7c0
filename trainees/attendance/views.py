"""Pages for training days: the cohort's schedule and registers, imports, and each trainee's attendance."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import refuse
from accounts.services import ConflictError, DomainError, record_event
from core.dates import long_date
from core.spreadsheets import XLSX_CONTENT_TYPE, ExportFile, download
from curriculum.models import RouteModule
from curriculum.selectors import get_cohort_for_user
from trainees.access import enrolment_access_for, staff_access
from trainees.attendance import selectors as selectors
from trainees.attendance import services as services
from trainees.attendance.forms import (
    AddDayForm,
    CancelDayForm,
    CatchUpForm,
    ImportForm,
    InterruptionForm,
    MoveDayForm,
    ProgressDateForm,
    RegisterForm,
    ReviewForm,
    ScheduleForm,
    WorkplaceDayForm,
)
from trainees.attendance.importer import (
    MAX_FILE_BYTES,
    import_attendance,
    import_register_with_profile,
    template_workbook,
)
from trainees.imports.selectors import profiles_for_owner
from trainees.models import CatchUp, WorkplaceDay


def _post_or_none(request):
    return request.POST if request.method == "POST" else None


# ---------------------------------------------------------------------------------------------------------
# Schedule (programme staff: the cohort is only visible to its programme's educators and administrators)


def schedule(request, code):
    cohort = get_cohort_for_user(request.user, code)
    today = timezone.localdate()
    context = {
        "cohort": cohort,
        "overview": selectors.schedule_overview(cohort),
        "pending_catch_ups": selectors.pending_catch_ups(cohort),
        "today": today,
        # No query: the viewer's role came with the cohort.
        "may_import_registers": staff_access(request.user).can("import_registers", cohort.programme),
    }
    return render(request, "trainees/attendance/schedule.html", context)


def schedule_generate(request, code):
    cohort = get_cohort_for_user(request.user, code)
    modules = cohort.programme.edition.modules.order_by("number")
    standard = RouteModule.objects.filter(
        route__edition_id=cohort.programme.edition_id, route__code="standard"
    )
    defaults = {rm.module.number: rm.university_days for rm in standard.select_related("module")}
    form = ScheduleForm(
        _post_or_none(request),
        modules=modules,
        defaults=defaults,
        # The cohort's teaching pattern, when it has one, is where planning starts.
        initial={"start_date": cohort.start_date, "weekdays": cohort.teaching_weekdays or [1]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            days = services.generate_schedule(
                actor=request.user,
                cohort=cohort,
                start_date=form.cleaned_data["start_date"],
                weekdays=form.cleaned_data["weekdays"],
                days_per_module=form.days_per_module(),
                holidays=form.cleaned_data["holidays"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{len(days)} teaching days added, from {long_date(days[0].date)} to "
                f"{long_date(days[-1].date)}.",
            )
            return redirect("trainees:schedule", code=cohort.code)
    return render(request, "trainees/attendance/schedule_generate.html", {"cohort": cohort, "form": form})


def schedule_add_day(request, code):
    cohort = get_cohort_for_user(request.user, code)
    form = AddDayForm(_post_or_none(request), edition_id=cohort.programme.edition_id)
    if request.method == "POST" and form.is_valid():
        try:
            day = services.add_teaching_day(
                actor=request.user,
                cohort=cohort,
                module=form.cleaned_data["module"],
                day=form.cleaned_data["day"],
                topic=form.cleaned_data["topic"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Teaching day added on {long_date(day.date)}.")
            return redirect("trainees:schedule", code=cohort.code)
    return render(request, "trainees/attendance/schedule_add_day.html", {"cohort": cohort, "form": form})


def _day_page(request, cohort, day, move_form, cancel_form, status=200):
    context = {"cohort": cohort, "day": day, "move_form": move_form, "cancel_form": cancel_form}
    return render(request, "trainees/attendance/teaching_day.html", context, status=status)


def teaching_day(request, code, day_pk):
    """Move a teaching day (POST here) or cancel it (POST to teaching_day_cancel)."""
    cohort = get_cohort_for_user(request.user, code)
    day = selectors.get_teaching_day(cohort, day_pk)
    move_form = MoveDayForm(_post_or_none(request), initial={"new_date": day.date})
    if request.method == "POST" and move_form.is_valid():
        try:
            services.move_teaching_day(
                actor=request.user,
                day=day,
                new_date=move_form.cleaned_data["new_date"],
                reason=move_form.cleaned_data["reason"],
            )
        except DomainError as exc:
            move_form.add_error(None, str(exc))
        else:
            messages.success(request, f"The day is moved to {long_date(move_form.cleaned_data['new_date'])}.")
            return redirect("trainees:schedule", code=cohort.code)
    return _day_page(request, cohort, day, move_form, CancelDayForm())


@require_POST
def teaching_day_cancel(request, code, day_pk):
    cohort = get_cohort_for_user(request.user, code)
    day = selectors.get_teaching_day(cohort, day_pk)
    cancel_form = CancelDayForm(request.POST)
    if cancel_form.is_valid():
        try:
            services.cancel_teaching_day(
                actor=request.user, day=day, reason=cancel_form.cleaned_data["cancel_reason"]
            )
        except DomainError as exc:
            cancel_form.add_error(None, str(exc))
        else:
            messages.success(request, f"The teaching day on {long_date(day.date)} is cancelled.")
            return redirect("trainees:schedule", code=cohort.code)
    return _day_page(request, cohort, day, MoveDayForm(initial={"new_date": day.date}), cancel_form)


# ---------------------------------------------------------------------------------------------------------
# Registers


def register(request, code, day_pk):
    cohort = get_cohort_for_user(request.user, code)
    day = selectors.get_teaching_day(cohort, day_pk)
    today = timezone.localdate()
    rows = selectors.register_rows(day)
    taken = any(row.mark for row in rows)
    form = RegisterForm(
        _post_or_none(request),
        rows=rows,
        minutes_recorded=services.minutes_recorded_for(cohort),
        initial={"version": selectors.register_version(day)},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_register(
                actor=request.user,
                day=day,
                marks=form.marks(),
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
            status = 409
        except DomainError as exc:
            form.add_error("reason" if "correcting" in str(exc) else None, str(exc))
        else:
            if saved.corrected:
                text = f"Register corrected: {saved.corrected} changed"
            elif saved.added:
                text = f"Register saved: {saved.added} trainees marked"
            else:
                text = "Nothing changed in the register"
            messages.success(request, f"{text} for {long_date(day.date)}.")
            return redirect("trainees:schedule", code=cohort.code)
    context = {
        "cohort": cohort,
        "day": day,
        "form": form,
        "taken": taken,
        "future": day.date > today or day.is_cancelled,
        "history": selectors.register_history(day),
    }
    return render(request, "trainees/attendance/register.html", context, status=status)


# ---------------------------------------------------------------------------------------------------------
# Import


def attendance_import(request, code):
    cohort = get_cohort_for_user(request.user, code)
    # Bulk register imports (the tracker's workbook, a student-record or Moodle export) are the programme
    # administrators'; educators take registers one by one on the register page.
    staff_access(request.user).require("import_registers", cohort.programme)
    profiles = list(profiles_for_owner(cohort.programme.hei, kind="register"))
    form = ImportForm(
        _post_or_none(request), request.FILES if request.method == "POST" else None, profiles=profiles
    )
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        profile = form.cleaned_data["profile"]
        if upload.size > MAX_FILE_BYTES:
            form.add_error("file", f"The file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        elif profile is not None:
            result = import_register_with_profile(
                actor=request.user,
                cohort=cohort,
                fileobj=upload,
                filename=upload.name,
                profile=profile,
                dry_run=form.cleaned_data["dry_run"],
            )
            for warning in result.warnings[:20]:
                messages.warning(request, warning)
            if result.ok and result.saved:
                messages.success(request, f"{upload.name} imported. {result.summary()}")
                return redirect("trainees:schedule", code=cohort.code)
            if not result.ok:
                form.add_error(
                    "file", f"{upload.name} has problems, so nothing was saved. They are listed below."
                )
        elif not upload.name.lower().endswith(".xlsx"):
            form.add_error("file", "The file must be an Excel workbook (.xlsx).")
        else:
            result = import_attendance(
                actor=request.user,
                cohort=cohort,
                fileobj=upload,
                filename=upload.name,
                dry_run=form.cleaned_data["dry_run"],
            )
            for warning in result.warnings[:20]:
                messages.warning(request, warning)
            if result.ok and result.saved:
                messages.success(request, f"{upload.name} imported. {result.summary()}")
                return redirect("trainees:schedule", code=cohort.code)
            if not result.ok:
                form.add_error(
                    "file", f"{upload.name} has problems, so nothing was saved. They are listed below."
                )
    return render(
        request,
        "trainees/attendance/import.html",
        {"cohort": cohort, "form": form, "result": result, "profiles": profiles},
    )


def attendance_template(request, code):
    cohort = get_cohort_for_user(request.user, code)
    content = template_workbook(cohort)
    record_event(actor=request.user, action="attendance.template_downloaded", obj=cohort)
    return download(ExportFile(f"attendance-{cohort.code}.xlsx", XLSX_CONTENT_TYPE, content))


# ---------------------------------------------------------------------------------------------------------
# One trainee's attendance: the trainee, their current supervisors and programme staff


def trainee_attendance(request, pk):
    access = enrolment_access_for(request.user, pk)
    enrolment = access.enrolment
    today = timezone.localdate()
    date_form = ProgressDateForm(request.GET or None)
    on = date_form.cleaned_data.get("on") if date_form.is_valid() else None
    on = on or today
    context = {
        "enrolment": enrolment,
        "access": access,
        "record": selectors.attendance_record(enrolment, on=on),
        "date_form": date_form,
        "on": on,
        "today": today,
    }
    return render(request, "trainees/attendance/trainee_attendance.html", context)


def workplace_day_new(request, pk):
    access = enrolment_access_for(request.user, pk)
    access.require("log_workplace_days")
    enrolment = access.enrolment
    form = WorkplaceDayForm(_post_or_none(request), enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            day = services.log_workplace_day(
                actor=request.user,
                enrolment=enrolment,
                day=form.cleaned_data["day"],
                module=form.cleaned_data["module"],
                activity=form.cleaned_data["activity"],
                reflection=form.cleaned_data["reflection"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Workplace day on {long_date(day.date)} logged. Your supervisor will confirm it.",
            )
            return redirect("trainees:attendance", pk=enrolment.pk)
    return render(
        request, "trainees/attendance/workplace_day_form.html", {"enrolment": enrolment, "form": form}
    )


def catch_up_new(request, pk):
    access = enrolment_access_for(request.user, pk)
    access.require("record_catch_up")
    enrolment = access.enrolment
    missed = selectors.missed_days(enrolment, on=timezone.localdate())
    form = CatchUpForm(_post_or_none(request), missed=missed)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_catch_up(
                actor=request.user,
                enrolment=enrolment,
                teaching_day=form.cleaned_data["teaching_day"],
                activity=form.cleaned_data["activity"],
                completed_on=form.cleaned_data["completed_on"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Catch-up recorded. It counts once an educator approves it.")
            return redirect("trainees:attendance", pk=enrolment.pk)
    context = {"enrolment": enrolment, "form": form, "has_missed": missed.exists()}
    return render(request, "trainees/attendance/catch_up_form.html", context)


def interruption_new(request, pk):
    access = enrolment_access_for(request.user, pk)
    access.require("record_interruption")
    enrolment = access.enrolment
    form = InterruptionForm(_post_or_none(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_interruption(actor=request.user, enrolment=enrolment, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Interruption recorded. The window's end has moved later to match.")
            return redirect("trainees:attendance", pk=enrolment.pk)
    return render(
        request, "trainees/attendance/interruption_form.html", {"enrolment": enrolment, "form": form}
    )


def _review_page(request, *, obj, enrolment, template, service, yes_label, no_label, done):
    form = ReviewForm(_post_or_none(request), yes_label=yes_label, no_label=no_label)
    status = 200
    if obj.status != "submitted" and request.method == "POST":
        form.is_valid()
        form.add_error(None, "This has already been decided.")
        status = 409
    elif request.method == "POST" and form.is_valid():
        try:
            service(form.cleaned_data["decision"] == "yes", form.cleaned_data["comment"])
        except ConflictError as exc:
            form.add_error(None, str(exc))
            status = 409
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("trainees:attendance", pk=enrolment.pk)
    context = {"enrolment": enrolment, "object": obj, "form": form}
    return render(request, template, context, status=status)


def workplace_day_review(request, pk):
    workplace_day = WorkplaceDay.objects.select_related("module").filter(pk=pk).first()
    if workplace_day is None:
        raise refuse(request.user, "workplace day", pk)
    access = enrolment_access_for(request.user, workplace_day.enrolment_id)
    access.require("confirm_workplace_days")
    enrolment = access.enrolment
    return _review_page(
        request,
        obj=workplace_day,
        enrolment=enrolment,
        template="trainees/attendance/workplace_day_review.html",
        service=lambda confirm, comment: services.review_workplace_day(
            actor=request.user, workplace_day=workplace_day, confirm=confirm, comment=comment
        ),
        yes_label="Confirm: the trainee did this directed learning",
        no_label="Do not confirm",
        done="Workplace day reviewed.",
    )


def catch_up_review(request, pk):
    catch_up = CatchUp.objects.select_related("teaching_day__module", "submitted_by").filter(pk=pk).first()
    if catch_up is None:
        raise refuse(request.user, "catch-up", pk)
    access = enrolment_access_for(request.user, catch_up.enrolment_id)
    access.require("approve_catch_ups")
    enrolment = access.enrolment
    return _review_page(
        request,
        obj=catch_up,
        enrolment=enrolment,
        template="trainees/attendance/catch_up_review.html",
        service=lambda approve, comment: services.decide_catch_up(
            actor=request.user, catch_up=catch_up, approve=approve, comment=comment
        ),
        yes_label="Approve: it makes up the missed day",
        no_label="Do not approve",
        done="Catch-up decided.",
    )
