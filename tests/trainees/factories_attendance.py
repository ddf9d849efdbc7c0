"""Factories and small builders for training days."""

from datetime import timedelta

import factory
from django.utils import timezone

from curriculum.models import Module
from tests import factories as f
from trainees.models import AttendanceMark, CatchUp, TeachingDay, WorkplaceDay


def module(number: int) -> Module:
    return Module.objects.get(edition__is_current=True, number=number)


class TeachingDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingDay

    cohort = factory.SubFactory(f.CohortFactory)
    module = factory.LazyFunction(lambda: module(1))
    date = factory.Sequence(lambda n: timezone.localdate() - timedelta(days=100 - n))


class WorkplaceDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkplaceDay

    enrolment = factory.SubFactory(f.EnrolmentFactory)
    date = factory.LazyAttribute(lambda w: w.enrolment.start_date + timedelta(days=3))
    module = factory.LazyFunction(lambda: module(1))
    activity = "Shadowed telephone assessments"
    reflection = "Learnt how risk questions are asked."


def mark(day, enrolment, status="present", minutes=0, **extra) -> AttendanceMark:
    return AttendanceMark.objects.create(
        teaching_day=day, enrolment=enrolment, status=status, minutes_missed=minutes, **extra
    )


def catch_up(day, enrolment, **extra) -> CatchUp:
    defaults = {
        "activity": "Watched the recorded teaching",
        "completed_on": day.date + timedelta(days=2),
        "submitted_by": enrolment.user,
    }
    return CatchUp.objects.create(teaching_day=day, enrolment=enrolment, **{**defaults, **extra})
