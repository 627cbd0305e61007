"""Endpoints of the registry beside the registers' CRUD routes.

``search/`` and ``babysitters/<id>/public/`` give anybody the public fields of listed babysitters only;
``babysitters/<id>/contact/`` relays a family's message as the profile page does; the workflow
endpoints are the operator's (they call the same services as the pages).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from concilia.core import clock
from concilia.core.api import WorkflowEndpoint
from concilia.core.throttling import api_throttle
from concilia.registry import selectors, services
from concilia.registry.api.serializers import (
    FamilyMessageSerializer,
    NoteSerializer,
    PublicBabysitterSerializer,
    ReasonSerializer,
)
from concilia.registry.models import Babysitter
from concilia.services.models import VoucherScheme
from concilia.territory.models import Municipality


class SearchEndpoint(APIView):
    """Listed babysitters, public fields only. Filters: municipality (id), weekday (0=Monday), from, to (HH:MM), language, voucher (id)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("municipality", int),
            OpenApiParameter("weekday", int),
            OpenApiParameter("from", str),
            OpenApiParameter("to", str),
            OpenApiParameter("language", str),
            OpenApiParameter("voucher", int),
        ],
        responses={200: PublicBabysitterSerializer(many=True)},
        tags=["babysitter registry"],
    )
    def get(self, request: Request) -> Response:
        p = request.query_params
        errors: dict[str, str] = {}

        def number(name: str) -> int | None:
            value = p.get(name, "")
            if value == "":
                return None
            if not value.isdigit():
                errors[name] = "not a number"
                return None
            return int(value)

        def time(name: str) -> Any:
            import datetime as dt

            value = p.get(name, "")
            if not value:
                return None
            try:
                return dt.time.fromisoformat(value)
            except ValueError:
                errors[name] = "not a time (HH:MM)"
                return None

        mun_id, weekday, voucher_id = number("municipality"), number("weekday"), number("voucher")
        start, end = time("from"), time("to")
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        today = clock.today()
        qs = selectors.public_babysitters(
            today=today,
            municipality=Municipality.objects.filter(pk=mun_id).first() if mun_id else None,
            weekday=weekday,
            start=start,
            end=end,
            language=(p.get("language") or "")[:5].lower() if (p.get("language") or "").isalpha() else "",
            voucher=VoucherScheme.objects.filter(pk=voucher_id).first() if voucher_id else None,
        )
        if mun_id and not Municipality.objects.filter(pk=mun_id).exists():
            qs = qs.none()
        data = [selectors.public_profile(b, today=today).as_dict() for b in qs[:200]]
        return Response(PublicBabysitterSerializer(data, many=True).data)


class PublicProfileEndpoint(APIView):
    """One listed babysitter's public fields (404 for anybody not listed)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: PublicBabysitterSerializer}, tags=["babysitter registry"])
    def get(self, request: Request, pk: int) -> Response:
        b = get_object_or_404(Babysitter.objects.public(), pk=pk)
        return Response(PublicBabysitterSerializer(selectors.public_profile(b).as_dict()).data)


ContactThrottle = api_throttle("relay")


class ContactEndpoint(APIView):
    """A family writes to a listed babysitter; the platform relays the message by e-mail."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [ContactThrottle]

    @extend_schema(request=FamilyMessageSerializer, responses={202: dict}, tags=["babysitter registry"])
    def post(self, request: Request, pk: int) -> Response:
        b = get_object_or_404(Babysitter.objects.public(), pk=pk)
        given = FamilyMessageSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        if data.get("website"):
            return Response({"sent": True}, status=status.HTTP_202_ACCEPTED)
        services.contact_relay(
            babysitter=b,
            family_name=data["family_name"],
            family_email=data["family_email"],
            family_phone=data.get("family_phone", ""),
            message=data["message"],
        )
        return Response({"sent": True}, status=status.HTTP_202_ACCEPTED)


def _state(b: Babysitter) -> dict[str, Any]:
    return {
        "id": b.pk,
        "status": b.status,
        "listed_on": b.listed_on.isoformat() if b.listed_on else None,
        "expires_on": b.expires_on.isoformat() if b.expires_on else None,
    }


class _Step(WorkflowEndpoint):
    model = Babysitter
    input: ClassVar[type[serializers.Serializer]] = NoteSerializer


@extend_schema(request=NoteSerializer, responses={200: dict}, tags=["babysitter registry"])
class ListEndpoint(_Step):
    """Verify the application and list the babysitter for the registry's validity."""

    def perform(self, obj: Babysitter, data: dict[str, Any], request: Request) -> dict[str, Any]:
        return _state(services.babysitter_list(babysitter=obj, by=request.user, note=data.get("note", "")))


@extend_schema(request=ReasonSerializer, responses={200: dict}, tags=["babysitter registry"])
class RejectEndpoint(_Step):
    """Reject the application with a reason (e-mailed to the applicant)."""

    input = ReasonSerializer

    def perform(self, obj: Babysitter, data: dict[str, Any], request: Request) -> dict[str, Any]:
        return _state(services.babysitter_reject(babysitter=obj, by=request.user, reason=data["reason"]))


@extend_schema(request=ReasonSerializer, responses={200: dict}, tags=["babysitter registry"])
class SuspendEndpoint(_Step):
    """Suspend a listed babysitter with a reason (hidden from families)."""

    input = ReasonSerializer

    def perform(self, obj: Babysitter, data: dict[str, Any], request: Request) -> dict[str, Any]:
        return _state(services.babysitter_suspend(babysitter=obj, by=request.user, reason=data["reason"]))


@extend_schema(request=NoteSerializer, responses={200: dict}, tags=["babysitter registry"])
class ReinstateEndpoint(_Step):
    """Reinstate a suspended babysitter."""

    def perform(self, obj: Babysitter, data: dict[str, Any], request: Request) -> dict[str, Any]:
        return _state(services.babysitter_reinstate(babysitter=obj, by=request.user, note=data.get("note", "")))


@extend_schema(request=NoteSerializer, responses={200: dict}, tags=["babysitter registry"])
class RenewEndpoint(_Step):
    """Renew the listing for another validity period."""

    def perform(self, obj: Babysitter, data: dict[str, Any], request: Request) -> dict[str, Any]:
        return _state(services.babysitter_renew(babysitter=obj, by=request.user, note=data.get("note", "")))
