"""Writing the audit trail. Every state change and every view or download of a
person's data calls `record()`; nothing else writes AuditEntry rows."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEntry, Organisation, Partnership


def client_ip(request) -> str | None:
    # Behind a proxy, configure it to set REMOTE_ADDR (e.g. gunicorn's
    # --forwarded-allow-ips); X-Forwarded-For is client-controlled and not trusted here.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    actor,
    verb: str,
    obj: models.Model,
    request=None,
    partnership: Partnership | None = None,
    organisation: Organisation | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        verb=verb,
        object_type=obj._meta.label_lower,
        object_code=str(getattr(obj, "code", None) or getattr(obj, "slug", None) or obj.pk),
        object_repr=str(obj)[:255],
        partnership=partnership,
        organisation=organisation,
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:255] if request is not None else ""),
        details=details or {},
    )
