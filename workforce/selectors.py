"""Reads for the workforce area: a person's own history and eligibility, and a service's decisions to make."""

from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from accounts.models import Organisation, User
from trainees.models import Enrolment
from trainees.supervision.selectors import sites_of_service, trainings_of
from workforce import engine
from workforce.models import (
    Application,
    Band,
    Correction,
    DiversityAnswers,
    EligibilityCriterion,
    EligibilityRuleSet,
    Post,
    PostKind,
    PostProposal,
    Practitioner,
    Recruitment,
)


def rule_sets(on: date) -> list[engine.RuleSet]:
    """Every rule set in force on `on`, both readings of a rule side by side (two queries)."""
    rows = (
        EligibilityRuleSet.objects.filter(effective_from__lte=on)
        .exclude(effective_to__lt=on)
        .prefetch_related(
            Prefetch("criteria", queryset=EligibilityCriterion.objects.order_by("order", "code"))
        )
    )
    return [
        engine.RuleSet(
            code=row.code,
            version=row.version,
            purpose=row.purpose,
            name=row.name,
            source=row.source,
            effective_from=row.effective_from,
            effective_to=row.effective_to,
            criteria=tuple(
                engine.CriterionRule(
                    code=c.code,
                    kind=c.kind,
                    description=c.description,
                    target=c.target,
                    parameters=c.parameters,
                    order=c.order,
                )
                for c in row.criteria.all()
            ),
        )
        for row in rows
    ]


def facts_for(user, posts: list[Post]) -> engine.PractitionerFacts:
    trainings = trainings_of(user)
    return engine.PractitionerFacts(
        posts=tuple(
            engine.PostFact(
                id=p.pk,
                kind=p.kind,
                band=p.band,
                wte=float(p.wte),
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                service=p.service.name,
            )
            for p in posts
        ),
        supervisor_training=tuple(
            engine.TrainingFact(
                id=t.pk,
                completed_on=t.completed_on,
                accredited_provider=t.provider_iapt_accredited,
                verified=t.verified_at is not None,
            )
            for t in trainings
        ),
    )


def own_history(user, *, as_of: date) -> dict:
    """Everything the person's own page shows: only ever called with the signed-in user."""
    practitioner = Practitioner.objects.filter(user=user).first()
    posts = list(
        Post.objects.filter(practitioner=practitioner)
        .select_related("service", "site")
        .order_by("starts_on", "id")
        if practitioner
        else []
    )
    facts = facts_for(user, posts)
    results = [engine.evaluate(facts, rules, as_of=as_of) for rules in rule_sets(as_of)]
    corrections = (
        list(Correction.objects.filter(practitioner=practitioner).select_related("post"))
        if practitioner
        else []
    )
    return {
        "practitioner": practitioner,
        "posts": posts,
        "high_intensity": [r for r in results if r.purpose == EligibilityRuleSet.Purpose.HIGH_INTENSITY],
        "band_6": [r for r in results if r.purpose == EligibilityRuleSet.Purpose.BAND_6],
        "corrections": corrections,
        "diversity": own_diversity_answers(user),
        "services": sorted({p.service for p in posts}, key=lambda s: s.name),
    }


def own_diversity_answers(user) -> DiversityAnswers | None:
    """The person's own answers: only ever called with the signed-in user."""
    return DiversityAnswers.objects.filter(user=user).first()


def own_posts(user) -> list[Post]:
    return list(
        Post.objects.filter(practitioner__user=user).select_related("service").order_by("starts_on", "id")
    )


def own_post(user, pk: int) -> Post | None:
    return Post.objects.filter(pk=pk, practitioner__user=user).select_related("service").first()


def proposed_posts(service: Organisation) -> QuerySet[Enrolment]:
    """Completed courses of trainees the service employs with no decision yet on their band 5 post, and no
    qualified post recorded since (someone may have entered it by hand)."""
    qualified_since = Post.objects.filter(
        practitioner__user=OuterRef("user"),
        kind=PostKind.PWP,
        band__gte=Band.BAND_5,
        starts_on__gte=OuterRef("completed_on"),
    )
    return (
        Enrolment.objects.with_people()
        .filter(employing_service=service, status=Enrolment.Status.COMPLETED, completed_on__isnull=False)
        .exclude(Exists(PostProposal.objects.filter(enrolment=OuterRef("pk"))))
        .exclude(Exists(qualified_since))
        .order_by("completed_on", "user__last_name")
    )


def pending_corrections(service: Organisation) -> QuerySet[Correction]:
    return (
        Correction.objects.filter(service=service, status=Correction.Status.PENDING)
        .select_related("practitioner__user", "post")
        .order_by("suggested_at")
    )


def get_proposal_enrolment(service: Organisation, pk: int) -> Enrolment | None:
    return proposed_posts(service).filter(pk=pk).first()


def get_pending_correction(service: Organisation, pk: int) -> Correction | None:
    return pending_corrections(service).filter(pk=pk).first()


def people_of_service(service: Organisation) -> QuerySet[User]:
    """People with a post at the service, or trainees it employs: who a post can be recorded for."""
    return (
        User.objects.filter(
            Q(workforce_record__posts__service=service) | Q(enrolments__employing_service=service)
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def service_posts(service: Organisation) -> list[Post]:
    """The service's posts for its people page: current ones first, each with its person and site."""
    return list(
        Post.objects.filter(service=service)
        .select_related("practitioner__user", "site")
        .order_by(F("ends_on").desc(nulls_first=True), "practitioner__user__last_name", "starts_on")
    )


def get_service_post(service: Organisation, pk: int) -> Post | None:
    return (
        Post.objects.filter(service=service, pk=pk)
        .select_related("practitioner__user", "service", "site")
        .first()
    )


def service_sites(service: Organisation):
    return sites_of_service(service)


def recruitment_rounds(service: Organisation) -> QuerySet[Recruitment]:
    """The service's recruitment rounds, newest first, with how many applications each has."""
    return (
        Recruitment.objects.filter(service=service)
        .select_related("cohort")
        .annotate(application_count=Count("applications"))
        .order_by("-opens_on", "-id")
    )


def get_recruitment(service: Organisation, pk: int) -> Recruitment | None:
    return Recruitment.objects.filter(service=service, pk=pk).select_related("cohort").first()


def applications_of(recruitment: Recruitment) -> QuerySet[Application]:
    """A round's applications by reference: never their equal opportunities answers."""
    return (
        Application.objects.filter(recruitment=recruitment)
        .only("id", "reference", "prior_background", "outcome", "recruitment_id")
        .order_by("reference")
    )


def get_application(service: Organisation, pk: int) -> Application | None:
    return (
        Application.objects.filter(recruitment__service=service, pk=pk)
        .only("id", "reference", "outcome", "recruitment_id")
        .first()
    )
