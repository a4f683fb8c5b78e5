from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcvetConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ecvet"
    verbose_name = _("ECVET")

    def ready(self):
        # Document kinds register themselves with the approval service on import.
        # Then the dashboard panel and the GDPR receivers of the Learning Agreements.
        from . import access, dashboard, gdpr, mobility_facts, pdf, waiting  # noqa: F401
        from .services import agreements, europass, grants, memoranda, transcripts  # noqa: F401
