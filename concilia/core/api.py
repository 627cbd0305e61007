"""REST API bases: one viewset per register, restricted by the same policies as the pages."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from concilia.core.api_permissions import RegisterPermission
from concilia.core.permissions import restrict
from concilia.core.registry import Register, writer_for
from concilia.core.workflow import Conflict

__all__ = [
    "Conflict",
    "Empty",
    "ObjectSerializer",
    "ObjectViewSet",
    "RegisterPermission",
    "WorkflowEndpoint",
    "exception_handler",
    "not_found",
    "read_only_viewset",
]


def _as_drf(exc: DjangoValidationError) -> exceptions.APIException:
    """A service's ``ValidationError`` as DRF's: field → messages, the rest under ``non_field_errors``."""
    key = api_settings.NON_FIELD_ERRORS_KEY
    if hasattr(exc, "error_dict"):
        detail: Any = {
            (key if field == NON_FIELD_ERRORS else field): [str(m) for e in errors for m in e.messages]
            for field, errors in exc.error_dict.items()
        }
    else:
        detail = {key: [str(m) for m in exc.messages]}
    if isinstance(exc, Conflict):
        conflict = exceptions.APIException(detail)
        conflict.status_code = status.HTTP_409_CONFLICT
        return conflict
    return exceptions.ValidationError(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The API's one error shape, whatever raised it (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

    A service refuses with Django's ``ValidationError`` (400, or 409 for a :class:`Conflict`) and
    ``PermissionDenied`` (403, with the service's message in the caller's language): endpoints let
    them through instead of converting them one by one. DRF's own errors keep DRF's shape.
    """
    if isinstance(exc, DjangoValidationError):
        exc = _as_drf(exc)
    elif isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, models.ProtectedError):
        exc = exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: [_("This record cannot be deleted because other records refer to it.")]}
        )
    return drf_exception_handler(exc, context)


class ObjectSerializer(serializers.ModelSerializer):
    """Saves through the register's writer (``core/writers.py``): the same rule as the pages and the import."""

    url = serializers.SerializerMethodField()

    def get_url(self, obj: models.Model) -> str | None:
        from concilia.core.registry import detail_url

        path = detail_url(obj)
        request = self.context.get("request")
        return request.build_absolute_uri(path) if path and request else path

    def _save(self, instance: models.Model, validated_data: dict[str, Any]) -> models.Model:
        m2m = {}
        for f in instance._meta.many_to_many:
            if f.name in validated_data:
                m2m[f.name] = validated_data.pop(f.name)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return writer_for(type(instance)).save(instance=instance, by=self.context["request"].user, m2m=m2m)

    def create(self, validated_data: dict[str, Any]) -> models.Model:
        model: Any = self.Meta.model
        return self._save(model(), validated_data)

    def update(self, instance: models.Model, validated_data: dict[str, Any]) -> models.Model:
        return self._save(instance, validated_data)


class ObjectViewSet(viewsets.ModelViewSet):
    """CRUD for one register; list filters come from the register's FilterSet."""

    register: Register

    def get_queryset(self) -> models.QuerySet:
        return restrict(self.register.queryset(), self.request.user, "view")

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return self.register.serializer

    @property
    def filterset_class(self) -> Any:  # type: ignore[override]
        return self.register.filterset

    def perform_destroy(self, instance: models.Model) -> None:
        self.register.writer.delete(instance=instance, by=self.request.user)


def read_only_viewset(reg: Register) -> type:
    """A viewset that only reads: records written by a workflow, never through the API's CRUD."""
    return type(
        f"{reg.model.__name__}ViewSet",
        (ObjectViewSet,),
        {"register": reg, "__doc__": reg.model.__doc__, "http_method_names": ["get", "head", "options"]},
    )


class Empty(serializers.Serializer):
    """A step with nothing to send: the POST itself is the request."""


class WorkflowEndpoint(APIView, metaclass=ABCMeta):
    """POST one workflow step on one object the caller may see (else 404).

    The input is validated by ``input``; the step calls one service, which decides who may do it (403)
    and what the rules allow (400 or 409, in the caller's language, through :func:`exception_handler`).
    """

    permission_classes = [permissions.IsAuthenticated]
    model: ClassVar[type[models.Model]]
    input: ClassVar[type[serializers.Serializer]] = Empty

    def get_object(self, request: Request, pk: int) -> Any:
        return get_object_or_404(restrict(self.model._default_manager.all(), request.user, "view"), pk=pk)

    @abstractmethod
    def perform(self, obj: Any, data: dict[str, Any], request: Request) -> dict[str, Any]:
        """Do the step on ``obj``; return the response's data."""

    def post(self, request: Request, pk: int) -> Response:
        obj = self.get_object(request, pk)
        given = self.input(data=request.data)
        given.is_valid(raise_exception=True)
        return Response(self.perform(obj, dict(given.validated_data), request))


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other address under ``/api/`` (an id that is not a number, a mistyped route): the API's 404, in JSON."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
