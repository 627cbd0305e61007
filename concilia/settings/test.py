"""Settings for the test suite (``DATABASE_URL`` may point at PostgreSQL)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-concilia-key")
os.environ.setdefault("DEBUG", "false")

from concilia.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = DATA_DIR / "test-media"  # noqa: F405
CONCILIA_MAP_TILES = ""  # tests never fetch map tiles
# The live-server tests' threads must not keep connections open: PostgreSQL refuses to drop a test
# database that a kept connection still uses.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
