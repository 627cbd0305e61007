"""Throttles in counters every process shares (issue 13): atomic, per real client address, on each open form."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

import pytest
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import Client, override_settings

from concilia.core import clock
from concilia.core.models import RateCounter
from concilia.core.throttling import DatabaseCounter, RedisCounter, check
from concilia.helpdesk.models import Appointment
from concilia.helpdesk.tests import factories as hf

REDIS = "redis://127.0.0.1:6379/15"


def redis_counter() -> RedisCounter:
    cache = RedisCache(REDIS, {})
    try:
        cache.get("ping")
    except Exception as exc:  # noqa: BLE001 - any failure means no server here
        pytest.skip(f"no Redis server at {REDIS}: {exc}")
    return RedisCounter(cache)


@pytest.mark.django_db
@override_settings(CONCILIA_THROTTLES={"t": "3/min"})
@pytest.mark.parametrize("backend", ["database", "redis"])
def test_a_window_allows_its_rate_then_refuses_then_starts_again(backend: str, time_machine: Any) -> None:
    counter = DatabaseCounter() if backend == "database" else redis_counter()
    time_machine.move_to(clock.now(), tick=False)
    who = f"198.51.100.{uuid.uuid4().int % 250}-{uuid.uuid4()}"
    verdicts = [check("t", who, counter) for _n in range(5)]
    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert 0 < verdicts[-1].retry_after <= 60
    assert check("t", f"someone else {uuid.uuid4()}", counter).allowed
    time_machine.move_to(clock.now() + dt.timedelta(seconds=61), tick=False)
    assert check("t", who, counter).allowed
    if backend == "database":
        assert not RateCounter.objects.filter(key__contains="198.51").exists()  # addresses stored hashed


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("backend", ["database", "redis"])
def test_simultaneous_hits_are_each_counted_once(backend: str) -> None:
    """Eight threads, each with its own connection (as gunicorn's workers have), hit one key 25 times."""
    counter = DatabaseCounter() if backend == "database" else redis_counter()
    key = f"concurrency:{uuid.uuid4()}"
    now = clock.now()
    seen: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _n in range(25):
                count, _ends = counter.hit(key, 3600, now)
                with lock:
                    seen.append(count)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(seen) == list(range(1, 201))  # every hit saw its own number: none lost, none repeated


@pytest.mark.django_db
def test_bookings_from_one_address_stop_at_the_rate_whatever_forwarded_for_says(world: Any) -> None:
    desk = hf.desk(world, network=world.network)
    client = Client(raise_request_exception=False)
    statuses = []
    for n in range(22):
        r = client.post(
            f"/api/helpdesk/desks/{desk.pk}/book/",
            {"slot": "nope"},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        statuses.append(r.status_code)
    assert statuses[:20] == [400] * 20  # refused for the bad slot, but counted
    assert statuses[20:] == [429, 429]
    page = client.post(f"/sportelli/{desk.pk}/", {"slot": "nope"}, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert page.status_code == 429
    assert page["Retry-After"]
    assert "Troppe richieste" in page.content.decode()
    assert Appointment.objects.count() == 0
    # the page itself is still readable
    assert client.get(f"/sportelli/{desk.pk}/").status_code == 200
