"""The selection report: a sealed PDF through the document pipeline when the decision is recorded, whose seal
validates, that names only the selected applicants, is made again when the reserve list moves up, is in the
partnership's sealed PDFs for the archive, and is downloaded only by the panel and the deciding coordinators."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents import access as documents_access
from documents import signing
from documents.models import RenderedDocument
from partners.workflow import move
from selection import panel
from selection.panel_pdf import report_content
from tests.documents.support import pdf_text

from .panel_support import scored_call

pytestmark = pytest.mark.django_db
S = RenderedDocument.Status


def test_the_decision_seals_the_selection_report(world, django_capture_on_commit_callbacks, client_for):
    scored = scored_call(world)
    with django_capture_on_commit_callbacks(execute=True):
        panel.record_decision(scored.call, reserve_size=2, by=world.partner_b)
    row = RenderedDocument.objects.get()
    assert row.document == scored.call and row.status == S.READY, row.error
    assert row.partnership == world.p1  # so the partnership archive holds it
    with row.file.open("rb") as f:
        data = f.read()
    check = signing.verify(data)
    assert check.ok and check.reason == "valid", check
    text = pdf_text(data)
    for expected in ("Selection report", "Motivation", "Vera Visser", "Ada Tester", "Bea Tester", "20"):
        assert expected in text, expected
    for hidden in ("Cas Tester", "Gus Tester", "Hal Tester"):
        assert hidden not in text, hidden
    assert str(scored.apps["Cas"].code)[:8] in text
    assert row.content_sha256 in text.replace(" ", "")
    # Who downloads it: the panel and the deciding coordinator; the partnership's project coordinator does not
    # even see it (applicants' data stays with the sending school).
    assert documents_access.may_download(world.partner_b, row)
    assert documents_access.may_download(world.mentor_b, row)
    assert not RenderedDocument.objects.visible_to(world.pc_a).filter(pk=row.pk).exists()
    download = reverse("documents:download", kwargs={"code": row.code})
    assert client_for(world.mentor_b).get(download).status_code == 200
    assert client_for(world.pc_a).get(download).status_code == 404
    # The ranking page offers it.
    page = client_for(world.partner_b).get(reverse("selection:panel_ranking", kwargs={"code": scored.call.code}))
    assert download in page.content.decode()


def test_a_promotion_makes_a_new_report_and_the_content_is_language_independent(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    from django.utils import translation

    monkeypatch.setattr("documents.services.enqueue", lambda pk: False)
    scored = scored_call(world)
    with django_capture_on_commit_callbacks(execute=True):
        panel.record_decision(scored.call, reserve_size=2, by=world.partner_b)
    with translation.override("lt"):
        lithuanian = report_content(scored.call)
    assert report_content(scored.call) == lithuanian
    with django_capture_on_commit_callbacks(execute=True):
        move(type(scored.apps["Ada"]).objects.get(pk=scored.apps["Ada"].pk), "withdraw", by=world.partner_b)
    assert RenderedDocument.objects.filter(object_id=scored.call.pk).count() == 2


def test_the_selection_report_is_in_the_sending_schools_partnership_archive_only(
    world, django_capture_on_commit_callbacks, client_for
):
    import io
    import zipfile

    scored = scored_call(world)
    with django_capture_on_commit_callbacks(execute=True):
        panel.record_decision(scored.call, reserve_size=2, by=world.partner_b)
    row = RenderedDocument.objects.get(status=S.READY)
    name = f"documents/{documents_access.filename(row)}"

    def archive_of(user):
        response = client_for(user).get(reverse("reporting:archive", kwargs={"slug": world.p1.slug}))
        assert response.status_code == 200
        with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
            return {member: archive.read(member) for member in archive.namelist()}

    own = archive_of(world.partner_b)
    with row.file.open("rb") as f:
        assert own[name] == f.read()
    assert name in own["README.txt"].decode("utf-8")
    # The project coordinator's archive leaves another school's applicants out.
    assert name not in archive_of(world.pc_a)
