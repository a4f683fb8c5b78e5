"""Europass digital credential of a recognised mobility's Personal Transcript (namespace "ecvet")."""

from django.urls import path

from ..views import credentials as views

urlpatterns = [
    path("transcripts/<uuid:code>/credential.json", views.transcript_credential, name="transcript_credential"),
    path("mobilities/<uuid:code>/credential.json", views.mobility_credential, name="mobility_credential"),
]
