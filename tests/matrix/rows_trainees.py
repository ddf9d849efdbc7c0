from django.urls import reverse

from tests.matrix import CAN_SEE_TRAINEE, STAFF_OF_A, Row, allow
from tests.world import PERSONAS

ROWS = {
    "trainees:cohort": Row(lambda w: reverse("trainees:cohort", args=[w.cohort.code]), allow(*STAFF_OF_A)),
    "trainees:detail": Row(
        lambda w: reverse("trainees:detail", args=[w.enrolment.pk]), allow(*CAN_SEE_TRAINEE)
    ),
}

# The header search: anyone signed in; the access policy limits what it finds (tests/trainees/test_search.py).
ROWS["trainees:search"] = Row(
    lambda w: reverse("trainees:search") + "?q=trainee", allow(*[p for p in PERSONAS if p != "anonymous"])
)
