"""Serializers of the network register; writes go through ``ObjectSerializer`` (validation, history, scope)."""

from __future__ import annotations

from rest_framework import serializers

from concilia.core.api import ObjectSerializer
from concilia.network import models


class OrganisationSerializer(ObjectSerializer):
    municipality_name = serializers.CharField(source="municipality.name", read_only=True, allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = models.Organisation
        fields = [
            "id", "url", "name", "short_name", "kind", "kind_display", "sector", "parent", "tax_code",
            "vat_number", "employees", "turnover_cents", "balance_sheet_cents", "size_class", "address",
            "postal_code", "municipality", "municipality_name", "represents_municipality", "health_agency", "district",
            "valid_from", "valid_to",
            "email", "pec", "phone", "website", "description", "is_public", "is_example", "source",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["sector", "is_example", "created_at", "updated_at"]


class ContactSerializer(ObjectSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = models.Contact
        fields = ["id", "url", "organisation", "organisation_name", "name", "role", "email", "phone", "address",
                  "is_public", "source"]  # fmt: skip


class NetworkSerializer(ObjectSerializer):
    coordinator_name = serializers.CharField(source="coordinator.name", read_only=True)
    merged_into_name = serializers.CharField(source="merged_into.name", read_only=True, allow_null=True)

    class Meta:
        model = models.Network
        fields = [
            "id", "url", "name", "coordinator", "coordinator_name", "co_coordinator", "agency", "provinces",
            "districts", "founded_on", "merged_into", "merged_into_name", "ended_on", "description", "website",
            "source",
        ]  # fmt: skip
        read_only_fields = ["merged_into", "ended_on"]


class AgreementSerializer(ObjectSerializer):
    class Meta:
        model = models.Agreement
        fields = ["id", "url", "network", "title", "kind", "signed_on", "signed_year", "document", "signatories",
                  "notes", "source"]  # fmt: skip


class MembershipSerializer(ObjectSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    organisation_kind = serializers.CharField(source="organisation.kind", read_only=True)
    network_name = serializers.CharField(source="network.name", read_only=True)

    class Meta:
        model = models.Membership
        fields = ["id", "url", "network", "network_name", "organisation", "organisation_name", "organisation_kind",
                  "role", "joined_on", "left_on", "agreement", "carried_over_from", "notes"]  # fmt: skip
        read_only_fields = ["carried_over_from"]


class PartnershipSerializer(ObjectSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = models.Partnership
        fields = ["id", "url", "alliance", "organisation", "organisation_name", "role", "joined_on", "left_on",
                  "notes"]  # fmt: skip


class AllianceSerializer(ObjectSerializer):
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    partners = serializers.SerializerMethodField()

    class Meta:
        model = models.Alliance
        fields = [
            "id", "url", "name", "network", "lead", "lead_name", "districts", "formed_on", "ended_on",
            "open_to_new_partners", "declared_partner_count", "description", "partners", "source",
        ]  # fmt: skip

    def get_partners(self, obj: models.Alliance) -> list[dict]:
        return [
            {"organisation": p.organisation_id, "name": p.organisation.name, "role": p.role,
             "joined_on": p.joined_on, "left_on": p.left_on}
            for p in obj.partnerships.all()
        ]  # fmt: skip


class JoinRequestSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    alliance_name = serializers.CharField(source="alliance.name", read_only=True)

    class Meta:
        model = models.JoinRequest
        fields = ["id", "alliance", "alliance_name", "organisation", "organisation_name", "message", "status",
                  "created_at", "decided_at", "reason"]  # fmt: skip
        read_only_fields = ["status", "created_at", "decided_at", "reason"]


class JoinDecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
