"""The catalogue benchmark at a tiny size: the generator's catalogue and one request of each kind, in-process.

Correctness only (no timing): ``benchmarks/catalogue.py`` measures, this checks it measures the right thing.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from benchmarks import catalogue, catalogue_data
from concilia.core.testing import factories as f
from concilia.services import models, selectors
from concilia.services.choices import ELDERLY_KINDS
from concilia.territory.models import Population

pytestmark = pytest.mark.django_db

TOWNS = [  # name, latitude, longitude, residents aged 0-14 (a few km apart)
    ("Sesto di prova", 45.5335, 9.2311, 9000),
    ("Cinisello di prova", 45.5557, 9.2147, 8000),
    ("Monza di prova", 45.5845, 9.2744, 15000),
]


@pytest.fixture
def territory() -> list[Any]:
    towns = []
    for name, lat, lon, children in TOWNS:
        town = f.MunicipalityFactory(name=name, latitude=lat, longitude=lon)
        by_age = [children // 15] * 15 + [children // 3] * 86
        Population.objects.create(
            municipality=town,
            year=2023,
            total=sum(by_age),
            males=sum(by_age) // 2,
            females=sum(by_age) - sum(by_age) // 2,
            by_age=by_age,
            source="test",
        )
        towns.append(town)
    return towns


def test_offer_counts_sum_exactly() -> None:
    rng = random.Random(1)
    weights = [rng.uniform(0.1, 20) for _ in range(97)]
    assert sum(catalogue_data.offer_counts(weights, 1000)) == 1000
    assert catalogue_data.offer_counts([1.0, 1.0], 3) in ([2, 1], [1, 2])
    assert catalogue.percentile([5, 1, 4, 2, 3], 95) == 5 and catalogue.percentile(list(range(1, 101)), 95) == 95


def test_generator_and_one_request_of_each_kind(territory: list[Any]) -> None:
    # Given a tiny generated catalogue over the fixture's towns (whether or not the session loaded the territory)
    ids = {t.pk for t in territory}
    places = [p for p in catalogue_data.region_places("03") if p.id in ids]
    assert len(places) == 3 and all(p.children > 0 for p in places)
    gen = catalogue_data.generate(services=60, offers=600, seed=7, places=places)

    # Then it has exactly what was asked, placed and shaped as the models require
    assert (gen.services, gen.offers) == (60, 600)
    assert models.Service.objects.count() == 60 and models.Offer.objects.count() == 600
    assert models.OpeningHours.objects.count() == gen.opening_hours > 60
    for s in models.Service.objects.select_related("municipality").prefetch_related("opening_hours", "periods"):
        s.full_clean()
        assert s.for_elderly == (s.kind in ELDERLY_KINDS)
        assert s.municipality_id in ids
        if s.latitude is not None:
            town = s.municipality
            assert selectors.distance_km(town.latitude, town.longitude, s.latitude, s.longitude) <= 2.01
        assert {h.weekday for h in s.opening_hours.all()} <= set(range(6))
        if s.kind == "centro_estivo":
            assert s.periods.count() >= 4 and all(p.start.month in (6, 7, 8, 9) for p in s.periods.all())
    for o in models.Offer.objects.select_related("period")[:200]:
        o.full_clean()
        stored = o.weekly_cents
        o.save()  # the model computes the weekly price: the generator must have stored the same
        assert o.weekly_cents == stored, o

    # When the benchmark sends one request of each kind, in-process
    session = catalogue.Session(catalogue.InProcessTransport())
    load = catalogue.Workload(catalogue.region_towns("03"), catalogue_data.REFERENCE_DATE, seed=3)
    for call in (load.search("search"), load.search("search_api"), load.planner("planner")):
        elapsed, figures = session.call(call)  # raises BadResponse unless 200 and well formed
        assert elapsed > 0 and figures["total"] >= 0
    _elapsed, figures = session.call(load.planner("planner_api"))
    assert figures["total"] >= 2  # at least one proposal (maybe empty) per child

    # And a wide search finds exactly the located, published services within 20 km that run on that day
    on = dt.date(2026, 12, 1)
    centre = next(t for t in territory if t.name == "Sesto di prova")
    expected = sum(
        1
        for s in models.Service.objects.prefetch_related("periods")
        if s.is_published
        and s.latitude is not None
        and selectors.distance_km(centre.latitude, centre.longitude, s.latitude, s.longitude) <= 20
        and (not s.periods.all() or any(p.start <= on <= p.end for p in s.periods.all()))
    )
    wide = (("comune", "Sesto di prova"), ("raggio", "20"), ("dal", f"{on}"))
    _e, api = session.call(catalogue.Call("search_api", "GET", catalogue.SEARCH_API, wide, 20))
    _e, page = session.call(catalogue.Call("search", "GET", catalogue.SEARCH_PAGE, wide, 20))
    assert api["total"] == page["total"] == expected > 0
    assert api["shown"] == page["shown"] == min(expected, 20)
