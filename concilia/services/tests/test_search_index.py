"""The search's in-memory index: same answers as the SQL filter, and never stale after a change."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concilia.core.testing import factories as f
from concilia.services import models, search_index, selectors
from concilia.services.choices import ServiceKind
from concilia.services.tests import factories as sf

pytestmark = pytest.mark.django_db
T = dt.time
PLACES = [(45.5335, 9.2311), (45.5580, 9.2170), (45.6000, 9.3500)]


def random_catalogue(rng: random.Random) -> tuple[Any, list[models.VoucherScheme]]:
    town = f.MunicipalityFactory(name="Sesto di prova", latitude=PLACES[0][0], longitude=PLACES[0][1])
    provider = f.OrganisationFactory()
    vouchers = [sf.VoucherSchemeFactory(), sf.VoucherSchemeFactory()]
    kinds = list(ServiceKind.values)
    for i in range(70):
        lat, lon = rng.choice(PLACES)
        located = rng.random() > 0.1
        lo = rng.choice([None, 0, 12, 36])
        hi = rng.choice([None, 36, 72, 130]) if lo is None or lo < 36 else None
        s = models.Service.objects.create(
            provider=provider,
            municipality=town,
            kind=rng.choice(kinds),
            name=rng.choice(["asilo", "Asilo", "Nido", "zeta", "Ludoteca"]) + f" {i}",
            latitude=lat + rng.uniform(-0.15, 0.15) if located else None,
            longitude=lon + rng.uniform(-0.15, 0.15) if located else None,
            min_age_months=lo,
            max_age_months=hi,
            is_published=rng.random() > 0.1,
        )
        periods = []
        for _ in range(rng.choice([0, 0, 1, 2])):
            start = dt.date(2026, 9, 1) + dt.timedelta(days=rng.randrange(0, 300))
            periods.append(
                models.Period.objects.create(
                    service=s, name="p", start=start, end=start + dt.timedelta(days=rng.randrange(5, 120))
                )
            )
        for day in rng.sample(range(7), rng.randrange(0, 7)):
            opens = rng.choice([T(7, 30), T(8), T(9), T(14)])
            closes = rng.choice([T(12), T(16, 30), T(18, 30)])
            if closes <= opens:
                continue
            period = rng.choice([None, None, *periods])
            models.OpeningHours.objects.create(service=s, weekday=day, opens=opens, closes=closes, period=period)
        for _ in range(rng.choice([0, 1, 2])):
            sf.OfferFactory(service=s, price_cents=rng.randrange(0, 60000, 500), price_unit="week")
        if rng.random() < 0.3:
            s.accepted_vouchers.add(rng.choice(vouchers))
    return town, vouchers


def random_criteria(rng: random.Random, town: Any, vouchers: list[models.VoucherScheme]) -> selectors.SearchCriteria:
    c = selectors.SearchCriteria(needed_on=dt.date(2026, 9, 1) + dt.timedelta(days=rng.randrange(0, 400)))
    if rng.random() < 0.7:
        c.municipality = town
        c.radius_km = rng.choice([2.0, 5.0, 10.0, 20.0])
    if rng.random() < 0.5:
        c.birth_date = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(0, 2000))
    if rng.random() < 0.5:
        c.days = rng.sample(range(7), rng.randrange(1, 4))
        if rng.random() < 0.6:
            c.time_from, c.time_to = rng.choice([(T(8), T(12)), (T(7, 30), T(16, 30)), (T(16), T(18))])
    if rng.random() < 0.3:
        c.kinds = rng.sample(list(ServiceKind.values), 3)
    if rng.random() < 0.2:
        c.max_weekly_cents = rng.randrange(0, 40000, 1000)
    if rng.random() < 0.2:
        c.voucher = rng.choice(vouchers)
    if rng.random() < 0.2:
        c.for_elderly = rng.random() < 0.5
    return c


def reference(c: selectors.SearchCriteria) -> list[tuple[float, int]] | set[int]:
    """The SQL filter, then the radius in Python: what the search returned before the index."""
    qs = selectors.filtered_services(c)
    if c.origin is None:
        return set(qs.values_list("pk", flat=True))
    lat, lon = c.origin
    rows = qs.filter(latitude__isnull=False, longitude__isnull=False).values_list("pk", "latitude", "longitude")
    found = []
    for pk, la, lo in rows:
        d = selectors.distance_km(lat, lon, la, lo)
        if d <= c.radius_km:
            found.append((round(d, 6), pk))
    return sorted(found)


def test_index_answers_as_the_sql_filter() -> None:
    rng = random.Random(20261130)
    town, vouchers = random_catalogue(rng)
    index = search_index.get_index()
    assert len(index) == models.Service.objects.published().count()
    non_empty = 0
    for _ in range(250):
        c = random_criteria(rng, town, vouchers)
        on = c.needed_on
        assert on is not None
        expected = reference(c)
        if c.origin is None:
            got: Any = set(search_index.everywhere(index, c, on))
        else:
            got = [(round(d, 6), pk) for d, pk in search_index.near(index, c, c.origin[0], c.origin[1], on)]
        assert got == expected, c
        non_empty += bool(expected)
    assert non_empty > 100  # the criteria are not so strict that every answer is empty


def test_without_a_place_results_go_by_name_ignoring_case() -> None:
    town = f.MunicipalityFactory()
    for name in ["zeta", "Asilo", "asilo b", "Bruco"]:
        sf.ServiceFactory(name=name, municipality=town)
    result = selectors.search_services(selectors.SearchCriteria())
    assert [h.service.name for h in result.hits] == ["Asilo", "asilo b", "Bruco", "zeta"]


def _names(c: selectors.SearchCriteria) -> list[str]:
    return [h.service.name for h in selectors.search_services(c).hits]


def test_every_change_to_the_catalogue_reaches_the_search() -> None:
    town = f.MunicipalityFactory(latitude=45.5335, longitude=9.2311)
    c = selectors.SearchCriteria(municipality=town, needed_on=dt.date(2026, 12, 1))
    assert _names(c) == []
    s = sf.ServiceFactory(name="Nido Aquilone", municipality=town, latitude=45.5335, longitude=9.2311)
    assert _names(c) == ["Nido Aquilone"]  # created
    s.name = "Nido Girasole"
    s.latitude = 46.4  # moved out of the radius
    s.save()
    assert _names(c) == []
    s.latitude = 45.5335
    s.save()
    c.days, c.time_from, c.time_to = [0], T(8), T(16)
    assert _names(c) == []  # no hours yet
    hours = sf.OpeningHoursFactory(service=s, weekday=0, opens=T(7, 30), closes=T(16, 30))
    assert _names(c) == ["Nido Girasole"]
    period = sf.PeriodFactory(service=s, start=dt.date(2027, 1, 7), end=dt.date(2027, 6, 30))
    assert _names(c) == []  # it runs only from January
    period.start = dt.date(2026, 9, 1)
    period.save()
    assert _names(c) == ["Nido Girasole"]
    hours.delete()
    assert _names(c) == []
    sf.OpeningHoursFactory(service=s, weekday=0, opens=T(7, 30), closes=T(16, 30))
    voucher = sf.VoucherSchemeFactory()
    c.voucher = voucher
    assert _names(c) == []
    s.accepted_vouchers.add(voucher)
    assert _names(c) == ["Nido Girasole"]
    c.voucher, c.max_weekly_cents = None, 10000
    assert _names(c) == []  # no offer: no known price
    offer = sf.OfferFactory(service=s, price_cents=8000, price_unit="week")
    assert _names(c) == ["Nido Girasole"]
    offer.price_cents = 20000
    offer.save()
    assert _names(c) == []
    c.max_weekly_cents = None
    s.is_published = False
    s.save()
    assert _names(c) == []
    # Writes that send no signal: the writer says so, and the search sees them.
    models.Service.objects.filter(pk=s.pk).update(is_published=True)
    search_index.catalogue_changed()
    assert _names(c) == ["Nido Girasole"]
    s.delete()
    assert _names(c) == []


def test_the_index_is_built_once_per_change() -> None:
    town = f.MunicipalityFactory(latitude=45.5335, longitude=9.2311)
    for i in range(5):
        sf.ServiceFactory(name=f"Nido {i}", municipality=town)
    c = selectors.SearchCriteria(municipality=town)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert selectors.search_services(c).total == 5
        return len(ctx.captured_queries)

    first, second, third = queries(), queries(), queries()
    assert second == third < first  # the rebuild's reads happen once
    assert second == 3  # the token, the page's services, their hours
    search_index.catalogue_changed()
    assert queries() == first
