"""The programming cycle in headless Chromium, as its users click it, with screenshots in artifacts/."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from concilia.conftest import ARTIFACTS
from concilia.core import clock
from concilia.core.testing import factories as f
from concilia.programming import budget, services
from concilia.programming.choices import ActionKind, BudgetCategory, CallStatus
from concilia.programming.models import Call, Project, Proposal, Ranking
from concilia.programming.tests import factories as pf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EURO = 100
PASSWORD = "password-di-prova"


def login(page: Any, base: str, user: Any, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accesso/?next={next_url}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{next_url}")


def step(page: Any, href: str, shot: str, fill: dict[str, str] | None = None, select: dict[str, str] | None = None):
    """Click the workflow button linking to ``href`` on the current page, fill its form, confirm."""
    page.locator(f'a[href="{href}"]').first.click()
    page.wait_for_url(f"**{href}")
    for name, value in (select or {}).items():
        page.locator(f'select[name="{name}"]').select_option(value)
    for name, value in (fill or {}).items():
        page.locator(f'[name="{name}"]').fill(value)
    page.screenshot(path=str(ARTIFACTS / f"cycle-{shot}.png"), full_page=True)
    with page.expect_navigation():
        page.locator("main form button[type=submit], form.mb-4 button[type=submit]").first.click()
    alert = page.locator(".alert-danger")
    assert not alert.count() or not alert.first.is_visible(), alert.first.inner_text()


def test_the_cycle_in_the_browser(browser_page: Any, live_server: Any, world: Any) -> None:
    page, base = browser_page, live_server.url
    for user in (world.coordinator, world.lead):
        user.set_password(PASSWORD)
        user.save()
    evaluator = f.UserFactory(username="valutatrice")
    evaluator.set_password(PASSWORD)
    evaluator.save()
    plan = pf.PlanFactory(network=world.network, title="Piano territoriale 2017-2018")
    pf.FundingSourceFactory(plan=plan, amount_cents=100_000 * EURO)
    call = pf.CallFactory(
        plan=plan, network=world.network, publisher=world.lead_org, objections_days=0, title="Bando alleanze 2026"
    )
    quality = pf.CriterionFactory(call=call, code="qualita", label="Qualità del progetto", max_points=30, order=1)
    services.evaluator_assign(call=call, user=evaluator, by=world.coordinator)
    call_url = f"/programmazione/bandi/{call.pk}/"

    # The coordinator opens the call from its page.
    login(page, base, world.coordinator, call_url)
    step(page, f"{call_url}stato/", "1-open", select={"to": CallStatus.OPEN}, fill={"note": "Apertura del bando"})
    assert page.locator("[data-call-status]").get_attribute("data-call-status") == "open"
    page.screenshot(path=str(ARTIFACTS / "cycle-2-call-open.png"), full_page=True)

    # The alliance lead completes its draft and submits it; the protocol and the receipt follow.
    call.refresh_from_db()
    proposal = services.proposal_create(call=call, alliance=world.alliance, title="Conciliare in rete", by=world.lead)
    services.proposal_update(proposal=proposal, by=world.lead, requested_cents=20_000 * EURO)
    services.proposal_partner_add(
        proposal=proposal, organisation=world.provider_org, cofinancing_cents=12_000 * EURO, by=world.lead
    )
    services.proposal_action_add(
        proposal=proposal, kind=ActionKind.FAMILY_SERVICES, title="Pre e post scuola", by=world.lead
    )
    services.proposal_budget_line_add(
        proposal=proposal, category=BudgetCategory.SERVICES, amount_cents=32_000 * EURO, by=world.lead
    )
    proposal_url = f"/programmazione/proposte/{proposal.pk}/"
    login(page, base, world.lead, proposal_url)
    step(page, f"{proposal_url}presenta/", "3-submit")
    proposal.refresh_from_db()
    assert proposal.protocol_number == 1
    assert proposal.protocol in page.locator("main").inner_text()
    page.screenshot(path=str(ARTIFACTS / "cycle-4-submitted.png"), full_page=True)
    with page.expect_download() as download:
        page.locator(f'a[href="{proposal_url}ricevuta.pdf"]').first.click()
    assert download.value.suggested_filename.startswith("ricevuta-")

    # The deadline passes; the coordinator closes the call and starts the evaluation.
    Call.objects.filter(pk=call.pk).update(closes_at=clock.now() - dt.timedelta(seconds=1))
    login(page, base, world.coordinator, call_url)
    step(page, f"{call_url}stato/", "5-close", select={"to": CallStatus.CLOSED})
    step(page, f"{call_url}stato/", "6-evaluation", select={"to": CallStatus.EVALUATION})
    assert Proposal.objects.get(pk=proposal.pk).admissibility == "admissible"

    # The evaluator scores the proposal on the grid.
    login(page, base, evaluator, proposal_url)
    step(
        page,
        f"{proposal_url}valuta/",
        "7-score",
        fill={f"points_{quality.pk}": "26", f"comment_{quality.pk}": "Solido"},
    )
    assert proposal.scores.get().points == 26

    # The coordinator publishes the provisional and the final ranking; the project is created.
    login(page, base, world.coordinator, call_url)
    step(page, f"{call_url}pubblica-graduatoria/", "8-provisional", select={"status": "provisional"})
    step(page, f"{call_url}pubblica-graduatoria/", "9-final", select={"status": "final"})
    assert list(Ranking.objects.filter(call=call).values_list("status", flat=True)) == ["provisional", "final"]
    project = Project.objects.get(proposal=proposal)
    assert budget.plan_figures(plan).residual == 80_000 * EURO

    page.goto(base + Ranking.objects.get(call=call, status="final").get_absolute_url())
    ranking_text = page.locator("main").inner_text()
    assert "Conciliare in rete" in ranking_text and "\t26\tFinanziata" in ranking_text  # points as points
    page.screenshot(path=str(ARTIFACTS / "cycle-10-ranking.png"), full_page=True)
    page.goto(base + project.get_absolute_url())
    assert "20.000,00" in page.locator("main").inner_text()
    page.screenshot(path=str(ARTIFACTS / "cycle-11-project.png"), full_page=True)
    assert (ARTIFACTS / "cycle-11-project.png").stat().st_size > 10_000
