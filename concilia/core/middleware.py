"""Middleware of every page: the chosen language, the Permissions-Policy header, the session's lifetime.

Italian by default: the language is the one the user chose (the switch sets a cookie), else Italian.
Django's ``LocaleMiddleware`` would follow the browser's Accept-Language, so a visitor with an English
browser would never see the Italian interface this public service speaks by default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from concilia.core import clock

LOGIN_AT = "concilia_login_at"
"""The session key of the login's instant (ISO 8601), set at login by :func:`stamp_login`."""
SEEN_AT = "concilia_seen_at"
"""The session key of the last time the session's expiry was renewed (ISO 8601)."""
RENEW_EVERY = 300
"""Seconds between two renewals of a session's idle expiry: one write per five minutes, not per request."""


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """Declare the page's real language: the theme's base template hard-codes ``lang="it"``."""
        response = super().process_response(request, response)
        language = translation.get_language() or settings.LANGUAGE_CODE
        if (
            language != "it"
            and isinstance(response, HttpResponse)
            and response.get("Content-Type", "").startswith("text/html")
            and b'<html lang="it">' in response.content[:2000]
        ):
            response.content = response.content.replace(b'<html lang="it">', f'<html lang="{language}">'.encode(), 1)
        return response


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY`` (feature → allowed origins).

    An empty list refuses the feature to the page and to every frame in it (``camera=()``); ``"self"``
    allows the site itself. The header is built once, when the server starts.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response


def permissions_policy(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "geolocation": ["self"]}`` → ``camera=(), geolocation=(self)`` (structured header)."""

    def origin(value: str) -> str:
        return value if value in ("self", "*") else f'"{value}"'

    return ", ".join(
        f"{feature}=*" if "*" in allowed else f"{feature}=({' '.join(origin(v) for v in allowed)})"
        for feature, allowed in policy.items()
    )


def stamp_login(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """``user_logged_in`` receiver: note in the session when the login happened."""
    if hasattr(request, "session"):
        request.session[LOGIN_AT] = clock.now().isoformat()


class SessionLifetimeMiddleware:
    """A login ends after ``SESSION_COOKIE_AGE`` seconds unused (ASVS 7.3.1) and
    ``settings.CONCILIA_SESSION_MAX_AGE`` seconds after it began, however active (ASVS 7.3.2).

    Idle: the session's expiry (``SESSION_COOKIE_AGE`` after its last save, in the session store and
    the cookie) is renewed by saving the session again, at most every :data:`RENEW_EVERY` seconds, so
    a session unused for the idle limit has expired wherever it is read. Absolute: past the maximum
    the user is logged out (the session flushed) and the page goes on as for a visitor, which sends a
    private page to the login form, with a message saying why. A session without the stamp (a login
    from before this middleware) gets one now. Time is read from the project's clock.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = clock.now()
            session = request.session
            started = _instant(session.get(LOGIN_AT))
            if started is None:
                session[LOGIN_AT] = now.isoformat()
            elif (now - started).total_seconds() > settings.CONCILIA_SESSION_MAX_AGE:
                logout(request)
                messages.info(request, _("Your session has ended, as it does after some hours: sign in again."))
                return self.get_response(request)
            seen = _instant(session.get(SEEN_AT))
            if seen is None or not 0 <= (now - seen).total_seconds() < RENEW_EVERY:
                session[SEEN_AT] = now.isoformat()
        return self.get_response(request)


def _instant(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
