"""Learners, mobilities, their lists and export, and status changes."""

from django.urls import path

from ..views import learners, mobilities

urlpatterns = [
    path("learners/", learners.learner_list, name="learner_list"),
    path("learners/new/", learners.learner_create, name="learner_create"),
    path("learners/<uuid:code>/", learners.learner_detail, name="learner_detail"),
    path("learners/<uuid:code>/edit/", learners.learner_edit, name="learner_edit"),
    path("mobilities/outgoing/", mobilities.outgoing, name="outgoing"),
    path("mobilities/incoming/", mobilities.incoming, name="incoming"),
    path("mobilities/all/", mobilities.all_mobilities, name="all_mobilities"),
    path("mobilities/my-learners/", mobilities.my_learners, name="my_learners"),
    path("mobilities/export/", mobilities.mobility_export, name="mobility_export"),
    path("mobilities/new/", mobilities.mobility_create, name="mobility_create"),
    path("mobilities/<uuid:code>/", mobilities.mobility_detail, name="mobility_detail"),
    path("mobilities/<uuid:code>/edit/", mobilities.mobility_edit, name="mobility_edit"),
    path("mobilities/<uuid:code>/status/", mobilities.mobility_transition, name="mobility_transition"),
    path("my-mobility/", mobilities.my_mobility, name="my_mobility"),
]
