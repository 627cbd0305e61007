"""Factories of the programming cycle: plans with funds, calls, proposals ready to submit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from concilia.core import clock
from concilia.core.testing import factories as f
from concilia.programming import models as m
from concilia.programming.choices import ActionKind, BudgetCategory, CallStatus, FundingKind, PartnerRole

EURO = 100  # cents


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = m.Plan

    network = factory.SubFactory(f.NetworkFactory)
    title = factory.Sequence(lambda n: f"Piano territoriale {n}")
    start_year = 2017
    end_year = 2018


class FundingSourceFactory(DjangoModelFactory):
    class Meta:
        model = m.FundingSource

    plan = factory.SubFactory(PlanFactory)
    kind = FundingKind.REGIONAL
    amount_cents = 100_000 * EURO


class CallFactory(DjangoModelFactory):
    class Meta:
        model = m.Call

    plan = factory.SubFactory(PlanFactory)
    network = factory.LazyAttribute(lambda o: o.plan.network if o.plan else f.NetworkFactory())
    publisher = factory.LazyAttribute(lambda o: o.network.coordinator)
    code = factory.Sequence(lambda n: f"bando-{n}")
    title = factory.Sequence(lambda n: f"Bando alleanze {n}")
    opens_at = factory.LazyFunction(lambda: clock.now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: clock.now() + dt.timedelta(days=30))
    budget_cents = 60_000 * EURO
    max_grant_cents = 25_000 * EURO
    min_cofinancing_percent = 30
    objections_days = 10


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = m.EvaluationCriterion

    call = factory.SubFactory(CallFactory)
    code = factory.Sequence(lambda n: f"crit{n}")
    label = factory.Sequence(lambda n: f"Criterio {n}")
    max_points = 30


class ProposalFactory(DjangoModelFactory):
    class Meta:
        model = m.Proposal

    call = factory.SubFactory(CallFactory)
    alliance = factory.SubFactory(f.AllianceFactory)
    title = factory.Sequence(lambda n: f"Proposta {n}")
    requested_cents = 20_000 * EURO


def complete(proposal: m.Proposal, *, total_cents: int = 40_000 * EURO, partners: list[Any] = ()) -> m.Proposal:  # type: ignore[assignment]
    """Give a draft what submission needs: the lead as partner, an action, a budget line of ``total_cents``."""
    m.ProposalPartner.objects.get_or_create(
        proposal=proposal, organisation=proposal.alliance.lead, defaults={"role": PartnerRole.LEAD}
    )
    for org in partners:
        m.ProposalPartner.objects.create(proposal=proposal, organisation=org, role=PartnerRole.PARTNER)
    m.ProposalAction.objects.create(
        proposal=proposal,
        kind=ActionKind.FAMILY_SERVICES,
        title="Servizi per le famiglie",
        starts_on=dt.date(2017, 9, 1),
        ends_on=dt.date(2018, 7, 31),
        budget_cents=total_cents,
    )
    m.ProposalBudgetLine.objects.create(proposal=proposal, category=BudgetCategory.SERVICES, amount_cents=total_cents)
    return proposal


def open_call(**kwargs: Any) -> m.Call:
    """A call already open (status set directly: the transition itself is tested elsewhere)."""
    call = CallFactory(**kwargs)
    m.Call.objects.filter(pk=call.pk).update(status=CallStatus.OPEN)
    call.refresh_from_db()
    return call


def funded_plan(amount_cents: int = 100_000 * EURO, **kwargs: Any) -> m.Plan:
    plan = PlanFactory(**kwargs)
    FundingSourceFactory(plan=plan, amount_cents=amount_cents)
    return plan
