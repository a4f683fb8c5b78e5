"""Training materials (upload, download record, delete) and the personal calendar feed.

Each change is one transaction, re-checks its rule (`training_events.access`) and writes its audit row with
one `partners.audit.record` call; a stored file is removed only once the deletion is committed."""

from __future__ import annotations

import os

from django.core.exceptions import PermissionDenied
from django.db import transaction

from partners import audit
from partners.models import AuditEntry

from .. import access
from ..models import CalendarFeed, Material, new_feed_token


@transaction.atomic
def add_material(material: Material, *, by, request=None) -> Material:
    """Store `material` (event, title, kind, session and a checked upload set, e.g. by `MaterialForm`)."""
    event = material.event
    if material.pk is not None or not access.may_manage_materials(by, event):
        raise PermissionDenied
    if material.session_id is not None and material.session.event_id != event.pk:
        raise PermissionDenied  # a session of another event
    material.size = material.file.size
    material.uploaded_by = by
    material.save()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=material,
        request=request,
        partnership=event.partnership,
        organisation=event.host_organisation,
        details={"file": os.path.basename(material.file.name), "size": material.size},
    )
    return material


def record_download(material: Material, *, by, request=None) -> None:
    """A material left the portal: who took which file."""
    event = material.event
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.DOWNLOADED,
        obj=material,
        request=request,
        partnership=event.partnership,
        organisation=event.host_organisation,
        details={"file": os.path.basename(material.file.name)},
    )


@transaction.atomic
def delete_material(material: Material, *, by, request=None) -> None:
    if not access.may_delete_material(by, material):
        raise PermissionDenied
    event = material.event
    file = material.file
    name = file.name
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.DELETED,
        obj=material,
        request=request,
        partnership=event.partnership,
        organisation=event.host_organisation,
        details={"title": material.title, "file": name},
    )
    material.delete()
    if name:
        transaction.on_commit(lambda: file.storage.delete(name))


# --- the personal calendar feed -------------------------------------------------------------------------------


def calendar_feed(user) -> CalendarFeed:
    """The user's feed (made on their first visit: an unguessable token, nothing else)."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def replace_feed_token(feed: CalendarFeed, *, by, request=None) -> CalendarFeed:
    """A new token: the old URL stops working at once."""
    if feed.user_id != by.pk:
        raise PermissionDenied
    feed.token = new_feed_token()
    feed.save(update_fields=["token"])
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=feed,
        request=request,
        details={"calendar_feed": "token replaced"},
    )
    return feed
