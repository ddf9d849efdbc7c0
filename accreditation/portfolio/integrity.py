"""Re-checking submitted portfolio snapshots against their hashes (run by `manage.py verify_records`)."""

import hashlib

from accreditation.models import PortfolioSnapshot
from accreditation.portfolio.data import data_sha256


def snapshots_not_matching() -> tuple[int, list[str]]:
    """(snapshots checked, a line for each whose data or stored PDF no longer matches its hashes)."""
    checked, problems = 0, []
    fields = ("pk", "data", "data_sha256", "pdf", "pdf_sha256", "verification_code")
    for snapshot in PortfolioSnapshot.objects.only(*fields).order_by("pk").iterator():
        checked += 1
        name = f"Portfolio snapshot {snapshot.verification_code}"
        if data_sha256(snapshot.data) != snapshot.data_sha256:
            problems.append(f"{name}: its data no longer matches the hash taken when it was submitted.")
        try:
            digest = hashlib.sha256()
            with snapshot.pdf.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                    digest.update(chunk)
        except OSError:
            problems.append(f"{name}: its PDF file is missing from storage.")
            continue
        if digest.hexdigest() != snapshot.pdf_sha256:
            problems.append(f"{name}: its PDF file no longer matches the hash taken when it was submitted.")
    return checked, problems
