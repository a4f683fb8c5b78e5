"""Who may download which sealed PDF: the one place the download view, the ZIPs and the partnership
archive ask.

Scope comes first: rows are `RenderedDocument.objects.visible_to(user)` (the document's own scope).
Within scope, each document type's renderable decides (`Renderable.may_download`, which asks its own app's
access module, e.g. `ecvet.access.may_download_pdf`), since what a PDF carries differs (a Learning Agreement
prints the learner's date of birth; a certificate does not). The rules are published for the templates
(bottom of the module): `{% test_rule "documents.may_download_zip" request.user mobility as ok %}`.
"""

from __future__ import annotations

from django.utils.text import get_valid_filename

from partners.access import register

from .models import RenderedDocument
from .registry import is_renderable, renderable_for


def may_request(user, row: RenderedDocument) -> bool:
    """Request the sealed PDF of a document, or retry a failed one: whoever sees the document (the request
    view finds the document through its `visible_to`; this is the same scope, asked of the row)."""
    return RenderedDocument.objects.visible_to(user).filter(pk=row.pk).exists()


def may_download(user, row: RenderedDocument) -> bool:
    """The sealed PDF of this row (already `visible_to(user)`): as its document's type decides."""
    document = row.document
    return document is not None and may_download_document(user, document)


def may_download_document(user, document) -> bool:
    """The sealed PDF of a document the user reads (the document page's download button)."""
    return is_renderable(document) and renderable_for(document).may_download(user, document)


def filename(row: RenderedDocument) -> str:
    document = row.document
    base = renderable_for(document).filename(document) if document is not None else f"document-{row.code}"
    return get_valid_filename(base) + ".pdf"


def downloadable(user, rows) -> list[tuple[RenderedDocument, str]]:
    """The ready PDFs among `rows` (already `visible_to(user)`) that `user` may download, each with a file
    name unique in the list. The selection of every ZIP of sealed PDFs (the documents views and the
    partnership archive)."""
    out = []
    used: set[str] = set()
    for row in rows.filter(status=RenderedDocument.Status.READY).select_related("content_type").order_by("pk"):
        if not may_download(user, row):
            continue
        name = filename(row)
        if name in used:
            name = name.removesuffix(".pdf") + f"-{row.code.hex[:8]}.pdf"
        used.add(name)
        out.append((row, name))
    return out


def may_download_zip(user, subject) -> bool:
    """The ZIP of a mobility's or a partnership's sealed PDFs (`subject` in the user's scope): only when it
    would hold at least one PDF the user may download (else the link would lead to "nothing here")."""
    field = "partnership" if subject._meta.model_name == "partnership" else "mobility"
    rows = RenderedDocument.objects.visible_to(user).filter(**{field: subject})
    return bool(downloadable(user, rows))


register("documents", may_request, may_download, may_download_document, may_download_zip)
