from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .access import get_scope, holds_admin_powers

# Paths a user without MFA may still reach: setting it up, signing out, assets.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/favicon")


def mfa_required_for(user) -> bool:
    required = set(settings.VISION_MFA_REQUIRED_ROLES)
    if not required:
        return False
    if "admin" in required and holds_admin_powers(user):
        return True
    return bool(get_scope(user).roles & required)


class RequireMFAMiddleware:
    """Send users whose role must use two-factor authentication to set it up first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and mfa_required_for(user)
            and not is_mfa_enabled(user)
        ):
            messages.warning(request, _("Your role requires two-factor authentication. Please set it up to continue."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)
