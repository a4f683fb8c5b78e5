"""Erasure reaches the sealed PDFs (issue 17, point 1): after a learner is erased, no file under MEDIA_ROOT and no
column of any table holds their name, e-mail or birth date — with a real sealed PDF of every document type that
names a learner (Learning Agreement, personal transcript, Europass Mobility, grant agreement)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from documents.models import RenderedDocument
from mobility.models import Learner
from mobility.services import gdpr
from partners.models import AuditEntry
from tests.mobility.test_gdpr import database_text

from .support import approve_la, approved_europass, approved_grant, approved_transcript, pdf_text

pytestmark = pytest.mark.django_db

S = RenderedDocument.Status
EMAIL = "lina.bakker@example.org"
BIRTH = date(2004, 5, 17)
NEEDLES = ["Bakker", "Lina Bakker", EMAIL, "2004-05-17", "17.05.2004", "17/05/2004"]


def media_files(root) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


def mentions(path: Path) -> list[str]:
    text = (pdf_text(path.read_bytes()) if path.suffix == ".pdf" else path.read_bytes().decode("latin-1")).casefold()
    return [n for n in NEEDLES if n.casefold() in text or n.casefold() in str(path).casefold()]


@pytest.fixture
def sealed(world, mob, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    settings.VISION_PDF_ON_APPROVAL = True
    Learner.objects.filter(pk=mob.learner_b1.pk).update(email=EMAIL, date_of_birth=BIRTH)
    with django_capture_on_commit_callbacks(execute=True):
        approve_la(world, mob)
        approved_transcript(world, mob)
        approved_europass(world, mob)
        approved_grant(world, mob)
    rows = list(RenderedDocument.objects.filter(mobility=mob.m_b_to_a).select_related("content_type"))
    assert sorted(r.content_type.model for r in rows) == [
        "europassmobility",
        "grantagreement",
        "learningagreementversion",
        "transcript",
    ]
    assert all(r.status == S.READY for r in rows), [(r.content_type.model, r.error) for r in rows]
    return rows


def erase(world, mob, capture):
    with capture(execute=True):
        gdpr.erase_learner(Learner.objects.get(pk=mob.learner_b1.pk), by=world.partner_b, reason="Asked by Lina Bakker")


def test_erasure_leaves_no_file_and_no_column_naming_the_learner(
    world, mob, sealed, client_for, settings, django_capture_on_commit_callbacks
):
    client = client_for(world.partner_b)
    assert client.get(reverse("documents:mobility_zip", kwargs={"code": mob.m_b_to_a.code})).status_code == 200
    # An audit entry as older releases wrote it: the ZIP named after the learner (issue 17).
    AuditEntry.objects.create(
        verb=AuditEntry.Verb.DOWNLOADED,
        actor=world.partner_b,
        object_repr="Documents",
        object_code=str(mob.m_b_to_a.code),
        partnership=world.p1,
        details={"zip": f"mobility-Bakker-{str(mob.m_b_to_a.code)[:8]}.zip"},
    )
    pdfs = [p for p in media_files(settings.MEDIA_ROOT) if p.suffix == ".pdf"]
    assert len(pdfs) == 4 and all(mentions(p) for p in pdfs)  # each sealed PDF names the learner
    assert "bakker" in database_text()

    erase(world, mob, django_capture_on_commit_callbacks)

    assert [(str(p), mentions(p)) for p in media_files(settings.MEDIA_ROOT)] == []
    leftovers = [n for n in NEEDLES if n.casefold() in database_text()]
    assert leftovers == []
    for row in RenderedDocument.objects.filter(pk__in=[r.pk for r in sealed]):
        before = next(r for r in sealed if r.pk == row.pk)
        assert (row.status, row.file.name) == (S.WITHDRAWN, "")
        assert row.file_sha256 == before.file_sha256 and row.content_sha256 == before.content_sha256
        assert row.withdrawn_at is not None


def test_the_public_page_of_a_withdrawn_pdf_says_so_and_shows_no_content(
    world, mob, sealed, client, django_capture_on_commit_callbacks
):
    row = next(r for r in sealed if r.content_type.model == "transcript")
    before = client.get(row.get_verify_url())
    assert before.status_code == 200 and "L.B." in before.content.decode()

    erase(world, mob, django_capture_on_commit_callbacks)

    response = client.get(row.get_verify_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="verify-withdrawn"' in html
    assert "Withdrawn at the person's request on" in html
    assert "L.B." not in html and "Bakker" not in html and world.org_a.legal_name not in html
    assert row.file_sha256 in html  # a copy someone kept can still be checked


def test_a_render_still_queued_when_the_learner_is_erased_never_stores_a_file(
    world, mob, settings, tmp_path, django_capture_on_commit_callbacks
):
    from documents import services

    settings.MEDIA_ROOT = tmp_path
    approve_la(world, mob)  # queued: the worker has not run
    row = RenderedDocument.objects.get()
    erase(world, mob, django_capture_on_commit_callbacks)
    assert services.produce(row.pk) == "withdrawn"
    row.refresh_from_db()
    assert (row.status, row.file.name) == (S.WITHDRAWN, "") and media_files(tmp_path) == []


def test_a_rolled_back_erasure_keeps_the_files(world, mob, sealed, settings, django_capture_on_commit_callbacks):
    from django.db import transaction

    before = media_files(settings.MEDIA_ROOT)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            gdpr.erase_learner(Learner.objects.get(pk=mob.learner_b1.pk), by=world.partner_b, reason="x")
            raise RuntimeError("the erasure fails after the PDFs were withdrawn")
    assert media_files(settings.MEDIA_ROOT) == before
    assert set(RenderedDocument.objects.values_list("status", flat=True)) == {S.READY}


def test_the_erasure_deletes_the_files_from_s3_too(
    world, mob, settings, monkeypatch, canned_pdf, django_capture_on_commit_callbacks
):
    # The production storage when several machines share files (STORAGE_BACKEND=s3): an S3 bucket, here moto's.
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name="eu-central-1")
        s3.create_bucket(Bucket="vision-files", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {"bucket_name": "vision-files", "default_acl": "private", "region_name": "eu-central-1"},
            },
        }
        from .support import make_ready

        rows = [
            make_ready(approved_europass(world, mob), canned_pdf),
            make_ready(approved_transcript(world, mob), canned_pdf),
        ]
        keys = {o["Key"] for o in s3.list_objects_v2(Bucket="vision-files").get("Contents", [])}
        assert keys == {row.file.name for row in rows}

        erase(world, mob, django_capture_on_commit_callbacks)

        assert s3.list_objects_v2(Bucket="vision-files").get("KeyCount") == 0
        assert {r.status for r in RenderedDocument.objects.filter(pk__in=[r.pk for r in rows])} == {S.WITHDRAWN}


def test_after_the_erasure_the_document_page_says_withdrawn_and_no_pdf_can_be_made(
    world, mob, sealed, client_for, django_capture_on_commit_callbacks
):
    from documents import services

    transcript = next(r for r in sealed if r.content_type.model == "transcript").document
    client = client_for(world.pc_a)
    before = client.get(transcript.get_absolute_url()).content.decode()
    assert "Download the sealed PDF" in before and 'data-testid="sealed-pdf-withdrawn"' not in before

    erase(world, mob, django_capture_on_commit_callbacks)

    page = client.get(transcript.get_absolute_url()).content.decode()
    assert 'data-testid="sealed-pdf-withdrawn"' in page
    assert "Download the sealed PDF" not in page and "Prepare the sealed PDF" not in page
    transcript.refresh_from_db()
    with pytest.raises(services.PersonErased):
        services.request_pdf(transcript, by=world.pc_a)
    response = client.post(
        reverse("documents:request", kwargs={"slug": "transcript", "code": transcript.code}), follow=True
    )
    assert "no sealed PDF is made of it any more" in response.content.decode()
    assert RenderedDocument.objects.exclude(status=S.WITHDRAWN).count() == 0


def test_a_document_approved_after_the_erasure_stands_without_a_pdf(
    world, mob, settings, django_capture_on_commit_callbacks
):
    from ecvet.models import Transcript

    from .support import decide_all, sent_transcript

    settings.VISION_PDF_ON_APPROVAL = True
    transcript = sent_transcript(world, mob)
    erase(world, mob, django_capture_on_commit_callbacks)

    # The host approves what was sent before the erasure: the approval is recorded, no PDF is made.
    approved = decide_all(Transcript.objects.get(pk=transcript.pk), [(world.pc_a, "receiving")])
    assert approved.status == Transcript.Status.APPROVED
    assert not RenderedDocument.objects.exists()
