"""Every public page, with the records its detail pages show: one list for every test that walks the site.

:func:`public_pages` lists each page an anonymous visitor can open (id → URL); :func:`build_pages` adds
to the test world (``concilia/conftest.py``) a record of every public register. The accessibility tests
(``portal/tests/test_accessibility.py``) and the production test (``portal/tests/test_production.py``)
walk this same list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from concilia.core import clock
from concilia.core.testing import factories as f
from concilia.services import models as svc
from concilia.services.tests import factories as sf
from concilia.territory import models as terr

if TYPE_CHECKING:
    from concilia.conftest import World


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
        "citizen-register": _url("citizens:register"),
        "citizen-register-done": _url("citizens:register_done"),
        "not-found": lambda p: "/pagina-che-non-esiste/",
        "privacy": _url("portal:privacy_index"),
        "privacy-notice": _url("portal:privacy_notice", "colloqui-sportelli"),
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


def role_pages() -> dict[str, tuple[str, Callable[[Pages], str]]]:
    """Pages a signed-in role lands on: id → (the user, an attribute of the test world, and the URL).

    Walked by the work area's browser tests (``portal/tests/test_area_browser.py``) with axe-core and the
    no-sideways-scroll check, signed in as each role; a new per-role page is one more line here.
    """
    area = _url("portal:area")
    return {
        "area-coordinator": ("coordinator", area),
        "area-lead": ("lead", area),
        "area-provider": ("provider", area),
        "area-plain": ("plain", area),
        "area-admin": ("admin", area),
    }


def build_pages(world: World) -> Pages:
    """The test world, with the territory, agreements, contacts and history a real register has."""
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
