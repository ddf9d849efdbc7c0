"""CPD for the demo's qualified practitioners: some confirmed, one waiting, so renewal shows real gaps."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from trainees.cpd.services import confirm_cpd_activity, record_cpd_activity
from trainees.models import CpdActivity, Enrolment

PLANS = {
    "trainee.done": [
        (20, "Low-intensity supervision skills refresher", "3.5", True, True),
        (35, "Working with interpreters in step 2", "2", False, True),
        (50, "Behavioural activation for older adults (webinar)", "1.5", True, False),
    ],
    "trainee.cpd": [
        (30, "Motivational interviewing in brief contacts", "3", True, True),
        (60, "Long-term conditions and low-intensity CBT", "2", False, False),
    ],
}


@transaction.atomic
def seed(today: date) -> None:
    supervisor = User.objects.get(username="supervisor")
    for username, activities in PLANS.items():
        enrolment = Enrolment.objects.select_related("user").filter(user__username=username).first()
        if enrolment is None or CpdActivity.objects.filter(enrolment=enrolment).exists():
            continue
        start = enrolment.completed_on or enrolment.start_date
        for days_after, title, hours, cbt, confirm in activities:
            on = min(start + timedelta(days=days_after), today)
            activity = record_cpd_activity(
                actor=enrolment.user,
                enrolment=enrolment,
                date=on,
                title=title,
                hours=Decimal(hours),
                cbt_informed=cbt,
                reflection=(
                    f"What I learnt from “{title}” and how I will use it with patients at step 2, "
                    "discussed in clinical-skills supervision."
                ),
            )
            if confirm:
                confirm_cpd_activity(actor=supervisor, activity=activity)
