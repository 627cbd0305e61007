"""A family in headless Chromium, on the real imported schools: find a scuola dell'infanzia near Sesto
San Giovanni for a 4-year-old, then plan a week for two working parents with a 4- and an 8-year-old.

Screenshots of the search (list and map) and of the planner at phone and desktop widths go to
``artifacts/``.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from concilia.conftest import ARTIFACTS
from concilia.network import demo as network_demo
from concilia.services import demo as services_demo
from concilia.services.importers import schools_import
from concilia.services.models import Service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


@pytest.fixture
def catalogue() -> None:
    """The territory, the demo network with its example services, and the Ministry's schools."""
    call_command("load_territory", stdout=io.StringIO())
    network_demo.load()  # only the loaders the flow reads: the whole demo would take as long again
    services_demo.load()
    schools_import(directory=settings.CONCILIA_MIM_DIR)


@pytest.mark.parametrize("width", WIDTHS)
def test_find_school_and_plan_the_week(catalogue: None, browser_page: Any, live_server: Any, width: str) -> None:
    page = browser_page
    w, h = WIDTHS[width]
    page.set_viewport_size({"width": w, "height": h})
    assert Service.objects.filter(kind="scuola_infanzia", municipality__name="Sesto San Giovanni").count() >= 5

    # Home → search for a 4-year-old in Sesto San Giovanni, scuole dell'infanzia within 2 km
    page.goto(live_server.url + "/")
    page.fill("#home-comune", "Sesto San Giovanni")
    page.fill("#home-nascita", "2022-06-10")
    page.locator("#home-search button[type=submit]").click()
    page.wait_for_url("**/catalogo/cerca/**")
    page.select_option("#id_raggio", "2")
    page.locator("details summary").first.click()
    page.locator("label.form-check-label", has_text="Scuola dell'infanzia").click()
    with page.expect_navigation():
        page.locator("form.search-form button[type=submit]").click()
    assert "tipo=scuola_infanzia" in page.url and "raggio=2" in page.url  # a shareable URL
    results = page.locator("ol.results > li")
    assert results.count() >= 5
    first = results.first.inner_text()
    assert "Scuola dell'infanzia" in first and "km" in first
    assert "centro del comune" in first  # located by municipality, and the page says so
    assert page.locator("#results-map").is_visible()  # the map drew (markers, no tiles in tests)
    assert page.evaluate("document.documentElement.scrollWidth") <= w + 1, "the page scrolls sideways"
    page.screenshot(path=str(ARTIFACTS / f"catalogue-search-{width}.png"), full_page=True)
    page.locator("#results-map").screenshot(path=str(ARTIFACTS / f"catalogue-map-{width}.png"))

    # The school's page: weekly schedule as a table, estimated hours said plainly
    results.first.get_by_role("link").first.click()
    page.wait_for_url("**/catalogo/servizi/*/")
    assert page.locator("table.schedule-table tbody tr").count() == 7
    assert "orari abituali" in page.locator("main").inner_text().lower()

    # The planner: two working parents, a 4-year-old (no school) and an 8-year-old at school
    page.goto(live_server.url + "/catalogo/pianificatore/")
    page.fill("#id_comune", "Sesto San Giovanni")
    page.fill("#id_settimana", "2026-11-30")
    page.fill("#id_genitore1_orari", "lun-ven 08:30-17:30")
    page.fill("#id_genitore1_viaggio", "30")
    page.fill("#id_genitore2_orari", "lun-ven 09:00-18:00")
    page.fill("#id_genitore2_viaggio", "30")
    page.fill("#id_figlio1_nascita", "2022-06-10")
    page.fill("#id_figlio2_nascita", "2018-05-03")
    page.fill("#id_figlio2_scuola", "lun-ven 08:30-16:30")
    page.get_by_role("button", name="Pianifica la settimana").click()
    page.wait_for_selector("#plan-heading")
    text = page.locator("main").inner_text()
    # both parents are away 8:30–18:00: the 4-year-old needs it all, the 8-year-old 16:30–18:00
    assert "47 h 30 min" in text and "7 h 30 min" in text
    # the 4-year-old: a real scuola dell'infanzia (8:00–16:00) plus the example extended day to 18:30
    assert "Esempio – Tempo prolungato scuola dell'infanzia" in text
    # the 8-year-old: the example after-school care 16:30–18:30 covers everything
    assert "Esempio – Post-scuola Rondinella" in text
    assert page.locator("figure.timeline-figure svg").count() >= 2
    page.screenshot(path=str(ARTIFACTS / f"care-planner-{width}.png"), full_page=True)
    assert (ARTIFACTS / f"care-planner-{width}.png").stat().st_size > 20_000
