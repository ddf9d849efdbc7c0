from django.shortcuts import render
from django.utils import timezone
from django_tables2 import RequestConfig

from curriculum.selectors import get_cohort_for_user
from trainees.access import enrolment_access_for, staff_access
from trainees.enrolment.cohort_table import CohortTraineesTable
from trainees.enrolment.filters import CohortTraineeFilter
from trainees.enrolment.page import trainee_page_facts
from trainees.enrolment.search import MIN_LENGTH, search_trainees
from trainees.enrolment.selectors import enrolment_changes
from trainees.models import Enrolment


def cohort_detail(request, code):
    cohort = get_cohort_for_user(request.user, code)
    filterset = CohortTraineeFilter(
        request.GET or None, queryset=Enrolment.objects.for_cohort_table(cohort), cohort=cohort
    )
    table = CohortTraineesTable(filterset.qs, caption=f"Trainees in {cohort.name}")
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    context = {
        "cohort": cohort,
        "table": table,
        "filter": filterset,
        # No query: the viewer's role came with the cohort.
        "may_import_registers": staff_access(request.user).can("import_registers", cohort.programme),
    }
    return render(request, "trainees/cohort_detail.html", context)


def trainee_detail(request, pk):
    access = enrolment_access_for(request.user, pk)
    enrolment = access.enrolment
    context = {
        "enrolment": enrolment,
        "access": access,
        # Every trainees area's facts, read once and handed to the section partials.
        "overview": trainee_page_facts(access, today=timezone.localdate()),
        "changes": enrolment_changes(enrolment),
    }
    return render(request, "trainees/trainee_detail.html", context)


def search(request):
    """The header's search: only records the access policy lets this person open can be found."""
    query = request.GET.get("q", "").strip()[:100]
    hits, more = search_trainees(request.user, query, today=timezone.localdate())
    context = {
        "query": query,
        "search_query": query,
        "hits": hits,
        "more": more,
        "too_short": bool(query) and len("".join(query.split())) < MIN_LENGTH,
        "min_length": MIN_LENGTH,
    }
    return render(request, "trainees/enrolment/search.html", context)
