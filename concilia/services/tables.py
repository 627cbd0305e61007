"""Tables of the catalogue registers (list pages and CSV/XLSX exports)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from concilia.core.tables import detail_column
from concilia.services import models


def euro(cents: int | None) -> str:
    return "" if cents is None else f"€ {cents / 100:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


class ServiceTable(tables.Table):
    name = tables.Column(linkify=True)
    provider = tables.Column(linkify=True)
    municipality = tables.Column(linkify=True)
    external_code = tables.Column(visible=False)

    class Meta:
        model = models.Service
        fields = ("name", "kind", "provider", "municipality", "min_age_months", "max_age_months", "capacity",
                  "is_published", "external_code")  # fmt: skip
        order_by = ("name",)


class OfferTable(tables.Table):
    label = tables.Column(linkify=True, verbose_name=_("offer"))
    service = tables.Column(linkify=True)
    price_cents = tables.Column(verbose_name=_("price"))
    weekly_cents = tables.Column(verbose_name=_("price per week"))

    class Meta:
        model = models.Offer
        fields = ("label", "service", "period", "start_time", "end_time", "min_age_months", "max_age_months",
                  "capacity", "price_cents", "price_unit", "weekly_cents")  # fmt: skip

    def render_price_cents(self, value: int) -> str:
        return euro(value)

    def render_weekly_cents(self, value: int) -> str:
        return euro(value)

    def render_label(self, value: Any, record: models.Offer) -> str:
        return str(record)


class PeriodTable(tables.Table):
    name = tables.Column(linkify=True)

    class Meta:
        model = models.Period
        fields = ("name", "kind", "start", "end", "service")


class OpeningHoursTable(tables.Table):
    detail = detail_column("services:openinghours_detail")

    class Meta:
        model = models.OpeningHours
        fields = ("weekday", "opens", "closes", "period", "service")


class ClosureTable(tables.Table):
    detail = detail_column("services:closure_detail")

    class Meta:
        model = models.Closure
        fields = ("start", "end", "reason", "service")


class FeeTable(tables.Table):
    amount_cents = tables.Column(verbose_name=_("amount"))
    isee_min_cents = tables.Column(verbose_name=_("ISEE from"))
    isee_max_cents = tables.Column(verbose_name=_("ISEE up to"))
    detail = detail_column("services:fee_detail")

    class Meta:
        model = models.Fee
        fields = ("label", "amount_cents", "unit", "isee_min_cents", "isee_max_cents", "service")

    def render_amount_cents(self, value: int) -> str:
        return euro(value)

    def render_isee_min_cents(self, value: int) -> str:
        return euro(value)

    def render_isee_max_cents(self, value: int) -> str:
        return euro(value)


class AuthorisationTable(tables.Table):
    organisation = tables.Column(linkify=True)
    detail = detail_column("services:authorisation_detail")

    class Meta:
        model = models.Authorisation
        fields = ("organisation", "kind", "act_number", "act_date", "issued_by", "expires_on")


class VoucherSchemeTable(tables.Table):
    name = tables.Column(linkify=True)

    class Meta:
        model = models.VoucherScheme
        fields = ("name", "code", "network", "valid_from", "valid_to")
