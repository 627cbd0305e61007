"""The families' side over the REST API: the household, the open calls, applying, the place in a ranking.

Every endpoint needs a signed-in user and reaches what the pages reach: the caller's own household, and the
applications of :func:`~concilia.benefits.apply_views.visible_applications` (the household's own, and those
the caller filed as a help-desk operator); any other application answers 404, whoever asks. Each step calls
the same service as the page, with ``by=request.user``; the services' refusals become 400/403/409 in the
caller's language through the API's one exception handler.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from concilia.allocation.explain import record_text
from concilia.benefits import selectors, services
from concilia.benefits.api import serializers as s
from concilia.benefits.apply_views import open_family_calls, visible_applications
from concilia.benefits.models import Application, ApplicationChild, Preference
from concilia.core.api import Conflict, WorkflowEndpoint
from concilia.core.schema import ERROR_DETAIL
from concilia.programming.models import CallOffer

TAGS = ["families"]


def _applications(user: Any) -> QuerySet[Application]:
    """The applications ``user`` may open, with what their summary shows."""
    return visible_applications(user).prefetch_related(
        Prefetch("children", queryset=ApplicationChild.objects.select_related("child")),
        Prefetch("preferences", queryset=Preference.objects.select_related("offer__service")),
        "versions",
        "attachments",
    )


def _detail(request: Request, pk: int) -> dict[str, Any]:
    application = get_object_or_404(_applications(request.user), pk=pk)
    return dict(s.ApplicationDetailSerializer(application, context={"request": request}).data)


class HouseholdEndpoint(APIView):
    """The caller's own household: adults, children, elderly dependants, ISEE and consents."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={
            200: s.HouseholdSerializer,
            404: OpenApiResponse(ERROR_DETAIL, description="The account has no household yet."),
        },
        summary="The family's own household",
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        household = selectors.household_of(request.user)
        if household is None:
            raise exceptions.NotFound(_("Create your household first."))
        return Response(s.HouseholdSerializer(household).data)


@extend_schema(summary="The calls for families open now", tags=TAGS)
class CallsEndpoint(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.FamilyCallSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Any]:
        return (
            open_family_calls()
            .select_related("publisher", "family_terms")
            .prefetch_related(
                Prefetch(
                    "call_offers",
                    queryset=CallOffer.objects.select_related("offer__service").order_by("offer__service__name", "pk"),
                )
            )
        )


class ApplicationsEndpoint(generics.ListAPIView):
    """The caller's applications (its household's, and those it filed for a family); a new one."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.ApplicationSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Application]:
        return visible_applications(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(summary="The caller's applications", tags=TAGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.StartInput,
        responses={201: s.ApplicationDetailSerializer},
        summary="Start an application to a family call (asked again: the same application)",
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        given = s.StartInput(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data = given.validated_data
        application = services.application_start(
            call=data["call"], household=data["household"], child=data["child"], by=request.user
        )
        if not visible_applications(request.user).filter(pk=application.pk).exists():
            # The household had applied already, not through this operator: its application stays the family's.
            raise Conflict(
                _("There is already an application for this child to this call.")
                if application.child_id
                else _("Your household has already applied to this call.")
            )
        return Response(_detail(request, application.pk), status=status.HTTP_201_CREATED)


class ApplicationEndpoint(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=s.ApplicationDetailSerializer, summary="An application and what still stops it", tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(request, pk))


class ApplicationStep(WorkflowEndpoint):
    """A step on an application the caller may open (else 404); the answer is the application as it is now."""

    model = Application

    def get_object(self, request: Request, pk: int) -> Application:
        return get_object_or_404(visible_applications(request.user), pk=pk)


@extend_schema(request=s.ChildrenInput, responses=s.ApplicationDetailSerializer, tags=TAGS)
class ChildrenEndpoint(ApplicationStep):
    """Choose the children the application is for, with the weeks of care of each."""

    input = s.ChildrenInput

    def perform(self, obj: Application, data: dict[str, Any], request: Request) -> dict[str, Any]:
        weeks = {row["child"]: row["weeks"] for row in data["children"]}
        services.application_set_children(application=obj, weeks=weeks, by=request.user)
        return _detail(request, obj.pk)


@extend_schema(request=s.PreferencesInput, responses=s.ApplicationDetailSerializer, tags=TAGS)
class PreferencesEndpoint(ApplicationStep):
    """Choose the call's offers, the most wanted first (place calls)."""

    input = s.PreferencesInput

    def perform(self, obj: Application, data: dict[str, Any], request: Request) -> dict[str, Any]:
        services.application_set_preferences(application=obj, offers=data["offers"], by=request.user)
        return _detail(request, obj.pk)


@extend_schema(request=s.DeclarationsInput, responses=s.ApplicationDetailSerializer, tags=TAGS)
class DeclarationsEndpoint(ApplicationStep):
    """Make the declarations (D.P.R. 445/2000): every one of them."""

    input = s.DeclarationsInput

    def perform(self, obj: Application, data: dict[str, Any], request: Request) -> dict[str, Any]:
        services.application_declare(application=obj, declarations=data["declarations"], by=request.user)
        return _detail(request, obj.pk)


@extend_schema(request=None, responses=s.ApplicationDetailSerializer, tags=TAGS)
class SubmitEndpoint(ApplicationStep):
    """Submit (again, before the deadline, for a change): the first submission gets the protocol number."""

    def perform(self, obj: Application, data: dict[str, Any], request: Request) -> dict[str, Any]:
        services.application_submit(application=obj, by=request.user)
        return _detail(request, obj.pk)


@extend_schema(request=None, responses=s.ApplicationDetailSerializer, tags=TAGS)
class WithdrawEndpoint(ApplicationStep):
    """Withdraw before the deadline; a submitted application keeps its protocol number."""

    def perform(self, obj: Application, data: dict[str, Any], request: Request) -> dict[str, Any]:
        services.application_withdraw(application=obj, by=request.user)
        return _detail(request, obj.pk)


class RankingEndpoint(APIView):
    """The application's place in the last published ranking of its call (as ``/famiglia/domande/<id>/graduatoria/``)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=s.RankingPlaceSerializer, summary="The application's place in the ranking", tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        application = get_object_or_404(visible_applications(request.user), pk=pk)
        explanation = selectors.published_place(application, user=request.user, where=request.path)
        if explanation is None:
            raise exceptions.NotFound(_("No ranking of this application is published yet."))
        ranking, record = explanation.ranking, explanation.record
        language = "it" if (translation.get_language() or "it").startswith("it") else "en"
        offer_cutoff = (ranking.header.get("offers") or {}).get(record.get("offer") or "", {}).get("cutoff")
        data = {
            "application": application.pk,
            "protocol": application.protocol,
            "ranking": ranking.pk,
            "version": ranking.version,
            "status": ranking.status,
            "published_at": ranking.published_at,
            "objections_until": ranking.objections_until,
            "eligible": record.get("eligible", False),
            "excluded_by": [x.get("reason", "") for x in record.get("excluded_by", [])],
            "rank": record.get("rank"),
            "points": record.get("points", 0),
            "breakdown": record.get("breakdown", []),
            "outcome": record.get("outcome"),
            "cutoff": record.get("cutoff", offer_cutoff),
            "requested_cents": record.get("requested_cents"),
            "granted_cents": record.get("granted_cents"),
            "explanation": record_text(record, ranking.header)[language],
            "objections": application.objections.filter(ranking=ranking),
            "can_object": selectors.may_object(application, ranking, request.user),
        }
        return Response(s.RankingPlaceSerializer(data).data)


def _current_place(application: Application) -> Any:
    return application.places.select_related("offer__service__municipality").order_by("-offered_at", "-pk").first()


class PlaceEndpoint(APIView):
    """The place offered to the application (as ``/famiglia/domande/<id>/posto/``); 404 before one is offered."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=s.PlaceSerializer, summary="The place offered to the application", tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        application = get_object_or_404(visible_applications(request.user), pk=pk)
        place = _current_place(application)
        if place is None:
            raise exceptions.NotFound(_("No place has been offered to this application."))
        return Response(s.PlaceSerializer(place).data)


@extend_schema(request=s.PlaceAnswerInput, responses=s.PlaceSerializer, tags=TAGS)
class PlaceAnswerEndpoint(ApplicationStep):
    """Accept or refuse the place offered (the family only); a refusal offers the seat to the next family."""

    input = s.PlaceAnswerInput

    def perform(self, obj: Application, data: dict[str, Any], request: Request) -> dict[str, Any]:
        place = obj.places.filter(status="offered").first()
        if place is None:
            raise exceptions.NotFound(_("No place waits for an answer."))
        services.place_answer(place=place, accept=data["accept"], by=request.user)
        return dict(s.PlaceSerializer(_current_place(obj)).data)
