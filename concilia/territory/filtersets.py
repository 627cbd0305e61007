"""Filters of the territory registers."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from concilia.core.filtersets import BaseFilterSet
from concilia.territory import models
from concilia.territory.choices import AgencyKind, ProvinceKind

CURRENT_CHOICES = (("current", _("In force")), ("closed", _("Closed")))


class ValidityFilterSet(BaseFilterSet):
    status = django_filters.ChoiceFilter(choices=CURRENT_CHOICES, method="filter_status", label=_("Status"))

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(valid_to__isnull=value == "current")


class RegionFilterSet(ValidityFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = models.Region
        fields = ["status"]


class ProvinceFilterSet(ValidityFilterSet):
    search_fields = ("name", "code", "car_plate")
    kind = django_filters.ChoiceFilter(choices=ProvinceKind.choices, label=_("Kind"))

    class Meta:
        model = models.Province
        fields = ["region", "kind", "status"]


class MunicipalityFilterSet(ValidityFilterSet):
    search_fields = ("name", "istat_code", "cadastral_code", "name_other_language")
    region = django_filters.ModelChoiceFilter(
        field_name="province__region", queryset=models.Region.objects.all(), label=_("Region")
    )
    province = django_filters.ModelChoiceFilter(queryset=models.Province.objects.all(), label=_("Province"))
    agency = django_filters.ModelChoiceFilter(
        field_name="health_agencies", queryset=models.HealthAgency.objects.all(), label=_("Health agency")
    )
    district = django_filters.ModelChoiceFilter(
        field_name="districts", queryset=models.District.objects.all(), label=_("District")
    )

    class Meta:
        model = models.Municipality
        fields = ["region", "province", "agency", "district", "is_capital", "status"]


class HealthAgencyFilterSet(ValidityFilterSet):
    search_fields = ("name", "short_name", "code")
    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices, label=_("Kind"))

    class Meta:
        model = models.HealthAgency
        fields = ["kind", "parent", "status"]


class DistrictFilterSet(ValidityFilterSet):
    search_fields = ("name", "code", "lead__name")

    class Meta:
        model = models.District
        fields = ["agency", "status"]
