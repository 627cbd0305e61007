"""Base settings, read from environment variables with embedded defaults (SQLite, no services)."""

import base64
import datetime as dt
import hashlib
import importlib.util
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from concilia.settings.enums import enum_name_overrides

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "concilia"

env = environ.Env()
DATA_DIR = Path(env.str("CONCILIA_DATA_DIR", default=str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env.str("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'concilia.sqlite3'}"),
}
# Persistent connections (checked before reuse): opening one per request costs more than many a page
# (SQLite re-reads the schema, PostgreSQL forks a backend). CONN_MAX_AGE=0 closes them after each request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tables2",
    "import_export",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "bootstrap_italia_template",
    "csp",
    "axes",
    "concilia.core",
    "concilia.accounts",
    "concilia.territory",
    "concilia.network",
    "concilia.services",
    "concilia.programming",
    "concilia.registry",
    "concilia.helpdesk",
    "concilia.workplace",
    "concilia.citizens",
    "concilia.benefits",
    "concilia.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "concilia.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "concilia.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "concilia.core.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses any login (form, HTTP Basic, admin) while the user is locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:area"  # each role lands on its work area (a ?next= still wins)
LOGOUT_REDIRECT_URL = "portal:home"

ROOT_URLCONF = "concilia.urls"
WSGI_APPLICATION = "concilia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "concilia.core.context_processors.navigation",
            ],
        },
    },
]

# OWASP ASVS 5.0 V6.2: at least 12 characters, any characters, no composition rules, no upper limit
# below 64 (passphrases welcome), refused when among the 20,000 most common passwords or too close to
# the user's own name or e-mail.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)  # a reset link works for an hour

# The number of proxies in front of the server that append the client's address to X-Forwarded-For
# (0: the server faces the clients, REMOTE_ADDR is the client). Throttles and the login lockout read
# the client's address through ``concilia.core.throttling.client_ip`` with it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Login lockout (django-axes, attempts kept in the database): after 5 failures within 30 minutes for a
# user name from one address, that pair is refused until 30 minutes have passed since the last failure.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "concilia.core.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "concilia.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "new_password1", "new_password2", "old_password"]
# Its records (AccessAttempt, AccessLog) are the log of logins; it writes no lines with the user name.
AXES_VERBOSE = False

# Throttles (see ``concilia.core.throttling``): per client address, in counters every process shares.
CONCILIA_THROTTLES = {
    "login": env.str("THROTTLE_LOGIN", default="30/min"),
    "password_reset": env.str("THROTTLE_PASSWORD_RESET", default="5/hour"),
    "registration": env.str("THROTTLE_REGISTRATION", default="10/hour"),
    "relay": env.str("THROTTLE_RELAY", default="30/hour"),
    "survey": env.str("THROTTLE_SURVEY", default="600/hour"),
    "booking": env.str("THROTTLE_BOOKING", default="20/min"),
}

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Leaflet's JavaScript and CSS, shipped by the django-leaflet package. Only its static files are
# used: the app itself is not installed because its admin module needs GeoDjango (GDAL).
_leaflet_spec = importlib.util.find_spec("leaflet")
STATICFILES_DIRS = [Path(_leaflet_spec.origin).parent / "static"] if _leaflet_spec and _leaflet_spec.origin else []
WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic (embedded default)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
# Families' attachments (ISEE, certificates): outside MEDIA_ROOT and any web root, served only by the
# application's own view to those allowed (concilia/benefits).
CONCILIA_PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(DATA_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The bounds of a CSV/XLSX import (stated on the import page): the file's size, its size once unpacked
# (an XLSX is a zip), its rows of data and its columns. A file beyond one is refused before any row is
# saved, so an import never keeps a worker (or SQLite's write lock) busy for long: 5,000 organisations
# took 53 s on the 2-core development machine, 2,000 about 20 s (the demo's 1,754 fit).
CONCILIA_IMPORT_MAX_BYTES = env.int("CONCILIA_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
CONCILIA_IMPORT_MAX_UNPACKED_BYTES = env.int("CONCILIA_IMPORT_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024)
CONCILIA_IMPORT_MAX_ROWS = env.int("CONCILIA_IMPORT_MAX_ROWS", default=2000)
CONCILIA_IMPORT_MAX_COLUMNS = env.int("CONCILIA_IMPORT_MAX_COLUMNS", default=100)

# Redis (cache) and Celery: off by default so that a bare machine runs everything in-process.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
USE_CELERY = env.bool("USE_CELERY", default=False)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = not USE_CELERY
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# `celery -A concilia beat` runs the daily reminders (without Celery: `concilia send_reminders` from cron).
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "concilia.send_reminders",
        "schedule": crontab(hour=env.int("REMINDERS_HOUR", default=7), minute=0),
    },
    "apply-retention": {"task": "concilia.apply_retention", "schedule": crontab(hour=3, minute=30)},
    # Closing day of the family calls whose deadline has passed (benefits/services/closing.py).
    "close-due-calls": {"task": "concilia.close_due_calls", "schedule": crontab(minute="*/5")},
    # Places not answered in time expire and go to the next families (benefits/services/places.py).
    "expire-places": {"task": "concilia.expire_places", "schedule": crontab(minute="*/5")},
    # Vouchers past their last day expire and their value goes down the ranking (benefits/services/vouchers.py).
    "expire-vouchers": {"task": "concilia.expire_vouchers", "schedule": crontab(hour=0, minute=20)},
}

USE_SMTP = env.bool("USE_SMTP", default=False)
if USE_SMTP:
    EMAIL_CONFIG = env.email_url("EMAIL_URL")
    vars().update(EMAIL_CONFIG)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="concilia@localhost")
# Retention of personal data (days), applied every day by `concilia apply_retention` (Celery beat:
# concilia.apply_retention): past it a record's personal fields and their history are blanked, the
# record itself stays, so counts and statistics do not change. The privacy notices state these.
CONCILIA_RETENTION_DAYS = {
    # help-desk appointments: after the appointment's day
    "helpdesk_appointment": env.int("RETENTION_APPOINTMENT_DAYS", default=90),
    # help-desk cases: after the case was closed (last change of a closed case)
    "helpdesk_case": env.int("RETENTION_CASE_DAYS", default=730),
    # babysitter applications rejected or listings expired: after the last change
    "registry_babysitter": env.int("RETENTION_BABYSITTER_DAYS", default=365),
    # messages of families relayed to babysitters: after sending
    "registry_contact": env.int("RETENTION_CONTACT_DAYS", default=30),
    # survey personal codes: after the survey's closing day
    "workplace_codes": env.int("RETENTION_SURVEY_CODES_DAYS", default=90),
    # login attempts and successful logins recorded by django-axes: after the attempt
    "login_attempts": env.int("RETENTION_LOGIN_DAYS", default=90),
    # citizens' registrations whose e-mail address was never confirmed: after the registration
    "citizen_unverified": env.int("RETENTION_UNVERIFIED_DAYS", default=7),
}
# Where links in e-mails sent outside a request (reminders) point.
CONCILIA_SITE_URL = env.str("CONCILIA_SITE_URL", default="http://127.0.0.1:8000")

# Citizens' accounts (concilia/citizens). Registration with an e-mail address: the link it sends works for
# CITIZEN_VERIFICATION_HOURS. Login through OpenID Connect (USE_OIDC): SPID and CIE reach Concilia through an
# OIDC broker (a regional identity gateway, or a SPID/CIE proxy that speaks OpenID Connect), which the
# installation registers with as a client. The client's secret has no default: set it in the environment.
# OIDC_LOCAL_PROVIDER mounts a local OpenID provider at /spid-cie-demo/ with example identities, for the demo
# (`make run`) and the tests only: production.py refuses it.
CITIZEN_VERIFICATION_HOURS = env.int("CITIZEN_VERIFICATION_HOURS", default=48)
USE_OIDC = env.bool("USE_OIDC", default=False)
OIDC_LOCAL_PROVIDER = env.bool("OIDC_LOCAL_PROVIDER", default=False)
OIDC_LOCAL_PROVIDER_PATH = "/spid-cie-demo"
if OIDC_LOCAL_PROVIDER:
    INSTALLED_APPS += ["concilia.citizens.idp.apps.OIDCProviderConfig", "concilia.citizens.idp"]
    # django-oidc-provider's settings: the issuer is SITE_URL + the path it is mounted at; who the identities
    # are (subject, names, tax code) comes from concilia.citizens.idp; its own login page, not the site's.
    SITE_URL = CONCILIA_SITE_URL
    OIDC_LOGIN_URL = "citizens_idp:login"
    OIDC_IDTOKEN_SUB_GENERATOR = "concilia.citizens.idp.provider.subject"
    OIDC_USERINFO = "concilia.citizens.idp.provider.userinfo"
    OIDC_EXTRA_SCOPE_CLAIMS = "concilia.citizens.idp.provider.SpidCieClaims"
    OIDC_TEMPLATES = {"authorize": "citizens/idp/authorize.html", "error": "citizens/idp/error.html"}
if USE_OIDC:
    AUTHENTICATION_BACKENDS.append("concilia.citizens.backends.CitizenOIDCBackend")
    # The client Concilia is at the provider (no default for the secret: dev.py and test.py set the demo's).
    OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    # The provider. The local one's endpoints are paths on this same server (the back-channel requests go to
    # the address the browser used); a real provider's are full https addresses, all required.
    _local = {} if not OIDC_LOCAL_PROVIDER else {
        "issuer": CONCILIA_SITE_URL + OIDC_LOCAL_PROVIDER_PATH,
        "authorization": OIDC_LOCAL_PROVIDER_PATH + "/authorize/",
        "token": OIDC_LOCAL_PROVIDER_PATH + "/token/",
        "userinfo": OIDC_LOCAL_PROVIDER_PATH + "/userinfo/",
        "jwks": OIDC_LOCAL_PROVIDER_PATH + "/jwks/",
    }  # fmt: skip

    def _oidc(name: str, key: str) -> str:
        return env.str(name, default=_local[key]) if key in _local else env.str(name)

    OIDC_OP_ISSUER = _oidc("OIDC_OP_ISSUER", "issuer")
    OIDC_OP_AUTHORIZATION_ENDPOINT = _oidc("OIDC_OP_AUTHORIZATION_ENDPOINT", "authorization")
    OIDC_OP_TOKEN_ENDPOINT = _oidc("OIDC_OP_TOKEN_ENDPOINT", "token")
    OIDC_OP_USER_ENDPOINT = _oidc("OIDC_OP_USER_ENDPOINT", "userinfo")
    OIDC_OP_JWKS_ENDPOINT = _oidc("OIDC_OP_JWKS_ENDPOINT", "jwks")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile email")
    OIDC_USE_PKCE = True
    OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
    # Optional request parameters, e.g. the SPID level the broker must ask for ("https://www.spid.gov.it/SpidL2").
    OIDC_AUTH_REQUEST_EXTRA_PARAMS = (
        {"acr_values": env.str("OIDC_ACR_VALUES")} if env.str("OIDC_ACR_VALUES", "") else {}
    )
    OIDC_AUTHENTICATION_CALLBACK_URL = "citizens:oidc_callback"
# The claim with the tax code SPID and CIE certify ("TINIT-" and 16 characters), and whether a first login of
# a new identity with a tax code already certified for another identity joins that identity's account.
OIDC_TAX_CODE_CLAIM = env.str("OIDC_TAX_CODE_CLAIM", default="https://attributes.eid.gov.it/fiscal_number")
OIDC_LINK_BY_TAX_CODE = env.bool("OIDC_LINK_BY_TAX_CODE", default=True)
OIDC_ID_TOKEN_LEEWAY_SECONDS = 60

REST_FRAMEWORK = {
    # drf-spectacular's, plus the errors every endpoint answers and the anonymous reads (core/schema.py).
    "DEFAULT_SCHEMA_CLASS": "concilia.core.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "concilia.core.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["concilia.core.api_permissions.RegisterPermission"],
    # One error shape: a service's ValidationError is a 400 (409 when a Conflict), PermissionDenied a 403.
    "EXCEPTION_HANDLER": "concilia.core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "concilia.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Concilia API",
    "DESCRIPTION": "REST API of Concilia: territory, network register and everything built on it.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": enum_name_overrides(BASE_DIR / "concilia"),
}

DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-hover table-sm"}
JS_DEFAULT_DATE_FORMAT = "dd/MM/yyyy"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Every line goes through concilia.core.logs.RedactSecrets: the secrets some addresses carry (booking,
# survey and password reset links) never reach a log. django.server (runserver's requests) likewise.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "concilia.core.logs.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # django-axes tells of every login at INFO, with the user name: its database records suffice.
        "axes": {"level": "WARNING"},
    },
}
CONCILIA_REGIONS = env.list("CONCILIA_REGIONS", default=["03"])  # ISTAT codes; 03 = Lombardia
# The Ministry of Education's school registry read by ``concilia import_schools``: ../shared/data/mim beside the repository.
CONCILIA_MIM_DIR = Path(env.str("CONCILIA_MIM_DIR", default=str(BASE_DIR.parent / "shared" / "data" / "mim")))
# Map tiles for the catalogue's map (Leaflet). Empty: markers on a plain background, no request
# leaves the site. Pages work without the map (the list is the main view).
CONCILIA_MAP_TILES = env.str("CONCILIA_MAP_TILES", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
CONCILIA_MAP_ATTRIBUTION = env.str(
    "CONCILIA_MAP_ATTRIBUTION", default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)
FORMS_URLFIELD_ASSUME_HTTPS = True

# Security headers, the same in development, in the test suite (its browser tests fail on any
# violation: concilia.core.testing.csp) and in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
# Sessions (ASVS V7.3): a login lasts at most SESSION_HOURS (8, a working day), and a session unused
# for SESSION_IDLE_MINUTES (60) ends (concilia.core.middleware.SessionLifetimeMiddleware renews the
# expiry of a session in use every five minutes). The cookie is HttpOnly and SameSite=Lax (Django's
# defaults); Secure in production. A new session key at every login (Django's).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=60) * 60
CONCILIA_SESSION_MAX_AGE = env.int("SESSION_HOURS", default=8) * 3600
X_FRAME_OPTIONS = "DENY"
# Other sites learn the origin only, never the page (which may hold a search). Not "same-origin":
# the map's tile server (OpenStreetMap's usage policy) refuses requests without a Referer.
SECURE_REFERRER_POLICY = env.str("SECURE_REFERRER_POLICY", default="strict-origin-when-cross-origin")
# Permissions-Policy (concilia.core.middleware): browser features no page uses, refused to every frame.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "geolocation",
        "gyroscope", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip


def _sha256_source(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


# The theme's base template holds two inline scripts outside any block, so they cannot carry the
# nonce: the policy allows exactly their text, by hash (a test checks every inline script of a page
# against the policy, and fails with the text to hash if an upgrade of the theme changes them).
THEME_INLINE_SCRIPTS = (
    f'window.__PUBLIC_PATH__ = "/{STATIC_URL}fonts"',
    "\n            bootstrap.loadFonts('/bootstrap-italia/dist/fonts');\n        ",
)


def _tile_sources(template: str) -> list[str]:
    """The tile server's origin for img-src (Leaflet's ``{s}`` subdomain as a wildcard); none if same-site."""
    parts = urlsplit(template.replace("{s}", "*"))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


# Content-Security-Policy (django-csp). Scripts: our own files, or inline code carrying the request's
# nonce (``{{ request.csp_nonce }}``); no inline event handler, no eval. Styles may be inline: Bootstrap
# Italia's bundle writes <style> elements and style attributes at run time (its font loader, the
# autocomplete, the video player), which no nonce can reach; a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *(_sha256_source(script) for script in THEME_INLINE_SCRIPTS)],
        "style-src": [SELF, "'unsafe-inline'"],
        # data: for the icons and the icon font Bootstrap Italia's stylesheet embeds; the map's tile server.
        "img-src": [SELF, "data:", *_tile_sources(CONCILIA_MAP_TILES)],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
