from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from concilia.territory import models


class RegionTable(tables.Table):
    name = tables.Column(linkify=True)

    class Meta:
        model = models.Region
        fields = ("code", "name", "valid_from", "valid_to")


class ProvinceTable(tables.Table):
    name = tables.Column(linkify=True)
    region = tables.Column(linkify=True)

    class Meta:
        model = models.Province
        fields = ("code", "car_plate", "name", "kind", "region", "valid_to")


class MunicipalityTable(tables.Table):
    name = tables.Column(linkify=True)
    province = tables.Column(linkify=True, accessor="province__name", verbose_name=_("Province"))

    class Meta:
        model = models.Municipality
        fields = ("istat_code", "cadastral_code", "name", "province", "is_capital", "valid_from", "valid_to")


class HealthAgencyTable(tables.Table):
    name = tables.Column(linkify=True)
    parent = tables.Column(linkify=True)

    class Meta:
        model = models.HealthAgency
        fields = ("code", "kind", "name", "parent", "valid_from", "valid_to")


class DistrictTable(tables.Table):
    name = tables.Column(linkify=True)
    lead = tables.Column(linkify=True)
    agency = tables.Column(linkify=True)

    class Meta:
        model = models.District
        fields = ("code", "name", "lead", "agency", "valid_to")
