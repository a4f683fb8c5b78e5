"""Dissemination events and activities: recording with the audience grid, who records for which organisation,
files (type, size, download through the view), the lists (filters, pages, bounded queries)."""

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dissemination.models import Activity, Audience, Channel, DisseminationEvent, EventFile, StakeholderGroup
from partners.models import AuditEntry

from .conftest import PDF, PNG, make_event, make_file

G = StakeholderGroup
K = DisseminationEvent.Kind


def create_url(partnership="p1"):
    return reverse("dissemination:event_create") + f"?partnership={partnership}"


def edit_url(event):
    return reverse("dissemination:event_edit", kwargs={"code": event.code})


def detail_url(event):
    return reverse("dissemination:event_detail", kwargs={"code": event.code})


def event_data(organisation, **overrides):
    data = {
        "title": "Open day for employers",
        "organisation": organisation.pk,
        "kind": K.NATIONAL,
        "format": DisseminationEvent.Format.ON_SITE,
        "date": "2024-09-12",
        "place": "Amsterdam",
        "country": "NL",
        "agenda": "Welcome\nWorkshops",
        "outcomes": "Two new placements",
    }
    for group in G.values:
        data[f"{group}-national"] = ""
        data[f"{group}-international"] = ""
    data.update({f"{G.EMPLOYERS}-national": "12", f"{G.EMPLOYERS}-international": "2", f"{G.LEARNERS}-national": "30"})
    data.update(overrides)
    return data


def audience_of(event) -> dict:
    return {row.group: (row.national, row.international) for row in Audience.objects.filter(event=event)}


# --- recording an event ------------------------------------------------------------------------------------------


def test_partner_records_an_event_of_their_own_organisation_with_its_audience(world, dis, client_for):
    response = client_for(world.partner_b).post(create_url(), event_data(world.org_b))
    event = DisseminationEvent.objects.get(title="Open day for employers")
    assert response.status_code == 302
    assert response["Location"] == detail_url(event)
    assert event.partnership == world.p1
    assert event.organisation == world.org_b
    assert event.country.code == "NL"
    assert audience_of(event) == {G.EMPLOYERS: (12, 2), G.LEARNERS: (30, 0)}  # empty and zero rows not stored
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.CREATED, object_code=str(event.code))
    assert entry.actor == world.partner_b
    assert entry.partnership == world.p1
    assert entry.organisation == world.org_b


def test_the_form_offers_only_the_organisations_one_records_for(world, dis, client_for):
    form = client_for(world.partner_b).get(create_url()).context["form"]
    assert list(form.fields["organisation"].queryset) == [world.org_b]
    form = client_for(world.pc_a).get(create_url()).context["form"]
    assert set(form.fields["organisation"].queryset) == {world.org_a, world.org_b}


@pytest.mark.parametrize("value", ["-1", "abc", "2.5"])
def test_a_bad_count_is_a_field_error_and_nothing_is_saved(world, dis, client_for, value):
    before = DisseminationEvent.objects.count(), Audience.objects.count()
    response = client_for(world.partner_b).post(
        create_url(), event_data(world.org_b, **{f"{G.PARENTS}-international": value})
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert f"{G.PARENTS}-international" in form.errors
    assert (DisseminationEvent.objects.count(), Audience.objects.count()) == before
    assert 'aria-invalid="true"' in response.content.decode()


def test_a_bad_count_on_edit_changes_nothing(world, dis, client_for):
    before = audience_of(dis.ev_b)
    data = event_data(world.org_b, title="Renamed", **{f"{G.LEARNERS}-national": "-5"})
    response = client_for(world.partner_b).post(edit_url(dis.ev_b), data)
    assert response.status_code == 200
    assert f"{G.LEARNERS}-national" in response.context["form"].errors
    dis.ev_b.refresh_from_db()
    assert dis.ev_b.title == "Beauty VET open day"
    assert audience_of(dis.ev_b) == before


def test_a_partner_cannot_record_for_another_organisation(world, dis, client_for):
    client = client_for(world.partner_b)
    before = DisseminationEvent.objects.count()
    assert client.post(create_url(), event_data(world.org_a)).status_code == 403
    assert client.post(create_url(), event_data(world.org_c)).status_code == 403  # not even a member of P1
    assert DisseminationEvent.objects.count() == before


def test_a_partner_cannot_move_their_event_to_another_organisation(world, dis, client_for):
    response = client_for(world.partner_b).post(edit_url(dis.ev_b), event_data(world.org_a))
    assert response.status_code == 403
    dis.ev_b.refresh_from_db()
    assert dis.ev_b.organisation == world.org_b


def test_a_malformed_organisation_is_a_field_error(world, dis, client_for):
    data = event_data(world.org_b) | {"organisation": "b"}
    response = client_for(world.partner_b).post(create_url(), data)
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors


def test_the_coordinator_records_for_any_partner(world, dis, client_for):
    client = client_for(world.pc_a)
    assert client.post(create_url(), event_data(world.org_b, title="For B")).status_code == 302
    assert client.post(create_url(), event_data(world.org_a, title="For A")).status_code == 302
    assert DisseminationEvent.objects.get(title="For B").organisation == world.org_b
    assert DisseminationEvent.objects.get(title="For A").organisation == world.org_a


def test_editing_updates_the_audience_and_removes_emptied_rows(world, dis, client_for):
    data = event_data(world.org_b, title="Beauty VET open day (2nd edition)")
    data.update({f"{G.LEARNERS}-national": "21", f"{G.LEARNERS}-international": "5", f"{G.EMPLOYERS}-national": "0"})
    data.update({f"{G.EMPLOYERS}-international": "0", f"{G.VET_STAFF}-national": "10"})
    response = client_for(world.partner_b).post(edit_url(dis.ev_b), data)
    assert response.status_code == 302
    assert audience_of(dis.ev_b) == {G.LEARNERS: (21, 5), G.VET_STAFF: (10, 0)}
    entry = AuditEntry.objects.filter(verb=AuditEntry.Verb.UPDATED, object_code=str(dis.ev_b.code)).get()
    assert entry.actor == world.partner_b


def test_the_edit_form_shows_the_stored_audience(world, dis, client_for):
    form = client_for(world.pc_a).get(edit_url(dis.ev_b)).context["form"]
    assert form[f"{G.LEARNERS}-national"].value() == 20
    assert form[f"{G.VET_STAFF}-international"].value() == 3
    assert form[f"{G.PARENTS}-national"].value() == 0


def test_the_detail_page_shows_the_audience_with_totals(world, dis, client_for):
    response = client_for(world.pc_a).get(detail_url(dis.ev_b))
    totals = response.context["totals"]
    assert totals == {"national": 34, "international": 8, "total": 42}
    body = response.content.decode()
    assert '<td class="text-end" data-testid="audience-total">42</td>' in body
    assert body.count("<h1") == 1
    assert response.context["may_edit"] is True
    materials, photos = body.split('id="photos-heading"')
    assert "Agenda and materials" in materials and dis.file_b.title in materials
    assert "No photo yet." in photos


def test_the_detail_page_offers_no_editing_to_a_reader(world, dis, client_for):
    ev_a = make_event(world.p1, world.org_a, by=world.pc_a, title="A's event")
    response = client_for(world.partner_b).get(detail_url(ev_a))
    assert response.context["may_edit"] is False
    assert response.context["file_form"] is None
    assert reverse("dissemination:event_edit", kwargs={"code": ev_a.code}) not in response.content.decode()


def test_deleting_an_event_removes_its_audience_and_files(world, dis, client_for, django_capture_on_commit_callbacks):
    name = dis.file_b.file.name
    assert default_storage.exists(name)
    url = reverse("dissemination:event_delete", kwargs={"code": dis.ev_b.code})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.partner_b).post(url)
    assert response["Location"] == reverse("dissemination:event_list")
    assert not DisseminationEvent.objects.filter(pk=dis.ev_b.pk).exists()
    assert not Audience.objects.filter(event_id=dis.ev_b.pk).exists()
    assert not EventFile.objects.filter(pk=dis.file_b.pk).exists()
    assert not default_storage.exists(name)
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.DELETED, object_code=str(dis.ev_b.code)).exists()


# --- files -----------------------------------------------------------------------------------------------------------


def upload(client, event, name, content, kind=EventFile.Kind.MATERIAL, title="Agenda"):
    url = reverse("dissemination:file_upload", kwargs={"code": event.code})
    return client.post(url, {"kind": kind, "title": title, "file": SimpleUploadedFile(name, content)})


def test_an_editor_uploads_a_pdf_which_is_stored_with_its_size_and_audited(world, dis, client_for):
    response = upload(client_for(world.partner_b), dis.ev_b, "programme.pdf", PDF, title="Programme")
    assert response.status_code == 302
    assert response["Location"] == detail_url(dis.ev_b) + "#files"
    row = EventFile.objects.get(title="Programme")
    assert row.size == len(PDF)
    assert row.uploaded_by == world.partner_b
    assert row.file.name.startswith(f"dissemination/{dis.ev_b.code}/")
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.CREATED, object_type="dissemination.eventfile")
    assert entry.details["size"] == len(PDF)
    assert entry.partnership == world.p1


def test_a_photo_is_a_png_or_jpg(world, dis, client_for):
    client = client_for(world.partner_b)
    assert upload(client, dis.ev_b, "hall.png", PNG, kind=EventFile.Kind.PHOTO).status_code == 302
    response = upload(client, dis.ev_b, "hall.pdf", PDF, kind=EventFile.Kind.PHOTO, title="Not a photo")
    assert response.status_code == 200
    assert "file" in response.context["file_form"].errors
    assert not EventFile.objects.filter(title="Not a photo").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("slides.exe", b"MZ\x90\x00"),  # a type not accepted
        ("notes.txt", b"plain text"),  # accepted elsewhere in the portal, not here
        ("agenda.pdf", PNG),  # the content does not match the name
        ("agenda.pdf", b""),  # empty
    ],
)
def test_a_wrong_file_is_a_field_error(world, dis, client_for, name, content):
    before = EventFile.objects.count()
    response = upload(client_for(world.partner_b), dis.ev_b, name, content)
    assert response.status_code == 200
    assert response.context["file_form"].errors["file"]
    assert EventFile.objects.count() == before


def test_a_too_large_file_is_a_field_error(world, dis, client_for, settings):
    settings.VISION_MAX_UPLOAD_MB = 1
    content = PDF + b"0" * (1024 * 1024)
    response = upload(client_for(world.partner_b), dis.ev_b, "big.pdf", content)
    assert response.status_code == 200
    assert "too large" in " ".join(response.context["file_form"].errors["file"])
    assert EventFile.objects.count() == 1


def test_download_is_an_audited_attachment_never_cached(world, dis, client_for):
    url = reverse("dissemination:file_download", kwargs={"code": dis.file_b.code})
    response = client_for(world.pc_a).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Agenda.pdf"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.DOWNLOADED)
    assert entry.actor == world.pc_a
    assert entry.object_code == str(dis.file_b.code)
    assert entry.partnership == world.p1


def test_deleting_a_file_removes_it_from_storage(world, dis, client_for, django_capture_on_commit_callbacks):
    name = dis.file_b.file.name
    url = reverse("dissemination:file_delete", kwargs={"code": dis.file_b.code})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.partner_b).post(url)
    assert response.status_code == 302
    assert not EventFile.objects.exists()
    assert not default_storage.exists(name)
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.DELETED, object_type="dissemination.eventfile").exists()


# --- activities ----------------------------------------------------------------------------------------------------


def activity_url(name, activity=None, partnership="p1"):
    if activity is None:
        return reverse(f"dissemination:{name}") + f"?partnership={partnership}"
    return reverse(f"dissemination:{name}", kwargs={"code": activity.code})


def activity_data(organisation, **overrides):
    data = {
        "channel": Channel.NEWSLETTER,
        "title": "Spring newsletter",
        "date": "2024-03-01",
        "language": "en",
        "link": "https://example.org/news",
        "reach": "1200",
        "audience": G.VET_STAFF,
        "organisation": organisation.pk,
        "is_public": "on",
    }
    data.update(overrides)
    return data


def test_a_partner_records_an_activity(world, dis, client_for):
    response = client_for(world.partner_b).post(activity_url("activity_create"), activity_data(world.org_b))
    assert response.status_code == 302
    activity = Activity.objects.get(title="Spring newsletter")
    assert (activity.partnership, activity.organisation, activity.reach) == (world.p1, world.org_b, 1200)
    assert activity.is_public
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.CREATED, object_code=str(activity.code)).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("reach", "-1"), ("reach", "many"), ("link", "not a link"), ("channel", Channel.EVENT), ("date", "")],
)
def test_a_bad_activity_value_is_a_field_error(world, dis, client_for, field, value):
    response = client_for(world.partner_b).post(
        activity_url("activity_create"), activity_data(world.org_b, **{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Activity.objects.filter(title="Spring newsletter").exists()


def test_an_activity_for_another_organisation_is_refused(world, dis, client_for):
    client = client_for(world.partner_b)
    assert client.post(activity_url("activity_create"), activity_data(world.org_a)).status_code == 403
    response = client.post(activity_url("activity_edit", dis.act_a), activity_data(world.org_b))
    assert response.status_code == 403
    assert not Activity.objects.filter(title="Spring newsletter").exists()


def test_the_coordinator_edits_and_deletes_any_activity(world, dis, client_for):
    client = client_for(world.pc_a)
    response = client.post(activity_url("activity_edit", dis.act_a), activity_data(world.org_b, reach="0"))
    assert response.status_code == 302
    dis.act_a.refresh_from_db()
    assert (dis.act_a.organisation, dis.act_a.reach) == (world.org_b, 0)
    assert client.post(activity_url("activity_delete", dis.act_a)).status_code == 302
    assert not Activity.objects.filter(pk=dis.act_a.pk).exists()
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.DELETED, object_code=str(dis.act_a.code)).exists()


# --- the lists ------------------------------------------------------------------------------------------------------


def titles(response):
    return [row.title for row in response.context["page"].object_list]


def test_the_event_list_shows_what_is_in_scope_and_filters(world, dis, client_for):
    ev_a = make_event(world.p1, world.org_a, by=world.pc_a, title="Vilnius conference", kind=K.CONFERENCE)
    client = client_for(world.pc_a)
    url = reverse("dissemination:event_list")
    response = client.get(url)
    assert titles(response) == [dis.ev_b.title, ev_a.title]  # newest first; P2's event is not in scope
    assert response.context["page"].object_list[0].people == 42
    assert titles(client.get(url, {"kind": K.CONFERENCE})) == [ev_a.title]
    assert titles(client.get(url, {"organisation": world.org_b.pk})) == [dis.ev_b.title]
    assert titles(client.get(url, {"partnership": "p1", "kind": K.MULTIPLIER})) == []
    assert titles(client_for(world.admin).get(url, {"partnership": "p2"})) == [dis.ev_c.title]
    assert titles(client_for(world.mentor_b).get(url)) == []


def test_the_activity_list_filters_by_channel_and_offers_editing_where_allowed(world, dis, client_for):
    Activity.objects.create(
        partnership=world.p1,
        organisation=world.org_b,
        channel=Channel.WEBSITE,
        title="Project page",
        date=date(2024, 2, 1),
    )
    client = client_for(world.partner_b)
    url = reverse("dissemination:activity_list")
    response = client.get(url)
    assert titles(response) == ["Launch post", "Project page"]
    assert {a.title: a.may_edit for a in response.context["page"].object_list} == {
        "Launch post": False,
        "Project page": True,
    }
    assert titles(client.get(url, {"channel": Channel.WEBSITE})) == ["Project page"]


def test_the_event_list_is_paginated(world, dis, client_for):
    for n in range(30):
        DisseminationEvent.objects.create(
            partnership=world.p1, organisation=world.org_b, title=f"Event {n:02d}", date=date(2023, 1, 1)
        )
    client = client_for(world.pc_a)
    page = client.get(reverse("dissemination:event_list")).context["page"]
    assert page.paginator.count == 31
    assert len(page.object_list) == 25
    assert len(client.get(reverse("dissemination:event_list"), {"page": 2}).context["page"].object_list) == 6


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_rows(world, n: int) -> None:
    for i in range(n):
        organisation = world.org_a if i % 2 else world.org_b
        event = DisseminationEvent.objects.create(
            partnership=world.p1, organisation=organisation, title=f"Event {i}", date=date(2023, 1, 1 + i % 28)
        )
        Audience.objects.create(event=event, group=G.LEARNERS, national=i, international=1)
        Activity.objects.create(
            partnership=world.p1,
            organisation=organisation,
            channel=Channel.ARTICLE,
            title=f"Article {i}",
            date=date(2023, 1, 1),
            reach=i,
        )


@pytest.mark.parametrize("name", ["event_list", "activity_list"])
def test_the_lists_run_the_same_number_of_queries_for_few_and_many_rows(world, dis, client_for, name):
    client = client_for(world.partner_b)
    url = reverse(f"dissemination:{name}")
    client.get(url)  # warm up (session, site caches)
    few = queries(client, url)
    add_rows(world, 20)
    assert queries(client, url) == few


def test_the_detail_page_runs_the_same_number_of_queries_for_few_and_many_files(world, dis, client_for):
    client = client_for(world.partner_b)
    url = detail_url(dis.ev_b)
    client.get(url)
    few = queries(client, url)
    for n in range(10):
        make_file(dis.ev_b, title=f"Photo {n}", content=PNG, name="p.png", kind=EventFile.Kind.PHOTO)
    assert queries(client, url) == few


@pytest.mark.parametrize("name", ["event_list", "activity_list"])
def test_a_list_showing_more_partnerships_runs_no_more_queries(world, dis, client_for, name):
    """Which rows the reader may edit is read for every partnership of the page at once (issue 15)."""
    client = client_for(world.admin)
    url = reverse(f"dissemination:{name}")
    Activity.objects.exclude(partnership=world.p1).delete()
    DisseminationEvent.objects.exclude(partnership=world.p1).delete()
    client.get(url)
    one = queries(client, url)
    Activity.objects.create(
        partnership=world.p2, organisation=world.org_c, channel=Channel.ARTICLE, title="P2", date=date(2030, 1, 1)
    )
    DisseminationEvent.objects.create(partnership=world.p2, organisation=world.org_c, title="P2", date=date(2030, 1, 1))
    page = client.get(url).context["page"]
    assert {row.partnership_id for row in page.object_list} == {world.p1.pk, world.p2.pk}
    assert queries(client, url) == one
