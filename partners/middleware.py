from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import must_set_up_mfa, session_idle_seconds

# Paths a user without MFA may still reach: setting it up, signing out, assets.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/favicon")

# Session key holding the time (seconds since the epoch) of the session's last request.
LAST_SEEN = "vision_last_seen"
# The time is rewritten at most once a minute: a page view reads its session row but seldom writes it.
TOUCH_EVERY_SECONDS = 60


def now_seconds() -> int:
    return int(timezone.now().timestamp())


def start_idle_clock(sender, request, user, **kwargs):
    """On sign-in (user_logged_in), so the sign-in's own session write carries the time and the next request
    writes nothing."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = now_seconds()


class IdleSessionMiddleware:
    """Sign out a session left unused for longer than its user's limit (partners.access.session_idle_seconds).

    The request then goes on as anonymous: a page that needs sign-in sends the person to the login page (with
    `next`), where the message says why; the API answers as to anyone without credentials. Only a signed-in
    session is looked at: an API call authenticated by its token has none, and gets none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # At this point request.user comes from the session only (DRF reads tokens later, in the view); a session
        # whose password changed since is flushed here, by AuthenticationMiddleware's lazy user.
        if request.user.is_authenticated:
            now = now_seconds()
            last_seen = request.session.get(LAST_SEEN)
            limit = session_idle_seconds(request.user)
            if limit and last_seen is not None and now - last_seen > limit:
                logout(request)
                messages.info(request, _("You were signed out because the portal was not used for a while."))
            elif last_seen is None or now - last_seen >= TOUCH_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class RequireMFAMiddleware:
    """Send users whose role must use two-factor authentication to set it up first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and not request.path.startswith(ALLOWED_PREFIXES) and must_set_up_mfa(user):
            messages.warning(request, _("Your role requires two-factor authentication. Please set it up to continue."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)
