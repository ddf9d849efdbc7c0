import django_filters
from django.db.models import Q

from trainees.attendance.tables import TrainingDaysFilterMixin
from trainees.models import Enrolment


class CohortTraineeFilter(TrainingDaysFilterMixin, django_filters.FilterSet):
    name = django_filters.CharFilter(method="filter_name", label="Name contains")
    status = django_filters.ChoiceFilter(choices=Enrolment.Status.choices, empty_label="Any status")

    class Meta:
        model = Enrolment
        fields = ["name", "status", "route"]

    def __init__(self, *args, cohort=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["route"].label = "Route"
        self.filters["route"].extra["empty_label"] = "Any route"
        if cohort is not None:
            self.filters["route"].queryset = cohort.programme.edition.routes.all()

    def filter_name(self, queryset, name, value):
        return queryset.filter(
            Q(user__first_name__icontains=value)
            | Q(user__last_name__icontains=value)
            | Q(user__username=value)
        )
