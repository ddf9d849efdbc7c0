"""The demo's full-year trainee: `render_portfolio trainee.done` writes a PDF a visitor can read and check.

Slow (it seeds every area's demo records, as `seed_demo` does), so it is the one test of the whole document.
"""

import re
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accreditation import facts as facts_module
from accreditation.selectors import evaluate_schemes, get_scheme
from assessments.selectors import competence_statuses
from curriculum.models import Intervention
from demo import assessments, attendance, caseload, foundation, supervision
from trainees.models import Enrolment
from trainees.supervision.selectors import supervision_summary

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
    ),
]


@pytest.fixture
def done(curriculum, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_reference_data", stdout=StringIO())
    today = timezone.localdate()
    for area in (foundation, attendance, assessments, caseload, supervision):
        area.seed(today)
    return Enrolment.objects.with_people().get(user__username="trainee.done")


def test_the_full_year_portfolio_names_the_signers_the_supervision_totals_and_the_readiness(done, tmp_path):
    out = tmp_path / "done.pdf"
    call_command("render_portfolio", "trainee.done", "-o", str(out), stdout=StringIO())
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, check=True, text=True
    ).stdout
    lines = text.splitlines()
    today = timezone.localdate()

    assert "Dana Okafor" in text
    pages = text.count("\f")
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text

    # All seven interventions, each on the sign-off table's line with the person who signed it off.
    statuses = {s.code: s for s in competence_statuses(done, released_only=True, on=today)}
    for intervention in Intervention.objects.filter(core=True):
        status = statuses[intervention.code]
        assert status.status == "signed", intervention.code
        assert any(status.name in line and status.signed_by in line for line in lines), status.name
    # The demo's marker and its moderator: which attempts the moderation sample picks follows their ids, which
    # depend on what ran before in the same database, so either may have signed them all.
    assert {s.signed_by for s in statuses.values()} <= {"Elaine Hughes", "Lewis Grant"}

    # The supervision totals: hours by kind, with a credentialed supervisor, and in all.
    summary = supervision_summary(done, start=done.start_date, end=today)
    for label, kind in [("Case management", "case_management"), ("Clinical skills", "clinical_skills")]:
        row = next(line for line in lines if line.strip().startswith(label) and re.search(r"\d\s*$", line))
        numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", row)]
        assert numbers[:2] == [summary.hours[kind], summary.credentialed_hours[kind]], row
    total = round(sum(summary.hours.values()), 2)
    assert any(line.strip().startswith("Total") and str(total) in line for line in lines)

    # The readiness result for the portfolio's scheme, as the engine gives it.
    facts = facts_module.gather_facts(done, as_of=today)
    result = evaluate_schemes(facts, [get_scheme("course-completion")], today)[0].result
    met = sum(c.met for c in result.criteria)
    if result.ready:
        assert f"Every criterion is met ({met} of {len(result.criteria)})" in text
    else:
        assert f"{met} of {len(result.criteria)} criteria met" in text
