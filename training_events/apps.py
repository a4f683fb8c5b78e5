from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingEventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "training_events"
    verbose_name = _("Training events")

    def ready(self):
        # The access rules publish themselves to `rules` (templates ask them); certificates register with
        # the sealed-PDF pipeline; the dashboard panel connects.
        from . import access, dashboard, pdf, signals, waiting  # noqa: F401
