"""Calendars: one event as an .ics file, and each user's personal feed.

- `event_ics`: signed-in, the event from `visible_to` (out of scope → 404); one VEVENT per session, or one
  all-day VEVENT for an event without an agenda.
- `calendar`: the signed-in user's feed URL (their `CalendarFeed` is created on the first visit) and a button
  to replace the token, which kills the old URL.
- `personal_ics`: no sign-in, the token is the credential (unknown → 404): every session of the events the
  user is registered for and of those they manage as host staff or project coordinator. A fixed number
  of queries whatever the number of events.

Times: sessions carry a day and wall-clock times; they are local times of the event's `time_zone`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from partners.pagination import paginate

from .. import access, services
from ..models import CalendarFeed, Session, TrainingEvent

PRODID = "-//VISION portal//Training events//EN"
UID_DOMAIN = "vision"
FEED_EVENT_LIMIT = 500  # the most recent events a personal feed carries
FEED_REFRESH = timedelta(hours=6)


# --- building calendars ---------------------------------------------------------------------------------


def portal_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def event_zone(event: TrainingEvent, default: ZoneInfo) -> ZoneInfo:
    """The event's own zone (the host's local time), else the portal's."""
    try:
        return ZoneInfo(event.time_zone) if event.time_zone else default
    except (KeyError, ValueError):
        return default


def _is_link(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def event_location(event: TrainingEvent) -> str:
    place = ", ".join(part for part in (event.venue, event.city) if part)
    return place or event.online_link


def session_location(session: Session, event: TrainingEvent) -> str:
    room = (session.room or "").strip()
    if room and _is_link(room):
        return room
    place = ", ".join(part for part in (room, event.venue, event.city) if part)
    return place or event.online_link


def session_uid(session: Session, event: TrainingEvent) -> str:
    return f"{session.pk}-{event.code}@{UID_DOMAIN}"


def event_uid(event: TrainingEvent) -> str:
    return f"{event.code}@{UID_DOMAIN}"


def session_vevent(session: Session, event: TrainingEvent, zone: ZoneInfo) -> icalendar.Event:
    vevent = icalendar.Event.new(
        uid=session_uid(session, event),
        summary=f"{event.title}: {session.title}",
        start=datetime.combine(session.day, session.start_time, tzinfo=zone),
        end=datetime.combine(session.day, session.end_time, tzinfo=zone),
        location=session_location(session, event) or None,
        description=(_("Speaker: %(speaker)s") % {"speaker": session.speaker}) if session.speaker else None,
    )
    if event.online_link:
        vevent.add("url", event.online_link)
    return vevent


def all_day_vevent(event: TrainingEvent) -> icalendar.Event:
    vevent = icalendar.Event.new(
        uid=event_uid(event),
        summary=event.title,
        start=event.start_date,
        end=event.end_date + timedelta(days=1),  # DTEND of an all-day event is exclusive
        location=event_location(event) or None,
        description=event.topic or None,
    )
    vevent.add("transp", "TRANSPARENT")
    if event.online_link:
        vevent.add("url", event.online_link)
    return vevent


def event_vevents(event: TrainingEvent, sessions, zone: ZoneInfo) -> list[icalendar.Event]:
    if not sessions:
        return [all_day_vevent(event)]
    return [session_vevent(session, event, event_zone(event, zone)) for session in sessions]


def build_calendar(name: str, uid: str, events_with_sessions, *, refresh: timedelta | None = None) -> bytes:
    """`events_with_sessions`: (event, [sessions]) pairs, sessions in agenda order."""
    calendar = icalendar.Calendar.new(prodid=PRODID, name=name, uid=uid, refresh_interval=refresh)
    zone = portal_zone()
    for event, sessions in events_with_sessions:
        for vevent in event_vevents(event, sessions, zone):
            calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def ics_response(body: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- one event ------------------------------------------------------------------------------------------


@login_required
@require_safe
def event_ics(request, code):
    event = get_object_or_404(TrainingEvent.objects.visible_to(request.user), code=code)
    sessions = list(Session.objects.filter(event=event).order_by("day", "start_time", "pk"))
    body = build_calendar(event.title, event_uid(event), [(event, sessions)])
    filename = f"{slugify(event.title)[:80] or 'training-event'}.ics"
    response = ics_response(body, filename, attachment=True)
    response["Cache-Control"] = "private, no-store"
    return response


# --- the personal feed ----------------------------------------------------------------------------------


def feed_event_queryset(user):
    """The events of a user's personal feed (`access.feed_events`)."""
    return access.feed_events(user)


def feed_events(user):
    """The feed's events (the FEED_EVENT_LIMIT most recent) with their sessions: two queries."""
    sessions = models.Prefetch("sessions", queryset=Session.objects.order_by("day", "start_time", "pk"))
    return feed_event_queryset(user).prefetch_related(sessions).order_by("-start_date", "-pk")[:FEED_EVENT_LIMIT]


@require_safe
def personal_ics(request, token):
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    events = sorted(feed_events(feed.user), key=lambda event: (event.start_date, event.pk))
    body = build_calendar(
        _("VISION training events"),
        f"feed-{feed.user_id}@{UID_DOMAIN}",
        [(event, list(event.sessions.all())) for event in events],
        refresh=FEED_REFRESH,
    )
    response = ics_response(body, "vision-training.ics", attachment=False)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def feed_url(request, feed: CalendarFeed) -> str:
    return request.build_absolute_uri(reverse("training_events:personal_ics", kwargs={"token": feed.token}))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar(request):
    """The user's feed URL; POST replaces the token (the old URL stops working at once)."""
    feed = services.calendar_feed(request.user)
    if request.method == "POST":
        services.replace_feed_token(feed, by=request.user, request=request)
        messages.success(
            request, _("Your calendar address was replaced. The old address no longer works: subscribe again.")
        )
        return redirect("training_events:calendar")
    events = feed_event_queryset(request.user).select_related("host_organisation").order_by("-start_date", "-pk")
    response = render(
        request,
        "training_events/calendar/feed.html",
        {"feed": feed, "feed_url": feed_url(request, feed), "page": paginate(request, events)},
    )
    response["Cache-Control"] = "private, no-store"
    return response
