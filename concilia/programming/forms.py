"""Forms of the programming registers.

Statuses, protocol numbers, admissibility and approvals are not here: they change only through
the workflow in :mod:`concilia.programming.services`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from concilia.core.forms import RestrictedModelForm
from concilia.core.permissions import restrict
from concilia.programming import family_fields, models
from concilia.programming.choices import FAMILY_CALL_KINDS, CallKind, CallStatus
from concilia.services.choices import ServiceKind


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker (the server reads it in Europe/Rome)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class PlanForm(RestrictedModelForm):
    restricted_fields = {"network": "change"}

    class Meta:
        model = models.Plan
        fields = ["network", "title", "start_year", "end_year", "agency", "approval_act", "approval_date",
                  "objectives", "description"]  # fmt: skip


class PlanPartForm(RestrictedModelForm):
    restricted_fields = {"plan": "change"}


class FundingSourceForm(PlanPartForm):
    class Meta:
        model = models.FundingSource
        fields = ["plan", "kind", "funder", "amount_cents", "act", "notes"]


class BudgetLineForm(PlanPartForm):
    class Meta:
        model = models.BudgetLine
        fields = ["plan", "code", "name", "amount_cents"]


class CallForm(RestrictedModelForm):
    restricted_fields = {"network": "change", "plan": "change", "budget_line": "change"}

    class Meta:
        model = models.Call
        fields = [
            "network", "publisher", "plan", "budget_line", "kind", "code", "title", "summary", "opens_at",
            "closes_at", "budget_cents", "max_grant_cents", "min_cofinancing_percent", "objections_days", "rules",
        ]  # fmt: skip
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "rules": forms.Textarea(attrs={"rows": 12, "class": "form-control font-monospace"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = self.fields["rules"]
        rules.help_text = format_lazy(
            "{} {}",
            rules.help_text,
            _("The rules of a call for family vouchers or places read the fields of a family application: %(fields)s.")
            % {"fields": ", ".join(family_fields.names())},
        )


class CallPartForm(RestrictedModelForm):
    """A part of a call its coordinators set while it is a draft; only calls of ``call_kinds`` are offered."""

    restricted_fields = {"call": "change"}
    call_kinds: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["call"]
        current = self.instance.call_id if self.instance.pk else None
        field.queryset = field.queryset.filter(Q(kind__in=self.call_kinds) | Q(pk=current))


class FamilyCallTermsForm(CallPartForm):
    call_kinds = FAMILY_CALL_KINDS
    service_kinds = forms.MultipleChoiceField(
        label=_("Kinds of service covered"),
        choices=ServiceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The vouchers may be spent on these kinds of service; none chosen: on any."),
    )

    class Meta:
        model = models.FamilyCallTerms
        fields = [
            "call", "first_come_first_served", "application_unit", "age_reference_date", "basis", "amount_cents",
            "max_weeks", "max_per_child_cents", "max_per_household_cents", "service_kinds", "providers",
            "voucher_scheme",
        ]  # fmt: skip
        widgets = {"providers": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from concilia.services.models import Service

        providers: Any = self.fields["providers"]
        kept = list(self.instance.providers.values_list("pk", flat=True)) if self.instance.pk else []
        # Providers of the catalogue: organisations that run a service (and those the terms name already).
        providers.queryset = providers.queryset.filter(
            Q(pk__in=Service.objects.values("provider")) | Q(pk__in=kept)
        ).order_by("name")


class CallOfferForm(CallPartForm):
    restricted_fields = {"call": "change", "offer": "view"}
    call_kinds = (CallKind.FAMILY_PLACES,)

    class Meta:
        model = models.CallOffer
        fields = ["call", "offer", "places"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer: Any = self.fields["offer"]
        offer.queryset = offer.queryset.select_related("service")  # the offer's label names its service


class EvaluationCriterionForm(RestrictedModelForm):
    restricted_fields = {"call": "change"}

    class Meta:
        model = models.EvaluationCriterion
        fields = ["call", "order", "code", "label", "max_points"]


class EvaluatorForm(RestrictedModelForm):
    restricted_fields = {"call": "keep"}

    class Meta:
        model = models.Evaluator
        fields = ["call", "user"]


class ProposalForm(RestrictedModelForm):
    """A lead drafts a proposal for an alliance it leads to a call open for submissions."""

    restricted_fields = {"alliance": "change"}

    class Meta:
        model = models.Proposal
        fields = ["call", "alliance", "title", "summary", "requested_cents"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        open_calls = models.Call.objects.filter(status=CallStatus.OPEN)
        if self.instance.pk and self.instance.call_id:
            open_calls = models.Call.objects.filter(pk=self.instance.call_id) | open_calls
        self.fields["call"].queryset = restrict(open_calls, self.user, "view")  # type: ignore[attr-defined]


class ProposalPartForm(RestrictedModelForm):
    restricted_fields = {"proposal": "change"}


class ProposalActionForm(ProposalPartForm):
    class Meta:
        model = models.ProposalAction
        fields = ["proposal", "kind", "title", "description", "starts_on", "ends_on", "budget_cents"]


class ProposalPartnerForm(ProposalPartForm):
    class Meta:
        model = models.ProposalPartner
        fields = ["proposal", "organisation", "role", "cofinancing_cents"]


class ProposalBudgetLineForm(ProposalPartForm):
    class Meta:
        model = models.ProposalBudgetLine
        fields = ["proposal", "category", "description", "amount_cents"]


class ScoreForm(RestrictedModelForm):
    restricted_fields = {"proposal": "view", "evaluator": "score", "criterion": "view"}

    class Meta:
        model = models.Score
        fields = ["proposal", "evaluator", "criterion", "points", "comment"]


class ConflictOfInterestForm(RestrictedModelForm):
    restricted_fields = {"evaluator": "score"}

    class Meta:
        model = models.ConflictOfInterest
        fields = ["evaluator", "organisation", "note"]


class ProjectForm(RestrictedModelForm):
    restricted_fields = {"proposal": "view", "call": "keep", "plan": "change"}

    class Meta:
        model = models.Project
        fields = [
            "title", "acronym", "proposal", "call", "plan", "alliance", "lead", "summary", "starts_on", "ends_on",
            "granted_cents", "cofinancing_cents", "status", "predecessors", "website",
        ]  # fmt: skip
        widgets = {"predecessors": forms.SelectMultiple(attrs={"size": 6})}


class ProjectPartForm(RestrictedModelForm):
    restricted_fields = {"project": "change"}


class ProjectPartnerForm(ProjectPartForm):
    class Meta:
        model = models.ProjectPartner
        fields = ["project", "organisation", "role", "cofinancing_cents"]


class ProjectActionForm(ProjectPartForm):
    class Meta:
        model = models.ProjectAction
        fields = ["project", "kind", "title", "description", "starts_on", "ends_on", "budget_cents"]


class ExpenseReportForm(RestrictedModelForm):
    restricted_fields = {"project": "report"}

    class Meta:
        model = models.ExpenseReport
        fields = ["project", "period_start", "period_end", "notes"]


class ExpenseLineForm(RestrictedModelForm):
    restricted_fields = {"report": "change"}

    class Meta:
        model = models.ExpenseLine
        fields = ["report", "category", "description", "amount_cents", "document"]


class IndicatorForm(RestrictedModelForm):
    restricted_fields = {"project": "report"}

    class Meta:
        model = models.Indicator
        fields = ["project", "name", "unit", "target", "achieved"]


class DocumentForm(RestrictedModelForm):
    restricted_fields = {"plan": "change", "call": "keep", "project": "report"}

    class Meta:
        model = models.Document
        fields = ["title", "plan", "call", "project", "file", "url"]
