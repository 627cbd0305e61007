"""Italian by default: the language is the one the user chose (the switch sets a cookie), else Italian.

Django's ``LocaleMiddleware`` would follow the browser's Accept-Language, so a visitor with an English
browser would never see the Italian interface this public service speaks by default.
"""

from __future__ import annotations

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
