"""The event pages: list, creation and editing, the agenda, registration within places, attendance, grants.

Cast: tests/conftest.py (`world`) and tests/training_events/conftest.py (`te`).
"""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.models import AuditEntry, PartnershipMember
from tests.factories import OrganisationFactory
from training_events import services
from training_events.models import Attendance, Participant, Session, TrainingEvent

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"training_events:{name}", kwargs=kwargs or None)


def event_data(world, **overrides):
    data = {
        "title": "Work-based learning abroad",
        "topic": "Work-based learning",
        "host_organisation": world.org_b.pk,
        "format": TrainingEvent.Format.ON_SITE,
        "venue": "Main hall",
        "city": "Haarlem",
        "online_link": "",
        "start_date": "2027-05-10",
        "end_date": "2027-05-12",
        "capacity_per_organisation": "3",
        "time_zone": "Europe/Amsterdam",
        "description": "Three days on work-based learning.",
        "learning_outcomes": "Plans a placement",
    }
    data.update(overrides)
    return data


def person(n, **overrides):
    data = {"first_name": f"Person{n}", "last_name": "Example", "email": f"person{n}@example.org"}
    data.update(overrides)
    return data


def register_as(client, event, organisation, **data):
    return client.post(url("participant_list", code=event.code), {"organisation": organisation.pk, **data})


def registered(event, organisation=None):
    qs = Participant.objects.filter(event=event, status=Participant.Status.REGISTERED)
    return qs.filter(organisation=organisation) if organisation is not None else qs


# --- the list ---------------------------------------------------------------------------------------------


def test_list_shows_the_events_of_the_users_partnerships_only(world, te, client_for):
    response = client_for(world.pc_a).get(url("event_list"))
    assert response.status_code == 200
    events = list(response.context["page"].object_list)
    assert te.ev_a in events
    assert te.ev_c not in events


def test_list_shows_upcoming_events_soonest_first_then_past_ones_most_recent_first(world, te, client_for):
    today = timezone.localdate()
    later = TrainingEvent.objects.create(
        partnership=world.p1,
        host_organisation=world.org_b,
        title="Later",
        start_date=today + timedelta(days=60),
        end_date=today + timedelta(days=61),
    )
    soon = TrainingEvent.objects.create(
        partnership=world.p1,
        host_organisation=world.org_a,
        title="Soon",
        start_date=today + timedelta(days=5),
        end_date=today + timedelta(days=6),
    )
    ongoing = TrainingEvent.objects.create(
        partnership=world.p1,
        host_organisation=world.org_a,
        title="Ongoing",
        start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=1),
    )
    recent_past = TrainingEvent.objects.create(
        partnership=world.p1,
        host_organisation=world.org_a,
        title="Recent past",
        start_date=today - timedelta(days=20),
        end_date=today - timedelta(days=19),
    )
    response = client_for(world.pc_a).get(url("event_list"))
    assert list(response.context["page"].object_list) == [ongoing, soon, later, recent_past, te.ev_a]


def test_list_filters_by_partnership(world, te, client_for):
    other = TrainingEvent.objects.create(
        partnership=world.p2,
        host_organisation=world.org_c,
        title="In P2",
        start_date=date(2027, 1, 1),
        end_date=date(2027, 1, 1),
    )
    client = client_for(world.admin)
    assert set(client.get(url("event_list")).context["page"].object_list) == {te.ev_a, te.ev_c, other}
    filtered = client.get(url("event_list") + "?partnership=p2").context["page"].object_list
    assert set(filtered) == {te.ev_c, other}


def test_list_ignores_a_partnership_filter_out_of_scope(world, te, client_for):
    response = client_for(world.pc_a).get(url("event_list") + "?partnership=p2")
    assert response.status_code == 200
    assert "partnership" in response.context["filter"].errors
    assert list(response.context["page"].object_list) == [te.ev_a]


def test_list_offers_a_new_event_only_to_those_who_may_create(world, te, client_for):
    assert "New training event" in client_for(world.pc_a).get(url("event_list")).content.decode()
    for user in (world.partner_b, world.mentor_b, te.staff_b):
        assert "New training event" not in client_for(user).get(url("event_list")).content.decode()


def test_list_shows_the_places_left_for_the_users_organisation(world, te, client_for):
    response = client_for(world.partner_b).get(url("event_list"))
    (event,) = response.context["page"].object_list
    assert event.own_left == 1
    assert "1 left for yours" in response.content.decode()


def test_registered_participant_sees_the_event_they_attend(world, te, client_for):
    response = client_for(te.staff_b).get(url("event_list"))
    assert list(response.context["page"].object_list) == [te.ev_a]


def test_mentor_not_registered_sees_no_event(world, te, client_for):
    response = client_for(world.mentor_b).get(url("event_list"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


# --- navigation ----------------------------------------------------------------------------------------------


def test_training_link_is_in_the_navigation_of_staff_and_mentors(world, te, client_for):
    link = f'href="{url("event_list")}"'
    for user in (world.pc_a, world.partner_b, world.mentor_b, world.admin):
        assert link in client_for(user).get(reverse("home")).content.decode(), user
    for user in (world.learner_b, world.outsider):
        assert link not in client_for(user).get(reverse("home")).content.decode(), user


def test_training_link_is_marked_current_on_training_pages(world, te, client_for):
    content = client_for(world.pc_a).get(te.ev_a.get_absolute_url()).content.decode()
    assert f'href="{url("event_list")}" aria-current="page">Training<' in content


# --- creation -------------------------------------------------------------------------------------------------


def test_project_coordinator_creates_an_event_hosted_by_a_partner(world, te, client_for):
    response = client_for(world.pc_a).post(url("event_create") + "?partnership=p1", event_data(world))
    event = TrainingEvent.objects.get(title="Work-based learning abroad")
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert event.partnership == world.p1
    assert event.host_organisation == world.org_b
    assert event.capacity_per_organisation == 3
    assert event.time_zone == "Europe/Amsterdam"
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.CREATED, object_code=str(event.code)).exists()


def test_an_unknown_time_zone_is_a_field_error(world, te, client_for):
    data = {**event_data(world), "time_zone": "Mars/Olympus"}
    response = client_for(world.pc_a).post(url("event_create") + "?partnership=p1", data)
    assert response.status_code == 200 and "time_zone" in response.context["form"].errors
    assert not TrainingEvent.objects.filter(title="Work-based learning abroad").exists()


def test_new_event_without_a_partnership_goes_to_the_only_one_the_user_may_create_in(world, te, client_for):
    response = client_for(world.pc_a).get(url("event_create"))
    assert response.status_code == 302
    assert response["Location"] == url("event_create") + "?partnership=p1"


def test_admin_chooses_the_partnership_first(world, te, client_for):
    response = client_for(world.admin).get(url("event_create"))
    assert response.status_code == 200
    assert {p.slug for p in response.context["partnerships"]} == {"p1", "p2"}


def test_partner_coordinator_cannot_create_an_event(world, te, client_for):
    client = client_for(world.partner_b)
    assert client.get(url("event_create") + "?partnership=p1").status_code == 403
    assert client.post(url("event_create") + "?partnership=p1", event_data(world)).status_code == 403
    assert not TrainingEvent.objects.filter(title="Work-based learning abroad").exists()


def test_creation_in_a_partnership_out_of_scope_is_not_found(world, te, client_for):
    assert client_for(world.pc_a).get(url("event_create") + "?partnership=p2").status_code == 404
    assert client_for(world.pc_a).get(url("event_create") + "?partnership=nope").status_code == 404


def test_host_must_be_a_member_of_the_partnership(world, te, client_for):
    response = client_for(world.pc_a).post(
        url("event_create") + "?partnership=p1", event_data(world, host_organisation=world.org_c.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["host_organisation"] == [
        "The host must be a member organisation of the partnership."
    ]
    assert not TrainingEvent.objects.filter(title="Work-based learning abroad").exists()


def test_host_choices_are_the_partnerships_members(world, te, client_for):
    form = client_for(world.pc_a).get(url("event_create") + "?partnership=p1").context["form"]
    assert set(form.fields["host_organisation"].queryset) == {world.org_a, world.org_b}


def test_event_dates_must_be_in_order(world, te, client_for):
    response = client_for(world.pc_a).post(
        url("event_create") + "?partnership=p1", event_data(world, start_date="2027-05-12", end_date="2027-05-10")
    )
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert not TrainingEvent.objects.filter(title="Work-based learning abroad").exists()


def test_garbage_in_the_event_form_gives_field_errors(world, te, client_for):
    response = client_for(world.pc_a).post(
        url("event_create") + "?partnership=p1",
        event_data(world, start_date="soon", capacity_per_organisation="-4", host_organisation="x"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"start_date", "capacity_per_organisation", "host_organisation"} <= set(errors)


# --- editing --------------------------------------------------------------------------------------------------


def test_host_staff_edit_their_event(world, te, client_for):
    data = event_data(world, host_organisation=world.org_a.pk, start_date="2025-03-10", end_date="2025-03-12")
    data["title"] = "Quality assurance, revised"
    response = client_for(world.pc_a).post(url("event_edit", code=te.ev_a.code), data)
    assert response.status_code == 302
    te.ev_a.refresh_from_db()
    assert te.ev_a.title == "Quality assurance, revised"


def test_partner_cannot_edit_the_event(world, te, client_for):
    assert client_for(world.partner_b).get(url("event_edit", code=te.ev_a.code)).status_code == 403


def test_new_dates_may_not_leave_sessions_outside(world, te, client_for):
    data = event_data(world, host_organisation=world.org_a.pk, start_date="2025-03-11", end_date="2025-03-12")
    response = client_for(world.pc_a).post(url("event_edit", code=te.ev_a.code), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    te.ev_a.refresh_from_db()
    assert te.ev_a.start_date == date(2025, 3, 10)


def test_places_cannot_drop_below_those_already_used(world, te, client_for):
    services.register(te.ev_a, organisation_id=world.org_b.pk, data=person(1), by=world.partner_b)
    data = event_data(world, host_organisation=world.org_a.pk, start_date="2025-03-10", end_date="2025-03-12")
    data["capacity_per_organisation"] = "1"
    response = client_for(world.pc_a).post(url("event_edit", code=te.ev_a.code), data)
    assert response.status_code == 200
    assert "capacity_per_organisation" in response.context["form"].errors


# --- the event page -------------------------------------------------------------------------------------------


def test_event_page_shows_the_event_and_its_agenda_by_day(world, te, client_for):
    response = client_for(world.partner_b).get(te.ev_a.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<h1") == 1
    for text in ("Three days on quality-assured mobility.", "Uses the quality checklist", "Training centre, room 2"):
        assert text in content
    # Day 1 has two sessions, day 3 one: two day headings, sessions in time order.
    assert content.count('<h3 class="h6 mt-3">') == 2
    assert content.index("Opening") < content.index("Checklists") < content.index("Wrap-up")


def test_event_page_shows_each_visible_participants_grant(world, te, client_for):
    grant = services.grant_for(te.p_staff_b)
    assert grant.travel > 0 and grant.support > 0  # A (Vilnius) ↔ B (Amsterdam), 3 days, 2019 staff rates
    response = client_for(world.pc_a).get(te.ev_a.get_absolute_url())
    content = response.content.decode()
    (row,) = [row for group in response.context["groups"] for row in group["rows"]]
    assert row["participant"] == te.p_staff_b
    assert row["grant"] == grant
    for figure in (grant.travel, grant.support, grant.total):
        assert f">{figure}<" in content


def test_online_event_has_no_travel_grant(world, te, client_for):
    TrainingEvent.objects.filter(pk=te.ev_a.pk).update(format=TrainingEvent.Format.ONLINE)
    response = client_for(world.pc_a).get(te.ev_a.get_absolute_url())
    (row,) = [row for group in response.context["groups"] for row in group["rows"]]
    assert row["grant"].total == Decimal("0")


def test_partner_sees_only_their_own_organisations_participants(world, te, client_for):
    services.register(te.ev_a, organisation_id=world.org_a.pk, data=person(1), by=world.pc_a)
    host_view = client_for(world.pc_a).get(te.ev_a.get_absolute_url()).context["groups"]
    partner_view = client_for(world.partner_b).get(te.ev_a.get_absolute_url()).context["groups"]
    participant_view = client_for(te.staff_b).get(te.ev_a.get_absolute_url()).context["groups"]
    assert [g["organisation"] for g in host_view] == [world.org_a, world.org_b]
    assert [g["organisation"] for g in partner_view] == [world.org_b]
    assert [r["participant"] for g in partner_view for r in g["rows"]] == [te.p_staff_b]
    assert [r["participant"] for g in participant_view for r in g["rows"]] == [te.p_staff_b]


def test_event_page_links_for_the_host(world, te, client_for):
    content = client_for(world.pc_a).get(te.ev_a.get_absolute_url()).content.decode()
    for name in ("event_edit", "session_create", "participant_list", "attendance"):
        assert url(name, code=te.ev_a.code) in content


def test_event_page_links_for_a_partner(world, te, client_for):
    content = client_for(world.partner_b).get(te.ev_a.get_absolute_url()).content.decode()
    assert url("participant_list", code=te.ev_a.code) in content
    assert "Register participants" in content
    for name in ("event_edit", "session_create", "attendance"):
        assert url(name, code=te.ev_a.code) not in content


def test_event_page_for_a_participant_offers_no_registration(world, te, client_for):
    content = client_for(te.staff_b).get(te.ev_a.get_absolute_url()).content.decode()
    assert "Register participants" not in content
    assert url("attendance", code=te.ev_a.code) not in content


# --- the agenda ---------------------------------------------------------------------------------------------


def session_data(**overrides):
    data = {"title": "Site visit", "day": "2025-03-11", "start_time": "10:00", "end_time": "12:30"}
    data.update(overrides)
    return data


def test_host_adds_a_session(world, te, client_for):
    response = client_for(world.pc_a).post(url("session_create", code=te.ev_a.code), session_data())
    assert response.status_code == 302
    session = Session.objects.get(title="Site visit")
    assert session.event == te.ev_a
    assert session.hours == Decimal("2.50")


def test_session_outside_the_event_days_is_a_field_error(world, te, client_for):
    response = client_for(world.pc_a).post(url("session_create", code=te.ev_a.code), session_data(day="2025-03-13"))
    assert response.status_code == 200
    assert "day" in response.context["form"].errors
    assert not Session.objects.filter(title="Site visit").exists()


def test_session_ending_before_it_starts_is_a_field_error(world, te, client_for):
    response = client_for(world.pc_a).post(
        url("session_create", code=te.ev_a.code), session_data(start_time="14:00", end_time="13:00")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_time"] == ["The session must end after it starts."]
    assert not Session.objects.filter(title="Site visit").exists()


def test_session_with_garbage_times_is_a_field_error(world, te, client_for):
    response = client_for(world.pc_a).post(
        url("session_create", code=te.ev_a.code), session_data(start_time="noon", day="")
    )
    assert response.status_code == 200
    assert {"start_time", "day"} <= set(response.context["form"].errors)


def test_host_edits_a_session(world, te, client_for):
    response = client_for(world.pc_a).post(
        url("session_edit", code=te.s1.code), session_data(title="Welcome", day="2025-03-10", start_time="09:30")
    )
    assert response.status_code == 302
    te.s1.refresh_from_db()
    assert (te.s1.title, te.s1.start_time) == ("Welcome", time(9, 30))


def test_editing_a_session_keeps_it_within_the_event(world, te, client_for):
    response = client_for(world.pc_a).post(url("session_edit", code=te.s1.code), session_data(day="2025-04-01"))
    assert "day" in response.context["form"].errors
    te.s1.refresh_from_db()
    assert te.s1.day == date(2025, 3, 10)


def test_deleting_a_session_asks_first_then_deletes_on_post(world, te, client_for):
    client = client_for(world.pc_a)
    response = client.get(url("session_delete", code=te.s2.code))
    assert response.status_code == 200
    assert "Checklists" in response.content.decode()
    assert Session.objects.filter(pk=te.s2.pk).exists()
    response = client.post(url("session_delete", code=te.s2.code))
    assert response.status_code == 302
    assert not Session.objects.filter(pk=te.s2.pk).exists()


def test_partner_cannot_change_the_agenda(world, te, client_for):
    client = client_for(world.partner_b)
    assert client.post(url("session_create", code=te.ev_a.code), session_data()).status_code == 403
    assert client.post(url("session_edit", code=te.s1.code), session_data()).status_code == 403
    assert client.post(url("session_delete", code=te.s1.code)).status_code == 403
    assert Session.objects.filter(event=te.ev_a).count() == 3


def test_session_of_another_partnership_is_not_found(world, te, client_for):
    other = Session.objects.create(
        event=te.ev_c, day=date(2025, 4, 1), start_time=time(9), end_time=time(10), title="Elsewhere"
    )
    assert client_for(world.pc_a).get(url("session_edit", code=other.code)).status_code == 404
    assert client_for(world.pc_a).post(url("session_delete", code=other.code)).status_code == 404
    assert Session.objects.filter(pk=other.pk).exists()


# --- registration ----------------------------------------------------------------------------------------------


def test_partner_registers_their_own_staff_within_the_places(world, te, client_for):
    client = client_for(world.partner_b)
    response = register_as(client, te.ev_a, world.org_b, **person(1, position="Teacher"))
    assert response.status_code == 302
    assert registered(te.ev_a, world.org_b).count() == 2
    participant = Participant.objects.get(email="person1@example.org")
    assert participant.registered_by == world.partner_b
    assert participant.position == "Teacher"

    # B has 2 places: staff_b and person1 use them; a third is refused and nothing is saved.
    response = register_as(client, te.ev_a, world.org_b, **person(2))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Your organisation has used all its 2 places for this event."
    ]
    assert registered(te.ev_a, world.org_b).count() == 2
    assert not Participant.objects.filter(email="person2@example.org").exists()


def test_participants_page_shows_the_places_left(world, te, client_for):
    response = client_for(world.partner_b).get(url("participant_list", code=te.ev_a.code))
    (own,) = response.context["own_groups"]
    assert (own["used"], own["left"]) == (1, 1)
    assert "Beta College: 1 place left" in response.content.decode()


def test_the_same_person_cannot_be_registered_twice(world, te, client_for):
    response = register_as(
        client_for(world.partner_b), te.ev_a, world.org_b, **person(1, email=te.staff_b.email.upper())
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["This person is already registered for the event."]
    assert registered(te.ev_a, world.org_b).count() == 1


def test_departure_before_arrival_is_a_field_error(world, te, client_for):
    response = register_as(
        client_for(world.partner_b),
        te.ev_a,
        world.org_b,
        **person(1, arrival_date="2025-03-12", departure_date="2025-03-09"),
    )
    assert "departure_date" in response.context["form"].errors
    assert not Participant.objects.filter(email="person1@example.org").exists()


def test_partner_cannot_register_for_another_organisation(world, te, client_for):
    response = register_as(client_for(world.partner_b), te.ev_a, world.org_a, **person(1))
    assert response.status_code == 403
    assert not Participant.objects.filter(email="person1@example.org").exists()


def test_garbage_organisation_is_a_field_error(world, te, client_for):
    response = client_for(world.partner_b).post(
        url("participant_list", code=te.ev_a.code), {"organisation": "B", **person(1)}
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors


def test_registration_form_offers_only_the_users_own_organisation(world, te, client_for):
    form = client_for(world.partner_b).get(url("participant_list", code=te.ev_a.code)).context["form"]
    assert list(form.fields["organisation"].queryset) == [world.org_b]


def test_participant_without_staff_role_cannot_register_anyone(world, te, client_for):
    client = client_for(te.staff_b)
    response = client.get(url("participant_list", code=te.ev_a.code))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert register_as(client, te.ev_a, world.org_b, **person(1)).status_code == 403


def test_registration_links_an_existing_account(world, te, client_for):
    register_as(client_for(world.partner_b), te.ev_a, world.org_b, **person(1, email=world.mentor_b.email))
    assert Participant.objects.get(email=world.mentor_b.email.lower()).user == world.mentor_b


def test_registration_picks_a_member_of_staff_and_takes_their_details(world, te, client_for):
    response = register_as(client_for(world.partner_b), te.ev_a, world.org_b, person=world.mentor_b.pk)
    assert response.status_code == 302
    participant = Participant.objects.get(event=te.ev_a, user=world.mentor_b)
    assert participant.email == world.mentor_b.email.lower()
    assert participant.first_name == (world.mentor_b.first_name or world.mentor_b.email)


@pytest.mark.parametrize("who", ["learner_b", "partner_c", "pc_a"])
def test_the_person_picker_refuses_anyone_but_the_organisations_staff(world, te, client_for, who):
    """A learner of B, or staff of another organisation, forged into the picker: a field error, nothing saved."""
    before = Participant.objects.count()
    response = register_as(client_for(world.partner_b), te.ev_a, world.org_b, person=world.actor(who).pk)
    assert response.status_code == 200
    assert response.context["form"].errors["person"] == ["Choose a member of your organisation's staff."]
    assert Participant.objects.count() == before


@pytest.mark.parametrize("who", ["learner_b", "partner_c"])
def test_an_address_of_someone_not_on_the_staff_is_refused(world, te, client_for, who):
    """Typing the e-mail of a portal account that is not B's staff is refused too (by the service)."""
    before = Participant.objects.count()
    response = register_as(client_for(world.partner_b), te.ev_a, world.org_b, **person(1, email=world.actor(who).email))
    assert response.status_code == 200
    assert "not on your organisation's staff" in response.context["form"].errors["email"][0]
    assert Participant.objects.count() == before


def test_the_person_picker_lists_only_the_organisations_staff(world, te, client_for):
    form = client_for(world.partner_b).get(url("participant_list", code=te.ev_a.code)).context["form"]
    assert set(form.fields["person"].queryset) == {world.partner_b, world.mentor_b, te.staff_b}


def test_cancelling_frees_a_place(world, te, client_for):
    client = client_for(world.partner_b)
    register_as(client, te.ev_a, world.org_b, **person(1))
    assert services.places_left(te.ev_a, world.org_b.pk) == 0
    response = client.post(url("participant_cancel", code=te.p_staff_b.code))
    assert response.status_code == 302
    te.p_staff_b.refresh_from_db()
    assert te.p_staff_b.status == Participant.Status.CANCELLED
    assert services.places_left(te.ev_a, world.org_b.pk) == 1
    assert register_as(client, te.ev_a, world.org_b, **person(2)).status_code == 302


def test_cancelling_twice_changes_nothing_more(world, te, client_for):
    client = client_for(world.partner_b)
    client.post(url("participant_cancel", code=te.p_staff_b.code))
    entries = AuditEntry.objects.count()
    response = client.post(url("participant_cancel", code=te.p_staff_b.code))
    assert response.status_code == 302
    assert AuditEntry.objects.count() == entries


def test_cancel_refuses_get(world, te, client_for):
    response = client_for(world.partner_b).get(url("participant_cancel", code=te.p_staff_b.code))
    assert response.status_code == 405
    te.p_staff_b.refresh_from_db()
    assert te.p_staff_b.status == Participant.Status.REGISTERED


def test_participant_cannot_cancel_their_own_registration(world, te, client_for):
    assert client_for(te.staff_b).post(url("participant_cancel", code=te.p_staff_b.code)).status_code == 403


# --- attendance ---------------------------------------------------------------------------------------------


def test_only_the_host_marks_attendance(world, te, client_for):
    assert client_for(world.pc_a).get(url("attendance", code=te.ev_a.code)).status_code == 200
    assert client_for(world.partner_b).get(url("attendance", code=te.ev_a.code)).status_code == 403
    assert client_for(world.partner_c).get(url("attendance", code=te.ev_a.code)).status_code == 404
    assert client_for(world.partner_b).post(url("attendance", code=te.ev_a.code), {}).status_code == 403


def test_attendance_grid_has_a_labelled_checkbox_per_participant_and_session(world, te, client_for):
    content = client_for(world.pc_a).get(url("attendance", code=te.ev_a.code)).content.decode()
    name = te.p_staff_b.full_name
    for session in (te.s1, te.s2, te.s3):
        field = f"present-{te.p_staff_b.pk}-{session.pk}"
        assert f'for="id_{field}"' in content
        assert f'name="{field}" id="id_{field}"' in content
        assert f"Present: {name}, {session.title}" in content


def test_attendance_is_saved_and_hours_are_shown(world, te, client_for):
    client = client_for(world.pc_a)
    p = te.p_staff_b.pk
    response = client.post(
        url("attendance", code=te.ev_a.code), {f"present-{p}-{te.s1.pk}": "on", f"present-{p}-{te.s3.pk}": "on"}
    )
    assert response.status_code == 302
    assert set(Attendance.objects.filter(present=True).values_list("session_id", flat=True)) == {te.s1.pk, te.s3.pk}
    assert services.hours_attended(te.p_staff_b) == Decimal("5.00")

    response = client.get(url("attendance", code=te.ev_a.code))
    (row,) = response.context["rows"]
    assert row["hours"] == Decimal("5.00")
    assert ">5.00<" in response.content.decode()
    assert f'id="id_present-{p}-{te.s1.pk}" checked' in response.content.decode()

    # Unticking a session records the participant as absent.
    client.post(url("attendance", code=te.ev_a.code), {f"present-{p}-{te.s1.pk}": "on"})
    assert services.hours_attended(te.p_staff_b) == Decimal("3.00")


def test_attendance_ignores_fields_of_other_events(world, te, client_for):
    other = Session.objects.create(
        event=te.ev_c, day=date(2025, 4, 1), start_time=time(9), end_time=time(10), title="Elsewhere"
    )
    response = client_for(world.pc_a).post(
        url("attendance", code=te.ev_a.code), {f"present-{te.p_staff_b.pk}-{other.pk}": "on", "present-x-y": "on"}
    )
    assert response.status_code == 302
    assert not Attendance.objects.exists()


# --- query budgets ------------------------------------------------------------------------------------------

SMALL, LARGE = 5, 50


def grow_events(world, te, n):
    """Events of P1 (half upcoming), each with a participant of B."""
    today = timezone.localdate()
    for i in range(n):
        start = today + timedelta(days=(i - n // 2) * 7)
        event = TrainingEvent.objects.create(
            partnership=world.p1,
            host_organisation=world.org_a if i % 2 else world.org_b,
            title=f"Event {TrainingEvent.objects.count()}",
            city="Vilnius",
            start_date=start,
            end_date=start + timedelta(days=2),
        )
        Participant.objects.create(
            event=event, organisation=world.org_b, first_name="P", last_name=str(i), email=f"e{event.pk}@example.org"
        )


def grow_participants(world, te, n):
    """Partner organisations of P1 (with coordinates), each with a registered participant of ev_a."""
    for _ in range(n):
        organisation = OrganisationFactory(latitude=Decimal("48.8566"), longitude=Decimal("2.3522"))
        PartnershipMember.objects.create(
            partnership=world.p1, organisation=organisation, role=PartnershipMember.Role.PARTNER
        )
        Participant.objects.create(
            event=te.ev_a,
            organisation=organisation,
            first_name="Staff",
            last_name=organisation.short_name,
            email=f"staff-{organisation.pk}@example.org",
            arrival_date=date(2025, 3, 9),
            departure_date=date(2025, 3, 12),
        )


def count_participants(response):
    return sum(len(group["rows"]) for group in response.context["groups"])


def count_rows(response):
    return len(response.context["rows"])


PAGES = {
    "event list": (lambda te: url("event_list"), grow_events, lambda r: r.context["page"].paginator.count),
    "participants": (lambda te: url("participant_list", code=te.ev_a.code), grow_participants, count_participants),
    "event page": (lambda te: te.ev_a.get_absolute_url(), grow_participants, count_participants),
    "attendance": (
        lambda te: url("attendance", code=te.ev_a.code),
        grow_participants,
        lambda r: len(r.context["rows"]),
    ),
}


def measure(client, target):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(target)
    assert response.status_code == 200
    return response, len(queries)


@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_the_rows_shown(world, te, client_for, name):
    target, grow, rows = PAGES[name]
    client = client_for(world.pc_a)
    grow(world, te, SMALL)
    client.get(target(te))  # warm per-process caches before counting
    small_response, small = measure(client, target(te))
    grow(world, te, LARGE - SMALL)
    large_response, large = measure(client, target(te))
    assert rows(large_response) > rows(small_response)
    assert large == small, f"{name}: {small} → {large} queries"


@pytest.mark.parametrize(
    ("name", "budget"), [("event list", 10), ("participants", 16), ("event page", 16), ("attendance", 12)]
)
def test_page_stays_within_its_query_budget(world, te, client_for, django_assert_max_num_queries, name, budget):
    target, grow, _rows = PAGES[name]
    client = client_for(world.pc_a)
    grow(world, te, LARGE)
    client.get(target(te))
    with django_assert_max_num_queries(budget):
        assert client.get(target(te)).status_code == 200
