"""URLs of the mobility app, one module per area (mobility/urlconf/*)."""

from django.urls import include, path

app_name = "mobility"

urlpatterns = [
    path("", include("mobility.urlconf.mobilities")),  # learners, mobilities, lists, transitions
    path("", include("mobility.urlconf.quality")),  # checklists, assessments, learner reports
    path("", include("mobility.urlconf.money")),  # budgets, imports
    path("", include("mobility.urlconf.gdpr")),  # export and erasure of a learner's data
]
