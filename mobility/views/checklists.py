"""Quality checklist of a mobility, evidence download, and the partnership's checklist template."""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from partners import audit
from partners.models import AuditEntry, Partnership

from .. import access
from ..forms.quality import ChecklistItemForm, ChecklistTemplateFormSet
from ..models import ChecklistItem, ChecklistTemplateItem, Mobility
from ..models.checklists import Category
from ..services import checklists as service

MOBILITY_RELATED = ("learner", "partnership", "sending_organisation", "receiving_organisation", "mentor")


def _mobility(request, code) -> Mobility:
    return get_object_or_404(Mobility.objects.visible_to(request.user).select_related(*MOBILITY_RELATED), code=code)


@login_required
def checklist(request, code):
    mobility = _mobility(request, code)
    service.ensure_checklist(mobility)
    items = list(mobility.checklist.select_related("done_by").order_by("due_date", "order", "id"))
    for item in items:
        item.mobility = mobility  # already loaded: no query per item
        item.can_tick = access.may_tick(request.user, item)
    by_category = {value: [] for value in Category.values}
    for item in items:
        by_category.setdefault(item.category, []).append(item)
    groups = [(Category(value).label, value, rows) for value, rows in by_category.items() if rows]
    return render(
        request,
        "mobility/quality/checklist.html",
        {
            "mobility": mobility,
            "groups": groups,
            "total": len(items),
            "done": sum(1 for i in items if i.is_done),
            "overdue": sum(1 for i in items if i.is_overdue),
            "is_cancelled": mobility.status == Mobility.Status.CANCELLED,
            "can_edit_template": access.may_edit_checklist_template(request.user, mobility.partnership_id),
            "can_see_template": access.may_read_checklist_template(request.user, mobility.partnership_id),
        },
    )


@login_required
def checklist_item(request, code):
    """Mark one item done or not done, with a note and an optional evidence file."""
    item = get_object_or_404(
        ChecklistItem.objects.visible_to(request.user).select_related(
            "done_by", *(f"mobility__{name}" for name in MOBILITY_RELATED)
        ),
        code=code,
    )
    mobility = item.mobility
    if not access.may_tick(request.user, item):
        raise PermissionDenied
    if request.method == "POST":
        form = ChecklistItemForm(request.POST, request.FILES)
        action = request.POST.get("action")
        if action not in ("done", "undone", "save"):
            form.add_error(None, _("Choose whether the item is done or not."))
        if form.is_valid():
            done = item.is_done if action == "save" else action == "done"
            service.set_item_done(
                item,
                done=done,
                by=request.user,
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
                request=request,
            )
            if action == "done":
                messages.success(request, _("“%(item)s” is marked as done.") % {"item": item.get_title_display()})
            elif action == "undone":
                messages.success(request, _("“%(item)s” is open again.") % {"item": item.get_title_display()})
            else:
                messages.success(
                    request, _("The evidence for “%(item)s” was saved.") % {"item": item.get_title_display()}
                )
            return redirect("mobility:checklist", code=mobility.code)
    else:
        form = ChecklistItemForm(initial={"note": item.note})
    return render(request, "mobility/quality/checklist_item.html", {"item": item, "mobility": mobility, "form": form})


@login_required
@require_GET
def evidence_download(request, code):
    item = get_object_or_404(
        ChecklistItem.objects.visible_to(request.user).select_related(
            "mobility__partnership", "mobility__sending_organisation"
        ),
        code=code,
    )
    if not item.evidence:
        raise Http404
    try:
        handle = item.evidence.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.DOWNLOADED,
        obj=item,
        request=request,
        partnership=item.mobility.partnership,
        organisation=item.mobility.sending_organisation,
        details={"file": item.evidence.name},
    )
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(item.evidence.name))


@login_required
def checklist_template(request, slug):
    """The partnership's checklist template: the project coordinator edits it, partners read it."""
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    can_edit = access.may_edit_checklist_template(request.user, partnership)
    service.ensure_template(partnership)
    queryset = ChecklistTemplateItem.objects.filter(partnership=partnership).order_by("order", "id")
    formset = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        formset = ChecklistTemplateFormSet(request.POST, queryset=queryset, prefix="items")
        if formset.is_valid():
            service.save_template(partnership, formset, by=request.user, request=request)
            messages.success(
                request, _("The checklist template was saved. It applies to checklists generated from now on.")
            )
            return redirect("mobility:checklist_template", slug=partnership.slug)
    elif can_edit:
        formset = ChecklistTemplateFormSet(queryset=queryset, prefix="items")
    return render(
        request,
        "mobility/quality/checklist_template.html",
        {
            "partnership": partnership,
            "can_edit": can_edit,
            "formset": formset,
            "items": queryset if not can_edit else None,
        },
    )
