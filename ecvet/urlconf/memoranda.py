"""Memorandum URLs (namespace "ecvet")."""

from django.urls import path

from ..views import memoranda

urlpatterns = [
    path("memoranda/", memoranda.memorandum_list, name="memorandum_list"),
    path("memoranda/new/", memoranda.memorandum_create, name="memorandum_create"),
    path("memoranda/<uuid:code>/", memoranda.memorandum_detail, name="memorandum_detail"),
    path("memoranda/<uuid:code>/edit/", memoranda.memorandum_edit, name="memorandum_edit"),
    path("memoranda/<uuid:code>/send/", memoranda.memorandum_send, name="memorandum_send"),
    path("memoranda/<uuid:code>/amend/", memoranda.memorandum_amend, name="memorandum_amend"),
    path("memoranda/<uuid:code>/terminate/", memoranda.memorandum_terminate, name="memorandum_terminate"),
    path("memoranda/<uuid:code>/decide/", memoranda.memorandum_decide, name="memorandum_decide"),
    path("memoranda/<uuid:code>/json/", memoranda.memorandum_json, name="memorandum_json"),
    path("memoranda/<uuid:code>/print/", memoranda.memorandum_print, name="memorandum_print"),
]
