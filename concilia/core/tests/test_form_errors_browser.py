"""A form sent with errors, in the browser: each error said once, beside its field and linked to it
(aria-describedby names the hint and the error, and both exist); the money field takes euros."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from concilia.conftest import ARTIFACTS
from concilia.core.testing.axe import assert_accessible, reference_problems
from concilia.programming import registers
from concilia.programming.choices import CallStatus
from concilia.programming.tests import register_factories as pf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    client.get("/")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_form_with_errors_says_each_once_and_links_it(world: Any, browser_page: Any, live_server: Any) -> None:
    call = pf.call(world, status=CallStatus.DRAFT)
    page = browser_page
    _sign_in(page, live_server, world.coordinator)
    page.goto(live_server.url + reverse(registers.calls.url_name("edit"), args=[call.pk]))
    budget = page.locator("#id_budget_cents")
    assert budget.input_value() == "500.000,00"
    page.fill("#id_title", "")
    budget.fill("450,000.00")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_selector("#form-errors")
    page.screenshot(path=str(ARTIFACTS / "form-errors.png"), full_page=True)

    # Each field names its hint and its error, and they are on the page.
    assert budget.get_attribute("aria-invalid") == "true"
    described = budget.get_attribute("aria-describedby").split()
    assert described == ["id_budget_cents_helptext", "id_budget_cents_error"]
    assert "45.000,00" in page.locator("#id_budget_cents_error").inner_text()
    assert page.locator("#id_title_error").count() == 1
    # The summary links to the fields without repeating their errors.
    summary = page.locator("#form-errors")
    assert summary.locator('a[href="#id_budget_cents"]').count() == 1
    assert "virgola" not in summary.inner_text()
    assert page.get_by_text("Scrivi un importo in euro", exact=False).count() == 1
    assert reference_problems(page) == []
    assert_accessible(page)
    call.refresh_from_db()
    assert call.budget_cents == 50_000_000

    # The check itself fails on a broken reference and on an error said twice.
    page.evaluate(
        """() => {
          document.getElementById("id_title").setAttribute("aria-describedby", "id_title_error missing_id");
          const li = document.createElement("li");
          li.textContent = document.querySelector("#id_budget_cents_error li").textContent;
          document.getElementById("id_budget_cents_error").appendChild(li);
        }"""
    )
    problems = reference_problems(page)
    assert any("missing_id" in p for p in problems)
    assert any("id_budget_cents" in p and "2 times" in p for p in problems)
