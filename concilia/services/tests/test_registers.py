"""Every catalogue register gets the shared battery: pages, exports, API, permissions per role, query counts.

Providers change only their own services and what hangs off them; coordinators see everything
but do not edit providers' services; the public sees published services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from concilia.core.testing import battery
from concilia.core.testing import factories as f
from concilia.services import registers
from concilia.services.tests import factories as sf

PROVIDER_ONLY = {"provider", "admin"}


def own_service(w: Any) -> Any:
    return sf.ServiceFactory(provider=w.provider_org)


SPECS = [
    battery.RegisterSpec(
        register=registers.services,
        new=lambda w: sf.ServiceFactory(provider=w.provider_org),
        create_data=lambda w: {
            "provider": w.provider_org,
            "kind": "centro_estivo",
            "name": "Centro estivo di prova",
            "municipality": f.MunicipalityFactory(),
            "is_published": True,
        },
        edit=("capacity", 45),
        can_change=PROVIDER_ONLY,
        can_delete=PROVIDER_ONLY,
        can_add=PROVIDER_ONLY,
        creator="provider",
    ),
    battery.RegisterSpec(
        register=registers.offers,
        new=lambda w: sf.OfferFactory(service=own_service(w)),
        create_data=lambda w: {
            "service": own_service(w),
            "label": "Pre-scuola",
            "days": [0, 1, 2, 3, 4],
            "start_time": dt.time(7, 30),
            "end_time": dt.time(8, 30),
            "capacity": 25,
            "price_cents": 4500,
            "price_unit": "month",
        },
        edit=("capacity", 30),
        marker=lambda o: o.label,
        can_change=PROVIDER_ONLY,
        can_delete=PROVIDER_ONLY,
        can_add=PROVIDER_ONLY,
        creator="provider",
    ),
    battery.RegisterSpec(
        register=registers.periods,
        new=lambda w: sf.PeriodFactory(service=own_service(w)),
        create_data=lambda w: {
            "service": own_service(w),
            "name": "Estate 2027",
            "kind": "summer_week",
            "start": dt.date(2027, 6, 14),
            "end": dt.date(2027, 6, 18),
        },
        edit=("name", "Estate 2027, prima settimana"),
        marker=lambda o: o.name,
        can_change=PROVIDER_ONLY,
        can_delete=PROVIDER_ONLY,
        can_add=PROVIDER_ONLY,
        creator="provider",
    ),
    battery.RegisterSpec(
        register=registers.opening_hours,
        new=lambda w: sf.OpeningHoursFactory(service=own_service(w)),
        create_data=lambda w: {
            "service": own_service(w),
            "weekday": 2,
            "opens": dt.time(8, 0),
            "closes": dt.time(12, 0),
        },
        edit=("closes", dt.time(13, 0)),
        marker=lambda o: o.service.name,
        can_change=PROVIDER_ONLY,
        can_delete=PROVIDER_ONLY,
        can_add=PROVIDER_ONLY,
        creator="provider",
    ),
    battery.RegisterSpec(
        register=registers.closures,
        new=lambda w: sf.ClosureFactory(service=own_service(w)),
        create_data=lambda w: {
            "service": own_service(w),
            "start": dt.date(2027, 8, 1),
            "end": dt.date(2027, 8, 31),
            "reason": "Chiusura estiva",
        },
        edit=("reason", "Chiusura estiva di agosto"),
        marker=lambda o: o.reason,
        can_change=PROVIDER_ONLY,
        can_delete=PROVIDER_ONLY,
        can_add=PROVIDER_ONLY,
        creator="provider",
    ),
    battery.RegisterSpec(
        register=registers.fees,
        new=lambda w: sf.FeeFactory(service=own_service(w)),
        create_data=lambda w: {
            "service": own_service(w),
            "label": "Retta ridotta",
            "amount_cents": 15000,
            "unit": "month",
        },
        edit=("amount_cents", 16000),
        marker=lambda o: o.label,
        can_change=PROVIDER_ONLY,
        can_delete=PROVIDER_ONLY,
        can_add=PROVIDER_ONLY,
        creator="provider",
    ),
    battery.RegisterSpec(
        register=registers.authorisations,
        new=lambda w: sf.AuthorisationFactory(organisation=w.provider_org),
        create_data=lambda w: {
            "organisation": w.provider_org,
            "kind": "accreditation",
            "act_number": "123/2025",
            "act_date": dt.date(2025, 2, 1),
        },
        edit=("issued_by", "Comune di Cremona"),
        marker=lambda o: o.act_number,
        can_change=PROVIDER_ONLY,
        can_delete=PROVIDER_ONLY,
        can_add=PROVIDER_ONLY,
        creator="provider",
    ),
    battery.RegisterSpec(
        register=registers.voucher_schemes,
        new=lambda w: sf.VoucherSchemeFactory(network=w.network),
        create_data=lambda w: {"code": "voucher-nidi-2027", "name": "Voucher nidi 2027", "network": w.network},
        edit=("description", "Per le famiglie con ISEE fino a 30.000 euro"),
        can_change={"coordinator", "admin"},
        can_delete={"coordinator", "admin"},
        can_add={"coordinator", "admin"},
        creator="coordinator",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
@pytest.mark.parametrize("check", battery.CHECKS, ids=lambda c: c.__name__)
def test_register(spec: battery.RegisterSpec, check: Any, world: Any) -> None:
    check(spec, world)
