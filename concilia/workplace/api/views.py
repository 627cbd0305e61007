"""Endpoints beside the registers: a survey's results (with the threshold), the anonymous answer through
a personal link, and the issue of personal links."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from concilia.core.permissions import restrict
from concilia.core.throttling import api_throttle
from concilia.workplace import selectors, services
from concilia.workplace.models import Invitation, Survey
from concilia.workplace.views import personal_links_download


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
    """Submit one anonymous response through a personal link: ``{"<question code>": value, ...}``.

    ``answer/<invitation token>/<personal code>/``: the code is used up by the response (a second
    answer with it is refused with 409). The invitation link alone (``answer/<token>/``) accepts no
    answer. A multiple-choice answer is a list of option codes. Nothing about the sender is recorded.
    """

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [api_throttle("survey")]

    @extend_schema(
        operation_id="workplace_answer_create",
        summary="Answer a survey anonymously through a personal link (one answer per personal code)",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: None, 409: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, token: str, code: str = "") -> Response:
        if not code:
            services.invitation_for_answer(token)  # 404 for an unknown link
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Answers are accepted only through a personal link.")]}
            )
        data = request.data if isinstance(request.data, dict) else {}
        services.response_submit(token=token, code=code, data=data)
        return Response({"detail": "ok"}, status=status.HTTP_201_CREATED)


class LinkAnswerEndpoint(AnswerEndpoint):
    """``answer/<invitation token>/``: the invitation link alone accepts no answer (400; 404 if unknown)."""

    @extend_schema(
        operation_id="workplace_answer_without_code",
        summary="Refused: an answer needs a personal code (answer/<token>/<code>/)",
        request=OpenApiTypes.OBJECT,
        responses={400: OpenApiTypes.OBJECT, 404: None},
    )
    def post(self, request: Request, token: str, code: str = "") -> Response:
        return super().post(request, token)


class PersonalLinksEndpoint(APIView):
    """Issue a batch of personal links of an invitation: ``{"count": 1-500, "format": "json"|"csv"|"xlsx"}``.

    The codes are returned only now (JSON, or the same file as the page's download); only their
    digests are kept. Allowed to the invited organisation's users and the survey's managers.
    """

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Issue personal links of an invitation (shown only in this answer)",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 403: None, 404: None},
    )
    def post(self, request: Request, pk: int) -> HttpResponse:
        invitation = get_object_or_404(restrict(Invitation.objects.all(), request.user, "view"), pk=pk)
        data = request.data if isinstance(request.data, dict) else {}
        fmt = data.get("format", "json")
        if fmt not in ("json", "csv", "xlsx"):
            raise exceptions.ValidationError({"format": [_("Choose json, csv or xlsx.")]})
        codes = services.respondent_tokens_issue(invitation=invitation, count=data.get("count"), by=request.user)
        if fmt != "json":
            return personal_links_download(request, invitation, codes, fmt)
        rows = selectors.personal_links_table(invitation, codes, request.build_absolute_uri)
        links = [{"code": code, "link": link} for _n, code, link in rows]
        return Response({"count": len(links), "links": links}, status=status.HTTP_201_CREATED)
