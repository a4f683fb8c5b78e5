"""Who may download which sealed PDF: the one place the download view, the ZIPs and the partnership
archive ask.

Scope comes first: rows are `RenderedDocument.objects.visible_to(user)` (the document's own scope).
Within scope, each document type's renderable decides (`Renderable.may_download`), since what a PDF
carries differs (a Learning Agreement prints the learner's date of birth; a certificate does not).
"""

from __future__ import annotations

from django.utils.text import get_valid_filename

from .models import RenderedDocument
from .registry import renderable_for


def may_download(user, row: RenderedDocument) -> bool:
    document = row.document
    return document is not None and renderable_for(document).may_download(user, document)


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
