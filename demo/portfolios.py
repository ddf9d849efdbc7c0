"""A submitted portfolio for trainee.done, and the demo visit's sample that picks it.

Seed this after every other area: the snapshot freezes whatever records exist when it is submitted.
"""

from datetime import date

from accounts.models import User
from accreditation.models import PortfolioSnapshot, Visit
from accreditation.portfolio.services import submit_portfolio
from accreditation.portfolio.visits import draw_visit_sample
from trainees.models import Enrolment

# A fixed seed, so the demo's draw is the same on every machine (and `replay_sample` shows it).
DEMO_SAMPLE_SEED = 20260101


def seed(today: date) -> dict:
    enrolment = Enrolment.objects.select_related("user").get(user__username="trainee.done")
    snapshot = PortfolioSnapshot.objects.filter(enrolment=enrolment).first()
    if snapshot is None:
        snapshot = submit_portfolio(actor=enrolment.user, enrolment=enrolment, as_of=today)
    visit = Visit.objects.get(programme__code="northvale-pwp", title="BPS programme accreditation visit")
    if not visit.samples.exists():
        draw_visit_sample(
            actor=User.objects.get(username="admin"), visit=visit, per_cohort=1, seed=DEMO_SAMPLE_SEED
        )
    return {"snapshot": snapshot, "visit": visit}
