"""Demo services of the catalogue, from ``services/data/demo.yaml`` (examples, see that file)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from concilia.network.models import Network, Organisation
from concilia.services import models
from concilia.services.hours import parse_weekly_hours
from concilia.territory.models import Municipality

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.yaml"


@dataclass
class ServicesResult:
    created: int
    updated: int

    def __str__(self) -> str:
        return f"services.demo: {self.created} example services created, {self.updated} updated"


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


@transaction.atomic
def load(*, path: Path = DATA_FILE, **_: Any) -> ServicesResult:
    """Create or update the example services (keyed by provider and name); idempotent."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    schemes: dict[str, models.VoucherScheme] = {}
    for v in data.get("voucher_schemes", []):
        network = Network.objects.filter(name=v["network"]).first() if v.get("network") else None
        scheme, _created = models.VoucherScheme.objects.update_or_create(
            code=v["code"],
            defaults={
                "name": v["name"],
                "network": network,
                "description": v.get("description", ""),
                "is_example": bool(v.get("is_example")),
            },
        )
        schemes[scheme.code] = scheme
    created = updated = 0
    for s in data.get("services", []):
        provider = Organisation.objects.get(name=s["provider"])
        municipality = Municipality.objects.get(istat_code=s["municipality"])
        lo, hi = s.get("ages", (None, None))
        service, was_created = models.Service.objects.update_or_create(
            provider=provider,
            name=s["name"],
            defaults={
                "kind": s["kind"],
                "municipality": municipality,
                "address": s.get("address", ""),
                "postal_code": s.get("postal_code", ""),
                "latitude": s.get("latitude"),
                "longitude": s.get("longitude"),
                "location_precision": "address" if s.get("latitude") is not None else "none",
                "min_age_months": lo,
                "max_age_months": hi,
                "capacity": s.get("capacity"),
                "is_example": True,
                "source": "Esempio costruito sui documenti 000_65bffa50458015ae.txt e 001_5ccb60a0c079e1ed.txt",
            },
        )
        created += was_created
        updated += not was_created
        service.accepted_vouchers.set([schemes[c] for c in s.get("vouchers", [])])
        periods: dict[str, models.Period] = {}
        keep_periods = []
        for p in s.get("periods", []):
            period, _c = models.Period.objects.update_or_create(
                service=service, name=p["name"], defaults={"kind": p["kind"], "start": p["start"], "end": p["end"]}
            )
            periods[period.name] = period
            keep_periods.append(period.pk)
        service.periods.exclude(pk__in=keep_periods).exclude(offers__isnull=False).delete()
        service.opening_hours.all().delete()
        for day, opens, closes in parse_weekly_hours(s.get("hours", "")):
            models.OpeningHours.objects.create(service=service, weekday=day, opens=opens, closes=closes)
        service.fees.all().delete()
        for f in s.get("fees", []):
            models.Fee.objects.create(
                service=service,
                label=f.get("label", ""),
                amount_cents=f["amount_cents"],
                unit=f.get("unit", "month"),
                isee_min_cents=f.get("isee_min_cents"),
                isee_max_cents=f.get("isee_max_cents"),
            )
        # Offers keep their rows (calls for families and their applications point at them): updated in place,
        # and only those the data no longer lists removed.
        keep_offers = []
        for o in s.get("offers", []):
            offer, _c = models.Offer.objects.update_or_create(
                service=service,
                period=periods.get(o.get("period", "")),
                label=o.get("label", ""),
                defaults={
                    "days": o["days"],
                    "start_time": _time(o["start"]),
                    "end_time": _time(o["end"]),
                    "min_age_months": lo,
                    "max_age_months": hi,
                    "capacity": o["capacity"],
                    "price_cents": o.get("price_cents", 0),
                    "price_unit": o.get("unit", "month"),
                },
            )
            keep_offers.append(offer.pk)
        service.offers.exclude(pk__in=keep_offers).delete()
        service.periods.exclude(pk__in=keep_periods).delete()
    return ServicesResult(created, updated)
