"""Test settings: honours DATABASE_URL and CELERY_BROKER_URL like production."""

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
CELERY_TASK_ALWAYS_EAGER = True
VISION_MFA_REQUIRED_ROLES = env.list("VISION_MFA_REQUIRED_ROLES", default=[])
