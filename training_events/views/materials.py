"""Training materials: the list (everyone who sees the event), upload and delete (`services.may_manage`: the
host's staff and the project coordinator), download through this view only (scope, attachment, no-store,
audit row) — media are never served directly."""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partners import audit
from partners.files import attachment, no_store
from partners.models import AuditEntry
from partners.views.common import paginate

from .. import services
from ..forms.materials import MaterialForm
from ..models import Material, TrainingEvent


def _audit(material: Material, *, request, verb: str, **details):
    event = material.event
    audit.record(
        actor=request.user,
        verb=verb,
        obj=material,
        request=request,
        partnership=event.partnership,
        organisation=event.host_organisation,
        details=details or None,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def material_list(request, code):
    """The event's materials; for those who manage the event, the upload form (POST here)."""
    event = get_object_or_404(
        TrainingEvent.objects.visible_to(request.user).select_related("partnership", "host_organisation"), code=code
    )
    can_manage = services.may_manage(request.user, event)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = None
    if can_manage:
        form = MaterialForm(request.POST or None, request.FILES or None, event=event)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                material = form.save(commit=False)
                material.uploaded_by = request.user
                material.save()
                _audit(
                    material,
                    request=request,
                    verb=AuditEntry.Verb.CREATED,
                    file=os.path.basename(material.file.name),
                    size=material.size,
                )
            messages.success(request, _("“%(title)s” was added to the materials.") % {"title": material.title})
            return redirect("training_events:material_list", code=event.code)
    materials = (
        Material.objects.visible_to(request.user)
        .filter(event=event)
        .select_related("session", "uploaded_by")
        .order_by("session__day", "session__start_time", "title", "pk")
    )
    return render(
        request,
        "training_events/materials/list.html",
        {"event": event, "page": paginate(request, materials), "form": form, "can_manage": can_manage},
    )


def _scoped_material(request, code) -> Material:
    return get_object_or_404(
        Material.objects.visible_to(request.user).select_related(
            "event__partnership", "event__host_organisation", "session"
        ),
        code=code,
    )


@login_required
@require_safe
def material_download(request, code):
    material = _scoped_material(request, code)
    response = attachment(material.file, material.title, f"material-{material.code}")
    _audit(
        material,
        request=request,
        verb=AuditEntry.Verb.DOWNLOADED,
        file=os.path.basename(material.file.name),
    )
    return no_store(response)


@login_required
@require_POST
def material_delete(request, code):
    material = _scoped_material(request, code)
    event = material.event
    if not services.may_manage(request.user, event):
        raise PermissionDenied
    file = material.file
    name = file.name
    with transaction.atomic():
        _audit(material, request=request, verb=AuditEntry.Verb.DELETED, title=material.title, file=name)
        material.delete()
        if name:
            transaction.on_commit(lambda: file.storage.delete(name))
    messages.success(request, _("“%(title)s” was removed from the materials.") % {"title": material.title})
    return redirect("training_events:material_list", code=event.code)
