"""What a locked-out login gets (django-axes calls :func:`lockout_response`): a page, or JSON on the API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        message = _("Too many failed logins: this user name is blocked from your address for %(minutes)d minutes.")
        response: HttpResponse = JsonResponse({"detail": message % {"minutes": minutes}}, status=429)
    else:
        context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
        response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
