"""Many citizens booking the last free place of a slot at once: exactly one gets it.

These need a database where concurrent transactions really run side by side and queue on row locks:
PostgreSQL. (SQLite serialises every write transaction, and pytest-django's in-memory SQLite test
database is shared between threads through a shared cache whose table locks fail at once instead of
waiting, so there the threads would test nothing but SQLite's own locking.) The same rule, one
booking after the other, is tested on SQLite in ``test_services.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from concilia.helpdesk import selectors, services
from concilia.helpdesk.choices import AppointmentStatus
from concilia.helpdesk.models import Appointment
from concilia.helpdesk.tests import factories as hf
from concilia.programming.tests.test_concurrency import run_concurrently

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test",
    ),
]

MONDAY = dt.date(2030, 3, 4)
NOW = hf.at(MONDAY, 8)


def _book(desk: Any, start: dt.datetime, i: int) -> Callable[[], Appointment]:
    return lambda: services.appointment_book(
        desk=desk, starts_at=start, first_name="Cittadino", last_name=str(i), email=f"c{i}@example.org",
        topic="childcare", now=NOW,
    )  # fmt: skip


def test_two_citizens_booking_the_last_place_at_once_one_wins(world: Any) -> None:
    desk = hf.desk(world)
    start = hf.at(MONDAY, 9)
    booked, errors = run_concurrently([_book(desk, start, i) for i in range(2)], workers=2)
    assert len(booked) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    with translation.override("it"):  # the threads run in the default language
        taken = gettext("This time has just been booked by someone else: choose another one.")
    assert errors[0].messages == [taken]
    assert Appointment.objects.filter(desk=desk, starts_at=start, status=AppointmentStatus.BOOKED).count() == 1


def test_twenty_citizens_on_a_slot_with_three_places_three_win(world: Any) -> None:
    desk = hf.desk(world, capacity_per_slot=3)
    start = hf.at(MONDAY, 10)
    hf.appointment(desk, starts_at=start, seat=1, status=AppointmentStatus.CANCELLED)  # a freed place
    booked, errors = run_concurrently([_book(desk, start, i) for i in range(20)], workers=16)
    assert len(booked) == 3
    assert len(errors) == 17 and all(isinstance(e, ValidationError) for e in errors)
    live = Appointment.objects.filter(desk=desk, starts_at=start).exclude(status=AppointmentStatus.CANCELLED)
    assert sorted(live.values_list("seat", flat=True)) == [1, 2, 3]
    assert start not in {s.starts_at for s in selectors.free_slots(desk, now=NOW)}
