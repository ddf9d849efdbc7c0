from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from tests.factories import EnrolmentFactory
from trainees.models import CpdActivity

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class CpdActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CpdActivity

    enrolment = factory.SubFactory(EnrolmentFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    title = factory.Sequence(lambda n: f"Workshop on low-intensity CBT {n}")
    hours = Decimal("2.5")
    cbt_informed = True
    reflection = "I practised Socratic questions and will use them in reviews."
    recorded_by = factory.LazyAttribute(lambda a: a.enrolment.user)


class ConfirmedCpdActivityFactory(CpdActivityFactory):
    status = CpdActivity.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
    confirmed_by = factory.SubFactory("tests.factories.UserFactory")
