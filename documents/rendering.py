"""HTML → PDF with WeasyPrint, safely.

The URL fetcher serves only the project's own static files (through the staticfiles finders or
STATIC_ROOT) and `data:` URLs; anything else — http(s), file:, another host, a redirect — is refused
and the resource is left out. Templates escape all user text (Django's autoescaping; never `|safe`).
A render is bounded: the HTML and the PDF have size limits, and the Celery task a time limit.

The PDF is PDF/A-3b (archival: fonts embedded, sRGB output intent, XMP identification) and tagged (a structure
tree from the HTML: headings, lists, tables with their header cells, figures with their alt text; the document
language from `<html lang>`), so a screen reader can read it (EN 301 549, downloadable documents). Sealing
keeps both (documents/signing.py). Decision: docs/decisions.md, "Tagged, archival PDFs".
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://vision.invalid/"
STATIC_PREFIX = BASE_URL.rstrip("/") + settings.STATIC_URL
MAX_HTML_BYTES = 5 * 1024 * 1024


class RenderError(Exception):
    """A render that cannot succeed as it is (not transient): the message is shown to the user."""


def static_path(url: str) -> Path | None:
    """The file behind one of our static URLs, or None."""
    if not url.startswith(STATIC_PREFIX):
        return None
    relative = url[len(STATIC_PREFIX) :].split("?")[0].split("#")[0]
    if not relative or relative.startswith("/") or ".." in Path(relative).parts or "\\" in relative:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    root = settings.STATIC_ROOT
    candidate = Path(root) / relative if root else None
    return candidate if candidate and candidate.is_file() else None


class OwnFilesOnly(URLFetcher):
    """Our static files and data: URLs; nothing from the network or the file system."""

    def __init__(self):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False, timeout=1)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = static_path(url)
        if path is None:
            raise ValueError(f"Refused to fetch {url[:100]}: only the portal's own static files are allowed.")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type}, 200)


# PDF/A-3, conformance level B, with WeasyPrint's tags on top. Not level A ("pdf/a-3a"): it asks for complete
# tagged PDF, and WeasyPrint leaves the running headers and footers of the page margins outside the tree (they
# are neither in it nor marked as artifacts), so the claim could not be kept.
PDF_VARIANT = "pdf/a-3b"


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """The PDF (bytes, PDF/A-3b and tagged) and its number of pages."""
    if len(html.encode("utf-8")) > MAX_HTML_BYTES:
        raise RenderError("The document is too large to render.")
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=OwnFilesOnly()).render()
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
    if len(pdf) > settings.VISION_PDF_MAX_BYTES:
        raise RenderError("The rendered PDF is larger than the allowed size.")
    return pdf, len(document.pages)


def render(template: str, context: dict) -> tuple[bytes, int]:
    return html_to_pdf(render_to_string(template, context))
