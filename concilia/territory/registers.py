"""Territory registers: public reference data, loaded by ``concilia load_territory``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from concilia.core.display import object_fields, source_links
from concilia.core.forms import RestrictedModelForm
from concilia.core.registry import MENU, Register, Related, register
from concilia.territory import filtersets, models, tables
from concilia.territory.api import serializers


class DistrictForm(RestrictedModelForm):
    class Meta:
        model = models.District
        fields = ["code", "name", "lead", "members", "agency", "valid_from", "valid_to", "source"]


def _municipality_context(obj: models.Municipality, request: HttpRequest) -> dict[str, Any]:
    population = obj.populations.order_by("-year").first()
    if population is None:
        return {"population": None}
    bands = [(_("0–2 years"), 0, 2), (_("3–5 years"), 3, 5), (_("6–10 years"), 6, 10), (_("11–14 years"), 11, 14),
             (_("15–64 years"), 15, 64), (_("65–74 years"), 65, 74), (_("75 years and over"), 75, 100)]  # fmt: skip
    return {
        "population": population,
        "population_bands": [(label, population.aged(lo, hi)) for label, lo, hi in bands],
    }


VALIDITY = ("valid_from", "valid_to")


def _with_sources(fields: tuple[str, ...]) -> Any:
    """The page shows the web sources of the research note as links, to everyone: the note itself (English
    research material) stays in the admin and the API."""

    def context(obj: Any, request: HttpRequest) -> dict[str, Any]:
        return {"fields": [*object_fields(obj, fields), (_("Sources"), source_links(obj.source))]}

    return context


AGENCY_FIELDS = ("code", "kind", "name", "short_name", "region", "parent", "successors", *VALIDITY)
DISTRICT_FIELDS = ("code", "name", "lead", "agency", *VALIDITY)

regions = register(
    Register(
        model=models.Region,
        slug="regioni",
        detail_fields=("code", "name", *VALIDITY),
        filterset=filtersets.RegionFilterSet,
        table=tables.RegionTable,
        serializer=serializers.RegionSerializer,
        menu=False,
        related=(Related(_("Provinces"), lambda r: r.provinces.select_related("region"), tables.ProvinceTable),),
    )  # fmt: skip
)
provinces = register(
    Register(
        model=models.Province,
        slug="province",
        detail_fields=("code", "car_plate", "name", "kind", "region", *VALIDITY),
        filterset=filtersets.ProvinceFilterSet,
        table=tables.ProvinceTable,
        serializer=serializers.ProvinceSerializer,
        select_related=("region",),
        menu=False,
        related=(
            Related(
                _("Municipalities"), lambda p: p.municipalities.select_related("province"), tables.MunicipalityTable
            ),
        ),
    )  # fmt: skip
)
municipalities = register(
    Register(
        model=models.Municipality,
        slug="comuni",
        detail_fields=(
            "istat_code",
            "cadastral_code",
            "name",
            "name_other_language",
            "province",
            "is_capital",
            *VALIDITY,
        ),
        filterset=filtersets.MunicipalityFilterSet,
        table=tables.MunicipalityTable,
        serializer=serializers.MunicipalitySerializer,
        select_related=("province",),
        api_slug="municipalities",
        detail_template="territory/municipality_detail.html",
        context=_municipality_context,
        related=(
            Related(
                _("Health agencies"), lambda m: m.health_agencies.select_related("parent"), tables.HealthAgencyTable
            ),
            Related(
                _("Districts"), lambda m: m.districts.select_related("lead__province", "agency"), tables.DistrictTable
            ),
        ),
    )  # fmt: skip
)
agencies = register(
    Register(
        model=models.HealthAgency,
        slug="agenzie",
        detail_fields=(*AGENCY_FIELDS, "source"),
        context=_with_sources(AGENCY_FIELDS),
        filterset=filtersets.HealthAgencyFilterSet,
        table=tables.HealthAgencyTable,
        serializer=serializers.HealthAgencySerializer,
        select_related=("parent",),
        prefetch_related=("successors",),
        api_slug="healthagencies",
        related=(
            Related(_("Predecessors"), lambda a: a.predecessors.select_related("parent"), tables.HealthAgencyTable),
            Related(
                _("Agencies it comprises"), lambda a: a.children.select_related("parent"), tables.HealthAgencyTable
            ),
            Related(
                _("Districts"), lambda a: a.districts.select_related("lead__province", "agency"), tables.DistrictTable
            ),
            Related(
                _("Municipalities"), lambda a: a.municipalities.select_related("province"), tables.MunicipalityTable
            ),
        ),
    )  # fmt: skip
)
districts = register(
    Register(
        model=models.District,
        slug="ambiti",
        detail_fields=(*DISTRICT_FIELDS, "source"),
        context=_with_sources(DISTRICT_FIELDS),
        filterset=filtersets.DistrictFilterSet,
        table=tables.DistrictTable,
        serializer=serializers.DistrictSerializer,
        form=DistrictForm,
        select_related=("lead__province", "agency"),
        prefetch_related=("members",),
        related=(
            Related(
                _("Member municipalities"), lambda d: d.members.select_related("province"), tables.MunicipalityTable
            ),
        ),
    )  # fmt: skip
)

MENU.append((_("Territory"), "territory:healthagency_list", 40))
