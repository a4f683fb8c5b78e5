"""Dissemination events with their audience and files, and the other activities.

Every change is one transaction that re-checks its rule (`dissemination.access`) and writes its audit row
with one `partners.audit.record` call; stored files are removed only once a deletion is committed."""

from __future__ import annotations

import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partners import audit
from partners.models import AuditEntry

from .. import access
from ..models import Activity, Audience, DisseminationEvent, EventFile, StakeholderGroup

# --- an event and its audience --------------------------------------------------------------------------------


@transaction.atomic
def save_event(event: DisseminationEvent, audience: dict[str, tuple[int, int]], *, by, request=None):
    """Save the event and its audience (group → (national, international)); counts must be whole numbers ≥ 0."""
    if not access.may_edit_for(by, event.partnership_id, event.organisation_id):
        raise PermissionDenied
    if event.pk is not None:
        # Moving an event away from another partner is taking it over: the original organisation counts too.
        original = DisseminationEvent.objects.filter(pk=event.pk).values_list("organisation_id", flat=True).first()
        if original is not None and not access.may_edit_for(by, event.partnership_id, original):
            raise PermissionDenied
    errors = {}
    for group, (national, international) in audience.items():
        if group not in StakeholderGroup.values:
            errors["__all__"] = _("Unknown stakeholder group.")
            continue
        for key, value in (("national", national), ("international", international)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                errors[f"{group}-{key}"] = _("Counts are whole numbers from 0.")
    if errors:
        raise ValidationError(errors)
    created = event.pk is None
    event.full_clean()
    event.save()
    for group, (national, international) in audience.items():
        if national or international:
            Audience.objects.update_or_create(
                event=event, group=group, defaults={"national": national, "international": international}
            )
        else:
            Audience.objects.filter(event=event, group=group).delete()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED if created else AuditEntry.Verb.UPDATED,
        obj=event,
        request=request,
        partnership=event.partnership,
        organisation=event.organisation,
    )
    return event


def _delete_stored(names, storage) -> None:
    for name in names:
        if name:
            transaction.on_commit(lambda name=name: storage.delete(name))


@transaction.atomic
def delete_event(event: DisseminationEvent, *, by, request=None) -> None:
    """Delete the event with its audience and files (the files leave the storage once committed)."""
    if not access.may_edit_event(by, event):
        raise PermissionDenied
    files = list(EventFile.objects.filter(event=event))
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.DELETED,
        obj=event,
        request=request,
        partnership=event.partnership,
        organisation=event.organisation,
        details={"title": event.title, "files": len(files)},
    )
    event.delete()
    _delete_stored([row.file.name for row in files], EventFile._meta.get_field("file").storage)


# --- an event's files -------------------------------------------------------------------------------------------


@transaction.atomic
def add_file(row: EventFile, *, by, request=None) -> EventFile:
    """Store `row` (event, kind, title and a checked upload set, e.g. by `EventFileForm`)."""
    event = row.event
    if row.pk is not None or not access.may_edit_event(by, event):
        raise PermissionDenied
    row.size = row.file.size
    row.uploaded_by = by
    row.save()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=row,
        request=request,
        partnership=event.partnership,
        organisation=event.organisation,
        details={"file": os.path.basename(row.file.name), "size": row.size},
    )
    return row


def record_download(row: EventFile, *, by, request=None) -> None:
    """A file left the portal: who took which."""
    event = row.event
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.DOWNLOADED,
        obj=row,
        request=request,
        partnership=event.partnership,
        organisation=event.organisation,
        details={"file": os.path.basename(row.file.name)},
    )


@transaction.atomic
def delete_file(row: EventFile, *, by, request=None) -> None:
    if not access.may_delete_file(by, row):
        raise PermissionDenied
    event = row.event
    name = row.file.name
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.DELETED,
        obj=row,
        request=request,
        partnership=event.partnership,
        organisation=event.organisation,
        details={"title": row.title, "file": name},
    )
    storage = row.file.storage
    row.delete()
    _delete_stored([name], storage)


# --- activities ---------------------------------------------------------------------------------------------------


@transaction.atomic
def create_activity(activity: Activity, *, by, request=None) -> Activity:
    """Save a new activity (its fields set and validated, e.g. by `ActivityForm`)."""
    if activity.pk is not None or not access.may_edit_activity(by, activity):
        raise PermissionDenied
    activity.full_clean()
    activity.save()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=activity,
        request=request,
        partnership=activity.partnership,
        organisation=activity.organisation,
    )
    return activity


@transaction.atomic
def update_activity(activity: Activity, *, by, fields: list[str] | None = None, request=None) -> Activity:
    """Save the changes; both the stored organisation and the new one must be the user's to record for."""
    stored = Activity.objects.select_for_update().get(pk=activity.pk)
    if not (access.may_edit_activity(by, stored) and access.may_edit_activity(by, activity)):
        raise PermissionDenied
    activity.full_clean()
    activity.save()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=activity,
        request=request,
        partnership=activity.partnership,
        organisation=activity.organisation,
        details={"fields": list(fields)} if fields else None,
    )
    return activity


@transaction.atomic
def delete_activity(activity: Activity, *, by, request=None) -> None:
    if not access.may_edit_activity(by, activity):
        raise PermissionDenied
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.DELETED,
        obj=activity,
        request=request,
        partnership=activity.partnership,
        organisation=activity.organisation,
        details={"title": activity.title},
    )
    activity.delete()
