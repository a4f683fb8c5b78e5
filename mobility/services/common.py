"""Helpers shared by the mobility services."""

from __future__ import annotations

from django.db import transaction

from partners import audit
from partners.models import AuditEntry, Partnership


@transaction.atomic
def save_partnership_formset(partnership: Partnership, formset, *, by, request=None, label: str) -> dict[str, int]:
    """Save a valid model formset of rows that belong to `partnership` (checklist template, survey
    questions), serialising concurrent editors, and write one audit row with the counts under `label`."""
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    for instance in formset.save(commit=False):
        instance.partnership = partnership
        instance.save()
    for obj in formset.deleted_objects:
        obj.delete()
    counts = {
        "added": len(formset.new_objects),
        "changed": len(formset.changed_objects),
        "deleted": len(formset.deleted_objects),
    }
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=partnership,
        request=request,
        partnership=partnership,
        details={label: counts},
    )
    return counts
