"""The done-when flow in headless Chromium: the company's HR generates personal links, five people
answer (one through the organisation's page, typing the code), then the HR sees the charts; axe on the
code page, the answering page and the measures page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from concilia.accounts.choices import Role
from concilia.conftest import ARTIFACTS
from concilia.core.testing import factories as f
from concilia.core.testing.axe import assert_accessible
from concilia.workplace.models import CompanyMeasure, Response
from concilia.workplace.tests import factories as wf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "password-di-prova"


def test_five_people_answer_then_hr_sees_the_charts(browser_page: Any, live_server: Any, world: Any) -> None:
    page, base = browser_page, live_server.url
    coop = f.CompanyFactory(name="Coop Lombardia")
    f.PartnershipFactory(alliance=world.alliance, organisation=coop)
    hr = f.user_with_role(Role.COMPANY_HR, organisation=coop, username="hr.coop")
    hr.set_password(PASSWORD)
    hr.save()
    survey = wf.survey(world.lead_org, title="Bisogni di conciliazione dei dipendenti")
    invitation = wf.invitation(survey, coop)
    CompanyMeasure.objects.create(
        organisation=coop, measure=wf.measure(name="Orario flessibile"), since=dt.date(2015, 9, 1), is_public=True
    )
    link = f"{base}/aziende/questionari/{invitation.token}/"

    # the HR generates 5 personal links and downloads them
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/accesso/?next=/aziende/inviti/{invitation.pk}/")
    page.locator("#id_username").fill("hr.coop")
    page.locator("#id_password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/aziende/inviti/{invitation.pk}/")
    page.locator(f'main a[href$="/inviti/{invitation.pk}/link-personali/"]').click()
    page.locator("#id_count").fill("5")
    page.locator("#id_format").select_option("csv")
    with page.expect_download() as download_info:
        page.locator("main form button[type=submit]").click()
    rows = Path(download_info.value.path()).read_text(encoding="utf-8").splitlines()[1:]
    links = [row.split(",")[2] for row in rows]
    assert len(links) == 5 and all(x.startswith(link) for x in links)

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    for person in range(5):
        page.context.clear_cookies()
        if person == 0:  # the code on paper, typed on the organisation's page
            page.goto(link)
            assert_accessible(page)
            page.locator("#personal-code").fill(links[0].rstrip("/").rsplit("/", 1)[1].replace("-", " ").lower())
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(links[0])
        else:
            page.goto(links[person])
        nido = page.locator("#q-nido")
        assert nido.is_hidden()  # shown only with children
        page.locator("#figli-input").fill("1" if person % 2 else "0")
        assert nido.is_visible() == bool(person % 2)
        if person % 2:
            page.locator('label[for="nido-1"]').click()
        page.locator('label[for="misure-2"]').click()
        page.locator('label[for="difficolta-4"]').click()
        if person == 0:
            assert_accessible(page)
            page.screenshot(path=str(ARTIFACTS / "workplace-1-answer.png"), full_page=True)
        page.locator("form[data-survey-form] button[type=submit]").click()
        page.wait_for_url("**/grazie/")
    page.screenshot(path=str(ARTIFACTS / "workplace-2-thanks.png"), full_page=True)
    assert Response.objects.filter(invitation=invitation).count() == 5
    used_up = page.goto(links[0])
    assert used_up is not None and used_up.status == 410

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/accesso/?next=/aziende/inviti/{invitation.pk}/")
    page.locator("#id_username").fill("hr.coop")
    page.locator("#id_password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/aziende/inviti/{invitation.pk}/")
    assert invitation.token in page.locator("#answer-link").input_value()
    page.screenshot(path=str(ARTIFACTS / "workplace-3-invitation.png"), full_page=True)
    page.locator(f'main a[href$="risultati/?organisation={coop.pk}"]').first.click()
    page.wait_for_url("**/risultati/**")
    assert page.locator("[data-response-count]").get_attribute("data-response-count") == "5"
    assert page.locator('[data-chart="misure"] [data-percent="100.0"]').count() == 1
    page.screenshot(path=str(ARTIFACTS / "workplace-4-results.png"), full_page=True)
    assert (ARTIFACTS / "workplace-4-results.png").stat().st_size > 10_000

    page.goto(f"{base}/aziende/misure/")
    assert "Coop Lombardia" in page.locator("main").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(ARTIFACTS / "workplace-5-measures.png"), full_page=True)
