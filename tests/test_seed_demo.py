"""The demo, seeded once through every area's services, reads as the issues say it should."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from accreditation.attention import attention_list
from curriculum.models import Cohort
from trainees.models import AttendanceMark, Case, Enrolment, Interruption, SupervisionSession, WorkplaceDay
from workforce.models import Application, Post

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
    records = (AttendanceMark, Case, Interruption, SupervisionSession, WorkplaceDay, Post, Application)
    counts = (
        User.objects.count(),
        Cohort.objects.count(),
        Enrolment.objects.count(),
        *(model.objects.count() for model in records),
    )

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

    large = Enrolment.objects.filter(cohort__code="nv-cohort-40")
    assert large.count() == 40
    assert large.filter(status=Enrolment.Status.WITHDRAWN).count() == 1
    assert len({e.start_date for e in large}) == 2  # two joined a few weeks late
    assert Interruption.objects.filter(enrolment__cohort__code="nv-cohort-40").count() == 2
    absent = AttendanceMark.objects.current().filter(
        enrolment__cohort__code="nv-cohort-40", status="unauthorised_absence"
    )
    assert absent.values("enrolment").distinct().count() == 12  # mixed stages: some missed days
    workplace = {e.pk: e.workplace_days.count() for e in large}
    assert min(workplace.values()) < max(workplace.values()) / 2  # some far behind, some on track
    assert not SupervisionSession.objects.filter(enrolment__user__username="imran.robinson").exists()
    # Who needs attention picks out the few who need action this week, not everyone a little behind: the
    # trainee with no supervision at all is named, one who misses a week a month is not (README: 16 of 48).
    found = attention_list(User.objects.get(username="educator"), on=timezone.localdate())
    named = {row.enrolment.user.username for row in found.rows}
    assert "imran.robinson" in named and "farah.quinn" not in named
    assert len(named) < found.trainees_checked / 2

    call_command("seed_demo", stdout=StringIO())
    assert (
        User.objects.count(),
        Cohort.objects.count(),
        Enrolment.objects.count(),
        *(model.objects.count() for model in records),
    ) == counts


@override_settings(DEBUG=False)
def test_seed_demo_refuses_when_debug_is_off_unless_forced(curriculum):
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()
