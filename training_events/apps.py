from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingEventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "training_events"
    verbose_name = _("Training events")

    def ready(self):
        # Certificates register with the sealed-PDF pipeline; the dashboard panel connects.
        from . import dashboard, pdf, signals  # noqa: F401
