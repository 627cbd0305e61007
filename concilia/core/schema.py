"""The OpenAPI schema's account of every endpoint: who may call it, what it answers, which errors.

drf-spectacular describes the success of an operation and reads the security of an endpoint from the
permission classes it knows. What it cannot see:

- :class:`~concilia.core.api_permissions.RegisterPermission` lets anyone *read* (the queryset shows each
  user what they may see, anonymous visitors the public records): reads need no authentication.
- A time of day has no UTC offset, which JSON Schema's ``format: time`` requires.
- The errors every endpoint can answer, in DRF's two shapes: ``{"detail": "..."}`` (403 refused; 404
  not found, or a page past the last; 429 too many requests, or too many failed logins) and
  ``{"field": ["message", ...]}`` (400 invalid input; ``non_field_errors`` for the record as a whole).

The fuzzing test (``core/tests/test_api_fuzz.py``) holds every answer of the API to this schema.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import SAFE_METHODS

from concilia.core.api_permissions import RegisterPermission

ERROR_DETAIL = {
    "type": "object",
    "description": "An error with its reason.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERRORS = {
    "type": "object",
    "description": (
        "The input refused: each field with its messages (non_field_errors for the record as a whole), "
        "or detail for a request that could not be read."
    ),
    "additionalProperties": {},
}


#: A time of day as DRF writes and reads it ("09:00:00", "09:00"): no UTC offset. JSON Schema's
#: ``format: time`` is RFC 3339's full-time, which requires one ("09:00:00+01:00").
TIME_OF_DAY = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"}


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if schema.get("format") == "time":
            schema = {key: value for key, value in schema.items() if key != "format"} | TIME_OF_DAY
        return schema

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        if (
            self.method in SAFE_METHODS
            and {} not in auths
            and any(isinstance(p, RegisterPermission) for p in self.view.get_permissions())
        ):
            auths.append({})
        return auths

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        errors: dict[str, tuple[Any, dict[str, Any]]] = {}
        reads_input = "requestBody" in operation or any(p.get("in") == "query" for p in parameters)
        if reads_input or self.method not in SAFE_METHODS:
            errors["400"] = (_("Invalid input."), self._error_component("ValidationErrors", VALIDATION_ERRORS))
        detail = self._error_component("ErrorDetail", ERROR_DETAIL)
        errors["403"] = (_("Not authenticated, or not allowed."), detail)
        # A record that is not there, or a page beyond the last one (DRF's pagination answers 404).
        if any(p.get("in") == "path" or (p.get("in") == "query" and p.get("name") == "page") for p in parameters):
            errors["404"] = (_("Not found, or not visible to this user."), detail)
        errors["429"] = (_("Too many requests, or too many failed logins."), detail)
        responses = operation.setdefault("responses", {})
        for code, (description, ref) in errors.items():
            responses.setdefault(code, {"description": description, "content": {"application/json": {"schema": ref}}})
        return operation

    def _error_component(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref
