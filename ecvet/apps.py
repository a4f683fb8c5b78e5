from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcvetConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ecvet"
    verbose_name = _("ECVET")

    def ready(self):
        # Document kinds register themselves with the approval service on import.
        from . import demo, demo_agreements  # noqa: F401  (demo data receivers, in this order)
        from .services import agreements  # noqa: F401
