"""Load the demo babysitter registry from ``registry/data/demo.yaml``.

Runs after the network demo (organisations, networks), the services demo (voucher schemes) and the
demo accounts. Idempotent: the registry is found by name, the course by registry, title and start,
babysitters by tax code; a record is saved only when a loaded value differs, and dates computed
from the day of loading (``*_days``) are set only when a record is created — what demo users do
afterwards (list, suspend, renew) is never undone. The YAML's checksum is kept in
:class:`~concilia.territory.models.DataLoad` and an unchanged file is skipped unless ``force``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from concilia.core import clock
from concilia.network.models import Network, Organisation
from concilia.registry.choices import BabysitterStatus, EventKind
from concilia.registry.models import Availability, Babysitter, BabysitterEvent, BabysitterRegistry, Course
from concilia.services.hours import parse_weekly_hours
from concilia.services.models import VoucherScheme
from concilia.territory.models import DataLoad, Municipality, Province

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.yaml"
DATALOAD_KEY = "registry.demo"
LOADER_VERSION = "1"


class DemoLoadError(Exception):
    pass


@dataclass
class DemoResult:
    key: str = DATALOAD_KEY
    skipped: bool = False
    counts: Counter[str] = field(default_factory=Counter)

    def summary(self) -> dict[str, int]:
        return dict(sorted(self.counts.items()))

    def __str__(self) -> str:
        if self.skipped:
            return f"{self.key}: unchanged, skipped (use --force to reload)"
        created = sum(v for k, v in self.counts.items() if k.endswith(".created"))
        updated = sum(v for k, v in self.counts.items() if k.endswith(".updated"))
        unchanged = sum(v for k, v in self.counts.items() if k.endswith(".unchanged"))
        return f"{self.key}: {created} created, {updated} updated, {unchanged} unchanged"


def _source(value: Any) -> str:
    if isinstance(value, dict):
        return f"{value.get('file', '')}: «{value.get('quote', '')}»"
    return str(value or "")


def _municipality(code: str) -> Municipality:
    found = Municipality.objects.filter(istat_code=str(code)).first()
    if found is None:
        raise DemoLoadError(f"municipality {code} not found: run `concilia load_territory` first")
    return found


def _organisation(name: str) -> Organisation:
    found = Organisation.objects.filter(name=name).first()
    if found is None:
        raise DemoLoadError(f"organisation “{name}” not found: the network demo must be loaded first")
    return found


def _vouchers(codes: list[str]) -> list[VoucherScheme]:
    return list(VoucherScheme.objects.filter(code__in=codes))


def _upsert(model: Any, counts: Counter[str], lookup: dict[str, Any], values: dict[str, Any],
            on_create: dict[str, Any] | None = None) -> tuple[Any, bool]:  # fmt: skip
    label = model._meta.model_name
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values, **(on_create or {}))
        obj.full_clean()
        obj.save()
        counts[f"{label}.created"] += 1
        return obj, True
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.full_clean()
        obj.save()
        counts[f"{label}.updated"] += 1
    else:
        counts[f"{label}.unchanged"] += 1
    return obj, False


def _set_m2m(obj: Any, name: str, values: list[Any]) -> None:
    manager = getattr(obj, name)
    if set(manager.values_list("pk", flat=True)) != {v.pk for v in values}:
        manager.set(values)


def load(*, force: bool = False, today: dt.date | None = None, path: Path = DATA_FILE) -> DemoResult:
    raw = path.read_bytes()
    digest = hashlib.sha256(raw + LOADER_VERSION.encode()).hexdigest()
    result = DemoResult()
    if not force and DataLoad.objects.filter(key=DATALOAD_KEY, checksum=digest).exists():
        result.skipped = True
        return result
    data = yaml.safe_load(raw.decode("utf-8"))
    today = today or clock.today()
    days = lambda n: today + dt.timedelta(days=int(n))  # noqa: E731
    counts = result.counts
    with transaction.atomic():
        r = data["registry"]
        network = Network.objects.filter(name=r["network"]).first()
        if network is None:
            raise DemoLoadError(f"network “{r['network']}” not found: the network demo must be loaded first")
        registry, _created = _upsert(
            BabysitterRegistry,
            counts,
            {"name": r["name"]},
            {
                "keeper": _organisation(r["keeper"]),
                "network": network,
                "province": Province.objects.filter(code=r["province"]).first(),
                "validity_days": r["validity_days"],
                "reminder_days": r["reminder_days"],
                "description": r["description"].strip(),
                "source": _source(r["source"]),
                "is_example": True,
            },
        )
        _set_m2m(registry, "voucher_schemes", _vouchers(r.get("vouchers", [])))
        c = data["course"]
        course = Course.objects.filter(registry=registry, title=c["title"]).first()
        course, _created = _upsert(
            Course,
            counts,
            {"registry": registry, "title": c["title"]},
            {"organiser": _organisation(c["organiser"]), "hours": c["hours"], "place": c["place"], "is_example": True},
            on_create={
                "starts_on": days(c["starts_days"]),
                "ends_on": days(c["ends_days"]),
                "exam_on": days(c["exam_days"]),
            },  # fmt: skip
        )
        for b in data["babysitters"]:
            _babysitter(registry, course, b, counts, today, days)
        DataLoad.objects.update_or_create(key=DATALOAD_KEY, defaults={"checksum": digest, "summary": result.summary()})
    return result


def _babysitter(registry: BabysitterRegistry, course: Course, b: dict[str, Any], counts: Counter[str],
                today: dt.date, days: Any) -> None:  # fmt: skip
    on_create: dict[str, Any] = {
        "first_aid_issued_on": days(-300),
        "first_aid_expires_on": days(400),
        "declaration_on": days(-150),
        "status": b["status"],
    }
    if b.get("permit_days"):
        on_create["permit_expires_on"] = days(b["permit_days"])
    if b["status"] in (BabysitterStatus.LISTED, BabysitterStatus.SUSPENDED):
        on_create["listed_on"] = days(b["listed_days"])
        on_create["expires_on"] = days(b["listed_days"]) + dt.timedelta(days=registry.validity_days)
    if b.get("reason"):
        on_create["status_reason"] = b["reason"]
    existing = Babysitter.objects.filter(registry=registry, tax_code=b["tax_code"]).first()
    if existing is None:
        number = Babysitter.objects.filter(reference__startswith="ESEMPIO-").count() + 1
        on_create["reference"] = f"ESEMPIO-{number:03d}"
    obj, created = _upsert(
        Babysitter,
        counts,
        {"registry": registry, "tax_code": b["tax_code"]},
        {
            "first_name": b["first_name"],
            "last_name": b["last_name"],
            "birth_date": b["birth"],
            "email": f"{b['first_name'].lower()}.{b['last_name'].lower()}@example.invalid",
            "residence": _municipality(b["residence"]),
            "eu_citizen": b.get("eu_citizen", True),
            "citizenship": b.get("citizenship", ""),
            "permit_number": b.get("permit_number", ""),
            "course": course,
            "attendance_hours": b["hours"],
            "exam_passed": True,
            "no_criminal_record": True,
            "languages": b["languages"],
            "experience": b["experience"],
            "bio": b["bio"],
            "is_example": True,
        },
        on_create=on_create,
    )
    _set_m2m(obj, "areas", [_municipality(code) for code in b["areas"]])
    _set_m2m(
        obj, "accepted_vouchers", [v for v in _vouchers(b.get("vouchers", [])) if v in registry.voucher_schemes.all()]
    )
    if created:
        for weekday, start, end in parse_weekly_hours(b["slots"]):
            Availability.objects.create(babysitter=obj, weekday=weekday, starts_at=start, ends_at=end)
        now = clock.now()
        BabysitterEvent.objects.create(babysitter=obj, kind=EventKind.SUBMITTED, at=now, note="Esempio")
        if obj.listed_on:
            BabysitterEvent.objects.create(babysitter=obj, kind=EventKind.LISTED, at=now, note="Esempio")
        if obj.status == BabysitterStatus.SUSPENDED:
            BabysitterEvent.objects.create(babysitter=obj, kind=EventKind.SUSPENDED, at=now, note=obj.status_reason)
