"""Concurrent writers, each thread with its own database connection: protocols stay gapless, budgets positive.

These need a database where concurrent transactions really run side by side and queue on row locks:
PostgreSQL. (SQLite serialises every write transaction, and pytest-django's in-memory SQLite test
database is shared between threads through a shared cache whose table locks fail at once instead of
waiting, so there the threads would test nothing but SQLite's own locking.)
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from concilia.core.testing import factories as f
from concilia.programming import budget, services
from concilia.programming.choices import CallStatus, RankingStatus
from concilia.programming.models import Call, ExpenseLine, Project, Proposal, ProtocolCounter, Ranking
from concilia.programming.tests import factories as pf

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test",
    ),
]

EURO = 100
WORKERS = 16


def run_concurrently(tasks: list[Callable[[], Any]], workers: int = WORKERS) -> tuple[list[Any], list[BaseException]]:
    """Run ``tasks`` on ``workers`` threads released together; each task uses and closes its own connection."""
    barrier = threading.Barrier(min(workers, len(tasks)))

    def wrap(task: Callable[[], Any], first_wave: bool) -> Any:
        try:
            if first_wave:
                barrier.wait(timeout=30)
            return task()
        finally:
            connections.close_all()

    results: list[Any] = []
    errors: list[BaseException] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(wrap, t, i < workers) for i, t in enumerate(tasks)]
        for fut in futures:
            try:
                results.append(fut.result(timeout=120))
            except BaseException as exc:  # collected and asserted by the test
                errors.append(exc)
    return results, errors


def test_200_concurrent_submissions_get_200_distinct_gapless_protocols(world: Any) -> None:
    call = pf.open_call(plan=pf.funded_plan(network=world.network), network=world.network)
    ids = []
    for i in range(200):
        proposal = pf.ProposalFactory(call=call, alliance=world.alliance, title=f"Proposta {i}")
        pf.complete(proposal)
        ids.append(proposal.pk)

    def submit(pk: int) -> Callable[[], int | None]:
        return lambda: services.proposal_submit(proposal=Proposal.objects.get(pk=pk), by=world.lead).protocol_number

    numbers, errors = run_concurrently([submit(pk) for pk in ids])
    assert errors == []
    assert sorted(numbers) == list(range(1, 201))
    stored = list(Proposal.objects.filter(call=call).values_list("protocol_number", flat=True))
    assert sorted(stored) == list(range(1, 201))
    assert ProtocolCounter.objects.get(call=call).last == 200


def test_concurrent_openings_never_take_the_plan_below_zero(world: Any) -> None:
    plan = pf.funded_plan(100_000 * EURO, network=world.network)
    calls = [
        pf.CallFactory(plan=plan, network=world.network, budget_cents=30_000 * EURO, max_grant_cents=None)
        for _ in range(10)
    ]

    def open_(call: Call) -> Callable[[], str]:
        return lambda: services.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator).status

    opened, errors = run_concurrently([open_(c) for c in calls], workers=10)
    assert len(opened) == 3
    assert len(errors) == 7
    assert all(isinstance(e, ValidationError) for e in errors)
    assert Call.objects.filter(plan=plan, status=CallStatus.OPEN).count() == 3
    assert budget.plan_figures(plan) == budget.Figures(100_000 * EURO, 90_000 * EURO, 0, 10_000 * EURO)


def test_concurrent_funding_and_openings_keep_the_plan_positive(world: Any) -> None:
    """A final ranking gives back what it does not grant while other calls of the plan are being opened."""
    plan = pf.funded_plan(100_000 * EURO, network=world.network)
    call = pf.CallFactory(plan=plan, network=world.network, budget_cents=60_000 * EURO, max_grant_cents=None)
    criterion = pf.CriterionFactory(call=call, code="quality", max_points=30)
    services.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    proposals = []
    for requested in (25_000 * EURO, 20_000 * EURO):
        proposal = pf.ProposalFactory(call=call, alliance=world.alliance, requested_cents=requested)
        pf.complete(proposal, total_cents=2 * requested)
        proposals.append(services.proposal_submit(proposal=proposal, by=world.lead))
    services.call_transition(call=call, to=CallStatus.CLOSED, by=world.coordinator, now=call.closes_at)
    services.call_transition(call=call, to=CallStatus.EVALUATION, by=world.coordinator, now=call.closes_at)
    evaluator = services.evaluator_assign(call=call, user=f.UserFactory(username="valutatore"), by=world.coordinator)
    for p, points in zip(proposals, (20, 10), strict=True):
        services.score_set(proposal=p, evaluator=evaluator, criterion=criterion, points=points, comment="", by=None)
    t0 = call.closes_at + dt.timedelta(days=1)
    provisional = services.ranking_publish(call=call, status=RankingStatus.PROVISIONAL, by=world.coordinator, now=t0)
    others = [
        pf.CallFactory(plan=plan, network=world.network, budget_cents=18_000 * EURO, max_grant_cents=None)
        for _ in range(5)
    ]
    assert budget.plan_figures(plan).residual == 40_000 * EURO

    def final() -> str:
        until = provisional.objections_until
        return services.ranking_publish(call=call, status=RankingStatus.FINAL, by=world.coordinator, now=until).status

    def open_(c: Call) -> Callable[[], str]:
        return lambda: services.call_transition(call=c, to=CallStatus.OPEN, by=world.coordinator).status

    results, errors = run_concurrently([final, final, *(open_(c) for c in others)], workers=7)
    # one final ranking is published, the other attempt is a correction without a reason
    assert Ranking.objects.filter(call=call, status=RankingStatus.FINAL).count() == 1
    assert results.count(RankingStatus.FINAL) == 1
    opened = Call.objects.filter(pk__in=[c.pk for c in others], status=CallStatus.OPEN).count()
    assert opened in (2, 3)  # 2 if they opened before the funding gave 15,000 € back, 3 otherwise
    assert len(errors) == 1 + (5 - opened)
    assert all(isinstance(e, ValidationError) for e in errors)
    assert Project.objects.filter(call=call).count() == 2
    figures = budget.plan_figures(plan)
    assert figures.committed == 45_000 * EURO + opened * 18_000 * EURO
    assert figures.residual >= 0


def test_concurrent_approvals_never_exceed_the_grant(world: Any) -> None:
    plan = pf.funded_plan(network=world.network)
    project = Project.objects.create(lead=world.lead_org, plan=plan, title="C.I.P.", granted_cents=1_000 * EURO)
    report = services.expense_report_create(
        project=project, period_start=dt.date(2015, 9, 1), period_end=dt.date(2016, 7, 31), by=world.lead
    )
    lines = [
        services.expense_line_add(report=report, category="staff", description=str(i), amount_cents=300 * EURO, by=None)
        for i in range(8)
    ]
    services.expense_report_submit(report=report, by=world.lead)

    def approve(line: ExpenseLine) -> Callable[[], int | None]:
        return lambda: (
            services.expense_line_decide(
                line=ExpenseLine.objects.get(pk=line.pk),
                approved_cents=line.amount_cents,
                reason="",
                by=world.coordinator,
            ).approved_cents
        )

    approved, errors = run_concurrently([approve(line) for line in lines], workers=8)
    assert len(approved) == 3  # 3 × 300 € fit in 1,000 €, the fourth would not
    assert len(errors) == 5
    assert budget.project_figures(project).spent == 900 * EURO
