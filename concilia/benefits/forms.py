"""The forms of the family's own pages (household, people, ISEE)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from concilia.benefits import models
from concilia.core.forms import DateInput, MoneyField, RestrictedModelForm


class HouseholdForm(RestrictedModelForm):
    class Meta:
        model = models.Household
        fields = ["municipality", "address"]


class AdultForm(RestrictedModelForm):
    class Meta:
        model = models.Adult
        fields = [
            "first_name",
            "last_name",
            "tax_code",
            "birth_date",
            "role",
            "employment",
            "employer",
            "employer_other",
            "weekly_hours",
        ]


class ChildForm(RestrictedModelForm):
    class Meta:
        model = models.Child
        fields = ["first_name", "last_name", "tax_code", "birth_date", "certified_disability", "school"]


class DependantForm(RestrictedModelForm):
    class Meta:
        model = models.Dependant
        fields = ["first_name", "last_name", "tax_code", "birth_date", "non_self_sufficient"]


class IseeForm(forms.Form):
    value_cents = MoneyField(
        label=_("ISEE value"), help_text=_("In euros, as on the certificate, for example 18.500,00")
    )
    dsu_number = forms.CharField(
        label=_("DSU protocol"),
        max_length=32,
        help_text=_("On the certificate, for example INPS-ISEE-2026-00123456A-00."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    expires_on = forms.DateField(label=_("Valid until"), widget=DateInput(attrs={"class": "form-control"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value_cents"].widget.attrs.setdefault("class", "form-control")
