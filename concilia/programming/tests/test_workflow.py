"""The whole cycle through the workflow pages, as its users click it: open, submit, score, rank, fund."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from concilia.core import clock
from concilia.core.testing import factories as f
from concilia.programming import budget, services
from concilia.programming.choices import ActionKind, BudgetCategory, CallStatus, RankingStatus
from concilia.programming.models import CallEvent, Project, Proposal, Ranking, Score
from concilia.programming.tests import factories as pf

pytestmark = pytest.mark.django_db
EURO = 100


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(c: Client, name: str, pk: int, data: dict[str, Any] | None = None, expect: int = 302) -> Any:
    with translation.override("it"):
        response = c.post(reverse(f"programming:{name}", args=[pk]), data or {})
    assert response.status_code == expect, response.content.decode()[:3000]
    return response


def draft_proposal(world: Any, call: Any, requested: int = 20_000 * EURO) -> Proposal:
    p = services.proposal_create(call=call, alliance=world.alliance, title="Conciliare in rete", by=world.lead)
    services.proposal_update(proposal=p, by=world.lead, requested_cents=requested)
    services.proposal_partner_add(
        proposal=p, organisation=world.provider_org, cofinancing_cents=12_000 * EURO, by=world.lead
    )
    services.proposal_action_add(
        proposal=p,
        kind=ActionKind.FAMILY_SERVICES,
        title="Pre e post scuola",
        budget_cents=32_000 * EURO,
        by=world.lead,
    )
    services.proposal_budget_line_add(
        proposal=p, category=BudgetCategory.SERVICES, amount_cents=32_000 * EURO, by=world.lead
    )
    return p


def test_the_whole_cycle_through_the_pages(world: Any) -> None:
    plan = pf.PlanFactory(network=world.network)
    pf.FundingSourceFactory(plan=plan, amount_cents=100_000 * EURO)
    call = pf.CallFactory(plan=plan, network=world.network, publisher=world.lead_org, objections_days=0)
    quality = pf.CriterionFactory(call=call, code="qualita", label="Qualità del progetto", max_points=30, order=1)
    network = pf.CriterionFactory(call=call, code="rete", label="Rete di partner", max_points=20, order=2)
    evaluator = f.UserFactory(username="valutatrice")
    conflicted = f.UserFactory(username="valutatore-in-conflitto")
    services.evaluator_assign(call=call, user=evaluator, by=world.coordinator)
    other = services.evaluator_assign(call=call, user=conflicted, by=world.coordinator)
    services.conflict_declare(evaluator=other, organisation=world.provider_org, note="Socio", by=conflicted)
    coordinator, lead = client_for(world.coordinator), client_for(world.lead)

    # A draft call is invisible to the lead; the coordinator opens it, and the change is recorded.
    post(lead, "call_status", call.pk, {"to": CallStatus.OPEN}, expect=404)
    post(coordinator, "call_status", call.pk, {"to": CallStatus.OPEN, "note": "Apertura"})
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    assert CallEvent.objects.get(call=call).by == world.coordinator
    assert budget.plan_figures(plan).committed == call.budget_cents
    post(lead, "call_status", call.pk, {"to": CallStatus.CLOSED}, expect=403)  # visible now, still not theirs

    # An illegal jump is refused on the page, in Italian, and changes nothing.
    page = post(coordinator, "call_status", call.pk, {"to": CallStatus.FINAL_RANKING}, expect=400)
    body = page.content.decode()
    assert "non è tra quelle disponibili" in body, body[body.find('<form method="post" class="mb-4"') :][:1500]

    proposal = draft_proposal(world, call)
    post(lead, "proposal_submit", proposal.pk)
    proposal.refresh_from_db()
    assert proposal.protocol_number == 1 and proposal.submitted_at is not None
    receipt = lead.get(reverse("programming:proposal_receipt", args=[proposal.pk]))
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    # Submitted: no second submission, no change.
    page = post(lead, "proposal_submit", proposal.pk, expect=400)
    assert proposal.protocol in page.content.decode() or "già" in page.content.decode()

    # The deadline passes; the coordinator closes the call, starts the evaluation, checks admissibility.
    Proposal.objects.filter(pk=proposal.pk)  # (the proposal stays as submitted)
    type(call).objects.filter(pk=call.pk).update(closes_at=clock.now() - dt.timedelta(seconds=1))
    post(coordinator, "call_status", call.pk, {"to": CallStatus.CLOSED})
    post(coordinator, "call_status", call.pk, {"to": CallStatus.EVALUATION})
    post(coordinator, "call_admissibility", call.pk)
    proposal.refresh_from_db()
    assert proposal.admissibility == "admissible", proposal.admissibility_reasons

    # The evaluator scores; the one with a conflict cannot; points above the maximum are refused.
    scorer = client_for(evaluator)
    grid = scorer.get(reverse("programming:proposal_score", args=[proposal.pk]))
    assert grid.status_code == 200 and "Qualità del progetto" in grid.content.decode()
    fields = {f"points_{quality.pk}": 31, f"points_{network.pk}": 15}
    post(scorer, "proposal_score", proposal.pk, fields, expect=400)
    assert not Score.objects.exists()
    fields[f"points_{quality.pk}"] = 27
    post(scorer, "proposal_score", proposal.pk, {**fields, f"comment_{quality.pk}": "Solido"})
    assert sorted(Score.objects.values_list("points", flat=True)) == [15, 27]
    post(client_for(conflicted), "proposal_score", proposal.pk, {**fields}, expect=403)
    assert Score.objects.count() == 2

    # Provisional then final ranking; the project is created and its grant subtracted.
    post(coordinator, "call_publish_ranking", call.pk, {"status": RankingStatus.PROVISIONAL})
    post(coordinator, "call_publish_ranking", call.pk, {"status": RankingStatus.FINAL})
    call.refresh_from_db()
    assert call.status == CallStatus.FINAL_RANKING
    assert list(Ranking.objects.filter(call=call).values_list("version", "status")) == [
        (1, "provisional"),
        (2, "final"),
    ]
    project = Project.objects.get(proposal=proposal)
    assert project.granted_cents == 20_000 * EURO and project.lead == world.lead_org
    assert budget.call_figures(call).committed == 20_000 * EURO
    assert budget.call_figures(call).residual == call.budget_cents - 20_000 * EURO
    plan_figures = budget.plan_figures(plan)
    assert plan_figures.committed == 20_000 * EURO  # the rest of the call went back to the plan
    assert plan_figures.residual == 80_000 * EURO

    # A correction needs a reason; with one it is version 3, and the earlier versions stay.
    page = post(coordinator, "call_publish_ranking", call.pk, {"status": RankingStatus.FINAL}, expect=400)
    assert "motivazione" in page.content.decode()
    post(coordinator, "call_publish_ranking", call.pk, {"status": RankingStatus.FINAL, "reason": "Errore materiale"})
    assert Ranking.objects.filter(call=call).count() == 3


def test_steps_need_a_login_and_visibility(world: Any, client: Client) -> None:
    plan = pf.PlanFactory(network=world.network)
    call = pf.CallFactory(plan=plan, network=world.network, publisher=world.lead_org)
    url = reverse("programming:call_status", args=[call.pk])
    assert client.get(url).status_code == 302  # to the login page
    assert client_for(world.other_lead).post(url, {"to": CallStatus.OPEN}).status_code in (403, 404)
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


def api(c: Client, path: str, data: dict[str, Any] | None = None, expect: int = 200) -> Any:
    with translation.override("it"):
        response = c.post(f"/api/programming/{path}", data or {}, content_type="application/json")
    assert response.status_code == expect, response.content.decode()[:2000]
    return response.json() if response["Content-Type"].startswith("application/json") else response


def test_the_whole_cycle_through_the_api(world: Any, client: Client) -> None:
    plan = pf.PlanFactory(network=world.network)
    pf.FundingSourceFactory(plan=plan, amount_cents=100_000 * EURO)
    call = pf.CallFactory(plan=plan, network=world.network, publisher=world.lead_org, objections_days=0)
    pf.CriterionFactory(call=call, code="qualita", label="Qualità", max_points=30, order=1)
    evaluator = f.UserFactory(username="valutatrice")
    services.evaluator_assign(call=call, user=evaluator, by=world.coordinator)
    coordinator, lead, scorer = client_for(world.coordinator), client_for(world.lead), client_for(evaluator)

    assert api(lead, f"calls/{call.pk}/transition/", {"to": "open"}, expect=404)  # a draft is not visible
    assert api(coordinator, f"calls/{call.pk}/transition/", {"to": "open"})["status"] == "open"
    bad = api(coordinator, f"calls/{call.pk}/transition/", {"to": "archived"}, expect=400)
    assert "non può passare" in " ".join(bad["non_field_errors"]) or "Archiviato" in " ".join(bad["non_field_errors"])

    call.refresh_from_db()
    proposal = draft_proposal(world, call)
    submitted = api(lead, f"proposals/{proposal.pk}/submit/")
    assert submitted["protocol_number"] == 1 and submitted["protocol"].endswith("/0001")
    receipt = lead.get(f"/api/programming/proposals/{proposal.pk}/receipt/")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    assert client.get(f"/api/programming/proposals/{proposal.pk}/receipt/").status_code in (401, 403)

    type(call).objects.filter(pk=call.pk).update(closes_at=clock.now() - dt.timedelta(seconds=1))
    api(coordinator, f"calls/{call.pk}/transition/", {"to": "closed"})
    api(coordinator, f"calls/{call.pk}/transition/", {"to": "evaluation"})
    checked = api(coordinator, f"calls/{call.pk}/admissibility-check/")
    assert checked["proposals"][0]["admissibility"] == "admissible"
    api(scorer, f"proposals/{proposal.pk}/scores/", {"scores": [{"criterion": "nope", "points": 1}]}, expect=400)
    api(scorer, f"proposals/{proposal.pk}/scores/", {"scores": [{"criterion": "qualita", "points": 31}]}, expect=400)
    scored = api(scorer, f"proposals/{proposal.pk}/scores/", {"scores": [{"criterion": "qualita", "points": 24}]})
    assert scored["scores"] == [{"criterion__code": "qualita", "points": 24, "comment": ""}]
    api(lead, f"proposals/{proposal.pk}/scores/", {"scores": [{"criterion": "qualita", "points": 30}]}, expect=404)

    api(coordinator, f"calls/{call.pk}/publish-ranking/", {"status": "provisional"})
    final = api(coordinator, f"calls/{call.pk}/publish-ranking/", {"status": "final"})
    assert final["version"] == 2 and final["projects"][0]["granted_cents"] == 20_000 * EURO
    figures = client.get(f"/api/programming/calls/{call.pk}/budget/").json()
    assert figures == {
        "allocated_cents": call.budget_cents,
        "committed_cents": 20_000 * EURO,
        "spent_cents": 0,
        "residual_cents": call.budget_cents - 20_000 * EURO,
    }
    assert client.get(f"/api/programming/plans/{plan.pk}/budget/").json()["residual_cents"] == 80_000 * EURO


def test_project_accounts_through_the_pages_and_the_api(world: Any, client: Client) -> None:
    plan = pf.PlanFactory(network=world.network)
    pf.FundingSourceFactory(plan=plan, amount_cents=100_000 * EURO)
    project = Project.objects.create(
        plan=plan, alliance=world.alliance, lead=world.lead_org, title="Net & Co", granted_cents=10_000 * EURO
    )
    report = services.expense_report_create(
        project=project, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 6, 30), by=world.lead
    )
    staff = services.expense_line_add(
        report=report, category=BudgetCategory.STAFF, description="Educatrici", amount_cents=6_000 * EURO, by=world.lead
    )
    rent = services.expense_line_add(
        report=report, category=BudgetCategory.OTHER, description="Affitto", amount_cents=1_000 * EURO, by=world.lead
    )
    coordinator, lead = client_for(world.coordinator), client_for(world.lead)

    # The lead sees the submit button on its draft report and submits; another lead cannot even see it.
    page = lead.get(report.get_absolute_url())
    assert reverse("programming:expensereport_submit", args=[report.pk]) in page.content.decode()
    post(client_for(world.other_lead), "expensereport_submit", report.pk, expect=404)
    post(lead, "expensereport_submit", report.pk)

    # The coordinator approves one line fully, the other partly; a partial approval without a reason is refused.
    page = coordinator.get(staff.get_absolute_url())
    assert reverse("programming:expenseline_decide", args=[staff.pk]) in page.content.decode()
    assert (
        reverse("programming:expenseline_decide", args=[staff.pk])
        not in lead.get(staff.get_absolute_url()).content.decode()
    )
    post(lead, "expenseline_decide", staff.pk, {"approved": "6000,00"}, expect=403)
    post(coordinator, "expenseline_decide", staff.pk, {"approved": "6000,00"})
    page = post(coordinator, "expenseline_decide", rent.pk, {"approved": "400,00"}, expect=400)
    assert "motivazione" in page.content.decode()
    rent.refresh_from_db()
    assert rent.approved_cents is None
    decided = api(
        coordinator, f"expenselines/{rent.pk}/decide/", {"approved_cents": 400 * EURO, "reason": "Quota non ammessa"}
    )
    assert decided == {"id": rent.pk, "approved_cents": 400 * EURO, "reason": "Quota non ammessa"}

    # Closing the accounts gives back to the plan what was not approved.
    api(lead, f"projects/{project.pk}/close/", expect=403)
    post(coordinator, "project_close", project.pk)
    project.refresh_from_db()
    assert project.returned_cents == (10_000 - 6_000 - 400) * EURO
    assert budget.plan_figures(plan).committed == 6_400 * EURO
    assert api(coordinator, f"projects/{project.pk}/close/", expect=400)  # already closed: nothing changes


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("call_status", {"to": "closed"}),
        ("call_admissibility", {}),
        ("call_publish_ranking", {"status": "provisional"}),
    ],
)
def test_call_steps_are_the_coordinators(world: Any, name: str, data: dict[str, Any]) -> None:
    plan = pf.PlanFactory(network=world.network)
    pf.FundingSourceFactory(plan=plan, amount_cents=100_000 * EURO)
    call = pf.CallFactory(plan=plan, network=world.network, publisher=world.lead_org)
    services.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    before = list(CallEvent.objects.values_list("pk", flat=True))
    outsider = f.user_with_role("network_coordinator", network=world.other_network, username="altro-coordinatore")
    for user in (world.lead, world.provider, world.plain, outsider):
        response = client_for(user).post(reverse(f"programming:{name}", args=[call.pk]), data)
        assert response.status_code == 403, (user, response.status_code)
    assert list(CallEvent.objects.values_list("pk", flat=True)) == before
    assert not Ranking.objects.exists()


def test_proposal_steps_are_the_leads_and_the_evaluators(world: Any) -> None:
    plan = pf.PlanFactory(network=world.network)
    pf.FundingSourceFactory(plan=plan, amount_cents=100_000 * EURO)
    call = pf.CallFactory(plan=plan, network=world.network, publisher=world.lead_org)
    services.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    call.refresh_from_db()
    proposal = draft_proposal(world, call)
    for user in (world.other_lead, world.provider, world.plain):  # cannot even see the draft
        for name in ("proposal_submit", "proposal_withdraw", "proposal_admissibility", "proposal_score"):
            assert client_for(user).post(reverse(f"programming:{name}", args=[proposal.pk])).status_code == 404
        assert client_for(user).get(reverse("programming:proposal_receipt", args=[proposal.pk])).status_code == 404
    post(client_for(world.coordinator), "proposal_submit", proposal.pk, expect=403)  # sees it, is not its lead
    post(client_for(world.coordinator), "proposal_score", proposal.pk, expect=404)  # not an evaluator
    proposal.refresh_from_db()
    assert proposal.protocol_number is None and proposal.status == "draft"


def test_the_coordinator_tries_the_rules_on_sample_applications(world: Any) -> None:
    plan = pf.PlanFactory(network=world.network)
    pf.FundingSourceFactory(plan=plan, amount_cents=100_000 * EURO)
    call = pf.CallFactory(plan=plan, network=world.network, publisher=world.lead_org, budget_cents=30_000 * EURO)
    pf.CriterionFactory(call=call, code="qualita", label="Qualità", max_points=30)
    url = reverse("programming:call_rules_preview", args=[call.pk])
    coordinator = client_for(world.coordinator)
    form = coordinator.get(url)
    assert form.status_code == 200 and "score_qualita" in form.content.decode()  # the header to fill in
    samples = "\n".join(
        [
            "id,submitted_at,requested_cents,cofinancing_percent,score_qualita",
            "A,2026-03-01T09:00:00,2000000,40,2500",
            "B,2026-03-01T10:00:00,2000000,35,2800",
            "C,2026-03-01T11:00:00,1000000,10,3000",
        ]
    )
    with translation.override("it"):
        page = coordinator.post(url, {"applications": samples})
    body = page.content.decode()
    assert page.status_code == 200, body[:2000]
    ranked = body[body.index("preview-heading") :]
    assert ranked.index(">B<") < ranked.index(">A<")  # more points first
    assert "min_cofinancing" in ranked  # C is excluded by the co-financing rule
    assert "funded" in ranked and "not_funded" in ranked  # 30,000 € fund B only (fit: stop)
    # Each sample's explanation in the page's language: its position, points and what it received.
    assert "La domanda B è in posizione 1 in graduatoria" in ranked and "Finanziata: 20.000,00 €." in ranked
    assert "La domanda C non è in graduatoria" in ranked
    bad = coordinator.post(url, {"applications": "id,submitted_at\nA,ieri"})
    assert bad.status_code == 400 and "submitted_at" in bad.content.decode()
    assert client_for(world.lead).post(url, {"applications": samples}).status_code == 404  # a draft call
    services.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    assert client_for(world.lead).post(url, {"applications": samples}).status_code == 403
