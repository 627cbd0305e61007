"""Tables of the programming registers (list pages, related sections and CSV/XLSX exports)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from concilia.core.tables import detail_column
from concilia.programming import models
from concilia.services.tables import euro


class EuroColumn(tables.Column):
    """An amount in euro cents, shown in euro (``€ 1.234,56``), under a capitalised header."""

    @property
    def header(self) -> Any:
        return capfirst(super().header)

    def render(self, value: Any) -> str:
        return euro(value)


class PlanTable(tables.Table):
    title = tables.Column(linkify=True)
    network = tables.Column(linkify=True)
    agency = tables.Column(linkify=True)
    period = tables.Column(verbose_name=capfirst(_("period")), order_by=("start_year", "end_year"))

    class Meta:
        model = models.Plan
        fields = ("title", "network", "period", "agency", "approval_act", "approval_date")


class FundingSourceTable(tables.Table):
    plan = tables.Column(linkify=True)
    funder = tables.Column(linkify=True)
    amount_cents = EuroColumn(verbose_name=_("amount"))
    detail = detail_column("programming:fundingsource_detail")

    class Meta:
        model = models.FundingSource
        fields = ("kind", "funder", "amount_cents", "act", "plan")


class BudgetLineTable(tables.Table):
    name = tables.Column(linkify=True)
    plan = tables.Column(linkify=True)
    amount_cents = EuroColumn(verbose_name=_("amount"))

    class Meta:
        model = models.BudgetLine
        fields = ("code", "name", "amount_cents", "plan")


class CallTable(tables.Table):
    title = tables.Column(linkify=True)
    network = tables.Column(linkify=True)
    budget_cents = EuroColumn(verbose_name=_("budget"))

    class Meta:
        model = models.Call
        fields = ("title", "code", "kind", "status", "network", "opens_at", "closes_at", "budget_cents")


class CallEventTable(tables.Table):
    call = tables.Column(linkify=True)
    detail = detail_column("programming:callevent_detail")

    class Meta:
        model = models.CallEvent
        fields = ("at", "from_status", "to_status", "by", "note", "call")


class EvaluationCriterionTable(tables.Table):
    label = tables.Column(linkify=True)
    call = tables.Column(linkify=True)

    class Meta:
        model = models.EvaluationCriterion
        fields = ("order", "code", "label", "max_points", "call")


class FamilyCallTermsTable(tables.Table):
    call = tables.Column(linkify=True)
    amount_cents = EuroColumn(verbose_name=_("amount"))
    max_per_child_cents = EuroColumn(verbose_name=_("maximum per child"))
    max_per_household_cents = EuroColumn(verbose_name=_("maximum per application"))
    detail = detail_column("programming:familycallterms_detail")

    class Meta:
        model = models.FamilyCallTerms
        fields = ("call", "basis", "amount_cents", "max_weeks", "max_per_child_cents", "max_per_household_cents",
                  "application_unit", "first_come_first_served")  # fmt: skip


class CallOfferTable(tables.Table):
    offer = tables.Column(linkify=True)
    service = tables.Column(accessor="offer__service", linkify=True, verbose_name=capfirst(_("service")))
    call = tables.Column(linkify=True)
    detail = detail_column("programming:calloffer_detail")

    class Meta:
        model = models.CallOffer
        fields = ("offer", "service", "places", "call")


class EvaluatorTable(tables.Table):
    call = tables.Column(linkify=True)
    detail = detail_column("programming:evaluator_detail")

    class Meta:
        model = models.Evaluator
        fields = ("user", "call")


class ProposalTable(tables.Table):
    title = tables.Column(linkify=True)
    call = tables.Column(linkify=True)
    alliance = tables.Column(linkify=True)
    requested_cents = EuroColumn(verbose_name=_("grant requested"))

    class Meta:
        model = models.Proposal
        fields = ("protocol_number", "title", "alliance", "call", "status", "submitted_at", "requested_cents",
                  "admissibility")  # fmt: skip


class ProposalActionTable(tables.Table):
    title = tables.Column(linkify=True)
    proposal = tables.Column(linkify=True)
    budget_cents = EuroColumn(verbose_name=_("budget"))

    class Meta:
        model = models.ProposalAction
        fields = ("title", "kind", "starts_on", "ends_on", "budget_cents", "proposal")


class ProposalPartnerTable(tables.Table):
    organisation = tables.Column(linkify=True)
    proposal = tables.Column(linkify=True)
    cofinancing_cents = EuroColumn(verbose_name=_("co-financing"))
    detail = detail_column("programming:proposalpartner_detail")

    class Meta:
        model = models.ProposalPartner
        fields = ("organisation", "role", "cofinancing_cents", "proposal")


class ProposalBudgetLineTable(tables.Table):
    proposal = tables.Column(linkify=True)
    amount_cents = EuroColumn(verbose_name=_("amount"))
    detail = detail_column("programming:proposalbudgetline_detail")

    class Meta:
        model = models.ProposalBudgetLine
        fields = ("category", "description", "amount_cents", "proposal")


class ScoreTable(tables.Table):
    proposal = tables.Column(linkify=True)
    evaluator = tables.Column(accessor="evaluator__user", verbose_name=_("evaluator"))
    detail = detail_column("programming:score_detail")

    class Meta:
        model = models.Score
        fields = ("proposal", "criterion", "points", "evaluator", "comment")


class ConflictOfInterestTable(tables.Table):
    organisation = tables.Column(linkify=True)
    evaluator = tables.Column(linkify=True)
    detail = detail_column("programming:conflictofinterest_detail")

    class Meta:
        model = models.ConflictOfInterest
        fields = ("evaluator", "organisation", "note", "withdrawn_at")


class RankingTable(tables.Table):
    call = tables.Column(linkify=True)
    version = tables.Column(linkify=True)

    class Meta:
        model = models.Ranking
        fields = ("call", "version", "status", "published_at", "objections_until", "reason")


class ProjectTable(tables.Table):
    title = tables.Column(linkify=True)
    lead = tables.Column(linkify=True)
    granted_cents = EuroColumn(verbose_name=_("grant"))
    cofinancing_cents = EuroColumn(verbose_name=_("co-financing"))

    class Meta:
        model = models.Project
        fields = ("title", "acronym", "lead", "starts_on", "ends_on", "granted_cents", "cofinancing_cents", "status")


class ProjectPartnerTable(tables.Table):
    organisation = tables.Column(linkify=True)
    project = tables.Column(linkify=True)
    cofinancing_cents = EuroColumn(verbose_name=_("co-financing"))
    detail = detail_column("programming:projectpartner_detail")

    class Meta:
        model = models.ProjectPartner
        fields = ("organisation", "role", "cofinancing_cents", "project")


class ProjectActionTable(tables.Table):
    title = tables.Column(linkify=True)
    project = tables.Column(linkify=True)
    budget_cents = EuroColumn(verbose_name=_("budget"))

    class Meta:
        model = models.ProjectAction
        fields = ("title", "kind", "starts_on", "ends_on", "budget_cents", "project")


class ExpenseReportTable(tables.Table):
    project = tables.Column(linkify=True)
    detail = detail_column("programming:expensereport_detail")

    class Meta:
        model = models.ExpenseReport
        fields = ("project", "period_start", "period_end", "status", "submitted_at", "reviewed_at", "notes")


class ExpenseLineTable(tables.Table):
    description = tables.Column(linkify=True)
    report = tables.Column(linkify=True)
    amount_cents = EuroColumn(verbose_name=_("amount claimed"))
    approved_cents = EuroColumn(verbose_name=_("amount approved"))

    class Meta:
        model = models.ExpenseLine
        fields = ("description", "category", "amount_cents", "approved_cents", "decision_reason", "report")


class IndicatorTable(tables.Table):
    name = tables.Column(linkify=True)
    project = tables.Column(linkify=True)

    class Meta:
        model = models.Indicator
        fields = ("name", "unit", "target", "achieved", "project")


class DocumentTable(tables.Table):
    title = tables.Column(linkify=True)
    plan = tables.Column(linkify=True)
    call = tables.Column(linkify=True)
    project = tables.Column(linkify=True)

    class Meta:
        model = models.Document
        fields = ("title", "url", "plan", "call", "project")
