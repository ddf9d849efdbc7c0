"""Writes for accreditation schemes (the admin, commands and tests call these)."""

from datetime import date

from django.db import transaction

from accounts.services import DomainError, record_event, save_record
from accreditation.models import Scheme, SchemeVersion
from trainees.enrolment.versions import bump_everyone


@transaction.atomic
def copy_scheme_version(
    *, actor, version: SchemeVersion, new_version: str, effective_from: date
) -> SchemeVersion:
    """Start a new version of a scheme from an existing one: same criteria, a new effective period.

    The version it copies ends the day before the new one starts (if it had no end yet), so exactly one
    version is in force on any day. Criteria are then edited in the admin: no code is needed.
    """
    scheme = version.scheme
    if scheme.versions.filter(version=new_version).exists():
        raise DomainError(f"{scheme.name} already has a version “{new_version}”.")
    if effective_from <= version.effective_from:
        raise DomainError("The new version must start after the version it copies.")
    copy = SchemeVersion.objects.create(
        scheme=scheme,
        version=new_version,
        effective_from=effective_from,
        renewal_months=version.renewal_months,
        notes=f"Copied from version {version.version}.",
    )
    for criterion in version.criteria.all():
        criterion.pk = None
        criterion.version = copy
        criterion.save(force_insert=True)
    if version.effective_to is None or version.effective_to >= effective_from:
        version.effective_to = date.fromordinal(effective_from.toordinal() - 1)
        version.save(update_fields=["effective_to"])
    bump_everyone()  # readiness is judged against the scheme in every portfolio
    record_event(
        actor=actor,
        action="scheme.version_added",
        obj=copy,
        after={"scheme": scheme.code, "version": new_version, "effective_from": effective_from},
        message=f"Copied from version {version.version}",
    )
    return copy


@transaction.atomic
def save_scheme(*, actor, scheme: Scheme, changes: dict) -> Scheme:
    """Add or change an accreditation scheme's name, body, kind or order, and audit it."""
    action = "scheme.changed" if scheme.pk else "scheme.created"
    bump_everyone()
    return save_record(actor=actor, instance=scheme, changes=changes, action=action)


@transaction.atomic
def save_scheme_version(*, actor, version: SchemeVersion, changes: dict) -> SchemeVersion:
    """Add or change a version of a scheme (its dates, renewal period, notes), and audit it."""
    for name, value in changes.items():
        setattr(version, name, value)
    if version.effective_to and version.effective_to < version.effective_from:
        raise DomainError("A version cannot end before it starts.")
    action = "scheme.version_changed" if version.pk else "scheme.version_added"
    bump_everyone()
    return save_record(actor=actor, instance=version, changes=changes, action=action)


def export_cohort(*, actor, cohort, as_of: date, target) -> int:
    """Write the cohort workbook to `target` and audit the export; return the number of rows written."""
    from trainees.models import Enrolment

    rows, trainees = _write_workbook(
        Enrolment.objects.filter(cohort=cohort).order_by("user__last_name", "user__first_name", "pk"),
        as_of=as_of,
        target=target,
        title=cohort.name,
    )
    record_event(
        actor=actor,
        action="export.cohort",
        obj=cohort,
        after={"as_of": as_of, "trainees": trainees, "rows": rows},
    )
    return rows


def export_programme(*, actor, programme, as_of: date, target) -> int:
    """Write the programme workbook (every cohort of the programme, the cohort workbook's sheets with a
    Cohort column in the summary) to `target` and audit it; return the number of rows written."""
    from accreditation.selectors import programme_enrolments

    rows, trainees = _write_workbook(
        programme_enrolments(programme), as_of=as_of, target=target, title=programme.name
    )
    record_event(
        actor=actor,
        action="export.programme",
        obj=programme,
        after={"as_of": as_of, "trainees": trainees, "rows": rows},
    )
    return rows


def _write_workbook(enrolments, *, as_of: date, target, title: str) -> tuple[int, int]:
    """The six sheets, streamed: a batch of trainees is gathered, written to every sheet and let go."""
    from accreditation.exports import cohort_sheets, streamed_rows
    from accreditation.selectors import workbook_batches
    from core.spreadsheets import write_xlsx_stream

    scheme_codes, batches = workbook_batches(enrolments, as_of)
    counted = []

    def counting(batches):
        for entries in batches:
            counted.append(len(entries))
            yield entries

    rows = write_xlsx_stream(
        cohort_sheets([], scheme_codes, cohort_name=title),
        streamed_rows(counting(batches), scheme_codes),
        target,
    )
    return rows, sum(counted)
