"""Every help-desk register gets the shared battery: pages, exports, API, permissions per role, query counts.

In the test world the alliance lead's user is also a DESK_OPERATOR of its organisation (the one that
runs the desks built here) and the other lead a DESK_OPERATOR of another organisation; the
coordinator coordinates the desks' network. Desks, hours and closures are public; cases, referrals
and appointments are seen only by the desk's operators; appointments are read-only registers.
"""

from __future__ import annotations

from typing import Any

import pytest

from concilia.accounts.choices import Role
from concilia.accounts.models import RoleAssignment
from concilia.core import clock
from concilia.core.testing import battery
from concilia.core.testing import factories as f
from concilia.helpdesk import registers
from concilia.helpdesk.tests import factories as hf

OPERATOR = {"lead", "admin"}
OPERATORS_ADD = {"lead", "other_lead", "admin"}


@pytest.fixture
def desk_world(world: Any) -> Any:
    RoleAssignment.objects.create(user=world.lead, role=Role.DESK_OPERATOR, organisation=world.lead_org)
    RoleAssignment.objects.create(user=world.other_lead, role=Role.DESK_OPERATOR, organisation=world.other_lead_org)
    for user in (world.lead, world.other_lead):
        user.__dict__.pop("_concilia_scope", None)
    return world


def _desk(w: Any) -> Any:
    return hf.desk(w, organisation=w.lead_org, network=w.network, hours=False)


def _shared_desk(w: Any) -> Any:
    if not hasattr(w, "_desk"):
        w._desk = _desk(w)
    return w._desk


PRIVATE: dict[str, Any] = {
    "public": False,
    "can_change": OPERATOR,
    "can_delete": OPERATOR,
    "can_add": OPERATORS_ADD,
    "creator": "lead",
}

SPECS = [
    battery.RegisterSpec(
        register=registers.desks,
        new=_desk,
        create_data=lambda w: {
            "name": "Sportello Famiglia-Lavoro di prova",
            "organisation": w.lead_org,
            "network": w.network,
            "address": "Via Dante 1",
            "municipality": f.MunicipalityFactory(),
            "services": ["childcare", "vouchers"],
            "slot_minutes": 30,
            "weeks_ahead": 4,
            "capacity_per_slot": 1,
            "is_published": True,
        },
        edit=("phone", "0372 111111"),
        marker=lambda o: o.name,
        can_change=OPERATOR,
        can_delete=OPERATOR,
        can_add=OPERATORS_ADD,
        creator="lead",
    ),
    battery.RegisterSpec(
        register=registers.hours,
        new=lambda w: hf.models.DeskHours.objects.create(
            desk=_shared_desk(w), weekday=hf.n() % 7, opens=hf.dt.time(9), closes=hf.dt.time(12)
        ),
        create_data=lambda w: {"desk": _shared_desk(w), "weekday": 2, "opens": "14:00", "closes": "16:00"},
        edit=("closes", "17:00:00"),
        marker=lambda o: o.desk.name,
        can_change=OPERATOR,
        can_delete=OPERATOR,
        can_add=OPERATORS_ADD,
        creator="lead",
    ),
    battery.RegisterSpec(
        register=registers.closures,
        new=lambda w: hf.models.DeskClosure.objects.create(
            desk=_shared_desk(w), start=hf.dt.date(2030, 8, 10), end=hf.dt.date(2030, 8, 20), reason=f"Ferie {hf.n()}"
        ),
        create_data=lambda w: {"desk": _shared_desk(w), "start": "2030-12-24", "end": "2030-12-26", "reason": "Natale"},
        edit=("reason", "Chiusura estiva"),
        marker=lambda o: o.reason,
        can_change=OPERATOR,
        can_delete=OPERATOR,
        can_add=OPERATORS_ADD,
        creator="lead",
    ),
    battery.RegisterSpec(
        register=registers.cases,
        new=lambda w: hf.case(_shared_desk(w)),
        create_data=lambda w: {
            "desk": _shared_desk(w),
            "opened_on": clock.today(),
            "channel": "phone",
            "first_name": "Lucia",
            "last_name": "Neri",
            "needs": ["elder_care", "work_flexibility"],
            "outcome": "information",
            "status": "open",
        },
        edit=("description", "Chiede un part-time verticale"),
        marker=lambda o: o.last_name,
        **PRIVATE,
    ),
    battery.RegisterSpec(
        register=registers.referrals,
        new=lambda w: hf.referral(hf.case(_shared_desk(w))),
        create_data=lambda w: {"case": hf.case(_shared_desk(w)), "other": "Patronato ACLI", "note": "Per l'ISEE"},
        edit=("note", "Appuntamento fissato"),
        marker=lambda o: o.other,
        **PRIVATE,
    ),
    battery.RegisterSpec(
        register=registers.appointments,
        new=lambda w: hf.appointment(
            _shared_desk(w), starts_at=hf.at(hf.tomorrow(), 8) + hf.dt.timedelta(minutes=30 * hf.n())
        ),
        marker=lambda o: o.last_name,
        public=False,
        can_change=OPERATOR,
        can_delete={"admin"},
        can_add=set(),
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
@pytest.mark.parametrize("check", battery.CHECKS, ids=lambda c: c.__name__)
def test_register(spec: battery.RegisterSpec, check: Any, desk_world: Any) -> None:
    check(spec, desk_world)
