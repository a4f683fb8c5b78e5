"""Training materials: the list (everyone who sees the event), upload and delete (`access.may_manage_materials`:
the host's staff and the project coordinator), download through this view only (scope, attachment, no-store,
audit row) — media are never served directly. Changes are `training_events.services` functions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partners.files import attachment, no_store
from partners.pagination import paginate

from .. import access, services
from ..forms.materials import MaterialForm
from ..models import Material, TrainingEvent


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def material_list(request, code):
    """The event's materials; for those who manage the event, the upload form (POST here)."""
    event = get_object_or_404(
        TrainingEvent.objects.visible_to(request.user).select_related("partnership", "host_organisation"), code=code
    )
    can_manage = access.may_manage_materials(request.user, event)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = None
    if can_manage:
        form = MaterialForm(request.POST or None, request.FILES or None, event=event)
        if request.method == "POST" and form.is_valid():
            material = services.add_material(form.instance, by=request.user, request=request)
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
    services.record_download(material, by=request.user, request=request)
    return no_store(response)


@login_required
@require_POST
def material_delete(request, code):
    material = _scoped_material(request, code)
    event = material.event
    if not access.may_delete_material(request.user, material):
        raise PermissionDenied
    services.delete_material(material, by=request.user, request=request)
    messages.success(request, _("“%(title)s” was removed from the materials.") % {"title": material.title})
    return redirect("training_events:material_list", code=event.code)
