"""The care planner proposes listed babysitters for the hours no service covers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from concilia.core import clock
from concilia.registry import services
from concilia.registry.tests.factories import listed
from concilia.services import planner

pytestmark = pytest.mark.django_db


def _request(municipality, *, elderly: bool = False) -> planner.PlanRequest:
    monday = clock.today() - dt.timedelta(days=clock.today().weekday()) + dt.timedelta(days=7)
    person = planner.PersonInput("Ada", None if elderly else dt.date(2021, 5, 1))
    return planner.PlanRequest(
        municipality=municipality,
        week=monday,
        carers=[planner.CarerInput("Mamma", [(0, dt.time(8), dt.time(18))])],
        persons=[person],
    )


def test_babysitters_cover_the_gaps(rw) -> None:
    b = listed(rw)  # available Monday and Wednesday 16–20 in Cremona, accepts the test voucher
    result = planner.plan(_request(rw.cremona))
    offers = result.people[0].babysitters
    assert [(o.id, o.covered_minutes, o.vouchers) for o in offers] == [(b.pk, 120, ["Voucher di prova"])]
    # Not in a municipality the babysitter serves, not for an elderly relative, not once suspended.
    assert planner.plan(_request(rw.crema)).people[0].babysitters == []
    assert planner.plan(_request(rw.cremona, elderly=True)).people[0].babysitters == []
    services.babysitter_suspend(babysitter=b, by=rw.operator, reason="Verifica")
    assert planner.plan(_request(rw.cremona)).people[0].babysitters == []


def test_no_babysitter_when_nothing_is_uncovered(rw) -> None:
    listed(rw)
    req = _request(rw.cremona)
    req = planner.PlanRequest(req.municipality, req.week, [planner.CarerInput("Mamma", [])], req.persons)
    assert planner.plan(req).people[0].babysitters == []


def test_planner_page_shows_first_name_only(rw) -> None:
    b = listed(rw)
    rw.cremona.latitude, rw.cremona.longitude = 45.13, 10.02
    rw.cremona.save()
    data = {"comune": rw.cremona.istat_code, "raggio": "5", "settimana": str(clock.today() + dt.timedelta(days=7)),
            "genitore1_orari": "lun-ven 08:00-18:00", "genitore1_viaggio": "0", "figlio1_nascita": "2021-05-01"}  # fmt: skip
    response = Client().post(reverse("services:planner"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-babysitter-offer="{b.pk}"' in html and "Zoraide" in html
    for secret in (b.last_name, b.email, b.tax_code, b.phone):
        assert secret not in html


def test_planner_api_lists_babysitters_with_public_fields(rw) -> None:
    import json

    b = listed(rw)
    rw.cremona.latitude, rw.cremona.longitude = 45.13, 10.02
    rw.cremona.save()
    data = {"comune": rw.cremona.istat_code, "raggio": "5", "settimana": str(clock.today() + dt.timedelta(days=7)),
            "genitore1_orari": "lun-ven 08:00-18:00", "genitore1_viaggio": "0", "figlio1_nascita": "2021-05-01"}  # fmt: skip
    response = Client().post("/api/services/plan/", json.dumps(data), content_type="application/json")
    assert response.status_code == 200, response.content
    offers = response.json()["people"][0]["babysitters"]
    assert [(o["id"], o["first_name"], o["minutes"], o["vouchers"]) for o in offers] == [
        (b.pk, "Zoraide", 240, ["Voucher di prova"])  # Monday and Wednesday 16–18
    ]
    for secret in (b.last_name, b.email, b.tax_code, b.phone):
        assert secret not in response.content.decode()
