"""Long choice lists in the browser: a select with more than 30 options is an accessible autocomplete
(Bootstrap Italia's SelectAutocomplete), the value sent is the chosen option's, text that matches no
option is refused by the server in Italian, several choices are listed with a button to remove each."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from concilia.conftest import ARTIFACTS
from concilia.core.testing import factories as f
from concilia.core.testing.axe import assert_accessible, reference_problems
from concilia.network import models as net
from concilia.network import registers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    client.get("/")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def _many_organisations() -> list[net.Organisation]:
    return [f.OrganisationFactory(name=f"Impresa Lodigiana {n:02d}", kind="company") for n in range(1, 41)]


def test_one_choice_among_many_is_an_autocomplete(world: Any, browser_page: Any, live_server: Any) -> None:
    orgs = _many_organisations()
    page = browser_page
    _sign_in(page, live_server, world.coordinator)
    add_url = live_server.url + reverse(registers.memberships.url_name("add"))
    page.goto(add_url)

    # The long list became a text field the label names; the short ones stay selects.
    field = page.locator("#id_organisation")
    field.wait_for()
    assert field.evaluate("e => e.tagName") == "INPUT"
    assert field.get_attribute("role") == "combobox"
    assert page.locator("label[for=id_organisation]").count() == 1
    assert page.locator("#id_organisation-select").is_hidden()
    assert page.locator("#id_role").evaluate("e => e.tagName") == "SELECT"

    field.fill("Lodigiana 17")
    option = page.get_by_role("option", name="Impresa Lodigiana 17")
    option.wait_for()
    assert page.locator("#id_organisation__listbox [role=option]").all_inner_texts() == ["Impresa Lodigiana 17"]
    page.screenshot(path=str(ARTIFACTS / "autocomplete-open.png"))
    option.click()
    assert page.locator("#id_organisation-select").input_value() == str(orgs[16].pk)
    assert_accessible(page)
    assert reference_problems(page) == []

    page.select_option("#id_network", str(world.network.pk))
    page.fill("#id_joined_on", "2026-01-15")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    membership = net.Membership.objects.get(organisation=orgs[16])
    assert membership.network == world.network

    # Text that names no option is refused by the server, and nothing is saved.
    page.goto(add_url)
    page.locator("#id_organisation").fill("Impresa che non esiste")
    page.select_option("#id_network", str(world.network.pk))
    page.fill("#id_joined_on", "2026-01-15")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_selector("#form-errors")
    error = page.locator("#id_organisation_error")
    assert "Scegli un'opzione valida" in error.inner_text()
    # The refused text is back in the field, and the error is linked to the field that replaced the select.
    assert page.locator("#id_organisation").input_value() == "Impresa che non esiste"
    assert "id_organisation_error" in (page.locator("#id_organisation").get_attribute("aria-describedby") or "")
    page.screenshot(path=str(ARTIFACTS / "autocomplete-refused.png"), full_page=True)
    assert net.Membership.objects.filter(organisation__name="Impresa che non esiste").count() == 0
    assert net.Membership.objects.count() == 3  # the world's two and the one chosen above


def test_several_choices_are_listed_with_a_remove_button(world: Any, browser_page: Any, live_server: Any) -> None:
    orgs = _many_organisations()
    page = browser_page
    _sign_in(page, live_server, world.coordinator)
    page.goto(live_server.url + reverse(registers.agreements.url_name("add")))
    field = page.locator("#id_signatories")
    field.wait_for()
    assert field.evaluate("e => e.tagName") == "INPUT"
    assert page.get_by_text("Nessuna scelta per ora.").is_visible()

    for number in ("03", "05"):
        field.fill(f"Lodigiana {number}")
        page.get_by_role("option", name=f"Impresa Lodigiana {number}").click()
        expect(page.locator(".concilia-chosen [role=status]")).to_have_text(f"Impresa Lodigiana {number} aggiunto.")
        expect(field).to_have_value("")  # the field empties, ready for the next one
    page.get_by_role("button", name="Rimuovi Impresa Lodigiana 03").click()
    assert page.locator(".concilia-chosen .concilia-chip-label").all_inner_texts() == ["Impresa Lodigiana 05"]
    page.screenshot(path=str(ARTIFACTS / "autocomplete-many.png"), full_page=True)
    assert_accessible(page)

    page.select_option("#id_network", str(world.network.pk))
    page.fill("#id_title", "Accordo con le imprese lodigiane")
    page.fill("#id_signed_on", "2026-03-02")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    assert page.locator("#form-errors").count() == 0, page.locator("main").inner_text()
    agreement = net.Agreement.objects.get(title="Accordo con le imprese lodigiane")
    assert list(agreement.signatories.all()) == [orgs[4]]
