"""Personal Transcripts, validation and recognition (namespace "ecvet")."""

from django.urls import path

from ..views import transcripts as views

urlpatterns = [
    path("mobilities/<uuid:code>/transcript/", views.transcript_for_mobility, name="transcript_for_mobility"),
    path("transcripts/<uuid:code>/", views.transcript_detail, name="transcript_detail"),
    path("transcripts/<uuid:code>/edit/", views.transcript_edit, name="transcript_edit"),
    path("transcripts/<uuid:code>/send/", views.transcript_send, name="transcript_send"),
    path("transcripts/<uuid:code>/decide/", views.transcript_decide, name="transcript_decide"),
    path("transcripts/<uuid:code>/recognise/", views.transcript_recognise, name="transcript_recognise"),
    path("transcripts/<uuid:code>/json/", views.transcript_json, name="transcript_json"),
    path("transcripts/<uuid:code>/print/", views.transcript_print, name="transcript_print"),
]
