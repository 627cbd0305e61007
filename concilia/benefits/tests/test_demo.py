"""The demo's families: an open voucher call, a nursery place call ranked and published by two people, example
households only, and a demo family that sees its place and the reasons."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from concilia.accounts import demo as accounts_demo
from concilia.benefits import demo
from concilia.benefits.models import Application, FamilyRanking, Household
from concilia.core import clock
from concilia.core.testing.demo import demo_loaded
from concilia.network import demo as network_demo
from concilia.programming import demo as programming_demo
from concilia.programming.choices import CallStatus
from concilia.programming.models import Call
from concilia.services import demo as services_demo


@pytest.fixture(scope="module")
def loaded(territory_loaded: None, django_db_blocker: Any) -> Iterator[demo.BenefitsResult]:
    with demo_loaded(
        django_db_blocker,
        partial(network_demo.load, force=True),
        accounts_demo.load,
        partial(services_demo.load, force=True),
        partial(programming_demo.load, force=True),
        demo.load,
    ) as result:
        yield result


@pytest.fixture
def data(loaded: demo.BenefitsResult, db: None) -> demo.BenefitsResult:
    return loaded


def test_an_open_voucher_call_and_a_published_nursery_ranking(data: demo.BenefitsResult) -> None:
    assert 180 <= data.households <= 220 and data.applications > 100
    voucher = Call.objects.get(code=demo.VOUCHER_CODE)
    assert voucher.status == CallStatus.OPEN and voucher.opens_at <= clock.now() < voucher.closes_at
    places = Call.objects.get(code=demo.PLACES_CODE)
    assert places.status == CallStatus.PROVISIONAL_RANKING
    ranking = FamilyRanking.objects.get(call=places)
    assert ranking.published_at is not None and ranking.requested_by != ranking.approved_by
    assert {e["outcome"] for e in ranking.entries} == {"placed", "waiting"}
    assert all(c.is_example for c in (voucher, places))
    assert not Household.objects.filter(is_example=False).exists()  # every household is an example
    assert demo.load().skipped  # a second load finds them
    # The places: offered, one accepted, one refused and its seat offered to the next family (round 2).
    from concilia.benefits.models import Place

    statuses = set(Place.objects.filter(call=places).values_list("status", flat=True))
    assert {"offered", "accepted", "refused"} <= statuses
    refused = Place.objects.get(call=places, status="refused")
    assert Place.objects.filter(call=places, round=2, seat=refused.seat, status="offered").exists()
    # The spring voucher call: vouchers issued (the demo family's too), one spent and waiting for reimbursement.
    from concilia.benefits.models import Redemption, Voucher

    spring = Call.objects.get(code=demo.SPRING_CODE)
    assert Voucher.objects.filter(call=spring).count() == data.vouchers > 10
    assert Voucher.objects.filter(call=spring, application__household__owner__username=demo.FAMILY).exists()
    assert Redemption.objects.get(voucher__call=spring).status == "submitted"


def test_the_demo_family_sees_its_place_and_why(data: demo.BenefitsResult) -> None:
    application = Application.objects.get(household__owner__username=demo.FAMILY, call__code=demo.PLACES_CODE)
    client = Client()
    assert (
        client.post("/accesso/", {"username": demo.FAMILY, "password": accounts_demo.DEMO_PASSWORD}).status_code == 302
    )
    with translation.override("it"):
        page = client.get(f"/famiglia/domande/{application.pk}/graduatoria/")
        area = client.get("/cittadini/area-personale/").content.decode()
    assert page.status_code == 200 and "data-explanation" in page.content.decode()
    assert application.protocol in area  # its application, listed in its area
    assert "Voucher centri estivi – esempio" in client.get("/famiglia/bandi/").content.decode()


def test_a_forced_reload_of_the_catalogue_takes_the_families_down_and_brings_them_back(
    data: demo.BenefitsResult,
) -> None:
    from io import StringIO

    from django.core.management import call_command

    before = sorted(Application.objects.values_list("household__owner__username", "status", "protocol_number"))
    out = StringIO()
    call_command("load_demo", "--only", "services", "--force", stdout=out)
    report = out.getvalue()
    # the example families refer to the catalogue's offers: removed first, loaded again after the catalogue
    assert report.index("family calls and their example households removed") < report.index("services.demo")
    assert report.index("services.demo") < report.index("benefits.demo: 3 family calls (")
    assert sorted(Application.objects.values_list("household__owner__username", "status", "protocol_number")) == before
