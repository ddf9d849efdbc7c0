"""Readiness pages and the cohort export."""

from django.urls import reverse

from accreditation.models import Scheme
from accreditation.reference import load_schemes
from tests.matrix import CAN_SEE_TRAINEE, STAFF_OF_A, Row, allow


def with_schemes(url):
    def build(world):
        if not Scheme.objects.exists():
            load_schemes()
        return url(world)

    return build


ROWS = {
    "accreditation:trainee_readiness": Row(
        with_schemes(lambda w: reverse("accreditation:trainee_readiness", args=[w.enrolment.pk])),
        allow(*CAN_SEE_TRAINEE),
    ),
    "accreditation:trainee_scheme": Row(
        with_schemes(
            lambda w: reverse("accreditation:trainee_scheme", args=[w.enrolment.pk, "babcp-pwp-registration"])
        ),
        allow(*CAN_SEE_TRAINEE),
    ),
    "accreditation:cohort_readiness": Row(
        with_schemes(lambda w: reverse("accreditation:cohort_readiness", args=[w.cohort.code])),
        allow(*STAFF_OF_A),
    ),
    "accreditation:cohort_export": Row(
        with_schemes(lambda w: reverse("accreditation:cohort_export", args=[w.cohort.code])),
        allow(*STAFF_OF_A),
    ),
}

# Who needs attention: everyone with a cohort to look after (their own cohorts only); nobody else.
COHORT_STAFF = (*STAFF_OF_A, "other_educator")
ROWS["accreditation:attention"] = Row(
    lambda w: reverse("accreditation:attention"), allow(*COHORT_STAFF, default=403)
)
ROWS["accreditation:attention_export"] = Row(
    lambda w: reverse("accreditation:attention_export"), allow(*COHORT_STAFF, default=403)
)
