"""Quality checklists: a per-partnership template, copied into each mobility."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import audit
from partners.models import AuditEntry

from ..models import ChecklistItem, ChecklistTemplateItem, Mobility
from ..models.checklists import Anchor, Category, ChainEvent, DefaultItem, Responsible
from ..models.defaults import english
from .common import save_partnership_formset

# The default template, drawn from the European Quality Charter for Mobility and the
# Erasmus+ VET Mobility Quality Commitment. Each item carries its key (title_key): shown in the reader's
# language until a coordinator edits its title.
DEFAULT_TEMPLATE = [
    (DefaultItem.LANGUAGE_PREPARATION, Category.PREPARATION, Responsible.SENDING, Anchor.START, -21),
    (DefaultItem.CULTURAL_PREPARATION, Category.PREPARATION, Responsible.SENDING, Anchor.START, -21),
    (DefaultItem.INSURANCE, Category.PREPARATION, Responsible.SENDING, Anchor.START, -14),
    (DefaultItem.TRAVEL, Category.PREPARATION, Responsible.SENDING, Anchor.START, -14),
    (DefaultItem.ACCOMMODATION, Category.PREPARATION, Responsible.RECEIVING, Anchor.START, -14),
    (DefaultItem.LEARNING_AGREEMENT, Category.PREPARATION, Responsible.SENDING, Anchor.START, -14),
    (DefaultItem.SAFETY_BRIEFING, Category.PREPARATION, Responsible.SENDING, Anchor.START, -3),
    (DefaultItem.ARRIVAL_MEETING, Category.ARRIVAL, Responsible.RECEIVING, Anchor.START, 1),
    (DefaultItem.MONITORING_CONTACT, Category.MONITORING, Responsible.SENDING, Anchor.START, 7),
    (DefaultItem.INCIDENT_LOG, Category.INCIDENTS, Responsible.RECEIVING, Anchor.END, 0),
    (DefaultItem.ASSESSMENT, Category.ASSESSMENT, Responsible.MENTOR, Anchor.END, 0),
    (DefaultItem.DEBRIEFING, Category.DEBRIEFING, Responsible.SENDING, Anchor.END, 14),
    (DefaultItem.TRANSCRIPT, Category.RECOGNITION, Responsible.RECEIVING, Anchor.END, 21),
    (DefaultItem.RECOGNITION, Category.RECOGNITION, Responsible.SENDING, Anchor.END, 30),
    (DefaultItem.EUROPASS, Category.DOCUMENTATION, Responsible.SENDING, Anchor.END, 30),
    (DefaultItem.LEARNER_REPORT, Category.DOCUMENTATION, Responsible.LEARNER, Anchor.END, 14),
]
# The default items that follow the chain (key → event). The data migration 0004 tied the same titles in
# templates created before (it added no item to them: "Learning Agreement signed" and "Personal Transcript
# approved" are in templates created from then on).
DEFAULT_CHAIN_EVENTS = {
    DefaultItem.LEARNING_AGREEMENT: ChainEvent.LA_SIGNED,
    DefaultItem.TRANSCRIPT: ChainEvent.TRANSCRIPT_APPROVED,
    DefaultItem.ASSESSMENT: ChainEvent.ASSESSMENT_SUBMITTED,
    DefaultItem.RECOGNITION: ChainEvent.RECOGNITION_RECORDED,
    DefaultItem.EUROPASS: ChainEvent.EUROPASS_ISSUED,
    DefaultItem.LEARNER_REPORT: ChainEvent.REPORT_FILED,
}


@transaction.atomic
def ensure_template(partnership) -> list[ChecklistTemplateItem]:
    """The partnership's template; the default one is created the first time it is needed."""
    items = list(ChecklistTemplateItem.objects.filter(partnership=partnership))
    if items:
        return items
    ChecklistTemplateItem.objects.bulk_create(
        [
            ChecklistTemplateItem(
                partnership=partnership,
                title=english(key.label),
                title_key=key,
                category=category,
                responsible=responsible,
                anchor=anchor,
                offset_days=offset,
                order=order,
                chain_event=DEFAULT_CHAIN_EVENTS.get(key, ""),
            )
            for order, (key, category, responsible, anchor, offset) in enumerate(DEFAULT_TEMPLATE)
        ]
    )
    return list(ChecklistTemplateItem.objects.filter(partnership=partnership))


@transaction.atomic
def generate_checklist(mobility: Mobility) -> int:
    """Copy the template into the mobility's checklist; items already there are kept (idempotent).
    Due dates of open items follow the mobility's dates. Returns the number of items added."""
    template = ensure_template(mobility.partnership)
    existing = {item.template_item_id: item for item in mobility.checklist.all()}
    new = []
    for t in template:
        item = existing.get(t.pk)
        if item is None:
            new.append(
                ChecklistItem(
                    mobility=mobility,
                    template_item=t,
                    title=t.title,
                    title_key=t.title_key,
                    guidance=t.guidance,
                    category=t.category,
                    responsible=t.responsible,
                    due_date=t.due_for(mobility),
                    order=t.order,
                    chain_event=t.chain_event,
                )
            )
        elif not item.is_done and item.due_date != t.due_for(mobility):
            item.due_date = t.due_for(mobility)
            item.save(update_fields=["due_date", "updated_at"])
    ChecklistItem.objects.bulk_create(new)
    return len(new)


# --- Ticking items (who may: mobility.access.may_tick), editing the template ----------------------------------


def _delete_file_on_commit(file_field) -> None:
    name, storage = file_field.name, file_field.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def set_item_done(item: ChecklistItem, *, done: bool, by, note: str = "", evidence=None, request=None) -> ChecklistItem:
    """Mark an item done (with a note and optional evidence file) or open again; audited.

    The caller has checked `may_tick`; the row is locked so two people ticking at once do not
    overwrite each other's evidence silently."""
    item = ChecklistItem.objects.select_for_update(of=("self",)).select_related("mobility").get(pk=item.pk)
    was_done = item.is_done
    fields = ["note", "updated_at"]
    note_changed = item.note != note.strip()
    item.note = note.strip()
    replaced_file = None
    if evidence is not None:
        if item.evidence:
            replaced_file = item.evidence
            _delete_file_on_commit(item.evidence)
        item.evidence = evidence
        fields.append("evidence")
    if done and not was_done:
        item.done_at = timezone.now()
        item.done_by = by
        item.done_automatically = False
        fields += ["done_at", "done_by", "done_automatically"]
    elif not done and was_done:
        item.done_at = None
        item.done_by = None
        # A person reopening an automatic tick: its document's link goes with it.
        if item.done_automatically:
            item.evidence_url = ""
            fields.append("evidence_url")
        item.done_automatically = False
        fields.append("done_automatically")
        fields += ["done_at", "done_by"]
    item.save(update_fields=fields)
    # The note itself stays out of the audit trail: it may hold personal data.
    details = {"title": item.title, "note_changed": note_changed}
    if evidence is not None:
        details["evidence"] = item.evidence.name
    if was_done != item.is_done:
        verb = AuditEntry.Verb.STATE_CHANGED
        details.update({"from": "done" if was_done else "open", "to": "done" if item.is_done else "open"})
    else:
        verb = AuditEntry.Verb.UPDATED
    if replaced_file is not None:
        details["replaced_evidence"] = replaced_file.name
    audit.record(
        actor=by,
        verb=verb,
        obj=item,
        request=request,
        partnership=item.mobility.partnership,
        organisation=item.mobility.sending_organisation,
        details=details,
    )
    return item


def save_template(partnership, formset, *, by, request=None) -> dict[str, int]:
    """Save the partnership's checklist template from a valid formset; audited.

    Checklists already generated keep their items: the template applies to checklists generated afterwards."""
    return save_partnership_formset(partnership, formset, by=by, request=request, label="checklist_template")


@transaction.atomic
def ensure_checklist(mobility: Mobility) -> bool:
    """Generate the checklist of a mobility that has none yet (when its page first opens).

    The mobility row is locked so two first visits at once do not both copy the template."""
    Mobility.objects.select_for_update().filter(pk=mobility.pk).first()
    if mobility.checklist.exists():
        return False
    generate_checklist(mobility)
    return True


# --- The chain ticks its items; a mobility recorded after the fact ----------------------------------------------


def _lock_items(mobility: Mobility, **filters) -> list[ChecklistItem]:
    return list(
        ChecklistItem.objects.select_for_update(of=("self",))
        .filter(mobility=mobility, **filters)
        .select_related("mobility__partnership", "mobility__sending_organisation")
        .order_by("due_date", "order", "id")
    )


@transaction.atomic
def record_chain_event(
    mobility: Mobility,
    event: str,
    *,
    done: bool,
    evidence_url: str = "",
    document=None,
    by=None,
    request=None,
) -> int:
    """A step of the ECVET chain happened (`done=True`) or its document was withdrawn (`done=False`): the
    mobility's checklist items tied to `event` follow. Returns the number of items changed; idempotent.

    - done: an open item is ticked "automatically", with the note "Done automatically: <document>" and
      `evidence_url` (a page of the portal) as its evidence; an automatic tick already there takes the new
      document (e.g. a new Learning Agreement version in force); an item ticked by hand is left as it is.
    - not done: an automatic tick is withdrawn with its document (the item is open again, note and link
      cleared); an item ticked by hand stays ticked: a person vouched for it.
    `by` is the person whose action caused the event (None: the system). Each changed item is audited.
    Called by ecvet's services (mobility never imports ecvet) and by mobility's own (assessment, report)."""
    if event not in ChainEvent.values:
        raise ValueError(f"Unknown chain event: {event!r}")
    if done:
        # Checklists are generated when first needed: the event must find its items.
        ensure_checklist(mobility)
    label = str(document) if document is not None else ChainEvent(event).label
    note = _("Done automatically: %(document)s") % {"document": label}
    changed = 0
    for item in _lock_items(mobility, chain_event=event):
        before = "done" if item.is_done else "open"
        if done and not item.is_done:
            item.done_at = timezone.now()
            item.done_by = by
            item.done_automatically = True
            item.note = note
            item.evidence_url = evidence_url
        elif done and item.done_automatically and (item.note, item.evidence_url) != (note, evidence_url):
            item.note = note
            item.evidence_url = evidence_url
        elif not done and item.is_done and item.done_automatically:
            item.done_at = None
            item.done_by = None
            item.done_automatically = False
            item.note = ""
            item.evidence_url = ""
        else:
            continue
        item.save(update_fields=["done_at", "done_by", "done_automatically", "note", "evidence_url", "updated_at"])
        changed += 1
        after = "done" if item.is_done else "open"
        audit.record(
            actor=by,
            verb=AuditEntry.Verb.STATE_CHANGED if before != after else AuditEntry.Verb.UPDATED,
            obj=item,
            request=request,
            partnership=item.mobility.partnership,
            organisation=item.mobility.sending_organisation,
            details={
                "title": item.title,
                "from": before,
                "to": after,
                "chain_event": event,
                "automatic": True,
                "evidence_url": item.evidence_url,
            },
        )
    return changed


@transaction.atomic
def mark_earlier_items_done(mobility: Mobility, *, by, request=None) -> int:
    """A mobility recorded after the fact (its stay has started or ended): the open checklist items due
    before today are marked done by `by`, with a note that says so; audited item by item. Returns how
    many. These are ticks by hand: a chain event withdrawn later does not reopen them."""
    generate_checklist(mobility)
    note = _("Marked done when the mobility was recorded after the fact")
    now = timezone.now()
    items = _lock_items(mobility, done_at__isnull=True, due_date__lt=timezone.localdate())
    for item in items:
        item.done_at = now
        item.done_by = by
        item.done_automatically = False
        item.note = note
        item.save(update_fields=["done_at", "done_by", "done_automatically", "note", "updated_at"])
        audit.record(
            actor=by,
            verb=AuditEntry.Verb.STATE_CHANGED,
            obj=item,
            request=request,
            partnership=item.mobility.partnership,
            organisation=item.mobility.sending_organisation,
            details={"title": item.title, "from": "open", "to": "done", "recorded_after_the_fact": True},
        )
    return len(items)
