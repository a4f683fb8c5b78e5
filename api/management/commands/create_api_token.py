"""create_api_token <email> [--name NAME] [--days N]: print a new API token for a user (for admins, and the
schemathesis run in .ci/schemathesis). The token is printed once; only its digest is stored. A user whose role
must use two-factor authentication gets no token until they have set it up (partners.access.must_set_up_mfa)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from api import services
from partners.models import User


class Command(BaseCommand):
    help = "Create an API token for a user and print it (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Command line")
        parser.add_argument("--days", type=int, default=None, help="Validity in days (default: REST_KNOX TTL).")

    def handle(self, *args, email, name, days, **options):
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the email {email}.")
        try:
            _label, secret = services.create_token(
                user=user, name=name, by=None, expiry=timedelta(days=days) if days else None
            )
        except services.TwoFactorNotSetUp as error:
            raise CommandError(
                f"{email} must set up two-factor authentication (an authenticator app) in the portal before a "
                "token can be created."
            ) from error
        except services.TokenLimitReached as error:
            raise CommandError("The user holds the maximum number of tokens; revoke one first.") from error
        self.stdout.write(secret)
