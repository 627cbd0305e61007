"""Production settings: ``concilia check --deploy --fail-level WARNING`` passes with them.

Every value comes from the environment. Secrets (``SECRET_KEY``, the passwords in ``DATABASE_URL``,
``EMAIL_URL``) and ``ALLOWED_HOSTS`` have no default: the server refuses to start without them. The
security switches default to the strict choice; an installation relaxes one only on purpose (e.g.
``SECURE_SSL_REDIRECT=false`` where the proxy already redirects). The static files are served by
whitenoise from ``STATIC_ROOT``, filled by ``concilia collectstatic``; the security headers common to
every environment (Content-Security-Policy, Referrer-Policy, Permissions-Policy) are in ``base``.
"""

from django.core.exceptions import ImproperlyConfigured

from concilia.settings.base import *  # noqa: F403
from concilia.settings.base import env

# Never from the environment: Django's debug pages list every URL pattern and the settings.
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# HTTPS only. Behind a proxy (nginx, a load balancer) that terminates TLS and sets X-Forwarded-Proto:
# the header Django trusts to know the request was secure. The proxy must overwrite the header sent by
# the client; set SECURE_PROXY_SSL_HEADER to an empty value where no proxy does.
_proxy_header = env.list("SECURE_PROXY_SSL_HEADER", default=["HTTP_X_FORWARDED_PROTO", "https"])
SECURE_PROXY_SSL_HEADER = (_proxy_header[0], _proxy_header[1]) if len(_proxy_header) == 2 else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Paths answered over plain HTTP as well (regular expressions, e.g. a load balancer's health check).
SECURE_REDIRECT_EXEMPT = env.list("SECURE_REDIRECT_EXEMPT", default=[])
# HTTP Strict Transport Security: once a browser has seen the site over HTTPS it never uses HTTP for a
# year. Lower SECURE_HSTS_SECONDS (e.g. 3600) while trying HTTPS out on a new host.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)

# E-mail through a mail server, always: the console backend of development would print password reset
# links and personal codes into the server's log. EMAIL_URL (smtp://user:password@host:587 or
# smtps://…:465) has no default.
vars().update(env.email_url("EMAIL_URL"))
if not EMAIL_BACKEND.endswith("smtp.EmailBackend"):  # noqa: F405 - set by the line above
    raise ImproperlyConfigured("EMAIL_URL must name a mail server (smtp:// or smtps://): mails are never printed.")
# The local OpenID provider signs in whoever types an example identity's password: demo and tests only.
if env.bool("OIDC_LOCAL_PROVIDER", default=False):
    raise ImproperlyConfigured("OIDC_LOCAL_PROVIDER is for the demo and the tests: use the SPID/CIE broker (USE_OIDC).")
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)

# Silenced checks, each for its reason:
# - security.W021 (SECURE_HSTS_PRELOAD not set): the preload list is kept by the browsers for a whole
#   registrable domain (the public body's), and being taken off it takes months. Only that domain's
#   owner can decide to join it, after submitting the domain at hstspreload.org; then they set
#   SECURE_HSTS_PRELOAD=true, and the check has nothing left to warn about.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (cached for ever by browsers) and gzip copies, written by `concilia collectstatic`:
    # whitenoise's CompressedManifestStaticFilesStorage, told about the theme's links to non-files.
    "staticfiles": {"BACKEND": "concilia.core.storage.StaticFilesStorage"},
}
# Static files come from STATIC_ROOT alone, as collected: not looked up in the apps at each start.
WHITENOISE_USE_FINDERS = False
# Compressed: collectstatic writes a brotli (the `brotli` package, whitenoise[brotli]) and a gzip copy of
# each text file, and whitenoise sends the smallest one the browser accepts (Bootstrap Italia's 1 MB of
# JavaScript travels as 230 KB). Cached: the names with a hash (every file a template links) are cached
# for ever ("max-age=315360000, public, immutable"); the few asked for by their plain names (the theme's
# fonts, which Bootstrap Italia's loader names itself) for STATIC_MAX_AGE seconds, a day by default.
WHITENOISE_MAX_AGE = env.int("STATIC_MAX_AGE", default=86_400)
