"""URLs of the ECVET app, one module per area (ecvet/urlconf/*)."""

from django.urls import include, path

app_name = "ecvet"

urlpatterns = [
    path("", include("ecvet.urlconf.catalogue")),  # qualifications and units
    path("", include("ecvet.urlconf.memoranda")),  # memoranda of understanding
    path("", include("ecvet.urlconf.agreements")),  # learning agreements, approvals
    path("", include("ecvet.urlconf.results")),  # personal transcripts, validation and recognition
    path("", include("ecvet.urlconf.europass")),  # Europass Mobility
    path("", include("ecvet.urlconf.credentials")),  # Europass digital credential (ELM / JAdES)
    path("", include("ecvet.urlconf.grants")),  # the participant's grant agreement, payments, EU report
]
