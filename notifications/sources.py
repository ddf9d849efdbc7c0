"""What the records say, as Conditions for the rules. Reads only through the selectors the pages use
(CONTRACTS.md), a constant number of queries for each batch of enrolments."""

from collections.abc import Sequence
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.invitations import invitations_waiting
from accreditation.selectors import (
    finished_packs,
    portfolio_submissions_for,
    renewals_due_for,
    visits_with_visitors,
)
from assessments.deadlines import deadlines_ahead_for, marking_overdue_for
from assessments.selectors import attempt_notices_for
from core.dates import long_date
from curriculum.selectors import programme_staff_for
from notifications.rules import AT_ONCE_CATCH_UP_DAYS, Condition
from trainees.attendance.selectors import awaiting_workplace_days_for, training_days_progress_for
from trainees.caseload.selectors import caseload_figures_for
from trainees.cpd.selectors import awaiting_cpd_for
from trainees.enrolment.selectors import current_assignments_for
from trainees.models import Enrolment
from trainees.supervision.selectors import (
    awaiting_sessions_for,
    credential_statuses,
    supervision_compliance_for,
)

# The conditions a NotificationKind can watch; loading fixtures refuses any other.
CONDITIONS = {
    "attempt_awaiting_first_marker": "An attempt waits for a first marker",
    "attempt_awaiting_second_marker": "An attempt waits for a second marker",
    "marks_released": "Marks and feedback are released",
    "session_awaiting_confirmation": "A supervision session waits for confirmation",
    "workplace_day_awaiting_confirmation": "A workplace day waits for confirmation",
    "cpd_awaiting_confirmation": "A CPD activity waits for confirmation",
    "case_review_due": "A case review falls due",
    "case_review_overdue": "A case review is overdue",
    "missed_supervision_week": "A week without enough case-management supervision",
    "falling_behind": "A trainee is falling behind",
    "credential_lapsing": "A supervisor credential or refresher is due",
    "window_ending": "The training window ends",
    "portfolio_submitted": "A portfolio is submitted",
    "visit_pack_finished": "A visit pack is ready or failed",
    "visit_opening": "A visit opens to its visitors",
    "visit_closing": "A visit closes to its visitors",
    "invitation_not_accepted": "An invitation has not been accepted",
    "registration_renewal_due": "A registration or accreditation renewal falls due",
    "submission_deadline_approaching": "A submission deadline is coming up",
    "marking_return_overdue": "First marking is past its return date",
}

# How far ahead the daily pass looks for case reviews falling due and visits opening or closing: the
# longest "days before" a kind of those conditions may use.
LOOK_AHEAD_DAYS = 28
LOOK_AHEAD_CONDITIONS = {
    "case_review_due",
    "visit_opening",
    "visit_closing",
    "submission_deadline_approaching",
}
RENEWAL_LOOK_AHEAD_DAYS = 90
# An invitation is chased once it has waited this long (the 7 days); kinds repeat from then on.
INVITATION_CHASE_AFTER_DAYS = 7

SUPERVISORS = ("case_management", "clinical_skills")


def _roles(enrolment: Enrolment, assignments: dict[str, tuple[int, ...]], staff: tuple[int, ...]) -> dict:
    supervisors = tuple(dict.fromkeys(uid for kind in SUPERVISORS for uid in assignments.get(kind, ())))
    return {
        "trainee": (enrolment.user_id,),
        "supervisors": supervisors,
        "case_management_supervisor": assignments.get("case_management", ()),
        "educators": tuple(uid for uid in staff if uid != enrolment.user_id),
    }


def conditions_for(enrolments: Sequence[Enrolment], *, on: date) -> list[Condition]:
    """Every condition about these enrolments on a date (enrolments loaded with_people())."""
    enrolments = [e for e in enrolments if e.status == Enrolment.Status.ACTIVE]
    if not enrolments:
        return []
    since = on - timedelta(days=AT_ONCE_CATCH_UP_DAYS)
    by_pk = {e.pk: e for e in enrolments}
    assignments = current_assignments_for(enrolments, on=on)
    staff = programme_staff_for({e.cohort.programme_id for e in enrolments})
    roles = {e.pk: _roles(e, assignments[e.pk], staff[e.cohort.programme_id]) for e in enrolments}
    out: list[Condition] = []

    def add(condition, subject, when, text, url, enrolment_id, recipients=None, own=""):
        """`own`: the text as the trainee it is about reads it, when it differs from what others read."""
        enrolment = by_pk[enrolment_id]
        name = enrolment.user.display_name
        out.append(
            Condition(
                condition,
                subject,
                when,
                text.format(name=name),
                url,
                recipients or roles[enrolment_id],
                enrolment_id,
                name,
                own,
            )
        )

    for notice in attempt_notices_for(enrolments, released_since=since, on=on):
        url = reverse("assessments:attempt", args=[notice.pk])
        if notice.status == "submitted":
            add(
                "attempt_awaiting_first_marker",
                f"attempt:{notice.pk}",
                notice.submitted_on,
                "An assessment by {name} is waiting for a first marker",
                url,
                notice.enrolment_id,
            )
        elif notice.status == "awaiting_moderation":
            r = dict(roles[notice.enrolment_id])
            r["educators"] = tuple(u for u in r["educators"] if u != notice.first_marker_id)
            add(
                "attempt_awaiting_second_marker",
                f"attempt:{notice.pk}",
                notice.first_marked_on or on,
                "An assessment by {name} is waiting for a second marker",
                url,
                notice.enrolment_id,
                r,
            )
        elif notice.release_on is not None and notice.release_on <= on:
            add(
                "marks_released",
                f"attempt:{notice.pk}",
                notice.release_on,
                "Your marks and feedback for an assessment are ready to read",
                url,
                notice.enrolment_id,
            )

    for deadline in deadlines_ahead_for(enrolments, on=on, within_days=LOOK_AHEAD_DAYS):
        add(
            "submission_deadline_approaching",
            f"deadline:{deadline.enrolment_id}:{deadline.component_id}:{deadline.due_on.isoformat()}",
            deadline.due_on,
            # The name is literal text: braces in it must not reach str.format.
            deadline.component_name.replace("{", "{{").replace("}", "}}")
            + " is due by "
            + long_date(deadline.due_on),
            reverse("assessments:trainee", args=[deadline.enrolment_id]),
            deadline.enrolment_id,
        )
    for pk, enrolment_id, marking_due in marking_overdue_for(enrolments, on=on):
        add(
            "marking_return_overdue",
            f"marking_due:{pk}",
            # Reminders start the first day after the return day.
            marking_due + timedelta(days=1),
            "Marking of an assessment by {name} was due back on " + long_date(marking_due),
            reverse("assessments:attempt", args=[pk]),
            enrolment_id,
        )

    for pk, enrolment_id, supervisor_id, when in awaiting_sessions_for(enrolments):
        r = {**roles[enrolment_id], "supervisors": (supervisor_id,)}
        add(
            "session_awaiting_confirmation",
            f"session:{pk}",
            when,
            "A supervision session with {name} is waiting for your confirmation",
            reverse("trainees:supervision_session", args=[pk]),
            enrolment_id,
            r,
        )
    for pk, enrolment_id, when in awaiting_workplace_days_for(enrolments):
        add(
            "workplace_day_awaiting_confirmation",
            f"workplace_day:{pk}",
            when,
            "A workplace day logged by {name} is waiting for confirmation",
            reverse("trainees:workplace_day_review", args=[pk]),
            enrolment_id,
        )
    for pk, enrolment_id, when in awaiting_cpd_for(enrolments):
        add(
            "cpd_awaiting_confirmation",
            f"cpd:{pk}",
            when,
            "A CPD activity recorded by {name} is waiting for confirmation",
            reverse("trainees:cpd", args=[enrolment_id]),
            enrolment_id,
        )

    compliance = supervision_compliance_for(enrolments, end=on)
    # The same reading LOOK_AHEAD_DAYS ahead: a case overdue then but not now falls due in between.
    ahead = on + timedelta(days=LOOK_AHEAD_DAYS)
    compliance_ahead = supervision_compliance_for(enrolments, end=ahead)
    days = training_days_progress_for(enrolments, on=on)
    caseload = caseload_figures_for(enrolments, on=on)
    for enrolment in enrolments:
        pk = enrolment.pk
        result = compliance[pk]
        supervision_url = reverse("trainees:supervision", args=[pk])
        for case in result.overdue_cases:
            overdue_since = on - timedelta(
                days=case.days_since_review - result.rules.case_review_interval_days
            )
            add(
                "case_review_overdue",
                f"case:{pk}:{case.reference}",
                overdue_since,
                # The date tells several overdue cases of one trainee apart (the case reference stays out of
                # e-mail); it is the "due by" date the trainee and supervisor were given a week before: the
                # last day within the review interval (overdue_since); the case is overdue the day after.
                "A case review for {name} is overdue: it was due by " + long_date(overdue_since),
                supervision_url,
                pk,
                own="One of your case reviews is overdue: it was due by " + long_date(overdue_since),
            )
        overdue_now = {case.reference for case in result.overdue_cases}
        for case in compliance_ahead[pk].overdue_cases:
            if case.reference in overdue_now:
                continue
            # Overdue the day after the interval has passed since the last review (or the case opened).
            due_on = ahead - timedelta(
                days=case.days_since_review - compliance_ahead[pk].rules.case_review_interval_days - 1
            )
            add(
                "case_review_due",
                f"case_due:{pk}:{case.reference}",
                due_on,
                # due_on is the first day it is overdue, so the review is due by the day before.
                "A case review for {name} is due by " + long_date(due_on - timedelta(days=1)),
                supervision_url,
                pk,
                own="One of your case reviews is due by " + long_date(due_on - timedelta(days=1)),
            )
        for monday in result.missed_weeks:
            add(
                "missed_supervision_week",
                f"week:{pk}:{monday.isoformat()}",
                monday + timedelta(days=7),
                "{name} did not have enough case-management supervision in the week of " + long_date(monday),
                supervision_url,
                pk,
                own="You did not have enough case-management supervision in the week of " + long_date(monday),
            )
        behind = []
        if days[pk].status == "off_track":
            behind.append("training days")
        if caseload[pk].status == "behind":
            behind.append("caseload")
        if result.missed_weeks and any(m >= on - timedelta(days=28) for m in result.missed_weeks):
            behind.append("supervision")
        if behind:
            add(
                "falling_behind",
                f"behind:{pk}",
                enrolment.start_date,
                "{name} is falling behind on " + " and ".join(behind),
                reverse("trainees:detail", args=[pk]),
                pk,
            )
        if enrolment.nominal_window_end:
            add(
                "window_ending",
                f"window:{pk}",
                enrolment.nominal_window_end,
                "The 12-month training window for {name} ends on " + long_date(enrolment.nominal_window_end),
                reverse("trainees:detail", args=[pk]),
                pk,
                own="Your 12-month training window ends on " + long_date(enrolment.nominal_window_end),
            )

    supervisor_ids = sorted({uid for r in roles.values() for uid in r["supervisors"]})
    for supervisor_id, status in credential_statuses(supervisor_ids, on=on).items():
        for label, when in (("credential", status.valid_until), ("refresher", status.refresher_due_on)):
            if when is None:
                continue
            out.append(
                Condition(
                    "credential_lapsing",
                    f"{label}:{supervisor_id}:{when.isoformat()}",
                    when,
                    f"Your supervisor {label} is due by {long_date(when)}",
                    reverse("trainees:supervisor", args=[supervisor_id]),
                    {"supervisor": (supervisor_id,)},
                )
            )

    for pk, enrolment_id, when in portfolio_submissions_for(enrolments, since=since):
        add(
            "portfolio_submitted",
            f"portfolio:{pk}",
            when,
            "{name} submitted a portfolio",
            reverse("portfolios:snapshot", args=[pk]),
            enrolment_id,
        )
    return out


def renewal_conditions(enrolments: Sequence[Enrolment], *, on: date) -> list[Condition]:
    """Completed training: registration or accreditation renewals falling due (to the qualified person)."""
    by_pk = {e.pk: e for e in enrolments}
    out = []
    for enrolment_id, code, scheme, due in renewals_due_for(
        enrolments, on=on, within_days=RENEWAL_LOOK_AHEAD_DAYS
    ):
        enrolment = by_pk[enrolment_id]
        out.append(
            Condition(
                "registration_renewal_due",
                f"renewal:{enrolment_id}:{code}:{due.isoformat()}",
                due,
                f"Your {scheme} renewal is due by {long_date(due)}",
                reverse("accreditation:trainee_readiness", args=[enrolment_id]),
                {"trainee": (enrolment.user_id,)},
                enrolment_id,
                enrolment.user.display_name,
            )
        )
    return out


def global_conditions(*, on: date) -> list[Condition]:
    """Conditions not about one trainee: visit packs, visits opening and closing, invitations waiting."""
    out = pack_conditions(on=on)
    for visit, visitors in visits_with_visitors(between=(on, on + timedelta(days=LOOK_AHEAD_DAYS))):
        url = reverse("portfolios:visit", args=[visit.pk])
        if on <= visit.starts_on:
            text = f"{visit.title} opens to you on {long_date(visit.starts_on)}"
            out.append(
                Condition(
                    "visit_opening", f"visit:{visit.pk}", visit.starts_on, text, url, {"visitors": visitors}
                )
            )
        if on <= visit.ends_on:
            text = f"{visit.title} closes to you on {long_date(visit.ends_on)}"
            out.append(
                Condition(
                    "visit_closing", f"visit:{visit.pk}", visit.ends_on, text, url, {"visitors": visitors}
                )
            )
    for invitation, administrators in invitations_waiting(
        sent_on_or_before=on - timedelta(days=INVITATION_CHASE_AFTER_DAYS)
    ):
        sent_on = timezone.localdate(invitation.last_sent_at)
        name = invitation.user.display_name
        out.append(
            Condition(
                "invitation_not_accepted",
                f"invitation:{invitation.pk}:{invitation.times_sent}",
                sent_on + timedelta(days=INVITATION_CHASE_AFTER_DAYS),
                f"{name} has not yet set a password from the invitation sent on {long_date(sent_on)}",
                reverse("accounts:invitations"),
                {
                    "administrators": administrators,
                    "requester": (invitation.invited_by_id,) if invitation.invited_by_id else (),
                },
                None,
                name,
            )
        )
    return out


def pack_conditions(*, on: date) -> list[Condition]:
    """Visit packs that finished in the last fortnight (also run at once by the worker, see tasks.py)."""
    since = on - timedelta(days=AT_ONCE_CATCH_UP_DAYS)
    out = []
    for pk, visit_id, requester, status, when in finished_packs(since=since):
        text = (
            "The visit pack you asked for is ready"
            if status == "ready"
            else "The visit pack you asked for could not be built"
        )
        out.append(
            Condition(
                "visit_pack_finished",
                f"pack:{pk}",
                when,
                text,
                reverse("portfolios:visit_pack", args=[visit_id, pk]),
                {"requester": (requester,)},
            )
        )
    return out
