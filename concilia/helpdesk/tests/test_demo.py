"""The demo help desks (``concilia load_demo``): three example desks of the Cremona network, hours with
free appointment times whatever the day, anonymous example cases; loaded twice, nothing changes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml

from concilia.accounts import demo as accounts_demo
from concilia.accounts.models import User
from concilia.core import clock
from concilia.core.permissions import can
from concilia.core.testing.demo import demo_loaded
from concilia.helpdesk import demo, selectors
from concilia.helpdesk.models import Case, Desk, DeskClosure, DeskHours, Referral
from concilia.network import demo as network_demo

SEEDS_DIR = Path(os.environ.get("CONCILIA_SEEDS_DIR", Path(__file__).resolve().parents[3].parent / "shared" / "seeds"))
CREMONA_DESK = "Esempio – Sportello Famiglia-Lavoro di Cremona"


@pytest.fixture(scope="module")
def loaded(territory_loaded: None, django_db_blocker: Any) -> Iterator[Any]:
    with demo_loaded(
        django_db_blocker, partial(network_demo.load, force=True), accounts_demo.load, partial(demo.load, force=True)
    ) as result:
        yield result


@pytest.fixture
def data(loaded: Any, db: None) -> Any:
    return loaded


def _normalise(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


def test_the_quoted_source_is_in_the_seed(data: Any) -> None:
    raw = yaml.safe_load(demo.DATA_FILE.read_text(encoding="utf-8"))
    for source in raw["sources"]:
        seed = (SEEDS_DIR / source["file"]).read_text(encoding="utf-8")
        assert _normalise(source["quote"]) in _normalise(seed)


def test_patron_saints_are_yearly_closures_with_their_source(data: Any) -> None:
    rows = {c.desk.municipality.name: c for c in DeskClosure.objects.select_related("desk__municipality")}
    assert (rows["Cremona"].start.month, rows["Cremona"].start.day) == (11, 13)
    assert (rows["Crema"].start.month, rows["Crema"].start.day) == (6, 10)
    assert all(c.every_year and c.source and c.reason for c in rows.values())
    crema = rows["Crema"].desk
    on = dt.datetime(2027, 6, 10, 8, tzinfo=selectors.ROME)
    assert not [
        s for s in selectors.free_slots(crema, now=on - dt.timedelta(days=1)) if s.starts_at.date() == on.date()
    ]


def test_three_example_desks_run_by_the_districts(data: Any) -> None:
    desks = {d.name: d for d in Desk.objects.select_related("organisation", "network", "municipality")}
    assert len(desks) == 3
    assert all(name.startswith("Esempio – ") and d.is_example and d.is_published for name, d in desks.items())
    assert {d.organisation.name for d in desks.values()} == {
        "Ambito territoriale di Cremona",
        "Ambito territoriale di Crema",
        "Ambito territoriale di Casalmaggiore",
    }
    assert {d.municipality.name for d in desks.values()} == {"Cremona", "Crema", "Casalmaggiore"}
    assert all(d.network and "Cremona" in d.network.name for d in desks.values())


@pytest.mark.parametrize("days", [0, 1, 5, 6, 100, 365])
def test_free_times_exist_whatever_the_day(data: Any, days: int) -> None:
    when = clock.now() + dt.timedelta(days=days)
    for desk in Desk.objects.all():
        slots = selectors.free_slots(desk, now=when)
        assert len(slots) >= 20, desk.name


def test_the_demo_operator_keeps_the_cremona_desk_and_its_cases(data: Any) -> None:
    operator = User.objects.get(username="operatore.sportello")
    cremona = Desk.objects.get(name=CREMONA_DESK)
    assert can(operator, "change", cremona)
    assert not can(operator, "change", Desk.objects.exclude(pk=cremona.pk).first())
    assert can(operator, "view", Case.objects.filter(desk=cremona).first())
    coordinator = User.objects.get(username="coordinatore.cremona")
    assert can(coordinator, "statistics", cremona)
    assert not can(coordinator, "view", Case.objects.filter(desk=cremona).first())


def test_example_cases_are_anonymous_and_feed_the_statistics(data: Any) -> None:
    assert Case.objects.count() == 6
    assert not Case.objects.filter(anonymous=False).exists()
    assert all(re.match(r"^\[esempio-\d\] Esempio:", c.description) for c in Case.objects.all())
    assert Referral.objects.count() == 2
    cremona = Desk.objects.get(name=CREMONA_DESK)
    today = clock.today()
    stats = selectors.desk_statistics(desk=cremona, start=today - dt.timedelta(days=364), end=today)
    assert stats.cases == 3 and sum(n for _label, n in stats.referrals) == 1


def test_loading_twice_changes_nothing(data: Any) -> None:
    before = {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at"))
        for model in (Desk, DeskHours, DeskClosure, Case, Referral)
    }
    again = demo.load(force=True)
    assert not [k for k, v in again.counts.items() if v and not k.endswith(".unchanged")], again.counts
    skipped = demo.load()
    assert skipped.skipped
    after = {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at"))
        for model in (Desk, DeskHours, DeskClosure, Case, Referral)
    }
    assert after == before
