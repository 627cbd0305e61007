"""Builders of help-desk records for the tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from concilia.accounts.choices import Role
from concilia.core import clock
from concilia.core.testing import factories as f
from concilia.helpdesk import models
from concilia.helpdesk.selectors import ROME

_n = itertools.count(1)


def n() -> int:
    return next(_n)


def desk(w: Any = None, *, organisation: Any = None, network: Any = None, hours: bool = True, **kw: Any) -> models.Desk:
    """A published desk giving 30-minute appointments every day 09:00-12:00 (one place each)."""
    i = n()
    values: dict[str, Any] = {
        "name": f"Sportello {i}",
        "organisation": organisation or f.OrganisationFactory(name=f"Ambito {i}", kind="municipality"),
        "network": network if network is not None else (w.network if w else None),
        "address": f"Via Roma {i}",
        "municipality": f.MunicipalityFactory(),
        "latitude": 45.13,
        "longitude": 10.02,
        "email": f"sportello{i}@example.org",
        "services": ["childcare", "elder_care"],
        **kw,
    }
    d = models.Desk.objects.create(**values)
    if hours:
        for day in range(7):
            models.DeskHours.objects.create(
                desk=d, weekday=day, opens=dt.time(9), closes=dt.time(12), appointments=True
            )
            models.DeskHours.objects.create(desk=d, weekday=day, opens=dt.time(9), closes=dt.time(13))
    return d


def operator(organisation: Any, **kw: Any) -> Any:
    kw.setdefault("username", f"operatore{n()}")
    kw.setdefault("email", f"{kw['username']}@example.org")
    return f.user_with_role(Role.DESK_OPERATOR, organisation=organisation, **kw)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ROME)


def tomorrow() -> dt.date:
    return clock.today() + dt.timedelta(days=1)


def appointment(d: models.Desk, *, starts_at: dt.datetime | None = None, **kw: Any) -> models.Appointment:
    start = starts_at or at(tomorrow(), 9)
    values: dict[str, Any] = {
        "desk": d,
        "starts_at": start,
        "ends_at": start + dt.timedelta(minutes=d.slot_minutes),
        "first_name": "Giulia",
        "last_name": f"Rossi{n()}",
        "email": "giulia.rossi@example.org",
        "phone": "333 0000000",
        "topic": "childcare",
        "booked_at": clock.now(),
        **kw,
    }
    return models.Appointment.objects.create(**values)


def case(d: models.Desk, **kw: Any) -> models.Case:
    values: dict[str, Any] = {
        "desk": d,
        "opened_on": clock.today(),
        "channel": "in_person",
        "first_name": "Marco",
        "last_name": f"Bianchi{n()}",
        "email": "marco.bianchi@example.org",
        "needs": ["childcare"],
        "description": f"Cerca un nido {n()}",
        **kw,
    }
    return models.Case.objects.create(**values)


def referral(c: models.Case, **kw: Any) -> models.Referral:
    kw.setdefault("other", f"INPS sede {n()}")
    return models.Referral.objects.create(case=c, **kw)
