"""The access policy: what each person is to a trainee, and what that lets them do."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.utils import timezone

from accounts.models import AuditEvent
from accreditation.portfolio.access import portfolio_access_for
from tests import factories as f
from tests.accreditation.factories_portfolios import SnapshotFactory, VisitPortfolioFactory
from tests.trainees.factories_supervision import SessionFactory
from trainees.access import access_to, enrolment_access_for, staff_access
from trainees.models import Enrolment, SupervisorAssignment

pytestmark = pytest.mark.django_db
Kind = SupervisorAssignment.Kind


def _access(world, persona):
    return enrolment_access_for(world.user(persona), world.enrolment.pk)


def _supervisor_of(world, kind, **dates):
    person = f.UserFactory()
    f.SupervisorAssignmentFactory(enrolment=world.enrolment, supervisor=person, kind=kind, **dates)
    return person


def test_the_trainee_is_own_and_nothing_else(world):
    access = _access(world, "trainee")
    assert access.own
    assert not (access.supervisor_kinds or access.educator or access.lead or access.administrator)
    assert not access.visitor


def test_a_supervisor_holds_each_kind_they_are_assigned(world):
    access = _access(world, "supervisor")
    assert access.supervisor_kinds == {Kind.CASE_MANAGEMENT, Kind.CLINICAL_SKILLS}
    assert access.is_supervisor and not access.own and not access.is_staff_for_trainee


def test_a_line_manager_supervises_in_a_capacity_but_is_not_a_supervisor_for_sessions(world):
    access = enrolment_access_for(_supervisor_of(world, Kind.LINE_MANAGER), world.enrolment.pk)
    assert access.supervisor_kinds == {Kind.LINE_MANAGER}
    assert access.supervises_in_any_capacity and not access.is_supervisor


def test_a_supervisor_whose_assignment_ended_is_refused_the_record(world):
    yesterday = timezone.localdate() - timedelta(days=1)
    person = _supervisor_of(
        world, Kind.CLINICAL_SKILLS, starts_on=yesterday - timedelta(days=90), ends_on=yesterday
    )
    with pytest.raises(Http404):
        enrolment_access_for(person, world.enrolment.pk)
    assert not access_to(person, world.enrolment).supervisor_kinds


def test_staff_relations(world):
    educator, lead, admin = (_access(world, p) for p in ("educator", "lead", "admin"))
    assert (educator.educator, educator.lead, educator.programme_role) == (True, False, "educator")
    assert (lead.educator, lead.lead, lead.programme_role) == (True, True, "programme_lead")
    assert (admin.administrator, admin.educator, admin.programme_role) == (True, False, "administrator")
    assert all(a.is_staff_for_trainee for a in (educator, lead, admin))


@pytest.mark.parametrize("persona", ["other_trainee", "other_supervisor", "other_educator", "visitor"])
def test_an_outsider_gets_the_audited_404(world, persona):
    with pytest.raises(Http404):
        _access(world, persona)
    assert AuditEvent.objects.filter(action="access.refused", actor=world.user(persona)).exists()


def test_an_outsider_loaded_directly_has_no_relation(world):
    access = access_to(world.user("other_educator"), world.enrolment)
    assert not access.sees_record and not access.can("view_record")


# Who may do what, one row per capability: personas allowed (the others are refused).
CAPABILITIES = {
    "view_record": {"trainee", "supervisor", "line_manager", "educator", "lead", "admin"},
    "log_supervision": {"trainee"},
    "reopen_supervision": {"educator", "lead", "admin"},
    "record_leave": {"supervisor", "educator", "lead", "admin"},
    "write_report": {"supervisor"},
    "manage_assignments": {"educator", "lead", "admin"},
    "record_placement": {"educator", "lead", "admin"},
    "log_workplace_days": {"trainee"},
    "confirm_workplace_days": {"supervisor", "line_manager"},
    "record_catch_up": {"trainee", "educator", "lead", "admin"},
    "approve_catch_ups": {"educator", "lead", "admin"},
    "record_interruption": {"educator", "lead", "admin"},
    "record_caseload": {"trainee"},
    "add_cpd": {"trainee"},
    "edit_cpd": {"trainee"},
    "confirm_cpd": {"supervisor", "line_manager"},
    "reopen_cpd": {"lead", "admin"},
    "submit_portfolio": {"trainee"},
    "submit_attempt": {"trainee", "educator", "lead", "admin"},
    "mark_attempt": {"educator", "lead"},
    "moderate_attempt": {"educator", "lead"},
    "reopen_sign_off": {"lead"},
    "record_mitigation": {"admin"},
    "read_attempt_audit": {"admin"},
    "see_marks": {"educator", "lead", "admin"},
}
PEOPLE = ("trainee", "supervisor", "line_manager", "educator", "lead", "admin")


@pytest.mark.parametrize("capability", sorted(CAPABILITIES))
def test_capability_table(world, capability):
    people = {p: world.user(p) for p in PEOPLE if p != "line_manager"}
    people["line_manager"] = _supervisor_of(world, Kind.LINE_MANAGER)
    allowed = {p for p, user in people.items() if access_to(user, world.enrolment).can(capability)}
    assert allowed == CAPABILITIES[capability]


def test_session_capabilities_follow_the_session(world):
    session = SessionFactory(enrolment=world.enrolment, supervisor=world.user("supervisor"))
    assert access_to(world.user("supervisor"), world.enrolment).can("confirm_supervision_session", session)
    assert not access_to(world.user("educator"), world.enrolment).can("confirm_supervision_session", session)
    assert access_to(world.user("trainee"), world.enrolment).can("edit_supervision", session)


def test_a_withdrawn_trainee_cannot_submit_an_attempt(world):
    Enrolment.objects.filter(pk=world.enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    assert not _access(world, "trainee").can("submit_attempt")


def test_a_refusal_is_a_403_with_the_plain_message_and_is_audited(world):
    access = _access(world, "educator")
    with pytest.raises(PermissionDenied, match="Only the trainee logs their own workplace days."):
        access.require("log_workplace_days")
    event = AuditEvent.objects.get(action="access.forbidden", actor=world.user("educator"))
    assert event.message == f"log_workplace_days trainee record {world.enrolment.pk}"


def test_templates_ask_through_may(world):
    may = _access(world, "supervisor").may
    assert may["confirm_workplace_days"] and not may["log_workplace_days"]
    with pytest.raises(KeyError):
        may["no_such_capability"]


def test_enrolment_access_for_costs_one_query_whoever_asks(world, django_assert_num_queries):
    for persona in ("trainee", "supervisor", "admin"):
        user = world.user(persona)
        with django_assert_num_queries(1):
            enrolment_access_for(user, world.enrolment.pk)


def test_access_to_a_loaded_record_costs_one_query(world, django_assert_num_queries):
    enrolment = Enrolment.objects.with_people().get(pk=world.enrolment.pk)
    with django_assert_num_queries(1):
        access_to(world.user("lead"), enrolment)


def test_a_visitor_reads_a_snapshot_in_their_open_visit(world):
    snapshot = SnapshotFactory(enrolment=world.enrolment)
    VisitPortfolioFactory(visit=world.visit, snapshot=snapshot)
    _visit, _snapshot, access = portfolio_access_for(world.user("visitor"), world.visit.pk, snapshot.pk)
    assert access.visitor and access.can("view_portfolio_snapshot")
    assert not access.can("view_record") and not access.can("submit_portfolio")


def test_staff_rules_not_about_one_trainee(world):
    assert staff_access(world.user("educator")).can("open_marking_queue")
    assert not staff_access(world.user("trainee")).can("open_marking_queue")
    assert staff_access(world.user("admin")).can("arrange_visits")
    assert not staff_access(world.user("lead")).can("arrange_visits")
    assert staff_access(world.user("lead")).can("change_caseload_settings", world.programme)
    assert not staff_access(world.user("educator")).can("change_caseload_settings", world.programme)
    with pytest.raises(PermissionDenied, match="Only programme administrators arrange accreditation visits."):
        staff_access(world.user("educator")).require("arrange_visits")


def _loaded(enrolment):
    """What a loaded record carries: its fields, its select_related rows and the relation annotations."""

    def fields(obj):
        return None if obj is None else {k: v for k, v in vars(obj).items() if not k.startswith("_")}

    if enrolment is None:
        return None
    related = ("user", "cohort", "route", "employing_service")
    return (
        fields(enrolment),
        {name: fields(getattr(enrolment, name)) for name in related},
        fields(enrolment.cohort.programme),
        fields(enrolment.route.edition) if enrolment.route else None,
    )


def test_the_compiled_access_query_decides_as_the_orm_does_for_every_persona(
    world, django_assert_num_queries
):
    """`enrolment_access_for` runs SQL compiled once per process; the ORM-built query is the reference."""
    from django.contrib.auth.models import AnonymousUser

    from tests.world import PERSONAS
    from trainees.access import _compiled, _load_fast, _load_with_orm

    line_manager = _supervisor_of(world, Kind.LINE_MANAGER)
    ended = _supervisor_of(
        world,
        Kind.CASE_MANAGEMENT,
        starts_on=timezone.localdate() - timedelta(days=60),
        ends_on=timezone.localdate() - timedelta(days=1),
    )
    elsewhere = f.EnrolmentFactory(cohort=world.other_cohort)
    people = [world.user(p) or AnonymousUser() for p in PERSONAS] + [line_manager, ended]
    days = (None, timezone.localdate() - timedelta(days=30))
    for user in people:
        for enrolment in (world.enrolment, world.other_enrolment, elsewhere):
            for on in days:
                if user.is_authenticated:
                    with django_assert_num_queries(1):  # the related rows come in the one query
                        fast = _load_fast(user, enrolment.pk, on)
                        loaded = _loaded(fast)
                    orm = _load_with_orm(user, enrolment.pk, on)
                    assert loaded == _loaded(orm), (user, enrolment, on)
                    assert (fast is None) == (orm is None)
                try:
                    relations = enrolment_access_for(user, enrolment.pk, on=on)
                except Http404:
                    assert not user.is_authenticated or _load_with_orm(user, enrolment.pk, on) is None
                    continue
                orm = _load_with_orm(user, enrolment.pk, on)
                expected = access_to(user, orm, on=on)
                assert (relations.own, relations.supervisor_kinds, relations.educator) == (
                    expected.own,
                    expected.supervisor_kinds,
                    expected.educator,
                ), (user, enrolment, on)
                assert (relations.lead, relations.administrator) == (expected.lead, expected.administrator)
    assert _load_fast(world.user("trainee"), 2_000_000_000, None) is None
    assert _compiled and None not in _compiled.values()  # the compiled path ran, not the fallback


def test_what_a_caller_attaches_to_the_access_query_is_read_as_the_orm_reads_it_and_decides_nothing(
    world, django_assert_num_queries
):
    """The portfolio download reads its stored render in the access query (`cache.READY_RENDER`): compiled
    once like the rest, the same rows as the ORM's query, for the values each request gives, and the same
    people see the record as without it."""
    from django.contrib.auth.models import AnonymousUser

    from accreditation.models import PortfolioRender
    from accreditation.portfolio.cache import READY_RENDER
    from tests.world import PERSONAS
    from trainees.access import _compiled, _load_fast, _load_with_orm

    today = timezone.localdate()
    version = world.enrolment.records_version
    ready = PortfolioRender.Status.READY
    for key, scheme, as_of, records, status in [
        ("a" * 64, "", today, version, ready),  # the one to find for ("", today)
        ("b" * 64, "other", today, version, ready),
        ("c" * 64, "", today - timedelta(days=1), version, ready),
        ("d" * 64, "", today, version + 1, ready),  # another version of the records
        ("e" * 64, "other", today, version, PortfolioRender.Status.QUEUED),
    ]:
        PortfolioRender.objects.create(
            key=key,
            enrolment=world.enrolment,
            records_version=records,
            scheme_code=scheme,
            as_of=as_of,
            status=status,
            file=f"portfolios/cache/{key}.pdf" if status == ready else "",
        )
    asked = [
        ({"scheme_code": "", "as_of": today}, "a" * 64),
        ({"scheme_code": "other", "as_of": today}, "b" * 64),
        ({"scheme_code": "", "as_of": today - timedelta(days=1)}, "c" * 64),
        ({"scheme_code": "nothing", "as_of": today}, None),
    ]
    people = [world.user(p) or AnonymousUser() for p in PERSONAS]
    for user in people:
        if not user.is_authenticated:
            continue
        for enrolment in (world.enrolment, world.other_enrolment):
            plain = _load_fast(user, enrolment.pk, None)
            for values, expected in asked:
                with django_assert_num_queries(1):
                    fast = _load_fast(user, enrolment.pk, None, READY_RENDER, values)
                orm = _load_with_orm(user, enrolment.pk, None, READY_RENDER, values)
                assert _loaded(fast) == _loaded(orm), (user, enrolment, values)
                assert (fast is None) == (plain is None), (user, enrolment, values)
                if fast is not None:
                    found = expected if enrolment == world.enrolment else None
                    assert fast.ready_render_key == found, (user, enrolment, values)
                    assert fast.ready_render_file == (found and f"portfolios/cache/{found}.pdf")
    assert _compiled[("default", connection.vendor, READY_RENDER.name)] is not None  # not the fallback
    with pytest.raises(TypeError):
        enrolment_access_for(world.user("trainee"), world.enrolment.pk, attach=READY_RENDER, as_of=today)
    clashing = READY_RENDER._replace(name="clashing", sentinels={**READY_RENDER.sentinels, "on": today})
    with pytest.raises(ValueError):
        _load_fast(world.user("trainee"), world.enrolment.pk, None, clashing, clashing.sentinels)


def test_the_compiled_access_query_asks_about_the_day_it_runs_not_the_day_it_was_compiled(world, monkeypatch):
    """The template is compiled once per process: the day the record is visible on must be a parameter."""
    from trainees.access import _compiled

    tomorrow = timezone.localdate() + timedelta(days=1)
    person = _supervisor_of(world, Kind.CASE_MANAGEMENT, ends_on=timezone.localdate())
    _compiled.clear()
    assert enrolment_access_for(person, world.enrolment.pk).supervisor_kinds == {Kind.CASE_MANAGEMENT}
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    with pytest.raises(Http404):
        enrolment_access_for(person, world.enrolment.pk)
    assert None not in _compiled.values()


@pytest.mark.skipif(
    connection.vendor != "postgresql"
    or connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is None,
    reason="prepared statements are PostgreSQL's, and DATABASE_PREPARE=0 turns them off",
)
def test_on_postgresql_the_access_query_is_prepared_once_a_connection_and_still_counted(
    world, django_assert_num_queries
):
    """Planning the access query's dozen subqueries cost most of its time; the server keeps its plan. The
    query goes through Django's own cursor, so DATABASE_PREPARE governs it like every other."""
    trainee, educator = world.user("trainee"), world.user("educator")

    def generic_plans() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement, generic_plans FROM pg_prepared_statements")
            return sum(n for statement, n in cursor.fetchall() if 'FROM "trainees_enrolment"' in statement)

    before = generic_plans()
    # psycopg prepares a statement on its second run; PostgreSQL plans the first five runs of a prepared
    # statement with their values, then keeps a generic plan
    for _ in range(8):
        with django_assert_num_queries(1):
            assert enrolment_access_for(educator, world.enrolment.pk).enrolment.pk == world.enrolment.pk
    assert generic_plans() >= before + 2
    with pytest.raises(Http404):  # the same query still refuses a record the person may not see
        enrolment_access_for(trainee, f.EnrolmentFactory().pk)
