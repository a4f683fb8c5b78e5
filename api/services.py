"""API tokens: create (the secret is returned once and never stored) and revoke, each with an audit row."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from partners import audit
from partners.access import must_set_up_mfa
from partners.models import AuditEntry, User

from .models import TokenLabel


class TokenLimitReached(Exception):
    """The user already holds REST_KNOX["TOKEN_LIMIT_PER_USER"] live tokens."""


class TwoFactorNotSetUp(Exception):
    """The user must use two-factor authentication and has not set it up: their tokens would answer 401."""


def live_tokens(user):
    return AuthToken.objects.filter(user=user).exclude(expiry__lt=timezone.now())


@transaction.atomic
def create_token(*, user: User, name: str, by: User, request=None, expiry: timedelta | None = None) -> tuple:
    """A new token for `user`: returns (label, secret). The secret is shown once; only its digest is kept.
    Refused (TwoFactorNotSetUp) while the user must still set up two-factor authentication."""
    if must_set_up_mfa(user):
        raise TwoFactorNotSetUp
    User.objects.select_for_update().filter(pk=user.pk).first()  # serialise against the limit
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and live_tokens(user).count() >= limit:
        raise TokenLimitReached
    instance, secret = AuthToken.objects.create(user=user, expiry=expiry or knox_settings.TOKEN_TTL)
    label = TokenLabel.objects.create(user=user, digest=instance.digest, name=name)
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=label,
        request=request,
        details={"token": instance.token_key, "expiry": instance.expiry.isoformat() if instance.expiry else None},
    )
    return label, secret


@transaction.atomic
def revoke_token(*, label: TokenLabel, by: User, request=None) -> None:
    key = AuthToken.objects.filter(digest=label.digest).values_list("token_key", flat=True).first()
    AuthToken.objects.filter(digest=label.digest).delete()
    audit.record(actor=by, verb=AuditEntry.Verb.REVOKED, obj=label, request=request, details={"token": key})
    label.delete()


def tokens_of(user) -> list[dict]:
    """The user's tokens, newest first, with their names (two queries)."""
    tokens = list(AuthToken.objects.filter(user=user).order_by("-created"))
    labels = {label.digest: label for label in TokenLabel.objects.filter(user=user)}
    # Every token is made here with its label; a label whose token knox deleted (expired) is not listed.
    return [{"label": labels[t.digest], "token": t} for t in tokens if t.digest in labels]
