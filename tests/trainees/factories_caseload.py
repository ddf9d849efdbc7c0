"""Factories for the caseload: cases and contacts with pseudonymous references."""

from datetime import timedelta

import factory

from curriculum.models import Intervention
from tests import factories as f
from trainees.models import Case, Contact


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    enrolment = factory.SubFactory(f.EnrolmentFactory)
    service = factory.LazyAttribute(lambda c: c.enrolment.employing_service)
    reference = factory.Sequence(lambda n: f"NV-{n:06d}")
    presenting_problem = Case.PresentingProblem.DEPRESSION
    opened_on = factory.LazyAttribute(lambda c: c.enrolment.start_date + timedelta(days=70))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    case = factory.SubFactory(CaseFactory)
    date = factory.LazyAttribute(lambda c: c.case.opened_on)
    type = Contact.Type.ASSESSMENT
    mode = Contact.Mode.TELEPHONE
    minutes = 45


def intervention(code="behavioural-activation") -> Intervention:
    return Intervention.objects.get(code=code)
