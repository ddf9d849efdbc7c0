import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User
from curriculum.models import Cohort
from trainees.models import Enrolment

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_seed_demo_is_idempotent_and_creates_the_fixed_logins(curriculum):
    call_command("seed_demo")
    counts = User.objects.count(), Cohort.objects.count(), Enrolment.objects.count()
    call_command("seed_demo")
    assert (User.objects.count(), Cohort.objects.count(), Enrolment.objects.count()) == counts
    for username in [
        "admin",
        "educator",
        "educator2",
        "supervisor",
        "visitor",
        "trainee.new",
        "trainee.mid",
        "trainee.late",
        "trainee.done",
        "trainee.cpd",
    ]:
        assert User.objects.filter(username=username).exists(), username
    months = {
        e.user.username: e.month_of_training() for e in Enrolment.objects.select_related("user", "route")
    }
    assert months["trainee.new"] == 1
    assert months["trainee.mid"] == 6
    assert months["trainee.late"] == 11
    assert Enrolment.objects.get(user__username="trainee.done").status == Enrolment.Status.COMPLETED
    assert Enrolment.objects.get(user__username="trainee.cpd").route.code == "cpd"


@override_settings(DEBUG=False)
def test_seed_demo_refuses_when_debug_is_off_unless_forced(curriculum):
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()
    call_command("seed_demo", "--force")
    assert User.objects.filter(username="educator").exists()
