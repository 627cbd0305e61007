"""Endpoints of the help desks beside the registers' CRUD routes.

Public: a desk's free slots, booking a slot, cancelling with the booking's token. For who may see
them: a desk's statistics; for the desk's operators: an appointment's outcome. Each calls the same
selector or service as the pages; errors come back as 400 with the messages in the caller's language.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from concilia.core.permissions import can, restrict
from concilia.core.throttling import api_throttle
from concilia.helpdesk import selectors, services
from concilia.helpdesk.api import serializers as s
from concilia.helpdesk.forms import StatisticsForm
from concilia.helpdesk.models import Appointment, Desk


def _published_desk(pk: int) -> Desk:
    return get_object_or_404(Desk.objects.filter(is_published=True), pk=pk)


# At most a few bookings a minute from one address (the booking page is open to everybody).
BookingThrottle = api_throttle("booking")


class SlotsEndpoint(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=s.SlotSerializer(many=True), summary="Free appointment slots of a desk")
    def get(self, request: Request, pk: int) -> Response:
        desk = _published_desk(pk)
        return Response(s.SlotSerializer(selectors.free_slots(desk), many=True).data)


class BookEndpoint(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [BookingThrottle]

    @extend_schema(request=s.BookingInput, responses={201: s.BookingOutput}, summary="Book a free slot")
    def post(self, request: Request, pk: int) -> Response:
        desk = _published_desk(pk)
        data = s.BookingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("privacy")
        appointment = services.appointment_book(desk=desk, base_url=request.build_absolute_uri("/"), **values)
        return Response(s.BookingOutput(appointment).data, status=status.HTTP_201_CREATED)


class CancelEndpoint(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=s.CancelInput, responses=s.BookingOutput, summary="Cancel a booking by its token")
    def post(self, request: Request) -> Response:
        data = s.CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = services.appointment_cancel(
            token=data.validated_data["token"], base_url=request.build_absolute_uri("/")
        )
        return Response(s.BookingOutput(appointment).data)


class StatisticsEndpoint(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Figures of a desk for a period (?from=&to=)", responses=dict)
    def get(self, request: Request, pk: int) -> Response:
        desk = get_object_or_404(restrict(Desk.objects.all(), request.user, "view"), pk=pk)
        if not can(request.user, "statistics", desk):
            raise exceptions.PermissionDenied
        form = StatisticsForm(request.query_params or None)
        if form.is_bound and not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        start, end = form.period()
        stats = selectors.desk_statistics(desk=desk, start=start, end=end)
        payload: dict[str, Any] = {
            "desk": desk.pk,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "cases": stats.cases,
            "anonymous_cases": stats.anonymous,
        }
        for key, _title, figures in stats.sections():
            payload[f"by_{key}"] = [{"label": label, "count": n} for label, n in figures]
        return Response(payload)


class AppointmentStatusEndpoint(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.StatusInput, responses=s.AppointmentSerializer, summary="Record an appointment's outcome")
    def post(self, request: Request, pk: int) -> Response:
        appointment = get_object_or_404(restrict(Appointment.objects.all(), request.user, "view"), pk=pk)
        data = s.StatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = services.appointment_set_status(
            appointment=appointment, status=data.validated_data["status"], by=request.user
        )
        return Response(s.AppointmentSerializer(appointment, context={"request": request}).data)
