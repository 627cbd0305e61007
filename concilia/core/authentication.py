"""HTTP Basic on the API, with the login lockout's answer: 429 and the reason, as on the login page."""

from __future__ import annotations

from typing import Any

from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.authentication import BasicScheme as SpectacularBasicScheme
from rest_framework import authentication, exceptions, status


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


class BasicAuthentication(authentication.BasicAuthentication):
    def authenticate_credentials(self, userid: str, password: str, request: Any = None) -> Any:
        try:
            return super().authenticate_credentials(userid, password, request)
        except (exceptions.AuthenticationFailed, AxesBackendPermissionDenied):
            # Django's authenticate() swallows the lockout backend's refusal; django-axes marks the request.
            if not getattr(request, "axes_locked_out", False):
                raise
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            raise LockedOut(
                _("Too many failed logins: this user name is blocked from your address for %(minutes)d minutes.")
                % {"minutes": minutes}
            ) from None


class BasicScheme(SpectacularBasicScheme):
    """The OpenAPI schema's ``basicAuth`` for this subclass (drf-spectacular matches the exact class only)."""

    target_class = "concilia.core.authentication.BasicAuthentication"
