"""Europass Mobility URLs (namespace "ecvet")."""

from django.urls import path

from ..views import europass

urlpatterns = [
    path("europass/mobility/<uuid:code>/", europass.europass_for_mobility, name="europass_for_mobility"),
    path("europass/<uuid:code>/", europass.europass_detail, name="europass_detail"),
    path("europass/<uuid:code>/sending/", europass.europass_edit_sending, name="europass_edit_sending"),
    path("europass/<uuid:code>/host/", europass.europass_edit_host, name="europass_edit_host"),
    path("europass/<uuid:code>/send/", europass.europass_send, name="europass_send"),
    path("europass/<uuid:code>/decide/", europass.europass_decide, name="europass_decide"),
    path("europass/<uuid:code>/json/", europass.europass_json, name="europass_json"),
    path("europass/<uuid:code>/print/", europass.europass_print, name="europass_print"),
]
