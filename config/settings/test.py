from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "test-mail"
AXES_FAILURE_LIMIT = 3
WAGTAILADMIN_BASE_URL = "http://testserver"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests deliver the outbox inline; tests with a real worker switch this off.
CELERY_TASK_ALWAYS_EAGER = True
# A fresh clone has no collected static files: serve them from the apps' folders
# (as in development) rather than warning about a missing STATIC_ROOT on every request.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
