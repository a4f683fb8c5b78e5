"""Quality checklists: a per-partnership template, copied into each mobility."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from ..models import ChecklistItem, ChecklistTemplateItem, Mobility
from ..models.checklists import Anchor, Category, Responsible

# The default template, drawn from the European Quality Charter for Mobility and the
# Erasmus+ VET Mobility Quality Commitment. Titles are stored in the partnership's data
# (editable); gettext_noop marks them for translation catalogues.
DEFAULT_TEMPLATE = [
    (gettext_noop("Language preparation"), Category.PREPARATION, Responsible.SENDING, Anchor.START, -21),
    (gettext_noop("Cultural preparation"), Category.PREPARATION, Responsible.SENDING, Anchor.START, -21),
    (gettext_noop("Insurance arranged"), Category.PREPARATION, Responsible.SENDING, Anchor.START, -14),
    (gettext_noop("Travel booked"), Category.PREPARATION, Responsible.SENDING, Anchor.START, -14),
    (gettext_noop("Accommodation confirmed"), Category.PREPARATION, Responsible.RECEIVING, Anchor.START, -14),
    (gettext_noop("Safety briefing given"), Category.PREPARATION, Responsible.SENDING, Anchor.START, -3),
    (gettext_noop("Arrival meeting held"), Category.ARRIVAL, Responsible.RECEIVING, Anchor.START, 1),
    (gettext_noop("Mid-stay monitoring contact"), Category.MONITORING, Responsible.SENDING, Anchor.START, 7),
    (gettext_noop("Incident log reviewed"), Category.INCIDENTS, Responsible.RECEIVING, Anchor.END, 0),
    (gettext_noop("Assessment done"), Category.ASSESSMENT, Responsible.MENTOR, Anchor.END, 0),
    (gettext_noop("Debriefing held"), Category.DEBRIEFING, Responsible.SENDING, Anchor.END, 14),
    (gettext_noop("Learning outcomes recognised"), Category.RECOGNITION, Responsible.SENDING, Anchor.END, 30),
    (gettext_noop("Europass Mobility issued"), Category.DOCUMENTATION, Responsible.SENDING, Anchor.END, 30),
    (gettext_noop("Learner report filed"), Category.DOCUMENTATION, Responsible.LEARNER, Anchor.END, 14),
]


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
                title=title,
                category=category,
                responsible=responsible,
                anchor=anchor,
                offset_days=offset,
                order=order,
            )
            for order, (title, category, responsible, anchor, offset) in enumerate(DEFAULT_TEMPLATE)
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
                    guidance=t.guidance,
                    category=t.category,
                    responsible=t.responsible,
                    due_date=t.due_for(mobility),
                    order=t.order,
                )
            )
        elif not item.is_done and item.due_date != t.due_for(mobility):
            item.due_date = t.due_for(mobility)
            item.save(update_fields=["due_date", "updated_at"])
    ChecklistItem.objects.bulk_create(new)
    return len(new)
