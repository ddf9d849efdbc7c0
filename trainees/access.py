"""One access policy: who may do what to a trainee's records.

`enrolment_access_for(user, pk)` (or `access_to(user, enrolment)` when the record is loaded) works out, in one
query, what the person is to the trainee: the trainee themselves, a current supervisor of which kinds, an
educator or lead on the programme, an administrator of its education provider, or (through
`accreditation.portfolio.access`) a visitor. Capabilities are answered from those relations by the table
below, so views, services and templates ask the same question the same way:

    access = enrolment_access_for(request.user, pk)   # 404 and audited for what the person may not see
    access.require("confirm_workplace_days")          # 403 with a plain message, and audited
    {% if access.may.confirm_workplace_days %}

Two supervisor rules are kept apart on purpose: any current supervisor, line manager included, confirms
workplace days and CPD; session and report work and recording leave need a supervisor who is not only the
line manager. Rules that are not about one trainee (the marking queue, visits, sites, verifying a
supervisor's training, caseload ramps) are in `StaffAccess`, with the same `can`/`require` API.

The querysets that decide which records a person may see at all stay selectors
(`trainees.enrolment.selectors.enrolment_access`) and are used here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from accounts.access import refuse
from accounts.models import Organisation, OrganisationMembership, User
from accounts.services import record_event
from curriculum.models import ProgrammeMembership
from trainees.enrolment.selectors import enrolment_access, enrolments_for_user
from trainees.models import Enrolment, SupervisorAssignment

Kind = SupervisorAssignment.Kind
MARKER_ROLES = ("educator", "programme_lead")


class Rule(NamedTuple):
    allows: Callable[[Any, Any], bool]  # (access, target) -> bool; target is the session, report... or None
    refusal: str  # what a person refused sees (the 403 page's message)


def _refuse(user, capability: str, about: str, message: str) -> PermissionDenied:
    """A person who may see the record but not do this: 403, and the refusal is audited."""
    record_event(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action="access.forbidden",
        message=f"{capability} {about}".strip(),
    )
    return PermissionDenied(message)


class _May:
    """`access.may.<capability>` in templates (capabilities that need no target)."""

    def __init__(self, access):
        self._access = access

    def __getitem__(self, name: str) -> bool:
        if name not in self._access.rules:
            raise KeyError(name)
        return self._access.can(name)

    def __contains__(self, name: str) -> bool:
        return name in self._access.rules


class _Capabilities:
    rules: dict[str, Rule] = {}

    def can(self, name: str, target=None) -> bool:
        return bool(self.rules[name].allows(self, target))

    def refusal(self, name: str) -> str:
        """The plain message a person refused `name` sees (services raise it as their own error)."""
        return self.rules[name].refusal

    def require(self, name: str, target=None) -> None:
        if not self.can(name, target):
            raise _refuse(self.user, name, self._about(target), self.rules[name].refusal)

    @property
    def may(self) -> _May:
        return _May(self)

    def _about(self, target) -> str:
        return "" if target is None else f"{target._meta.verbose_name} {target.pk}"


# ---------------------------------------------------------------------------------------------------------
# One trainee's records


@dataclass(frozen=True)
class EnrolmentAccess(_Capabilities):
    user: Any
    enrolment: Enrolment
    own: bool = False
    supervisor_kinds: frozenset[str] = field(default_factory=frozenset)
    educator: bool = False  # any membership of the trainee's programme (a lead is an educator too)
    lead: bool = False
    administrator: bool = False  # of the programme's education provider
    visitor: bool = False  # an accreditation visitor reading a snapshot in an open visit

    @property
    def is_supervisor(self) -> bool:
        """A current supervisor other than (only) the line manager: sessions, reports, leave."""
        return bool(self.supervisor_kinds - {Kind.LINE_MANAGER})

    @property
    def supervises_in_any_capacity(self) -> bool:
        """A current supervisor of any kind, line manager included: workplace days and CPD."""
        return bool(self.supervisor_kinds)

    @property
    def is_staff_for_trainee(self) -> bool:
        """Educators on the trainee's programme and the provider's administrators."""
        return self.educator or self.administrator

    @property
    def programme_role(self) -> str | None:
        """'administrator', 'programme_lead', 'educator' or None, as `curriculum.selectors.programme_role`."""
        if self.administrator:
            return "administrator"
        if self.lead:
            return "programme_lead"
        return "educator" if self.educator else None

    @property
    def sees_record(self) -> bool:
        return self.own or self.supervises_in_any_capacity or self.is_staff_for_trainee

    def _about(self, target) -> str:
        return f"trainee record {self.enrolment.pk}" if target is None else super()._about(target)

    def __str__(self) -> str:
        return f"{self.user} on {self.enrolment}"


def _may_submit_attempt(a: EnrolmentAccess, _target=None) -> bool:
    return a.enrolment.status != Enrolment.Status.WITHDRAWN and (a.own or a.programme_role is not None)


def _marker(a: EnrolmentAccess, _target=None) -> bool:
    return a.programme_role in MARKER_ROLES and not a.own


def _own_unconfirmed(a: EnrolmentAccess, entry) -> bool:
    return a.own and not entry.is_confirmed


def _names_me(a: EnrolmentAccess, obj) -> bool:
    return obj.supervisor_id == a.user.pk and not a.own


def _staff(a: EnrolmentAccess, _target=None) -> bool:
    return a.is_staff_for_trainee


def _own(a: EnrolmentAccess, _target=None) -> bool:
    return a.own


EnrolmentAccess.rules = {
    # Reading
    "view_record": Rule(lambda a, _: a.sees_record, "You cannot see this trainee's record."),
    "view_portfolio_snapshot": Rule(
        lambda a, _: a.sees_record or a.visitor, "You cannot see this portfolio."
    ),
    "see_marks": Rule(lambda a, _: a.programme_role is not None, "You cannot see marks before release."),
    # Supervision log, reports, leave, assignments
    "log_supervision": Rule(_own, "Only the trainee logs their supervision."),
    "edit_supervision": Rule(
        _own_unconfirmed, "Only the trainee can change an entry, and only before it is confirmed."
    ),
    "withdraw_supervision": Rule(
        _own_unconfirmed, "Only the trainee can withdraw an entry, and only before it is confirmed."
    ),
    "confirm_supervision_session": Rule(
        _names_me, "Only the supervisor named on the session can confirm it."
    ),
    "reopen_supervision": Rule(_staff, "Only programme staff can reopen a confirmed entry."),
    "record_leave": Rule(
        lambda a, _: a.is_supervisor or a.is_staff_for_trainee,
        "Only the trainee's supervisor or programme staff can record leave.",
    ),
    "write_report": Rule(
        lambda a, _: a.is_supervisor and not a.own,
        "Only a current supervisor writes the supervisor's report.",
    ),
    "edit_report": Rule(
        lambda a, report: report.supervisor_id == a.user.pk and not report.is_signed,
        "Only the supervisor who wrote a report can change it, and only before signing.",
    ),
    "sign_report": Rule(_names_me, "Only the supervisor who wrote the report can sign it."),
    "manage_assignments": Rule(_staff, "Only programme staff manage supervisor assignments."),
    "record_placement": Rule(_staff, "Only programme staff record where a trainee works."),
    # Attendance
    "log_workplace_days": Rule(_own, "Only the trainee logs their own workplace days."),
    "confirm_workplace_days": Rule(
        lambda a, _: a.supervises_in_any_capacity,
        "Only the trainee's current supervisor confirms workplace days.",
    ),
    "record_catch_up": Rule(
        lambda a, _: a.own or a.is_staff_for_trainee,
        "Only the trainee or the programme's educators record a catch-up.",
    ),
    "approve_catch_ups": Rule(_staff, "Only the programme's educators approve catch-ups."),
    "record_interruption": Rule(_staff, "Only the programme's educators record an interruption."),
    # Caseload
    "record_caseload": Rule(_own, "Only the trainee records their own caseload."),
    # CPD
    "add_cpd": Rule(_own, "Only the practitioner can add to their CPD log."),
    "edit_cpd": Rule(_own, "Only the practitioner can change their CPD log."),
    "confirm_cpd": Rule(
        lambda a, _: a.supervises_in_any_capacity, "Only a current supervisor can confirm CPD."
    ),
    "reopen_cpd": Rule(
        lambda a, _: a.programme_role in ("programme_lead", "administrator"),
        "Only the programme lead or an administrator can reopen confirmed CPD.",
    ),
    # Portfolio
    "submit_portfolio": Rule(_own, "Only the trainee can submit their own portfolio."),
    # Assessments
    "submit_attempt": Rule(_may_submit_attempt, "You cannot submit an attempt for."),
    "add_evidence": Rule(_may_submit_attempt, "You cannot add evidence to."),
    "mark_attempt": Rule(_marker, "You cannot mark."),
    "moderate_attempt": Rule(_marker, "You cannot moderate."),
    "reopen_sign_off": Rule(lambda a, _: a.programme_role == "programme_lead", "You cannot reopen."),
    "record_mitigation": Rule(
        lambda a, _: a.programme_role == "administrator", "You cannot record mitigating circumstances for."
    ),
    # People over time: withdrawal, transfer to another cohort, change of route
    "change_enrolment": Rule(
        lambda a, _: a.programme_role == "administrator" and not a.own,
        "Only the programme's administrators withdraw a trainee, transfer them or change their route.",
    ),
    "read_attempt_audit": Rule(
        lambda a, _: a.programme_role == "administrator", "You cannot read the audit trail of."
    ),
}


def _relations(user, *, enrolment, programme, hei, on: date | None) -> dict:
    """Annotations saying what `user` is to a trainee; the references are values or OuterRefs."""
    assignments = SupervisorAssignment.objects.current(on).filter(enrolment=enrolment, supervisor=user)
    membership = ProgrammeMembership.objects.filter(programme=programme, user=user)
    administers = OrganisationMembership.objects.filter(
        organisation=hei, user=user, role=OrganisationMembership.Role.ADMINISTRATOR
    )
    return {
        "access_membership_role": Subquery(membership.values("role")[:1]),
        "access_administers": Exists(administers),
        **{f"access_supervises_{kind}": Exists(assignments.filter(kind=kind)) for kind in Kind.values},
    }


def _access(user, enrolment: Enrolment, row: dict) -> EnrolmentAccess:
    role = row.get("access_membership_role")
    return EnrolmentAccess(
        user=user,
        enrolment=enrolment,
        own=enrolment.user_id == user.pk,
        supervisor_kinds=frozenset(kind for kind in Kind.values if row.get(f"access_supervises_{kind}")),
        educator=role is not None,
        lead=role == ProgrammeMembership.Role.PROGRAMME_LEAD,
        administrator=bool(row.get("access_administers")),
    )


def access_to(user, enrolment: Enrolment, *, on: date | None = None) -> EnrolmentAccess:
    """What `user` is to the trainee (supervisors current on `on`, today by default), in one query.

    Does not check that the person may see the record: load it through `enrolment_access_for` (or a
    deny-by-default selector) first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return EnrolmentAccess(user=user, enrolment=enrolment)
    programme = enrolment.cohort.programme
    relations = _relations(user, enrolment=enrolment, programme=programme, hei=programme.hei_id, on=on)
    row = User.objects.filter(pk=user.pk).annotate(**relations).values(*relations).first() or {}
    return _access(user, enrolment, row)


class Attached(NamedTuple):
    """Something a caller needs beside the record, read in the access query itself instead of a query of its
    own (the portfolio download's stored render). It adds annotations only: it cannot widen or narrow who
    sees the record. `annotations(**values)` returns them, referring to the enrolment through `OuterRef`;
    `sentinels` gives each value a stand-in of the same type (distinct from every other value in the query),
    so the query can be compiled once like the rest and each request's values put into its parameters."""

    name: str
    annotations: Callable[..., dict]
    sentinels: dict[str, Any]


def _access_queryset(
    user,
    pk,
    on: date | None,
    *,
    today: date | None = None,
    attach: Attached | None = None,
    values: dict | None = None,
) -> QuerySet[Enrolment]:
    """The one query: the record if `user` may see it (`enrolments_for_user`, whose supervisors are those
    current `today`, by default the real today), with what they are to the trainee on `on` annotated, and
    what `attach` adds for `values`."""
    relations = _relations(
        user,
        enrolment=OuterRef("pk"),
        programme=OuterRef("cohort__programme"),
        hei=OuterRef("cohort__programme__hei"),
        on=on,
    )
    if today is None:
        visible = enrolments_for_user(user)
    else:  # the same queryset with the day given (the compiled template's sentinel)
        visible = Enrolment.objects.with_people().filter(enrolment_access(user, on=today))
    queryset = visible.filter(pk=pk).annotate(**relations)
    if attach is not None:
        queryset = queryset.annotate(**attach.annotations(**(values or {})))
    return queryset


def _load_with_orm(
    user, pk: int, on: date | None, attach: Attached | None = None, values: dict | None = None
) -> Enrolment | None:
    """The reference path: the ORM builds and compiles the query (5 to 10 ms of Python per request)."""
    return _access_queryset(user, pk, on, attach=attach, values=values).first()


# The ORM spends far longer building and compiling the access query (a dozen Exists subqueries) than the
# database spends running it, and the query's shape never changes: only the person, the record and the day
# do. So it is compiled once per process and database, from a template built with sentinel values, and each
# request substitutes its own values into the parameters and turns the row into the record exactly as the
# ORM's own model iterable does. `_load_with_orm` stays the reference (a test compares the two for every
# persona) and is used whenever the template cannot be trusted.
_SENTINEL_USER = 2_147_480_001
_SENTINEL_PK = 2_147_480_002
_SENTINEL_DAY = date(1901, 2, 3)  # `on`: the day the relations are asked about
_SENTINEL_TODAY = date(1902, 3, 4)  # today: the day whose supervisors may see the record at all


class _Compiled(NamedTuple):
    sql: str
    slots: tuple  # per parameter: "user", "pk", "on", "today", or ("value", constant)
    compiler: Any
    init_list: list[str]
    model_slice: slice
    related_populators: list
    annotation_col_map: dict
    from_db: Callable


_compiled: dict[tuple[str, str, str], _Compiled | None] = {}


def _adapt(connection, value):
    return connection.ops.adapt_datefield_value(value) if isinstance(value, date) else value


def _compile(db: str, attach: Attached | None = None) -> _Compiled | None:
    from django.db import connections
    from django.db.models.query import _get_from_db, get_related_populators

    connection = connections[db]
    template = User(pk=_SENTINEL_USER)
    extra = dict(attach.sentinels) if attach is not None else {}
    if set(extra) & {"user", "pk", "on", "today"}:
        raise ValueError(f"{attach.name}: the access query's own values cannot be attached values")
    queryset = _access_queryset(
        template, _SENTINEL_PK, _SENTINEL_DAY, today=_SENTINEL_TODAY, attach=attach, values=extra
    ).using(db)
    queryset = (queryset if queryset.ordered else queryset.order_by("pk"))[:1]  # as `first()` does
    compiler = queryset.query.get_compiler(using=db)
    sql, params = compiler.as_sql()
    day, today = _adapt(connection, _SENTINEL_DAY), _adapt(connection, _SENTINEL_TODAY)
    extra_slots = {}
    for slot, sentinel in extra.items():
        extra_slots[repr(sentinel)] = slot
        extra_slots[repr(_adapt(connection, sentinel))] = slot
    sentinels = (_SENTINEL_USER, _SENTINEL_PK, _SENTINEL_DAY, _SENTINEL_TODAY, *extra.values())
    slots = []
    for value in params:
        if value is True or value is False:
            slots.append(("value", value))
        elif value == _SENTINEL_USER:
            slots.append("user")
        elif value == _SENTINEL_PK:
            slots.append("pk")
        elif value in (day, _SENTINEL_DAY):
            slots.append("on")
        elif value in (today, _SENTINEL_TODAY):
            slots.append("today")
        elif repr(value) in extra_slots:
            slots.append(extra_slots[repr(value)])
        elif any(str(sentinel) in str(value) for sentinel in sentinels):
            return None  # a sentinel folded into something else: do not trust the template
        else:
            slots.append(("value", value))
    if slots.count("pk") != 1 or not {"user", "on", "today", *extra} <= set(slots):
        return None
    if any(str(v) in sql for v in sentinels):
        return None  # a sentinel inlined into the SQL text
    select, klass_info = compiler.select, compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    fetch_mode = queryset._fetch_mode
    return _Compiled(
        sql=sql,
        slots=tuple(slots),
        compiler=compiler,
        init_list=[f[0].target.attname for f in select[start:end]],
        model_slice=slice(start, end),
        related_populators=get_related_populators(klass_info, select, db, fetch_mode),
        annotation_col_map=dict(compiler.annotation_col_map or {}),
        from_db=_get_from_db(klass_info["model"], fetch_mode),
    )


def _load_fast(
    user, pk: int, on: date | None, attach: Attached | None = None, values: dict | None = None
) -> Enrolment | None:
    """The same query as `_load_with_orm`, from SQL compiled once; None when refused."""
    from django.db import connections
    from django.utils import timezone

    db = Enrolment.objects.db
    connection = connections[db]
    key = (db, connection.vendor, attach.name if attach is not None else "")
    if key not in _compiled:
        _compiled[key] = _compile(db, attach)
    compiled = _compiled[key]
    if compiled is None:
        return _load_with_orm(user, pk, on, attach, values)
    today = timezone.localdate()
    extra = {slot: _adapt(connection, value) for slot, value in (values or {}).items()}
    values = {
        **extra,
        "user": user.pk,
        "pk": pk,
        "on": connection.ops.adapt_datefield_value(on or today),
        "today": connection.ops.adapt_datefield_value(today),
    }
    params = [values[slot] if isinstance(slot, str) else slot[1] for slot in compiled.slots]
    # On PostgreSQL the server prepares it once a connection (DATABASE_PREPARE, config/settings.py): planning
    # its dozen subqueries was 2.7 ms of its 3 ms at 2,000 trainees; the text never changes.
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    compiler = compiled.compiler
    row = next(iter(compiler.results_iter([[row[: compiler.col_count]]])))
    enrolment = compiled.from_db(db, compiled.init_list, row[compiled.model_slice])
    for populator in compiled.related_populators:
        populator.populate(row, enrolment)
    for name, position in compiled.annotation_col_map.items():
        setattr(enrolment, name, row[position])
    return enrolment


def enrolment_access_for(
    user, pk: int, *, on: date | None = None, attach: Attached | None = None, **values
) -> EnrolmentAccess:
    """The trainee record `pk` and what `user` may do with it, in the one query that loads the record;
    404 (audited) for a record they may not see. `attach` (with its `values`) reads something more in the
    same query, set on the record as attributes; it changes nothing about who sees what."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise refuse(user, "trainee record", pk)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise refuse(user, "trainee record", pk) from None
    if attach is not None and set(values) != set(attach.sentinels):
        raise TypeError(f"{attach.name} needs {sorted(attach.sentinels)}, given {sorted(values)}")
    if attach is None and values:
        raise TypeError(f"Unexpected arguments {sorted(values)}")
    enrolment = _load_fast(user, pk, on, attach, values)
    if enrolment is None:
        raise refuse(user, "trainee record", pk)
    return _access(user, enrolment, {name: getattr(enrolment, name) for name in _RELATION_NAMES})


_RELATION_NAMES = (
    "access_membership_role",
    "access_administers",
    *(f"access_supervises_{kind}" for kind in Kind.values),
)


# ---------------------------------------------------------------------------------------------------------
# Programme and organisation rules that are not about one trainee


def _administers_a_programme(s: StaffAccess, _target=None) -> bool:
    from curriculum.selectors import administered_programmes

    return administered_programmes(s.user).exists()


def _is_marker(s: StaffAccess, _target=None) -> bool:
    return s.user.is_authenticated and ProgrammeMembership.objects.filter(user=s.user).exists()


def _sees_cohorts(s: StaffAccess, _target=None) -> bool:
    """Educators, leads and administrators: anyone with a cohort to look after."""
    from curriculum.selectors import cohorts_for_user

    return cohorts_for_user(s.user).exists()


def _verifies(s: StaffAccess, supervisor) -> bool:
    # Imported here: the supervision selectors use this policy for the trainee's supervision page.
    from trainees.supervision.selectors import supervisors_for_staff

    return s.user.pk != supervisor.pk and supervisors_for_staff(s.user).filter(pk=supervisor.pk).exists()


def _manages_sites(s: StaffAccess, service) -> bool:
    """Programme administrators of an HEI whose trainees the service employs."""
    return OrganisationMembership.objects.filter(
        user=s.user,
        role=OrganisationMembership.Role.ADMINISTRATOR,
        organisation__programmes__cohorts__enrolments__employing_service=service,
    ).exists()


def services_administered_by(user) -> QuerySet[Organisation]:
    """The services whose workforce records `user` keeps: a service's own administrators, and the
    administrators of an education provider whose trainees the service employs (who keep its sites)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    administrator = OrganisationMembership.Role.ADMINISTRATOR
    own_service = OrganisationMembership.objects.filter(
        organisation=OuterRef("pk"), user=user, role=administrator
    )
    employs_our_trainees = Enrolment.objects.filter(
        employing_service=OuterRef("pk"),
        cohort__programme__hei__memberships__user=user,
        cohort__programme__hei__memberships__role=administrator,
    )
    return Organisation.objects.filter(
        Exists(own_service) | Exists(employs_our_trainees), kind=Organisation.Kind.SERVICE
    ).order_by("name")


def organisations_administered_by(user) -> QuerySet[Organisation]:
    """Every organisation whose import profiles `user` keeps: the education providers they administer
    (register profiles) and the services they administer (caseload profiles; see above)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    own = OrganisationMembership.objects.filter(
        organisation=OuterRef("pk"), user=user, role=OrganisationMembership.Role.ADMINISTRATOR
    )
    return Organisation.objects.filter(
        Exists(own) | Q(pk__in=services_administered_by(user).values("pk"))
    ).order_by("name")


def _manages_import_profiles(s: StaffAccess, _target=None) -> bool:
    return organisations_administered_by(s.user).exists()


def _edits_import_profile(s: StaffAccess, profile) -> bool:
    return (
        not profile.is_reference
        and organisations_administered_by(s.user).filter(pk=profile.owner_id).exists()
    )


def _administers_service(s: StaffAccess, service) -> bool:
    return services_administered_by(s.user).filter(pk=service.pk).exists()


def _role_in(*roles: str):
    """A rule for a programme target: the person's role on that programme is one of `roles`."""

    def allows(s: StaffAccess, programme) -> bool:
        from curriculum.selectors import programme_role

        return s.user.is_authenticated and programme_role(s.user, programme) in roles

    return allows


_leads_or_administers = _role_in("administrator", "programme_lead")


_administers = _role_in("administrator")


@dataclass(frozen=True)
class StaffAccess(_Capabilities):
    """What a person may do to a programme, a service or a supervisor (the target given to `can`)."""

    user: Any


def _is_not_only_a_visitor(s: StaffAccess, _target=None) -> bool:
    """Accreditation visitors read and write nothing; anyone else signed in may keep their own profile."""
    user = s.user
    if not user.is_authenticated:
        return False
    if not user.visit_assignments.exists():
        return True
    return (
        user.is_superuser
        or ProgrammeMembership.objects.filter(user=user).exists()
        or OrganisationMembership.objects.filter(user=user).exists()
        or user.supervisor_assignments.exists()
        or user.enrolments.exists()
    )


StaffAccess.rules = {
    "open_marking_queue": Rule(_is_marker, "You cannot open the marking queue."),
    "see_attention_list": Rule(
        _sees_cohorts, "Only programme staff see who needs attention across their cohorts."
    ),
    "arrange_visits": Rule(
        _administers_a_programme, "Only programme administrators arrange accreditation visits."
    ),
    "verify_training": Rule(_verifies, "Only programme staff can verify training, and never their own."),
    "record_sites": Rule(_manages_sites, "Only a programme administrator records a service's sites."),
    "change_sites": Rule(_manages_sites, "Only a programme administrator changes a service's sites."),
    # Careers and workforce (the workforce app): a service's post history, reports and decisions.
    "manage_workforce": Rule(
        _administers_service, "Only the service's administrators see and change its workforce records."
    ),
    "enrol_trainees": Rule(_administers, "Only the programme's administrators enrol trainees."),
    "assign_supervisors": Rule(
        _administers, "Only the programme's administrators assign supervisors in bulk."
    ),
    "keep_supervisor_profile": Rule(
        _is_not_only_a_visitor, "Accreditation visitors can read portfolios but cannot change any record."
    ),
    "change_caseload_settings": Rule(
        _leads_or_administers, "Only the programme lead or an administrator changes the caseload ramp."
    ),
    "change_assessment_settings": Rule(
        _leads_or_administers, "Only the programme administrator or lead can change assessment settings."
    ),
    "arrange_programme_visits": Rule(
        _administers, "Only the programme's administrators can arrange accreditation visits."
    ),
    "build_visit_pack": Rule(_administers, "Only the programme's administrators can build a visit pack."),
    "import_registers": Rule(
        _administers,
        "Only the programme's administrators import registers from a file.",
    ),
    "import_service_caseloads": Rule(
        _administers_service,
        "Only the service's administrators import its trainees' caseloads.",
    ),
    # Import profiles: how a service's or a university's files are read
    "manage_import_profiles": Rule(
        _manages_import_profiles,
        "Only a programme or service administrator looks after import profiles.",
    ),
    "edit_import_profile": Rule(
        _edits_import_profile,
        "Only an administrator of the organisation that owns a copy can change it; copy a reference "
        "profile to change it.",
    ),
}


def staff_access(user) -> StaffAccess:
    return StaffAccess(user=user)
