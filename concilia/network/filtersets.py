"""One FilterSet per model: the list pages, the REST API and the exports filter alike."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from concilia.core import clock
from concilia.core.filtersets import BaseFilterSet
from concilia.network import models
from concilia.network.choices import (
    JoinRequestStatus,
    MembershipRole,
    OrganisationKind,
    OrganisationSector,
    PartnerRole,
    SizeClass,
)
from concilia.territory.models import HealthAgency, Province

ACTIVE_CHOICES = (("active", _("Active")), ("ended", _("Ended")))


class OrganisationFilterSet(BaseFilterSet):
    search_fields = ("name", "short_name", "tax_code", "vat_number", "municipality__name")
    kind = django_filters.MultipleChoiceFilter(choices=OrganisationKind.choices, label=_("Kind"))
    sector = django_filters.ChoiceFilter(choices=OrganisationSector.choices, label=_("Sector"))
    size_class = django_filters.ChoiceFilter(choices=SizeClass.choices, label=_("Size class"))
    province = django_filters.ModelChoiceFilter(
        field_name="municipality__province",
        queryset=Province.objects.filter(region__code="03"),
        label=_("Province"),
    )
    network = django_filters.ModelChoiceFilter(
        queryset=models.Network.objects.all(), method="in_network", label=_("Member of network")
    )
    is_example = django_filters.BooleanFilter(label=_("Example record"))
    status = django_filters.ChoiceFilter(
        choices=(("active", _("Active")), ("ended", _("Ceased"))), method="filter_status", label=_("Status")
    )

    class Meta:
        model = models.Organisation
        fields = ["kind", "sector", "size_class", "province", "network", "is_example", "status"]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(valid_to__isnull=value == "active")

    def in_network(self, queryset: QuerySet, name: str, value: models.Network) -> QuerySet:
        return queryset.filter(
            pk__in=models.Membership.objects.filter(network=value, left_on__isnull=True).values("organisation")
        )


class ContactFilterSet(BaseFilterSet):
    search_fields = ("name", "role", "organisation__name")

    class Meta:
        model = models.Contact
        fields = ["organisation"]


class NetworkFilterSet(BaseFilterSet):
    search_fields = ("name", "description", "coordinator__name")
    active = django_filters.ChoiceFilter(choices=ACTIVE_CHOICES, method="filter_active", label=_("Status"))
    agency = django_filters.ModelChoiceFilter(queryset=HealthAgency.objects.all(), label=_("Health agency"))

    class Meta:
        model = models.Network
        fields = ["agency", "active"]

    def filter_active(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        current = models.Network.objects.current_on().values("pk")
        return queryset.filter(pk__in=current) if value == "active" else queryset.exclude(pk__in=current)


class AgreementFilterSet(BaseFilterSet):
    search_fields = ("title", "network__name", "notes")
    signed_year = django_filters.RangeFilter(label=_("Year signed"))

    class Meta:
        model = models.Agreement
        fields = ["network", "kind", "signed_year"]


class MembershipFilterSet(BaseFilterSet):
    search_fields = ("organisation__name", "network__name")
    kind = django_filters.MultipleChoiceFilter(
        field_name="organisation__kind", choices=OrganisationKind.choices, label=_("Kind of organisation")
    )
    sector = django_filters.ChoiceFilter(
        field_name="organisation__sector", choices=OrganisationSector.choices, label=_("Sector")
    )
    role = django_filters.ChoiceFilter(choices=MembershipRole.choices, label=_("Role"))
    active = django_filters.ChoiceFilter(choices=ACTIVE_CHOICES, method="filter_active", label=_("Status"))

    class Meta:
        model = models.Membership
        fields = ["network", "organisation", "role", "kind", "sector", "active"]

    def filter_active(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        current = models.Membership.objects.current_on().values("pk")
        return queryset.filter(pk__in=current) if value == "active" else queryset.exclude(pk__in=current)


class AllianceFilterSet(BaseFilterSet):
    search_fields = ("name", "description", "lead__name", "partnerships__organisation__name")
    active = django_filters.ChoiceFilter(choices=ACTIVE_CHOICES, method="filter_active", label=_("Status"))
    partner = django_filters.ModelChoiceFilter(
        queryset=models.Organisation.objects.all(), method="with_partner", label=_("Partner")
    )

    class Meta:
        model = models.Alliance
        fields = ["network", "lead", "open_to_new_partners", "active", "partner"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Searching partners joins a to-many relation: keep each alliance once.
        matches = super().search(models.Alliance.objects.all(), name, value)
        return queryset.filter(pk__in=matches.values("pk"))

    def filter_active(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = clock.today()
        ongoing = Q(ended_on__isnull=True) | Q(ended_on__gte=today)
        return queryset.filter(ongoing) if value == "active" else queryset.exclude(ongoing)

    def with_partner(self, queryset: QuerySet, name: str, value: models.Organisation) -> QuerySet:
        return queryset.filter(Q(lead=value) | Q(pk__in=value.partnerships.values("alliance")))


class PartnershipFilterSet(BaseFilterSet):
    search_fields = ("organisation__name", "alliance__name")
    role = django_filters.ChoiceFilter(choices=PartnerRole.choices, label=_("Role"))
    sector = django_filters.ChoiceFilter(
        field_name="organisation__sector", choices=OrganisationSector.choices, label=_("Sector")
    )

    class Meta:
        model = models.Partnership
        fields = ["alliance", "organisation", "role", "sector"]


class JoinRequestFilterSet(BaseFilterSet):
    search_fields = ("organisation__name", "alliance__name", "message")
    status = django_filters.ChoiceFilter(choices=JoinRequestStatus.choices, label=_("Status"))

    class Meta:
        model = models.JoinRequest
        fields = ["alliance", "organisation", "status"]
