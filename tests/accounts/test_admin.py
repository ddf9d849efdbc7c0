import pytest

from accounts.models import OrganisationMembership
from accounts.services import grant_organisation_role
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_programme_administrator_manages_only_their_own_heis_records_in_the_admin(client, curriculum):
    mine = f.CohortFactory(name="Our cohort")
    theirs = f.CohortFactory(name="Their cohort")
    person = f.UserFactory()
    grant_organisation_role(
        actor=None,
        user=person,
        organisation=mine.programme.hei,
        role=OrganisationMembership.Role.ADMINISTRATOR,
    )
    client.force_login(person)
    page = client.get("/admin/curriculum/cohort/").content.decode()
    assert "Our cohort" in page
    assert "Their cohort" not in page
    assert client.get(f"/admin/curriculum/cohort/{theirs.pk}/change/").status_code == 302
    assert client.get(f"/admin/curriculum/cohort/{mine.pk}/change/").status_code == 200


def test_nobody_can_edit_the_audit_trail_in_the_admin(admin_client):
    from accounts.services import record_event

    event = record_event(actor=None, action="x.y")
    assert admin_client.get(f"/admin/accounts/auditevent/{event.pk}/change/").status_code == 200
    response = admin_client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
