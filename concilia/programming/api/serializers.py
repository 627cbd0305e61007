"""Serializers of the programming registers; writes go through ``ObjectSerializer`` (validation, history, scope).

Statuses, protocol numbers, admissibility, approvals and rankings are read-only here: they change
only through the workflow in :mod:`concilia.programming.services`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from concilia.core.api import ObjectSerializer
from concilia.programming import models
from concilia.programming.choices import CallStatus
from concilia.services.choices import ServiceKind


class PlanSerializer(ObjectSerializer):
    network_name = serializers.CharField(source="network.name", read_only=True)

    class Meta:
        model = models.Plan
        fields = ["id", "url", "network", "network_name", "title", "period", "start_year", "end_year", "agency",
                  "approval_act", "approval_date", "objectives", "description", "source", "created_at",
                  "updated_at"]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]


class FundingSourceSerializer(ObjectSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = models.FundingSource
        fields = ["id", "url", "plan", "kind", "kind_display", "funder", "amount_cents", "act", "notes"]


class BudgetLineSerializer(ObjectSerializer):
    class Meta:
        model = models.BudgetLine
        fields = ["id", "url", "plan", "code", "name", "amount_cents"]


class CallSerializer(ObjectSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    network_name = serializers.CharField(source="network.name", read_only=True)

    class Meta:
        model = models.Call
        fields = [
            "id", "url", "code", "title", "kind", "status", "status_display", "network", "network_name",
            "publisher", "plan", "budget_line", "summary", "opens_at", "closes_at", "budget_cents",
            "max_grant_cents", "min_cofinancing_percent", "objections_days", "rules", "source", "is_example",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["status", "is_example", "created_at", "updated_at"]


class CallEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.CallEvent
        fields = ["id", "call", "from_status", "to_status", "at", "by", "note"]
        read_only_fields = fields


class EvaluationCriterionSerializer(ObjectSerializer):
    class Meta:
        model = models.EvaluationCriterion
        fields = ["id", "url", "call", "order", "code", "label", "max_points"]


class FamilyCallTermsSerializer(ObjectSerializer):
    service_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ServiceKind.choices), required=False, allow_empty=True
    )

    class Meta:
        model = models.FamilyCallTerms
        fields = [
            "id", "url", "call", "first_come_first_served", "application_unit", "age_reference_date", "basis",
            "amount_cents", "max_weeks", "max_per_child_cents", "max_per_household_cents", "service_kinds",
            "providers", "voucher_scheme",
        ]  # fmt: skip


class CallOfferSerializer(ObjectSerializer):
    offer_label = serializers.CharField(source="offer.__str__", read_only=True)
    service = serializers.IntegerField(source="offer.service_id", read_only=True)

    class Meta:
        model = models.CallOffer
        fields = ["id", "url", "call", "offer", "offer_label", "service", "places"]


class EvaluatorSerializer(ObjectSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = models.Evaluator
        fields = ["id", "url", "call", "user", "username"]


class ProposalSerializer(ObjectSerializer):
    alliance_name = serializers.CharField(source="alliance.name", read_only=True)
    call_title = serializers.CharField(source="call.title", read_only=True)
    protocol = serializers.CharField(read_only=True)

    class Meta:
        model = models.Proposal
        fields = [
            "id", "url", "call", "call_title", "alliance", "alliance_name", "title", "summary", "requested_cents",
            "status", "protocol_number", "protocol", "submitted_at", "withdrawn_at", "admissibility",
            "admissibility_reasons", "admissibility_manual", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def validate_call(self, call: models.Call) -> models.Call:
        unchanged = self.instance is not None and self.instance.call_id == call.pk
        if call.status != CallStatus.OPEN and not unchanged:
            raise serializers.ValidationError(_("The call is not open for proposals."))
        return call


class ProposalActionSerializer(ObjectSerializer):
    class Meta:
        model = models.ProposalAction
        fields = ["id", "url", "proposal", "kind", "title", "description", "starts_on", "ends_on", "budget_cents"]


class ProposalPartnerSerializer(ObjectSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = models.ProposalPartner
        fields = ["id", "url", "proposal", "organisation", "organisation_name", "role", "cofinancing_cents"]


class ProposalBudgetLineSerializer(ObjectSerializer):
    class Meta:
        model = models.ProposalBudgetLine
        fields = ["id", "url", "proposal", "category", "description", "amount_cents"]


class ScoreSerializer(ObjectSerializer):
    class Meta:
        model = models.Score
        fields = ["id", "url", "proposal", "evaluator", "criterion", "points", "comment"]


class ConflictOfInterestSerializer(ObjectSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = models.ConflictOfInterest
        fields = [
            "id", "url", "evaluator", "organisation", "organisation_name", "note",
            "withdrawn_at", "withdrawn_by", "withdrawal_reason",
        ]  # fmt: skip
        read_only_fields = ["withdrawn_at", "withdrawn_by", "withdrawal_reason"]


class RankingSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    call_title = serializers.CharField(source="call.title", read_only=True)

    class Meta:
        model = models.Ranking
        fields = ["id", "url", "call", "call_title", "version", "status", "published_at", "reason",
                  "objections_until", "rules_digest", "entries", "result"]  # fmt: skip
        read_only_fields = fields

    def get_url(self, obj: models.Ranking) -> str | None:
        return ObjectSerializer.get_url(self, obj)  # type: ignore[arg-type]


class ProjectSerializer(ObjectSerializer):
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    partners = serializers.SerializerMethodField()

    class Meta:
        model = models.Project
        fields = [
            "id", "url", "title", "acronym", "proposal", "call", "plan", "alliance", "lead", "lead_name", "summary",
            "starts_on", "ends_on", "granted_cents", "cofinancing_cents", "returned_cents", "status",
            "predecessors", "website", "partners", "source", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def get_partners(self, obj: models.Project) -> list[dict[str, Any]]:
        return [
            {"organisation": p.organisation_id, "name": p.organisation.name, "role": p.role,
             "cofinancing_cents": p.cofinancing_cents}
            for p in obj.partners.all()
        ]  # fmt: skip


class ProjectPartnerSerializer(ObjectSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = models.ProjectPartner
        fields = ["id", "url", "project", "organisation", "organisation_name", "role", "cofinancing_cents"]


class ProjectActionSerializer(ObjectSerializer):
    class Meta:
        model = models.ProjectAction
        fields = ["id", "url", "project", "kind", "title", "description", "starts_on", "ends_on", "budget_cents"]


class ExpenseReportSerializer(ObjectSerializer):
    class Meta:
        model = models.ExpenseReport
        fields = ["id", "url", "project", "period_start", "period_end", "status", "submitted_at", "reviewed_at",
                  "notes"]  # fmt: skip


class ExpenseLineSerializer(ObjectSerializer):
    class Meta:
        model = models.ExpenseLine
        fields = ["id", "url", "report", "category", "description", "amount_cents", "approved_cents",
                  "decision_reason", "document"]  # fmt: skip


class IndicatorSerializer(ObjectSerializer):
    class Meta:
        model = models.Indicator
        fields = ["id", "url", "project", "name", "unit", "target", "achieved"]


class DocumentSerializer(ObjectSerializer):
    link = serializers.URLField(source="url", required=False, allow_blank=True)

    class Meta:
        model = models.Document
        fields = ["id", "url", "title", "plan", "call", "project", "file", "link"]
