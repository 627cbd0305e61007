"""Settings for the test suite (``DATABASE_URL`` may point at PostgreSQL)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-concilia-key")
os.environ.setdefault("DEBUG", "false")

# Citizens' login is tested against the local OpenID provider (concilia/citizens/tests). Set for reading the
# base settings only, then taken out of the environment again: a production server started by a test (its
# environment copied from this one) must not inherit the demo provider.
_OIDC_TEST_ENV = {
    name: value
    for name, value in {
        "USE_OIDC": "true",
        "OIDC_LOCAL_PROVIDER": "true",
        "OIDC_RP_CLIENT_ID": "concilia-test",
        "OIDC_RP_CLIENT_SECRET": "test-only-oidc-client-secret",
    }.items()
    if name not in os.environ
}
os.environ.update(_OIDC_TEST_ENV)

from concilia.settings.base import *  # noqa: E402,F403

for _name in _OIDC_TEST_ENV:
    del os.environ[_name]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = DATA_DIR / "test-media"  # noqa: F405
CONCILIA_MAP_TILES = ""  # tests never fetch map tiles
# The live-server tests' threads must not keep connections open: PostgreSQL refuses to drop a test
# database that a kept connection still uses.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
CONCILIA_PRIVATE_MEDIA_ROOT = DATA_DIR / "test-private"  # noqa: F405
