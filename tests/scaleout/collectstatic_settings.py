"""For `collectstatic` in the scale-out test and the API check (.ci/schemathesis) only: the production settings with
Django's manifest storage, which writes the same staticfiles.json as WhiteNoise's compressing subclass without the
45 s of gzip and Brotli copies. The web processes then serve with the production storage unchanged."""

from vision.settings.production import *  # noqa: F403
from vision.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
