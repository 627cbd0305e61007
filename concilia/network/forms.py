"""Forms of the network register."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from concilia.core.forms import RestrictedModelForm
from concilia.core.permissions import scope_of
from concilia.network import models
from concilia.territory.forms import MunicipalityChoiceField


class OrganisationForm(RestrictedModelForm):
    municipality = MunicipalityChoiceField(label=_("municipality"), required=False)
    represents_municipality = MunicipalityChoiceField(label=_("municipality it governs"), required=False)

    class Meta:
        model = models.Organisation
        fields = [
            "name", "short_name", "kind", "parent", "tax_code", "vat_number", "employees", "size_class",
            "address", "postal_code", "municipality", "represents_municipality", "health_agency",
            "district", "email", "pec", "phone", "website", "description", "valid_from", "valid_to", "is_public",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["municipality"].keep(self.instance.municipality)  # type: ignore[attr-defined]
            self.fields["represents_municipality"].keep(self.instance.represents_municipality)  # type: ignore[attr-defined]


class ContactForm(RestrictedModelForm):
    restricted_fields = {"organisation": "change"}

    class Meta:
        model = models.Contact
        fields = ["organisation", "name", "role", "email", "phone", "address", "is_public"]


class NetworkForm(RestrictedModelForm):
    class Meta:
        model = models.Network
        fields = [
            "name", "coordinator", "co_coordinator", "agency", "provinces", "districts",
            "founded_on", "description", "website",
        ]  # fmt: skip


class AgreementForm(RestrictedModelForm):
    restricted_fields = {"network": "change"}

    class Meta:
        model = models.Agreement
        fields = ["network", "title", "kind", "signed_on", "signed_year", "document", "signatories", "notes"]
        widgets = {"signatories": forms.SelectMultiple(attrs={"size": 10})}


class MembershipForm(RestrictedModelForm):
    restricted_fields = {"network": "change"}

    class Meta:
        model = models.Membership
        fields = ["network", "organisation", "role", "joined_on", "left_on", "agreement", "notes"]


class AllianceForm(RestrictedModelForm):
    class Meta:
        model = models.Alliance
        fields = [
            "name", "network", "lead", "districts", "formed_on", "ended_on", "open_to_new_partners",
            "declared_partner_count", "description",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(self.user)
        if not scope.is_admin and not scope.coordinated_network_ids:
            # A lead builds alliances its own organisation leads.
            self.fields["lead"].queryset = models.Organisation.objects.filter(pk__in=scope.lead_organisation_ids)  # type: ignore[attr-defined]


class PartnershipForm(RestrictedModelForm):
    restricted_fields = {"alliance": "change"}

    class Meta:
        model = models.Partnership
        fields = ["alliance", "organisation", "role", "joined_on", "left_on", "notes"]


class JoinRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=models.Organisation.objects.none(),
        label=_("On behalf of"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    message = forms.CharField(
        label=_("Message to the lead"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = models.Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=scope_of(user).organisation_ids()
        )


class JoinDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        help_text=_("Required when refusing; the organisation will read it."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("A refusal needs a reason."))
        return data


class NetworkMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=models.Network.objects.filter(merged_into__isnull=True),
        label=_("Merge into"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    on = forms.DateField(
        label=_("Date of the merge"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )

    def __init__(self, *args: Any, network: models.Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = self.fields["into"].queryset.exclude(pk=network.pk)  # type: ignore[attr-defined]
