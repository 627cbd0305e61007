"""Who may see and change what in the programming cycle (plans, calls, proposals, evaluation, projects).

- the public reads plans with their funding sources, budget lines and documents; calls that are not
  a draft, with their criteria, events and documents; rankings; projects with their partners,
  actions, indicators and documents. Proposals, scores, evaluators, conflicts of interest and
  expense reports are never public;
- a network coordinator adds and changes the plans of its network with their funding sources,
  budget lines and documents; adds calls of its network and changes their main fields, criteria, family
  terms and offers (``FamilyCallTerms``, ``CallOffer``, which are public with the call) and deletes them
  only while the call is a draft; keeps the call's evaluators and documents; sees every
  proposal to its calls with their parts and scores; adds and changes the projects of its network
  with their partners, actions, indicators and documents, and sees their expense reports;
- an alliance lead (a user acting for the organisation that leads the alliance) adds proposals for
  alliances it leads and changes them, their actions, partners and budget lines only while the
  proposal is a draft; it sees its own proposals at any status. As the lead of a project it adds
  expense reports and their lines (changed while the report is a draft), indicators and documents;
- an evaluator (a user with an :class:`~concilia.programming.models.Evaluator` row for a call) sees
  the call (also while a draft), its criteria and its submitted proposals; it adds and changes its
  own scores while the call is under evaluation, never on an inadmissible proposal nor on one whose
  lead or partner it is tied to (a declaration in force or a role there: ``Score.conflicted``); it
  declares its conflicts of interest, and cannot take a declaration back: only a coordinator of the
  call's network withdraws one, with a reason (``conflict_withdraw``);
- the workflow steps (a call's status, admissibility, publishing a ranking; submitting, withdrawing,
  scoring a proposal) are the services' to allow; the extra actions ``keep``, ``submit``,
  ``withdraw``, ``score``, ``admit`` and ``receipt`` only say who is shown the button;
- nobody changes or deletes a ranking through the registers: a correction is a new version
  published by :mod:`concilia.programming.services`; call events are written only by the services;
- the platform administrator may do everything the registers allow.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q

from concilia.core.permissions import EVERYTHING, NOTHING, Policy, register, scope_of
from concilia.programming import models
from concilia.programming.choices import Admissibility, CallStatus, ProposalStatus, ReportStatus

# While a call is in one of these, its evaluators may score its proposals.
SCORING_STATUSES = (CallStatus.CLOSED, CallStatus.EVALUATION)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _networks(user: Any) -> set[int]:
    return scope_of(user).coordinated_network_ids


def _leads(user: Any) -> set[int]:
    return scope_of(user).lead_organisation_ids


def _coordinates(user: Any) -> bool:
    return bool(_networks(user))


def _leads_any(user: Any) -> bool:
    return bool(_leads(user))


def is_evaluator(user: Any) -> bool:
    """Whether ``user`` evaluates any call."""
    return _signed_in(user) and models.Evaluator.objects.filter(user=user).exists()


def _under(prefix: str, q: Q) -> Q:
    """``q`` (over the parent model) as a condition on the child's ``prefix`` relation."""
    if q in (EVERYTHING, NOTHING):
        return q
    model = {
        "plan": models.Plan,
        "call": models.Call,
        "proposal": models.Proposal,
        "project": models.Project,
        "report": models.ExpenseReport,
        "evaluator": models.Evaluator,
    }[prefix.rsplit("__", 1)[-1]]
    return Q(**{f"{prefix}__in": model._default_manager.filter(q).values("pk")})


# --- plans -------------------------------------------------------------------------------------


def plan_change(user: Any) -> Q:
    nets = _networks(user)
    return Q(network__in=nets) if nets else NOTHING


def _plan_part_change(user: Any) -> Q:
    nets = _networks(user)
    return Q(plan__network__in=nets) if nets else NOTHING


# --- calls -------------------------------------------------------------------------------------


def call_view(user: Any) -> Q:
    q = ~Q(status=CallStatus.DRAFT)
    nets = _networks(user)
    if nets:
        q |= Q(network__in=nets)
    if _signed_in(user):
        q |= Q(pk__in=models.Evaluator.objects.filter(user=user).values("call"))
    return q


def call_change(user: Any) -> Q:
    """Main fields of a call change only while it is a draft."""
    nets = _networks(user)
    return Q(network__in=nets, status=CallStatus.DRAFT) if nets else NOTHING


def call_keep(user: Any) -> Q:
    """Calls whose evaluators and documents the user keeps, at any status."""
    nets = _networks(user)
    return Q(network__in=nets) if nets else NOTHING


# --- proposals ---------------------------------------------------------------------------------


def proposal_view(user: Any) -> Q:
    if not _signed_in(user):
        return NOTHING
    q = Q(alliance__lead__in=_leads(user))
    nets = _networks(user)
    if nets:
        q |= Q(call__network__in=nets)
    evaluated = models.Evaluator.objects.filter(user=user).values("call")
    return q | Q(call__in=evaluated, status=ProposalStatus.SUBMITTED)


def proposal_change(user: Any) -> Q:
    """The lead of the alliance, while the proposal is a draft."""
    leads = _leads(user)
    return Q(alliance__lead__in=leads, status=ProposalStatus.DRAFT) if leads else NOTHING


# --- evaluation --------------------------------------------------------------------------------


def evaluator_view(user: Any) -> Q:
    if not _signed_in(user):
        return NOTHING
    return Q(user=user) | _under("call", call_keep(user))


def evaluator_own(user: Any) -> Q:
    """The user's own evaluator rows: the ones it scores and declares conflicts as."""
    return Q(user=user) if _signed_in(user) else NOTHING


def score_view(user: Any) -> Q:
    if not _signed_in(user):
        return NOTHING
    q = Q(evaluator__user=user)
    nets = _networks(user)
    return q | Q(proposal__call__network__in=nets) if nets else q


def score_change(user: Any) -> Q:
    """Own scores, as ``score_set`` allows them: a submitted proposal that is not inadmissible, of the
    evaluator's call under evaluation, on that call's criterion, without a conflict of interest."""
    if not _signed_in(user):
        return NOTHING
    scorable = (
        models.Score.objects.filter(
            evaluator__user=user,
            evaluator__call=F("proposal__call"),
            criterion__call=F("proposal__call"),
            proposal__status=ProposalStatus.SUBMITTED,
            proposal__call__status=CallStatus.EVALUATION,
        )
        .exclude(proposal__admissibility=Admissibility.NOT_ADMISSIBLE)
        .exclude(models.Score.conflicted())
    )
    return Q(pk__in=scorable.values("pk"))


def conflict_view(user: Any) -> Q:
    if not _signed_in(user):
        return NOTHING
    q = Q(evaluator__user=user)
    nets = _networks(user)
    return q | Q(evaluator__call__network__in=nets) if nets else q


def conflict_withdraw(user: Any) -> Q:
    """A declaration in force is withdrawn only by the coordinators of the call's network (with a reason);
    the evaluator who made it cannot take it back."""
    nets = _networks(user)
    return Q(evaluator__call__network__in=nets, withdrawn_at__isnull=True) if nets else NOTHING


# --- projects ----------------------------------------------------------------------------------


def project_change(user: Any) -> Q:
    """Coordinators of the project's network (through its plan, call or alliance)."""
    nets = _networks(user)
    if not nets:
        return NOTHING
    return Q(plan__network__in=nets) | Q(call__network__in=nets) | Q(alliance__network__in=nets)


def project_report(user: Any) -> Q:
    """Projects the user reports on: those its organisation leads."""
    leads = _leads(user)
    return Q(lead__in=leads) if leads else NOTHING


def report_view(user: Any) -> Q:
    if not _signed_in(user):
        return NOTHING
    return _under("project", project_change(user) | project_report(user))


def report_change(user: Any) -> Q:
    leads = _leads(user)
    return Q(project__lead__in=leads, status=ReportStatus.DRAFT) if leads else NOTHING


def _project_part_change(user: Any) -> Q:
    return _under("project", project_change(user))


def _project_part_report(user: Any) -> Q:
    return _under("project", project_change(user) | project_report(user))


# --- documents ---------------------------------------------------------------------------------


def document_view(user: Any) -> Q:
    return Q(call__isnull=True) | _under("call", call_view(user))


def document_change(user: Any) -> Q:
    return (
        _under("plan", plan_change(user))
        | _under("call", call_keep(user))
        | _under("project", project_change(user) | project_report(user))
    )


def _no_one(user: Any) -> Q:
    return NOTHING


def _never(user: Any) -> bool:
    return False


register(models.Plan, Policy(add=_coordinates, change=plan_change, delete=plan_change))
for _model in (models.FundingSource, models.BudgetLine):
    register(_model, Policy(add=_coordinates, change=_plan_part_change, delete=_plan_part_change))

register(
    models.Call,
    Policy(view=call_view, add=_coordinates, change=call_change, delete=call_change, extra={"keep": call_keep}),
)
register(
    models.CallEvent, Policy(view=lambda u: _under("call", call_view(u)), add=_never, change=_no_one, delete=_no_one)
)
# The parts of a call its coordinators set while it is a draft: the grid, a family call's terms and offers.
for _call_part in (models.EvaluationCriterion, models.FamilyCallTerms, models.CallOffer):
    register(
        _call_part,
        Policy(
            view=lambda u: _under("call", call_view(u)),
            add=_coordinates,
            change=lambda u: _under("call", call_change(u)),
            delete=lambda u: _under("call", call_change(u)),
        ),
    )
register(
    models.Evaluator,
    Policy(
        view=evaluator_view,
        add=_coordinates,
        change=lambda u: _under("call", call_keep(u)),
        delete=lambda u: _under("call", call_keep(u)),
        extra={"score": evaluator_own},
    ),
)


def proposal_withdraw(user: Any) -> Q:
    """The lead of the alliance may withdraw a submitted proposal (the services check the deadline)."""
    leads = _leads(user)
    return Q(alliance__lead__in=leads, status=ProposalStatus.SUBMITTED) if leads else NOTHING


def proposal_score(user: Any) -> Q:
    """Submitted proposals of a call the user evaluates, while scoring is open."""
    if not _signed_in(user):
        return NOTHING
    return Q(
        call__in=models.Evaluator.objects.filter(user=user).values("call"),
        call__status__in=SCORING_STATUSES,
        status=ProposalStatus.SUBMITTED,
    )


def proposal_admit(user: Any) -> Q:
    """The coordinators of the call's network decide admissibility of submitted proposals."""
    nets = _networks(user)
    return Q(call__network__in=nets, status=ProposalStatus.SUBMITTED) if nets else NOTHING


register(
    models.Proposal,
    Policy(
        view=proposal_view,
        add=_leads_any,
        change=proposal_change,
        delete=proposal_change,
        extra={
            "submit": proposal_change,
            "withdraw": proposal_withdraw,
            "score": proposal_score,
            "admit": proposal_admit,
            "receipt": lambda u: proposal_view(u) & Q(protocol_number__isnull=False),
        },
    ),
)
for _part in (models.ProposalAction, models.ProposalPartner, models.ProposalBudgetLine):
    register(
        _part,
        Policy(
            view=lambda u: _under("proposal", proposal_view(u)),
            add=_leads_any,
            change=lambda u: _under("proposal", proposal_change(u)),
            delete=lambda u: _under("proposal", proposal_change(u)),
        ),
    )

register(models.Score, Policy(view=score_view, add=is_evaluator, change=score_change, delete=score_change))
register(
    models.ConflictOfInterest,
    Policy(view=conflict_view, add=is_evaluator, change=_no_one, delete=_no_one, extra={"withdraw": conflict_withdraw}),
)
register(models.Ranking, Policy(add=_never, change=_no_one, delete=_no_one))

register(
    models.Project,
    Policy(
        add=_coordinates,
        change=project_change,
        delete=project_change,
        extra={"report": lambda u: project_change(u) | project_report(u)},
    ),
)
for _piece in (models.ProjectPartner, models.ProjectAction):
    register(_piece, Policy(add=_coordinates, change=_project_part_change, delete=_project_part_change))
register(
    models.Indicator,
    Policy(
        add=lambda u: _coordinates(u) or _leads_any(u),
        change=_project_part_report,
        delete=_project_part_report,
    ),
)
register(
    models.ExpenseReport,
    Policy(view=report_view, add=_leads_any, change=report_change, delete=report_change),
)
register(
    models.ExpenseLine,
    Policy(
        view=lambda u: _under("report", report_view(u)),
        add=_leads_any,
        change=lambda u: _under("report", report_change(u)),
        delete=lambda u: _under("report", report_change(u)),
        # The coordinators of the project's network approve claimed expenses, fully or partly.
        extra={
            "decide": lambda u: Q(report__project__in=models.Project.objects.filter(project_change(u)).values("pk"))
        },
    ),
)
register(
    models.Document,
    Policy(
        view=document_view,
        add=lambda u: _coordinates(u) or _leads_any(u),
        change=document_change,
        delete=document_change,
    ),
)
