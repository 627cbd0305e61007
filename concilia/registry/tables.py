"""Tables of the registry's registers (list pages, related sections, CSV/XLSX exports)."""

from __future__ import annotations

import django_tables2 as tables

from concilia.core.tables import detail_column
from concilia.registry import models


class BabysitterRegistryTable(tables.Table):
    name = tables.Column(linkify=True)
    keeper = tables.Column(linkify=True)
    network = tables.Column(linkify=True)

    class Meta:
        model = models.BabysitterRegistry
        fields = ("name", "keeper", "network", "validity_days")


class CourseTable(tables.Table):
    title = tables.Column(linkify=True)
    organiser = tables.Column(linkify=True)

    class Meta:
        model = models.Course
        fields = ("title", "organiser", "starts_on", "ends_on", "hours", "exam_on")


class CourseAttendanceTable(tables.Table):
    last_name = tables.Column(linkify=True)

    class Meta:
        model = models.CourseAttendance
        fields = ("last_name", "first_name", "tax_code", "course", "hours_attended", "exam_passed")


class BabysitterTable(tables.Table):
    reference = tables.Column(linkify=True)

    class Meta:
        model = models.Babysitter
        fields = ("reference", "last_name", "first_name", "registry", "status", "listed_on", "expires_on")


class AvailabilityTable(tables.Table):
    details = detail_column("registry:availability_detail")

    class Meta:
        model = models.Availability
        fields = ("babysitter", "weekday", "starts_at", "ends_at")


class BabysitterEventTable(tables.Table):
    class Meta:
        model = models.BabysitterEvent
        fields = ("at", "kind", "by", "note")


class ContactMessageTable(tables.Table):
    details = detail_column("registry:contactmessage_detail")

    class Meta:
        model = models.ContactMessage
        fields = ("created_at", "babysitter", "family_name", "family_email", "relayed_at")
