"""Programme and cohort settings the pages keep (routes offered, lateness, the cohort's routes and teaching
pattern), and the product honouring them: intake files, registers and the schedule."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.services import DomainError
from curriculum import services
from curriculum.models import Cohort, Route
from curriculum.selectors import cohort_routes, routes_offered
from tests.trainees.factories_attendance import TeachingDayFactory
from tests.trainees.intake_files import csv_file, make_setting, row
from trainees.enrolment.intake import run_intake
from trainees.models import AttendanceMark, Enrolment

pytestmark = pytest.mark.django_db


def _routes(edition):
    return {r.code: r for r in Route.objects.filter(edition=edition)}


def test_the_programme_page_sets_routes_offered_and_lateness_without_minutes(client, world):
    routes = _routes(world.programme.edition)
    client.force_login(world.user("admin"))
    url = reverse("curriculum:programme_edit", args=[world.programme.code])
    page = client.get(url).content.decode()
    assert "Routes offered" in page and "Record lateness without minutes" in page
    data = {
        "name": world.programme.name,
        "hei": world.programme.hei_id,
        "award": world.programme.award,
        "level": world.programme.level,
        "edition": world.programme.edition_id,
        "accreditation_status": world.programme.accreditation_status,
        "routes_offered": [routes["standard"].pk],
        "late_minutes_recorded": "False",
    }
    assert client.post(url, data).status_code == 302
    world.programme.refresh_from_db()
    assert not world.programme.late_minutes_recorded
    assert list(routes_offered(world.programme)) == [routes["standard"]]
    event = AuditEvent.objects.filter(action="programme.changed", object_id=str(world.programme.pk)).last()
    assert "late_minutes_recorded" in event.after and "routes_offered" in event.after


def test_a_route_of_another_edition_is_refused(world):
    stray = Route.objects.exclude(edition=world.programme.edition).first()  # the 2011 curriculum's
    with pytest.raises(DomainError, match="not a route of"):
        services.update_programme(
            actor=world.user("admin"), programme=world.programme, changes={"routes_offered": [stray]}
        )


def test_the_cohort_page_sets_its_routes_and_teaching_pattern_which_the_schedule_starts_from(client, world):
    routes = _routes(world.programme.edition)
    client.force_login(world.user("admin"))
    response = client.post(
        reverse("curriculum:cohort_new", args=[world.programme.code]),
        {
            "name": "September 2027",
            "code": "sep-2027",
            "intake": "September 2027",
            "start_date": "2027-09-13",
            "routes": [routes["standard"].pk],
            "teaching_weekdays": ["1", "3"],
        },
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(code="sep-2027")
    assert cohort.teaching_weekdays == [1, 3]
    assert list(cohort_routes(cohort)) == [routes["standard"]]
    schedule = client.get(reverse("trainees:schedule_generate", args=[cohort.code])).content.decode()
    checked = {int(v) for v in re.findall(r'name="weekdays" value="(\d)"[^>]*checked', schedule)}
    assert checked == {1, 3}


def test_a_cohort_cannot_take_a_route_its_programme_does_not_offer(world):
    routes = _routes(world.programme.edition)
    world.programme.routes_offered.set([routes["standard"]])
    with pytest.raises(DomainError, match="does not offer"):
        services.update_cohort(
            actor=world.user("admin"), cohort=world.cohort, changes={"routes": [routes["cpd"]]}
        )


def test_an_intake_file_may_use_only_the_routes_the_cohort_offers(curriculum):
    admin, cohort, _service = make_setting()
    routes = _routes(cohort.programme.edition)
    cohort.routes.set([routes["standard"]])
    rows = [row(1), row(2, Route="cpd")]
    result = run_intake(actor=admin, cohort=cohort, fileobj=csv_file(rows), filename="in.csv", save=True)
    assert not result.saved
    assert [(p.row, p.column) for p in result.problems] == [(3, "Route")]
    assert "is not a route this cohort offers" in result.problems[0].message
    assert not Enrolment.objects.filter(cohort=cohort).exists()


def test_a_register_without_minutes_asks_for_none_and_saves_a_late_mark(client, world):
    world.programme.late_minutes_recorded = False
    world.programme.save(update_fields=["late_minutes_recorded"])
    day = TeachingDayFactory(cohort=world.cohort, date=world.cohort.start_date + timedelta(days=8))
    client.force_login(world.user("educator"))
    url = reverse("trainees:register", args=[world.cohort.code, day.pk])
    page = client.get(url).content.decode()
    assert "Minutes missed" not in page
    data = {"version": 0, "reason": ""}
    for enrolment, status in ((world.enrolment, "late"), (world.other_enrolment, "present")):
        data[f"status_{enrolment.pk}"] = status
        data[f"note_{enrolment.pk}"] = ""
    assert client.post(url, data).status_code == 302
    mark = AttendanceMark.objects.get(enrolment=world.enrolment)
    assert (mark.status, mark.minutes_missed, mark.describe()) == ("late", 0, "Late (minutes not recorded)")


def test_a_register_with_minutes_still_asks_for_them(client, world):
    day = TeachingDayFactory(cohort=world.cohort, date=world.cohort.start_date + timedelta(days=8))
    client.force_login(world.user("educator"))
    url = reverse("trainees:register", args=[world.cohort.code, day.pk])
    data = {"version": 0, "reason": ""}
    for enrolment, status in ((world.enrolment, "late"), (world.other_enrolment, "present")):
        data[f"status_{enrolment.pk}"] = status
        data[f"minutes_{enrolment.pk}"] = ""
        data[f"note_{enrolment.pk}"] = ""
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Say how many minutes were missed." in response.content.decode()
