"""The demo makes the workforce reports real: leavers, a promotion, a site below 1:2, a suppressed group."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from workforce.models import Correction, Post
from workforce.selectors import proposed_posts

pytestmark = pytest.mark.django_db
SERVICE = "northvale-talking-therapies"


@override_settings(DEBUG=True)
def test_the_demo_workforce_reads_as_the_issue_says(curriculum, client):
    call_command("load_reference_data", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # running it twice changes nothing: tests/test_seed_demo.py

    out = StringIO()
    call_command("workforce_report", "--service", SERVICE, "--json", stdout=out)
    figures = json.loads(out.getvalue())
    sites = {s["site"]: s for s in figures["staffing"]["sites"]}
    assert sites["Northvale East"]["below_ratio"] is True
    assert sites["Northvale Central"]["below_ratio"] is False
    six = next(t for t in figures["retention"] if t["months"] == 6)
    small = next(r for r in six["rows"] if r["label"].startswith("Qualified elsewhere"))
    assert small["total"]["suppressed"] is True
    destinations = set(Post.objects.exclude(destination="").values_list("destination", flat=True))
    assert {"high_intensity", "clinical_psychology"} <= destinations
    assert Post.objects.filter(band=6, senior_role="supervisor").count() == 1
    assert Correction.objects.filter(status="pending").exists()
    service = Post.objects.filter(service__code=SERVICE).first().service
    assert proposed_posts(service).filter(user__username="trainee.done").exists()

    applicants = figures["applicants"]
    rows = {r["label"]: r for r in applicants["outcomes"]["rows"]}
    assert len(applicants["rounds"]) == 3
    assert rows["Trainee PWPs for the next intake"]["total"]["suppressed"] is True  # three applications
    # Hiding the three hides more figures with it, but the outcomes are still there to read.
    outcomes = applicants["outcomes"]
    figures_shown = [c["count"] for c in outcomes["column_totals"].values() if not c["suppressed"]]
    figures_shown += [
        c["count"] for r in outcomes["rows"] for c in r["cells"].values() if not c["suppressed"]
    ]
    assert any(n >= 5 for n in figures_shown), outcomes

    client.force_login(User.objects.get(username="admin"))
    for name in ("service", "retention", "turnover", "staffing", "diversity", "decisions", "applicants"):
        assert client.get(reverse(f"workforce:{name}", args=[SERVICE])).status_code == 200, name
    client.force_login(User.objects.get(username="liam.doyle"))
    page = client.get(reverse("workforce:my_history")).content.decode()
    assert "Senior psychological wellbeing practitioner" in page
