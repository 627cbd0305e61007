"""The planner's week on a phone: a list of days with their uncovered hours instead of the chart."""

from __future__ import annotations

from typing import Any

import pytest

from concilia.conftest import ARTIFACTS
from concilia.core.testing import factories as f
from concilia.services import models
from concilia.services.hours import parse_weekly_hours
from concilia.services.tests import factories as sf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("name", "width"), [("phone", 375), ("desktop", 1280)])
def test_planner_week_on_phone_and_desktop(browser_page: Any, live_server: Any, name: str, width: int) -> None:
    town = f.MunicipalityFactory(name="Sesto di prova", latitude=45.5335, longitude=9.2311)
    s = sf.ServiceFactory(name="Infanzia", kind="scuola_infanzia", municipality=town, latitude=45.536, longitude=9.2311)
    for day, a, b in parse_weekly_hours("lun-ven 08:00-16:00"):
        models.OpeningHours.objects.create(service=s, weekday=day, opens=a, closes=b)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/catalogo/pianificatore/")
    school = page.locator("#id_figlio1_scuola")
    work = page.locator("#id_genitore1_orari")
    assert school.get_attribute("placeholder") != work.get_attribute("placeholder")
    page.fill("#id_comune", town.name)
    page.fill("#id_genitore1_orari", "lun-ven 08:30-17:30")
    page.fill("#id_figlio1_nascita", "2022-06-10")
    page.locator("form[aria-labelledby=planner-form-heading] button[type=submit]").click()
    page.wait_for_selector(".timeline-figure", state="attached")
    days = page.locator(".timeline-days").first
    figure = page.locator(".timeline-figure").first
    page.screenshot(path=str(ARTIFACTS / f"planner-week-{name}.png"), full_page=True)
    if width <= 576:
        assert days.is_visible() and not figure.is_visible()
        assert "Lunedì" in days.inner_text() and "16:00" in days.inner_text()  # 16:00–17:30 uncovered
    else:
        assert figure.is_visible() and not days.is_visible()
