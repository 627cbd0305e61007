from __future__ import annotations

from rest_framework import serializers

from concilia.core.api import ObjectSerializer
from concilia.territory import models


class RegionSerializer(ObjectSerializer):
    class Meta:
        model = models.Region
        fields = ["id", "url", "code", "name", "valid_from", "valid_to"]


class ProvinceSerializer(ObjectSerializer):
    class Meta:
        model = models.Province
        fields = ["id", "url", "code", "car_plate", "name", "kind", "region", "valid_from", "valid_to"]


class MunicipalitySerializer(ObjectSerializer):
    province_code = serializers.CharField(source="province.car_plate", read_only=True)

    class Meta:
        model = models.Municipality
        fields = ["id", "url", "istat_code", "cadastral_code", "name", "name_other_language", "province",
                  "province_code", "is_capital", "valid_from", "valid_to"]  # fmt: skip


class HealthAgencySerializer(ObjectSerializer):
    class Meta:
        model = models.HealthAgency
        fields = ["id", "url", "code", "kind", "name", "short_name", "region", "parent", "successors",
                  "valid_from", "valid_to", "source"]  # fmt: skip


class DistrictSerializer(ObjectSerializer):
    class Meta:
        model = models.District
        fields = ["id", "url", "code", "name", "lead", "members", "agency", "valid_from", "valid_to", "source"]
