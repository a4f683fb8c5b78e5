from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partners"
    verbose_name = _("Partners")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import figures, middleware

        figures.connect()
        user_logged_in.connect(middleware.start_idle_clock, dispatch_uid="partners.start_idle_clock")
