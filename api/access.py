"""Who may do what with the API's own objects (docs/api.md). What an API caller reads is the portal's scope:
every endpoint starts from `visible_to(user)` and the personal-data rule of the learner's page, so there
are no API-only rules for the data, only for tokens.

- every signed-in person may hold tokens (a token acts as its user, so it reaches what they see);
- a token is revoked by its holder only (another person's token is not even found: 404).
"""

from __future__ import annotations

from partners.access import register

from .models import TokenLabel


def may_hold_tokens(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def own_tokens(user):
    """The token labels the user may see and revoke: their own."""
    if not may_hold_tokens(user):
        return TokenLabel.objects.none()
    return TokenLabel.objects.filter(user_id=user.pk)


register("api", may_hold_tokens)
