"""Bulk import of learners and planned mobilities: upload → check every row (dry run) → preview → confirm.

Only people who may manage mobilities import, and only into an organisation where they hold that right.
Between the preview and the confirmation the checked cells wait in the session under a one-time token;
the confirmation checks every row again and saves them in one transaction with one audit row.
"""

from __future__ import annotations

import csv
import io
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import organisations_with_right
from ..forms.imports import ConfirmImportForm, ImportForm
from ..resources import KINDS, Table, template_dataset_rows
from ..services.imports import run_import

SESSION_KEY = "mobility_import"
TEMPLATE_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def import_organisations(user):
    """The organisations the user may import into (where they may manage mobilities); 403 if none."""
    organisations = organisations_with_right(user)
    if not organisations.exists():
        raise PermissionDenied
    return organisations


def _page(request, form, result=None, **extra):
    return render(
        request,
        "mobility/money/import.html",
        {"form": form, "result": result, "kinds": list(KINDS.values()), **extra},
    )


@login_required
def import_upload(request):
    organisations = import_organisations(request.user)
    if request.method != "POST":
        return _page(request, ImportForm(organisations=organisations))
    form = ImportForm(request.POST, request.FILES, organisations=organisations)
    if not form.is_valid():
        return _page(request, form)
    kind = form.import_kind
    organisation = form.cleaned_data["organisation"]
    filename = form.cleaned_data["file"].name
    result = run_import(kind, form.table, organisation=organisation, user=request.user, commit=False, filename=filename)
    if not result.ok:
        return _page(request, form, result, organisation=organisation, filename=filename)
    token = secrets.token_urlsafe(24)
    request.session[SESSION_KEY] = {
        "token": token,
        "kind": kind.key,
        "organisation": organisation.pk,
        "filename": filename,
        "table": form.table.to_session(),
    }
    return render(
        request,
        "mobility/money/import_preview.html",
        {
            "result": result,
            "kind": kind,
            "organisation": organisation,
            "filename": filename,
            "confirm_form": ConfirmImportForm(initial={"token": token}),
        },
    )


@login_required
@require_POST
def import_confirm(request):
    organisations = import_organisations(request.user)
    form = ConfirmImportForm(request.POST)
    pending = request.session.get(SESSION_KEY) or {}
    expired = _(
        "This import is no longer waiting for confirmation: it was done, cancelled or replaced by another "
        "upload. Upload the file again if needed."
    )
    if not form.is_valid() or not constant_time_compare(str(pending.get("token", "")), form.cleaned_data["token"]):
        messages.error(request, expired)
        return redirect("mobility:import")
    # One use only: a second click finds nothing to confirm.
    del request.session[SESSION_KEY]
    kind = KINDS.get(pending.get("kind"))
    try:
        table = Table.from_session(pending["table"])
    except (KeyError, TypeError, ValueError):
        table = None
    if kind is None or table is None:
        messages.error(request, expired)
        return redirect("mobility:import")
    organisation = organisations.filter(pk=pending.get("organisation")).first()
    if organisation is None:
        # The right to manage this organisation's mobilities was withdrawn since the upload.
        raise PermissionDenied
    filename = str(pending.get("filename", ""))
    result = run_import(
        kind, table, organisation=organisation, user=request.user, commit=True, filename=filename, request=request
    )
    if not result.ok:
        form = ImportForm(organisations=organisations, initial={"kind": kind.key, "organisation": organisation.pk})
        return _page(request, form, result, organisation=organisation, filename=filename)
    messages.success(request, kind.done_message(result.created, organisation))
    return redirect("mobility:import")


@login_required
def import_template(request, kind, fmt):
    import_organisations(request.user)
    import_kind = KINDS.get(kind)
    if import_kind is None or fmt not in TEMPLATE_FORMATS:
        raise Http404
    headers, help_rows = template_dataset_rows(import_kind)
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # spreadsheet programs then read the file as UTF-8
        csv.writer(buffer).writerow(headers)
        content = buffer.getvalue().encode("utf-8")
    else:
        content = _xlsx_template(import_kind.key, headers, help_rows)
    response = HttpResponse(content, content_type=TEMPLATE_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="vision-import-{import_kind.key}.{fmt}"'
    return response


def _xlsx_template(sheet_name: str, headers: list[str], help_rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(14, len(str(cell.value)) + 2)
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("help")
    help_sheet.append([_("Column"), _("Required"), _("Example"), _("Explanation")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for row in help_rows:
        help_sheet.append(row)
    for letter, width in zip("ABCD", (26, 12, 30, 70), strict=True):
        help_sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
