"""Fixtures of the sealed-PDF tests (helpers in tests/documents/support.py)."""

from __future__ import annotations

import pytest

from documents import rendering, signing
from tests.mobility.conftest import mob  # noqa: F401  (fixture)


@pytest.fixture(scope="session")
def plain_pdf() -> bytes:
    """A small two-page PDF rendered by the portal's renderer (own stylesheet through the URL fetcher), unsigned."""
    html = (
        '<html><head><link rel="stylesheet" href="/static/css/vision.css"></head><body>'
        "<h1>VISION test document</h1>"
        + "".join(f"<p>Paragraph {i}: the learner performs the task safely.</p>" for i in range(60))
        + "</body></html>"
    )
    pdf, _pages = rendering.html_to_pdf(html)
    return pdf


@pytest.fixture(scope="session")
def canned_pdf(signing_certificate, plain_pdf) -> bytes:
    """`plain_pdf` sealed with the portal's certificate (the same `signing.seal` the pipeline uses)."""
    return signing.seal(plain_pdf, reason="Sealed by the VISION portal: test")
