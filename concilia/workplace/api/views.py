"""Endpoints beside the registers: a survey's results (with the threshold) and the anonymous answer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from concilia.core.permissions import restrict
from concilia.workplace import selectors, services
from concilia.workplace.models import Survey


class SurveyResultsEndpoint(APIView):
    """Aggregated results of a survey for ``?organisation=``, ``?alliance=`` or ``?network=`` (whole survey by default).

    Below 5 responses only the count and the reason are returned, never a figure.
    """

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Aggregated results of a survey (nothing below 5 responses)",
        parameters=[
            OpenApiParameter(name, OpenApiTypes.STR, description=text)
            for name, text in (
                ("organisation", "id of an invited organisation"),
                ("alliance", "id of an alliance"),
                ("network", "id of a network"),
                ("filter_question", "code of a question to filter the responses by"),
                ("filter_value", "the answer to keep"),
            )
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, pk: int) -> Response:
        survey = get_object_or_404(restrict(Survey.objects.all(), request.user, "view"), pk=pk)
        scope = selectors.scope_from(request.query_params)
        if not selectors.may_see_results(request.user, survey, scope):
            raise exceptions.PermissionDenied()
        results = selectors.survey_results(
            survey=survey,
            scope=scope,
            filter_question=request.query_params.get("filter_question", ""),
            filter_value=request.query_params.get("filter_value", ""),
        )
        return Response(results.as_dict())


class AnswerEndpoint(APIView):
    """Submit one anonymous response through an invitation token: ``{"<question code>": value, ...}``.

    A multiple-choice answer is a list of option codes. Nothing about the sender is recorded.
    """

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Answer a survey anonymously through an invitation link",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, token: str) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        try:
            services.response_submit(token=token, data=data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                detail = {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
            else:
                detail = {"non_field_errors": exc.messages}
            raise exceptions.ValidationError(detail) from exc
        return Response({"detail": "ok"}, status=status.HTTP_201_CREATED)
