"""Serializers of the help desks' registers; writes go through ``ObjectSerializer`` (validation, history, scope)."""

from __future__ import annotations

from rest_framework import serializers

from concilia.core.api import ObjectSerializer
from concilia.helpdesk import models
from concilia.helpdesk.choices import Need


class NeedsField(serializers.ListField):
    child = serializers.ChoiceField(choices=Need.choices)


class DeskSerializer(ObjectSerializer):
    services = NeedsField(required=False)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    public_url = serializers.CharField(source="get_public_url", read_only=True)

    class Meta:
        model = models.Desk
        fields = ["id", "url", "public_url", "name", "organisation", "network", "description", "address",
                  "postal_code", "municipality", "municipality_name", "latitude", "longitude", "phone", "email",
                  "services", "operators", "slot_minutes", "weeks_ahead", "capacity_per_slot", "is_published",
                  "is_example"]  # fmt: skip
        read_only_fields = ["is_example"]
        # Who works at a desk is not public: the operators can be set, never read back.
        extra_kwargs = {"operators": {"write_only": True, "required": False}}


class DeskHoursSerializer(ObjectSerializer):
    class Meta:
        model = models.DeskHours
        fields = ["id", "url", "desk", "weekday", "opens", "closes", "appointments"]


class DeskClosureSerializer(ObjectSerializer):
    class Meta:
        model = models.DeskClosure
        fields = ["id", "url", "desk", "start", "end", "reason", "every_year", "source"]


class CaseSerializer(ObjectSerializer):
    needs = NeedsField()

    class Meta:
        model = models.Case
        fields = ["id", "url", "desk", "opened_on", "channel", "anonymous", "first_name", "last_name", "email",
                  "phone", "municipality", "needs", "description", "outcome", "follow_up_on", "handled_by",
                  "appointment", "status", "follow_up_reminded_at", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["follow_up_reminded_at", "created_at", "updated_at"]


class ReferralSerializer(ObjectSerializer):
    target_kind = serializers.CharField(read_only=True)

    class Meta:
        model = models.Referral
        fields = ["id", "url", "case", "service", "to_desk", "call", "other", "note", "target_kind"]


class AppointmentSerializer(ObjectSerializer):
    class Meta:
        model = models.Appointment
        fields = ["id", "url", "desk", "starts_at", "ends_at", "seat", "first_name", "last_name", "email", "phone",
                  "topic", "note", "status", "booked_at", "cancelled_at"]  # fmt: skip
        read_only_fields = fields


# --- public endpoints ------------------------------------------------------------------------------


class SlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    free = serializers.IntegerField()


class BookingInput(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    email = serializers.EmailField()
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    topic = serializers.ChoiceField(choices=Need.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    privacy = serializers.BooleanField()

    def validate_privacy(self, value: bool) -> bool:
        from django.utils.translation import gettext as _

        if not value:
            raise serializers.ValidationError(_("Accept the privacy notice to book."))
        return value


class BookingOutput(serializers.Serializer):
    """What the citizen gets back: the time and the secret token (to see and cancel), no one else's data."""

    desk = serializers.IntegerField(source="desk_id")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.CharField()
    token = serializers.CharField()


class CancelInput(serializers.Serializer):
    token = serializers.CharField()


class StatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=["attended", "no_show", "cancelled"])
