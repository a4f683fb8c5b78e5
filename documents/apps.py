from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = _("Sealed documents")

    def ready(self):
        # The download rules register themselves with `rules` for the templates.
        from . import (
            access,  # noqa: F401
            gdpr,  # noqa: F401  (erasure withdraws the learner's PDFs)
        )
