from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mobility"
    verbose_name = _("Mobility")

    def ready(self):
        # Dashboard panels plug into partners without partners importing us; the access rules register
        # themselves with `rules` for the templates.
        from . import access, dashboard, receivers, waiting  # noqa: F401
