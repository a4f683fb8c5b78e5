from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    """Host companies kept by each partner organisation and the placements they publish to a partnership."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "placements"
    verbose_name = _("Host placements")

    def ready(self):
        # The access rules publish themselves to `rules` (templates ask them).
        from . import access  # noqa: F401
