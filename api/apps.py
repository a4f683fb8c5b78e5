from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("REST API")

    def ready(self):
        # The app's rules (`api.<name>` for `{% test_rule %}`) are registered when access.py is imported.
        from . import access  # noqa: F401
