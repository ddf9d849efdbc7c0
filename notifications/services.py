"""Writes for notifications: the daily pass, e-mail delivery, reading and e-mail preferences."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import mail
from accounts.services import record_event
from notifications.models import EmailPreference, Notification, NotificationKind
from notifications.rules import Due, Rule, decide
from notifications.selectors import chosen_frequencies
from notifications.sources import conditions_for, global_conditions, pack_conditions, renewal_conditions
from notifications.tokens import make_token
from trainees.models import Enrolment

BATCH_SIZE = 500


@dataclass
class PassResult:
    on: date
    dry_run: bool
    created: int = 0
    emails: int = 0
    batches: int = 0
    due: list[Due] = field(default_factory=list)


def active_rules() -> list[Rule]:
    return [
        Rule(k.pk, k.code, k.condition, k.recipient_roles, k.timing, k.days)
        for k in NotificationKind.objects.filter(enabled=True)
    ]


def _store(dues: list[Due], *, dry_run: bool, result: PassResult) -> None:
    """Create the notifications not made yet. The unique constraint settles a race between two runs."""
    if not dues:
        return
    existing = set(
        Notification.objects.filter(
            recipient_id__in={d.recipient_id for d in dues}, due_on__in={d.due_on for d in dues}
        ).values_list("recipient_id", "kind_id", "subject", "due_on")
    )
    new = [d for d in dues if (d.recipient_id, d.kind_id, d.subject, d.due_on) not in existing]
    result.created += len(new)
    if dry_run:
        result.due.extend(new)
        return
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=d.recipient_id,
                kind_id=d.kind_id,
                subject=d.subject,
                due_on=d.due_on,
                enrolment_id=d.enrolment_id,
                trainee_name=d.trainee_name[:200],
                text=d.text[:300],
                url=d.url,
            )
            for d in new
        ],
        ignore_conflicts=True,
    )


def run_daily_pass(
    *, on: date, dry_run: bool = False, batch_size: int = BATCH_SIZE, email: bool = True
) -> PassResult:
    """Tell everyone what is due on `on`. Idempotent: a second run on the same date adds and sends nothing."""
    result = PassResult(on=on, dry_run=dry_run)
    rules = active_rules()
    if not rules:
        return result
    last = 0
    base = Enrolment.objects.with_people().filter(status=Enrolment.Status.ACTIVE).order_by("pk")
    while True:
        batch = list(base.filter(pk__gt=last)[:batch_size])
        if not batch:
            break
        last = batch[-1].pk
        result.batches += 1
        _store(decide(conditions_for(batch, on=on), rules, on), dry_run=dry_run, result=result)
    # Qualified people: renewals falling due, in batches read the same way.
    if any(r.condition == "registration_renewal_due" for r in rules):
        last = 0
        completed = Enrolment.objects.with_people().filter(status=Enrolment.Status.COMPLETED).order_by("pk")
        while True:
            batch = list(completed.filter(pk__gt=last)[:batch_size])
            if not batch:
                break
            last = batch[-1].pk
            result.batches += 1
            _store(decide(renewal_conditions(batch, on=on), rules, on), dry_run=dry_run, result=result)
    _store(decide(global_conditions(on=on), rules, on), dry_run=dry_run, result=result)
    if email:
        result.emails = deliver_email(on=on, dry_run=dry_run, batch_size=batch_size)
    return result


def _open_link(notification: Notification) -> str:
    return mail.absolute(reverse("notifications:open", args=[notification.pk]))


def _settings_link(user_id: int, kind_id: int) -> str:
    return mail.absolute(reverse("notifications:email_link", args=[make_token(user_id, kind_id)]))


def run_events(*, on: date) -> PassResult:
    """What needs no waiting (a visit pack ready or failed), run by the worker as soon as it happens:
    create those items and send the at-once e-mails only, leaving digests to the daily pass. Idempotent
    like the daily pass, which finds the same items again and creates nothing."""
    result = PassResult(on=on, dry_run=False)
    rules = active_rules()
    if rules:
        _store(decide(pack_conditions(on=on), rules, on), dry_run=False, result=result)
        result.emails = deliver_email(on=on, at_once_only=True)
    return result


def _frequency_due(frequency: str, on: date, at_once_only: bool = False) -> bool:
    if at_once_only:
        return frequency == EmailPreference.Frequency.AT_ONCE
    if frequency == EmailPreference.Frequency.WEEKLY:
        return on.weekday() == 0  # weekly digests go on Mondays
    return frequency in (EmailPreference.Frequency.AT_ONCE, EmailPreference.Frequency.DAILY)


# A digest's claim names its date, so a later run on the same date can tell that a person already had one.
DIGEST_CLAIM = "digest:"
# A digest lists at most this many items of one trainee and kind; the rest are counted and linked to the
# notifications page, so a digest stays readable whatever is waiting.
DIGEST_ITEMS_PER_GROUP = 10


def _digest(person, items: list[Notification]):
    def about(n: Notification) -> str:
        # A trainee's own items are about them: "You", first, rather than their own name among the others.
        own = not n.trainee_name or (n.enrolment_id is not None and n.enrolment.user_id == person.pk)
        return "You" if own else n.trainee_name

    subject = {n.pk: about(n) for n in items}
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for n in sorted(items, key=lambda n: (subject[n.pk] != "You", subject[n.pk], n.kind.order, n.pk)):
        groups[f"{subject[n.pk]}: {n.kind.name}"].append((n.text, _open_link(n)))
    everything = mail.absolute(reverse("notifications:list"))
    for heading, lines in groups.items():
        if len(lines) > DIGEST_ITEMS_PER_GROUP:
            more = len(lines) - DIGEST_ITEMS_PER_GROUP
            groups[heading] = lines[:DIGEST_ITEMS_PER_GROUP] + [
                (f"and {more} more on your notifications page", everything)
            ]
    kinds = {n.kind_id: n.kind for n in items}
    return mail.build(
        to=person.email,
        subject=f"{len(items)} thing{'s' if len(items) != 1 else ''} waiting for you",
        template="notification_digest",
        context={
            "name": person.display_name,
            "groups": list(groups.items()),
            "settings_links": [(k.name, _settings_link(person.pk, k.pk)) for k in kinds.values()],
        },
    )


def deliver_email(
    *, on: date, dry_run: bool = False, batch_size: int = BATCH_SIZE, at_once_only: bool = False
) -> int:
    """Send what is due by e-mail, each kind as the person chose or else as the kind's default: an at-once
    item alone, everything else due in ONE digest per person per date (daily and, on Mondays, weekly
    items together), grouped by trainee and kind, however many items are waiting.

    Works through people in batches (all of one person's items in the same batch, so they are never split
    between two digests). Each item is claimed by one run with a conditional update, so two workers never
    send it twice; a digest's claim carries the date, so items that appear after a person's digest went
    wait for the next day's digest rather than making a second one."""
    sent = 0
    last = 0
    waiting = Notification.objects.filter(email_claim="")
    digest_claim = f"{DIGEST_CLAIM}{on.isoformat()}:"
    while True:
        people = list(
            waiting.filter(recipient_id__gt=last)
            .order_by("recipient_id")
            .values_list("recipient_id", flat=True)
            .distinct()[:batch_size]
        )
        if not people:
            break
        last = people[-1]
        rows = list(
            waiting.filter(recipient_id__in=people)
            .select_related("recipient", "kind", "enrolment")
            .order_by("pk")
        )
        chosen = chosen_frequencies(people)
        had_digest = (
            set()
            if at_once_only
            else set(
                Notification.objects.filter(recipient_id__in=people, email_claim__startswith=digest_claim)
                .values_list("recipient_id", flat=True)
                .distinct()
            )
        )
        send, skip = [], []
        for n in rows:
            frequency = n.kind.frequency_for(chosen.get((n.recipient_id, n.kind_id)))
            if (
                frequency == EmailPreference.Frequency.OFF
                or not n.recipient.email
                or not n.recipient.is_active
            ):
                skip.append(n.pk)
            elif not _frequency_due(frequency, on, at_once_only):
                continue
            elif frequency != EmailPreference.Frequency.AT_ONCE and n.recipient_id in had_digest:
                continue  # one digest a day: this waits for tomorrow's
            else:
                n.frequency = frequency
                send.append(n)
        if dry_run:
            sent += len(
                {(n.recipient_id, n.frequency == EmailPreference.Frequency.AT_ONCE and n.pk) for n in send}
            )
            continue
        run = uuid.uuid4().hex
        now = timezone.now()
        if skip:
            Notification.objects.filter(pk__in=skip, email_claim="").update(email_claim=f"skip-{run}"[:40])
        if not send:
            continue
        at_once = [n.pk for n in send if n.frequency == EmailPreference.Frequency.AT_ONCE]
        digest = [n.pk for n in send if n.frequency != EmailPreference.Frequency.AT_ONCE]
        claims = (run, f"{digest_claim}{run[:20]}")
        for pks, claim in ((at_once, claims[0]), (digest, claims[1])):
            if pks:
                Notification.objects.filter(pk__in=pks, email_claim="").update(
                    email_claim=claim, emailed_at=now
                )
        mine = set(Notification.objects.filter(email_claim__in=claims).values_list("pk", flat=True))
        messages = []
        digests: dict[int, list[Notification]] = defaultdict(list)
        for n in send:
            if n.pk not in mine:
                continue
            if n.frequency == EmailPreference.Frequency.AT_ONCE:
                messages.append(
                    mail.build(
                        to=n.recipient.email,
                        subject=n.kind.name,
                        template="notification",
                        context={
                            "name": n.recipient.display_name,
                            "text": n.text,
                            "link": _open_link(n),
                            "kind": n.kind.name,
                            "settings_link": _settings_link(n.recipient_id, n.kind_id),
                        },
                    )
                )
            else:
                digests[n.recipient_id].append(n)
        messages.extend(_digest(items[0].recipient, items) for items in digests.values())
        sent += mail.send_many(messages)
    return sent


@transaction.atomic
def mark_read(*, actor, notification: Notification) -> Notification:
    """The recipient dismissed the item or opened the thing it links to."""
    if notification.recipient_id != actor.pk:
        raise PermissionError("Only the recipient marks a notification read.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(*, actor) -> int:
    count = Notification.objects.unread().filter(recipient=actor).update(read_at=timezone.now())
    if count:
        record_event(actor=actor, action="notifications.all_read", obj=actor, message=f"{count} marked read")
    return count


@transaction.atomic
def set_email_preference(*, actor, user, kind: NotificationKind, frequency: str) -> EmailPreference:
    """How one kind reaches one person by e-mail. `actor` is None when changed through a signed link."""
    if frequency not in EmailPreference.Frequency.values:
        raise ValueError(f"Unknown frequency {frequency!r}")
    preference, created = EmailPreference.objects.get_or_create(
        user=user, kind=kind, defaults={"frequency": frequency}
    )
    # Before this choice the person had their earlier one, or else the kind's default.
    before = kind.frequency_for(None if created else preference.frequency)
    if not created and preference.frequency != frequency:
        preference.frequency = frequency
        preference.save(update_fields=["frequency"])
    if before != frequency:
        record_event(
            actor=actor,
            action="notifications.email_preference",
            obj=preference,
            message="Changed through the link in an e-mail" if actor is None else "",
            before={"frequency": before},
            after={"frequency": frequency},
        )
    return preference
