from django.urls import reverse

from tests.matrix import CAN_SEE_TRAINEE, STAFF_OF_A, Row, allow

ROWS = {
    "trainees:cohort": Row(lambda w: reverse("trainees:cohort", args=[w.cohort.code]), allow(*STAFF_OF_A)),
    "trainees:detail": Row(
        lambda w: reverse("trainees:detail", args=[w.enrolment.pk]), allow(*CAN_SEE_TRAINEE)
    ),
}
