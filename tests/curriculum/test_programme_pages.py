"""Programme administrators set up programmes and cohorts and add people on pages, all through services."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Invitation, OrganisationMembership, User
from curriculum.models import Cohort, CurriculumEdition, Programme, ProgrammeMembership
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(curriculum):
    return f.AdministratorFactory().user


def test_an_administrator_sets_up_a_programme_at_their_provider(client, admin):
    hei = admin.org_memberships.get().organisation
    client.force_login(admin)
    response = client.post(
        reverse("curriculum:programme_new"),
        {
            "name": "PGCert PWP",
            "code": "new-pgcert",
            "hei": hei.pk,
            "award": "pgcert",
            "level": 7,
            "edition": CurriculumEdition.objects.get(is_current=True).pk,
            "accreditation_status": "provisional",
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get(code="new-pgcert")
    assert programme.hei == hei
    assert AuditEvent.objects.filter(action="programme.created", object_id=str(programme.pk)).exists()


def test_a_programme_cannot_be_set_up_at_another_provider(client, admin):
    other = f.OrganisationFactory()
    client.force_login(admin)
    response = client.post(reverse("curriculum:programme_new"), {"name": "X", "code": "x", "hei": other.pk})
    assert response.status_code == 200
    assert not Programme.objects.filter(code="x").exists()


def test_a_new_cohort_leads_on_to_its_schedule(client, admin):
    programme = f.ProgrammeFactory(hei=admin.org_memberships.get().organisation)
    client.force_login(admin)
    response = client.post(
        reverse("curriculum:cohort_new", args=[programme.code]),
        {"name": "January 2027", "code": "jan-2027", "intake": "January 2027", "start_date": "2027-01-11"},
    )
    assert response["Location"] == reverse("trainees:schedule", args=["jan-2027"])
    cohort = Cohort.objects.get(code="jan-2027")
    assert cohort.programme == programme
    assert AuditEvent.objects.filter(action="cohort.created", object_id=str(cohort.pk)).exists()


def test_people_are_added_by_email_and_newcomers_invited(client, admin):
    programme = f.ProgrammeFactory(hei=admin.org_memberships.get().organisation)
    known = f.UserFactory(email="known@example.nhs.uk")
    client.force_login(admin)
    url = reverse("curriculum:programme_people", args=[programme.code])
    client.post(url, {"email": "KNOWN@example.nhs.uk", "role": "programme_lead"})
    client.post(url, {"email": "new.educator@example.nhs.uk", "first_name": "Nia", "role": "educator"})
    client.post(url, {"email": "new.admin@example.nhs.uk", "role": "administrator"})
    assert ProgrammeMembership.objects.get(programme=programme, user=known).role == "programme_lead"
    newcomer = User.objects.get(email="new.educator@example.nhs.uk")
    assert ProgrammeMembership.objects.filter(programme=programme, user=newcomer).exists()
    assert Invitation.objects.filter(user=newcomer).exists()
    assert OrganisationMembership.objects.filter(
        user__email="new.admin@example.nhs.uk", organisation=programme.hei
    ).exists()
    assert User.objects.filter(email__iexact="known@example.nhs.uk").count() == 1


def test_an_educator_sees_the_programme_but_cannot_change_it(client, admin):
    programme = f.ProgrammeFactory(hei=admin.org_memberships.get().organisation, name="Before")
    educator = f.ProgrammeMembershipFactory(programme=programme).user
    client.force_login(educator)
    response = client.post(reverse("curriculum:programme_edit", args=[programme.code]), {"name": "After"})
    assert response.status_code == 403
    programme.refresh_from_db()
    assert programme.name == "Before"


def test_an_administrator_deactivates_an_educator_whose_sessions_end(client, world):
    from django.test import Client

    educator = world.user("educator")
    theirs = Client()
    theirs.force_login(educator)
    client.force_login(world.user("admin"))
    url = reverse("curriculum:person_deactivate", args=[world.programme.code, educator.pk])
    assert "can no longer sign in" in client.get(url).content.decode()
    educator.refresh_from_db()
    assert educator.is_active  # the GET only asks
    assert client.post(url).status_code == 302
    educator.refresh_from_db()
    assert not educator.is_active
    assert AuditEvent.objects.filter(action="user.deactivated", object_id=str(educator.pk)).exists()
    assert theirs.get(reverse("curriculum:programmes")).status_code == 302  # signed out


def test_an_administrator_deactivates_a_trainees_account_from_their_page(client, world):
    from django.test import Client

    trainee = world.enrolment.user
    theirs = Client()
    theirs.force_login(trainee)
    client.force_login(world.user("admin"))
    trainee_page = reverse("trainees:detail", args=[world.enrolment.pk])
    url = reverse("curriculum:person_deactivate", args=[world.programme.code, trainee.pk])
    assert url in client.get(trainee_page).content.decode()
    assert "withdraw them from the programme" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response.url == trainee_page
    trainee.refresh_from_db()
    assert not trainee.is_active
    assert theirs.get(trainee_page).status_code == 302  # signed out at once
    world.enrolment.refresh_from_db()
    assert world.enrolment.status == "active"  # the training record is untouched
    assert url not in client.get(trainee_page).content.decode()  # nothing left to deactivate
    # Only the administrator is offered it.
    client.force_login(world.user("educator"))
    assert url not in client.get(trainee_page).content.decode()


def test_only_people_on_the_programme_can_be_deactivated_from_it(client, world):
    client.force_login(world.user("admin"))
    outsider = world.user("other_educator")
    url = reverse("curriculum:person_deactivate", args=[world.programme.code, outsider.pk])
    assert client.post(url).status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active


def test_an_administrator_cannot_deactivate_themselves(client, world):
    admin = world.user("admin")
    client.force_login(admin)
    url = reverse("curriculum:person_deactivate", args=[world.programme.code, admin.pk])
    assert "cannot deactivate your own account" in client.post(url).content.decode()
    admin.refresh_from_db()
    assert admin.is_active
