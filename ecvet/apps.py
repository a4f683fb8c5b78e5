from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcvetConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ecvet"
    verbose_name = _("ECVET")
