"""FilterSets of the catalogue registers (list pages, API and exports filter alike)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from concilia.core.filtersets import BaseFilterSet, MoneyFilter
from concilia.network.models import Organisation
from concilia.services import models
from concilia.services.choices import AuthorisationKind, ServiceKind
from concilia.territory.models import Province


class ServiceFilterSet(BaseFilterSet):
    search_fields = ("name", "provider__name", "address", "municipality__name", "external_code")
    kind = django_filters.MultipleChoiceFilter(choices=ServiceKind.choices, label=_("Kind"))
    province = django_filters.ModelChoiceFilter(
        field_name="municipality__province", queryset=Province.objects.filter(region__code="03"), label=_("Province")
    )
    provider = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(services__isnull=False).distinct(), label=_("Provider")
    )
    voucher = django_filters.ModelChoiceFilter(
        field_name="accepted_vouchers", queryset=models.VoucherScheme.objects.all(), label=_("Voucher accepted")
    )
    for_elderly = django_filters.BooleanFilter(label=_("For elderly people"))
    is_published = django_filters.BooleanFilter(label=_("Published"))

    class Meta:
        model = models.Service
        fields = ["q", "kind", "province", "provider", "voucher", "for_elderly", "is_published"]


class OfferFilterSet(BaseFilterSet):
    search_fields = ("label", "service__name")
    service = django_filters.ModelChoiceFilter(queryset=models.Service.objects.all(), label=_("Service"))
    kind = django_filters.MultipleChoiceFilter(field_name="service__kind", choices=ServiceKind.choices, label=_("Kind"))
    max_weekly = MoneyFilter(field_name="weekly_cents", lookup_expr="lte", label=_("Maximum price per week"))

    class Meta:
        model = models.Offer
        fields = ["q", "service", "kind", "max_weekly"]


class ServicePartFilterSet(BaseFilterSet):
    """For periods, opening hours, closures and fees: by service."""

    service = django_filters.ModelChoiceFilter(queryset=models.Service.objects.all(), label=_("Service"))


class PeriodFilterSet(ServicePartFilterSet):
    search_fields = ("name", "service__name")

    class Meta:
        model = models.Period
        fields = ["q", "service", "kind"]


class OpeningHoursFilterSet(ServicePartFilterSet):
    class Meta:
        model = models.OpeningHours
        fields = ["service", "weekday"]


class ClosureFilterSet(ServicePartFilterSet):
    search_fields = ("reason", "service__name")

    class Meta:
        model = models.Closure
        fields = ["q", "service"]


class FeeFilterSet(ServicePartFilterSet):
    search_fields = ("label", "service__name")

    class Meta:
        model = models.Fee
        fields = ["q", "service", "unit"]


class AuthorisationFilterSet(BaseFilterSet):
    search_fields = ("organisation__name", "act_number", "issued_by")
    kind = django_filters.ChoiceFilter(choices=AuthorisationKind.choices, label=_("Kind"))

    class Meta:
        model = models.Authorisation
        fields = ["q", "kind", "organisation"]


class VoucherSchemeFilterSet(BaseFilterSet):
    search_fields = ("name", "code", "description")

    class Meta:
        model = models.VoucherScheme
        fields = ["q", "network"]
