"""Tables of the help desks' registers (list pages, related sections and CSV/XLSX exports)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concilia.helpdesk import models


class LocalTimeColumn(tables.DateTimeColumn):
    """A time shown in Europe/Rome."""

    def render(self, value: Any, **kwargs: Any) -> str:
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")

    def value(self, value: Any, **kwargs: Any) -> str:
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


class DeskTable(tables.Table):
    name = tables.Column(linkify=True)
    organisation = tables.Column(linkify=True)
    municipality = tables.Column()
    services = tables.Column(accessor="get_services_display", verbose_name=_("Services offered"), orderable=False)

    class Meta:
        model = models.Desk
        fields = ("name", "organisation", "municipality", "address", "phone", "email", "services", "is_published")


class DeskHoursTable(tables.Table):
    desk = tables.Column(linkify=True)
    weekday = tables.Column(linkify=True)

    class Meta:
        model = models.DeskHours
        fields = ("desk", "weekday", "opens", "closes", "appointments")


class DeskClosureTable(tables.Table):
    desk = tables.Column(linkify=True)
    start = tables.Column(linkify=True)

    class Meta:
        model = models.DeskClosure
        fields = ("desk", "start", "end", "reason", "every_year")


class CaseTable(tables.Table):
    opened_on = tables.Column(linkify=True)
    desk = tables.Column(linkify=True)
    citizen = tables.Column(accessor="pk", verbose_name=_("Citizen"), orderable=False)
    needs = tables.Column(accessor="get_needs_display", verbose_name=_("Needs"), orderable=False)

    class Meta:
        model = models.Case
        fields = ("opened_on", "desk", "channel", "citizen", "needs", "outcome", "follow_up_on", "status")

    def render_citizen(self, record: models.Case) -> str:
        return str(_("anonymous")) if record.anonymous else f"{record.first_name} {record.last_name}".strip()

    def value_citizen(self, record: models.Case) -> str:
        return self.render_citizen(record)


class ReferralTable(tables.Table):
    case = tables.Column(linkify=True)
    kind = tables.Column(accessor="get_target_kind_display", verbose_name=_("Referred to"), orderable=False)
    target = tables.Column(accessor="target", verbose_name=_("Target"), orderable=False)
    note = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta:
        model = models.Referral
        fields = ("case", "kind", "target", "note")


class AppointmentTable(tables.Table):
    starts_at = LocalTimeColumn(linkify=True, verbose_name=_("Time"))
    desk = tables.Column(linkify=True)
    citizen = tables.Column(accessor="last_name", verbose_name=_("Citizen"))

    class Meta:
        model = models.Appointment
        fields = ("starts_at", "desk", "citizen", "phone", "email", "topic", "status")

    def render_citizen(self, record: models.Appointment) -> str:
        return record.citizen

    def value_citizen(self, record: models.Appointment) -> str:
        return record.citizen
