"""REST API bases: one viewset per register, restricted by the same policies as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, viewsets

from concilia.core.api_permissions import RegisterPermission
from concilia.core.permissions import restrict
from concilia.core.registry import Register, writer_for

__all__ = ["ObjectSerializer", "ObjectViewSet", "RegisterPermission", "not_found"]


def _drf_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        )
    return exceptions.ValidationError({"non_field_errors": exc.messages})


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
        try:
            return writer_for(type(instance)).save(instance=instance, by=self.context["request"].user, m2m=m2m)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc

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
        try:
            self.register.writer.delete(instance=instance, by=self.request.user)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        except models.ProtectedError as exc:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("This record cannot be deleted because other records refer to it.")]}
            ) from exc


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other address under ``/api/`` (an id that is not a number, a mistyped route): the API's 404, in JSON."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
