"""The applicant's signed links (no account, no login): confirming the e-mail address, and the status page.

Each link carries the application's code signed with the site's secret and a purpose (salt), with a time
stamp: a link for one purpose does not open the other, a changed character makes it invalid, and it expires
(`SELECTION_CONFIRM_DAYS`, `SELECTION_STATUS_DAYS`). Opening one answers 404 when it is bad or expired, with
no hint which.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM, STATUS = "selection.confirm", "selection.status"


def max_age_days(purpose: str) -> int:
    if purpose == CONFIRM:
        return int(getattr(settings, "SELECTION_CONFIRM_DAYS", 7))
    return int(getattr(settings, "SELECTION_STATUS_DAYS", 730))


def token_for(application, purpose: str) -> str:
    return signing.TimestampSigner(salt=purpose).sign(str(application.code))


def code_from(token: str, purpose: str) -> str | None:
    """The application code the token was made for, or None (tampered, expired, other purpose)."""
    try:
        return signing.TimestampSigner(salt=purpose).unsign(token, max_age=max_age_days(purpose) * 86400)
    except signing.BadSignature:  # SignatureExpired is one
        return None


def confirm_url(application) -> str:
    return settings.VISION_BASE_URL + reverse("selection:confirm", kwargs={"token": token_for(application, CONFIRM)})


def status_path(application) -> str:
    return reverse("selection:status", kwargs={"token": token_for(application, STATUS)})


def status_url(application) -> str:
    return settings.VISION_BASE_URL + status_path(application)
