"""Demo careers: enough post history at Northvale NHS Talking Therapies to make the workforce reports real.

- Two qualified cohorts from earlier years, with leavers and their destinations, and one band 6 promotion;
- posts for today's trainees at their sites, so Northvale East falls below 1 qualified to 2 trainees;
- three people who qualified elsewhere: a group small enough to be suppressed;
- diversity answers for most people (some "prefer not to say", some not answered);
- trainee.done's band 5 post left as a proposal for the administrator to confirm;
- one suggested correction waiting for a decision;
- three recruitment rounds for trainee posts: the last two intakes', with their applications, outcomes and
  equal opportunities answers (most applicants psychology graduates), and one just opened with three
  applications so far, small enough to be suppressed.

Idempotent: nothing is added once the first demo practitioner exists.
"""

from datetime import date, timedelta

from django.db import transaction

from accounts.models import Organisation, User
from curriculum.models import Cohort, Programme
from demo.foundation import person
from trainees.models import Enrolment, ServiceSite
from workforce import services
from workforce.models import Outcome, Practitioner

SERVICE = "northvale-talking-therapies"
# (first, last, background, leaves after months qualified or None, destination, reason)
EARLIER = [
    ("Grace", "Okafor", "psychology", 14, "high_intensity", "career"),
    ("Liam", "Doyle", "support_worker", None, "", ""),
    ("Priya", "Nair", "psychology", 20, "clinical_psychology", "career"),
    ("Daniel", "Hughes", "teacher", None, "", ""),
    ("Chloe", "Evans", "psychology", 9, "other_pwp_service", "relocation"),
    ("Marcus", "Bell", "police", None, "", ""),
    ("Fatima", "Rahman", "health_trainer", 30, "high_intensity", "career"),
    ("Ella", "Turner", "str_worker", None, "", ""),
    ("Joe", "Walsh", "psychology", 16, "left_nhs", "pay"),
    ("Sara", "Ali", "professional", None, "", ""),
    ("Ben", "Harris", "support_worker", None, "", ""),
    ("Ruby", "Clarke", "psychology", 22, "high_intensity", "career"),
]
LATER = [
    ("Adam", "Price", "psychology", 11, "high_intensity", "career"),
    ("Holly", "Baker", "support_worker", None, "", ""),
    ("Omar", "Hassan", "teacher", None, "", ""),
    ("Lucy", "Ward", "psychology", 13, "clinical_psychology", "career"),
    ("Kate", "Morris", "health_trainer", None, "", ""),
    ("Ryan", "Cole", "other", None, "", ""),
    ("Zara", "Khan", "psychology", None, "", ""),
    ("Emma", "Reid", "support_worker", 18, "other_nhs", "workload"),
]
ELSEWHERE = [
    ("Tariq", "Malik", "professional"),
    ("Anna", "Kowalska", "psychology"),
    ("Helen", "Shaw", "other"),
]
EXTRA_TRAINEES = [("Jade", "Foster"), ("Callum", "Reeves"), ("Nadia", "Begum")]
# Applicants' backgrounds and outcomes, cycled: most are psychology graduates, as the guide warns.
APPLICANT_BACKGROUNDS = [
    "psychology",
    "psychology",
    "support_worker",
    "psychology",
    "health_trainer",
    "teacher",
]
APPLICANT_OUTCOMES = (
    ["not_shortlisted"] * 30 + ["withdrawn"] * 6 + ["not_appointed"] * 14 + ["offer_declined"] * 2
) + ["appointed"] * 12
ANSWERS = [
    {"sex": "female", "age_band": "20_29", "ethnic_group": "white_british", "disability": "no", "bsl": "no"},
    {"sex": "male", "age_band": "20_29", "ethnic_group": "white_british", "disability": "no", "bsl": "no"},
    {"sex": "female", "age_band": "30_39", "ethnic_group": "asian_indian", "disability": "no", "bsl": "no"},
    {"sex": "female", "age_band": "20_29", "ethnic_group": "black_african", "disability": "yes", "bsl": "no"},
    {"sex": "prefer_not", "age_band": "prefer_not", "ethnic_group": "prefer_not"},
    {"sex": "female", "age_band": "20_29", "ethnic_group": "white_british", "disability": "no", "bsl": "yes"},
    {},
]


def _months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def _username(first: str, last: str) -> str:
    return f"{first}.{last}".lower()


def _qualified_cohort(programme: Programme, qualified_on: date) -> Cohort:
    start = _months(qualified_on, -12)
    cohort, _ = Cohort.objects.get_or_create(
        code=f"nv-{start:%Y-%m}",
        defaults={
            "programme": programme,
            "name": f"Northvale PWP {start:%B %Y} intake",
            "intake": f"{start:%B %Y}",
            "start_date": start,
        },
    )
    return cohort


@transaction.atomic
def seed(today: date) -> None:
    first = _username(*EARLIER[0][:2])
    if Practitioner.objects.filter(user__username=first).exists():
        return
    admin = User.objects.get(username="admin")
    service = Organisation.objects.get(code=SERVICE)
    sites = {s.name: s for s in ServiceSite.objects.filter(service=service)}
    central, east = sites.get("Northvale Central"), sites.get("Northvale East")
    programme = Programme.objects.get(code="northvale-pwp")
    people = []

    for plan, years_ago in ((EARLIER, 3), (LATER, 2)):
        qualified_on = date(today.year - years_ago, 9, 1)
        cohort = _qualified_cohort(programme, qualified_on)
        for index, (first_name, last, background, leaves_after, destination, reason) in enumerate(plan):
            user = person(_username(first_name, last), first_name, last)
            practitioner = services.practitioner_for(actor=admin, user=user)
            practitioner.qualifying_cohort = cohort
            practitioner.save(update_fields=["qualifying_cohort"])
            services.set_background(
                actor=admin, practitioner=practitioner, prior_background=background, qualified_on=qualified_on
            )
            site = central  # Northvale East's only qualified PWPs are the promoted supervisor and CPD staff
            services.record_post(
                actor=admin,
                practitioner=practitioner,
                service=service,
                site=site,
                job_title="Trainee psychological wellbeing practitioner",
                band=4,
                starts_on=cohort.start_date,
                ends_on=qualified_on - timedelta(days=1),
            )
            ends_on = None
            if leaves_after is not None and _months(qualified_on, leaves_after) <= today:
                ends_on = _months(qualified_on, leaves_after) - timedelta(days=1)
            post = services.record_post(
                actor=admin,
                practitioner=practitioner,
                service=service,
                site=site,
                job_title="Psychological wellbeing practitioner",
                band=5,
                wte="0.8" if index == 3 else "1.00",
                starts_on=qualified_on,
                ends_on=ends_on,
                leaving_reason=reason if ends_on else "",
                destination=destination if ends_on else "",
            )
            if plan is EARLIER and index == 1:
                # The one band 6 promotion: a supervisor post at Northvale East after two years qualified.
                promoted_on = _months(qualified_on, 26)
                services.end_post(actor=admin, post=post, ends_on=promoted_on - timedelta(days=1))
                services.record_post(
                    actor=admin,
                    practitioner=practitioner,
                    service=service,
                    site=east,
                    job_title="Senior psychological wellbeing practitioner",
                    band=6,
                    senior_role="supervisor",
                    starts_on=promoted_on,
                )
            people.append(user)

    # Three people who trained elsewhere joined last year: a group small enough to be suppressed.
    for first_name, last, background in ELSEWHERE:
        user = person(_username(first_name, last), first_name, last)
        practitioner = services.practitioner_for(actor=admin, user=user)
        joined = date(today.year - 1, 3, 1)
        services.set_background(
            actor=admin, practitioner=practitioner, prior_background=background, qualified_on=joined
        )
        services.record_post(
            actor=admin,
            practitioner=practitioner,
            service=service,
            site=central,
            job_title="Psychological wellbeing practitioner",
            band=5,
            starts_on=joined,
        )
        people.append(user)

    # Today's trainees at the service hold band 4 posts at their sites (CPD-route staff are band 5).
    for enrolment in Enrolment.objects.with_people().filter(
        employing_service=service, status=Enrolment.Status.ACTIVE
    ):
        practitioner = services.practitioner_for(actor=admin, user=enrolment.user)
        placement = getattr(enrolment, "site_placement", None)
        services.record_post(
            actor=admin,
            practitioner=practitioner,
            service=service,
            site=placement.site if placement else None,
            job_title="Trainee psychological wellbeing practitioner",
            band=enrolment.band,
            starts_on=enrolment.start_date,
        )
        people.append(enrolment.user)
    # ... and three more trainees at Northvale East (on another provider's programme) tip it below 1 to 2.
    for first_name, last in EXTRA_TRAINEES:
        user = person(_username(first_name, last), first_name, last)
        services.record_post(
            actor=admin,
            practitioner=services.practitioner_for(actor=admin, user=user),
            service=service,
            site=east,
            job_title="Trainee psychological wellbeing practitioner",
            band=4,
            starts_on=_months(today, -4),
        )
        people.append(user)

    # trainee.done qualified: their band 5 post stays a proposal for the administrator to confirm.
    done = Enrolment.objects.filter(user__username="trainee.done").first()
    if done is not None:
        services.record_post(
            actor=admin,
            practitioner=services.practitioner_for(actor=admin, user=done.user),
            service=done.employing_service,
            job_title="Trainee psychological wellbeing practitioner",
            band=4,
            starts_on=done.start_date,
        )

    for index, user in enumerate(people):
        answers = ANSWERS[index % len(ANSWERS)]
        if answers:
            services.save_diversity_answers(user=user, **answers)
    services.record_staffing(
        actor=admin, service=service, counted_on=today - timedelta(days=30), high_intensity_headcount=30
    )
    _recruitment(admin, service, today)
    holly = Practitioner.objects.get(user__username="holly.baker")
    services.suggest_correction(
        user=holly.user,
        service=service,
        post=holly.posts.order_by("starts_on").first(),
        message="My trainee post started a week later than this, on the first teaching day.",
    )


def _recruitment(admin, service, today: date) -> None:
    """The last two intakes' recruitment rounds, every application decided, and a new round barely started."""
    for name, months_ago, outcomes in (
        ("Trainee PWPs for the intake before last", 20, APPLICANT_OUTCOMES[::2] + ["appointed"] * 8),
        ("Trainee PWPs for the last intake", 8, APPLICANT_OUTCOMES),
    ):
        decided = services.open_recruitment(
            actor=admin,
            service=service,
            name=name,
            posts_offered=outcomes.count("appointed"),
            opens_on=_months(today, -months_ago),
            closes_on=_months(today, 1 - months_ago),
        )
        # Received while the advert was open; shortlisting a fortnight after it closed; the rest decided
        # after interviews a month later (so a report of an earlier date shows the round part-way).
        closed = decided.closes_on
        for index, outcome in enumerate(outcomes):
            application = services.record_application(
                actor=admin,
                recruitment=decided,
                reference=f"NHSJ-{months_ago}-{index + 1:03d}",
                prior_background=APPLICANT_BACKGROUNDS[index % len(APPLICANT_BACKGROUNDS)],
                on=closed - timedelta(days=index % 20),
                **ANSWERS[(index * 3 + months_ago) % len(ANSWERS)],
            )
            if outcome in (Outcome.NOT_SHORTLISTED, Outcome.WITHDRAWN):
                services.set_application_outcome(
                    actor=admin, application=application, outcome=outcome, on=closed + timedelta(days=14)
                )
            elif outcome != Outcome.RECEIVED:
                services.set_application_outcome(
                    actor=admin,
                    application=application,
                    outcome=outcome,
                    on=closed + timedelta(days=45),
                )
    new = services.open_recruitment(
        actor=admin,
        service=service,
        name="Trainee PWPs for the next intake",
        posts_offered=10,
        opens_on=today - timedelta(days=7),
        closes_on=today + timedelta(days=21),
    )
    for index in range(3):
        services.record_application(
            actor=admin,
            recruitment=new,
            reference=f"NHSJ-{today.year}-{index + 1:03d}",
            prior_background="psychology",
            **ANSWERS[index],
        )
