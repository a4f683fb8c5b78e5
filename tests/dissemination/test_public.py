"""The public results page (no sign-in) and the coordinator's settings for it.

Cast (`public_world`, on top of the partners `world`): P1 (A coordinates, B partners) with
- results: a published file, a published link, an unpublished one;
- a public upcoming training event with a registered participant, a non-public upcoming training event;
- a public upcoming dissemination event, a non-public one, a public past one with its audience;
- a contact person of A and a learner of B — people whose data must never reach the page.
The world's users get distinctive names here: faker may give a last name like "Grant", which the page
contains ("EU grant") without naming anybody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dissemination.models import Audience, DisseminationEvent, PublicPage, PublicResult, StakeholderGroup
from partners.models import AuditEntry, User
from tests.factories import ContactPersonFactory, TopicFactory
from tests.factories_mobility import LearnerFactory
from training_events.models import Participant, TrainingEvent

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin"]

NAMES = [
    ("Aiste", "Zemaityte"),
    ("Benas", "Kazlauskas"),
    ("Dovile", "Petrauskiene"),
    ("Eero", "Hakkarainen"),
    ("Femke", "Vermeulen"),
    ("Gintare", "Jankauskaite"),
    ("Hanneke", "Dijkstra"),
    ("Ieva", "Stankeviciute"),
    ("Joris", "Bakker"),
    ("Kaisa", "Leinonen"),
]


@dataclass
class PublicWorld:
    result_file: PublicResult
    result_link: PublicResult
    result_hidden: PublicResult
    result_p2: PublicResult
    training_public: TrainingEvent
    training_private: TrainingEvent
    event_public: DisseminationEvent
    event_private: DisseminationEvent
    event_past: DisseminationEvent
    participant: Participant
    contact: object
    learner: object


def make_result(partnership, title, *, content=None, name="result.pdf", **fields) -> PublicResult:
    result = PublicResult(partnership=partnership, title=title, **fields)
    if content is not None:
        result.file.save(name, ContentFile(content), save=False)
    result.save()
    return result


def enable(partnership, summary="") -> PublicPage:
    page, _created = PublicPage.objects.update_or_create(
        partnership=partnership, defaults={"enabled": True, "summary": summary}
    )
    return page


@pytest.fixture
def public_world(world) -> PublicWorld:
    return build_public_world(world)


def build_public_world(world) -> PublicWorld:
    actors = [world.actor(name) for name in ACTORS if name != "anonymous"]
    others = list(User.objects.exclude(pk__in=[user.pk for user in actors]).order_by("pk"))
    for user, (first, last) in zip(actors + others, NAMES, strict=False):
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    today = timezone.localdate()
    p1 = world.p1
    p1.objectives = "Quality-assured learner mobility in the beauty sector."
    p1.save(update_fields=["objectives"])
    p1.topics.add(TopicFactory(name="Recognition of skills"))
    world.org_a.website = "https://alpha.example.org"
    world.org_a.city = "Vilnius"
    world.org_a.save(update_fields=["website", "city"])
    training_public = TrainingEvent.objects.create(
        partnership=p1,
        host_organisation=world.org_a,
        title="Open training on ECVET units",
        venue="Training centre",
        city="Vilnius",
        start_date=today + timedelta(days=30),
        end_date=today + timedelta(days=32),
        is_public=True,
        description="An internal note on who comes.",
    )
    training_private = TrainingEvent.objects.create(
        partnership=p1,
        host_organisation=world.org_a,
        title="Internal staff training",
        start_date=today + timedelta(days=40),
        end_date=today + timedelta(days=41),
    )
    participant = Participant.objects.create(
        event=training_public,
        organisation=world.org_b,
        first_name="Wilhelmina",
        last_name="Oosterhuis",
        email="wilhelmina.oosterhuis@beta.example.org",
        position="Teacher",
        needs="Vegetarian",
    )
    event_public = DisseminationEvent.objects.create(
        partnership=p1,
        organisation=world.org_b,
        title="Multiplier event in Haarlem",
        kind=DisseminationEvent.Kind.MULTIPLIER,
        date=today + timedelta(days=60),
        place="City library",
        country="NL",
        is_public=True,
    )
    event_private = DisseminationEvent.objects.create(
        partnership=p1,
        organisation=world.org_b,
        title="Closed meeting with employers",
        date=today + timedelta(days=61),
    )
    event_past = DisseminationEvent.objects.create(
        partnership=p1,
        organisation=world.org_a,
        title="National dissemination day",
        date=today - timedelta(days=20),
        place="Town hall",
        format=DisseminationEvent.Format.BLENDED,
        is_public=True,
    )
    Audience.objects.create(event=event_past, group=StakeholderGroup.VET_STAFF, national=40, international=7)
    Audience.objects.create(event=event_past, group=StakeholderGroup.EMPLOYERS, national=12, international=0)
    contact = ContactPersonFactory(
        organisation=world.org_a,
        name="Rimante Vaitkeviciene",
        email="rimante.vaitkeviciene@alpha.example.org",
        phone="+370 600 12345",
        is_primary=True,
    )
    learner = LearnerFactory(
        home_organisation=world.org_b, first_name="Liselotte", last_name="Brouwersma", email="liselotte@example.org"
    )
    return PublicWorld(
        result_file=make_result(p1, "Quality checklist", content=PDF, description="The checklist we use.", order=1),
        result_link=make_result(p1, "Curriculum for beauty therapists", link="https://results.example.org/c", order=2),
        result_hidden=make_result(p1, "Draft evaluation report", content=PDF, is_public=False, order=3),
        result_p2=make_result(world.p2, "A result of another project", content=PDF),
        training_public=training_public,
        training_private=training_private,
        event_public=event_public,
        event_private=event_private,
        event_past=event_past,
        participant=participant,
        contact=contact,
        learner=learner,
    )


def page_url(partnership) -> str:
    return reverse("dissemination:public_page", kwargs={"slug": partnership.slug})


def file_url(result) -> str:
    return reverse("dissemination:public_result_file", kwargs={"slug": result.partnership.slug, "code": result.code})


def settings_url(partnership) -> str:
    return reverse("dissemination:public_settings", kwargs={"slug": partnership.slug})


def result_url(name, result) -> str:
    return reverse(f"dissemination:{name}", kwargs={"slug": result.partnership.slug, "code": result.code})


def personal_data() -> list[str]:
    """Every e-mail and name of a person the database holds."""
    values = []
    for user in User.objects.all():
        values += [user.email, user.first_name, user.last_name]
    for participant in Participant.objects.all():
        values += [participant.email, participant.first_name, participant.last_name]
    from partners.models import ContactPerson, Invitation

    for contact in ContactPerson.objects.all():
        values += [contact.email, contact.phone, *contact.name.split()]
    values += list(Invitation.objects.values_list("email", flat=True))
    from mobility.models import Learner

    for learner in Learner.objects.all():
        values += [learner.email, learner.first_name, learner.last_name]
    return [value for value in values if value]


# --- switched off ------------------------------------------------------------------------------------------


def test_a_page_never_switched_on_is_not_found_nor_its_files(public_world, world, client):
    assert not PublicPage.objects.exists()
    assert client.get(page_url(world.p1)).status_code == 404
    assert client.get(file_url(public_world.result_file)).status_code == 404


def test_a_switched_off_page_is_not_found_nor_its_files_even_for_its_coordinator(public_world, world, client_for):
    PublicPage.objects.create(partnership=world.p1, enabled=False, summary="Not yet.")
    for user in (None, world.pc_a, world.admin):
        client = client_for(user)
        assert client.get(page_url(world.p1)).status_code == 404
        assert client.get(file_url(public_world.result_file)).status_code == 404


def test_an_unknown_partnership_is_not_found(db, client):
    assert client.get("/results/no-such-project/").status_code == 404


# --- switched on ------------------------------------------------------------------------------------------


def test_a_switched_on_page_is_open_to_anyone_and_may_be_cached(public_world, world, client):
    enable(world.p1)
    response = client.get(page_url(world.p1))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    html = response.content.decode()
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert world.p1.title in re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    # The vendored Bootstrap, no script, style or image from another host (a bare "cdn" test failed when the
    # page's random CSRF token held those letters).
    assert "/static/vendor/bootstrap-5.3.9/bootstrap.min.css" in html
    assert not re.search(r"""<(?:script|img|iframe|link)\b[^>]*(?:src|href)=["']?(?:https?:)?//""", html)
    assert "Sign in" in html  # the anonymous navigation bar: nobody had to sign in


def test_a_signed_in_visitor_gets_a_private_copy(public_world, world, client_for):
    """Their copy names them in the navigation bar: no shared cache may keep it."""
    enable(world.p1)
    response = client_for(world.partner_c).get(page_url(world.p1))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


def test_the_page_shows_the_project_partners_results_and_public_events(public_world, world, client):
    enable(world.p1, summary="We build quality instruments for learner mobility.")
    html = client.get(page_url(world.p1)).content.decode()
    p1 = world.p1
    for text in (
        p1.title,
        p1.acronym,
        p1.project_number,
        "KA2",
        p1.action_type,
        str(p1.call_year),
        "Recognition of skills",
        "We build quality instruments for learner mobility.",
        "Quality-assured learner mobility in the beauty sector.",
        "136,836",  # the EU grant
    ):
        assert text in html, text
    # Partners: names, cities, countries, websites; the coordinator marked.
    for text in (world.org_a.legal_name, world.org_b.legal_name, "Vilnius", "Haarlem", "Lithuania", "Netherlands"):
        assert text in html, text
    assert 'href="https://alpha.example.org"' in html
    partners = re.search(r'data-testid="public-partners">(.*?)</ul>', html, re.S).group(1)
    first = partners.split("</li>")[0]
    assert world.org_a.legal_name in first and "Coordinator" in first
    assert "Coordinator" not in partners.split("</li>")[1]
    assert world.org_c.legal_name not in html  # P2's coordinator
    # Results: published ones, a download link for a file, the link for a link.
    assert "Quality checklist" in html and "The checklist we use." in html
    assert file_url(public_world.result_file) in html
    assert "Curriculum for beauty therapists" in html and 'href="https://results.example.org/c"' in html
    assert html.index("Quality checklist") < html.index("Curriculum for beauty therapists")  # by order
    # Upcoming public events, training and dissemination, with dates and place.
    upcoming = re.search(r'data-testid="public-upcoming">(.*?)</table>', html, re.S).group(1)
    assert "Open training on ECVET units" in upcoming and "Training centre, Vilnius" in upcoming
    assert "Multiplier event in Haarlem" in upcoming and "City library, Netherlands" in upcoming
    assert public_world.training_public.start_date.isoformat() in upcoming
    assert upcoming.index("Open training on ECVET units") < upcoming.index("Multiplier event in Haarlem")
    # Past public events with their audience: a number only.
    past = re.search(r'data-testid="public-past">(.*?)</table>', html, re.S).group(1)
    assert "National dissemination day" in past and ">59<" in past and "Blended" in past


def test_the_page_hides_unpublished_results_and_events_not_marked_public(public_world, world, client):
    enable(world.p1)
    html = client.get(page_url(world.p1)).content.decode()
    for text in (
        "Draft evaluation report",
        "A result of another project",
        "Internal staff training",
        "Closed meeting with employers",
        "An internal note on who comes.",  # a public event's description is not on the page
        str(public_world.result_hidden.code),
        str(public_world.result_p2.code),
    ):
        assert text not in html, text


def test_the_page_shows_no_personal_data(public_world, world, client):
    enable(world.p1, summary="Our results.")
    html = client.get(page_url(world.p1)).content.decode()
    values = personal_data()
    # The cast is all there: every user of the world, the registered participant of the public training
    # event, the contact person and the learner.
    for person in (world.pc_a, world.partner_b, world.partner_c, world.mentor_b, world.learner_b):
        assert person.email in values and person.last_name in values
    assert "Wilhelmina" in values and "Vaitkeviciene" in values and "Brouwersma" in values
    assert public_world.participant.event.is_public
    for value in values:
        assert value.lower() not in html.lower(), value
    # Nor any e-mail address at all, nor the people-bearing fields of events.
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", html)
    assert "Vegetarian" not in html and "Teacher" not in html


def test_a_published_result_file_is_downloaded_as_an_attachment(public_world, world, client):
    enable(world.p1)
    response = client.get(file_url(public_world.result_file))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="Quality_checklist.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_result_files_not_public_are_not_found(public_world, world, client):
    enable(world.p1)
    enable(world.p2)
    assert client.get(file_url(public_world.result_hidden)).status_code == 404
    assert client.get(file_url(public_world.result_link)).status_code == 404  # a link has no file
    # Another partnership's result under this partnership's address.
    wrong = reverse("dissemination:public_result_file", kwargs={"slug": "p1", "code": public_world.result_p2.code})
    assert client.get(wrong).status_code == 404
    assert client.get(file_url(public_world.result_p2)).status_code == 200
    # A stored file that has gone missing.
    default_storage.delete(public_world.result_file.file.name)
    assert client.get(file_url(public_world.result_file)).status_code == 404
    assert client.post(file_url(public_world.result_p2)).status_code == 405


# --- the coordinator's settings ----------------------------------------------------------------------------


def test_only_the_coordinator_opens_the_settings(public_world, world, client_for):
    url = settings_url(world.p1)
    assert client_for(world.pc_a).get(url).status_code == 200
    assert client_for(world.partner_b).get(url).status_code == 403
    assert client_for(world.partner_c).get(url).status_code == 404
    response = client_for(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_settings_link_the_preview_and_the_public_page_when_it_is_on(public_world, world, client_for):
    client = client_for(world.pc_a)
    html = client.get(settings_url(world.p1)).content.decode()
    preview = reverse("dissemination:public_preview", kwargs={"slug": "p1"})
    assert preview in html and f'href="{page_url(world.p1)}"' not in html
    assert "Quality checklist" in html and "Draft evaluation report" in html  # every result, published or not
    assert "A result of another project" not in html
    enable(world.p1)
    html = client.get(settings_url(world.p1)).content.decode()
    assert f'href="{page_url(world.p1)}"' in html and preview in html
    assert client.get(settings_url(world.p1))["Cache-Control"] == "no-store, private"


def test_the_coordinator_switches_the_page_on_and_off_and_writes_the_summary(public_world, world, client_for):
    client = client_for(world.pc_a)
    response = client.post(settings_url(world.p1), {"enabled": "on", "summary": "What we achieved together."})
    assert response.status_code == 302 and response["Location"] == settings_url(world.p1)
    page = PublicPage.objects.get(partnership=world.p1)
    assert page.enabled and page.summary == "What we achieved together."
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.CREATED, object_type="dissemination.publicpage").exists()
    anonymous = client_for(None)
    response = anonymous.get(page_url(world.p1))
    assert response.status_code == 200 and "What we achieved together." in response.content.decode()
    client = client_for(world.pc_a)
    client.post(settings_url(world.p1), {"summary": "What we achieved together."})
    page.refresh_from_db()
    assert not page.enabled
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.UPDATED, object_type="dissemination.publicpage").exists()
    assert client_for(None).get(page_url(world.p1)).status_code == 404


def test_a_partner_cannot_switch_the_page_on(public_world, world, client_for):
    response = client_for(world.partner_b).post(settings_url(world.p1), {"enabled": "on"})
    assert response.status_code == 403
    assert not PublicPage.objects.exists()


def test_the_coordinator_previews_the_page_before_switching_it_on(public_world, world, client_for):
    url = reverse("dissemination:public_preview", kwargs={"slug": "p1"})
    response = client_for(world.pc_a).get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    html = response.content.decode()
    assert "not published yet" in html and "Quality checklist" in html and "Draft evaluation report" not in html
    # In the preview, files come through the coordinator's download (the public one answers 404 for now).
    assert result_url("public_result_download", public_world.result_file) in html
    assert client_for(world.partner_b).get(url).status_code == 403


# --- results ---------------------------------------------------------------------------------------------


def create_url(partnership) -> str:
    return reverse("dissemination:public_result_create", kwargs={"slug": partnership.slug})


def test_the_coordinator_adds_a_result_with_a_file(public_world, world, client_for):
    client = client_for(world.pc_a)
    assert client.get(create_url(world.p1)).status_code == 200
    response = client.post(
        create_url(world.p1),
        {
            "title": "Assessment grid",
            "description": "For the host company's mentor.",
            "file": SimpleUploadedFile("grid.png", PNG),
            "order": 5,
            "is_public": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == settings_url(world.p1)
    result = PublicResult.objects.get(title="Assessment grid")
    assert result.partnership == world.p1 and result.is_public and result.order == 5
    assert result.file.name.startswith("results/p1/") and result.file.name.endswith("grid.png")
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.CREATED, object_code=str(result.code)).exists()
    enable(world.p1)
    response = client_for(None).get(file_url(result))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG


def test_the_coordinator_adds_a_result_with_a_link(public_world, world, client_for):
    response = client_for(world.pc_a).post(
        create_url(world.p1), {"title": "Project website", "link": "https://vision.example.org", "order": 0}
    )
    assert response.status_code == 302
    result = PublicResult.objects.get(title="Project website")
    assert result.link == "https://vision.example.org" and not result.file
    assert not result.is_public  # an unticked box on the form: not published


def test_a_result_needs_a_link_or_a_file(public_world, world, client_for):
    response = client_for(world.pc_a).post(create_url(world.p1), {"title": "Nothing to show", "order": 0})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Give a link or a file for the result."]
    assert not PublicResult.objects.filter(title="Nothing to show").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "Files of this type are not accepted"),
        ("notes.txt", b"plain text", "Files of this type are not accepted"),
        ("fake.pdf", b"<html>not a pdf</html>", "does not match its name"),
        ("fake.docx", PDF, "does not match its name"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_bad_upload_is_a_field_error(public_world, world, client_for, name, content, message):
    response = client_for(world.pc_a).post(
        create_url(world.p1), {"title": "Bad file", "order": 0, "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["file"], errors
    assert message in errors["file"][0]
    assert not PublicResult.objects.filter(title="Bad file").exists()


def test_a_too_large_upload_is_a_field_error(public_world, world, client_for, settings):
    settings.VISION_MAX_UPLOAD_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    response = client_for(world.pc_a).post(
        create_url(world.p1), {"title": "Big file", "order": 0, "file": SimpleUploadedFile("big.pdf", big)}
    )
    assert response.status_code == 200
    assert "too large" in response.context["form"].errors["file"][0]


def test_the_coordinator_edits_a_result_and_a_replaced_file_is_removed(
    public_world, world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.pc_a)
    result = public_world.result_file
    old_name = result.file.name
    url = result_url("public_result_edit", result)
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "title": "Quality checklist, version 2",
                "description": "Updated.",
                "order": 1,
                "is_public": "on",
                "file": SimpleUploadedFile("checklist-v2.pdf", PDF + b"%v2"),
            },
        )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.title == "Quality checklist, version 2" and result.file.name != old_name
    assert not default_storage.exists(old_name)
    assert default_storage.exists(result.file.name)
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.UPDATED, object_code=str(result.code)).exists()


def test_editing_without_a_new_file_keeps_the_file(public_world, world, client_for):
    result = public_world.result_file
    response = client_for(world.pc_a).post(result_url("public_result_edit", result), {"title": "Checklist", "order": 1})
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.title == "Checklist" and not result.is_public and default_storage.exists(result.file.name)


def test_clearing_the_only_file_of_a_result_is_refused(public_world, world, client_for):
    result = public_world.result_file
    response = client_for(world.pc_a).post(
        result_url("public_result_edit", result), {"title": "Checklist", "order": 1, "remove_file": "on"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Give a link or a file for the result."]


def test_the_coordinator_removes_the_file_of_a_result_that_has_a_link(
    public_world, world, client_for, django_capture_on_commit_callbacks
):
    result = public_world.result_file
    name = result.file.name
    client = client_for(world.pc_a)
    html = client.get(result_url("public_result_edit", result)).content.decode()
    # The current file is linked through the coordinator's download, never under MEDIA_URL.
    assert result_url("public_result_download", result) in html and "/media/" not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            result_url("public_result_edit", result),
            {"title": "Checklist", "order": 1, "link": "https://results.example.org/q", "remove_file": "on"},
        )
    assert response.status_code == 302
    result.refresh_from_db()
    assert not result.file and result.link == "https://results.example.org/q"
    assert not default_storage.exists(name)


def test_the_coordinator_deletes_a_result_and_its_file(
    public_world, world, client_for, django_capture_on_commit_callbacks
):
    result = public_world.result_file
    name = result.file.name
    client = client_for(world.pc_a)
    assert client.get(result_url("public_result_delete", result)).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(result_url("public_result_delete", result))
    assert response.status_code == 302 and response["Location"] == settings_url(world.p1)
    assert not PublicResult.objects.filter(pk=result.pk).exists()
    assert not default_storage.exists(name)
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.DELETED, object_code=str(result.code)).exists()


def test_a_partner_can_neither_add_edit_nor_delete_results(public_world, world, client_for):
    client = client_for(world.partner_b)
    result = public_world.result_file
    assert client.post(create_url(world.p1), {"title": "X", "link": "https://x.example.org"}).status_code == 403
    assert client.post(result_url("public_result_edit", result), {"title": "X", "order": 0}).status_code == 403
    assert client.post(result_url("public_result_delete", result)).status_code == 403
    result.refresh_from_db()
    assert result.title == "Quality checklist"
    assert PublicResult.objects.count() == 4


def test_a_result_of_another_partnership_is_not_reached_through_this_one(public_world, world, client_for):
    client = client_for(world.pc_a)
    other = public_world.result_p2
    for name in ("public_result_edit", "public_result_delete", "public_result_download"):
        url = reverse(f"dissemination:{name}", kwargs={"slug": "p1", "code": other.code})
        response = client.post(url) if name == "public_result_delete" else client.get(url)
        assert response.status_code == 404, name
    assert PublicResult.objects.filter(pk=other.pk).exists()


def test_the_coordinator_downloads_an_unpublished_result_file(public_world, world, client_for):
    url = result_url("public_result_download", public_world.result_hidden)
    response = client_for(world.pc_a).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store, private"
    assert client_for(world.partner_b).get(url).status_code == 403
