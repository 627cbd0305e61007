"""Session-wide test fixtures shared by every app (app-specific fixtures live in ``concilia/conftest.py``)."""

from __future__ import annotations

import datetime as dt
import io
import os
import zoneinfo
from typing import Any

import pytest

# The injected clock. Unset: the suite runs on the real date and time. Set to a wall-clock time in
# Europe/Rome (``2027-03-28T02:30``, or a date alone for midnight), every process of the run
# (pytest-xdist workers and the live servers' threads included) starts at that moment and the time
# goes on from there (time-machine, ``tick=True``). ``make test-dates`` sweeps the dates in DATES.
CLOCK_VARIABLE = "CONCILIA_TEST_NOW"
ROME = zoneinfo.ZoneInfo("Europe/Rome")


def clock_start(value: str) -> dt.datetime:
    """The instant a wall-clock time in Europe/Rome names.

    A time that does not exist (02:30 on the last Sunday of March, skipped when the clocks go forward)
    is read with the offset before the change (``fold=0``), as ``zoneinfo`` does: 02:30+01:00, which is
    03:30 summer time. A time that exists twice (02:30 on the last Sunday of October) is the first one.
    """
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise pytest.UsageError(f"{CLOCK_VARIABLE}={value!r} is not an ISO date or date and time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ROME)
    return moment


def pytest_configure(config: Any) -> None:
    value = os.environ.get(CLOCK_VARIABLE, "").strip()
    if value:
        import time_machine

        traveller = time_machine.travel(clock_start(value), tick=True)
        traveller.start()
        config.stash[_TRAVELLER] = traveller


def pytest_unconfigure(config: Any) -> None:
    traveller = config.stash.get(_TRAVELLER, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: Any) -> str:
    value = os.environ.get(CLOCK_VARIABLE, "").strip()
    if not value:
        return "clock: the real time (set CONCILIA_TEST_NOW to move it)"
    start = clock_start(value)
    return f"clock: moved to {value} in Europe/Rome ({start.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC)"


_TRAVELLER = pytest.StashKey[Any]()


@pytest.fixture(scope="module")
def territory_loaded(django_db_setup: None, django_db_blocker: Any) -> None:
    """The whole Italian territory (``concilia load_territory``), loaded once per test session.

    The rows are committed in the test database, so every later test sees them; tests still roll
    back their own changes (``db``). A ``transaction=True`` test flushes the database: the tests that
    flush run last (below), but a worker that has run one may still steal a module's tests from the
    other (``--dist worksteal``), so each module checks that the territory is there and loads it again
    if a flush took it (a query when it is there; the load only after a flush).
    """
    from django.core.management import call_command

    from concilia.territory.models import Municipality

    with django_db_blocker.unblock():
        if not Municipality.objects.exists():
            call_command("load_territory", stdout=io.StringIO())


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Run tests that flush the database (``transaction=True``, browser tests) last.

    A flush removes the session-wide territory; running those tests at the end keeps it for the rest.
    """

    def flushes(item: Any) -> bool:
        marker = item.get_closest_marker("django_db")
        return bool(item.get_closest_marker("browser")) or bool(marker and marker.kwargs.get("transaction"))

    items.sort(key=flushes)
