"""Europass digital credentials: a recognised mobility's Personal Transcript, an approved Europass Mobility
(namespace "ecvet")."""

from django.urls import path

from ..views import credentials as views

urlpatterns = [
    path("transcripts/<uuid:code>/credential.json", views.transcript_credential, name="transcript_credential"),
    path("mobilities/<uuid:code>/credential.json", views.mobility_credential, name="mobility_credential"),
    path("europass/<uuid:code>/credential.json", views.europass_credential, name="europass_credential"),
    path(
        "mobilities/<uuid:code>/europass-credential.json",
        views.mobility_europass_credential,
        name="mobility_europass_credential",
    ),
]
