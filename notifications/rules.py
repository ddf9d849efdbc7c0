"""The one rule: from the conditions the selectors report and the kinds (rules as data), who should be told
what on a given date. Pure: no database, no clock."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

# An "at once" condition first seen later than this after its date is not announced any more (a first run
# on an old database tells people about this fortnight, not about years of history).
AT_ONCE_CATCH_UP_DAYS = 14


@dataclass(frozen=True)
class Condition:
    """Something the records say: what (condition), about what (subject), its date, and who could be told."""

    condition: str
    subject: str  # "attempt:12"
    on: date  # the event's date, the deadline, or the day it became outstanding
    text: str  # plain words, no clinical detail and no marks
    url: str
    recipients: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # role -> user ids
    enrolment_id: int | None = None
    trainee_name: str = ""
    own_text: str = ""  # the same as the trainee it is about reads it ("You did not ..."), where it differs

    def text_for(self, user_id: int) -> str:
        if self.own_text and user_id in self.recipients.get("trainee", ()):
            return self.own_text
        return self.text


@dataclass(frozen=True)
class Rule:
    """A NotificationKind as plain values."""

    id: int
    code: str
    condition: str
    roles: tuple[str, ...]
    timing: str  # "at_once" | "before" | "repeat"
    days: int


@dataclass(frozen=True)
class Due:
    recipient_id: int
    kind_id: int
    subject: str
    due_on: date
    text: str
    url: str
    enrolment_id: int | None
    trainee_name: str


def due_date(rule: Rule, when: date, today: date) -> date | None:
    """The due date of the reminder the rule asks for today, or None when nothing is due today."""
    if rule.timing == "at_once":
        return when if when <= today <= when + timedelta(days=AT_ONCE_CATCH_UP_DAYS) else None
    if rule.timing == "before":
        return when if when - timedelta(days=rule.days) <= today <= when else None
    if rule.timing == "repeat":
        if today < when:
            return None
        # The latest reminder slot (when, when + N, when + 2N, ...): a missed daily run still catches up,
        # and re-running the same day gives the same due date.
        return when + timedelta(days=rule.days * ((today - when).days // rule.days))
    raise ValueError(f"Unknown timing {rule.timing!r}")


def decide(conditions: Iterable[Condition], rules: Sequence[Rule], today: date) -> list[Due]:
    """Every (recipient, kind, subject, due date) that should exist on `today`, once each."""
    by_condition: dict[str, list[Rule]] = {}
    for rule in rules:
        by_condition.setdefault(rule.condition, []).append(rule)
    seen: set[tuple] = set()
    result = []
    for item in conditions:
        for rule in by_condition.get(item.condition, ()):
            due_on = due_date(rule, item.on, today)
            if due_on is None:
                continue
            for role in rule.roles:
                for user_id in item.recipients.get(role, ()):
                    key = (user_id, rule.id, item.subject, due_on)
                    if key in seen:
                        continue
                    seen.add(key)
                    result.append(
                        Due(
                            user_id,
                            rule.id,
                            item.subject,
                            due_on,
                            item.text_for(user_id),
                            item.url,
                            item.enrolment_id,
                            item.trainee_name,
                        )
                    )
    return result
