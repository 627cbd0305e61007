"""WCAG 2.1 AA: axe-core finds no violation on any public page, in both languages, on a phone and a desktop.

Every page a visitor reaches without logging in is listed in :func:`public_pages`, one line each, and
checked by axe-core (``make axe`` installs it from npm) in headless Chromium, with the WCAG 2.0 and 2.1
A and AA rules; no rule is disabled and nothing on a page is excluded. The phone's open main menu is
checked too. Not listed: the API console (swagger-ui, see ``test_api_console_is_accessible``), and
the machine and staff interfaces (the DRF browsable API under /api/, the Django admin).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from concilia.conftest import ARTIFACTS, World
from concilia.core import clock
from concilia.core.testing import factories as f
from concilia.core.testing.axe import assert_accessible
from concilia.services import models as svc
from concilia.services.tests import factories as sf
from concilia.territory import models as terr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}
LANGUAGES = ("it", "en")


@dataclass
class Pages:
    """The test world plus a record of every public register, so each detail page has something to show."""

    world: World
    region: Any
    province: Any
    municipality: Any
    agency: Any
    district: Any
    agreement: Any
    membership: Any
    partnership: Any
    contact: Any
    service: Any = None
    offer: Any = None
    authorisation: Any = None
    voucher: Any = None
    plan: Any = None
    call: Any = None
    ranking: Any = None
    project: Any = None


def _url(name: str, *args: Any) -> Callable[[Pages], str]:
    return lambda p: reverse(name, args=[a(p) if callable(a) else a for a in args])


def public_pages() -> dict[str, Callable[[Pages], str]]:
    """Every page an anonymous visitor can open: id → URL. A new public page is one more line here."""
    return {
        "home": _url("portal:home"),
        "credits": _url("portal:credits"),
        "login": _url("login"),
        "not-found": lambda p: "/pagina-che-non-esiste/",
        # The network register.
        "networks": _url("network:network_list"),
        "network": _url("network:network_detail", lambda p: p.world.network.pk),
        "network-history": _url("network:network_history", lambda p: p.world.network.pk),
        "organisations": _url("network:organisation_list"),
        "organisation": _url("network:organisation_detail", lambda p: p.world.provider_org.pk),
        "contacts": _url("network:contact_list"),
        "contact": _url("network:contact_detail", lambda p: p.contact.pk),
        "agreements": _url("network:agreement_list"),
        "agreement": _url("network:agreement_detail", lambda p: p.agreement.pk),
        "memberships": _url("network:membership_list"),
        "membership": _url("network:membership_detail", lambda p: p.membership.pk),
        "alliances": _url("network:alliance_list"),
        "alliance": _url("network:alliance_detail", lambda p: p.world.alliance.pk),
        "partnerships": _url("network:partnership_list"),
        "partnership": _url("network:partnership_detail", lambda p: p.partnership.pk),
        # The territory.
        "regions": _url("territory:region_list"),
        "region": _url("territory:region_detail", lambda p: p.region.pk),
        "provinces": _url("territory:province_list"),
        "province": _url("territory:province_detail", lambda p: p.province.pk),
        "municipalities": _url("territory:municipality_list"),
        "municipality": _url("territory:municipality_detail", lambda p: p.municipality.pk),
        "health-agencies": _url("territory:healthagency_list"),
        "health-agency": _url("territory:healthagency_detail", lambda p: p.agency.pk),
        "districts": _url("territory:district_list"),
        "district": _url("territory:district_detail", lambda p: p.district.pk),
        # The services catalogue and the portal's own pages.
        "contacts-page": _url("portal:contacts"),
        "find-care": lambda p: (
            reverse("services:search")
            + f"?comune={p.municipality.istat_code}&nascita=2022-06-10&giorni=0&giorni=1&dalle=08:00&alle=16:00"
        ),
        "find-care-errors": lambda p: reverse("services:search") + "?comune=Nessunluogo&dalle=09:00",
        "find-care-all": _url("services:search"),
        "care-planner": _url("services:planner"),
        "services": _url("services:service_list"),
        "service": _url("services:service_detail", lambda p: p.service.pk),
        "offers": _url("services:offer_list"),
        "offer": _url("services:offer_detail", lambda p: p.offer.pk),
        "authorisations": _url("services:authorisation_list"),
        "authorisation": _url("services:authorisation_detail", lambda p: p.authorisation.pk),
        "voucher-schemes": _url("services:voucherscheme_list"),
        "voucher-scheme": _url("services:voucherscheme_detail", lambda p: p.voucher.pk),
        # The programming cycle's transparency pages.
        "plans": _url("programming:plan_list"),
        "plan": _url("programming:plan_detail", lambda p: p.plan.pk),
        "calls": _url("programming:call_list"),
        "call": _url("programming:call_detail", lambda p: p.call.pk),
        "rankings": _url("programming:ranking_list"),
        "ranking": _url("programming:ranking_detail", lambda p: p.ranking.pk),
        "projects": _url("programming:project_list"),
        "project": _url("programming:project_detail", lambda p: p.project.pk),
    }


@pytest.fixture
def pages(world: World) -> Pages:
    """Given the world, with the territory, agreements, contacts and history a real register has."""
    w = world
    municipality = w.lead_org.municipality
    province = municipality.province
    terr.Population.objects.create(
        municipality=municipality, year=2023, total=5050, males=2500, females=2550,
        by_age=[50] * 100 + [50], source="ISTAT 2023",
    )  # fmt: skip
    agency = f.HealthAgencyFactory(name="ATS della Val Padana", short_name="ATS Val Padana")
    agency.municipalities.add(municipality)
    district = terr.District.objects.create(code="cremona", name="Ambito di Cremona", lead=municipality, agency=agency)
    district.members.add(municipality)
    w.network.agency = agency
    w.network.description = "Rete territoriale per la conciliazione vita-lavoro."
    w.network.save()  # a second version for the history page
    w.network.provinces.add(province)
    w.network.districts.add(district)
    w.alliance.districts.add(district)
    f.NetworkFactory(name="Rete di Crema", merged_into=w.network, ended_on=dt.date(2016, 1, 1))
    agreement = f.AgreementFactory(network=w.network, title="Accordo di rete 2024")
    agreement.signatories.add(w.lead_org, w.network.coordinator)
    example = f.OrganisationFactory(name="Esempio – Impresa", kind="company", employees=40, is_example=True)
    membership = f.MembershipFactory(network=w.network, organisation=example, agreement=agreement)
    municipality.latitude, municipality.longitude = 45.1333, 10.0227
    municipality.save()
    authorisation = sf.AuthorisationFactory(organisation=w.provider_org, issued_by="Comune di Cremona")
    voucher = sf.VoucherSchemeFactory(network=w.network, name="Voucher conciliazione 2027")
    service = sf.ServiceFactory(
        provider=w.provider_org, kind="scuola_infanzia", name="Scuola dell'infanzia Arcobaleno",
        municipality=municipality, latitude=45.1340, longitude=10.0250, location_precision="address",
        authorisation=authorisation, capacity=60, address="Via Roma 1",
    )  # fmt: skip
    service.accepted_vouchers.add(voucher)
    for day in range(5):
        svc.OpeningHours.objects.create(service=service, weekday=day, opens=dt.time(7, 30), closes=dt.time(16, 30))
    period = sf.PeriodFactory(
        service=service, name="Anno scolastico 2026/27", start=dt.date(2026, 9, 1), end=dt.date(2030, 6, 30)
    )
    offer = sf.OfferFactory(
        service=service, period=period, label="Tempo pieno 3–6 anni", price_cents=12000, price_unit="month"
    )
    sf.FeeFactory(service=service, label="Retta ISEE fino a 10.000 €", amount_cents=8000, isee_max_cents=1000000)
    sf.ClosureFactory(service=service)
    plan, call, ranking, project = _programming(w)
    return Pages(
        world=w,
        region=province.region,
        province=province,
        municipality=municipality,
        agency=agency,
        district=district,
        agreement=agreement,
        membership=membership,
        partnership=w.alliance.partnerships.get(),
        contact=f.ContactFactory(organisation=w.provider_org, email="nido@example.org"),
        service=service,
        offer=offer,
        authorisation=authorisation,
        voucher=voucher,
        plan=plan,
        call=call,
        ranking=ranking,
        project=project,
    )


def _programming(w: World) -> tuple[Any, Any, Any, Any]:
    """A plan with its funds, an open call with its grid, a published ranking and a funded project."""

    from concilia.programming import models as prog
    from concilia.programming import services as prog_services
    from concilia.programming.tests import factories as pf

    plan = pf.PlanFactory(network=w.network, title="Piano territoriale 2017-2018", objectives="Servizi flessibili")
    pf.FundingSourceFactory(plan=plan, amount_cents=200_000_00, act="DGR 381/2010")
    call = pf.CallFactory(plan=plan, network=w.network, publisher=w.lead_org, title="Bando alleanze 2027")
    pf.CriterionFactory(call=call, code="qualita", label="Qualità del progetto", max_points=30)
    prog_services.call_transition(call=call, to="open", by=w.coordinator, note="Apertura")
    ranking = prog.Ranking.objects.create(
        call=call, version=1, status="provisional", published_at=clock.now(),
        entries=[{"proposal": 1, "protocol": "BANDO/0001", "title": "Conciliare in rete", "alliance": w.alliance.name,
                  "points": 2600, "rank": 1, "outcome": "funded", "granted_cents": 20_000_00}],
    )  # fmt: skip
    project = prog.Project.objects.create(
        plan=plan, alliance=w.alliance, lead=w.lead_org, title="Net & Co", granted_cents=20_000_00,
        starts_on=dt.date(2015, 9, 1), ends_on=dt.date(2016, 7, 31),
    )  # fmt: skip
    prog.ProjectPartner.objects.create(project=project, organisation=w.provider_org, cofinancing_cents=5_000_00)
    prog.ProjectAction.objects.create(
        project=project, kind="flexible_work", title="Lavoro agile", budget_cents=10_000_00
    )
    prog.Indicator.objects.create(project=project, name="Lavoratori coinvolti", target=100, achieved=80)
    return plan, call, ranking, project


@pytest.mark.parametrize("page_id", public_pages())
def test_public_page_is_accessible(browser_page: Any, live_server: Any, pages: Pages, page_id: str) -> None:
    """Given an anonymous visitor, in each language and on a phone and a desktop, the page has no violation.

    The four variants share one browser (starting Chromium costs more than checking a page); every
    variant is checked and the failure lists the violations of each.
    """
    page = browser_page
    url = live_server.url + public_pages()[page_id](pages)
    failures = []
    for language in LANGUAGES:
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            response = page.goto(url)
            assert response is not None
            assert response.status == (404 if page_id == "not-found" else 200), response.url
            assert page.locator("html").get_attribute("lang") == language
            try:
                assert_accessible(page)
            except pytest.fail.Exception as exc:
                failures.append(f"[{language}, {width}] {exc}")
                page.screenshot(path=str(ARTIFACTS / f"a11y-{page_id}-{language}-{width}.png"), full_page=True)
            # Reflow (WCAG 1.4.10), which axe cannot see: nothing makes the page scroll sideways.
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > viewport["width"]:
                failures.append(f"[{language}, {width}] the page scrolls sideways ({scroll_width}px wide)")
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_care_planner_results_are_accessible(browser_page: Any, live_server: Any, pages: Pages, language: str) -> None:
    """The planner's answer (a POST): proposals, gaps in words and the weekly timeline pictures."""
    page = browser_page
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        page.goto(live_server.url + reverse("services:planner"))
        page.fill("#id_comune", pages.municipality.istat_code)
        page.fill("#id_settimana", "2026-11-30")
        page.fill("#id_genitore1_orari", "lun-ven 08:30-17:30")
        page.fill("#id_genitore2_orari", "lun-ven 09:00-18:00")
        page.fill("#id_figlio1_nascita", "2022-06-10")
        page.locator("form button[type=submit].btn-primary").last.click()
        page.wait_for_selector("#plan-heading")
        assert page.locator("figure.timeline-figure svg").count() >= 1
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], width
        page.screenshot(path=str(ARTIFACTS / f"a11y-planner-{language}-{width}.png"), full_page=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_menu_is_accessible(browser_page: Any, live_server: Any, world: World, language: str) -> None:
    """Given a phone, when the visitor opens the main menu, the open menu has no violation either."""
    page = browser_page
    page.set_viewport_size(WIDTHS["phone"])
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page.goto(live_server.url + reverse("network:network_list"))
    page.locator(".custom-navbar-toggler").click()
    close = page.locator("#main-menu .close-menu")
    close.wait_for(state="visible")
    page.wait_for_function("getComputedStyle(document.querySelector('#main-menu .close-div')).opacity === '1'")
    assert_accessible(page)
    page.screenshot(path=str(ARTIFACTS / f"a11y-menu-{language}-phone.png"))
    close.click()
    page.locator("#main-menu .menu-wrapper").wait_for(state="hidden")


@pytest.mark.xfail(
    strict=True,
    raises=pytest.fail.Exception,  # only axe's verdict is expected; any other error fails
    reason=(
        "The API console (/api/docs/) is swagger-ui, a React bundle that drf-spectacular serves with its own "
        "template: it does not use base.html or concilia.css. axe finds swagger-ui's own faults there: no lang "
        "on <html>, a button nested in each operation's summary button, and its palette's contrast. Fixing "
        "them takes an override of drf_spectacular/swagger_ui.html (lang, stylesheet, a swagger-ui plugin); "
        "until then this test records the gap, and fails (strict xfail) as soon as the console passes."
    ),
)
def test_api_console_is_accessible(browser_page: Any, live_server: Any, world: World) -> None:
    page = browser_page
    page.goto(live_server.url + reverse("api-docs"))
    page.locator(".opblock-tag").first.wait_for()
    assert_accessible(page)
