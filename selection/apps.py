from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    """Calls for applications, applications, and the panel's selection of learners."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "selection"
    verbose_name = _("Calls and selection")

    def ready(self):
        # The access rules publish themselves to `rules` (templates ask them). The panel's parts
        # (docs/selection.md): the selection report's renderable, the GDPR receivers, the reserve list's
        # promotion, the outcome e-mails and the retention task.
        from . import access, panel_gdpr, panel_pdf, panel_signals, panel_tasks  # noqa: F401
