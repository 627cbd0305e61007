"""Serializers of the registry. The registers' serializers are for operators (the CRUD routes show
them only what they manage); the public search and contact use their own, with the public fields only.
"""

from __future__ import annotations

from rest_framework import serializers

from concilia.core.api import ObjectSerializer
from concilia.registry import models


class BabysitterRegistrySerializer(ObjectSerializer):
    class Meta:
        model = models.BabysitterRegistry
        fields = ["id", "url", "name", "keeper", "network", "province", "municipalities", "voucher_schemes",
                  "validity_days", "reminder_days", "min_attendance_percent", "messages_per_day", "description",
                  "source", "is_example"]  # fmt: skip


class CourseSerializer(ObjectSerializer):
    class Meta:
        model = models.Course
        fields = ["id", "url", "registry", "organiser", "title", "starts_on", "ends_on", "hours", "exam_on", "place",
                  "is_example"]  # fmt: skip


class CourseAttendanceSerializer(ObjectSerializer):
    class Meta:
        model = models.CourseAttendance
        fields = ["id", "url", "course", "tax_code", "first_name", "last_name", "hours_attended", "exam_passed"]


class BabysitterSerializer(ObjectSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = models.Babysitter
        fields = ["id", "url", "reference", "registry", "first_name", "last_name", "tax_code", "birth_date", "email",
                  "phone", "residence", "eu_citizen", "citizenship", "permit_number", "permit_expires_on", "course",
                  "attendance_hours", "exam_passed", "first_aid_issued_on", "first_aid_expires_on",
                  "no_criminal_record", "declaration_on", "languages", "experience", "bio", "areas",
                  "accepted_vouchers", "status", "status_display", "status_reason", "listed_on", "expires_on",
                  "is_example"]  # fmt: skip
        read_only_fields = ["reference", "status", "status_reason", "listed_on", "expires_on"]


class AvailabilitySerializer(ObjectSerializer):
    class Meta:
        model = models.Availability
        fields = ["id", "url", "babysitter", "weekday", "starts_at", "ends_at"]


class BabysitterEventSerializer(ObjectSerializer):
    class Meta:
        model = models.BabysitterEvent
        fields = ["id", "url", "babysitter", "kind", "at", "by", "note"]


class ContactMessageSerializer(ObjectSerializer):
    class Meta:
        model = models.ContactMessage
        fields = ["id", "url", "babysitter", "family_name", "family_email", "family_phone", "message", "created_at",
                  "relayed_at"]  # fmt: skip


class PublicBabysitterSerializer(serializers.Serializer):
    """What anybody may read of a listed babysitter: first name, areas, availability, qualifications."""

    id = serializers.IntegerField()
    first_name = serializers.CharField()
    registry = serializers.CharField()
    areas = serializers.ListField(child=serializers.CharField())
    availability = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    course = serializers.CharField()
    course_hours = serializers.IntegerField()
    first_aid_valid = serializers.BooleanField()
    experience = serializers.CharField()
    bio = serializers.CharField()
    vouchers = serializers.ListField(child=serializers.CharField())


class FamilyMessageSerializer(serializers.Serializer):
    family_name = serializers.CharField(max_length=120)
    family_email = serializers.EmailField()
    family_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    message = serializers.CharField(max_length=2000)
    website = serializers.CharField(required=False, allow_blank=True)  # honeypot: left empty by people


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)
