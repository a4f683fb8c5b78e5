from django.urls import include, path

from .urlconf import calendar, evaluation, events

app_name = "training_events"

urlpatterns = [
    path("", include(events)),
    path("", include(evaluation)),
    path("", include(calendar)),
]
