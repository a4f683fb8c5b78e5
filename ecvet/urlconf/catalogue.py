"""Catalogue URLs (namespace "ecvet"): qualifications and their units of learning outcomes."""

from django.urls import path

from ..views import catalogue

urlpatterns = [
    path("catalogue/", catalogue.qualification_list, name="qualification_list"),
    path("catalogue/new/", catalogue.qualification_create, name="qualification_create"),
    path("catalogue/<uuid:code>/", catalogue.qualification_detail, name="qualification_detail"),
    path("catalogue/<uuid:code>/edit/", catalogue.qualification_edit, name="qualification_edit"),
    path("catalogue/<uuid:code>/units/new/", catalogue.unit_create, name="unit_create"),
    path("catalogue/units/<uuid:code>/edit/", catalogue.unit_edit, name="unit_edit"),
    path("catalogue/units/<uuid:code>/delete/", catalogue.unit_delete, name="unit_delete"),
]
