from django.apps import AppConfig


class VisionConfig(AppConfig):
    """The project itself as an app: it only wires (its system checks)."""

    name = "vision"
    verbose_name = "VISION"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)
