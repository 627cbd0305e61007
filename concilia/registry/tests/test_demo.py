"""The demo registry (``concilia load_demo``): the Cremona provincial list of the seeds, kept by ATS Val Padana (example)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from django.test import Client

from concilia.accounts import demo as accounts_demo
from concilia.accounts.models import User
from concilia.core import clock
from concilia.core.testing.demo import demo_loaded
from concilia.network import demo as network_demo
from concilia.registry import demo
from concilia.registry.choices import BabysitterStatus
from concilia.registry.models import Availability, Babysitter, BabysitterEvent, BabysitterRegistry, Course
from concilia.services import demo as services_demo


@pytest.fixture(scope="module")
def loaded(territory_loaded: None, django_db_blocker: Any) -> Iterator[demo.DemoResult]:
    with demo_loaded(
        django_db_blocker,
        partial(network_demo.load, force=True),
        accounts_demo.load,
        partial(services_demo.load, force=True),
        partial(demo.load, force=True),
    ) as result:
        yield result


@pytest.fixture
def data(loaded: demo.DemoResult, db: None) -> demo.DemoResult:
    return loaded


def snapshot() -> list[Any]:
    return [
        list(BabysitterRegistry.objects.values()),
        list(Course.objects.values()),
        list(Babysitter.objects.values()),
        list(Availability.objects.values()),
        list(BabysitterEvent.objects.values("babysitter", "kind", "note")),
    ]


def test_the_registry_of_the_seeds(data: demo.DemoResult) -> None:
    registry = BabysitterRegistry.objects.get()
    assert registry.keeper.name == "ATS Val Padana"
    assert "Cremona" in registry.network.name
    assert "Elenco Provinciale Babysitter" in registry.source and "003_" in registry.source
    assert "Esempio" in registry.description and registry.is_example
    statuses = sorted(Babysitter.objects.values_list("status", flat=True))
    assert statuses.count(BabysitterStatus.LISTED) == 4
    assert BabysitterStatus.SUSPENDED in statuses and BabysitterStatus.SUBMITTED in statuses
    assert all(b.is_example and b.email.endswith(".invalid") for b in Babysitter.objects.all())
    soon = clock.today() + dt.timedelta(days=registry.reminder_days)
    assert Babysitter.objects.filter(status=BabysitterStatus.LISTED, expires_on__lte=soon).count() == 1


def test_loading_twice_changes_nothing(data: demo.DemoResult) -> None:
    before = snapshot()
    again = demo.load(force=True)
    assert snapshot() == before
    assert not any(k.endswith((".created", ".updated")) for k in again.summary()), again.summary()
    assert demo.load().skipped


def test_the_demo_operator_manages_it(data: demo.DemoResult) -> None:
    operator = User.objects.get(username="operatore.babysitter")
    c = Client()
    c.force_login(operator)
    pending = Babysitter.objects.get(status=BabysitterStatus.SUBMITTED)
    r = c.post(f"/api/registry/babysitters/{pending.pk}/list/", {})
    assert r.status_code == 200, r.content
    assert Client().get("/babysitter/?comune=" + str(pending.areas.first().pk)).status_code == 200
