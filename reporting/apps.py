from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        # The app's rules (`reporting.<name>` for `{% test_rule %}`) are registered when access.py is imported.
        from . import access  # noqa: F401
