"""Calendars: an event's .ics file and each user's personal feed (tests/training_events/conftest.py: `te`)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from partners.models import AuditEntry
from training_events import services
from training_events.models import CalendarFeed, Participant, Session, TrainingEvent

BRUSSELS = ZoneInfo("Europe/Brussels")


def ics_url(event):
    return reverse("training_events:event_ics", kwargs={"code": event.code})


def feed_url(feed):
    return reverse("training_events:personal_ics", kwargs={"token": feed.token})


def parse(response) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(response.content)


def by_uid(calendar) -> dict:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def uid(session, event):
    return f"{session.pk}-{event.code}@vision"


# --- one event -------------------------------------------------------------------------------------------


def test_event_ics_has_one_vevent_per_session_in_the_portal_time_zone(te, world, client_for):
    te.s2.speaker = "Dr. Jonas Petraitis"
    te.s2.save()
    response = client_for(world.pc_a).get(ics_url(te.ev_a))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="quality-assurance-in-geographical-mobility.ics"'
    calendar = parse(response)
    assert str(calendar["VERSION"]) == "2.0"
    assert "VISION" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == te.ev_a.title

    events = by_uid(calendar)
    assert set(events) == {uid(s, te.ev_a) for s in (te.s1, te.s2, te.s3)}
    opening = events[uid(te.s1, te.ev_a)]
    assert str(opening["SUMMARY"]) == "Quality assurance in geographical mobility: Opening"
    start, end = opening.decoded("DTSTART"), opening.decoded("DTEND")
    assert start.tzinfo is not None and end.tzinfo is not None
    assert start == datetime(2025, 3, 10, 9, tzinfo=BRUSSELS)
    assert end == datetime(2025, 3, 10, 12, tzinfo=BRUSSELS)
    assert opening["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert start.utcoffset() == timedelta(hours=1)
    assert str(opening["LOCATION"]) == "Training centre, room 2, Vilnius"
    assert "DESCRIPTION" not in opening

    checklists = events[uid(te.s2, te.ev_a)]
    assert "Dr. Jonas Petraitis" in str(checklists["DESCRIPTION"])
    assert checklists.decoded("DTSTART") == datetime(2025, 3, 10, 13, tzinfo=BRUSSELS)
    wrap_up = events[uid(te.s3, te.ev_a)]
    assert wrap_up.decoded("DTSTART") == datetime(2025, 3, 12, 9, tzinfo=BRUSSELS)
    assert wrap_up.decoded("DTEND") == datetime(2025, 3, 12, 11, tzinfo=BRUSSELS)
    # The time zone is described in the file itself, for clients that don't know it.
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]


def test_event_ics_uids_are_stable_between_downloads(te, world, client_for):
    client = client_for(world.pc_a)
    first = set(by_uid(parse(client.get(ics_url(te.ev_a)))))
    second = set(by_uid(parse(client.get(ics_url(te.ev_a)))))
    assert first == second


def test_event_ics_uses_the_events_own_time_zone(te, world, client_for, settings):
    settings.TIME_ZONE = "Europe/Brussels"
    te.ev_a.time_zone = "Europe/Vilnius"  # the host's local time
    te.ev_a.save(update_fields=["time_zone"])
    opening = by_uid(parse(client_for(world.pc_a).get(ics_url(te.ev_a))))[uid(te.s1, te.ev_a)]
    assert opening.decoded("DTSTART") == datetime(2025, 3, 10, 9, tzinfo=ZoneInfo("Europe/Vilnius"))
    assert opening.decoded("DTSTART").utcoffset() == timedelta(hours=2)


def test_summer_time_session_has_the_summer_offset(te, world, client_for):
    event = TrainingEvent.objects.create(
        partnership=world.p1,
        host_organisation=world.org_a,
        title="Summer school",
        start_date=date(2025, 7, 1),
        end_date=date(2025, 7, 1),
    )
    session = Session.objects.create(
        event=event, day=date(2025, 7, 1), start_time=time(10, 30), end_time=time(12), title="Welcome"
    )
    vevent = by_uid(parse(client_for(world.pc_a).get(ics_url(event))))[uid(session, event)]
    assert vevent.decoded("DTSTART").utcoffset() == timedelta(hours=2)
    assert vevent.decoded("DTSTART") == datetime(2025, 7, 1, 10, 30, tzinfo=BRUSSELS)


def test_a_session_room_that_is_a_link_is_the_location(te, world, client_for):
    te.s1.room = "https://meet.example.org/qa-opening"
    te.s1.save()
    opening = by_uid(parse(client_for(world.pc_a).get(ics_url(te.ev_a))))[uid(te.s1, te.ev_a)]
    assert str(opening["LOCATION"]) == "https://meet.example.org/qa-opening"


def test_online_event_without_venue_gives_its_link_as_location(te, world, client_for):
    event = TrainingEvent.objects.create(
        partnership=world.p1,
        host_organisation=world.org_a,
        title="Online follow-up",
        format=TrainingEvent.Format.ONLINE,
        online_link="https://meet.example.org/follow-up",
        start_date=date(2025, 5, 5),
        end_date=date(2025, 5, 5),
    )
    session = Session.objects.create(
        event=event, day=date(2025, 5, 5), start_time=time(14), end_time=time(15), title="Questions"
    )
    vevent = by_uid(parse(client_for(world.pc_a).get(ics_url(event))))[uid(session, event)]
    assert str(vevent["LOCATION"]) == "https://meet.example.org/follow-up"
    assert str(vevent["URL"]) == "https://meet.example.org/follow-up"


def test_event_without_sessions_is_one_all_day_vevent(te, world, client_for):
    response = client_for(world.partner_c).get(ics_url(te.ev_c))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="an-event-of-another-partnership.ics"'
    events = list(parse(response).walk("VEVENT"))
    assert len(events) == 1
    (event,) = events
    assert str(event["UID"]) == f"{te.ev_c.code}@vision"
    assert str(event["SUMMARY"]) == te.ev_c.title
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert not isinstance(start, datetime) and not isinstance(end, datetime)
    assert start == date(2025, 4, 1)
    assert end == date(2025, 4, 3)  # exclusive: the event's last day is 2 April


def test_event_ics_out_of_scope_is_not_found_and_anonymous_signs_in(te, world, client_for):
    assert client_for(world.partner_c).get(ics_url(te.ev_a)).status_code == 404
    assert client_for(world.mentor_b).get(ics_url(te.ev_a)).status_code == 404
    response = client_for(None).get(ics_url(te.ev_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_registered_participant_without_partnership_rights_gets_the_event_file(te, client_for):
    response = client_for(te.staff_b).get(ics_url(te.ev_a))
    assert response.status_code == 200
    assert len(list(parse(response).walk("VEVENT"))) == 3


# --- the feed page ----------------------------------------------------------------------------------------


def test_calendar_page_creates_the_feed_once_and_shows_its_address(te, client_for):
    client = client_for(te.staff_b)
    assert not CalendarFeed.objects.filter(user=te.staff_b).exists()
    response = client.get(reverse("training_events:calendar"))
    assert response.status_code == 200
    feed = CalendarFeed.objects.get(user=te.staff_b)
    html = response.content.decode()
    assert "http://testserver" + feed_url(feed) in html
    assert html.count("<h1") == 1
    assert 'for="feed-url"' in html
    assert te.ev_a.title in html  # what the calendar contains
    assert te.ev_c.title not in html

    client.get(reverse("training_events:calendar"))
    assert CalendarFeed.objects.filter(user=te.staff_b).count() == 1
    assert CalendarFeed.objects.get(user=te.staff_b).token == feed.token


def test_replacing_the_token_kills_the_old_address(te, client_for):
    client = client_for(te.staff_b)
    client.get(reverse("training_events:calendar"))
    old = CalendarFeed.objects.get(user=te.staff_b)
    old_url = feed_url(old)
    assert client_for(None).get(old_url).status_code == 200

    client = client_for(te.staff_b)
    response = client.post(reverse("training_events:calendar"))
    assert response.status_code == 302
    assert response["Location"] == reverse("training_events:calendar")
    new = CalendarFeed.objects.get(user=te.staff_b)
    assert new.token != old.token
    assert AuditEntry.objects.filter(actor=te.staff_b, object_type="training_events.calendarfeed").exists()

    anonymous = client_for(None)
    assert anonymous.get(old_url).status_code == 404
    assert anonymous.get(feed_url(new)).status_code == 200


def test_calendar_page_needs_sign_in(client_for, db):
    response = client_for(None).get(reverse("training_events:calendar"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client_for(None).post(reverse("training_events:calendar")).status_code == 302
    assert not CalendarFeed.objects.exists()


# --- the personal feed ----------------------------------------------------------------------------------


def test_personal_feed_has_the_users_events_only_and_needs_no_login(te, client_for):
    feed = CalendarFeed.objects.create(user=te.staff_b)
    response = client_for(None).get(feed_url(feed))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    calendar = parse(response)
    assert str(calendar["VERSION"]) == "2.0"
    assert "X-WR-CALNAME" in calendar
    events = by_uid(calendar)
    assert set(events) == {uid(s, te.ev_a) for s in (te.s1, te.s2, te.s3)}
    assert not any(str(te.ev_c.code) in key for key in events)
    assert events[uid(te.s1, te.ev_a)].decoded("DTSTART") == datetime(2025, 3, 10, 9, tzinfo=BRUSSELS)


def test_personal_feed_drops_a_cancelled_registration(te, world, client_for):
    services.cancel(te.p_staff_b, by=world.partner_b)
    feed = CalendarFeed.objects.create(user=te.staff_b)
    assert list(parse(client_for(None).get(feed_url(feed))).walk("VEVENT")) == []


def test_personal_feed_of_host_staff_and_partners(te, world, client_for):
    anonymous = client_for(None)
    # pc_a: host staff of ev_a (and its project coordinator).
    pc_events = by_uid(parse(anonymous.get(feed_url(CalendarFeed.objects.create(user=world.pc_a)))))
    assert set(pc_events) == {uid(s, te.ev_a) for s in (te.s1, te.s2, te.s3)}
    # partner_c: hosts ev_c, which has no sessions → one all-day event.
    c_events = by_uid(parse(anonymous.get(feed_url(CalendarFeed.objects.create(user=world.partner_c)))))
    assert set(c_events) == {f"{te.ev_c.code}@vision"}
    # partner_b sees ev_a but neither hosts nor attends it: it is not in their calendar.
    b_events = by_uid(parse(anonymous.get(feed_url(CalendarFeed.objects.create(user=world.partner_b)))))
    assert b_events == {}


def test_unknown_token_and_inactive_user_are_not_found(te, client_for):
    anonymous = client_for(None)
    assert anonymous.get(reverse("training_events:personal_ics", kwargs={"token": "nope"})).status_code == 404
    feed = CalendarFeed.objects.create(user=te.staff_b)
    te.staff_b.is_active = False
    te.staff_b.save()
    assert anonymous.get(feed_url(feed)).status_code == 404


def test_personal_feed_rejects_post(te, client_for):
    feed = CalendarFeed.objects.create(user=te.staff_b)
    assert client_for(None).post(feed_url(feed)).status_code == 405


def _more_events(world, count):
    for n in range(count):
        event = TrainingEvent.objects.create(
            partnership=world.p1,
            host_organisation=world.org_a,
            title=f"Extra {n}",
            start_date=date(2025, 6, 1 + n),
            end_date=date(2025, 6, 1 + n),
        )
        for hour in (9, 11, 14):
            Session.objects.create(
                event=event, day=event.start_date, start_time=time(hour), end_time=time(hour + 1), title=f"S{hour}"
            )


def test_personal_feed_queries_do_not_grow_with_events(te, world, client_for, django_assert_num_queries):
    feed = CalendarFeed.objects.create(user=world.pc_a)
    anonymous = client_for(None)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        anonymous.get(feed_url(feed))
    _more_events(world, 8)
    with django_assert_num_queries(len(few)):
        response = anonymous.get(feed_url(feed))
    assert len(list(parse(response).walk("VEVENT"))) == 3 + 8 * 3


@pytest.mark.parametrize("user_attr", ["staff_b", "pc_a"])
def test_feed_token_is_per_user(te, world, client_for, user_attr):
    user = getattr(te, user_attr, None) or getattr(world, user_attr)
    client_for(user).get(reverse("training_events:calendar"))
    other = CalendarFeed.objects.create(user=world.outsider)
    assert CalendarFeed.objects.get(user=user).token != other.token
    assert list(parse(client_for(None).get(feed_url(other))).walk("VEVENT")) == []


def test_a_participant_without_account_link_is_not_in_anyones_feed(te, world, client_for):
    Participant.objects.filter(pk=te.p_staff_b.pk).update(user=None)
    feed = CalendarFeed.objects.create(user=te.staff_b)
    assert list(parse(client_for(None).get(feed_url(feed))).walk("VEVENT")) == []
