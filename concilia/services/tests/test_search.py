"""The catalogue search, the planner and their API: filters, order, constant queries, errors."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from concilia.core.testing import factories as f
from concilia.services import models, selectors
from concilia.services.hours import format_weekly_hours, parse_weekly_hours
from concilia.services.tests import factories as sf

pytestmark = pytest.mark.django_db
T = dt.time


def test_weekly_hours_round_trip_and_errors() -> None:
    rows = parse_weekly_hours("lun-ven 07:30-08:30, 16:30-18:30; sab 08:00-12:00")
    assert (0, T(7, 30), T(8, 30)) in rows and (5, T(8, 0), T(12, 0)) in rows and len(rows) == 11
    assert format_weekly_hours(rows) == "lun-ven 07:30-08:30, 16:30-18:30; sab 08:00-12:00"
    assert parse_weekly_hours("mon+wed 9.00-12.00") == [(0, T(9), T(12)), (2, T(9), T(12))]
    from django.core.exceptions import ValidationError

    with translation.override("it"):
        for bad, word in [("lun 18:00-08:00", "chiusura"), ("xyz 08:00-09:00", "giorno"), ("lun-ven", "orari")]:
            with pytest.raises(ValidationError) as exc:
                parse_weekly_hours(bad)
            assert word in " ".join(exc.value.messages).lower(), exc.value.messages


def test_age_in_months() -> None:
    assert selectors.age_in_months(dt.date(2022, 3, 15), dt.date(2026, 3, 14)) == 47
    assert selectors.age_in_months(dt.date(2022, 3, 15), dt.date(2026, 3, 15)) == 48
    # 0.0693° of latitude ≈ 7.71 km, 0.0411° of longitude at 45.5° ≈ 3.21 km: √(7.71² + 3.21²) ≈ 8.35
    assert round(selectors.distance_km(45.4642, 9.19, 45.5335, 9.2311), 2) == 8.35


@pytest.fixture
def town() -> Any:
    return f.MunicipalityFactory(name="Sesto di prova", latitude=45.5335, longitude=9.2311)


def service(town: Any, name: str, kind: str, hours: str, *, km_north: float = 0.0, **kw: Any) -> models.Service:
    s = sf.ServiceFactory(
        name=name, kind=kind, municipality=town, latitude=45.5335 + km_north / 111.0, longitude=9.2311, **kw
    )
    for day, a, b in parse_weekly_hours(hours):
        models.OpeningHours.objects.create(service=s, weekday=day, opens=a, closes=b)
    return s


def names(result: selectors.SearchResult) -> list[str]:
    return [h.service.name for h in result.hits]


def test_search_filters_and_orders_by_distance(town: Any) -> None:
    service(town, "Pre-scuola vicina", "pre_scuola", "lun-ven 07:30-08:30", km_north=0.5)
    service(town, "Pre-scuola lontana", "pre_scuola", "lun-ven 07:30-08:30", km_north=4)
    service(town, "Pre-scuola fuori raggio", "pre_scuola", "lun-ven 07:30-08:30", km_north=30)
    service(town, "Infanzia", "scuola_infanzia", "lun-ven 08:00-16:00", km_north=1)
    service(town, "Pre-scuola solo lunedì", "pre_scuola", "lun 07:30-08:30", km_north=0.2)
    service(town, "Nascosta", "pre_scuola", "lun-ven 07:30-08:30", is_published=False)
    on = dt.date(2026, 12, 1)
    base = selectors.SearchCriteria(municipality=town, needed_on=on, radius_km=10)
    everything = selectors.search_services(base)
    assert names(everything)[0] == "Pre-scuola solo lunedì" and "Nascosta" not in names(everything)
    assert "Pre-scuola fuori raggio" not in names(everything) and everything.total == 4
    assert [h.distance_km for h in everything.hits] == sorted(h.distance_km for h in everything.hits)
    # an 8-year-old, Monday and Tuesday 7:30–8:30: the infanzia is for 3–6, the Monday-only one does not cover Tuesday
    c = selectors.SearchCriteria(
        municipality=town,
        needed_on=on,
        birth_date=dt.date(2018, 5, 3),
        days=[0, 1],
        time_from=T(7, 30),
        time_to=T(8, 30),
    )
    assert names(selectors.search_services(c)) == ["Pre-scuola vicina", "Pre-scuola lontana"]
    c.kinds = ["scuola_infanzia"]
    assert selectors.search_services(c).total == 0
    four = selectors.SearchCriteria(
        municipality=town, needed_on=on, birth_date=dt.date(2022, 6, 1), kinds=["scuola_infanzia"]
    )
    assert names(selectors.search_services(four)) == ["Infanzia"]


def test_periods_price_and_voucher(town: Any) -> None:
    camp = service(town, "Centro estivo", "centro_estivo", "lun-ven 08:00-17:00")
    sf.PeriodFactory(service=camp, start=dt.date(2027, 6, 14), end=dt.date(2027, 7, 30))
    cheap = service(town, "Economico", "post_scuola", "lun-ven 16:30-18:30")
    sf.OfferFactory(service=cheap, price_cents=2000, price_unit="week")
    dear = service(town, "Caro", "post_scuola", "lun-ven 16:30-18:30")
    sf.OfferFactory(service=dear, price_cents=50000, price_unit="month")  # ≈ 115 € a week
    voucher = sf.VoucherSchemeFactory()
    dear.accepted_vouchers.add(voucher)
    winter = selectors.SearchCriteria(municipality=town, needed_on=dt.date(2026, 12, 1))
    summer = selectors.SearchCriteria(municipality=town, needed_on=dt.date(2027, 6, 20))
    assert "Centro estivo" not in names(selectors.search_services(winter))
    assert "Centro estivo" in names(selectors.search_services(summer))
    winter.max_weekly_cents = 5000
    assert names(selectors.search_services(winter)) == ["Economico"]
    winter.max_weekly_cents, winter.voucher = None, voucher
    assert names(selectors.search_services(winter)) == ["Caro"]


def test_search_queries_do_not_grow_with_results(town: Any, client: Client) -> None:
    url = reverse("services:search") + f"?comune={town.istat_code}&raggio=10"

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.context["result"].total

    for i in range(3):
        service(town, f"Servizio {i}", "ludoteca", "lun-ven 09:00-12:00", km_north=i / 10)
    few, n_few = count()
    for i in range(3, 25):
        service(town, f"Servizio {i}", "ludoteca", "lun-ven 09:00-12:00", km_north=i / 10)
    many, n_many = count()
    assert (n_few, n_many) == (3, 25)
    assert few == many


def test_search_page_errors_in_italian_and_api(town: Any, client: Client) -> None:
    service(town, "Ludoteca", "ludoteca", "lun-ven 09:00-12:00")
    page = client.get(reverse("services:search") + "?comune=Nessunluogo&dalle=09:00")
    html = page.content.decode()
    assert page.status_code == 200 and "Comune sconosciuto" in html and "oppure nessuno dei due" in html
    api = client.get(
        "/api/services/search/", {"comune": town.istat_code, "giorni": [0, 2], "dalle": "09:00", "alle": "11:00"}
    )
    assert api.status_code == 200
    body = api.json()
    assert body["count"] == 1 and body["results"][0]["name"] == "Ludoteca" and body["results"][0]["distance_km"] == 0.0
    assert body["results"][0]["hours"][0] == {"weekday": 0, "opens": "09:00", "closes": "12:00"}
    bad = client.get("/api/services/search/", {"nascita": "ieri"}, HTTP_ACCEPT_LANGUAGE="it")
    assert bad.status_code == 400 and "nascita" in bad.json()["errors"]


PLAN = {
    "raggio": "5",
    "settimana": "2026-11-30",
    "genitore1_orari": "lun-ven 08:30-17:30",
    "genitore1_viaggio": "30",
    "genitore2_orari": "lun-ven 09:00-18:00",
    "genitore2_viaggio": "30",
    "figlio1_nascita": "2022-06-10",
    "figlio2_nascita": "2018-05-03",
    "figlio2_scuola": "lun-ven 08:30-16:30",
}


def test_planner_page_and_api(town: Any, client: Client) -> None:
    service(town, "Infanzia", "scuola_infanzia", "lun-ven 08:00-16:00", km_north=0.3)
    service(
        town,
        "Tempo prolungato",
        "post_scuola",
        "lun-ven 16:00-18:30",
        km_north=0.4,
        min_age_months=36,
        max_age_months=72,
    )
    service(
        town, "Post-scuola", "post_scuola", "lun-ven 16:30-18:30", km_north=0.5, min_age_months=72, max_age_months=132
    )
    data = {**PLAN, "comune": town.name}
    page = client.post(reverse("services:planner"), data)
    assert page.status_code == 200, page.content[:300]
    html = page.content.decode()
    people = page.context["people"]
    four, eight = people
    # both parents are away 8:30–18:00; the 4-year-old needs all of it, the 8-year-old 16:30–18:00
    assert four["plan"].needed_minutes == 5 * 570 and eight["plan"].needed_minutes == 5 * 90
    best4 = four["proposals"][0]
    assert [s["service"].name for s in best4["services"]] == ["Infanzia", "Tempo prolungato"]
    assert best4["uncovered"] == []
    assert [s["service"].name for s in eight["proposals"][0]["services"]] == ["Post-scuola"]
    assert html.count("timeline-figure") == len(four["proposals"]) + len(eight["proposals"])
    assert html.count("<desc") >= len(four["proposals"])
    api = client.post("/api/services/plan/", json.dumps(data), content_type="application/json")
    assert api.status_code == 200, api.content[:300]
    body = api.json()
    assert body["week_of"] == "2026-11-30" and body["unavailable"]["0"] == ["08:30-18:00"]
    assert body["people"][1]["proposals"][0]["services"][0]["name"] == "Post-scuola"
    bad = client.post("/api/services/plan/", json.dumps({"comune": town.name}), content_type="application/json")
    assert bad.status_code == 400 and "genitore1_orari" in bad.json()["errors"]


def test_planner_says_plainly_when_nothing_covers(town: Any, client: Client) -> None:
    data = {**PLAN, "comune": town.name}
    with translation.override("it"):
        page = client.post(reverse("services:planner"), data, HTTP_ACCEPT_LANGUAGE="it")
    four = page.context["people"][0]
    assert four["proposals"][0]["services"] == [] and len(four["proposals"][0]["uncovered"]) == 5


def test_planner_queries_do_not_grow_with_services(town: Any, client: Client) -> None:
    data = {**PLAN, "comune": town.istat_code}

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(reverse("services:planner"), data)
        assert response.status_code == 200 and response.context["result"] is not None
        return len(ctx.captured_queries)

    for i in range(2):
        service(town, f"Post-scuola {i}", "post_scuola", "lun-ven 16:30-18:30", km_north=i / 10)
    few = count()
    for i in range(2, 30):
        service(town, f"Post-scuola {i}", "post_scuola", "lun-ven 16:30-18:30", km_north=i / 10)
    assert count() == few


def test_planner_for_an_elderly_relative(town: Any, client: Client) -> None:
    service(town, "Centro diurno", "centro_diurno_anziani", "lun-ven 08:30-17:30", km_north=0.2)
    service(town, "Assistenza domiciliare", "assistenza_domiciliare", "lun-sab 08:00-20:00", km_north=0.3)
    service(town, "Nido", "nido", "lun-ven 07:30-18:00")  # not for the relative
    data = {
        "comune": town.name,
        "raggio": "5",
        "settimana": "2026-11-30",
        "genitore1_orari": "lun-ven 08:00-17:00",
        "anziano": "on",
        "anziano_presenze": "lun-ven 12:00-13:00",  # a neighbour comes at lunch
    }
    response = client.post(reverse("services:planner"), data)
    (relative,) = response.context["people"]
    assert relative["plan"].person.elderly and relative["plan"].needed_minutes == 5 * 480
    best = relative["proposals"][0]
    names_ = [s["service"].name for s in best["services"]]
    assert "Nido" not in names_ and best["uncovered"] == []
