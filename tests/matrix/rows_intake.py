"""Rows for starting a programme year: invitations, programme and cohort pages, intake, bulk assignment."""

from django.urls import reverse

from accounts.models import Invitation
from tests.matrix import PERSONAS, Row, allow, expect

SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")


def an_invitation(world) -> int:
    """An open invitation from HEI A (made inside the row's rolled-back transaction)."""
    invitation, _ = Invitation.objects.get_or_create(
        user=world.users["other_trainee"], defaults={"organisation": world.programme.hei}
    )
    return invitation.pk


# Educators and the lead see the cohort but may not enrol (403); everyone else does not see it (404).
ADMIN_ONLY_ON_COHORT = {"educator": 403, "lead": 403}

# People over time: everyone who sees the trainee's record but is not the programme's administrator is
# refused (403); everyone else does not see the record at all (404).
SEES_BUT_MAY_NOT_CHANGE = {"trainee": 403, "supervisor": 403, "educator": 403, "lead": 403}

ROWS = {
    # Programme administrators' pages. Any administrator may set up a programme at their own provider.
    "curriculum:programme_new": Row(lambda w: reverse("curriculum:programme_new"), allow("admin")),
    "curriculum:programme_edit": Row(
        lambda w: reverse("curriculum:programme_edit", args=[w.programme.code]),
        allow("admin") | ADMIN_ONLY_ON_COHORT,
    ),
    "curriculum:programme_people": Row(
        lambda w: reverse("curriculum:programme_people", args=[w.programme.code]),
        allow("admin") | ADMIN_ONLY_ON_COHORT,
    ),
    "curriculum:cohort_new": Row(
        lambda w: reverse("curriculum:cohort_new", args=[w.programme.code]),
        allow("admin") | ADMIN_ONLY_ON_COHORT,
    ),
    "curriculum:cohort_edit": Row(
        lambda w: reverse("curriculum:cohort_edit", args=[w.programme.code, w.cohort.code]),
        allow("admin") | ADMIN_ONLY_ON_COHORT,
    ),
    # Deactivating someone on the programme (here its educator) asks first: the GET is the question.
    "curriculum:person_deactivate": Row(
        lambda w: reverse("curriculum:person_deactivate", args=[w.programme.code, w.user("educator").pk]),
        allow("admin") | ADMIN_ONLY_ON_COHORT,
    ),
    "trainees:intake": Row(
        lambda w: reverse("trainees:intake", args=[w.cohort.code]), allow("admin") | ADMIN_ONLY_ON_COHORT
    ),
    # Without a previewed upload, confirming sends the administrator back to upload again.
    "trainees:intake_confirm": Row(
        lambda w: reverse("trainees:intake_confirm", args=[w.cohort.code]),
        allow("admin", status=302) | ADMIN_ONLY_ON_COHORT,
        method="post",
    ),
    # Without a choice, saving changes nothing and returns to the page.
    "trainees:bulk_supervisors": Row(
        lambda w: reverse("trainees:bulk_supervisors", args=[w.cohort.code]),
        allow("admin") | ADMIN_ONLY_ON_COHORT,
    ),
    "trainees:intake_template": Row(
        lambda w: reverse("trainees:intake_template", args=[w.cohort.code]),
        allow("admin") | ADMIN_ONLY_ON_COHORT,
    ),
    "accounts:invitations": Row(lambda w: reverse("accounts:invitations"), allow("admin")),
    "accounts:invitation_resend": Row(
        lambda w: reverse("accounts:invitation_resend", args=[an_invitation(w)]),
        allow("admin", status=302),
        method="post",
    ),
    # Cancelling asks first: the GET is the question (the POST: tests/accounts/test_invitations.py).
    "accounts:invitation_cancel": Row(
        lambda w: reverse("accounts:invitation_cancel", args=[an_invitation(w)]), allow("admin")
    ),
    # The link itself is the credential: anyone may open it; a wrong token shows "this link no longer works".
    "accounts:invitation_accept": Row(
        lambda w: reverse("accounts:invitation_accept", args=["MQ", "not-a-token"]),
        expect(default=200, anonymous=200),
    ),
    "accounts:invitation_done": Row(
        lambda w: reverse("accounts:invitation_done"), expect(default=200, anonymous=200)
    ),
    "trainees:withdraw": Row(
        lambda w: reverse("trainees:withdraw", args=[w.enrolment.pk]),
        allow("admin") | SEES_BUT_MAY_NOT_CHANGE,
    ),
    "trainees:transfer": Row(
        lambda w: reverse("trainees:transfer", args=[w.enrolment.pk]),
        allow("admin") | SEES_BUT_MAY_NOT_CHANGE,
    ),
    "trainees:change_route": Row(
        lambda w: reverse("trainees:change_route", args=[w.enrolment.pk]),
        allow("admin") | SEES_BUT_MAY_NOT_CHANGE,
    ),
}
