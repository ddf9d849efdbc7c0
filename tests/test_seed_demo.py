"""The demo, seeded once through every area's services, reads as the issues say it should."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User
from curriculum.models import Cohort
from trainees.models import Enrolment

pytestmark = pytest.mark.django_db

FIXED_LOGINS = ["admin", "educator", "lead", "educator2", "supervisor", "visitor"] + [
    f"trainee.{stage}" for stage in ("new", "mid", "late", "done", "cpd")
]


def status(username, scheme=None):
    out = StringIO()
    args = ["trainee_status", username, "--json"] + (["--scheme", scheme] if scheme else [])
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def scheme_result(document, code, stage="initial"):
    return next(s for s in document["schemes"] if s["code"] == code and s.get("stage", "initial") == stage)


@override_settings(DEBUG=True)
def test_the_demo_is_idempotent_and_each_trainee_is_where_the_issues_say(curriculum):
    call_command("load_reference_data", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    counts = User.objects.count(), Cohort.objects.count(), Enrolment.objects.count()

    for username in FIXED_LOGINS:
        assert User.objects.filter(username=username).exists(), username
    months = {
        e.user.username: e.month_of_training() for e in Enrolment.objects.select_related("user", "route")
    }
    assert (months["trainee.new"], months["trainee.mid"], months["trainee.late"]) == (1, 6, 11)
    assert Enrolment.objects.get(user__username="trainee.done").status == Enrolment.Status.COMPLETED
    assert Enrolment.objects.get(user__username="trainee.cpd").route.code == "cpd"

    done = status("trainee.done")
    assert scheme_result(done, "course-completion")["ready"] is True
    assert scheme_result(done, "babcp-pwp-accreditation-2010")["ready"] is True
    assert {c["status"] for c in done["competences"]} == {"signed"}

    mid = status("trainee.mid", "course-completion")
    result = scheme_result(mid, "course-completion")
    assert result["ready"] is False
    gaps = {c["code"]: c["gap"] for c in result["criteria"] if not c["met"]}
    assert "more university days" in gaps["training-days"]
    assert "Exposure therapy" in gaps["interventions"]

    cpd = status("trainee.cpd", "cpd-route")
    assert [s["code"] for s in cpd["schemes"]] == ["cpd-route"]
    assert cpd["trainee"]["route"] == "cpd"

    call_command("seed_demo", stdout=StringIO())
    assert (User.objects.count(), Cohort.objects.count(), Enrolment.objects.count()) == counts


@override_settings(DEBUG=False)
def test_seed_demo_refuses_when_debug_is_off_unless_forced(curriculum):
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()
