"""Readiness pages: "Am I ready?" for a trainee, the cohort readiness table and its export."""

import tempfile

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django_tables2 import RequestConfig

from accounts.services import record_event
from accreditation import selectors
from accreditation.attention import (
    REASONS,
    RULES_IN_WORDS,
    SHEET_HEADERS,
    attention_list,
    attention_sheet_rows,
)
from accreditation.engine import Stage, evaluate
from accreditation.exports import export_filename
from accreditation.forms import AttentionFilterForm, CohortReadinessForm
from accreditation.presenters import evidence_links, short_value
from accreditation.services import export_cohort
from accreditation.tables import CohortReadinessTable
from assessments.selectors import released_only_for
from core.dates import long_date
from core.spreadsheets import XLSX_CONTENT_TYPE, ExportFile, Sheet, download, render_xlsx
from curriculum.selectors import get_cohort_for_user
from trainees.access import enrolment_access_for, staff_access
from trainees.models import Enrolment


def _present(result, facts):
    """The criteria in the order to tackle, each with its short value and evidence links."""
    if result is None:
        return None
    return {
        "result": result,
        "left": [
            {"c": c, "value": short_value(c), "evidence": evidence_links(c, facts)}
            for c in result.in_order_to_tackle()
            if not c.met
        ],
        "met": [
            {"c": c, "value": short_value(c), "evidence": evidence_links(c, facts)}
            for c in result.criteria
            if c.met
        ],
    }


def trainee_readiness(request, pk):
    access = enrolment_access_for(request.user, pk)
    enrolment = access.enrolment
    as_of = timezone.localdate()
    facts, found = selectors.trainee_readiness(enrolment, as_of, released_only=released_only_for(access))
    schemes = [
        {
            "scheme": s.scheme,
            "version": s.version,
            "initial": _present(s.result, facts),
            "renewal": _present(s.renewal, facts),
        }
        for s in found
    ]
    context = {
        "enrolment": enrolment,
        "access": access,
        "as_of": as_of,
        "schemes": schemes,
        "all_schemes": selectors.schemes_with_rules(),
    }
    return render(request, "accreditation/trainee_readiness.html", context)


def trainee_scheme(request, pk, scheme):
    """Check a trainee against any scheme and version, applicable to their route or not."""
    access = enrolment_access_for(request.user, pk)
    enrolment = access.enrolment
    found = selectors.get_scheme(scheme)
    if found is None:
        raise Http404("No such scheme.")
    as_of = timezone.localdate()
    version = selectors.version_for(found, as_of, version=request.GET.get("version") or None)
    if version is None:
        raise Http404("No such version of the scheme.")
    row = selectors.readiness_for([enrolment], version, as_of, released_only=released_only_for(access))[0]
    rules = version.as_rules()
    renewal = None
    if rules.has_stage(Stage.RENEWAL):
        renewal = evaluate(row.facts, rules, as_of=as_of, stage=Stage.RENEWAL)
    context = {
        "enrolment": enrolment,
        "access": access,
        "as_of": as_of,
        "scheme": found,
        "version": version,
        "versions": list(found.versions.all()),
        "initial": _present(row.result, row.facts),
        "renewal": _present(renewal, row.facts),
        "applies": found.applies_to_route(enrolment.route.code),
    }
    return render(request, "accreditation/trainee_scheme.html", context)


def cohort_readiness(request, code):
    cohort = get_cohort_for_user(request.user, code)
    schemes = selectors.schemes_with_rules()
    if not schemes:
        raise Http404("No accreditation schemes are loaded: run manage.py load_reference_data.")
    chosen = next((s for s in schemes if s.code == request.GET.get("scheme")), None) or schemes[0]
    as_of = timezone.localdate()
    version = selectors.version_for(chosen, as_of)
    form = CohortReadinessForm(request.GET or None, schemes=schemes, version=version)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    stage = filters.get("stage") or Stage.INITIAL
    enrolments = Enrolment.objects.for_cohort_table(cohort).exclude(status=Enrolment.Status.WITHDRAWN)
    if chosen.route_codes:
        enrolments = enrolments.filter(route__code__in=chosen.route_codes)
    rows = selectors.readiness_for(enrolments, version, as_of, stage=stage)
    because, ready = filters.get("because"), filters.get("ready")
    if because:
        rows = [r for r in rows if r.result.criterion(because) and not r.result.criterion(because).met]
    if ready:
        rows = [r for r in rows if r.result.ready == (ready == "yes")]
    criteria = list(version.as_rules().criteria_for(stage))
    table = CohortReadinessTable(
        rows, criteria=criteria, caption=f"Readiness for {chosen.name} (version {version.version})"
    )
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    context = {
        "cohort": cohort,
        "form": form,
        "table": table,
        "scheme": chosen,
        "version": version,
        "stage": stage,
        "stage_words": Stage(stage).words,
        "as_of": as_of,
        "ready_count": sum(1 for r in rows if r.result.ready),
        "row_count": len(rows),
    }
    return render(request, "accreditation/cohort_readiness.html", context)


def cohort_export(request, code):
    """The cohort workbook, written to a temporary file (constant memory) and sent as an attachment."""
    cohort = get_cohort_for_user(request.user, code)
    as_of = timezone.localdate()
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - the streamed response closes it when the download ends
    export_cohort(actor=request.user, cohort=cohort, as_of=as_of, target=spool)
    spool.seek(0)
    return download(ExportFile(export_filename(cohort.code, as_of), XLSX_CONTENT_TYPE, spool))


# ---------------------------------------------------------------------------------------------------------
# Who needs attention: across the person's cohorts


def _attention(request):
    staff_access(request.user).require("see_attention_list")
    wanted = {
        "cohort": request.GET.get("cohort", ""),
        "reason": request.GET.get("reason", "") if request.GET.get("reason") in REASONS else "",
    }
    found = attention_list(request.user, on=timezone.localdate(), **wanted)
    form = AttentionFilterForm(request.GET or None, cohorts=found.cohort_choices, reasons=REASONS)
    return form, found


def attention(request):
    form, found = _attention(request)
    context = {
        "form": form,
        "attention": found,
        "query": request.GET.urlencode(),
        "rules_in_words": RULES_IN_WORDS,
    }
    return render(request, "accreditation/attention.html", context)


def attention_export(request):
    form, found = _attention(request)
    today = timezone.localdate()
    export = render_xlsx(
        f"needs-attention-{today:%Y-%m-%d}.xlsx",
        [
            Sheet(
                "Needs attention",
                SHEET_HEADERS,
                attention_sheet_rows(found.rows),
                bold_headers=True,
                freeze_headers=True,
                autofilter=True,
                print_title=f"Trainees who need attention, {long_date(today)}",
            )
        ],
    )
    record_event(
        actor=request.user,
        action="attention.exported",
        message=f"{len(found.rows)} trainees",
        after={"filters": form.filters(), "rows": len(found.rows)},
    )
    return download(export)
