from django.urls import reverse

from tests.matrix import PERSONAS, STAFF_OF_A, Row, allow

SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")

ROWS = {
    # Everyone signed in may open the list; it shows only their own programmes.
    "curriculum:programmes": Row(lambda w: reverse("curriculum:programmes"), allow(*SIGNED_IN)),
    "curriculum:programme": Row(
        lambda w: reverse("curriculum:programme", args=[w.programme.code]), allow(*STAFF_OF_A)
    ),
}
