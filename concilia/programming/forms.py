"""Forms of the programming registers.

Statuses, protocol numbers, admissibility and approvals are not here: they change only through
the workflow in :mod:`concilia.programming.services`.
"""

from __future__ import annotations

from typing import Any

from django import forms

from concilia.core.forms import RestrictedModelForm
from concilia.core.permissions import restrict
from concilia.programming import models
from concilia.programming.choices import CallStatus


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
