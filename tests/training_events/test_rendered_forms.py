"""Every form of the training-event pages works as rendered: the test reads the page, fills exactly the fields
the HTML contains (tests/training_events/html.py), submits them and expects success. A required field the
template leaves out (the time zone once was) fails here, whatever the form class says.

Cast: tests/conftest.py (`world`) and tests/training_events/conftest.py (`te`)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from training_events.models import EvaluationQuestion, Material, Participant, Session, TrainingEvent

from .html import fill, forms, post_form

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"training_events:{name}", kwargs=kwargs or None)


def page_form(client, address, containing):
    response = client.get(address)
    assert response.status_code == 200
    return post_form(response.content.decode(), containing=containing)


def test_the_new_event_page_shows_the_time_zone_with_its_label_and_help(world, te, client_for):
    html = client_for(world.pc_a).get(url("event_create") + "?partnership=p1").content.decode()
    form = post_form(html, containing="title")
    zone = form.field("time_zone")
    assert zone.tag == "select"
    assert ("", True) in zone.options  # the host's zone, chosen until someone picks another
    assert ("Europe/Vilnius", False) in zone.options
    assert re.search(r'<label\s+for="id_time_zone"[^>]*>\s*Time zone\s*</label>', html)
    assert "local times of this zone" in html


def test_the_new_event_form_as_rendered_creates_the_event_in_the_hosts_time_zone(world, te, client_for):
    client = client_for(world.pc_a)
    address = url("event_create") + "?partnership=p1"
    form = page_form(client, address, "title")
    assert {"title", "host_organisation", "start_date", "end_date", "time_zone"} <= form.names
    data = fill(form, {"title": "Rendered event", "host_organisation": str(world.org_b.pk), "online_link": ""})
    response = client.post(address, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    event = TrainingEvent.objects.get(title="Rendered event")
    assert response["Location"] == event.get_absolute_url()
    assert event.host_organisation == world.org_b
    assert event.time_zone == "Europe/Amsterdam"  # org_b is in the Netherlands


def test_a_time_zone_chosen_on_the_page_is_kept(world, te, client_for):
    client = client_for(world.pc_a)
    address = url("event_create") + "?partnership=p1"
    data = fill(page_form(client, address, "title"), {"title": "Zoned", "time_zone": "Europe/Helsinki"})
    assert client.post(address, data).status_code == 302
    assert TrainingEvent.objects.get(title="Zoned").time_zone == "Europe/Helsinki"


def test_the_edit_form_as_rendered_saves_the_event(world, te, client_for):
    client = client_for(world.pc_a)
    address = url("event_edit", code=te.ev_a.code)
    form = page_form(client, address, "title")
    assert form.field("time_zone").options[0] == ("", False)
    assert ("Europe/Brussels", True) in form.field("time_zone").options  # the stored zone is selected
    response = client.post(address, fill(form, {"title": "Renamed on the page"}))
    assert response.status_code == 302
    te.ev_a.refresh_from_db()
    assert te.ev_a.title == "Renamed on the page"
    assert te.ev_a.time_zone == "Europe/Brussels"


def test_form_errors_are_shown_on_the_page(world, te, client_for):
    client = client_for(world.pc_a)
    address = url("event_edit", code=te.ev_a.code)
    data = fill(page_form(client, address, "title"), {"start_date": "2025-03-11"})  # s1 falls outside
    html = client.post(address, data).content.decode()
    assert "session(s) of the agenda would fall outside these dates" in html
    data = fill(page_form(client, address, "title"), {"title": ""})
    html = client.post(address, data).content.decode()
    assert "This field is required." in html


def test_the_session_forms_as_rendered_add_and_change_a_session(world, te, client_for):
    client = client_for(world.pc_a)
    address = url("session_create", code=te.ev_a.code)
    data = fill(
        page_form(client, address, "title"),
        {"title": "Rendered session", "day": "2025-03-11", "start_time": "10:00", "end_time": "11:30"},
    )
    assert client.post(address, data).status_code == 302
    session = Session.objects.get(title="Rendered session")
    address = url("session_edit", code=session.code)
    data = fill(page_form(client, address, "title"), {"speaker": "Dr. Page"})
    assert client.post(address, data).status_code == 302
    session.refresh_from_db()
    assert session.speaker == "Dr. Page"


def test_the_registration_form_as_rendered_registers_a_member_of_staff(world, te, client_for):
    client = client_for(world.partner_b)
    address = url("participant_list", code=te.ev_a.code)
    form = page_form(client, address, "person")
    people = {value for value, _selected in form.field("person").options if value}
    # B's staff with an account (coordinator and mentors), never B's learner.
    assert people == {str(world.partner_b.pk), str(world.mentor_b.pk), str(te.staff_b.pk)}
    data = fill(form, {"person": str(world.mentor_b.pk), "arrival_date": "", "departure_date": ""})
    assert client.post(address, data).status_code == 302
    participant = Participant.objects.get(event=te.ev_a, user=world.mentor_b)
    assert participant.email == world.mentor_b.email.lower()


def test_the_registration_form_as_rendered_registers_a_colleague_without_an_account(world, te, client_for):
    client = client_for(world.partner_b)
    address = url("participant_list", code=te.ev_a.code)
    data = fill(
        page_form(client, address, "person"),
        {"first_name": "Femke", "last_name": "Dekker", "email": "femke@example.org", "arrival_date": ""},
    )
    data["departure_date"] = ""
    assert data["person"] == ""  # not required: left at "someone without a portal account"
    assert client.post(address, data).status_code == 302
    assert Participant.objects.get(email="femke@example.org").user is None


def test_the_question_forms_as_rendered_add_and_change_a_question(world, te, client_for):
    client = client_for(world.pc_a)
    address = url("question_list", code=te.ev_a.code)
    data = fill(page_form(client, address, "new-text"), {"new-text": "Would you come again?"})
    assert client.post(address, data).status_code == 302
    question = EvaluationQuestion.objects.get(text="Would you come again?")
    address = url("question_edit", code=te.ev_a.code, question_code=question.code)
    assert client.post(address, fill(page_form(client, address, "text"), {"text": "Again?"})).status_code == 302
    question.refresh_from_db()
    assert question.text == "Again?"


def test_the_material_form_as_rendered_uploads_a_file(world, te, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.pc_a)
    address = url("material_list", code=te.ev_a.code)
    form = page_form(client, address, "title")
    assert form.enctype == "multipart/form-data" and "file" in form.names
    data = fill(form, {"title": "Rendered slides"})
    data["file"] = SimpleUploadedFile("slides.pdf", b"%PDF-1.7\n%%EOF\n")
    assert client.post(address, data).status_code == 302
    assert Material.objects.get(title="Rendered slides").size > 0


def test_the_attendance_grid_as_rendered_saves_the_marks(world, te, client_for):
    client = client_for(world.pc_a)
    address = url("attendance", code=te.ev_a.code)
    form = page_form(client, address, f"present-{te.p_staff_b.pk}-{te.s1.pk}")
    data = fill(form, {f"present-{te.p_staff_b.pk}-{te.s1.pk}": "on"})
    assert client.post(address, data).status_code == 302
    assert te.p_staff_b.attendance.filter(session=te.s1, present=True).exists()


def test_the_evaluation_form_as_rendered_is_answered(world, te, client_for):
    client = client_for(te.staff_b)
    address = url("evaluation_answer", code=te.ev_a.code)
    form = page_form(client, address, f"q{te.q_scale.pk}")
    assert client.post(address, fill(form, {f"q{te.q_scale.pk}": "4"})).status_code == 302
    assert te.p_staff_b.evaluation.answers.get(question=te.q_scale).scale == 4


def test_every_form_on_the_event_pages_posts_where_it_is_allowed(world, te, client_for):
    """The forms a page offers post to a page that accepts them (no form answers 403 or 404)."""
    client = client_for(world.partner_b)
    for address in (te.ev_a.get_absolute_url(), url("participant_list", code=te.ev_a.code)):
        for form in forms(client.get(address).content.decode()):
            if form.method != "post":
                continue
            response = client.post(form.action or address, fill(form))
            assert response.status_code not in (403, 404, 405), (address, form.action)


def test_a_session_of_another_event_forged_into_the_material_form_is_a_field_error(
    world, te, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    other = Session.objects.create(
        event=te.ev_c, day=te.ev_c.start_date, start_time=te.s1.start_time, end_time=te.s1.end_time, title="C"
    )
    client = client_for(world.pc_a)
    address = url("material_list", code=te.ev_a.code)
    data = fill(page_form(client, address, "title"), {"title": "Forged", "session": str(other.pk)})
    assert [value for value, _selected in page_form(client, address, "title").field("session").options if value] == [
        str(s.pk) for s in (te.s1, te.s2, te.s3)
    ]
    data["file"] = SimpleUploadedFile("slides.pdf", b"%PDF-1.7\n%%EOF\n")
    response = client.post(address, data)
    assert response.status_code == 200
    assert "session" in response.context["form"].errors
    assert not Material.objects.filter(title="Forged").exists()


def test_a_host_outside_the_partnership_forged_into_the_event_form_is_a_field_error(world, te, client_for):
    client = client_for(world.pc_a)
    address = url("event_create") + "?partnership=p1"
    form = page_form(client, address, "title")
    offered = {value for value, _selected in form.field("host_organisation").options if value}
    assert offered == {str(world.org_a.pk), str(world.org_b.pk)}
    response = client.post(address, fill(form, {"title": "Forged host", "host_organisation": str(world.org_c.pk)}))
    assert response.status_code == 200
    assert "host_organisation" in response.context["form"].errors
    assert not TrainingEvent.objects.filter(title="Forged host").exists()
