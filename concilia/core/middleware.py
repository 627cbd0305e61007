"""Middleware of every page: the chosen language, and the Permissions-Policy header.

Italian by default: the language is the one the user chose (the switch sets a cookie), else Italian.
Django's ``LocaleMiddleware`` would follow the browser's Accept-Language, so a visitor with an English
browser would never see the Italian interface this public service speaks by default.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
