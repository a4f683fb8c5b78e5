"""Quality checklist: generation, who ticks what, evidence uploads and downloads, the template."""

import io
import zipfile
from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mobility.models import ChecklistItem, ChecklistTemplateItem
from mobility.models.checklists import Responsible
from mobility.services.checklists import DEFAULT_TEMPLATE, generate_checklist
from partners.models import AuditEntry
from partners.uploads import UploadValidator, validate_upload
from tests.factories_mobility import MobilityFactory

pytestmark = pytest.mark.django_db

# m_a_to_b runs 2021-04-12 – 2021-05-09; on this day the preparation and arrival items are overdue.
DURING_THE_STAY = datetime(2021, 4, 20, 10, 0, tzinfo=timezone.get_default_timezone())

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office_file(member: str, mimetype: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        archive.writestr(member, "<xml/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def checklist_url(mobility):
    return reverse("mobility:checklist", kwargs={"code": mobility.code})


def item_url(item):
    return reverse("mobility:checklist_item", kwargs={"code": item.code})


def item_of(mobility, responsible):
    generate_checklist(mobility)
    return mobility.checklist.filter(responsible=responsible).order_by("due_date", "order").first()


# --- The checklist page ------------------------------------------------------------------------------


def test_opening_the_checklist_generates_it_once_from_the_partnership_template(world, mob, client_for):
    client = client_for(world.pc_a)
    response = client.get(checklist_url(mob.m_a_to_b))
    assert response.status_code == 200
    assert mob.m_a_to_b.checklist.count() == len(DEFAULT_TEMPLATE)
    client.get(checklist_url(mob.m_a_to_b))
    assert mob.m_a_to_b.checklist.count() == len(DEFAULT_TEMPLATE)


@time_machine.travel(DURING_THE_STAY, tick=False)
def test_items_are_grouped_by_category_with_due_date_who_acts_and_status_in_text(world, mob, client_for):
    done = item_of(mob.m_a_to_b, Responsible.SENDING)
    ChecklistItem.objects.filter(pk=done.pk).update(done_at=timezone.now(), done_by=world.pc_a)
    html = client_for(world.mentor_b).get(checklist_url(mob.m_a_to_b)).content.decode()
    for heading in ("Preparation", "Arrival", "Monitoring", "Assessment", "Documentation"):
        assert f'-heading" class="h4">{heading}</h2>' in html
    assert "Accommodation confirmed" in html
    assert "Receiving organisation" in html  # who acts, in words
    assert "Overdue" in html and "Done" in html and "Open" in html
    assert f"1 of {len(DEFAULT_TEMPLATE)} items done" in html


def test_a_mentor_reads_the_checklist_but_ticks_only_mentor_items(world, mob, client_for):
    generate_checklist(mob.m_a_to_b)
    client = client_for(world.mentor_b)
    html = client.get(checklist_url(mob.m_a_to_b)).content.decode()
    mentor_item = mob.m_a_to_b.checklist.get(responsible=Responsible.MENTOR)
    sending_item = mob.m_a_to_b.checklist.filter(responsible=Responsible.SENDING).first()
    assert item_url(mentor_item) in html
    assert item_url(sending_item) not in html
    assert client.post(item_url(sending_item), {"action": "done"}).status_code == 403
    assert client.post(item_url(mentor_item), {"action": "done"}).status_code == 302
    sending_item.refresh_from_db()
    assert not sending_item.is_done


def test_the_learner_ticks_their_own_learner_item(world, mob, client_for):
    item = item_of(mob.m_b_to_a, Responsible.LEARNER)
    response = client_for(world.learner_b).post(item_url(item), {"action": "done", "note": "Filed online"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_done and item.done_by == world.learner_b and item.note == "Filed online"


def test_receiving_staff_cannot_tick_a_sending_item(world, mob, client_for):
    item = item_of(mob.m_a_to_b, Responsible.SENDING)  # A sends; partner_b works at the host B
    assert client_for(world.partner_b).post(item_url(item), {"action": "done"}).status_code == 403


# --- Marking done, evidence -------------------------------------------------------------------------


def test_sending_staff_marks_an_item_done_with_a_note_and_a_pdf(world, mob, client_for):
    item = item_of(mob.m_a_to_b, Responsible.SENDING)
    upload = SimpleUploadedFile("policy.pdf", PDF, content_type="application/pdf")
    response = client_for(world.pc_a).post(
        item_url(item), {"action": "done", "note": "Policy 42 with Allianz", "evidence": upload}
    )
    assert response.status_code == 302
    assert response["Location"] == checklist_url(mob.m_a_to_b)
    item.refresh_from_db()
    assert item.is_done and item.done_by == world.pc_a
    assert item.note == "Policy 42 with Allianz"
    assert item.evidence.name.endswith(".pdf")
    entry = AuditEntry.objects.get(object_code=str(item.code))
    assert entry.verb == AuditEntry.Verb.STATE_CHANGED
    assert entry.details["from"] == "open" and entry.details["to"] == "done"
    assert "Allianz" not in str(entry.details)  # notes stay out of the audit trail


def test_marking_an_item_not_done_opens_it_again_and_keeps_the_note(world, mob, client_for):
    item = item_of(mob.m_a_to_b, Responsible.SENDING)
    client = client_for(world.pc_a)
    client.post(item_url(item), {"action": "done", "note": "Booked"})
    client.post(item_url(item), {"action": "undone", "note": "Booked, then cancelled"})
    item.refresh_from_db()
    assert not item.is_done and item.done_by is None
    assert item.note == "Booked, then cancelled"
    assert AuditEntry.objects.filter(object_code=str(item.code), details__to="open").exists()


def test_saving_evidence_without_choosing_done_keeps_the_item_open(world, mob, client_for):
    item = item_of(mob.m_a_to_b, Responsible.SENDING)
    client_for(world.pc_a).post(item_url(item), {"action": "save", "note": "Quote requested"})
    item.refresh_from_db()
    assert not item.is_done and item.note == "Quote requested"


def test_a_request_without_a_known_action_changes_nothing(world, mob, client_for):
    item = item_of(mob.m_a_to_b, Responsible.SENDING)
    response = client_for(world.pc_a).post(item_url(item), {"action": "explode", "note": "x"})
    assert response.status_code == 200
    assert "Choose whether the item is done or not." in response.content.decode()
    item.refresh_from_db()
    assert not item.is_done and item.note == ""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "Files of this type are not accepted"),
        ("photo.pdf", PNG, "does not match its name"),
        ("notes.txt", b"\x00\x01\x02binary", "does not match its name"),
        ("report.docx", b"PK\x03\x04 not really a zip", "does not match its name"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_bad_upload_gets_a_field_error_and_changes_nothing(world, mob, client_for, name, content, message):
    item = item_of(mob.m_a_to_b, Responsible.SENDING)
    upload = SimpleUploadedFile(name, content)
    response = client_for(world.pc_a).post(item_url(item), {"action": "done", "note": "n", "evidence": upload})
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors["evidence"])
    item.refresh_from_db()
    assert not item.is_done and not item.evidence and item.note == ""


def test_an_oversized_upload_is_refused_with_the_limit_in_the_message(world, mob, client_for, settings):
    settings.VISION_MAX_UPLOAD_MB = 1
    item = item_of(mob.m_a_to_b, Responsible.SENDING)
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    response = client_for(world.pc_a).post(item_url(item), {"action": "done", "evidence": upload})
    assert response.status_code == 200
    assert "the limit is 1 MB" in " ".join(response.context["form"].errors["evidence"])
    item.refresh_from_db()
    assert not item.is_done


def test_a_new_evidence_file_replaces_the_old_one_which_is_deleted(
    world, mob, client_for, media, django_capture_on_commit_callbacks
):
    item = item_of(mob.m_a_to_b, Responsible.SENDING)
    client = client_for(world.pc_a)
    client.post(item_url(item), {"action": "done", "evidence": SimpleUploadedFile("one.pdf", PDF)})
    item.refresh_from_db()
    old_path = media / item.evidence.name
    assert old_path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(item_url(item), {"action": "save", "evidence": SimpleUploadedFile("two.png", PNG)})
    item.refresh_from_db()
    assert item.evidence.name.endswith(".png")
    assert not old_path.exists()


def test_evidence_downloads_as_an_attachment_and_is_audited(world, mob, client_for):
    item = item_of(mob.m_a_to_b, Responsible.SENDING)
    item.evidence.save("insurance.pdf", ContentFile(PDF), save=True)
    response = client_for(world.mentor_b).get(reverse("mobility:evidence_download", kwargs={"code": item.code}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "insurance" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF  # reading it to the end closes the file
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.DOWNLOADED, object_code=str(item.code))
    assert entry.actor == world.mentor_b


def test_an_item_without_evidence_has_nothing_to_download(world, mob, client_for):
    item = item_of(mob.m_a_to_b, Responsible.SENDING)
    response = client_for(world.pc_a).get(reverse("mobility:evidence_download", kwargs={"code": item.code}))
    assert response.status_code == 404


# --- The upload validator on its own ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.pdf", PDF),
        ("a.png", PNG),
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"0" * 16),
        ("a.JPEG", b"\xff\xd8\xff\xe1" + b"0" * 16),
        ("a.docx", office_file("word/document.xml")),
        ("a.xlsx", office_file("xl/workbook.xml")),
        ("a.odt", office_file("content.xml", b"application/vnd.oasis.opendocument.text")),
        ("a.txt", "Grüße aus Kaunas\n".encode()),
    ],
)
def test_the_upload_validator_accepts_genuine_files_of_every_allowed_type(name, content):
    validate_upload(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.xlsx", office_file("word/document.xml")),  # a Word file renamed
        ("a.odt", office_file("content.xml", b"application/vnd.oasis.opendocument.spreadsheet")),
        ("a.jpg", PDF),
        ("a.csv", b"a,b\n1,2\n"),  # a type not allowed for evidence
        ("noextension", PDF),
    ],
)
def test_the_upload_validator_refuses_mismatched_or_unlisted_files(name, content):
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile(name, content))


def test_the_upload_validator_can_be_reused_with_other_types_and_limits():
    validator = UploadValidator(allowed=("csv", "xlsx"), max_bytes=100)
    validator(SimpleUploadedFile("people.csv", b"first,last\nLina,Bakker\n"))
    with pytest.raises(ValidationError, match="too large"):
        validator(SimpleUploadedFile("people.csv", b"x" * 101))
    assert validator.accept_attribute() == ".csv,.xlsx"
    assert validator == UploadValidator(allowed=("csv", "xlsx"), max_bytes=100)


# --- The template -------------------------------------------------------------------------------------


def template_url(partnership):
    return reverse("mobility:checklist_template", kwargs={"slug": partnership.slug})


def template_post_data(partnership, changes=None, new=None, delete=()):
    """The formset as the page would send it, with `changes` {index: {field: value}}."""
    items = list(ChecklistTemplateItem.objects.filter(partnership=partnership).order_by("order", "id"))
    data = {
        "items-TOTAL_FORMS": str(len(items) + 1),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        row = {
            "id": item.pk,
            "title": item.title,
            "guidance": item.guidance,
            "category": item.category,
            "responsible": item.responsible,
            "anchor": item.anchor,
            "offset_days": item.offset_days,
            "order": item.order,
        }
        row.update((changes or {}).get(i, {}))
        if i in delete:
            row["DELETE"] = "on"
        data.update({f"items-{i}-{key}": value for key, value in row.items()})
    # The empty extra row carries the defaults the page shows.
    extra = {"anchor": "start", "offset_days": "0", "order": "0", **(new or {})}
    for key, value in extra.items():
        data[f"items-{len(items)}-{key}"] = value
    return data


def test_project_coordinator_edits_the_template_and_only_new_checklists_follow_it(world, mob, client_for):
    generate_checklist(mob.m_a_to_b)  # generated before the change
    client = client_for(world.pc_a)
    assert client.get(template_url(world.p1)).status_code == 200
    data = template_post_data(
        world.p1,
        changes={0: {"title": "Online language course (OLS) started"}},
        new={
            "title": "Host family visited",
            "category": "preparation",
            "responsible": "receiving",
            "anchor": "start",
            "offset_days": "-7",
            "order": "99",
        },
    )
    response = client.post(template_url(world.p1), data)
    assert response.status_code == 302
    titles = set(ChecklistTemplateItem.objects.filter(partnership=world.p1).values_list("title", flat=True))
    assert {"Online language course (OLS) started", "Host family visited"} <= titles
    assert not mob.m_a_to_b.checklist.filter(title="Host family visited").exists()
    later = MobilityFactory(
        learner=mob.learner_a2, partnership=world.p1, receiving_organisation=world.org_b, start_date=date(2021, 10, 4)
    )
    generate_checklist(later)
    host_family = later.checklist.get(title="Host family visited")
    assert host_family.due_date == date(2021, 9, 27)
    assert AuditEntry.objects.filter(object_code=world.p1.slug, details__checklist_template__added=1).exists()


def test_the_page_says_changes_apply_to_checklists_generated_afterwards(world, client_for):
    html = client_for(world.pc_a).get(template_url(world.p1)).content.decode()
    assert "Changes apply to checklists generated afterwards" in html


def test_a_partner_reads_the_template_without_a_form(world, client_for):
    response = client_for(world.partner_b).get(template_url(world.p1))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Accommodation confirmed" in html
    assert "14 days before the start" in html
    assert '<form method="post" novalidate>' not in html


def test_an_offset_beyond_a_year_gets_a_field_error_and_nothing_is_saved(world, client_for):
    client = client_for(world.pc_a)
    client.get(template_url(world.p1))
    data = template_post_data(world.p1, changes={0: {"offset_days": "-999", "title": "Changed"}})
    response = client.post(template_url(world.p1), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["offset_days"]
    assert not ChecklistTemplateItem.objects.filter(title="Changed").exists()


def test_deleting_every_template_item_is_refused(world, client_for):
    client = client_for(world.pc_a)
    client.get(template_url(world.p1))
    data = template_post_data(world.p1, delete=range(len(DEFAULT_TEMPLATE)))
    response = client.post(template_url(world.p1), data)
    assert response.status_code == 200
    assert "Keep at least one item in the checklist." in response.content.decode()
    assert ChecklistTemplateItem.objects.filter(partnership=world.p1).count() == len(DEFAULT_TEMPLATE)
