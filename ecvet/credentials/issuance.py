"""Issuing a credential: one instant, built, checked against the bundled schema, sealed.

`issued`, the award-bound `validFrom` and the JAdES `sigT` are all decided here from a single `now()`, so the
seal's claimed signing time is the credential's issuance time to the second (`jades.verify` checks it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from django.utils import timezone

from . import elm, jades


def issue(build: Callable[..., dict], document, *, at: datetime | None = None) -> tuple[dict, dict]:
    """(credential, sealed JWS) of `document` through `build` (`elm.build` or `europass_mobility.build`).
    Raises CredentialUnavailable, CredentialInvalid (fails the schema: never sealed) or SigningNotConfigured."""
    instant = (at or timezone.now()).astimezone(UTC).replace(microsecond=0)
    credential = elm.validate(build(document, issued=instant))
    return credential, jades.sign(credential, signing_time=instant)
