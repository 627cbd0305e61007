"""One FilterSet per model of the programming cycle: list pages, REST API and exports filter alike."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from concilia.core.filtersets import BaseFilterSet, visible
from concilia.network.models import Alliance, Network, Organisation
from concilia.programming import models
from concilia.programming.choices import (
    ActionKind,
    Admissibility,
    BudgetCategory,
    CallKind,
    CallStatus,
    FundingKind,
    PartnerRole,
    ProjectStatus,
    ProposalStatus,
    RankingStatus,
    ReportStatus,
    VoucherBasis,
)


class PlanFilterSet(BaseFilterSet):
    search_fields = ("title", "objectives", "network__name", "agency__name")
    network = django_filters.ModelChoiceFilter(queryset=Network.objects.all(), label=_("Network"))
    year = django_filters.NumberFilter(method="in_force", label=_("In force in year"))

    class Meta:
        model = models.Plan
        fields = ["q", "network", "year"]

    def in_force(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(start_year__lte=value, end_year__gte=value)


class PlanPartFilterSet(BaseFilterSet):
    """Funding sources and budget lines: by plan."""

    plan = django_filters.ModelChoiceFilter(queryset=visible(models.Plan), label=_("Plan"))


class FundingSourceFilterSet(PlanPartFilterSet):
    search_fields = ("act", "notes", "funder__name", "plan__title")
    kind = django_filters.ChoiceFilter(choices=FundingKind.choices, label=_("Kind"))

    class Meta:
        model = models.FundingSource
        fields = ["q", "plan", "kind"]


class BudgetLineFilterSet(PlanPartFilterSet):
    search_fields = ("code", "name", "plan__title")

    class Meta:
        model = models.BudgetLine
        fields = ["q", "plan"]


class CallFilterSet(BaseFilterSet):
    search_fields = ("title", "code", "summary", "publisher__name")
    kind = django_filters.ChoiceFilter(choices=CallKind.choices, label=_("Kind"))
    status = django_filters.MultipleChoiceFilter(choices=CallStatus.choices, label=_("Status"))
    network = django_filters.ModelChoiceFilter(queryset=Network.objects.all(), label=_("Network"))
    plan = django_filters.ModelChoiceFilter(queryset=visible(models.Plan), label=_("Plan"))

    class Meta:
        model = models.Call
        fields = ["q", "kind", "status", "network", "plan"]


class CallPartFilterSet(BaseFilterSet):
    """Records that belong to a call (events, criteria, evaluators): by call."""

    call = django_filters.ModelChoiceFilter(queryset=visible(models.Call), label=_("Call"))


class CallEventFilterSet(CallPartFilterSet):
    search_fields = ("note", "call__title")
    to_status = django_filters.ChoiceFilter(choices=CallStatus.choices, label=_("To"))

    class Meta:
        model = models.CallEvent
        fields = ["q", "call", "to_status"]


class EvaluationCriterionFilterSet(CallPartFilterSet):
    search_fields = ("code", "label", "call__title")

    class Meta:
        model = models.EvaluationCriterion
        fields = ["q", "call"]


class FamilyCallTermsFilterSet(CallPartFilterSet):
    search_fields = ("call__title", "call__code")
    basis = django_filters.ChoiceFilter(choices=VoucherBasis.choices, label=_("Voucher amount"))
    first_come_first_served = django_filters.BooleanFilter(label=_("First come, first served"))

    class Meta:
        model = models.FamilyCallTerms
        fields = ["q", "call", "basis", "first_come_first_served"]


class CallOfferFilterSet(CallPartFilterSet):
    search_fields = ("call__title", "offer__label", "offer__service__name")

    class Meta:
        model = models.CallOffer
        fields = ["q", "call"]


class EvaluatorFilterSet(CallPartFilterSet):
    search_fields = ("user__username", "user__first_name", "user__last_name", "call__title")

    class Meta:
        model = models.Evaluator
        fields = ["q", "call"]


class ProposalFilterSet(CallPartFilterSet):
    search_fields = ("title", "summary", "alliance__name", "alliance__lead__name")
    alliance = django_filters.ModelChoiceFilter(queryset=Alliance.objects.all(), label=_("Alliance"))
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices, label=_("Status"))
    admissibility = django_filters.ChoiceFilter(choices=Admissibility.choices, label=_("Admissibility"))

    class Meta:
        model = models.Proposal
        fields = ["q", "call", "alliance", "status", "admissibility"]


class ProposalPartFilterSet(BaseFilterSet):
    """Actions, partners and budget lines of a proposal: by proposal."""

    proposal = django_filters.ModelChoiceFilter(queryset=visible(models.Proposal), label=_("Proposal"))


class ProposalActionFilterSet(ProposalPartFilterSet):
    search_fields = ("title", "description", "proposal__title")
    kind = django_filters.ChoiceFilter(choices=ActionKind.choices, label=_("Kind"))

    class Meta:
        model = models.ProposalAction
        fields = ["q", "proposal", "kind"]


class ProposalPartnerFilterSet(ProposalPartFilterSet):
    search_fields = ("organisation__name", "proposal__title")
    organisation = django_filters.ModelChoiceFilter(queryset=visible(Organisation), label=_("Organisation"))
    role = django_filters.ChoiceFilter(choices=PartnerRole.choices, label=_("Role"))

    class Meta:
        model = models.ProposalPartner
        fields = ["q", "proposal", "organisation", "role"]


class ProposalBudgetLineFilterSet(ProposalPartFilterSet):
    search_fields = ("description", "proposal__title")
    category = django_filters.ChoiceFilter(choices=BudgetCategory.choices, label=_("Category"))

    class Meta:
        model = models.ProposalBudgetLine
        fields = ["q", "proposal", "category"]


class ScoreFilterSet(ProposalPartFilterSet):
    search_fields = ("comment", "proposal__title", "criterion__label")
    evaluator = django_filters.ModelChoiceFilter(
        queryset=visible(models.Evaluator, "user", "call"), label=_("Evaluator")
    )
    criterion = django_filters.ModelChoiceFilter(queryset=visible(models.EvaluationCriterion), label=_("Criterion"))

    class Meta:
        model = models.Score
        fields = ["q", "proposal", "evaluator", "criterion"]


class ConflictOfInterestFilterSet(BaseFilterSet):
    search_fields = ("organisation__name", "note")
    organisation = django_filters.ModelChoiceFilter(queryset=visible(Organisation), label=_("Organisation"))
    evaluator = django_filters.ModelChoiceFilter(
        queryset=visible(models.Evaluator, "user", "call"), label=_("Evaluator")
    )

    class Meta:
        model = models.ConflictOfInterest
        fields = ["q", "evaluator", "organisation"]


class RankingFilterSet(CallPartFilterSet):
    search_fields = ("call__title", "reason")
    status = django_filters.ChoiceFilter(choices=RankingStatus.choices, label=_("Status"))

    class Meta:
        model = models.Ranking
        fields = ["q", "call", "status"]


class ProjectFilterSet(BaseFilterSet):
    search_fields = ("title", "acronym", "summary", "lead__name", "partners__organisation__name")
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("Status"))
    plan = django_filters.ModelChoiceFilter(queryset=visible(models.Plan), label=_("Plan"))
    call = django_filters.ModelChoiceFilter(queryset=visible(models.Call), label=_("Call"))
    lead = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(led_projects__isnull=False).distinct(), label=_("Lead")
    )
    partner = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(project_roles__isnull=False).distinct(),
        field_name="partners__organisation",
        distinct=True,
        label=_("Partner"),
    )

    class Meta:
        model = models.Project
        fields = ["q", "status", "plan", "call", "lead", "partner"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Searching partners joins a to-many relation: keep each project once.
        matches = super().search(models.Project.objects.all(), name, value)
        return queryset.filter(pk__in=matches.values("pk"))


class ProjectPartFilterSet(BaseFilterSet):
    """Partners, actions, indicators and expense reports of a project: by project."""

    project = django_filters.ModelChoiceFilter(queryset=visible(models.Project), label=_("Project"))


class ProjectPartnerFilterSet(ProjectPartFilterSet):
    search_fields = ("organisation__name", "project__title")
    organisation = django_filters.ModelChoiceFilter(queryset=visible(Organisation), label=_("Organisation"))
    role = django_filters.ChoiceFilter(choices=PartnerRole.choices, label=_("Role"))

    class Meta:
        model = models.ProjectPartner
        fields = ["q", "project", "organisation", "role"]


class ProjectActionFilterSet(ProjectPartFilterSet):
    search_fields = ("title", "description", "project__title")
    kind = django_filters.ChoiceFilter(choices=ActionKind.choices, label=_("Kind"))

    class Meta:
        model = models.ProjectAction
        fields = ["q", "project", "kind"]


class ExpenseReportFilterSet(ProjectPartFilterSet):
    search_fields = ("notes", "project__title")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("Status"))

    class Meta:
        model = models.ExpenseReport
        fields = ["q", "project", "status"]


class ExpenseLineFilterSet(BaseFilterSet):
    search_fields = ("description", "report__project__title")
    report = django_filters.ModelChoiceFilter(queryset=visible(models.ExpenseReport, "project"), label=_("Report"))
    category = django_filters.ChoiceFilter(choices=BudgetCategory.choices, label=_("Category"))

    class Meta:
        model = models.ExpenseLine
        fields = ["q", "report", "category"]


class IndicatorFilterSet(ProjectPartFilterSet):
    search_fields = ("name", "unit", "project__title")

    class Meta:
        model = models.Indicator
        fields = ["q", "project"]


class DocumentFilterSet(BaseFilterSet):
    search_fields = ("title", "url")
    plan = django_filters.ModelChoiceFilter(queryset=visible(models.Plan), label=_("Plan"))
    call = django_filters.ModelChoiceFilter(queryset=visible(models.Call), label=_("Call"))
    project = django_filters.ModelChoiceFilter(queryset=visible(models.Project), label=_("Project"))

    class Meta:
        model = models.Document
        fields = ["q", "plan", "call", "project"]
