"""The public ranking page: points as points, the rules digest explained in a "Verifica" details, a phone's cards.

Issue 15, point 7: the page showed "Punti 8400" for 84 points (the rules' hundredths) and the 64-character
digest as a field, and on a phone its Outcome and Grant columns were cut off.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from concilia.conftest import ARTIFACTS
from concilia.core import clock
from concilia.core.testing.reflow import sideways_scroll
from concilia.programming import services
from concilia.programming.models import Ranking
from concilia.programming.tests import factories as pf

DIGEST = "3f" * 32
RULES = "points:\n  - {id: qualita, label: Qualità, per_unit: {field: score_qualita, points: 1}}\n"


def published_ranking(world: Any) -> Ranking:
    """Given a call with its own rules and a published ranking of three proposals (points in hundredths)."""
    plan = pf.PlanFactory(network=world.network)
    pf.FundingSourceFactory(plan=plan, amount_cents=200_000_00)
    call = pf.CallFactory(plan=plan, network=world.network, publisher=world.lead_org, title="Bando alleanze 2027")
    pf.CriterionFactory(call=call, code="qualita", label="Qualità", max_points=100)
    call.rules = RULES
    call.save()
    services.call_transition(call=call, to="open", by=world.coordinator, note="Apertura")
    alliance = world.alliance.name
    entries = [
        {"proposal": 1, "protocol": "BANDO/0001", "title": "Conciliare in rete, nidi e centri estivi per le famiglie",
         "alliance": alliance, "points": 8400, "rank": 1, "outcome": "funded", "granted_cents": 4_500_000},
        {"proposal": 2, "protocol": "BANDO/0002", "title": "Orari flessibili e sportelli aziendali",
         "alliance": alliance, "points": 8450 - 1000, "rank": 2, "outcome": "partially_funded", "granted_cents": 1_250_050},
        {"proposal": 3, "protocol": "BANDO/0003", "title": "Welfare di territorio", "alliance": alliance,
         "points": 7125, "rank": 3, "outcome": "not_funded", "granted_cents": 0},
    ]  # fmt: skip
    return Ranking.objects.create(
        call=call, version=1, status="provisional", published_at=clock.now(), entries=entries, rules_digest=DIGEST
    )


@pytest.mark.django_db
def test_points_are_points_and_the_digest_is_explained(world: Any) -> None:
    ranking = published_ranking(world)
    body = Client(headers={"Accept-Language": "it"}).get(reverse("programming:ranking_detail", args=[ranking.pk]))
    html = body.content.decode()
    assert body.status_code == 200
    cells = re.findall(r'data-label="Punti" class="text-end">([^<]*)<', html)
    assert cells == ["84", "74,5", "71,25"]  # not 8400, 7450, 7125
    assert "8400" not in html and "7125" not in html
    # The digest is not a detail field: it is in a "Verifica" details, with what it is and how to check it.
    fields = html[html.index('class="row detail-fields"') : html.index("</dl>")]
    assert DIGEST not in fields
    details = html[html.index("<details") : html.index("</details>")]
    assert "<summary>Verifica</summary>" in details and DIGEST in details
    assert "Che cos'è" in details and "Come verificarla" in details and "sha256sum" in details


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_ranking_on_a_phone_and_a_desktop(browser_page: Any, live_server: Any, world: Any) -> None:
    """On a phone each proposal is a card with its outcome and grant on screen; nothing scrolls sideways."""
    ranking = published_ranking(world)
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": "it", "url": live_server.url}])
    url = live_server.url + reverse("programming:ranking_detail", args=[ranking.pk])
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(url)
    assert sideways_scroll(page) == []
    for label in ("Esito", "Contributo"):
        cell = page.locator(f'td[data-label="{label}"]').first
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, (label, box)
        assert cell.is_visible()
    assert page.locator('td[data-label="Contributo"]').first.inner_text().endswith("45.000,00")
    page.locator("summary", has_text="Verifica").click()
    assert page.get_by_text(DIGEST).is_visible()
    page.screenshot(path=str(ARTIFACTS / "ranking-phone-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    assert page.locator("table.table-stack thead").is_visible()  # a plain table on a desktop
    assert sideways_scroll(page) == []
    page.screenshot(path=str(ARTIFACTS / "ranking-desktop.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_rules_test_page_on_a_phone(browser_page: Any, live_server: Any, world: Any) -> None:
    """ "Prova le regole" (445 px wide before): the samples' ranking, with its explanations, fits a phone."""
    plan = pf.PlanFactory(network=world.network)
    pf.FundingSourceFactory(plan=plan, amount_cents=100_000_00)
    call = pf.CallFactory(plan=plan, network=world.network, publisher=world.lead_org, budget_cents=30_000_00)
    pf.CriterionFactory(call=call, code="qualita", label="Qualità", max_points=30)
    world.coordinator.set_password("password-di-prova")
    world.coordinator.save()
    page, url = browser_page, reverse("programming:call_rules_preview", args=[call.pk])
    page.goto(f"{live_server.url}/accesso/?next={url}")
    page.locator("#id_username").fill(world.coordinator.username)
    page.locator("#id_password").fill("password-di-prova")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{url}")
    page.set_viewport_size({"width": 375, "height": 812})
    samples = "id,submitted_at,requested_cents,cofinancing_percent,score_qualita\n"
    samples += "A,2026-03-01T09:00:00,2000000,40,2500\nB,2026-03-01T10:00:00,2000000,35,2800\n"
    page.locator('textarea[name="applications"]').fill(samples)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.locator("#preview-heading").wait_for()
    page.locator("summary", has_text="Perché").first.click()
    assert sideways_scroll(page) == []
    assert page.locator('td[data-label="Contributo"]').first.inner_text().endswith("20.000,00")
    page.screenshot(path=str(ARTIFACTS / "rules-preview-phone-375.png"), full_page=True)
