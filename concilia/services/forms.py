"""Forms of the catalogue registers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from concilia.core.forms import RestrictedModelForm
from concilia.services import models
from concilia.services.choices import LANGUAGE_CHOICES, WEEKDAYS
from concilia.territory.forms import MunicipalityChoiceField


class ServiceForm(RestrictedModelForm):
    restricted_fields = {"provider": "change", "authorisation": "change"}
    municipality = MunicipalityChoiceField(label=_("municipality"))
    languages = forms.MultipleChoiceField(
        label=_("languages spoken"), choices=LANGUAGE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = models.Service
        fields = [
            "provider", "authorisation", "kind", "name", "description", "address", "postal_code", "municipality",
            "latitude", "longitude", "min_age_months", "max_age_months", "capacity", "capacity_note",
            "accepted_vouchers", "email", "phone", "website", "step_free", "accessibility", "languages", "external_code",
            "is_published", "valid_from", "valid_to",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["municipality"].keep(self.instance.municipality)  # type: ignore[attr-defined]


class ServicePartForm(RestrictedModelForm):
    restricted_fields = {"service": "change"}


class OfferForm(ServicePartForm):
    days = forms.TypedMultipleChoiceField(
        label=_("days"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = models.Offer
        fields = ["service", "period", "label", "days", "start_time", "end_time", "min_age_months", "max_age_months",
                  "capacity", "price_cents", "price_unit"]  # fmt: skip
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
        }


class PeriodForm(ServicePartForm):
    class Meta:
        model = models.Period
        fields = ["service", "name", "kind", "start", "end"]


class OpeningHoursForm(ServicePartForm):
    class Meta:
        model = models.OpeningHours
        fields = ["service", "weekday", "opens", "closes", "period"]
        widgets = {"opens": forms.TimeInput(attrs={"type": "time"}), "closes": forms.TimeInput(attrs={"type": "time"})}


class ClosureForm(ServicePartForm):
    class Meta:
        model = models.Closure
        fields = ["service", "start", "end", "reason"]


class FeeForm(ServicePartForm):
    class Meta:
        model = models.Fee
        fields = ["service", "label", "amount_cents", "unit", "isee_min_cents", "isee_max_cents"]


class AuthorisationForm(RestrictedModelForm):
    restricted_fields = {"organisation": "change"}

    class Meta:
        model = models.Authorisation
        fields = ["organisation", "kind", "act_number", "act_date", "issued_by", "expires_on", "note"]


class VoucherSchemeForm(RestrictedModelForm):
    restricted_fields = {"network": "change"}

    class Meta:
        model = models.VoucherScheme
        fields = ["code", "name", "network", "description", "url", "valid_from", "valid_to"]
