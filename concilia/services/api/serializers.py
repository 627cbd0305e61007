"""Serializers of the catalogue registers; writes go through ``ObjectSerializer``."""

from __future__ import annotations

from rest_framework import serializers

from concilia.core.api import ObjectSerializer
from concilia.services import models


class ServiceSerializer(ObjectSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)

    class Meta:
        model = models.Service
        fields = [
            "id", "url", "name", "kind", "kind_display", "provider", "provider_name", "authorisation",
            "description", "address", "postal_code", "municipality", "municipality_name", "latitude", "longitude",
            "location_precision", "for_elderly", "min_age_months", "max_age_months", "hours_are_estimated",
            "capacity", "capacity_note", "accepted_vouchers", "email", "phone", "website", "step_free",
            "accessibility", "languages", "external_code", "source", "is_published", "valid_from", "valid_to",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["for_elderly", "created_at", "updated_at"]


class OfferSerializer(ObjectSerializer):
    class Meta:
        model = models.Offer
        fields = ["id", "url", "service", "period", "label", "days", "start_time", "end_time", "min_age_months",
                  "max_age_months", "capacity", "price_cents", "price_unit", "weekly_cents"]  # fmt: skip
        read_only_fields = ["weekly_cents"]


class PeriodSerializer(ObjectSerializer):
    class Meta:
        model = models.Period
        fields = ["id", "url", "service", "name", "kind", "start", "end"]


class OpeningHoursSerializer(ObjectSerializer):
    class Meta:
        model = models.OpeningHours
        fields = ["id", "url", "service", "weekday", "opens", "closes", "period"]


class ClosureSerializer(ObjectSerializer):
    class Meta:
        model = models.Closure
        fields = ["id", "url", "service", "start", "end", "reason"]


class FeeSerializer(ObjectSerializer):
    class Meta:
        model = models.Fee
        fields = ["id", "url", "service", "label", "amount_cents", "unit", "isee_min_cents", "isee_max_cents"]


class AuthorisationSerializer(ObjectSerializer):
    class Meta:
        model = models.Authorisation
        fields = ["id", "url", "organisation", "kind", "act_number", "act_date", "issued_by", "expires_on", "note"]


class VoucherSchemeSerializer(ObjectSerializer):
    web_page = serializers.URLField(source="url", required=False, allow_blank=True)

    class Meta:
        model = models.VoucherScheme
        fields = ["id", "url", "code", "name", "network", "description", "web_page", "valid_from", "valid_to"]
