"""Training materials: list, upload (type by name and content, size), download through the view, delete."""

import io
import zipfile
from datetime import date, time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import AuditEntry
from training_events.forms.materials import MaterialForm
from training_events.models import Material, Session

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def office_zip(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<xml/>")
    return buffer.getvalue()


def list_url(event):
    return reverse("training_events:material_list", kwargs={"code": event.code})


def download_url(material):
    return reverse("training_events:material_download", kwargs={"code": material.code})


def delete_url(material):
    return reverse("training_events:material_delete", kwargs={"code": material.code})


def upload(client, event, name, content, **data):
    payload = {"title": "Quality checklist", "kind": Material.Kind.HANDOUT, **data}
    payload["file"] = SimpleUploadedFile(name, content)
    return client.post(list_url(event), payload)


def make_material(event, title="Slides day 1", content=PDF, name="slides.pdf", session=None):
    material = Material(event=event, title=title, kind=Material.Kind.SLIDES, session=session, size=len(content))
    material.file.save(name, ContentFile(content), save=False)
    material.save()
    return material


# --- upload -------------------------------------------------------------------------------------------------


def test_host_uploads_a_pdf_which_is_stored_with_its_size_and_audited(te, world, client_for):
    response = upload(client_for(world.pc_a), te.ev_a, "checklist.pdf", PDF, session=te.s2.pk)
    assert response.status_code == 302
    assert response["Location"] == list_url(te.ev_a)
    material = Material.objects.get()
    assert material.event == te.ev_a
    assert material.session == te.s2
    assert material.title == "Quality checklist"
    assert material.kind == Material.Kind.HANDOUT
    assert material.size == len(PDF)
    assert material.uploaded_by == world.pc_a
    assert material.file.name.startswith(f"training/{te.ev_a.code}/")
    with material.file.open("rb") as handle:
        assert handle.read() == PDF
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.CREATED, object_type="training_events.material")
    assert entry.actor == world.pc_a
    assert entry.partnership == world.p1
    assert entry.details["size"] == len(PDF)


def test_pptx_slides_are_accepted(te, world, client_for):
    content = office_zip("ppt/presentation.xml")
    response = upload(client_for(world.pc_a), te.ev_a, "day1.pptx", content, kind=Material.Kind.SLIDES)
    assert response.status_code == 302
    assert Material.objects.get().size == len(content)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", "not accepted"),
        ("notes.pdf", b"Just some plain text pretending to be a PDF.\n", "does not match"),
        ("day1.pptx", office_zip("word/document.xml"), "does not match"),
        ("day1.pptx", b"plain text, not a zip", "does not match"),
        ("picture.png", PDF, "does not match"),
        ("empty.pdf", b"", "empty"),
    ],
    ids=["exe", "text-as-pdf", "docx-as-pptx", "text-as-pptx", "pdf-as-png", "empty"],
)
def test_wrong_type_is_a_field_error_and_nothing_is_saved(te, world, client_for, name, content, message):
    response = upload(client_for(world.pc_a), te.ev_a, name, content)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "file" in errors
    assert message in " ".join(errors["file"])
    assert not Material.objects.exists()
    assert not AuditEntry.objects.filter(object_type="training_events.material").exists()


def test_the_type_error_names_every_accepted_type(te, world, client_for):
    response = upload(client_for(world.pc_a), te.ev_a, "setup.exe", b"MZ")
    message = " ".join(response.context["form"].errors["file"])
    for extension in ("pdf", "pptx", "docx", "xlsx", "odt", "png", "jpg", "txt"):
        assert extension in message


@pytest.mark.parametrize(
    ("name", "content"),
    [("big.pdf", PDF + b"0" * (1024 * 1024)), ("big.pptx", None)],
    ids=["pdf", "pptx"],
)
def test_too_large_is_a_field_error(te, world, client_for, settings, name, content):
    settings.VISION_MAX_UPLOAD_MB = 1
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr("ppt/presentation.xml", "<xml/>")
            archive.writestr("ppt/media/big.bin", b"\x01" * (1024 * 1024 + 10))
        content = buffer.getvalue()
    response = upload(client_for(world.pc_a), te.ev_a, name, content)
    assert response.status_code == 200
    assert "too large" in " ".join(response.context["form"].errors["file"])
    assert not Material.objects.exists()


def test_a_session_of_another_event_cannot_be_chosen(te, world, client_for):
    other = Session.objects.create(
        event=te.ev_c, day=date(2025, 4, 1), start_time=time(9), end_time=time(10), title="Elsewhere"
    )
    client = client_for(world.pc_a)
    page = client.get(list_url(te.ev_a))
    choices = [value for value, _label in page.context["form"].fields["session"].choices if value != ""]
    assert {int(str(value)) for value in choices} == {te.s1.pk, te.s2.pk, te.s3.pk}

    response = upload(client, te.ev_a, "checklist.pdf", PDF, session=other.pk)
    assert response.status_code == 200
    assert "session" in response.context["form"].errors
    assert not Material.objects.exists()


def test_title_is_required(te, world, client_for):
    response = upload(client_for(world.pc_a), te.ev_a, "checklist.pdf", PDF, title="")
    assert "title" in response.context["form"].errors
    assert not Material.objects.exists()


def test_a_partner_who_does_not_manage_the_event_cannot_upload(te, world, client_for):
    for user in (world.partner_b, te.staff_b):
        response = upload(client_for(user), te.ev_a, "checklist.pdf", PDF)
        assert response.status_code == 403
    assert not Material.objects.exists()


def test_the_form_checks_files_directly(te, settings):
    form = MaterialForm(
        data={"title": "Handout", "kind": Material.Kind.HANDOUT},
        files={"file": SimpleUploadedFile("handout.txt", "Tervetuloa – välkommen\n".encode())},
        event=te.ev_a,
    )
    assert form.is_valid(), form.errors
    form = MaterialForm(
        data={"title": "Handout", "kind": Material.Kind.HANDOUT},
        files={"file": SimpleUploadedFile("handout.txt", b"\x00\x01\x02binary")},
        event=te.ev_a,
    )
    assert not form.is_valid()
    assert "file" in form.errors


# --- list -------------------------------------------------------------------------------------------------


def test_list_shows_materials_and_the_form_only_to_managers(te, world, client_for):
    make_material(te.ev_a, title="Opening slides", session=te.s1)
    make_material(te.ev_c, title="Material of another event")

    manager = client_for(world.pc_a).get(list_url(te.ev_a))
    assert manager.status_code == 200
    html = manager.content.decode()
    assert "Opening slides" in html
    assert "Material of another event" not in html
    assert manager.context["form"] is not None
    assert html.count("<h1") == 1
    assert '<th scope="col">' in html
    assert 'for="id_file"' in html and 'for="id_title"' in html
    assert delete_url(Material.objects.get(title="Opening slides")) in html

    participant = client_for(te.staff_b).get(list_url(te.ev_a))
    assert participant.status_code == 200
    assert "Opening slides" in participant.content.decode()
    assert participant.context["form"] is None
    assert "/delete/" not in participant.content.decode()


def test_list_is_paginated_with_bounded_queries(te, world, client_for, django_assert_max_num_queries):
    for n in range(30):
        make_material(te.ev_a, title=f"Material {n:02d}", session=te.s1 if n % 2 else None)
    client = client_for(world.pc_a)
    client.get(list_url(te.ev_a))  # warm the session
    with django_assert_max_num_queries(10):
        response = client.get(list_url(te.ev_a))
    assert len(response.context["page"].object_list) == 25
    second = client.get(list_url(te.ev_a) + "?page=2")
    assert len(second.context["page"].object_list) == 5


# --- download ---------------------------------------------------------------------------------------------


def test_download_is_an_attachment_not_stored_and_audited(te, world, client_for):
    material = make_material(te.ev_a, title="Opening slides")
    response = client_for(te.staff_b).get(download_url(material))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Opening_slides.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.DOWNLOADED)
    assert entry.actor == te.staff_b
    assert entry.object_code == str(material.code)
    assert entry.partnership == world.p1


def test_download_out_of_scope_is_not_found_and_anonymous_signs_in(te, world, client_for):
    material = make_material(te.ev_a)
    assert client_for(world.partner_c).get(download_url(material)).status_code == 404
    response = client_for(None).get(download_url(material))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not AuditEntry.objects.filter(verb=AuditEntry.Verb.DOWNLOADED).exists()


def test_download_of_a_missing_file_is_not_found(te, world, client_for):
    material = make_material(te.ev_a)
    default_storage.delete(material.file.name)
    assert client_for(world.pc_a).get(download_url(material)).status_code == 404


# --- delete -----------------------------------------------------------------------------------------------


def test_manager_deletes_a_material_and_its_file(te, world, client_for, django_capture_on_commit_callbacks):
    material = make_material(te.ev_a)
    name = material.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.pc_a).post(delete_url(material))
    assert response.status_code == 302
    assert response["Location"] == list_url(te.ev_a)
    assert not Material.objects.exists()
    assert not default_storage.exists(name)
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.DELETED, object_code=str(material.code)).exists()


def test_delete_needs_the_right_and_a_post(te, world, client_for):
    material = make_material(te.ev_a)
    assert client_for(world.partner_b).post(delete_url(material)).status_code == 403
    assert client_for(te.staff_b).post(delete_url(material)).status_code == 403
    assert client_for(world.partner_c).post(delete_url(material)).status_code == 404
    assert client_for(world.pc_a).get(delete_url(material)).status_code == 405
    assert Material.objects.filter(pk=material.pk).exists()
