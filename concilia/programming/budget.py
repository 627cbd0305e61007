"""The budget cascade, Region → plan → call → project: allocated, committed, spent and residual.

Every figure is integer euro cents, computed from the rows by aggregate queries (a fixed number
of queries per level, whatever the number of calls, projects or expense lines):

* **plan** — allocated: its funding sources. Committed: the whole budget of each of its calls while
  the call's status reserves it (open … provisional ranking, see ``BUDGET_RESERVED``); from the
  final ranking on, only what the call's projects keep (their grants less what closed projects gave
  back: the rest of the call's budget returns to the plan); plus projects recorded on the plan
  without a call. A family call (vouchers, places) keeps its whole budget committed after the final
  ranking too, until its vouchers and places are recorded (``concilia/benefits``): none of it returns to
  the plan by itself. Spent: the approved expense lines of those projects.
* **call** — allocated: its budget; committed: what its projects keep; spent: their approved lines.
* **project** — allocated: the grant; committed: the grant less what it gave back on closing;
  spent: its approved lines; residual: grant less spent.

For plans and calls, residual = allocated − committed: what may still be committed. Writes that
commit money (opening a call, funding projects) lock the plan row first and check this figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from concilia.programming.choices import BUDGET_RESERVED, FAMILY_CALL_KINDS, CallStatus
from concilia.programming.models import Call, ExpenseLine, FundingSource, Plan, Project

# Call statuses whose budget is no longer reserved but replaced by the grants of its projects.
FUNDED_STATUSES = (CallStatus.FINAL_RANKING, CallStatus.ARCHIVED)


@dataclass(frozen=True)
class Figures:
    """One level of the cascade, in cents."""

    allocated: int
    committed: int
    spent: int
    residual: int


def _sum(queryset: QuerySet, expression: object) -> int:
    total = queryset.aggregate(total=Coalesce(Sum(expression), Value(0)))["total"]  # type: ignore[arg-type]
    return int(total or 0)


def _kept() -> F:
    """What a project keeps of its grant (all of it until it closes and gives back the rest)."""
    return F("granted_cents") - F("returned_cents")  # type: ignore[return-value]


def reserving() -> Q:
    """Calls whose whole budget is committed on their plan: while they reserve it, and family calls from the
    final ranking on as well (their grants are vouchers and places, not projects)."""
    return Q(status__in=BUDGET_RESERVED) | Q(kind__in=FAMILY_CALL_KINDS, status__in=FUNDED_STATUSES)


def plan_projects(plan: Plan) -> QuerySet[Project]:
    """Projects whose money comes from ``plan``: those of its funded calls, and those recorded on it alone."""
    return Project.objects.filter(
        Q(call__plan=plan, call__status__in=FUNDED_STATUSES) | Q(call__isnull=True, plan=plan)
    )


def plan_figures(plan: Plan) -> Figures:
    allocated = _sum(FundingSource.objects.filter(plan=plan), F("amount_cents"))
    reserved = _sum(Call.objects.filter(Q(plan=plan) & reserving()), F("budget_cents"))
    kept = _sum(plan_projects(plan), _kept())
    spent = _sum(
        ExpenseLine.objects.filter(report__project__in=plan_projects(plan).values("pk"), approved_cents__isnull=False),
        F("approved_cents"),
    )
    committed = reserved + kept
    return Figures(allocated=allocated, committed=committed, spent=spent, residual=allocated - committed)


def call_figures(call: Call) -> Figures:
    committed = _sum(Project.objects.filter(call=call), _kept())
    spent = _sum(
        ExpenseLine.objects.filter(report__project__call=call, approved_cents__isnull=False), F("approved_cents")
    )
    allocated = int(call.budget_cents or 0)
    return Figures(allocated=allocated, committed=committed, spent=spent, residual=allocated - committed)


def project_figures(project: Project) -> Figures:
    spent = _sum(ExpenseLine.objects.filter(report__project=project, approved_cents__isnull=False), F("approved_cents"))
    granted = int(project.granted_cents or 0)
    return Figures(
        allocated=granted,
        committed=granted - int(project.returned_cents or 0),
        spent=spent,
        residual=granted - spent,
    )


def project_approved_cents(project: Project) -> int:
    """The total approved on a project's expense lines."""
    return project_figures(project).spent
