"""Serializers of the workplace registers; writes go through ``ObjectSerializer`` (validation, history, scope).

A survey's status is read-only here: it changes through the open and close steps.
"""

from __future__ import annotations

from rest_framework import serializers

from concilia.core.api import ObjectSerializer
from concilia.workplace import models


class MeasureSerializer(ObjectSerializer):
    class Meta:
        model = models.Measure
        fields = ["id", "url", "code", "name", "category", "description", "position"]


class CompanyMeasureSerializer(ObjectSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    measure_name = serializers.CharField(source="measure.name", read_only=True)

    class Meta:
        model = models.CompanyMeasure
        fields = ["id", "url", "organisation", "organisation_name", "measure", "measure_name", "since", "until",
                  "employees_covered", "project", "is_public", "is_example", "note"]  # fmt: skip
        read_only_fields = ["is_example"]


class SurveySerializer(ObjectSerializer):
    class Meta:
        model = models.Survey
        fields = ["id", "url", "title", "intro", "owner", "network", "alliance", "status", "opens_on", "closes_on",
                  "is_template", "derived_from", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["status", "is_template", "derived_from", "created_at", "updated_at"]


class QuestionSerializer(ObjectSerializer):
    choices = serializers.SerializerMethodField()

    def get_choices(self, obj: models.Question) -> list[dict[str, str]]:
        return [{"code": c, "label": label} for c, label in obj.choices]

    class Meta:
        model = models.Question
        fields = ["id", "url", "survey", "position", "code", "text", "help", "kind", "required", "options", "choices",
                  "scale_min", "scale_max", "scale_min_label", "scale_max_label", "number_min", "number_max",
                  "condition_question", "condition_operator", "condition_value"]  # fmt: skip


class InvitationSerializer(ObjectSerializer):
    answer_url = serializers.SerializerMethodField()

    def get_answer_url(self, obj: models.Invitation) -> str:
        from django.urls import reverse

        path = reverse("workplace:answer", args=[obj.token])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    class Meta:
        model = models.Invitation
        fields = ["id", "url", "survey", "organisation", "token", "answer_url", "created_at"]
        read_only_fields = ["token", "created_at"]
