"""Every babysitter-registry register gets the shared battery, with the registry's own roles.

The roles are those of :class:`~concilia.registry.tests.factories.RegistryWorld`: the keeper's operator
and the coordinator of the registry's network manage it; another registry's operator and another
network's coordinator do not; a plain user and a visitor see only what is public (registries and
courses). Applications, attendance registers, availability, events and families' messages are private
to the managers; events and messages are written only by the services (read-only registers), and a
babysitter is added only through the public form and never deleted (its history is its record).
"""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

import pytest

from concilia.core import clock
from concilia.core.testing import battery
from concilia.registry import registers
from concilia.registry.models import (
    Availability,
    BabysitterEvent,
    BabysitterRegistry,
    ContactMessage,
    Course,
    CourseAttendance,
)
from concilia.registry.tests import factories as rf

MANAGERS = {"operator", "coordinator", "admin"}
# Those who manage some registry (the other side's own): they may add to theirs, so the add page opens.
ADDERS = MANAGERS | {"other_operator", "other_coordinator"}
_n = count(1)


def _registry(w: Any) -> BabysitterRegistry:
    registry = BabysitterRegistry.objects.create(
        name=f"Elenco {next(_n)}", keeper=w.registry.keeper, network=w.registry.network
    )
    registry.municipalities.set([w.cremona])
    registry.voucher_schemes.set([w.voucher])
    return registry


def _course(w: Any) -> Course:
    today = clock.today()
    return Course.objects.create(
        registry=w.registry, organiser=w.registry.keeper, title=f"Corso {next(_n)}",
        starts_on=today - dt.timedelta(days=60), ends_on=today - dt.timedelta(days=10), hours=40,
    )  # fmt: skip


def _babysitter(w: Any) -> Any:
    return rf.submitted(w, tax_code=rf.tax_code(), last_name=f"Cognome{next(_n)}")


def _shared_babysitter(w: Any) -> Any:
    if not hasattr(w, "_babysitter"):
        w._babysitter = _babysitter(w)
    return w._babysitter


PRIVATE: dict[str, Any] = {"public": False, "can_change": MANAGERS, "can_delete": MANAGERS, "can_add": ADDERS}

SPECS = [
    battery.RegisterSpec(
        register=registers.registries,
        new=_registry,
        edit=("description", "Elenco provinciale aggiornato"),
        marker=lambda o: o.name,
        can_change=MANAGERS,
        can_delete={"admin"},  # only the administrator, and only a registry with nothing on it (PROTECT)
        can_add={"coordinator", "other_coordinator", "admin"},  # a coordinator, to a network it coordinates
        creator="coordinator",
    ),
    battery.RegisterSpec(
        register=registers.courses,
        new=_course,
        create_data=lambda w: {
            "registry": w.registry,
            "organiser": w.registry.keeper,
            "title": "Corso base babysitter",
            "starts_on": clock.today(),
            "ends_on": clock.today() + dt.timedelta(days=30),
            "hours": 40,
        },  # fmt: skip
        edit=("place", "Sala civica"),
        marker=lambda o: o.title,
        can_change=MANAGERS,
        can_delete=MANAGERS,
        can_add=ADDERS,
        creator="operator",
    ),
    battery.RegisterSpec(
        register=registers.attendances,
        new=lambda w: CourseAttendance.objects.create(
            course=w.course,
            tax_code=rf.tax_code(),
            first_name="Ada",
            last_name=f"Presente{next(_n)}",
            hours_attended=30,
        ),
        create_data=lambda w: {
            "course": w.course,
            "tax_code": rf.tax_code(),
            "first_name": "Bice",
            "last_name": "Corsista",
            "hours_attended": 36,
        },  # fmt: skip
        edit=("hours_attended", 38),
        marker=lambda o: o.last_name,
        creator="operator",
        **PRIVATE,
    ),
    battery.RegisterSpec(
        register=registers.babysitters,
        new=_babysitter,
        edit=("bio", "Letture ad alta voce e giochi all'aperto"),
        marker=lambda o: o.last_name,
        public=False,
        can_change=MANAGERS,
        can_delete={"admin"},
        can_add={"admin"},  # applications come from the public form; the administrator may add one
    ),
    battery.RegisterSpec(
        register=registers.availability,
        new=lambda w: Availability.objects.create(
            babysitter=_shared_babysitter(w), weekday=next(_n) % 7, starts_at=dt.time(9), ends_at=dt.time(12)
        ),
        create_data=lambda w: {
            "babysitter": _shared_babysitter(w),
            "weekday": 5,
            "starts_at": "09:00",
            "ends_at": "13:00",
        },  # fmt: skip
        edit=("ends_at", "13:30:00"),
        marker=lambda o: str(o.babysitter),
        creator="operator",
        **PRIVATE,
    ),
    battery.RegisterSpec(
        register=registers.events,
        new=lambda w: BabysitterEvent.objects.create(
            babysitter=_shared_babysitter(w), kind="reminder", at=clock.now(), note=f"Nota {next(_n)}"
        ),
        marker=lambda o: o.note,
        public=False,
        can_view=MANAGERS,
        can_change=set(),
        can_delete=set(),
        can_add=set(),
    ),
    battery.RegisterSpec(
        register=registers.messages,
        new=lambda w: ContactMessage.objects.create(
            babysitter=_shared_babysitter(w),
            family_name=f"Famiglia {next(_n)}",
            family_email="famiglia@example.org",
            message="Ci serve il giovedì pomeriggio",
            created_at=clock.now(),
        ),  # fmt: skip
        marker=lambda o: o.family_name,
        public=False,
        can_view=MANAGERS,
        can_change=set(),
        can_delete=set(),
        can_add=set(),
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
@pytest.mark.parametrize("check", battery.CHECKS, ids=lambda c: c.__name__)
def test_register(spec: battery.RegisterSpec, check: Any, rw: Any) -> None:
    check(spec, rw)
