"""Sealed PDFs: request (and retry), download, ZIP per partnership or mobility, public verification.

Requests and downloads start from `visible_to(request.user)` (the document's, and the row's, which is the
document's): out of scope → 404. Files are only ever served through `download` (attachment, no-store,
audited); media are never served directly. `/verify/<token>/` is public and shows no personal data beyond
the learner's initials.
"""

from __future__ import annotations

import hashlib
import zipfile
from tempfile import SpooledTemporaryFile

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mobility.models import Mobility
from partners import audit
from partners.files import no_store
from partners.models import AuditEntry, Partnership

from . import access, services, signing
from .models import RenderedDocument
from .registry import by_slug, renderable_for

S = RenderedDocument.Status


@login_required
@require_POST
def request_pdf(request, slug, code):
    """Request the sealed PDF of a final document, or retry a failed one; back to the document's page."""
    spec = by_slug(slug)
    if spec is None:
        raise Http404
    document = get_object_or_404(spec.model.objects.visible_to(request.user), code=code)
    try:
        services.request_pdf(document, by=request.user, request=request)
    except services.NotFinal as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The sealed PDF is being prepared; this page shows when it is ready."))
    target = request.POST.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = document.get_absolute_url()
    return redirect(target)


@login_required
def download(request, code):
    return services.serve_pdf(request, code)


def _zip(request, rows, name: str, *, partnership=None, about=None):
    selected = access.downloadable(request.user, rows)
    if not selected:
        messages.info(request, _("There is no sealed PDF here that you may download."))
        return None
    rows = [row for row, _name in selected]
    spool = SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 — FileResponse closes it
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
        for row, filename in selected:
            with row.file.open("rb") as source, archive.open(filename, "w") as target:
                for chunk in iter(lambda: source.read(1024 * 1024), b""):
                    target.write(chunk)
    spool.seek(0)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.DOWNLOADED,
        obj=about or partnership or rows[0].mobility or rows[0],
        request=request,
        partnership=partnership,
        details={"zip": name, "files": len(rows)},
    )
    response = FileResponse(spool, as_attachment=True, filename=name, content_type="application/zip")
    return no_store(response)


@login_required
def partnership_zip(request, slug):
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    rows = RenderedDocument.objects.visible_to(request.user).filter(partnership=partnership)
    response = _zip(
        request,
        rows,
        f"{get_valid_filename(partnership.acronym or partnership.slug)}-documents.zip",
        partnership=partnership,
    )
    return response or redirect(partnership.get_absolute_url())


@login_required
def mobility_zip(request, code):
    mobility = get_object_or_404(Mobility.objects.visible_to(request.user), code=code)
    rows = RenderedDocument.objects.visible_to(request.user).filter(mobility=mobility)
    name = f"mobility-{str(mobility.code)[:8]}-documents.zip"  # codes, never names (the audit keeps the name)
    # Audited as about the mobility, so that the learner's erasure finds the entry.
    response = _zip(request, rows, name, partnership=mobility.partnership, about=mobility)
    return response or redirect(mobility.get_absolute_url())


class CheckForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("PDF file to check"),
        help_text=gettext_lazy("The file you received. It is compared with the registered one and not kept."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.VISION_PDF_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than any document the portal produces."))
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("This is not a PDF file."))
        return upload


def verify(request, token):
    """Public: what the document is, whether it is still valid, and a check of an uploaded copy."""
    row = get_object_or_404(
        RenderedDocument.objects.select_related("content_type"), verify_token=token, status__in=[S.READY, S.WITHDRAWN]
    )
    # A withdrawn PDF (its learner was erased) shows what it was and its hashes, never its content.
    withdrawn = row.status == S.WITHDRAWN
    document = row.document
    spec = renderable_for(document) if document is not None else None
    result = None
    form = CheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        check = signing.verify(data)
        result = {
            "matches": hashlib.sha256(data).hexdigest() == row.file_sha256,
            "check": check,
        }
    response = render(
        request,
        "documents/verify.html",
        {
            "row": row,
            "label": spec.label() if spec else _("Document"),
            "summary": spec.summary(document) if spec and not withdrawn else {},
            "status": services.verification_status(row),
            "form": form,
            "result": result,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return no_store(response)
