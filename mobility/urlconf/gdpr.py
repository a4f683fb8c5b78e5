"""GDPR: export everything about one learner, and erase a learner."""

from django.urls import path

from ..views import gdpr

urlpatterns = [
    path("learners/<uuid:code>/export/", gdpr.learner_export, name="learner_export"),
    path("learners/<uuid:code>/erase/", gdpr.learner_erase, name="learner_erase"),
]
