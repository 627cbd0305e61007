"""The default REST permission (kept apart from ``core.api`` so DRF settings can import it early)."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from concilia.core.permissions import can


class RegisterPermission(BasePermission):
    """Reading follows the queryset restriction; writing needs the policy's add/change/delete."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        model = getattr(getattr(view, "register", None), "model", None)
        if request.method == "POST" and model is not None and getattr(view, "action", None) == "create":
            return can(request.user, "add", model)
        return True

    def has_object_permission(self, request: Request, view: Any, obj: models.Model) -> bool:
        if request.method in SAFE_METHODS:
            return True
        action = "delete" if request.method == "DELETE" else "change"
        return can(request.user, action, obj)
