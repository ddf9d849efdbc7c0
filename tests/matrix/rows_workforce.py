"""Careers and workforce: a person's own history is theirs alone; a service's figures and decisions are for
its administrators (here, `admin`, who administers the HEI whose trainees the service employs).

Objects are made inside each persona's rolled-back transaction, so a POST by one cannot affect the next.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.matrix import PERSONAS, Row, allow
from workforce.models import Application, Correction, Post, Practitioner, Recruitment

SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")


def service(w):
    return w.enrolment.employing_service


def completed_enrolment(w):
    return f.EnrolmentFactory(
        cohort=w.cohort,
        employing_service=service(w),
        status="completed",
        completed_on=timezone.localdate() - timedelta(days=3),
    )


def correction(w):
    practitioner, _ = Practitioner.objects.get_or_create(user=w.user("trainee"))
    return Correction.objects.create(
        practitioner=practitioner, service=service(w), message="My start date is wrong."
    )


def open_post(w):
    practitioner, _ = Practitioner.objects.get_or_create(user=w.user("trainee"))
    return Post.objects.create(
        practitioner=practitioner,
        service=service(w),
        job_title="Trainee PWP",
        band=4,
        starts_on=w.enrolment.start_date,
        recorded_by=w.user("admin"),
    )


def recruitment(w):
    # get_or_create: the browser walk builds every row in one shared world, and two rows need a round.
    return Recruitment.objects.get_or_create(
        service=service(w),
        name="Trainee PWPs for the next intake",
        defaults={
            "posts_offered": 10,
            "opens_on": timezone.localdate() - timedelta(days=60),
            "closes_on": timezone.localdate() - timedelta(days=30),
            "recorded_by": w.user("admin"),
        },
    )[0]


def application(w):
    return Application.objects.get_or_create(
        recruitment=recruitment(w), reference="NHSJ-0001", defaults={"recorded_by": w.user("admin")}
    )[0]


def service_page(name):
    return Row(lambda w: reverse(f"workforce:{name}", args=[service(w).code]), allow("admin"))


ROWS = {
    "workforce:index": Row(lambda w: reverse("workforce:index"), allow(*SIGNED_IN)),
    "workforce:my_history": Row(lambda w: reverse("workforce:my_history"), allow(*SIGNED_IN)),
    "workforce:suggest_correction": Row(lambda w: reverse("workforce:suggest_correction"), allow(*SIGNED_IN)),
    "workforce:my_diversity": Row(lambda w: reverse("workforce:my_diversity"), allow(*SIGNED_IN)),
    **{f"workforce:{name}": service_page(name) for name in ("service", "retention", "turnover", "staffing")},
    "workforce:diversity": service_page("diversity"),
    "workforce:applicants": service_page("applicants"),
    "workforce:recruitment": service_page("recruitment"),
    "workforce:recruitment_new": service_page("recruitment_new"),
    "workforce:recruitment_round": Row(
        lambda w: reverse("workforce:recruitment_round", args=[service(w).code, recruitment(w).pk]),
        allow("admin"),
    ),
    "workforce:application_new": Row(
        lambda w: reverse("workforce:application_new", args=[service(w).code, recruitment(w).pk]),
        allow("admin"),
    ),
    "workforce:application_outcome": Row(
        lambda w: reverse("workforce:application_outcome", args=[service(w).code, application(w).pk]),
        allow("admin", status=302),
        method="post",
        data=lambda w: {"outcome": "not_shortlisted"},
    ),
    "workforce:decisions": service_page("decisions"),
    "workforce:people": service_page("people"),
    "workforce:export": Row(
        lambda w: reverse("workforce:export", args=[service(w).code, "retention"]), allow("admin")
    ),
    "workforce:post_new": service_page("post_new"),
    "workforce:staffing_count": service_page("staffing_count"),
    "workforce:post_end": Row(
        lambda w: reverse("workforce:post_end", args=[service(w).code, open_post(w).pk]), allow("admin")
    ),
    "workforce:proposal_decide": Row(
        lambda w: reverse("workforce:proposal_decide", args=[service(w).code, completed_enrolment(w).pk]),
        allow("admin", status=302),
        method="post",
        data=lambda w: {"decision": "confirm"},
    ),
    "workforce:correction_decide": Row(
        lambda w: reverse("workforce:correction_decide", args=[service(w).code, correction(w).pk]),
        allow("admin", status=302),
        method="post",
        data=lambda w: {"decision": "accept"},
    ),
}
