"""The programming cycle through its services: call states, deadlines, protocols, evaluation, rankings, money."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from concilia.accounts.choices import Role
from concilia.core.testing import factories as f
from concilia.programming import budget, receipts, services
from concilia.programming.choices import (
    CALL_TRANSITIONS,
    Admissibility,
    BudgetCategory,
    CallStatus,
    ProjectStatus,
    ProposalStatus,
    RankingStatus,
    ReportStatus,
)
from concilia.programming.models import Call, CallEvent, Project, Proposal, Ranking
from concilia.programming.tests import factories as pf

pytestmark = pytest.mark.django_db

EURO = 100
ALL_PAIRS = list(itertools.product(CallStatus.values, repeat=2))
ILLEGAL = [(a, b) for a, b in ALL_PAIRS if b not in CALL_TRANSITIONS[a]]


def set_status(call: Call, status: str) -> Call:
    Call.objects.filter(pk=call.pk).update(status=status)
    call.refresh_from_db()
    return call


@pytest.fixture
def cycle(world: Any) -> SimpleNamespace:
    """A funded plan (100,000 €) of the world's network and a draft call of 60,000 € on it, with two criteria."""
    plan = pf.funded_plan(100_000 * EURO, network=world.network)
    call = pf.CallFactory(plan=plan, network=world.network, code="aslmi-2015")
    quality = pf.CriterionFactory(call=call, code="quality", max_points=30, order=1)
    network = pf.CriterionFactory(call=call, code="network", max_points=20, order=2)
    evaluator_user = f.UserFactory(username="valutatrice")
    return SimpleNamespace(plan=plan, call=call, quality=quality, network=network, evaluator_user=evaluator_user)


def new_proposal(world: Any, call: Call, *, requested: int = 20_000 * EURO, total: int = 40_000 * EURO) -> Proposal:
    proposal = services.proposal_create(
        call=call, alliance=world.alliance, title="Conciliare a Cremona", by=world.lead, requested_cents=requested
    )
    services.proposal_action_add(
        proposal=proposal, kind="family_services", title="Nidi aperti", by=world.lead, budget_cents=total
    )
    services.proposal_budget_line_add(
        proposal=proposal, category=BudgetCategory.SERVICES, amount_cents=total, by=world.lead
    )
    return proposal


def to_evaluation(world: Any, call: Call) -> Call:
    services.call_transition(call=call, to=CallStatus.CLOSED, by=world.coordinator, now=call.closes_at)
    return services.call_transition(call=call, to=CallStatus.EVALUATION, by=world.coordinator, now=call.closes_at)


def score(world: Any, cycle: SimpleNamespace, evaluator: Any, proposal: Proposal, quality: int, network: int) -> None:
    by = evaluator.user
    services.score_set(
        proposal=proposal, evaluator=evaluator, criterion=cycle.quality, points=quality, comment="", by=by
    )
    services.score_set(
        proposal=proposal, evaluator=evaluator, criterion=cycle.network, points=network, comment="", by=by
    )


# -- the call's state machine ------------------------------------------------------------------


@pytest.mark.parametrize(("source", "target"), ILLEGAL)
def test_every_illegal_transition_is_refused(world: Any, cycle: SimpleNamespace, source: str, target: str) -> None:
    call = set_status(cycle.call, source)
    for now in (call.opens_at, call.closes_at):  # whatever the time, the pair itself is refused
        with pytest.raises(ValidationError):
            services.call_transition(call=call, to=target, by=world.coordinator, now=now)
    call.refresh_from_db()
    assert call.status == source
    assert not CallEvent.objects.filter(call=call).exists()


def test_the_whole_cycle_records_every_transition(world: Any, cycle: SimpleNamespace) -> None:
    call = cycle.call
    services.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator, note="Pubblicato")
    proposal = new_proposal(world, call)
    services.proposal_submit(proposal=proposal, by=world.lead)
    to_evaluation(world, call)
    evaluator = services.evaluator_assign(call=call, user=cycle.evaluator_user, by=world.coordinator)
    score(world, cycle, evaluator, proposal, 20, 10)
    t0 = call.closes_at + dt.timedelta(days=5)
    services.ranking_publish(call=call, status=RankingStatus.PROVISIONAL, by=world.coordinator, now=t0)
    services.ranking_publish(call=call, status=RankingStatus.FINAL, by=world.coordinator, now=t0 + dt.timedelta(10))
    services.call_transition(call=call, to=CallStatus.ARCHIVED, by=world.coordinator)

    events = list(CallEvent.objects.filter(call=call).order_by("pk").values_list("from_status", "to_status", "by"))
    assert [(a, b) for a, b, _by in events] == [(a, b[0]) for a, b in CALL_TRANSITIONS.items() if b]
    assert {by for _a, _b, by in events} == {world.coordinator.pk}
    assert CallEvent.objects.get(call=call, to_status=CallStatus.OPEN).note == "Pubblicato"


@pytest.mark.parametrize("target", [CallStatus.PROVISIONAL_RANKING, CallStatus.FINAL_RANKING])
def test_ranking_statuses_are_reached_only_by_publishing(world: Any, cycle: SimpleNamespace, target: str) -> None:
    source = next(a for a, b in CALL_TRANSITIONS.items() if target in b)
    call = set_status(cycle.call, source)
    with pytest.raises(ValidationError):
        services.call_transition(call=call, to=target, by=world.coordinator)
    call.refresh_from_db()
    assert call.status == source


def test_only_coordinators_of_the_network_move_a_call(world: Any, cycle: SimpleNamespace) -> None:
    outsider = f.user_with_role(Role.NETWORK_COORDINATOR, network=world.other_network, username="altro-coord")
    for user in (world.lead, outsider, world.plain):
        with pytest.raises(PermissionDenied):
            services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=user)
    assert Call.objects.get(pk=cycle.call.pk).status == CallStatus.DRAFT


def test_opening_needs_the_plan_residual(world: Any, cycle: SimpleNamespace) -> None:
    services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)
    second = pf.CallFactory(plan=cycle.plan, network=world.network, budget_cents=40_001 * EURO)
    with pytest.raises(ValidationError, match="40.001,00"):
        services.call_transition(call=second, to=CallStatus.OPEN, by=world.coordinator)
    assert Call.objects.get(pk=second.pk).status == CallStatus.DRAFT
    exact = pf.CallFactory(plan=cycle.plan, network=world.network, budget_cents=40_000 * EURO, max_grant_cents=None)
    services.call_transition(call=exact, to=CallStatus.OPEN, by=world.coordinator)
    assert budget.plan_figures(cycle.plan) == budget.Figures(100_000 * EURO, 100_000 * EURO, 0, 0)


def test_opening_refused_after_closing_time_and_with_broken_rules(world: Any, cycle: SimpleNamespace) -> None:
    call = cycle.call
    with pytest.raises(ValidationError):
        services.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator, now=call.closes_at)
    Call.objects.filter(pk=call.pk).update(rules="points:\n  - {id: x, label: X, per_unit: {field: nope, points: 1}}")
    call.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    assert "rules" in exc.value.message_dict
    assert Call.objects.get(pk=call.pk).status == CallStatus.DRAFT


def test_closing_is_refused_before_the_closing_time(world: Any, cycle: SimpleNamespace) -> None:
    call = services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)
    with pytest.raises(ValidationError):
        services.call_transition(
            call=call, to=CallStatus.CLOSED, by=world.coordinator, now=call.closes_at - dt.timedelta(seconds=1)
        )
    assert Call.objects.get(pk=call.pk).status == CallStatus.OPEN
    services.call_transition(call=call, to=CallStatus.CLOSED, by=world.coordinator, now=call.closes_at)
    assert Call.objects.get(pk=call.pk).status == CallStatus.CLOSED


# -- proposals and their protocol --------------------------------------------------------------


def test_the_deadline_is_enforced_to_the_second(world: Any, cycle: SimpleNamespace) -> None:
    call = services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)
    late, in_time, early = new_proposal(world, call), new_proposal(world, call), new_proposal(world, call)
    with pytest.raises(ValidationError):
        services.proposal_submit(proposal=late, by=world.lead, now=call.closes_at)
    with pytest.raises(ValidationError):
        services.proposal_submit(proposal=early, by=world.lead, now=call.opens_at - dt.timedelta(seconds=1))
    last_second = call.closes_at - dt.timedelta(seconds=1)
    services.proposal_submit(proposal=in_time, by=world.lead, now=last_second)
    in_time.refresh_from_db()
    late.refresh_from_db()
    assert (in_time.status, in_time.protocol_number, in_time.submitted_at) == (ProposalStatus.SUBMITTED, 1, last_second)
    assert in_time.submitted_by == world.lead
    assert (late.status, late.protocol_number) == (ProposalStatus.DRAFT, None)


def test_protocol_numbers_are_gapless_and_kept_on_withdrawal(world: Any, cycle: SimpleNamespace) -> None:
    call = services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)
    proposals = [new_proposal(world, call) for _ in range(4)]
    invalid = services.proposal_create(call=call, alliance=world.alliance, title="Vuota", by=world.lead)
    services.proposal_submit(proposal=proposals[0], by=world.lead)
    with pytest.raises(ValidationError):
        services.proposal_submit(proposal=invalid, by=world.lead)  # refused: consumes no number
    for p in proposals[1:]:
        services.proposal_submit(proposal=p, by=world.lead)
    with pytest.raises(ValidationError):
        services.proposal_submit(proposal=proposals[0], by=world.lead)  # already submitted
    services.proposal_withdraw(proposal=proposals[1], by=world.lead)
    numbers = list(Proposal.objects.filter(call=call).exclude(pk=invalid.pk).values_list("protocol_number", "status"))
    assert sorted(n for n, _s in numbers) == [1, 2, 3, 4]
    assert Proposal.objects.get(pk=proposals[1].pk).status == ProposalStatus.WITHDRAWN
    assert Proposal.objects.get(pk=proposals[1].pk).protocol == "ASLMI-2015/0002"
    assert Proposal.objects.get(pk=invalid.pk).protocol_number is None


def test_withdrawal_is_refused_after_the_deadline(world: Any, cycle: SimpleNamespace) -> None:
    call = services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)
    proposal = services.proposal_submit(proposal=new_proposal(world, call), by=world.lead)
    with pytest.raises(ValidationError):
        services.proposal_withdraw(proposal=proposal, by=world.lead, now=call.closes_at)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SUBMITTED


@pytest.mark.parametrize(
    ("requested", "total", "message"),
    [
        (25_001 * EURO, 50_000 * EURO, "25.000,00"),  # above the maximum grant
        (20_000 * EURO, 28_000 * EURO, "28%"),  # co-financing 28% < 30%
        (0, 40_000 * EURO, "chiedere un contributo"),  # the message in Italian, the default language
    ],
)
def test_submission_checks_the_call_limits(
    world: Any, cycle: SimpleNamespace, requested: int, total: int, message: str
) -> None:
    call = services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)
    proposal = new_proposal(world, call, requested=requested, total=total)
    with pytest.raises(ValidationError, match=message):
        services.proposal_submit(proposal=proposal, by=world.lead)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.DRAFT


def test_co_financing_exactly_at_the_minimum_is_accepted(world: Any, cycle: SimpleNamespace) -> None:
    call = services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)
    proposal = new_proposal(world, call, requested=21_000 * EURO, total=30_000 * EURO)  # exactly 30%
    assert services.proposal_submit(proposal=proposal, by=world.lead).protocol_number == 1


def test_submission_needs_an_action_and_a_budget_line(world: Any, cycle: SimpleNamespace) -> None:
    call = services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)
    proposal = services.proposal_create(
        call=call, alliance=world.alliance, title="x", by=world.lead, requested_cents=EURO
    )
    with pytest.raises(ValidationError) as exc:
        services.proposal_submit(proposal=proposal, by=world.lead)
    assert len(exc.value.messages) == 2


def test_only_the_alliance_lead_submits(world: Any, cycle: SimpleNamespace) -> None:
    call = services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)
    proposal = new_proposal(world, call)
    for user in (world.other_lead, world.provider, world.coordinator, world.plain):
        with pytest.raises(PermissionDenied):
            services.proposal_submit(proposal=proposal, by=user)
    with pytest.raises(PermissionDenied):
        services.proposal_create(call=call, alliance=world.alliance, title="x", by=world.other_lead)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.DRAFT


def test_a_submitted_proposal_cannot_be_edited(world: Any, cycle: SimpleNamespace) -> None:
    call = services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)
    proposal = services.proposal_submit(proposal=new_proposal(world, call), by=world.lead)
    with pytest.raises(ValidationError):
        services.proposal_update(proposal=proposal, by=world.lead, requested_cents=EURO)
    assert Proposal.objects.get(pk=proposal.pk).requested_cents == 20_000 * EURO


def test_receipt_pdf(world: Any, cycle: SimpleNamespace, time_machine: Any) -> None:
    # A summer-time moment, inside the call's window, whatever the clock of the run.
    at = dt.datetime(2027, 7, 1, 10, 0, 5, tzinfo=dt.UTC)
    Call.objects.filter(pk=cycle.call.pk).update(
        opens_at=at - dt.timedelta(days=30), closes_at=at + dt.timedelta(days=1)
    )
    time_machine.move_to(at, tick=False)
    call = services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)
    proposal = new_proposal(world, call, requested=20_000_50, total=40_000 * EURO)
    proposal = services.proposal_submit(proposal=proposal, by=world.lead, now=at)
    pdf = receipts.proposal_receipt_pdf(proposal)
    assert pdf.startswith(b"%PDF-")
    assert b"ASLMI-2015/0001" in pdf
    assert "€ 20.000,50".encode("cp1252") in pdf
    assert b"01/07/2027 12:00:05" in pdf  # Europe/Rome, summer time
    assert receipts.euro(-123_456_78) == "-€ 123.456,78"
    with pytest.raises(ValueError):
        receipts.proposal_receipt_pdf(new_proposal(world, call))  # a draft has no receipt


# -- admissibility and evaluation --------------------------------------------------------------


def test_admissibility_by_the_rules_and_by_hand(world: Any, cycle: SimpleNamespace) -> None:
    call = cycle.call
    call.rules = (
        "eligibility:\n"
        "  - {id: partners, reason: Almeno un partner oltre al capofila, rule: {at_least: {field: partner_count, value: 1}}}\n"
    )
    call.save()
    services.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    alone = services.proposal_submit(proposal=new_proposal(world, call), by=world.lead)
    with_partner = new_proposal(world, call)
    services.proposal_partner_add(proposal=with_partner, organisation=world.provider_org, by=world.lead)
    services.proposal_submit(proposal=with_partner, by=world.lead)
    to_evaluation(world, call)  # entering evaluation runs the check
    alone.refresh_from_db()
    with_partner.refresh_from_db()
    assert (alone.admissibility, alone.admissibility_reasons) == (
        Admissibility.NOT_ADMISSIBLE,
        ["Almeno un partner oltre al capofila"],
    )
    assert (with_partner.admissibility, with_partner.admissibility_reasons) == (Admissibility.ADMISSIBLE, [])

    with pytest.raises(ValidationError):
        services.admissibility_set(proposal=alone, admissible=True, reason="  ", by=world.coordinator)
    services.admissibility_set(proposal=alone, admissible=True, reason="Partner documentato", by=world.coordinator)
    assert services.admissibility_check(call=call, by=world.coordinator) == 1  # the manual decision is kept
    alone.refresh_from_db()
    assert (alone.admissibility, alone.admissibility_manual) == (Admissibility.ADMISSIBLE, True)
    # admitted by hand, it is ranked although the eligibility rule would exclude it
    assert {e.id for e in services.ranking_compute(call).entries if e.eligible} == {str(alone.pk), str(with_partner.pk)}


@pytest.fixture
def evaluation(world: Any, cycle: SimpleNamespace) -> SimpleNamespace:
    call = services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)
    proposal = new_proposal(world, call)
    services.proposal_partner_add(proposal=proposal, organisation=world.provider_org, by=world.lead)
    services.proposal_submit(proposal=proposal, by=world.lead)
    to_evaluation(world, call)
    evaluator = services.evaluator_assign(call=call, user=cycle.evaluator_user, by=world.coordinator)
    return SimpleNamespace(call=call, proposal=proposal, evaluator=evaluator)


def test_a_declared_conflict_blocks_scoring(world: Any, cycle: SimpleNamespace, evaluation: SimpleNamespace) -> None:
    e = evaluation
    services.score_set(
        proposal=e.proposal, evaluator=e.evaluator, criterion=cycle.quality, points=10, comment="", by=e.evaluator.user
    )
    services.conflict_declare(evaluator=e.evaluator, organisation=world.provider_org, note="Socia", by=e.evaluator.user)
    with pytest.raises(PermissionDenied):
        services.score_set(
            proposal=e.proposal,
            evaluator=e.evaluator,
            criterion=cycle.quality,
            points=25,
            comment="",
            by=e.evaluator.user,
        )
    assert e.proposal.scores.get().points == 10


def test_a_role_in_the_lead_blocks_scoring(world: Any, cycle: SimpleNamespace, evaluation: SimpleNamespace) -> None:
    evaluator = services.evaluator_assign(call=evaluation.call, user=world.lead, by=world.coordinator)
    with pytest.raises(PermissionDenied):
        services.score_set(
            proposal=evaluation.proposal,
            evaluator=evaluator,
            criterion=cycle.quality,
            points=5,
            comment="",
            by=world.lead,
        )
    assert not evaluation.proposal.scores.exists()


def test_scores_within_the_maximum_during_evaluation_only(
    world: Any, cycle: SimpleNamespace, evaluation: SimpleNamespace
) -> None:
    e = evaluation
    user = e.evaluator.user
    with pytest.raises(ValidationError):
        services.score_set(
            proposal=e.proposal, evaluator=e.evaluator, criterion=cycle.quality, points=31, comment="", by=user
        )
    with pytest.raises(PermissionDenied):
        services.score_set(
            proposal=e.proposal, evaluator=e.evaluator, criterion=cycle.quality, points=1, comment="", by=world.plain
        )
    services.score_set(
        proposal=e.proposal, evaluator=e.evaluator, criterion=cycle.quality, points=30, comment="ok", by=user
    )
    set_status(e.call, CallStatus.PROVISIONAL_RANKING)
    with pytest.raises(ValidationError):
        services.score_set(
            proposal=e.proposal, evaluator=e.evaluator, criterion=cycle.quality, points=2, comment="", by=user
        )
    assert e.proposal.scores.get().points == 30


def test_fields_average_the_evaluators_in_hundredths_half_up(
    world: Any, cycle: SimpleNamespace, evaluation: SimpleNamespace
) -> None:
    e = evaluation
    second = services.evaluator_assign(call=e.call, user=f.UserFactory(username="secondo"), by=world.coordinator)
    score(world, cycle, e.evaluator, e.proposal, 18, 7)
    score(world, cycle, second, e.proposal, 19, 8)
    fields = services.proposal_fields(e.proposal)
    assert fields == {
        "total_cost_cents": 40_000 * EURO,
        "cofinancing_cents": 20_000 * EURO,
        "cofinancing_percent": 50,
        "partner_count": 1,
        "action_count": 1,
        "action_kinds": "family_services",
        "lead_kind": "municipality",
        "lead_municipality": world.lead_org.municipality.istat_code,
        "score_quality": 1850,
        "score_network": 750,
    }
    assert services._half_up_hundredths(1, 8) == 13  # 0.125 → 0.13
    assert services._half_up_hundredths(10 + 10 + 11, 3) == 1033


# -- rankings and funding ----------------------------------------------------------------------


@pytest.fixture
def ranked(world: Any, cycle: SimpleNamespace) -> SimpleNamespace:
    """Three proposals (25,000, 20,000 and 20,000 € requested) scored in that order, on a 60,000 € call."""
    call = services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)
    first = new_proposal(world, call, requested=25_000 * EURO, total=50_000 * EURO)
    second = new_proposal(world, call, requested=20_000 * EURO)
    third = new_proposal(world, call, requested=20_000 * EURO)
    for p in (first, second, third):
        services.proposal_submit(proposal=p, by=world.lead)
    to_evaluation(world, call)
    evaluator = services.evaluator_assign(call=call, user=cycle.evaluator_user, by=world.coordinator)
    score(world, cycle, evaluator, first, 30, 20)
    score(world, cycle, evaluator, second, 25, 15)
    score(world, cycle, evaluator, third, 20, 10)
    t0 = call.closes_at + dt.timedelta(days=3)
    return SimpleNamespace(call=call, first=first, second=second, third=third, evaluator=evaluator, t0=t0)


def test_provisional_ranking_then_final_after_the_objections(
    world: Any, cycle: SimpleNamespace, ranked: SimpleNamespace
) -> None:
    r = ranked
    provisional = services.ranking_publish(
        call=r.call, status=RankingStatus.PROVISIONAL, by=world.coordinator, now=r.t0
    )
    assert provisional.version == 1
    assert provisional.objections_until == r.t0 + dt.timedelta(days=10)
    assert [(e["proposal"], e["rank"], e["outcome"], e["granted_cents"]) for e in provisional.entries] == [
        (r.first.pk, 1, "funded", 25_000 * EURO),
        (r.second.pk, 2, "funded", 20_000 * EURO),
        (r.third.pk, 3, "not_funded", 0),
    ]
    assert provisional.entries[0]["points"] == 5000
    assert not Project.objects.exists()
    with pytest.raises(ValidationError):
        services.ranking_publish(
            call=r.call,
            status=RankingStatus.FINAL,
            by=world.coordinator,
            now=provisional.objections_until - dt.timedelta(seconds=1),
        )
    assert Call.objects.get(pk=r.call.pk).status == CallStatus.PROVISIONAL_RANKING
    final = services.ranking_publish(
        call=r.call, status=RankingStatus.FINAL, by=world.coordinator, now=provisional.objections_until
    )
    assert (final.version, final.status) == (2, RankingStatus.FINAL)
    projects = {p.proposal_id: p for p in Project.objects.filter(call=r.call)}
    assert set(projects) == {r.first.pk, r.second.pk}
    project = projects[r.first.pk]
    assert (project.granted_cents, project.cofinancing_cents, project.lead, project.alliance, project.plan) == (
        25_000 * EURO,
        25_000 * EURO,
        world.lead_org,
        world.alliance,
        cycle.plan,
    )
    assert list(project.partners.values_list("organisation", flat=True)) == [world.lead_org.pk]
    assert project.actions.count() == 1
    assert (project.starts_on, project.ends_on) == (None, None)


def test_a_published_ranking_is_immutable_and_corrections_add_versions(
    world: Any, cycle: SimpleNamespace, ranked: SimpleNamespace
) -> None:
    r = ranked
    v1 = services.ranking_publish(call=r.call, status=RankingStatus.PROVISIONAL, by=world.coordinator, now=r.t0)
    original = list(v1.entries)
    v1.entries = []
    with pytest.raises(ValidationError):
        v1.save()
    with pytest.raises(ValidationError):
        v1.delete()
    with pytest.raises(ValidationError):
        Ranking.objects.filter(pk=v1.pk).update(reason="ritoccata")
    with pytest.raises(ValidationError):
        Ranking.objects.filter(pk=v1.pk).delete()
    with pytest.raises(ValidationError):
        services.ranking_publish(call=r.call, status=RankingStatus.PROVISIONAL, by=world.coordinator, now=r.t0)
    # an objection is upheld: the second proposal lacked a signature
    services.admissibility_set(proposal=r.second, admissible=False, reason="Firma mancante", by=world.coordinator)
    v2 = services.ranking_publish(
        call=r.call, status=RankingStatus.PROVISIONAL, by=world.coordinator, reason="Ricorso accolto", now=r.t0
    )
    assert (v2.version, v2.reason) == (2, "Ricorso accolto")
    assert Ranking.objects.get(pk=v1.pk).entries == original
    assert [(e["proposal"], e["outcome"]) for e in v2.entries] == [
        (r.first.pk, "funded"),
        (r.third.pk, "funded"),
        (r.second.pk, "excluded"),
    ]
    assert list(Ranking.objects.filter(call=r.call).values_list("version", flat=True)) == [1, 2]
    assert Call.objects.get(pk=r.call.pk).status == CallStatus.PROVISIONAL_RANKING


def test_not_admissible_proposals_appear_excluded_with_their_reason(
    world: Any, cycle: SimpleNamespace, ranked: SimpleNamespace
) -> None:
    r = ranked
    services.admissibility_set(proposal=r.second, admissible=False, reason="Firma mancante", by=world.coordinator)
    ranking = services.ranking_publish(call=r.call, status=RankingStatus.PROVISIONAL, by=world.coordinator, now=r.t0)
    rows = {e["proposal"]: e for e in ranking.entries}
    assert (rows[r.second.pk]["outcome"], rows[r.second.pk]["excluded"], rows[r.second.pk]["rank"]) == (
        "excluded",
        ["Firma mancante"],
        None,
    )
    assert rows[r.third.pk]["outcome"] == "funded"


def test_budget_figures_after_funding(world: Any, cycle: SimpleNamespace, ranked: SimpleNamespace) -> None:
    r = ranked
    assert budget.plan_figures(cycle.plan) == budget.Figures(100_000 * EURO, 60_000 * EURO, 0, 40_000 * EURO)
    v1 = services.ranking_publish(call=r.call, status=RankingStatus.PROVISIONAL, by=world.coordinator, now=r.t0)
    assert budget.plan_figures(cycle.plan).committed == 60_000 * EURO  # still reserved whole
    services.ranking_publish(call=r.call, status=RankingStatus.FINAL, by=world.coordinator, now=v1.objections_until)
    assert budget.call_figures(r.call) == budget.Figures(60_000 * EURO, 45_000 * EURO, 0, 15_000 * EURO)
    assert budget.plan_figures(cycle.plan) == budget.Figures(100_000 * EURO, 45_000 * EURO, 0, 55_000 * EURO)
    project = Project.objects.get(proposal=r.first)
    assert budget.project_figures(project) == budget.Figures(25_000 * EURO, 25_000 * EURO, 0, 25_000 * EURO)


def test_a_correction_of_the_final_ranking_funds_more_but_takes_nothing_away(
    world: Any, cycle: SimpleNamespace, ranked: SimpleNamespace
) -> None:
    r = ranked
    v1 = services.ranking_publish(call=r.call, status=RankingStatus.PROVISIONAL, by=world.coordinator, now=r.t0)
    services.ranking_publish(call=r.call, status=RankingStatus.FINAL, by=world.coordinator, now=v1.objections_until)
    Call.objects.filter(pk=r.call.pk).update(rules="fit: partial\n")  # the coordinator corrects the fit rule
    r.call.refresh_from_db()
    v3 = services.ranking_publish(
        call=r.call, status=RankingStatus.FINAL, by=world.coordinator, reason="Finanziamento parziale", now=r.t0
    )
    assert v3.version == 3
    grants = dict(Project.objects.filter(call=r.call).values_list("proposal_id", "granted_cents"))
    assert grants == {r.first.pk: 25_000 * EURO, r.second.pk: 20_000 * EURO, r.third.pk: 15_000 * EURO}
    assert budget.call_figures(r.call).residual == 0


def test_underspend_returns_to_the_plan(world: Any, cycle: SimpleNamespace, ranked: SimpleNamespace) -> None:
    r = ranked
    v1 = services.ranking_publish(call=r.call, status=RankingStatus.PROVISIONAL, by=world.coordinator, now=r.t0)
    services.ranking_publish(call=r.call, status=RankingStatus.FINAL, by=world.coordinator, now=v1.objections_until)
    project = Project.objects.get(proposal=r.first)  # granted 25,000 €
    report = services.expense_report_create(
        project=project, period_start=dt.date(2017, 9, 1), period_end=dt.date(2018, 7, 31), by=world.lead
    )
    staff = services.expense_line_add(
        report=report,
        category=BudgetCategory.STAFF,
        description="Educatrici",
        amount_cents=10_000 * EURO,
        by=world.lead,
    )
    rent = services.expense_line_add(
        report=report, category=BudgetCategory.SERVICES, description="Affitto", amount_cents=5_000 * EURO, by=world.lead
    )
    with pytest.raises(ValidationError):
        services.expense_line_decide(line=staff, approved_cents=staff.amount_cents, reason="", by=world.coordinator)
    services.expense_report_submit(report=report, by=world.lead)
    with pytest.raises(PermissionDenied):
        services.expense_line_decide(line=staff, approved_cents=staff.amount_cents, reason="", by=world.lead)
    with pytest.raises(ValidationError):
        services.expense_line_decide(line=rent, approved_cents=3_000 * EURO, reason="", by=world.coordinator)
    with pytest.raises(ValidationError):
        services.expense_line_decide(line=rent, approved_cents=5_001 * EURO, reason="x", by=world.coordinator)
    services.expense_line_decide(line=staff, approved_cents=staff.amount_cents, reason="", by=world.coordinator)
    services.expense_line_decide(
        line=rent, approved_cents=3_000 * EURO, reason="Quota non ammissibile", by=world.coordinator
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.REVIEWED
    assert budget.project_figures(project) == budget.Figures(25_000 * EURO, 25_000 * EURO, 13_000 * EURO, 12_000 * EURO)
    assert budget.plan_figures(cycle.plan).spent == 13_000 * EURO

    services.project_close(project=project, by=world.coordinator)
    project.refresh_from_db()
    assert (project.status, project.returned_cents) == (ProjectStatus.CLOSED, 12_000 * EURO)
    assert budget.call_figures(r.call) == budget.Figures(60_000 * EURO, 33_000 * EURO, 13_000 * EURO, 27_000 * EURO)
    assert budget.plan_figures(cycle.plan) == budget.Figures(
        100_000 * EURO, 33_000 * EURO, 13_000 * EURO, 67_000 * EURO
    )
    with pytest.raises(ValidationError):
        services.expense_report_create(
            project=project, period_start=dt.date(2018, 8, 1), period_end=dt.date(2018, 8, 31), by=world.lead
        )


def test_approved_expenses_never_exceed_the_grant(world: Any, cycle: SimpleNamespace) -> None:
    project = Project.objects.create(lead=world.lead_org, plan=cycle.plan, title="Net & Co", granted_cents=1_000 * EURO)
    report = services.expense_report_create(
        project=project, period_start=dt.date(2015, 9, 1), period_end=dt.date(2016, 7, 31), by=world.lead
    )
    lines = [
        services.expense_line_add(report=report, category="staff", description=str(i), amount_cents=600 * EURO, by=None)
        for i in range(2)
    ]
    services.expense_report_submit(report=report, by=world.lead)
    services.expense_line_decide(line=lines[0], approved_cents=600 * EURO, reason="", by=world.coordinator)
    with pytest.raises(ValidationError, match="400,00"):
        services.expense_line_decide(line=lines[1], approved_cents=600 * EURO, reason="", by=world.coordinator)
    services.expense_line_decide(
        line=lines[1], approved_cents=400 * EURO, reason="Tetto del contributo", by=world.coordinator
    )
    assert budget.project_figures(project).spent == 1_000 * EURO
    # a project recorded on the plan without a call commits its grant on the plan
    assert budget.plan_figures(cycle.plan).committed == 1_000 * EURO


def test_figures_take_a_fixed_number_of_queries(
    world: Any, cycle: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            budget.plan_figures(cycle.plan)
            budget.call_figures(cycle.call)
        return len(ctx)

    before = count()
    for i in range(3):
        Project.objects.create(lead=world.lead_org, plan=cycle.plan, title=f"P{i}", granted_cents=EURO)
    assert count() == before <= 6


def test_an_open_call_grows_only_within_the_plan(world: Any, cycle: SimpleNamespace) -> None:
    call = services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)  # 60,000 of 100,000
    call.budget_cents = 100_001 * EURO
    with pytest.raises(ValidationError, match="100.000,00"):
        call.full_clean()
    call.budget_cents = 100_000 * EURO
    call.full_clean()
    call.save()
    assert budget.plan_figures(cycle.plan).residual == 0


def test_ranking_reads_a_fixed_number_of_queries(world: Any, cycle: SimpleNamespace) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = services.call_transition(call=cycle.call, to=CallStatus.OPEN, by=world.coordinator)

    def queries() -> int:
        set_status(call, CallStatus.OPEN)
        services.proposal_submit(proposal=new_proposal(world, call), by=world.lead)
        Proposal.objects.filter(call=call).update(admissibility=Admissibility.ADMISSIBLE)
        with CaptureQueriesContext(connection) as ctx:
            result = services.ranking_compute(call)
        assert len(result.entries) == Proposal.objects.filter(call=call).count()
        return len(ctx)

    first = queries()
    assert [queries() for _ in range(3)] == [first] * 3
