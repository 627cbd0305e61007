"""API endpoints with their own workflow (join requests)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from concilia.core.permissions import can, restrict, scope_of
from concilia.network import services
from concilia.network.api.serializers import JoinDecisionSerializer, JoinRequestSerializer
from concilia.network.filtersets import JoinRequestFilterSet
from concilia.network.registers import join_requests


class JoinRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Requests to join an alliance: organisations ask, the lead (or the coordinator) decides."""

    register = join_requests
    serializer_class = JoinRequestSerializer
    filterset_class = JoinRequestFilterSet
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> Any:
        return restrict(join_requests.queryset(), self.request.user, "view")

    def create(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        scope = scope_of(request.user)
        if not (scope.organisation_ids() or scope.is_admin):  # before the input: 403, not a 400 about it
            raise exceptions.PermissionDenied(_("You can only ask on behalf of an organisation you represent."))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: Any) -> None:
        org = serializer.validated_data["organisation"]
        if org.pk not in scope_of(self.request.user).organisation_ids() and not scope_of(self.request.user).is_admin:
            raise exceptions.PermissionDenied(_("You can only ask on behalf of an organisation you represent."))
        serializer.instance = services.join_request_submit(
            alliance=serializer.validated_data["alliance"],
            organisation=org,
            message=serializer.validated_data.get("message", ""),
            by=self.request.user,
        )

    @extend_schema(request=JoinDecisionSerializer, responses=JoinRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Accept or refuse (with a reason) a pending request."""
        join_request = self.get_object()
        if not can(request.user, "decide", join_request):
            raise exceptions.PermissionDenied(_("Only the lead of the alliance can decide."))
        data = JoinDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.join_request_decide(
            request=join_request, accept=data.validated_data["accept"], reason=data.validated_data["reason"],
            by=request.user,
        )  # fmt: skip
        join_request.refresh_from_db()
        return Response(JoinRequestSerializer(join_request).data, status=status.HTTP_200_OK)
