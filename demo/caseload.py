"""Demo caseloads: contacts for the trainee.* accounts that follow their programme's ramp.

trainee.new (month 1) has none, as the ramp expects; trainee.mid (month 6) and trainee.late (month 11) are
close to the guide's ramp; trainee.done has a full training year of about 170 patients (five contacts or so
each) and has gone on practising as a qualified PWP since; trainee.cpd, already qualified, runs ahead.

The rows go through the same importer as a service's export (validation, batches, bulk_create), so demo
data obeys every rule real data does. Case references look like NV-000123 (supervision uses SUP-...).
Idempotent: a trainee who already has NV- cases is left alone.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from accounts.models import User
from curriculum.models import Programme
from trainees.caseload.importer import FIELDS, import_rows
from trainees.caseload.selectors import clock_for, ramp_end, ramp_for
from trainees.caseload.services import create_caseload_import, set_caseload_settings
from trainees.models import Case, CaseloadImport, Enrolment, RampProfile

PREFIX = "NV-"


@dataclass(frozen=True)
class Plan:
    username: str
    pace: float  # share of the ramp's expectation this trainee actually sees
    first_number: int  # case references count up from here
    qualified_pace: float = 0.0  # after the training year: share of a full caseload


PLANS = [
    Plan("trainee.new", 1.0, 100),
    Plan("trainee.mid", 0.97, 200_000),
    Plan("trainee.late", 0.93, 300_000),
    Plan("trainee.done", 1.0, 400_000, qualified_pace=0.9),
    Plan("trainee.cpd", 1.25, 500_000),
]

PROBLEMS = [
    ("depression", 30),
    ("gad", 18),
    ("mixed", 15),
    ("panic", 10),
    ("health_anxiety", 6),
    ("ocd", 5),
    ("phobia", 5),
    ("social_anxiety", 5),
    ("other", 6),
]
INTERVENTIONS = {
    "depression": [
        "behavioural-activation",
        "cognitive-restructuring",
        "problem-solving",
        "medication-support",
    ],
    "mixed": ["behavioural-activation", "problem-solving", "cognitive-restructuring", "sleep-hygiene"],
    "gad": ["worry-management", "problem-solving", "cognitive-restructuring", "written-cbt-self-help"],
    "panic": ["panic-management", "exposure-therapy"],
    "health_anxiety": ["exposure-therapy", "cognitive-restructuring"],
    "ocd": ["exposure-therapy"],
    "phobia": ["exposure-therapy"],
    "social_anxiety": ["exposure-therapy", "cognitive-restructuring", "computerised-cbt"],
    "other": ["problem-solving", "sleep-hygiene", "written-cbt-self-help"],
}
MODES = [("telephone", 55), ("face to face", 25), ("video", 15), ("online", 5)]


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _weekday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _patient(rng: random.Random, reference: str, assessed: date, last_day: date) -> list[list]:
    """One patient's contacts: an assessment, treatment sessions a fortnight apart, then an ending."""
    problem = _pick(rng, PROBLEMS)
    mode = _pick(rng, MODES)
    intervention = rng.choice(INTERVENTIONS[problem])
    phq, gad, wsas = rng.randint(10, 21), rng.randint(8, 18), rng.randint(10, 30)
    rows = [
        [
            reference,
            assessed,
            "Assessment",
            mode,
            "",
            rng.choice([40, 45, 45, 50]),
            phq,
            gad,
            wsas,
            "",
            problem,
        ]
    ]
    ending = rng.random()
    sessions = 1 if ending < 0.1 else rng.choice([3, 3, 4])
    day = assessed
    for _ in range(sessions):
        day = _weekday(day + timedelta(days=rng.choice([12, 14, 14, 15])))
        phq, gad, wsas = (
            max(phq - rng.randint(1, 4), 0),
            max(gad - rng.randint(1, 3), 0),
            max(wsas - rng.randint(1, 5), 0),
        )
        rows.append(
            [
                reference,
                day,
                "Treatment",
                mode,
                intervention,
                rng.choice([30, 30, 35]),
                phq,
                gad,
                wsas,
                "",
                "",
            ]
        )
    day = _weekday(day + timedelta(days=14))
    if ending < 0.1:
        rows.append([reference, day, "Review", mode, "", 20, "", "", "", "Dropped out", ""])
    elif ending < 0.2:
        rows.append([reference, day, "Review", mode, "", 30, phq, gad, wsas, "Stepped up", ""])
    elif ending < 0.25:
        rows.append([reference, day, "Discharge", mode, "", 25, phq, gad, wsas, "Stepped down", ""])
    else:
        rows.append([reference, day, "Discharge", mode, intervention, 30, phq, gad, wsas, "Discharged", ""])
    return [row for row in rows if row[1] <= last_day]


def caseload_rows(enrolment: Enrolment, plan: Plan, today: date) -> list[list]:
    """Header and rows for a trainee whose new patients follow the ramp at `plan.pace`."""
    rng = random.Random(plan.username)
    ramp = ramp_for(enrolment)
    clock = clock_for(enrolment)
    end = ramp_end(enrolment, ramp, clock)
    last_day = today - timedelta(days=1)
    weekly = ramp.annual_caseload / 52
    rows: list[list] = []
    number, carry = plan.first_number, 0.0
    week = enrolment.start_date
    while week <= last_day:
        share = ramp.share_at(clock.position(week)) * plan.pace if week <= end else plan.qualified_pace
        carry += weekly * share * rng.uniform(0.8, 1.2)
        while carry >= 1:
            carry -= 1
            number += 1
            assessed = _weekday(week + timedelta(days=rng.randint(0, 4)))
            if enrolment.start_date <= assessed <= last_day:
                rows.extend(_patient(rng, f"{PREFIX}{number:06d}", assessed, last_day))
        week += timedelta(days=7)
    return [[f.label for f in FIELDS], *rows]


@transaction.atomic
def seed(today: date) -> dict:
    southmere = Programme.objects.filter(code="southmere-pwp").first()
    curriculum_ramp = RampProfile.objects.filter(code="curriculum").first()
    if southmere and curriculum_ramp and not hasattr(southmere, "caseload_settings"):
        # The other programme follows the curriculum's ramp, so both profiles appear in the demo.
        set_caseload_settings(
            actor=None,
            programme=southmere,
            profile=curriculum_ramp,
            annual_caseload=250,
            none_months=None,
            contact_hours_target=80,
        )
    imported = {}
    for plan in PLANS:
        enrolment = (
            Enrolment.objects.with_people()
            .filter(user__username=plan.username)
            .order_by("-start_date")
            .first()
        )
        if (
            enrolment is None
            or Case.objects.filter(enrolment=enrolment, reference__startswith=PREFIX).exists()
        ):
            continue
        rows = caseload_rows(enrolment, plan, today)
        if len(rows) == 1:
            continue
        job = create_caseload_import(
            actor=User.objects.get(username=plan.username),
            enrolment=enrolment,
            mapping=None,
            original_name="demo-caseload.csv",
            file_format=CaseloadImport.Format.CSV,
            dry_run=False,
        )
        result = import_rows(actor=None, enrolment=enrolment, job=job, sheet="Demo", rows=rows, today=today)
        if not result.ok:
            raise RuntimeError("Demo caseload is invalid: " + "; ".join(str(p) for p in result.errors[:5]))
        CaseloadImport.objects.filter(pk=job.pk).update(
            status=CaseloadImport.Status.IMPORTED,
            rows_read=result.rows_read,
            contacts_created=result.contacts_created,
            cases_created=result.cases_created,
            message=result.summary(),
        )
        imported[plan.username] = result
    return imported
