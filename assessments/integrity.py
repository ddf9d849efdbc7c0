"""Re-checking signed records against their own hashes (run by `manage.py verify_records`)."""

from assessments.models import SignOff
from assessments.rules import marks_digest


def sign_offs_not_matching() -> tuple[int, list[str]]:
    """(sign-offs checked, a line for each whose stored marks no longer hash to the hash signed with them)."""
    checked, problems = 0, []
    for sign_off in SignOff.objects.only("pk", "marks", "marks_sha256").order_by("pk").iterator():
        checked += 1
        if marks_digest(sign_off.marks) != sign_off.marks_sha256:
            problems.append(
                f"Sign-off {sign_off.pk}: the agreed marks no longer match the hash signed with them."
            )
    return checked, problems
