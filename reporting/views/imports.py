"""Import a Beneficiary Module export (issue 14, point 4): upload → every row checked, nothing saved →
preview of what changes and which rows are rejected → confirm → all or nothing.

Who: the project coordinator with the right to manage mobilities (`reporting.access.may_import_activities`);
others who see the partnership get 403, others 404. Between preview and confirmation the rows wait in the
session under a one-time token; the confirmation plans them again (the portal may have changed meanwhile)
and applies them in one transaction."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import may_import_activities, partnership_in_scope
from ..forms.imports import ActivitiesUploadForm, ConfirmActivitiesForm
from ..imports import beneficiary_module as importer

SESSION_KEY = "bm_import"


def _partnership(request, slug):
    partnership = partnership_in_scope(request.user, slug)
    if partnership.reporting_tool != "bm":
        raise Http404
    if not may_import_activities(request.user, partnership):
        raise PermissionDenied
    return partnership


def _page(request, partnership, form, **extra):
    return render(request, "reporting/import_activities.html", {"partnership": partnership, "form": form, **extra})


@login_required
def import_activities(request, slug):
    partnership = _partnership(request, slug)
    if request.method != "POST":
        return _page(request, partnership, ActivitiesUploadForm())
    form = ActivitiesUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, partnership, form)
    upload = form.cleaned_data["file"]
    try:
        rows = importer.read(upload)
        plan = importer.plan(partnership, rows, request.user)
    except importer.FileRefused as refused:
        for message in refused.messages:
            form.add_error("file", message)
        return _page(request, partnership, form)
    token = secrets.token_urlsafe(24)
    if plan.ok and plan.changes:
        request.session[SESSION_KEY] = {
            "token": token,
            "partnership": partnership.pk,
            "filename": upload.name,
            "rows": rows,
            # What the preview was computed from: the confirmation refuses if the portal changed since.
            "previewed": importer.snapshot(importer.file_mobilities(partnership, rows, request.user)),
        }
    return _page(
        request,
        partnership,
        form,
        plan=plan,
        filename=upload.name,
        confirm_form=ConfirmActivitiesForm(initial={"token": token}) if plan.ok and plan.changes else None,
    )


@login_required
@require_POST
def confirm_activities(request, slug):
    partnership = _partnership(request, slug)
    form = ConfirmActivitiesForm(request.POST)
    pending = request.session.get(SESSION_KEY) or {}
    back = redirect("reporting:import_activities", slug=partnership.slug)
    if (
        not form.is_valid()
        or pending.get("partnership") != partnership.pk
        or not constant_time_compare(str(pending.get("token", "")), form.cleaned_data["token"])
    ):
        messages.error(
            request,
            _(
                "This import is no longer waiting for confirmation (done, or replaced by another upload): "
                "upload the file again."
            ),
        )
        return back
    del request.session[SESSION_KEY]  # one use only
    try:
        plan = importer.plan(partnership, pending["rows"], request.user)
        changed = importer.apply(
            partnership,
            plan,
            by=request.user,
            request=request,
            filename=str(pending.get("filename", "")),
            previewed=pending.get("previewed") or {},
        )
    except (importer.FileRefused, ValidationError) as error:
        problems = getattr(error, "messages", [str(error)])
        messages.error(request, _("Nothing was imported: %(problems)s") % {"problems": " ".join(map(str, problems))})
        return back
    messages.success(request, _("Imported: %(count)s mobilities changed.") % {"count": changed})
    return redirect("reporting:exports", slug=partnership.slug)
