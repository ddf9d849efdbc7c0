"""Fill a database with a national-sized world for `bench_pages`, through the models' bulk paths.

About thirty programmes, cohorts of 10 to 40 trainees, and for every trainee a year of records at most: two
supervisors, registers for the cohort's teaching days, workplace days, weekly case-management and fortnightly
clinical-skills supervision with a case reviewed each time, cases and contacts, and one attempt waiting to be
marked. Everything is written with `bulk_create` (no services, no audit events): this is a benchmark's
background, not people's records, so the demo's personas (`seed_demo`, run first when missing) stay the ones
that sign in, and their cohort of forty is measured against a country's worth of other rows.

Re-runnable: trainees are numbered, and a run adds only those that do not exist yet, so running again with the
same figures changes nothing and a larger `--trainees` tops the fill up.
"""

import random
import time
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Organisation, User
from assessments.models import AssessmentComponent, Attempt
from curriculum.models import (
    Cohort,
    CurriculumEdition,
    Intervention,
    Programme,
    ProgrammeMembership,
    RouteModule,
)
from trainees.models import (
    AttendanceMark,
    Case,
    CaseReview,
    Contact,
    Enrolment,
    SupervisionSession,
    SupervisorAssignment,
    SupervisorProfile,
    SupervisorTraining,
    TeachingDay,
    WorkplaceDay,
)

PROGRAMMES = 30
SERVICES = 60
SUPERVISORS_PER_SERVICE = 5
PREFIX = "nat"
CONTACTS_PER_CASE = 7
BATCH = 2_000
TRAINEES_PER_CHUNK = 50


def cohort_plan(trainees: int) -> list[tuple[str, int, int]]:
    """(cohort code, programme number, size) for every cohort, the same for the same number of trainees."""
    rng = random.Random(20)
    plan, placed, number = [], 0, 0
    while placed < trainees:
        size = min(rng.randint(10, 40), trainees - placed)
        programme = number % PROGRAMMES + 1
        plan.append((f"{PREFIX}-p{programme:02d}-c{number + 1:04d}", programme, size))
        placed += size
        number += 1
    return plan


class Command(BaseCommand):
    help = "Fill the database with a national-sized world (bulk inserts; re-runnable) for bench_pages."

    def add_arguments(self, parser):
        parser.add_argument("--trainees", type=int, default=10_000)
        parser.add_argument("--contacts-per-trainee", type=int, default=700)

    def handle(self, *args, trainees, contacts_per_trainee, **options):
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # a benchmark fill: losing it in a crash costs a re-run only
                cursor.execute("SET synchronous_commit TO OFF")
        if not CurriculumEdition.objects.filter(is_current=True).exists():
            call_command("load_reference_data", verbosity=0)
        if not Cohort.objects.filter(code="nv-cohort-40").exists():
            self.stdout.write("Seeding the demo first (its personas sign in for bench_pages) ...")
            call_command("seed_demo", force=True, verbosity=0)
        self.today = timezone.localdate()
        self.password = make_password("wellbeing-demo-passphrase")
        self.rng = random.Random(2026)
        self.contacts_per_trainee = contacts_per_trainee
        self._reference()
        self._organisations()
        added = {"trainees": 0}
        number = 0
        for code, programme_number, size in cohort_plan(trainees):
            cohort = self._cohort(code, programme_number, number)
            wanted = [f"{PREFIX}.trainee.{number + i + 1:05d}" for i in range(size)]
            number += size
            existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
            missing = [u for u in wanted if u not in existing]
            for start in range(0, len(missing), TRAINEES_PER_CHUNK):
                with transaction.atomic():
                    counts = self._trainees(cohort, missing[start : start + TRAINEES_PER_CHUNK])
                for key, value in counts.items():
                    added[key] = added.get(key, 0) + value
            if missing:
                self.stdout.write(f"  {cohort.code}: {len(missing)} trainees added", ending="\r")
        if connection.vendor == "postgresql":
            # Fresh statistics, so the pages measured next are planned for the rows just added (autovacuum
            # would get there eventually; a benchmark right after the fill would otherwise see stale plans).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        self.stdout.write("")
        self.stdout.write(
            "Added "
            + ", ".join(f"{value:,} {key}" for key, value in added.items())
            + f" in {elapsed:.0f} s. The database now holds {Enrolment.objects.count():,} enrolments in "
            f"{Cohort.objects.count():,} cohorts, {Contact.objects.count():,} contacts, "
            f"{SupervisionSession.objects.count():,} supervision sessions and "
            f"{WorkplaceDay.objects.count():,} workplace days."
        )

    # Reference rows every trainee shares.
    def _reference(self):
        self.edition = CurriculumEdition.objects.get(is_current=True)
        self.route = self.edition.routes.get(code="standard")
        self.route_modules = list(
            RouteModule.objects.filter(route=self.route).select_related("module").order_by("module__number")
        )
        self.interventions = list(Intervention.objects.order_by("order"))
        self.component = (
            AssessmentComponent.objects.filter(scheme__edition=self.edition, competences__isnull=True)
            .order_by("order")
            .first()
        )

    def _organisations(self):
        heis = {
            f"{PREFIX}-hei-{i:02d}": Organisation(
                code=f"{PREFIX}-hei-{i:02d}", name=f"National University {i}", kind=Organisation.Kind.HEI
            )
            for i in range(1, PROGRAMMES + 1)
        }
        services = {
            f"{PREFIX}-svc-{i:02d}": Organisation(
                code=f"{PREFIX}-svc-{i:02d}",
                name=f"National Talking Therapies {i}",
                kind=Organisation.Kind.SERVICE,
            )
            for i in range(1, SERVICES + 1)
        }
        Organisation.objects.bulk_create([*heis.values(), *services.values()], ignore_conflicts=True)
        by_code = Organisation.objects.filter(code__startswith=f"{PREFIX}-").in_bulk(field_name="code")
        self.services = [by_code[code] for code in services]
        self.programmes = {}
        Programme.objects.bulk_create(
            [
                Programme(
                    code=f"{PREFIX}-p{i:02d}",
                    name=f"PGCert Psychological Wellbeing Practice (National {i})",
                    hei=by_code[f"{PREFIX}-hei-{i:02d}"],
                    award=Programme.Award.PGCERT,
                    level=7,
                    edition=self.edition,
                )
                for i in range(1, PROGRAMMES + 1)
            ],
            ignore_conflicts=True,
        )
        for programme in Programme.objects.filter(code__startswith=f"{PREFIX}-p"):
            self.programmes[int(programme.code.rsplit("p", 1)[1])] = programme
        educators = self._users(
            [(f"{PREFIX}.educator.{i:02d}", "Educator", f"National {i}") for i in range(1, PROGRAMMES + 1)]
        )
        ProgrammeMembership.objects.bulk_create(
            [
                ProgrammeMembership(
                    programme=self.programmes[i], user=educators[f"{PREFIX}.educator.{i:02d}"]
                )
                for i in range(1, PROGRAMMES + 1)
            ],
            ignore_conflicts=True,
        )
        self.educators = {i: educators[f"{PREFIX}.educator.{i:02d}"] for i in range(1, PROGRAMMES + 1)}
        names = [
            (f"{PREFIX}.supervisor.{s:02d}.{k}", "Supervisor", f"Service {s} number {k}")
            for s in range(1, SERVICES + 1)
            for k in range(1, SUPERVISORS_PER_SERVICE + 1)
        ]
        supervisors = self._users(names)
        have_profile = set(
            SupervisorProfile.objects.filter(user__in=supervisors.values()).values_list("user_id", flat=True)
        )
        new = [user for user in supervisors.values() if user.pk not in have_profile]
        SupervisorProfile.objects.bulk_create(
            [
                SupervisorProfile(
                    user=user, qualified_as_pwp_on=date(2018, 9, 1), pwp_experience="Senior PWP."
                )
                for user in new
            ]
        )
        verifier = self.educators[1]
        SupervisorTraining.objects.bulk_create(
            [
                SupervisorTraining(
                    supervisor=user,
                    provider="National supervisor training",
                    provider_iapt_accredited=True,
                    completed_on=self.today - timedelta(days=400),
                    recorded_by=verifier,
                    verified_by=verifier,
                    verified_at=timezone.now(),
                )
                for user in new
            ]
        )
        self.supervisors = {
            s: [
                supervisors[f"{PREFIX}.supervisor.{s:02d}.{k}"] for k in range(1, SUPERVISORS_PER_SERVICE + 1)
            ]
            for s in range(1, SERVICES + 1)
        }

    def _users(self, names: list[tuple[str, str, str]]) -> dict[str, User]:
        User.objects.bulk_create(
            [
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.nhs.uk",
                    password=self.password,
                )
                for username, first, last in names
            ],
            ignore_conflicts=True,
        )
        return User.objects.filter(username__in=[n[0] for n in names]).in_bulk(field_name="username")

    def _cohort(self, code: str, programme_number: int, first_trainee: int) -> Cohort:
        cohort = Cohort.objects.filter(code=code).first()
        if cohort is not None:
            return cohort
        # Starts spread from 3 to 15 months ago: most cohorts carry most of a year of records.
        start = self.today - timedelta(days=90 + (first_trainee * 37) % 365)
        start -= timedelta(days=start.weekday())
        cohort = Cohort.objects.create(
            programme=self.programmes[programme_number],
            code=code,
            name=f"National {programme_number} intake {code.rsplit('c', 1)[1]}",
            intake=f"{start:%B %Y}",
            start_date=start,
        )
        cohort.educators.add(self.educators[programme_number])
        days, number = [], 0
        for route_module in self.route_modules:
            for _ in range(route_module.university_days):
                days.append(
                    TeachingDay(
                        cohort=cohort,
                        module=route_module.module,
                        date=start + timedelta(weeks=number, days=1),
                    )
                )
                number += 1
        TeachingDay.objects.bulk_create(days)
        return cohort

    def _trainees(self, cohort: Cohort, usernames: list[str]) -> dict[str, int]:
        rng, today, start = self.rng, self.today, cohort.start_date
        users = self._users([(u, "Trainee", u.rsplit(".", 1)[1]) for u in usernames])
        service_number = int(cohort.code.split("-c")[1]) % SERVICES + 1
        service = self.services[service_number - 1]
        supervisors = self.supervisors[service_number]
        enrolments = Enrolment.objects.bulk_create(
            [
                Enrolment(
                    user=users[u],
                    cohort=cohort,
                    route=self.route,
                    start_date=start,
                    employing_service=service,
                )
                for u in usernames
            ]
        )
        elapsed = min((today - start).days, 365)
        share = elapsed / 365
        assignments, marks, workplace, sessions, cases, attempts = [], [], [], [], [], []
        teaching = list(TeachingDay.objects.filter(cohort=cohort, date__lt=today).order_by("date"))
        modules = [rm.module for rm in self.route_modules for _ in range(rm.workplace_days)]
        educator = self.educators[int(cohort.programme.code.rsplit("p", 1)[1])]
        for index, enrolment in enumerate(enrolments):
            cm, cs = supervisors[index % len(supervisors)], supervisors[(index + 1) % len(supervisors)]
            for kind, supervisor in (
                (SupervisorAssignment.Kind.CASE_MANAGEMENT, cm),
                (SupervisorAssignment.Kind.CLINICAL_SKILLS, cs),
            ):
                assignments.append(
                    SupervisorAssignment(
                        enrolment=enrolment, supervisor=supervisor, kind=kind, starts_on=start
                    )
                )
            for day in teaching:
                absent = rng.random() < 0.04
                marks.append(
                    AttendanceMark(
                        teaching_day=day,
                        enrolment=enrolment,
                        status="unauthorised_absence" if absent else "present",
                        recorded_by=educator,
                    )
                )
            for number in range(round(len(modules) * share)):
                day = start + timedelta(days=3 + round(number * elapsed / len(modules)))
                if day >= today:
                    break
                workplace.append(
                    WorkplaceDay(
                        enrolment=enrolment,
                        date=day,
                        module=modules[number],
                        activity="Shadowed a qualified PWP's assessments",
                        reflection="Noticed how the practitioner kept to time.",
                        status=WorkplaceDay.Status.CONFIRMED,
                        reviewed_by=cm,
                        reviewed_at=timezone.now(),
                    )
                )
            for week in range(elapsed // 7):
                day = start + timedelta(weeks=week, days=2)
                if day >= today:
                    break
                kinds = [(SupervisionSession.Kind.CASE_MANAGEMENT, cm)]
                if week % 2 == 0:
                    kinds.append((SupervisionSession.Kind.CLINICAL_SKILLS, cs))
                for kind, supervisor in kinds:
                    sessions.append(
                        SupervisionSession(
                            enrolment=enrolment,
                            kind=kind,
                            date=day,
                            minutes=60,
                            supervisor=supervisor,
                            status=SupervisionSession.Status.CONFIRMED,
                            logged_by=enrolment.user,
                            confirmed_at=timezone.now(),
                        )
                    )
            case_count = max(round(self.contacts_per_trainee * share / CONTACTS_PER_CASE), 1)
            for number in range(case_count):
                opened = start + timedelta(days=60 + round(number * max(elapsed - 70, 1) / case_count))
                opened = min(opened, today - timedelta(days=1))
                closed = opened + timedelta(weeks=CONTACTS_PER_CASE - 1)
                cases.append(
                    Case(
                        enrolment=enrolment,
                        service=service,
                        reference=f"NAT-{enrolment.pk:06d}-{number:04d}",
                        presenting_problem=("depression", "gad", "mixed")[number % 3],
                        opened_on=opened,
                        closed_on=closed if closed < today else None,
                        status="closed" if closed < today else "open",
                    )
                )
            if self.component is not None:
                attempts.append(
                    Attempt(
                        enrolment=enrolment,
                        component=self.component,
                        number=1,
                        method=(self.component.methods or ["written_submission"])[0],
                        submitted_on=min(start + timedelta(days=120), today),
                        submitted_by=enrolment.user,
                    )
                )
        SupervisorAssignment.objects.bulk_create(assignments, batch_size=BATCH)
        AttendanceMark.objects.bulk_create(marks, batch_size=BATCH)
        WorkplaceDay.objects.bulk_create(workplace, batch_size=BATCH)
        sessions = SupervisionSession.objects.bulk_create(sessions, batch_size=BATCH)
        cases = Case.objects.bulk_create(cases, batch_size=BATCH)
        Attempt.objects.bulk_create(attempts, batch_size=BATCH)
        contacts = []
        for case in cases:
            for visit in range(CONTACTS_PER_CASE):
                day = case.opened_on + timedelta(weeks=visit)
                if day >= today:
                    break
                last = visit == CONTACTS_PER_CASE - 1
                contacts.append(
                    Contact(
                        case=case,
                        date=day,
                        type="assessment" if visit == 0 else ("discharge" if last else "treatment"),
                        mode=("telephone", "video", "face_to_face")[visit % 3],
                        intervention=None
                        if visit == 0
                        else self.interventions[case.pk % len(self.interventions)],
                        minutes=30 if visit else 45,
                        phq9=rng.randint(5, 20),
                        gad7=rng.randint(5, 18),
                        outcome="discharged" if last else "",
                        recorded_by=None,
                    )
                )
        Contact.objects.bulk_create(contacts, batch_size=BATCH)
        by_enrolment: dict[int, list[Case]] = {}
        for case in cases:
            by_enrolment.setdefault(case.enrolment_id, []).append(case)
        reviews = []
        for session in sessions:
            if session.kind != SupervisionSession.Kind.CASE_MANAGEMENT:
                continue
            open_cases = [
                c
                for c in by_enrolment.get(session.enrolment_id, [])
                if c.opened_on <= session.date and (c.closed_on is None or c.closed_on >= session.date)
            ]
            if open_cases:
                reviews.append(CaseReview(session=session, case=open_cases[-1], locked=True))
        CaseReview.objects.bulk_create(reviews, batch_size=BATCH)
        return {
            "trainees": len(enrolments),
            "contacts": len(contacts),
            "supervision sessions": len(sessions),
            "workplace days": len(workplace),
            "register marks": len(marks),
        }
