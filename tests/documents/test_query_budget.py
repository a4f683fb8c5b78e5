"""The sealed-PDF box costs one query per document shown, however many PDF rows exist.

The ECVET document pages are counted twice for each reader: with only the rows of the documents shown, and
with many more rows (older content of the same documents, failed attempts, other documents). The number of
queries must not change, and exactly one query per sealed-PDF box reads the PDF table.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import RenderedDocument

from .support import (
    approve_change,
    approve_la,
    approved_europass,
    approved_transcript,
    forced_memorandum,
    make_ready,
    memorandum_in_force,
)

pytestmark = pytest.mark.django_db
S = RenderedDocument.Status


@pytest.fixture
def pages(world, mob, canned_pdf):
    v1 = approve_la(world, mob)
    make_ready(v1, canned_pdf)
    v2 = approve_change(world, v1)  # v1 superseded (still final: its box shows), v2 approved
    make_ready(v2, canned_pdf)
    transcript = approved_transcript(world, mob)
    make_ready(transcript, canned_pdf)
    europass = approved_europass(world, mob)
    make_ready(europass, canned_pdf)
    memorandum = memorandum_in_force(world)
    make_ready(memorandum, canned_pdf)
    return {
        "LA version": v2.get_absolute_url(),
        "superseded LA version": v1.get_absolute_url(),
        "LA with its versions": v2.agreement.get_absolute_url(),
        "memorandum": memorandum.get_absolute_url(),
        "transcript": transcript.get_absolute_url(),
        "Europass": europass.get_absolute_url(),
        "documents": [v1, v2, transcript, europass, memorandum],
    }


def add_noise(world, documents, per_document=15):
    """Rows of other content of the same documents (old, failed, ready) and rows of other documents."""
    rows = []
    for document in documents:
        ct = ContentType.objects.get_for_model(type(document))
        for i in range(per_document):
            rows.append(
                RenderedDocument(
                    content_type=ct,
                    object_id=document.pk,
                    content_sha256=f"{i:064x}",
                    status=[S.READY, S.FAILED, S.QUEUED][i % 3],
                    error="old",
                )
            )
    for i in range(10):
        other = forced_memorandum(world.p1, [world.org_a, world.org_b], title=f"Noise {i}")
        rows.append(
            RenderedDocument(
                content_type=ContentType.objects.get_for_model(type(other)),
                object_id=other.pk,
                content_sha256=f"{i:064x}",
                status=S.READY,
            )
        )
    RenderedDocument.objects.bulk_create(rows)


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    pdf_queries = [q["sql"] for q in queries.captured_queries if "documents_rendereddocument" in q["sql"]]
    boxes = response.content.decode().count('data-testid="sealed-pdf"')
    return len(queries), len(pdf_queries), boxes


PAGE_NAMES = ["LA version", "superseded LA version", "LA with its versions", "memorandum", "transcript", "Europass"]


@pytest.mark.parametrize("reader", ["partner_b", "pc_a", "mentor_a", "learner_b"])
def test_the_sealed_pdf_box_costs_one_query_per_document_whatever_the_number_of_rows(
    world, mob, pages, client_for, reader
):
    user = getattr(mob, reader) if reader == "mentor_a" else getattr(world, reader)
    client = client_for(user)
    names = [n for n in PAGE_NAMES if n != "memorandum" or reader in ("partner_b", "pc_a")]
    client.get(pages[names[0]])  # warm up (session, content types)
    before = {name: count(client, pages[name]) for name in names}
    add_noise(world, pages["documents"])
    after = {name: count(client, pages[name]) for name in names}
    for name in names:
        total_before, pdf_before, boxes = before[name]
        total_after, pdf_after, boxes_after = after[name]
        assert boxes >= 1 and boxes_after == boxes, name
        assert pdf_before == boxes and pdf_after == boxes, f"{name}: {pdf_after} PDF queries for {boxes} boxes"
        assert total_after == total_before, f"{name}: {total_before} → {total_after} queries"
