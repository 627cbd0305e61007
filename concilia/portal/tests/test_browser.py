"""A person's walk through the public site in headless Chromium: home → network → alliance."""

from __future__ import annotations

from typing import Any

import pytest

from concilia.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_walk_home_network_alliance(browser_page: Any, live_server: Any, world: Any) -> None:
    page = browser_page
    page.goto(live_server.url + "/")
    assert "Concilia" in page.title()
    page.get_by_role("link", name=world.network.name).first.click()
    page.wait_for_url("**/rete/reti/*/")
    assert page.locator("h1").inner_text().startswith(world.network.name)
    assert page.get_by_text(world.lead_org.name).first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "network.png"), full_page=True)

    page.get_by_role("link", name=world.alliance.name).first.click()
    page.wait_for_url("**/rete/alleanze/*/")
    assert page.locator("h1").inner_text().startswith(world.alliance.name)
    assert page.get_by_role("link", name=world.provider_org.name).first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "alliance.png"), full_page=True)
    assert (ARTIFACTS / "alliance.png").stat().st_size > 10_000


def test_phone_layout_and_language_switch(browser_page: Any, live_server: Any, world: Any) -> None:
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/rete/reti/")
    assert page.locator("html").get_attribute("lang") == "it"
    body_width = page.evaluate("document.documentElement.scrollWidth")
    assert body_width <= 400, f"the page scrolls sideways on a phone ({body_width}px)"
    page.screenshot(path=str(ARTIFACTS / "networks-phone.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="EN").first.click()
    assert page.locator("h1").inner_text() == "Networks"
    assert page.locator("html").get_attribute("lang") == "en"


def test_keyboard_login_and_edit_alliance(browser_page: Any, live_server: Any, world: Any) -> None:
    """The lead logs in with the keyboard, edits its alliance; a form error is announced in a summary."""
    world.lead.set_password("password-capofila")
    world.lead.save()
    page = browser_page
    page.goto(live_server.url + f"/accesso/?next=/rete/alleanze/{world.alliance.pk}/modifica/")
    page.locator("#id_username").fill("capofila")
    page.locator("#id_password").fill("password-capofila")
    page.keyboard.press("Enter")
    page.wait_for_url("**/modifica/")
    page.locator("#id_ended_on").fill("2010-01-01")  # before formation: refused
    page.get_by_role("button", name="Salva").click()
    assert page.locator("#form-errors").is_visible()
    page.screenshot(path=str(ARTIFACTS / "alliance-form-error.png"), full_page=True)
    page.locator("#id_ended_on").fill("")
    page.locator("#id_description").fill("Servizi flessibili per famiglie")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_url(f"**/rete/alleanze/{world.alliance.pk}/")
    world.alliance.refresh_from_db()
    assert world.alliance.description == "Servizi flessibili per famiglie"
