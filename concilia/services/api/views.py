"""Catalogue search and care planner over the REST API, with the same parameters as the pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from concilia.services import selectors
from concilia.services.search_forms import PlannerForm, SearchForm


class HitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="service.pk")
    url = serializers.SerializerMethodField()
    name = serializers.CharField(source="service.name")
    kind = serializers.CharField(source="service.kind")
    kind_display = serializers.CharField(source="service.get_kind_display")
    provider = serializers.CharField(source="service.provider.name")
    address = serializers.CharField(source="service.address")
    municipality = serializers.CharField(source="service.municipality.name")
    municipality_istat_code = serializers.CharField(source="service.municipality.istat_code")
    latitude = serializers.FloatField(source="service.latitude", allow_null=True)
    longitude = serializers.FloatField(source="service.longitude", allow_null=True)
    location_precision = serializers.CharField(source="service.location_precision")
    min_age_months = serializers.IntegerField(source="service.min_age_months", allow_null=True)
    max_age_months = serializers.IntegerField(source="service.max_age_months", allow_null=True)
    distance_km = serializers.FloatField(allow_null=True)
    hours = serializers.SerializerMethodField()
    hours_are_estimated = serializers.BooleanField(source="service.hours_are_estimated")

    def get_url(self, hit: selectors.Hit) -> str:
        request = self.context.get("request")
        path = hit.service.get_absolute_url() or ""
        return request.build_absolute_uri(path) if request else path

    def get_hours(self, hit: selectors.Hit) -> list[dict[str, Any]]:
        return [
            {"weekday": h.weekday, "opens": f"{h.opens:%H:%M}", "closes": f"{h.closes:%H:%M}"}
            for h in hit.service.opening_hours.all()
        ]


SEARCH_PARAMETERS = [
    OpenApiParameter("comune", OpenApiTypes.STR, description="Municipality: name or ISTAT code"),
    OpenApiParameter("raggio", OpenApiTypes.INT, description="Radius in km: 2, 5, 10, 20 or 50 (default 10)"),
    OpenApiParameter("nascita", OpenApiTypes.DATE, description="Child's date of birth"),
    OpenApiParameter("dal", OpenApiTypes.DATE, description="Date care is needed from (default today)"),
    OpenApiParameter("giorni", OpenApiTypes.INT, many=True, description="Weekdays needed, 0 = Monday (repeat)"),
    OpenApiParameter("dalle", OpenApiTypes.TIME, description="Start of the hours needed (HH:MM)"),
    OpenApiParameter("alle", OpenApiTypes.TIME, description="End of the hours needed (HH:MM)"),
    OpenApiParameter("tipo", OpenApiTypes.STR, many=True, description="Kinds of service (repeat)"),
    OpenApiParameter("prezzo_max", OpenApiTypes.DECIMAL, description="Maximum price per week in euro"),
    OpenApiParameter("voucher", OpenApiTypes.INT, description="Voucher scheme id"),
    OpenApiParameter("pagina", OpenApiTypes.INT, description="Page (20 results each)"),
]


class SearchView(APIView):
    """Search the catalogue: nearest first when a municipality is given, else by name."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=SEARCH_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        form = SearchForm(request.query_params)
        if not form.is_valid():
            return Response({"detail": _("Some parameters are not valid."), "errors": form.errors}, status=400)
        result = selectors.search_services(form.criteria(), page=form.cleaned_data.get("pagina") or 1)
        return Response(
            {
                "count": result.total,
                "page": result.page,
                "pages": result.pages,
                "origin": result.origin,
                "age_months": result.age_months,
                "results": HitSerializer(result.hits, many=True, context={"request": request}).data,
            }
        )


def _week_json(week: Any) -> dict[str, list[str]]:
    return {
        str(day): [f"{iv.start // 60:02d}:{iv.start % 60:02d}-{iv.end // 60:02d}:{iv.end % 60:02d}" for iv in ivs]
        for day, ivs in sorted(week.items())
    }


class PlanView(APIView):
    """The care planner: the same fields as the planner page, as JSON; nothing is stored."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
        description=(
            "Fields: comune, raggio, settimana (YYYY-MM-DD), genitore1_orari ('lun-ven 08:30-17:30'), "
            "genitore1_viaggio (minutes), genitore2_orari, genitore2_viaggio, figlioN_nascita, figlioN_scuola "
            "(N = 1..3), anziano (bool), anziano_presenze. Weekdays in the answer: 0 = Monday."
        ),
    )
    def post(self, request: Request) -> Response:
        from concilia.services import planner

        data = request.data if hasattr(request.data, "get") else {}
        form = PlannerForm(data)
        if not form.is_valid():
            return Response({"detail": _("Some fields are not valid."), "errors": form.errors}, status=400)
        result = planner.plan(form.plan_request())
        people = []
        for pp in result.people:
            people.append(
                {
                    "label": pp.person.label,
                    "age_months": pp.age_months,
                    "elderly": pp.person.elderly,
                    "needed_minutes": pp.needed_minutes,
                    "need": _week_json(pp.need),
                    "proposals": [
                        {
                            "services": [
                                {
                                    "id": pp.services[sid].pk,
                                    "name": pp.services[sid].name,
                                    "kind": pp.services[sid].kind,
                                    "url": request.build_absolute_uri(pp.services[sid].get_absolute_url() or ""),
                                    "distance_km": pp.distances.get(sid),
                                    "minutes": prop.minutes_by_service.get(sid, 0),
                                }
                                for sid in prop.services
                            ],
                            "uncovered_minutes": prop.uncovered_minutes,
                            "uncovered": _week_json(prop.uncovered),
                            "weekly_cents": prop.weekly_cents,
                        }
                        for prop in pp.proposals
                    ],
                    # Listed babysitters for what the first proposal leaves uncovered: public fields only.
                    "babysitters": [
                        {
                            "id": o.id,
                            "first_name": o.first_name,
                            "url": request.build_absolute_uri(f"/babysitter/profilo/{o.id}/"),
                            "minutes": o.covered_minutes,
                            "covered": _week_json(o.covered),
                            "vouchers": o.vouchers,
                        }
                        for o in pp.babysitters
                    ],
                }
            )
        return Response(
            {
                "week_of": result.monday.isoformat(),
                "unavailable": _week_json(result.unavailable),
                "people": people,
            }
        )
