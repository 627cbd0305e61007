"""One FilterSet per model of the help desks: list pages, REST API and exports filter alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from concilia.core.filtersets import BaseFilterSet
from concilia.core.permissions import restrict
from concilia.helpdesk import models
from concilia.helpdesk.choices import AppointmentStatus, CaseStatus, Channel, Need, Outcome
from concilia.services.choices import WEEKDAYS


def _desks(request: Any) -> QuerySet:
    return restrict(models.Desk.objects.all(), getattr(request, "user", None), "view")


def _desk_municipalities(request: Any) -> QuerySet:
    from concilia.territory.models import Municipality

    return Municipality.objects.filter(desks__isnull=False).select_related("province").distinct()


def _desk_organisations(request: Any) -> QuerySet:
    from concilia.network.models import Organisation

    return Organisation.objects.filter(desks__isnull=False).distinct()


def _desk_networks(request: Any) -> QuerySet:
    from concilia.network.models import Network

    return Network.objects.filter(desks__isnull=False).distinct()


class DeskFilterSet(BaseFilterSet):
    search_fields = ("name", "address", "municipality__name", "organisation__name")
    organisation = django_filters.ModelChoiceFilter(label=_("run by"), queryset=_desk_organisations)
    network = django_filters.ModelChoiceFilter(label=_("network"), queryset=_desk_networks)
    municipality = django_filters.ModelChoiceFilter(label=_("municipality"), queryset=_desk_municipalities)
    service = django_filters.ChoiceFilter(label=_("Service offered"), choices=Need.choices, method="by_service")

    class Meta:
        model = models.Desk
        fields = ["q", "organisation", "network", "municipality", "service", "is_published"]

    def by_service(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # JSON containment is not portable to SQLite: the list is small, filter by the text.
        return queryset.filter(services__icontains=f'"{value}"') if value else queryset


class DeskPartFilterSet(BaseFilterSet):
    desk = django_filters.ModelChoiceFilter(label=_("help desk"), queryset=_desks)


class DeskHoursFilterSet(DeskPartFilterSet):
    search_fields = ("desk__name",)
    weekday = django_filters.ChoiceFilter(label=_("day"), choices=WEEKDAYS)

    class Meta:
        model = models.DeskHours
        fields = ["q", "desk", "weekday", "appointments"]


class DeskClosureFilterSet(DeskPartFilterSet):
    search_fields = ("desk__name", "reason")

    class Meta:
        model = models.DeskClosure
        fields = ["q", "desk"]


class CaseFilterSet(DeskPartFilterSet):
    search_fields = ("first_name", "last_name", "email", "description")
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=Channel.choices)
    outcome = django_filters.ChoiceFilter(label=_("outcome"), choices=Outcome.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=CaseStatus.choices)
    need = django_filters.ChoiceFilter(label=_("Need"), choices=Need.choices, method="by_need")
    opened_after = django_filters.DateFilter(field_name="opened_on", lookup_expr="gte", label=_("From"))
    opened_before = django_filters.DateFilter(field_name="opened_on", lookup_expr="lte", label=_("To"))
    follow_up_by = django_filters.DateFilter(field_name="follow_up_on", lookup_expr="lte", label=_("Follow up by"))

    class Meta:
        model = models.Case
        fields = ["q", "desk", "status", "channel", "need", "outcome", "opened_after", "opened_before", "follow_up_by"]

    def by_need(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(needs__icontains=f'"{value}"') if value else queryset


class ReferralFilterSet(BaseFilterSet):
    search_fields = ("other", "note", "service__name", "to_desk__name", "call__title")

    class Meta:
        model = models.Referral
        fields = ["q", "case"]


class AppointmentFilterSet(DeskPartFilterSet):
    """The day agenda: ``?day=YYYY-MM-DD`` lists one day's appointments in order."""

    search_fields = ("first_name", "last_name", "email")
    day = django_filters.DateFilter(label=_("Day"), method="on_day")
    status = django_filters.ChoiceFilter(label=_("status"), choices=AppointmentStatus.choices)

    class Meta:
        model = models.Appointment
        fields = ["q", "desk", "day", "status"]

    def on_day(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        from concilia.helpdesk.selectors import ROME

        start = dt.datetime.combine(value, dt.time.min, tzinfo=ROME)
        return queryset.filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
