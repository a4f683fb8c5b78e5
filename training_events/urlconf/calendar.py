"""Calendars (.ics of an event, the personal feed) and training materials."""

from django.urls import path

from ..views import calendar, materials

urlpatterns = [
    path("events/<uuid:code>/calendar.ics", calendar.event_ics, name="event_ics"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/<str:token>.ics", calendar.personal_ics, name="personal_ics"),
    path("events/<uuid:code>/materials/", materials.material_list, name="material_list"),
    path("materials/<uuid:code>/", materials.material_download, name="material_download"),
    path("materials/<uuid:code>/delete/", materials.material_delete, name="material_delete"),
]
