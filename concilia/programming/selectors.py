"""Reads of the programming cycle: what the allocation engine is given, totals, ties of evaluators.

The workflows in :mod:`concilia.programming.services` write; these only read (and compute a
ranking without storing it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.db.models import Count, Sum

from concilia.accounts.models import RoleAssignment
from concilia.allocation.engine import Result, rank
from concilia.allocation.types import Application
from concilia.network.models import Alliance
from concilia.programming.choices import Admissibility, ProposalStatus
from concilia.programming.models import (
    Call,
    Evaluator,
    Proposal,
    ProposalAction,
    ProposalBudgetLine,
    ProposalPartner,
    Score,
)
from concilia.programming.rules import engine_call


def proposal_total_cost(proposal: Proposal) -> int:
    return int(proposal.budget_lines.aggregate(t=Sum("amount_cents"))["t"] or 0)


def _half_up_hundredths(total: int, count: int) -> int:
    """``total / count`` in hundredths, rounded half up (18.505 → 1851)."""
    return (2 * 100 * total + count) // (2 * count)


def proposals_fields(proposals: Iterable[Proposal]) -> dict[int, dict[str, Any]]:
    """The engine fields of each proposal (see :mod:`concilia.programming.rules`), in a fixed number of queries."""
    items = list(proposals)
    ids = [p.pk for p in items]
    totals = dict(
        ProposalBudgetLine.objects.filter(proposal_id__in=ids)
        .order_by()
        .values("proposal_id")
        .annotate(total=Sum("amount_cents"))
        .values_list("proposal_id", "total")
    )
    kinds: dict[int, list[str]] = defaultdict(list)
    for pid, kind in ProposalAction.objects.filter(proposal_id__in=ids).order_by().values_list("proposal_id", "kind"):
        kinds[pid].append(kind)
    partners: dict[int, set[int]] = defaultdict(set)
    for pid, org in (
        ProposalPartner.objects.filter(proposal_id__in=ids).order_by().values_list("proposal_id", "organisation_id")
    ):
        partners[pid].add(org)
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Score.objects.exclude(Score.conflicted())  # a score given under a conflict does not count
        .filter(proposal_id__in=ids)
        .order_by()
        .values("proposal_id", "criterion__code")
        .annotate(total=Sum("points"), n=Count("evaluator_id", distinct=True))
    ):
        scores[row["proposal_id"]][f"score_{row['criterion__code']}"] = _half_up_hundredths(row["total"], row["n"])
    leads = {
        a.pk: a.lead
        for a in Alliance.objects.filter(pk__in={p.alliance_id for p in items}).select_related("lead__municipality")
    }
    out: dict[int, dict[str, Any]] = {}
    for p in items:
        total = int(totals.get(p.pk) or 0)
        cofinancing = max(total - int(p.requested_cents or 0), 0)
        lead = leads[p.alliance_id]
        fields: dict[str, Any] = {
            "total_cost_cents": total,
            "cofinancing_cents": cofinancing,
            "cofinancing_percent": cofinancing * 100 // total if total else 0,
            "partner_count": len(partners[p.pk] - {lead.pk}),
            "action_count": len(kinds[p.pk]),
            "action_kinds": ",".join(sorted(set(kinds[p.pk]))),
            "lead_kind": lead.kind or None,
            "lead_municipality": lead.municipality.istat_code if lead.municipality_id else None,
        }
        fields.update(scores[p.pk])
        out[p.pk] = {k: v for k, v in fields.items() if v is not None}
    return out


def proposal_fields(proposal: Proposal) -> dict[str, Any]:
    """The engine fields of one proposal."""
    return proposals_fields([proposal])[proposal.pk]


def applications(proposals: list[Proposal]) -> list[Application]:
    """The proposals as the engine's applications."""
    fields = proposals_fields(proposals)
    return [
        Application(
            id=str(p.pk),
            submitted_at=p.submitted_at or p.created_at,
            fields=fields[p.pk],
            requested_cents=int(p.requested_cents or 0),
        )
        for p in proposals
    ]


def conflicting_organisations(evaluator: Evaluator, proposal: Proposal) -> set[int]:
    """Organisations of ``proposal`` (lead and partners) the evaluator is tied to, by declaration or by a role.

    The same rule, as a query over scores, is :meth:`Score.conflicted`.
    """
    involved = {proposal.alliance.lead_id, *proposal.partners.values_list("organisation_id", flat=True)}
    declared = set(evaluator.conflicts.filter(withdrawn_at__isnull=True).values_list("organisation_id", flat=True))
    roles = set(
        RoleAssignment.objects.filter(user_id=evaluator.user_id, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    return involved & (declared | roles)


def ranking_compute(call: Call) -> Result:
    """The engine's ranking of the call's admissible submitted proposals.

    Admissibility has been decided already (by the rules or by hand), so the call's eligibility
    rules are not applied again: a proposal admitted by hand is ranked.
    """
    compiled = replace(engine_call(call), eligibility=())
    proposals = list(
        call.proposals.filter(status=ProposalStatus.SUBMITTED, admissibility=Admissibility.ADMISSIBLE).order_by("pk")
    )
    return rank(compiled, applications(proposals))
