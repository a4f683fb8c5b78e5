from django.urls import include, path

from .urlconf import events, public

app_name = "dissemination"

urlpatterns = [
    path("", include(events)),
    path("", include(public)),
]
