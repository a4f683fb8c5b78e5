"""The sealed-PDF views: download, the public verification page (summary, status, checking a copy), the
sealed-PDF box on the document pages, requesting and retrying, the ZIP downloads, and the renderer's URL
fetcher.

m_b_to_a (tests/mobility/conftest.py): B sends learner_b's mobility (Lina Bakker) to A; m_a_to_b: A sends
Austeja Kairyte to B. P1 = A + B; P2 = C + D.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from documents import access, rendering
from documents.models import RenderedDocument
from documents.services import current_row, request_pdf
from ecvet.models import LearningAgreementVersion
from partners.models import AuditEntry

from .support import (
    amend_memorandum,
    approve_change,
    approve_la,
    approved_europass,
    approved_transcript,
    forced_memorandum,
    make_ready,
    memorandum_in_force,
    send_la,
)

pytestmark = pytest.mark.django_db
S = RenderedDocument.Status


def download_url(row):
    return reverse("documents:download", kwargs={"code": row.code})


def verify_url(row):
    return reverse("documents:verify", kwargs={"token": row.verify_token})


def request_url(slug, document):
    return reverse("documents:request", kwargs={"slug": slug, "code": document.code})


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def sealed_la(world, mob, django_capture_on_commit_callbacks):
    """The approved LA version 1 of m_b_to_a and its sealed PDF, rendered by the pipeline."""
    with django_capture_on_commit_callbacks(execute=True):
        version = approve_la(world, mob)
    row = RenderedDocument.objects.get()
    assert row.status == S.READY, row.error
    return version, row


# --- download --------------------------------------------------------------------------------------------


def test_download_is_an_audited_attachment_never_cached(world, sealed_la, client_for):
    version, row = sealed_la
    response = client_for(world.partner_b).get(download_url(row))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    code = str(version.agreement.code)[:8]  # codes, never names
    assert response["Content-Disposition"] == f'attachment; filename="learning-agreement-{code}-v1.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    data = body(response)
    assert hashlib.sha256(data).hexdigest() == row.file_sha256
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.DOWNLOADED, actor=world.partner_b)
    assert entry.object_code == str(version.code)
    assert entry.details == {"pdf": str(row.code), "sha256": row.file_sha256}
    assert entry.partnership == world.p1


def test_a_row_that_is_not_ready_is_not_downloadable(world, mob, client_for):
    approve_la(world, mob)  # queued: the callbacks did not run
    row = RenderedDocument.objects.get()
    assert client_for(world.partner_b).get(download_url(row)).status_code == 404
    RenderedDocument.objects.filter(pk=row.pk).update(status=S.FAILED, error="boom")
    assert client_for(world.admin).get(download_url(row)).status_code == 404
    assert not AuditEntry.objects.filter(verb=AuditEntry.Verb.DOWNLOADED).exists()


@pytest.mark.parametrize(
    ("build", "filename"),
    [
        (
            lambda world, mob: memorandum_in_force(world, title="Beauty & Wellness MoU"),
            "memorandum-beauty-wellness-mou-v1",
        ),
        (approved_transcript, "personal-transcript-{code}"),
        (approved_europass, "europass-mobility-{code}"),
    ],
    ids=["memorandum", "transcript", "europass"],
)
def test_every_kind_downloads_under_a_meaningful_name(world, mob, client_for, canned_pdf, build, filename):
    # The kind of document and its code: never the learner's name (issue 17).
    document = build(world, mob)
    row = make_ready(document, canned_pdf)
    response = client_for(world.admin).get(download_url(row))
    assert response.status_code == 200
    filename = filename.format(code=str(document.code)[:8])
    assert response["Content-Disposition"] == f'attachment; filename="{filename}.pdf"'
    assert "bakker" not in response["Content-Disposition"].lower()
    assert body(response) == canned_pdf


# --- the public verification page ------------------------------------------------------------------------


def test_the_verification_page_is_public_and_shows_no_personal_data_beyond_initials(world, mob, sealed_la, client):
    version, row = sealed_la
    response = client.get(verify_url(row))
    assert response.status_code == 200
    page = response.content.decode()
    assert "ECVET Learning Agreement" in page
    assert "Valid." in page
    assert f"PONE ({world.p1.project_number})" in page
    assert world.org_a.legal_name in page and world.org_b.legal_name in page
    assert "L.B." in page
    learner = mob.learner_b1
    for personal in (learner.last_name, learner.first_name, learner.email, "2001-05-17", world.learner_b.last_name):
        assert personal not in page, personal
    assert row.content_sha256 in page and row.file_sha256 in page
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    assert 'enctype="multipart/form-data"' in page
    assert response.context["result"] is None


def test_a_memorandum_page_names_its_parties_and_no_learner(world, mob, client, canned_pdf):
    row = make_ready(memorandum_in_force(world), canned_pdf)
    page = client.get(verify_url(row)).content.decode()
    assert "ECVET Memorandum of Understanding" in page and "Valid." in page
    assert world.org_a.legal_name in page and world.org_b.legal_name in page
    assert "Learner" not in page


def test_an_la_version_replaced_by_an_approved_change_is_superseded(world, mob, client, canned_pdf):
    v1 = approve_la(world, mob)
    first = make_ready(v1, canned_pdf)
    v2 = approve_change(world, v1)
    assert LearningAgreementVersion.objects.get(pk=v1.pk).status == LearningAgreementVersion.Status.SUPERSEDED
    second = make_ready(v2, canned_pdf + b"\n")
    assert "Superseded." in client.get(verify_url(first)).content.decode()
    assert "Valid." in client.get(verify_url(second)).content.decode()
    assert RenderedDocument.objects.count() == 2


def test_a_memorandum_replaced_by_an_amendment_is_superseded(world, client, canned_pdf):
    memorandum = memorandum_in_force(world)
    row = make_ready(memorandum, canned_pdf)
    amendment = amend_memorandum(world, memorandum)
    page = client.get(verify_url(row)).content.decode()
    assert "Superseded." in page and "Valid." not in page
    assert "Valid." in client.get(verify_url(make_ready(amendment, canned_pdf + b" "))).content.decode()


def test_a_terminated_memorandum_is_revoked(world, client, canned_pdf):
    from ecvet.services import memoranda

    memorandum = memorandum_in_force(world)
    row = make_ready(memorandum, canned_pdf)
    assert "Valid." in client.get(verify_url(row)).content.decode()
    memoranda.terminate(memorandum, by=world.pc_a, reason="The partnership ended early.")
    page = client.get(verify_url(row)).content.decode()
    assert "Revoked." in page and "Valid." not in page


def test_a_revoked_pdf_says_so_with_the_reason(world, mob, client, sealed_la):
    _version, row = sealed_la
    RenderedDocument.objects.filter(pk=row.pk).update(revoked_at=timezone.now(), revoked_reason="Issued by mistake.")
    page = client.get(verify_url(row)).content.decode()
    assert "Revoked." in page and "Issued by mistake." in page and "Valid." not in page


def test_an_unknown_or_unfinished_token_is_not_found(world, mob, client):
    assert client.get(reverse("documents:verify", kwargs={"token": "no-such-token"})).status_code == 404
    approve_la(world, mob)
    queued = RenderedDocument.objects.get()
    assert client.get(verify_url(queued)).status_code == 404
    assert client.post(verify_url(queued), {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.7")}).status_code == 404


def test_checking_the_registered_file_says_authentic(world, mob, sealed_la, client):
    _version, row = sealed_la
    with row.file.open("rb") as f:
        data = f.read()
    response = client.post(verify_url(row), {"file": SimpleUploadedFile("la.pdf", data, "application/pdf")})
    assert response.status_code == 200
    assert 'data-result="authentic"' in response.content.decode()
    assert response.context["result"]["matches"] is True


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"<html>not a pdf</html>", "This is not a PDF file."),
        (b"PK\x03\x04 a zip file", "This is not a PDF file."),
        (b"%PDF-1.7\n" + b"0" * 5000, "The file is larger than any document the portal produces."),
    ],
    ids=["html", "zip", "too-large"],
)
def test_a_bad_upload_gets_a_field_error_not_a_crash(world, mob, client, canned_pdf, settings, data, error):
    settings.VISION_PDF_MAX_BYTES = 4096
    row = make_ready(memorandum_in_force(world), canned_pdf[:100])
    response = client.post(verify_url(row), {"file": SimpleUploadedFile("copy.pdf", data, "application/pdf")})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [error]
    assert "data-result" not in response.content.decode()


def test_an_upload_without_a_file_asks_for_one(world, client, canned_pdf):
    row = make_ready(memorandum_in_force(world), canned_pdf)
    response = client.post(verify_url(row), {"csrfmiddlewaretoken": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["This field is required."]
    empty = client.post(verify_url(row), {"file": SimpleUploadedFile("empty.pdf", b"", "application/pdf")})
    assert empty.status_code == 200 and "file" in empty.context["form"].errors


# --- the sealed-PDF box on the document pages ------------------------------------------------------------


def box(response) -> str:
    page = response.content.decode()
    start = page.find('data-testid="sealed-pdf"')
    return page[start : page.find("</section>", start)] if start >= 0 else ""


@pytest.mark.parametrize("kind", ["agreement", "memorandum", "transcript", "europass"])
def test_a_ready_pdf_shows_its_download_link_on_the_document_page(world, mob, client_for, canned_pdf, kind):
    document = {
        "agreement": lambda: approve_la(world, mob),
        "memorandum": lambda: memorandum_in_force(world),
        "transcript": lambda: approved_transcript(world, mob),
        "europass": lambda: approved_europass(world, mob),
    }[kind]()
    row = make_ready(document, canned_pdf)
    pages = [document.get_absolute_url()]
    if kind == "agreement":
        pages.append(document.agreement.get_absolute_url())
    for url in pages:
        response = client_for(world.partner_b).get(url)
        assert response.status_code == 200
        sealed = box(response)
        assert download_url(row) in sealed, url
        assert verify_url(row) in sealed and row.file_sha256 in sealed
        assert "Try again" not in sealed


def test_a_failed_pdf_shows_the_reason_and_a_retry_that_works(
    world, mob, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(
        rendering, "render", lambda *a: (_ for _ in ()).throw(rendering.RenderError("The font is missing."))
    )
    with django_capture_on_commit_callbacks(execute=True):
        version = approve_la(world, mob)
    client = client_for(world.partner_b)
    sealed = box(client.get(version.get_absolute_url()))
    assert "The PDF could not be produced." in sealed and "The font is missing." in sealed
    assert "Try again" in sealed and request_url("agreement-version", version) in sealed

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url("agreement-version", version), {"next": version.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == version.get_absolute_url()
    row = RenderedDocument.objects.get()
    assert row.status == S.READY
    assert download_url(row) in box(client.get(version.get_absolute_url()))


def test_queued_and_rendering_pdfs_say_to_wait(world, mob, client_for):
    version = approve_la(world, mob)
    client = client_for(world.pc_a)
    assert "Waiting for a worker" in box(client.get(version.get_absolute_url()))
    RenderedDocument.objects.update(status=S.RENDERING)
    assert "being rendered and sealed" in box(client.get(version.get_absolute_url()))


def test_a_final_document_without_a_pdf_offers_to_prepare_it(
    world, mob, client_for, django_capture_on_commit_callbacks
):
    memorandum = memorandum_in_force(world)
    RenderedDocument.objects.all().delete()  # e.g. approved before the feature existed
    client = client_for(world.pc_a)
    sealed = box(client.get(memorandum.get_absolute_url()))
    assert "Prepare the sealed PDF" in sealed and request_url("memorandum", memorandum) in sealed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url("memorandum", memorandum), follow=True)
    assert response.redirect_chain[0][0] == memorandum.get_absolute_url()
    assert RenderedDocument.objects.get().status == S.READY
    assert AuditEntry.objects.filter(actor=world.pc_a, verb=AuditEntry.Verb.CREATED, details__pdf__isnull=False)


def test_a_document_that_is_not_final_has_no_box(world, mob, client_for):
    version = send_la(world, mob)
    response = client_for(world.partner_b).get(version.get_absolute_url())
    assert response.status_code == 200
    assert 'data-testid="sealed-pdf"' not in response.content.decode()


def test_requesting_the_pdf_of_a_document_that_is_not_final_is_an_error_message(world, mob, client_for):
    version = send_la(world, mob)
    response = client_for(world.partner_b).post(request_url("agreement-version", version), follow=True)
    assert response.status_code == 200
    assert "Only a document approved by every party can be sealed as a PDF." in response.content.decode()
    assert not RenderedDocument.objects.exists()


def test_an_unknown_document_type_is_not_found(world, mob, client_for):
    version = approve_la(world, mob)
    assert client_for(world.admin).post(request_url("no-such-type", version)).status_code == 404
    assert client_for(world.admin).get(request_url("agreement-version", version)).status_code == 405


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""])
def test_the_request_never_redirects_off_site(world, mob, client_for, target):
    version = approve_la(world, mob)
    response = client_for(world.partner_b).post(request_url("agreement-version", version), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == version.get_absolute_url()


@pytest.mark.parametrize("target", ["/\\evil.example/", "/\t/evil.example/", "/\n/evil.example/"])
def test_a_next_that_a_browser_reads_as_another_host_stays_on_site(world, mob, client_for, target):
    """Browsers drop tabs and newlines and read a backslash as a slash: the Location must not become //host."""
    version = approve_la(world, mob)
    response = client_for(world.partner_b).post(request_url("agreement-version", version), {"next": target})
    assert response.status_code == 302
    as_a_browser_reads_it = response["Location"].replace("\t", "").replace("\n", "").replace("\\", "/")
    assert as_a_browser_reads_it.startswith("/") and not as_a_browser_reads_it.startswith("//")


# --- ZIP downloads ---------------------------------------------------------------------------------------


@pytest.fixture
def scoped(world, mob, canned_pdf):
    """Ready PDFs: the LA, transcript and Europass of m_b_to_a and a P1 memorandum; the Europass of m_a_to_b
    (another P1 mobility); a P2 memorandum. And a queued P1 memorandum (not in any ZIP)."""
    la = approve_la(world, mob)
    transcript = approved_transcript(world, mob)
    europass = approved_europass(world, mob)
    memorandum = memorandum_in_force(world)
    other_europass = approved_europass(world, mob, mob.m_a_to_b, sender=world.pc_a, host=world.partner_b)
    p2 = forced_memorandum(world.p2, [world.org_c, mob.org_d], title="Delta MoU")
    rows = {
        name: make_ready(document, canned_pdf + name.encode())
        for name, document in (
            ("la", la),
            ("transcript", transcript),
            ("europass", europass),
            ("memorandum", memorandum),
            ("other_europass", other_europass),
            ("p2", p2),
        )
    }
    queued = request_pdf(forced_memorandum(world.p1, [world.org_a, world.org_b], title="Queued MoU"))
    assert queued.status == S.QUEUED
    return rows


def names_of(rows) -> dict[str, str]:
    """The file name of each ready PDF of `scoped`: its kind and its document's code (never a name)."""
    return {key: access.filename(row) for key, row in rows.items()}


def test_the_file_names_carry_codes_and_no_name(world, mob, scoped):
    names = names_of(scoped)
    assert names["la"] == f"learning-agreement-{str(scoped['la'].document.agreement.code)[:8]}-v1.pdf"
    assert names["transcript"] == f"personal-transcript-{str(scoped['transcript'].document.code)[:8]}.pdf"
    assert all("bakker" not in name and mob.learner_a1.last_name.lower() not in name for name in names.values())


def zip_names(response) -> dict[str, bytes]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(body(response))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_partnership_zip_holds_the_ready_pdfs_of_that_partnership_only(world, mob, scoped, client_for, canned_pdf):
    response = client_for(world.pc_a).get(reverse("documents:partnership_zip", kwargs={"slug": world.p1.slug}))
    assert response["Content-Disposition"] == 'attachment; filename="PONE-documents.zip"'
    files = zip_names(response)
    names = names_of(scoped)
    assert sorted(files) == sorted(
        [names["la"], names["transcript"], names["europass"], "memorandum-beauty-mou-v1.pdf", names["other_europass"]]
    )
    assert files[names["la"]] == canned_pdf + b"la"
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.DOWNLOADED, details__zip="PONE-documents.zip").count() == 1

    p2 = zip_names(client_for(world.partner_c).get(reverse("documents:partnership_zip", kwargs={"slug": "p2"})))
    assert list(p2) == ["memorandum-delta-mou-v1.pdf"]


def test_the_mobility_zip_holds_the_ready_pdfs_of_that_mobility_only(world, mob, scoped, client_for, canned_pdf):
    response = client_for(world.partner_b).get(reverse("documents:mobility_zip", kwargs={"code": mob.m_b_to_a.code}))
    assert (
        response["Content-Disposition"] == f'attachment; filename="mobility-{str(mob.m_b_to_a.code)[:8]}-documents.zip"'
    )
    files = zip_names(response)
    names = names_of(scoped)
    assert sorted(files) == sorted([names["europass"], names["la"], names["transcript"]])
    assert files[names["europass"]] == canned_pdf + b"europass"


def test_a_zip_with_nothing_ready_redirects_with_a_message(world, mob, client_for):
    approve_la(world, mob)  # queued only
    response = client_for(world.pc_a).get(
        reverse("documents:mobility_zip", kwargs={"code": mob.m_b_to_a.code}), follow=True
    )
    assert response.redirect_chain[0][0] == mob.m_b_to_a.get_absolute_url()
    assert "There is no sealed PDF here that you may download." in response.content.decode()
    response = client_for(world.pc_a).get(reverse("documents:partnership_zip", kwargs={"slug": "p1"}))
    assert response.status_code == 302 and response["Location"] == world.p1.get_absolute_url()


def test_two_pdfs_with_the_same_name_both_go_into_the_zip(world, mob, client_for, canned_pdf):
    first = forced_memorandum(world.p1, [world.org_a, world.org_b], title="Same")
    second = forced_memorandum(world.p1, [world.org_a, world.org_b], title="Same")
    make_ready(first, canned_pdf + b"1")
    make_ready(second, canned_pdf + b"2")
    files = zip_names(client_for(world.pc_a).get(reverse("documents:partnership_zip", kwargs={"slug": "p1"})))
    assert len(files) == 2 and "memorandum-same-v1.pdf" in files
    assert sorted(files.values()) == sorted([canned_pdf + b"1", canned_pdf + b"2"])


# --- the renderer fetches nothing but our own static files -----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "https://vision.invalid/static/../settings.py",
        "https://vision.invalid/static/css/../../vision/settings/base.py",
        "https://vision.invalid/static/%2e%2e/vision/settings/base.py",
        "https://vision.invalid/media/sealed/x.pdf",
        "https://vision.invalid.evil.example/static/css/vision.css",
        "https://vision.invalid/staticx/css/vision.css",
        "https://vision.invalid/static/",
        "https://vision.invalid/static/css/missing.css",
        "ftp://vision.invalid/static/css/vision.css",
    ],
)
def test_the_url_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(ValueError, match="Refused to fetch"):
        rendering.OwnFilesOnly().fetch(url)


def test_the_url_fetcher_refuses_an_absolute_path_under_static():
    with pytest.raises((ValueError, SuspiciousFileOperation)):
        rendering.OwnFilesOnly().fetch("https://vision.invalid/static//etc/passwd")


def test_the_url_fetcher_serves_our_stylesheet_and_data_urls():
    response = rendering.OwnFilesOnly().fetch("https://vision.invalid/static/css/vision.css")
    assert response.content_type == "text/css"
    content = response.read()
    with open(rendering.static_path("https://vision.invalid/static/css/vision.css"), "rb") as f:
        assert content == f.read()
    assert rendering.OwnFilesOnly().fetch("data:text/plain;base64,aGVsbG8=").read() == b"hello"


def test_a_render_leaves_out_what_the_fetcher_refuses():
    html = (
        '<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd">'
        '<link rel="stylesheet" href="https://vision.invalid/static/../settings.py"><p>Still rendered</p>'
    )
    pdf, pages = rendering.html_to_pdf(html)
    assert pdf.startswith(b"%PDF-") and pages == 1


def test_a_too_large_pdf_is_a_render_error(settings):
    settings.VISION_PDF_MAX_BYTES = 100
    with pytest.raises(rendering.RenderError):
        rendering.html_to_pdf("<p>hello</p>")


def test_the_current_row_is_the_one_of_the_current_content(world, mob, canned_pdf):
    version = approve_la(world, mob)
    row = make_ready(version, canned_pdf)
    assert current_row(version) == row
