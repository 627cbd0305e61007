"""The programming cycle's registers, each declared once: pages, API and exports follow.

Plans, calls, proposals, rankings and projects are in the menu; the records that hang off them
(funding sources, budget lines, criteria, a family call's terms and offers, events, evaluators, a
proposal's actions, partners and budget, scores, conflicts of interest, a project's partners, actions,
reports and indicators, documents) are registers of their own, listed on their parent's page. Call events and rankings are
read-only: the workflow in :mod:`concilia.programming.services` writes them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from concilia.core.api import read_only_viewset
from concilia.core.display import object_fields
from concilia.core.permissions import can, restrict
from concilia.core.registry import MENU, Action, Register, Related, register
from concilia.core.workflow_views import workflow_links
from concilia.core.writers import ReadOnly
from concilia.programming import filtersets, forms, models, tables
from concilia.programming.api import serializers
from concilia.programming.choices import CallKind, CallStatus
from concilia.programming.writers import (
    ConflictWriter,
    FamilyCallPartWriter,
    ProposalPartWriter,
    ProposalWriter,
    ScoreWriter,
)


def _part(model: Any, slug: str, **extra: Any) -> Register:
    """A record that hangs off a plan, call, proposal or project: listed on its parent's page."""
    name = model.__name__
    return register(
        Register(
            model=model,
            slug=slug,
            filterset=getattr(filtersets, f"{name}FilterSet"),
            table=getattr(tables, f"{name}Table"),
            serializer=getattr(serializers, f"{name}Serializer"),
            form=extra.pop("form", getattr(forms, f"{name}Form", None)),
            menu=False,
            **extra,
        )
    )


def _add(view: str, parent: str) -> Any:
    return lambda obj: reverse(f"programming:{view}_add") + f"?{parent}={obj.pk}"


# --- detail page contexts ----------------------------------------------------------------------


def _plain_rules(call: models.Call) -> Any:
    from concilia.programming.plain_rules import describe

    try:
        return describe(call)
    except (ValidationError, KeyError, TypeError, ValueError):
        return None


CALL_STEPS = [
    (_("Change status"), "programming:call_status", "keep"),
    (_("Try the rules"), "programming:call_rules_preview", "keep"),
    (_("Check admissibility"), "programming:call_admissibility", "keep"),
    (_("Publish the ranking"), "programming:call_publish_ranking", "keep"),
]
PROPOSAL_STEPS = [
    (_("Submit"), "programming:proposal_submit", "submit"),
    (_("Withdraw"), "programming:proposal_withdraw", "withdraw"),
    (_("Score"), "programming:proposal_score", "score"),
    (_("Decide admissibility"), "programming:proposal_admissibility", "admit"),
    (_("Receipt (PDF)"), "programming:proposal_receipt", "receipt"),
]


def _family_context(obj: models.Call, request: HttpRequest) -> dict[str, Any]:
    """A family call's terms and offers, with the links its coordinators use while it is a draft."""
    if not obj.is_family:
        return {"family": None}
    from concilia.programming.rules import terms_of

    user = request.user
    terms = terms_of(obj)
    editable = can(user, "change", obj)  # a draft the user coordinates
    family: dict[str, Any] = {
        "terms": terms,
        "terms_fields": object_fields(terms, FAMILY_TERMS_FIELDS[1:]) if terms is not None else [],
        "terms_edit_url": reverse("programming:familycallterms_edit", args=[terms.pk]) if editable and terms else None,
        "terms_add_url": _add("familycallterms", "call")(obj) if editable and terms is None else None,
        "offers": None,
    }
    if obj.kind == CallKind.FAMILY_PLACES:
        rows = restrict(obj.call_offers.select_related("call", "offer__service"), user, "view")
        family.update(
            places=True,
            offers=tables.CallOfferTable(rows, prefix="o-", orderable=False, exclude=("call",)),
            has_offers=rows.exists(),
            offer_add_url=_add("calloffer", "call")(obj) if editable else None,
            offers_list_url=reverse("programming:calloffer_list") + f"?call={obj.pk}",
        )
    return {"family": family}


def _call_context(obj: models.Call, request: HttpRequest) -> dict[str, Any]:
    user = request.user
    # Proposals are never public: the table is there only for who may see some.
    proposals = restrict(obj.proposals.select_related("call", "alliance"), user, "view")
    proposal_table = None
    if proposals.exists():
        proposal_table = tables.ProposalTable(proposals, prefix="p-", orderable=False)
    return {
        "plain_rules": _plain_rules(obj),
        "workflow": workflow_links(obj, request, CALL_STEPS),
        "criteria": list(restrict(obj.criteria.all(), user, "view")),
        "events": list(obj.events.select_related("by")),
        "documents": list(restrict(obj.documents.all(), user, "view")),
        "rankings": list(obj.rankings.all()),
        "proposal_table": proposal_table,
        "can_add_proposal": obj.status == CallStatus.OPEN and can(user, "add", models.Proposal),
        "proposal_add_url": reverse("programming:proposal_add") + f"?call={obj.pk}",
        "can_keep": can(user, "keep", obj),
        "evaluator_table": tables.EvaluatorTable(
            restrict(obj.evaluators.select_related("user", "call"), user, "view"), prefix="e-", orderable=False
        )
        if can(user, "keep", obj)
        else None,
        **_family_context(obj, request),
    }


def _proposal_context(obj: models.Proposal, request: HttpRequest) -> dict[str, Any]:
    return {"workflow": workflow_links(obj, request, PROPOSAL_STEPS)}


def _project_context(obj: models.Project, request: HttpRequest) -> dict[str, Any]:
    """Expense reports are not public: their table is shown to the project's lead and coordinators."""
    may_report = can(request.user, "report", obj)
    reports = restrict(obj.expense_reports.select_related("project"), request.user, "view")
    return {
        "report_table": tables.ExpenseReportTable(reports, prefix="x-", orderable=False) if may_report else None,
        "report_links": [
            (_("Add an expense report"), _add("expensereport", "project")(obj)),
            (_("Add an indicator"), _add("indicator", "project")(obj)),
            (_("Add a document"), _add("document", "project")(obj)),
        ]
        if may_report
        else [],
    }


OUTCOMES = {
    "funded": _("Funded"),
    "partially_funded": _("Partly funded"),
    "not_funded": _("Not funded"),
    "excluded": _("Excluded"),
}


def _ranking_context(obj: models.Ranking, request: HttpRequest) -> dict[str, Any]:
    entries = [e for e in (obj.entries if isinstance(obj.entries, list) else []) if isinstance(e, dict)]

    # A call's points are in hundredths of a point, with the default rules and with a call's own alike:
    # the grid's scores reach the rules as ``score_<code>`` in hundredths (``programming/rules.py``).
    # Shown as points, with the decimals only where there are some (8400 → 84, 8450 → 84,5).
    def points(value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            return value
        amount = Decimal(value).scaleb(-2)
        amount = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()
        return number_format(amount, use_l10n=True, force_grouping=True)

    return {
        "entries": [
            {
                **e,
                "outcome_label": OUTCOMES.get(e.get("outcome", ""), e.get("outcome")),
                "points": points(e.get("points")),
            }
            for e in entries
        ],
        "versions": list(models.Ranking.objects.filter(call_id=obj.call_id).order_by("version")),
    }


# Money and times of calls, proposals, rankings and projects are on their pages' cards (in euro, in
# Europe/Rome time); the detail fields list the rest.

# --- plans -------------------------------------------------------------------------------------

plans = register(
    Register(
        model=models.Plan,
        slug="piani",
        filterset=filtersets.PlanFilterSet,
        table=tables.PlanTable,
        serializer=serializers.PlanSerializer,
        form=forms.PlanForm,
        select_related=("network", "agency"),
        detail_fields=[
            "title",
            "network",
            "agency",
            "start_year",
            "end_year",
            "approval_act",
            "approval_date",
            "objectives",
            "description",
            "source",
        ],  # fmt: skip
        related=(
            Related(
                _("Funding sources"),
                lambda p: p.funding_sources.select_related("plan", "funder"),
                tables.FundingSourceTable,
                _add("fundingsource", "plan"),
            ),
            Related(
                _("Budget lines"),
                lambda p: p.budget_lines.select_related("plan"),
                tables.BudgetLineTable,
                _add("budgetline", "plan"),
            ),
            Related(_("Calls"), lambda p: p.calls.select_related("network"), tables.CallTable),
            Related(_("Projects"), lambda p: p.projects.select_related("lead"), tables.ProjectTable),
            Related(
                _("Documents"),
                lambda p: p.documents.select_related("plan", "call", "project"),
                tables.DocumentTable,
                _add("document", "plan"),
            ),
        ),
    )
)
funding_sources = _part(models.FundingSource, "fonti-finanziamento", select_related=("plan", "funder"))
budget_lines = _part(models.BudgetLine, "linee-bilancio", select_related=("plan",))

# --- calls -------------------------------------------------------------------------------------

calls = register(
    Register(
        model=models.Call,
        slug="bandi",
        filterset=filtersets.CallFilterSet,
        table=tables.CallTable,
        serializer=serializers.CallSerializer,
        form=forms.CallForm,
        select_related=("network", "publisher", "plan", "budget_line"),
        detail_template="programming/call_detail.html",
        context=_call_context,
        detail_fields=["code", "kind", "publisher", "network", "plan", "budget_line", "objections_days", "summary"],
    )
)
call_events = _part(
    models.CallEvent, "eventi-bando", select_related=("call", "by"), form=None, history=False, writer=ReadOnly()
)
call_events.extra["viewset"] = read_only_viewset(call_events)
criteria = _part(models.EvaluationCriterion, "criteri", select_related=("call",), api_slug="criteria")
FAMILY_TERMS_FIELDS = (
    "call", "first_come_first_served", "application_unit", "age_reference_date", "basis", "amount_cents", "max_weeks",
    "max_per_child_cents", "max_per_household_cents", "service_kinds", "providers", "voucher_scheme",
)  # fmt: skip
family_terms = _part(
    models.FamilyCallTerms,
    "condizioni-famiglie",
    select_related=("call", "voucher_scheme"),
    prefetch_related=("providers",),
    api_slug="family-terms",
    writer=FamilyCallPartWriter(),
    detail_fields=list(FAMILY_TERMS_FIELDS),
)
call_offers = _part(
    models.CallOffer,
    "offerte-bandi",
    select_related=("call", "offer__service"),
    api_slug="call-offers",
    writer=FamilyCallPartWriter(),
)


def _evaluator_context(obj: models.Evaluator, request: HttpRequest) -> dict[str, Any]:
    own = obj.user_id == getattr(request.user, "pk", None)
    return {"conflict_add_url": _add("conflictofinterest", "evaluator")(obj) if own else None}


evaluators = _part(
    models.Evaluator,
    "valutatori",
    select_related=("call", "user"),
    detail_template="programming/evaluator_detail.html",
    context=_evaluator_context,
    related=(
        Related(
            _("Conflicts of interest"),
            lambda e: e.conflicts.select_related("evaluator__user", "evaluator__call", "organisation"),
            tables.ConflictOfInterestTable,
        ),
        Related(
            _("Scores"),
            lambda e: e.scores.select_related("proposal", "criterion", "evaluator__user"),
            tables.ScoreTable,
        ),
    ),
)

# --- proposals and evaluation ------------------------------------------------------------------

proposals = register(
    Register(
        model=models.Proposal,
        slug="proposte",
        filterset=filtersets.ProposalFilterSet,
        table=tables.ProposalTable,
        serializer=serializers.ProposalSerializer,
        form=forms.ProposalForm,
        writer=ProposalWriter(),
        select_related=("call", "alliance"),
        detail_template="programming/proposal_detail.html",
        context=_proposal_context,
        detail_fields=["alliance", "summary", "submitted_by", "admissibility"],
        related=(
            Related(
                _("Actions"),
                lambda p: p.actions.select_related("proposal"),
                tables.ProposalActionTable,
                _add("proposalaction", "proposal"),
            ),
            Related(
                _("Partners"),
                lambda p: p.partners.select_related("proposal", "organisation"),
                tables.ProposalPartnerTable,
                _add("proposalpartner", "proposal"),
            ),
            Related(
                _("Budget"),
                lambda p: p.budget_lines.select_related("proposal"),
                tables.ProposalBudgetLineTable,
                _add("proposalbudgetline", "proposal"),
            ),
            Related(
                _("Scores"),
                lambda p: p.scores.select_related("proposal", "criterion", "evaluator__user"),
                tables.ScoreTable,
            ),
        ),
    )
)
proposal_actions = _part(
    models.ProposalAction, "azioni-proposte", select_related=("proposal",), writer=ProposalPartWriter()
)
proposal_partners = _part(
    models.ProposalPartner,
    "partner-proposte",
    select_related=("proposal", "organisation"),
    writer=ProposalPartWriter(),
)
proposal_budget_lines = _part(
    models.ProposalBudgetLine, "bilanci-proposte", select_related=("proposal",), writer=ProposalPartWriter()
)
scores = _part(
    models.Score,
    "punteggi",
    select_related=("proposal", "criterion", "evaluator__user", "evaluator__call"),
    writer=ScoreWriter(),
)
conflicts = _part(
    models.ConflictOfInterest,
    "conflitti-interesse",
    select_related=("evaluator__user", "evaluator__call", "organisation", "withdrawn_by"),
    api_slug="conflicts",
    writer=ConflictWriter(),
    detail_fields=["evaluator", "organisation", "note", "withdrawn_at", "withdrawn_by", "withdrawal_reason"],
    actions=[Action(_("Withdraw the declaration"), "programming:conflict_withdraw", permission="withdraw")],
)
rankings = register(
    Register(
        model=models.Ranking,
        slug="graduatorie",
        filterset=filtersets.RankingFilterSet,
        table=tables.RankingTable,
        serializer=serializers.RankingSerializer,
        writer=ReadOnly(),
        select_related=("call",),
        history=False,
        detail_template="programming/ranking_detail.html",
        context=_ranking_context,
        detail_fields=["call", "version", "status", "reason"],  # the rules digest: "Verifica", in the template
    )
)
rankings.extra["viewset"] = read_only_viewset(rankings)

# --- projects ----------------------------------------------------------------------------------

projects = register(
    Register(
        model=models.Project,
        slug="progetti",
        filterset=filtersets.ProjectFilterSet,
        table=tables.ProjectTable,
        serializer=serializers.ProjectSerializer,
        form=forms.ProjectForm,
        select_related=("lead", "alliance", "call", "plan", "proposal"),
        prefetch_related=("partners__organisation", "predecessors", "successors"),
        detail_template="programming/project_detail.html",
        context=_project_context,
        actions=(Action(_("Close the accounts"), "programming:project_close", style="outline-danger"),),
        detail_fields=[
            "acronym",
            "status",
            "alliance",
            "plan",
            "call",
            "starts_on",
            "ends_on",
            "predecessors",
            "summary",
            "website",
            "source",
        ],
        related=(
            Related(
                _("Partners"),
                lambda p: p.partners.select_related("project", "organisation"),
                tables.ProjectPartnerTable,
                _add("projectpartner", "project"),
            ),
            Related(
                _("Actions"),
                lambda p: p.actions.select_related("project"),
                tables.ProjectActionTable,
                _add("projectaction", "project"),
            ),
            Related(
                _("Indicators"),
                lambda p: p.indicators.select_related("project"),
                tables.IndicatorTable,
                _add("indicator", "project"),
            ),
            Related(
                _("Follow-up projects"),
                lambda p: p.successors.select_related("lead"),
                tables.ProjectTable,
            ),
            Related(
                _("Documents"),
                lambda p: p.documents.select_related("plan", "call", "project"),
                tables.DocumentTable,
                _add("document", "project"),
            ),
        ),
    )
)
project_partners = _part(models.ProjectPartner, "partner-progetti", select_related=("project", "organisation"))
project_actions = _part(models.ProjectAction, "azioni-progetti", select_related=("project",))
expense_reports = _part(
    models.ExpenseReport,
    "rendicontazioni",
    select_related=("project",),
    related=(
        Related(
            _("Expense lines"),
            lambda r: r.lines.select_related("report__project"),
            tables.ExpenseLineTable,
            _add("expenseline", "report"),
        ),
    ),
)
expense_reports.actions = (Action(_("Submit"), "programming:expensereport_submit"),)
expense_lines = _part(
    models.ExpenseLine,
    "spese",
    select_related=("report__project",),
    actions=(Action(_("Approve"), "programming:expenseline_decide", permission="decide"),),
)
indicators = _part(models.Indicator, "indicatori", select_related=("project",))
documents = _part(models.Document, "documenti", select_related=("plan", "call", "project"))

MENU.extend(
    [
        (_("Plans"), "programming:plan_list", 40),
        (_("Calls"), "programming:call_list", 41),
        (_("Projects"), "programming:project_list", 43),
    ]
)
