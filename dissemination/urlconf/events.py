"""The dissemination pages: events and activities, an event's files, the reach report and its targets."""

from django.urls import path

from ..views import events, reach

urlpatterns = [
    path("dissemination/", events.event_list, name="event_list"),
    path("dissemination/activities/", events.activity_list, name="activity_list"),
    path("dissemination/events/new/", events.event_create, name="event_create"),
    path("dissemination/events/<uuid:code>/", events.event_detail, name="event_detail"),
    path("dissemination/events/<uuid:code>/edit/", events.event_edit, name="event_edit"),
    path("dissemination/events/<uuid:code>/delete/", events.event_delete, name="event_delete"),
    path("dissemination/events/<uuid:code>/files/", events.file_upload, name="file_upload"),
    path("dissemination/files/<uuid:code>/", events.file_download, name="file_download"),
    path("dissemination/files/<uuid:code>/delete/", events.file_delete, name="file_delete"),
    path("dissemination/activities/new/", events.activity_create, name="activity_create"),
    path("dissemination/activities/<uuid:code>/edit/", events.activity_edit, name="activity_edit"),
    path("dissemination/activities/<uuid:code>/delete/", events.activity_delete, name="activity_delete"),
    path("dissemination/reach/<slug:slug>/", reach.reach_report, name="reach_report"),
    path("dissemination/reach/<slug:slug>/targets/", reach.reach_targets, name="reach_targets"),
]
