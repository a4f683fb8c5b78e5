from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisseminationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dissemination"
    verbose_name = _("Dissemination")

    def ready(self):
        # The access rules publish themselves to `rules`, which the templates ask.
        from . import access  # noqa: F401
