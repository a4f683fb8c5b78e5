"""Every form of the dissemination pages works as rendered: the test reads the page, fills exactly the fields
the HTML contains (tests/training_events/html.py), submits them and expects success; and the pickers offer
only what the user may choose, a forged choice being refused.

Cast: tests/conftest.py (`world`) and tests/dissemination/conftest.py (`dis`)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dissemination.models import Activity, DisseminationEvent, EventFile, PublicPage, PublicResult, ReachTarget
from tests.training_events.html import fill, post_form

from .conftest import PDF

pytestmark = pytest.mark.django_db


def url(name, query="", **kwargs):
    return reverse(f"dissemination:{name}", kwargs=kwargs or None) + query


def page_form(client, address, containing):
    response = client.get(address)
    assert response.status_code == 200
    return post_form(response.content.decode(), containing=containing)


def test_the_new_event_form_as_rendered_records_the_event(world, dis, client_for):
    client = client_for(world.partner_b)
    address = url("event_create", "?partnership=p1")
    form = page_form(client, address, "title")
    assert [value for value, _selected in form.field("organisation").options if value] == [str(world.org_b.pk)]
    data = fill(form, {"title": "Rendered open day", "date": "2024-09-12", "learners-national": "12"})
    assert client.post(address, data).status_code == 302
    event = DisseminationEvent.objects.get(title="Rendered open day")
    assert event.organisation == world.org_b
    assert event.audience.get(group="learners").national == 12


def test_the_edit_form_as_rendered_saves_the_event(world, dis, client_for):
    client = client_for(world.partner_b)
    address = url("event_edit", code=dis.ev_b.code)
    data = fill(page_form(client, address, "title"), {"title": "Renamed open day"})
    assert client.post(address, data).status_code == 302
    dis.ev_b.refresh_from_db()
    assert dis.ev_b.title == "Renamed open day"
    assert sum(row.total for row in dis.ev_b.audience.all()) == 42  # the grid came back as rendered


def test_the_file_form_as_rendered_uploads_a_file(world, dis, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.partner_b)
    html = client.get(url("event_detail", code=dis.ev_b.code)).content.decode()
    form = post_form(html, containing="file")
    assert form.enctype == "multipart/form-data"
    data = fill(form, {"title": "Rendered agenda"})
    data["file"] = SimpleUploadedFile("agenda.pdf", PDF)
    assert client.post(form.action, data).status_code == 302
    assert EventFile.objects.get(title="Rendered agenda").size == len(PDF)


def test_the_activity_forms_as_rendered_record_and_change_an_activity(world, dis, client_for):
    client = client_for(world.partner_b)
    address = url("activity_create", "?partnership=p1")
    data = fill(page_form(client, address, "title"), {"title": "Rendered newsletter", "date": "2024-03-01"})
    assert client.post(address, data).status_code == 302
    activity = Activity.objects.get(title="Rendered newsletter")
    assert activity.organisation == world.org_b
    address = url("activity_edit", code=activity.code)
    assert client.post(address, fill(page_form(client, address, "title"), {"reach": "77"})).status_code == 302
    activity.refresh_from_db()
    assert activity.reach == 77


def test_the_targets_form_as_rendered_saves_the_targets(world, dis, client_for):
    client = client_for(world.pc_a)
    address = url("reach_targets", slug="p1")
    data = fill(page_form(client, address, "group-learners"), {"group-learners": "80"})
    assert client.post(address, data).status_code == 302
    assert ReachTarget.objects.get(partnership=world.p1, group="learners").target == 80
    assert ReachTarget.objects.filter(partnership=world.p1).count() == 4  # the others came back as rendered


def test_the_public_page_forms_as_rendered_save_the_page_and_a_result(world, dis, client_for):
    client = client_for(world.pc_a)
    address = url("public_settings", slug="p1")
    data = fill(page_form(client, address, "summary"), {"summary": "What we did.", "enabled": "on"})
    assert client.post(address, data).status_code == 302
    assert PublicPage.objects.get(partnership=world.p1).enabled is True
    address = url("public_result_create", slug="p1")
    data = fill(page_form(client, address, "title"), {"title": "Rendered result", "link": "https://example.org/r"})
    assert client.post(address, data).status_code == 302
    result = PublicResult.objects.get(title="Rendered result")
    address = url("public_result_edit", slug="p1", code=result.code)
    assert client.post(address, fill(page_form(client, address, "title"), {"order": "3"})).status_code == 302
    result.refresh_from_db()
    assert result.order == 3


def test_a_forged_organiser_is_refused_and_nothing_is_saved(world, dis, client_for):
    """The organisation picker offers B only to B's staff; posting A's (or C's) is refused (403)."""
    client = client_for(world.partner_b)
    address = url("event_create", "?partnership=p1")
    form = page_form(client, address, "title")
    for org in (world.org_a, world.org_c):
        data = fill(form, {"title": "Forged", "organisation": str(org.pk)})
        assert client.post(address, data).status_code == 403
    assert not DisseminationEvent.objects.filter(title="Forged").exists()


def test_a_filter_outside_the_users_partnerships_is_a_field_error(world, dis, client_for):
    response = client_for(world.partner_b).get(url("event_list") + "?partnership=p2")
    assert "partnership" in response.context["filter"].errors
    assert dis.ev_c not in response.context["page"].object_list
    response = client_for(world.partner_b).get(url("event_list") + f"?organisation={world.org_c.pk}")
    assert "organisation" in response.context["filter"].errors
