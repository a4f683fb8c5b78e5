"""Deployment checks of the project (`manage.py check --deploy`; `make check-deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core import checks


@checks.register(checks.Tags.staticfiles, deploy=True)
def static_manifest_present(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Without `collectstatic`, the manifest storage cannot name a single static file and every page answers 500
    (issue 17): say so before the site is served."""
    if settings.DEBUG or not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []
    paths, _manifest_hash = staticfiles_storage.load_manifest()
    if paths:
        return []
    where = getattr(staticfiles_storage, "location", "") or settings.STATIC_ROOT
    return [
        checks.Error(
            f"The static files' manifest ({staticfiles_storage.manifest_name}) is missing or empty in {where}: "
            "every page would answer 500.",
            hint="Run `python manage.py collectstatic --noinput` with these settings before serving the site.",
            id="vision.E001",
        )
    ]
