"""The event pages: the list, an event, its agenda, participants and attendance."""

from django.urls import path

from ..views import events

urlpatterns = [
    path("", events.event_list, name="event_list"),
    path("new/", events.event_create, name="event_create"),
    path("events/<uuid:code>/", events.event_detail, name="event_detail"),
    path("events/<uuid:code>/edit/", events.event_edit, name="event_edit"),
    path("events/<uuid:code>/sessions/new/", events.session_create, name="session_create"),
    path("sessions/<uuid:code>/edit/", events.session_edit, name="session_edit"),
    path("sessions/<uuid:code>/delete/", events.session_delete, name="session_delete"),
    path("events/<uuid:code>/participants/", events.participant_list, name="participant_list"),
    path("participants/<uuid:code>/cancel/", events.participant_cancel, name="participant_cancel"),
    path("events/<uuid:code>/attendance/", events.attendance, name="attendance"),
]
