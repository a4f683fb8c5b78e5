"""API token authentication: knox's tokens, refused while their user must still set up two-factor
authentication (partners.access.must_set_up_mfa), as the portal's pages are."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from rest_framework import exceptions

from partners.access import must_set_up_mfa

MFA_NOT_SET_UP = _(
    "Two-factor authentication must be set up before this token can be used: sign in to the portal and set up "
    "an authenticator app."
)


class TokenAuthentication(auth.TokenAuthentication):
    """A valid token of a user whose role requires TOTP, and who has none, answers 401 (with DRF's
    WWW-Authenticate header) until they set it up; the token itself is kept and works again afterwards."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        if must_set_up_mfa(user):
            raise exceptions.AuthenticationFailed(MFA_NOT_SET_UP, code="mfa_required")
        return user, token


class TokenScheme(KnoxTokenScheme):
    """The schema describes this class as knox's own (drf-spectacular matches the exact class)."""

    target_class = "api.authentication.TokenAuthentication"
