"""Test settings: honours DATABASE_URL and CELERY_BROKER_URL like production."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105 - used by the test suite only
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run tasks in-process even when a broker is configured; the broker is
# exercised by the health check test.
CELERY_TASK_ALWAYS_EAGER = env.bool("VISION_TEST_EAGER", default=True)  # off in the fault tests' worker
VISION_MFA_REQUIRED_ROLES = env.list("VISION_MFA_REQUIRED_ROLES", default=[])
# Sealed PDFs go to a throwaway media root; the seal certificate is created by tests/conftest.py.
# (A worker started by the fault tests gets the test process's paths through the environment.)
_TMP = Path(tempfile.mkdtemp(prefix="vision-test-"))
MEDIA_ROOT = Path(env("VISION_TEST_MEDIA_ROOT", default=str(_TMP / "media")))
VISION_SIGNING_P12 = Path(env("VISION_TEST_SIGNING_P12", default=str(_TMP / "seal.p12")))
VISION_SIGNING_PASSWORD = "test-only-password"  # noqa: S105
VISION_BASE_URL = "https://vision.test"
# The figures' cache stays off in tests that do not test it (tests/partners/test_figures_cache.py turns it on):
# tests change rows with QuerySet.update(), which the cache does not see.
VISION_FIGURES_CACHE_SECONDS = 0
