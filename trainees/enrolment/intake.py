"""An intake from one file: a CSV or Excel workbook with a row per trainee, checked in full, saved at once.

Headings (so that files made elsewhere match; case and spacing do not matter, unknown columns are ignored
with a warning):

    First name, Last name, Email, Student number, Route, Service, Site, Start date, Band,
    Case-management supervisor email, Clinical-skills supervisor email

Route and service by code or name; dates as YYYY-MM-DD or DD/MM/YYYY (or a date cell); band blank for 4.
An existing person (matched by e-mail, whatever its case) is never duplicated; people with no account,
trainees and supervisors alike, get one and an invitation. Nothing is saved unless the whole file is valid,
and then everything is saved in one transaction.

Scale: the file is read twice as a stream, once for the e-mail addresses of its trainees (a supervisor must
not be a trainee who starts now) and once to check and save rows in batches of BATCH_SIZE. Each batch costs
the same few queries (one lookup of the batch's people, their enrolments and usernames, then one bulk insert
per table), so memory stays flat and queries grow with batches, never with rows.
"""

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts import invitations
from accounts.models import AuditEvent, Invitation, Organisation, User
from accounts.services import DomainError
from core.identifiers import validate_file_name
from core.spreadsheets import FORMULA_PREFIXES, ContainerLimits, ContainerRefused, Sheet, check_zip_container
from curriculum.models import Cohort
from curriculum.selectors import cohort_routes
from trainees.models import Enrolment, ServiceSite, SitePlacement, SupervisorAssignment

BATCH_SIZE = 500
MAX_ROWS = 5_000
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_PROBLEMS = 500
LIMITS = ContainerLimits(max_entries=100, max_uncompressed_bytes=60 * 1024 * 1024, max_compression_ratio=200)

HEADINGS = [
    "First name",
    "Last name",
    "Email",
    "Student number",
    "Route",
    "Service",
    "Site",
    "Start date",
    "Band",
    "Case-management supervisor email",
    "Clinical-skills supervisor email",
]
REQUIRED = {"First name", "Last name", "Email", "Route", "Service", "Start date"}
KEYS = {
    "First name": "first_name",
    "Last name": "last_name",
    "Email": "email",
    "Student number": "student_number",
    "Route": "route",
    "Service": "service",
    "Site": "site",
    "Start date": "start_date",
    "Band": "band",
    "Case-management supervisor email": "cm_email",
    "Clinical-skills supervisor email": "cs_email",
}
SUPERVISOR_COLUMNS = {
    "cm_email": ("Case-management supervisor email", SupervisorAssignment.Kind.CASE_MANAGEMENT),
    "cs_email": ("Clinical-skills supervisor email", SupervisorAssignment.Kind.CLINICAL_SKILLS),
}
DATE_PATTERNS = ("%Y-%m-%d", "%d/%m/%Y")


def _norm(text) -> str:
    return " ".join(str(text or "").replace("_", " ").replace("-", " ").split()).lower()


_BY_NORM = {_norm(heading): heading for heading in HEADINGS}


class IntakeRefused(Exception):
    """The file as a whole cannot be read (wrong type, damaged, too large, missing headings)."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"Row {self.row}, {self.column}: {self.message}"


@dataclass
class PlannedRow:
    row: int
    name: str
    email: str
    route: str
    action: str  # "create" (a new account) or "match" (an existing one)
    supervisors: list[str] = field(default_factory=list)


@dataclass
class IntakeResult:
    cohort: Cohort
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_supervisors: list[str] = field(default_factory=list)
    saved: bool = False
    batches: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def created(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.action == "create"]

    @property
    def matched(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.action == "match"]

    def refuse(self, row: int, column: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, message))


# Reading ---------------------------------------------------------------------------------------------------


def file_kind(filename: str, head: bytes) -> str:
    name = filename.lower()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith(".csv"):
        if head.startswith(b"PK\x03\x04") or b"\x00" in head:
            raise IntakeRefused("The file ends in .csv but is not a CSV file. Save it as CSV and try again.")
        return "csv"
    raise IntakeRefused("Upload a CSV file (.csv) or an Excel workbook (.xlsx).")


def _rows(fileobj, kind: str) -> Iterator[Sequence]:
    fileobj.seek(0)
    if kind == "csv":
        text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
        try:
            yield from csv.reader(text)
        except UnicodeDecodeError as error:
            raise IntakeRefused(
                "The CSV file is not in UTF-8. Save it as “CSV UTF-8” and try again."
            ) from error
        finally:
            text.detach()
        return
    try:
        check_zip_container(fileobj, LIMITS)
    except ContainerRefused as error:
        raise IntakeRefused(str(error)) from error
    workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True, max_col=len(HEADINGS) + 20)
    finally:
        workbook.close()


def _records(fileobj, kind: str, result: IntakeResult | None = None) -> Iterator[tuple[int, dict]]:
    """(row number, {key: text or date}) for every non-empty data row; headings checked first."""
    rows = _rows(fileobj, kind)
    header = next(rows, None)
    if header is None:
        raise IntakeRefused("The file is empty. Download the template and fill in a row per trainee.")
    columns: dict[int, str] = {}
    unknown = []
    for index, heading in enumerate(header):
        known = _BY_NORM.get(_norm(heading))
        if known:
            columns[index] = KEYS[known]
        elif str(heading or "").strip():
            unknown.append(str(heading).strip())
    missing = [h for h in HEADINGS if h in REQUIRED and KEYS[h] not in columns.values()]
    if missing:
        raise IntakeRefused(
            f"The first row must hold the headings; missing: {', '.join(missing)}. Download the template."
        )
    if result is not None and unknown:
        result.warnings.append(f"These columns are not used and were ignored: {', '.join(unknown)}.")
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise IntakeRefused(f"The file has more than {MAX_ROWS} trainees; split it into smaller files.")
        record = {}
        for index, key in columns.items():
            value = values[index] if index < len(values) else None
            record[key] = value if isinstance(value, date | datetime) else str(value or "").strip()
        if any(record.values()):
            yield number, record


# Checking --------------------------------------------------------------------------------------------------


def _parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for pattern in DATE_PATTERNS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _valid_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


class _Context:
    """What every batch needs, loaded once: the cohort's routes, services and sites; and what earlier rows
    have claimed (e-mails, student numbers, supervisors made so far)."""

    def __init__(self, cohort: Cohort, trainee_emails: set[str]):
        self.cohort = cohort
        self.today = timezone.localdate()
        self.trainee_emails = trainee_emails
        # Only the routes this cohort offers (its own choice among the programme's) are accepted.
        routes = list(cohort_routes(cohort))
        self.route_names = ", ".join(r.name for r in routes)
        self.routes = {_norm(r.code): r for r in routes} | {_norm(r.name): r for r in routes}
        services = list(Organisation.objects.filter(kind=Organisation.Kind.SERVICE))
        self.services = {_norm(s.code): s for s in services} | {_norm(s.name): s for s in services}
        self.sites = {(site.service_id, _norm(site.name)): site for site in ServiceSite.objects.all()}
        # A student number belongs to one student at the institution, whatever the programme.
        self.numbers_at_institution = dict(
            Enrolment.objects.filter(cohort__programme__hei_id=cohort.programme.hei_id)
            .exclude(student_number="")
            .values_list("student_number", "user__email")
        )
        self.seen_emails: dict[str, int] = {}
        self.seen_numbers: dict[str, int] = {}
        self.new_supervisors: dict[str, User | None] = {}


def _people(emails: set[str]) -> dict[str, list[User]]:
    found: dict[str, list[User]] = {}
    if emails:
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails):
            found.setdefault(user.email_lower, []).append(user)
    return found


def _check_batch(batch: list[tuple[int, dict]], ctx: _Context, result: IntakeResult) -> list[dict]:
    """Check one batch (a handful of queries whatever its size) and return its rows, ready to save."""
    emails = set()
    for _, record in batch:
        emails.add(record.get("email", "").lower())
        emails.update(record.get(key, "").lower() for key in SUPERVISOR_COLUMNS)
    emails.discard("")
    people = _people(emails)
    ids = [users[0].pk for users in people.values() if len(users) == 1]
    enrolled = set(
        Enrolment.objects.filter(cohort=ctx.cohort, user_id__in=ids).values_list("user_id", flat=True)
    )
    # A supervisor who is in the first month of training themselves cannot supervise.
    first_month = {
        e.user_id
        for e in Enrolment.objects.active().filter(user_id__in=ids).select_related("route")
        if e.month_of_training(ctx.today) <= 1
    }
    usernames = {invitations.username_for(e) for e in emails}
    taken = {
        name.lower()
        for name in User.objects.annotate(name_lower=Lower("username"))
        .filter(name_lower__in=usernames)
        .values_list("name_lower", flat=True)
    }
    ready = []
    for number, record in batch:
        ok = True

        def refuse(column: str, message: str, number=number) -> None:
            nonlocal ok
            ok = False
            result.refuse(number, column, message)

        for column in ("First name", "Last name"):
            value = record.get(KEYS[column], "")
            if not value:
                refuse(column, "Enter the trainee's name.")
            elif value.startswith(FORMULA_PREFIXES):
                refuse(column, "A name cannot start with = + - @ (a spreadsheet would run it as a formula).")
            elif len(value) > 150:
                refuse(column, "A name can be at most 150 characters.")
        email = record.get("email", "").lower()
        user = None
        if not email:
            refuse("Email", "Enter the trainee's e-mail address.")
        elif not _valid_email(email):
            refuse("Email", f"“{email}” is not an e-mail address.")
        elif email in ctx.seen_emails:
            refuse("Email", f"{email} is also on row {ctx.seen_emails[email]}.")
        else:
            ctx.seen_emails[email] = number
            matches = people.get(email, [])
            if len(matches) > 1:
                refuse(
                    "Email",
                    f"More than one account has the e-mail address {email}; ask for them to be merged.",
                )
            elif matches:
                user = matches[0]
                if user.pk in enrolled:
                    refuse("Email", f"{user.display_name} is already enrolled on this cohort.")
                elif not user.is_active:
                    refuse("Email", f"The account for {email} is deactivated.")
            elif invitations.username_for(email) in taken:
                refuse("Email", f"The username {email} is taken by another account.")
        student_number = record.get("student_number", "")
        if student_number:
            if len(student_number) > 40:
                refuse("Student number", "A student number can be at most 40 characters.")
            elif student_number in ctx.seen_numbers:
                refuse(
                    "Student number", f"{student_number} is also on row {ctx.seen_numbers[student_number]}."
                )
            else:
                ctx.seen_numbers[student_number] = number
                holder = ctx.numbers_at_institution.get(student_number)
                if holder is not None and holder.lower() != email:
                    refuse(
                        "Student number",
                        f"{student_number} already belongs to another student at {ctx.cohort.programme.hei}.",
                    )
        route = ctx.routes.get(_norm(record.get("route")))
        if route is None:
            refuse(
                "Route",
                f"“{record.get('route', '')}” is not a route this cohort offers ({ctx.route_names}).",
            )
        service = ctx.services.get(_norm(record.get("service")))
        if service is None:
            refuse("Service", f"“{record.get('service', '')}” is not a known NHS Talking Therapies service.")
        site = None
        if record.get("site") and service is not None:
            site = ctx.sites.get((service.pk, _norm(record["site"])))
            if site is None:
                refuse("Site", f"“{record['site']}” is not a site of {service}.")
        start_date = _parse_date(record.get("start_date", ""))
        if start_date is None:
            refuse("Start date", "Enter the start date as YYYY-MM-DD or DD/MM/YYYY.")
        band = Enrolment.Band.BAND_4
        if record.get("band"):
            try:
                band = int(str(record["band"]).removeprefix("Band ").removeprefix("band "))
            except ValueError:
                band = 0
            if not 4 <= band <= 9:
                refuse("Band", "Enter the band as a number from 4 to 9.")
        supervisors = {}
        for key, (column, kind) in SUPERVISOR_COLUMNS.items():
            address = record.get(key, "").lower()
            if not address:
                continue
            if not _valid_email(address):
                refuse(column, f"“{address}” is not an e-mail address.")
                continue
            if address == email:
                refuse(column, "A trainee cannot supervise themselves.")
                continue
            matches = people.get(address, [])
            if len(matches) > 1:
                refuse(column, f"More than one account has the e-mail address {address}.")
            elif address in ctx.trainee_emails or (matches and matches[0].pk in first_month):
                refuse(column, f"{address} is a trainee in their first month, so cannot supervise.")
            elif matches and not matches[0].is_active:
                refuse(column, f"The account for {address} is deactivated.")
            elif not matches and invitations.username_for(address) in taken:
                refuse(column, f"The username {address} is taken by another account.")
            else:
                supervisors[kind] = matches[0] if matches else address
        if not ok:
            continue
        name = f"{record['first_name']} {record['last_name']}"
        result.rows.append(
            PlannedRow(
                row=number,
                name=name,
                email=email,
                route=route.name,
                action="match" if user else "create",
                supervisors=[s.email if isinstance(s, User) else s for s in supervisors.values()],
            )
        )
        for supervisor in supervisors.values():
            if isinstance(supervisor, str) and supervisor not in ctx.new_supervisors:
                ctx.new_supervisors[supervisor] = None
                result.new_supervisors.append(supervisor)
        ready.append(
            {
                "user": user,
                "email": record.get("email", ""),
                "first_name": record["first_name"],
                "last_name": record["last_name"],
                "student_number": student_number,
                "route": route,
                "service": service,
                "site": site,
                "start_date": start_date,
                "band": band,
                "supervisors": supervisors,
            }
        )
    return ready


# Saving ----------------------------------------------------------------------------------------------------


def _event(actor, action: str, obj, after: dict) -> AuditEvent:
    meta = obj._meta
    return AuditEvent(
        actor=actor,
        actor_label=actor.get_username() if actor else "",
        action=action,
        object_type=f"{meta.app_label}.{meta.model_name}",
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        after=after,
    )


def _new_accounts(
    specs: list[tuple[str, str, str]], *, actor, cohort: Cohort, events: list
) -> dict[str, User]:
    """Accounts with no password yet, and their invitations, in two inserts (whatever the count)."""
    users = []
    for email, first_name, last_name in specs:
        user = User(
            username=invitations.username_for(email), email=email, first_name=first_name, last_name=last_name
        )
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users)
    now = timezone.now()
    made = Invitation.objects.bulk_create(
        [
            Invitation(
                user=user,
                organisation_id=cohort.programme.hei_id,
                invited_by=actor,
                last_sent_at=now,
                times_sent=1,
            )
            for user in users
        ]
    )
    for user, invitation in zip(users, made, strict=True):
        events.append(_event(actor, "user.created", user, {"email": user.email, "by": "intake"}))
        events.append(_event(actor, "invitation.sent", invitation, {"email": user.email}))
    invitations.send_after_commit([invitation.pk for invitation in made])
    return {user.email.lower(): user for user in users}


def _save_batch(ready: list[dict], *, actor, ctx: _Context) -> None:
    events: list[AuditEvent] = []
    new_trainees = [(r["email"], r["first_name"], r["last_name"]) for r in ready if r["user"] is None]
    new_supervisors = sorted(
        {
            s
            for r in ready
            for s in r["supervisors"].values()
            if isinstance(s, str) and ctx.new_supervisors[s] is None
        }
    )
    made = _new_accounts(new_trainees, actor=actor, cohort=ctx.cohort, events=events)
    supervisors_made = _new_accounts(
        [(s, "", "") for s in new_supervisors], actor=actor, cohort=ctx.cohort, events=events
    )
    ctx.new_supervisors.update(supervisors_made)
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                user=r["user"] or made[r["email"].lower()],
                cohort=ctx.cohort,
                route=r["route"],
                start_date=r["start_date"],
                employing_service=r["service"],
                band=r["band"],
                student_number=r["student_number"],
            )
            for r in ready
        ]
    )
    assignments, placements = [], []
    for r, enrolment in zip(ready, enrolments, strict=True):
        events.append(
            _event(
                actor,
                "enrolment.created",
                enrolment,
                {
                    "cohort": ctx.cohort.code,
                    "route": r["route"].code,
                    "start_date": r["start_date"],
                    "band": r["band"],
                },
            )
        )
        for kind, supervisor in r["supervisors"].items():
            person = supervisor if isinstance(supervisor, User) else ctx.new_supervisors[supervisor]
            assignments.append(
                SupervisorAssignment(
                    enrolment=enrolment, supervisor=person, kind=kind, starts_on=r["start_date"]
                )
            )
        if r["site"] is not None:
            placements.append(SitePlacement(enrolment=enrolment, site=r["site"], recorded_by=actor))
    for assignment in SupervisorAssignment.objects.bulk_create(assignments):
        events.append(
            _event(
                actor,
                "supervisor.assigned",
                assignment,
                {
                    "kind": assignment.kind,
                    "supervisor": assignment.supervisor.username,
                    "starts_on": assignment.starts_on,
                },
            )
        )
    for placement in SitePlacement.objects.bulk_create(placements):
        events.append(_event(actor, "site.trainee_placed", placement, {"site": placement.site.name}))
    AuditEvent.objects.bulk_create(events)


def _trainee_emails(fileobj, kind: str) -> set[str]:
    return {record.get("email", "").lower() for _, record in _records(fileobj, kind)} - {""}


def run_intake(*, actor, cohort: Cohort, fileobj, filename: str, save: bool) -> IntakeResult:
    """Check the whole file; with `save`, also enrol everyone, all in one transaction, or nothing at all.

    Raises IntakeRefused when the file cannot be read or its name identifies a patient; problems with rows
    are in the result."""
    try:
        validate_file_name(filename, what="The intake file")
    except ValidationError as error:
        raise IntakeRefused(error.messages[0]) from None
    fileobj.seek(0)
    kind = file_kind(filename, fileobj.read(8))
    if fileobj.seek(0, io.SEEK_END) > MAX_FILE_BYTES:
        raise IntakeRefused(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    result = IntakeResult(cohort=cohort)
    ctx = _Context(cohort, _trainee_emails(fileobj, kind))
    with transaction.atomic():
        batch: list[tuple[int, dict]] = []

        def flush():
            ready = _check_batch(batch, ctx, result)
            result.batches += 1
            if save and not result.problems:
                _save_batch(ready, actor=actor, ctx=ctx)
            batch.clear()

        for item in _records(fileobj, kind, result):
            batch.append(item)
            if len(batch) == BATCH_SIZE:
                flush()
        if batch:
            flush()
        if not result.rows and not result.problems:
            raise IntakeRefused("The file has headings but no trainees.")
        if save and result.problems:
            # Rows before the first problem may already be written: undo them, so nothing is half-saved.
            transaction.set_rollback(True)
        result.saved = save and not result.problems
    return result


def template_sheet() -> Sheet:
    """The template offered for download: the headings and one example row to overwrite."""
    example = [
        "Alex",
        "Example",
        "alex.example@nhs.net",
        "S1234567",
        "standard",
        "(service code or name)",
        "",
        timezone.localdate().strftime("%Y-%m-%d"),
        "4",
        "cm.supervisor@nhs.net",
        "cs.supervisor@nhs.net",
    ]
    return Sheet("Trainees", HEADINGS, [example], bold_headers=True, freeze_headers=True)


def check_actor(*, actor, cohort: Cohort) -> None:
    from curriculum.selectors import programme_role

    if programme_role(actor, cohort.programme) != "administrator":
        raise DomainError("Only the programme's administrators enrol trainees.")
