from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import invitations
from accounts.models import Organisation, OrganisationMembership, User
from accounts.services import DomainError, grant_organisation_role, record_event


class Command(BaseCommand):
    help = (
        "Make someone a programme administrator of an education provider (created if new) and, if they have "
        "no account, create one and e-mail them a link to set a password. How a real programme starts."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The administrator's e-mail address (their username if new)")
        parser.add_argument("--provider", required=True, help="The education provider's code, e.g. uon")
        parser.add_argument("--provider-name", help="Its name, needed when the provider is new")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, email, provider, provider_name, first_name, last_name, **options):
        with transaction.atomic():
            hei = Organisation.objects.filter(code=provider).first()
            if hei is None:
                if not provider_name:
                    raise CommandError(f"There is no provider {provider}; give --provider-name to create it.")
                hei = Organisation.objects.create(
                    code=provider, name=provider_name, kind=Organisation.Kind.HEI
                )
                record_event(
                    actor=None, action="organisation.created", obj=hei, message="invite_administrator"
                )
            elif hei.kind != Organisation.Kind.HEI:
                raise CommandError(f"{hei} is not an education provider.")
            user = User.objects.filter(email__iexact=email).first()
            try:
                if user is None:
                    user = invitations.create_invited_user(
                        actor=None, email=email, first_name=first_name, last_name=last_name, organisation=hei
                    )
                    sent = True
                else:
                    sent = False
            except DomainError as error:
                raise CommandError(str(error)) from error
            grant_organisation_role(
                actor=None, user=user, organisation=hei, role=OrganisationMembership.Role.ADMINISTRATOR
            )
        how = "an invitation has been e-mailed" if sent else "they sign in with their existing account"
        self.stdout.write(self.style.SUCCESS(f"{user.get_username()} administers {hei}; {how}."))
