"""Load the demo help desks from ``helpdesk/data/demo.yaml``: example desks, hours and anonymous cases.

Runs after the network demo (it finds the organisations and the network by name) and works as the
network loader does (its ``upsert``): idempotent, every record found by its natural key (a desk by
name, hours by desk/day/time, a case by its desk and description, which starts with the example's key) and
saved only when a value differs. The YAML's checksum is kept in
:class:`~concilia.territory.models.DataLoad` under ``"helpdesk.demo"``; an unchanged file is skipped
unless ``force``. Every desk is an example (the seed names none): see the YAML's header.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from concilia.core import clock
from concilia.helpdesk.models import Case, Desk, DeskClosure, DeskHours, Referral
from concilia.network.demo import DemoLoadError, LoadResult, _Loader
from concilia.services.hours import parse_weekly_hours
from concilia.territory.models import DataLoad

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.yaml"
DATALOAD_KEY = "helpdesk.demo"
LOADER_VERSION = "2"


def checksum(path: Path = DATA_FILE) -> str:
    digest = hashlib.sha256(f"loader-version:{LOADER_VERSION}\n".encode())
    digest.update(path.read_bytes())
    return digest.hexdigest()


def load(*, force: bool = False, by: Any = None, path: Path = DATA_FILE, today: dt.date | None = None) -> LoadResult:
    """Load (or update) the demo desks; skip when the YAML is unchanged unless ``force``."""
    digest = checksum(path)
    result = LoadResult(key=DATALOAD_KEY, checksum=digest)
    if not force and DataLoad.objects.filter(key=DATALOAD_KEY, checksum=digest).exists():
        result.skipped = True
        return result
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    with transaction.atomic():
        _HelpdeskLoader(data=data, by=by, counts=result.counts).load_all(today or clock.today())
        DataLoad.objects.update_or_create(key=DATALOAD_KEY, defaults={"checksum": digest, "summary": result.summary()})
    return result


class _HelpdeskLoader(_Loader):
    def load_all(self, today: dt.date) -> None:
        self._check_territory()
        network = self.network(self.data["network"], "network")
        desks: dict[str, Desk] = {}
        for entry in self.data.get("desks") or []:
            label = f"desk “{entry['name']}”"
            desk = self.upsert(
                Desk,
                label=label,
                lookup={"name": entry["name"]},
                values={
                    "organisation": self.organisation(entry["organisation"], label),
                    "network": network,
                    "municipality": self.municipality(entry["municipality"], label),
                    "address": entry["address"],
                    "postal_code": str(entry.get("postal_code", "")),
                    "latitude": entry.get("latitude"),
                    "longitude": entry.get("longitude"),
                    "phone": entry.get("phone", ""),
                    "email": entry.get("email", ""),
                    "description": entry.get("description", ""),
                    "services": list(entry.get("services") or []),
                    "slot_minutes": entry.get("slot_minutes", 30),
                    "weeks_ahead": entry.get("weeks_ahead", 4),
                    "capacity_per_slot": entry.get("capacity_per_slot", 1),
                    "is_published": True,
                    "is_example": True,
                },
            )
            desks[desk.name] = desk
            for key, appointments in (("opening_hours", False), ("appointment_hours", True)):
                for weekday, opens, closes in parse_weekly_hours(entry.get(key) or ""):
                    self.upsert(
                        DeskHours,
                        label=f"{label}, {key}",
                        lookup={
                            "desk": desk,
                            "weekday": weekday,
                            "opens": opens,
                            "closes": closes,
                            "appointments": appointments,
                        },
                        values={},
                    )
            for holiday in entry.get("local_holidays") or []:
                month, day = (int(x) for x in str(holiday["date"]).split("-"))
                on = dt.date(2000, month, day)  # a leap year: the year of a yearly closure is not used
                self.upsert(
                    DeskClosure,
                    label=f"{label}, local holiday {holiday['date']}",
                    lookup={"desk": desk, "start": on, "every_year": True},
                    values={"end": on, "reason": holiday["reason"], "source": " ".join(holiday["source"].split())},
                )
        for entry in self.data.get("cases") or []:
            label = f"case “{entry['key']}”"
            found = desks.get(entry["desk"])
            if found is None:
                raise DemoLoadError(f"{label}: desk “{entry['desk']}” is not in the demo data.")
            desk = found
            opened = today - dt.timedelta(days=int(entry["days_ago"]))
            follow = opened + dt.timedelta(days=int(entry["follow_up_days"])) if entry.get("follow_up_days") else None
            marker = f"[{entry['key']}]"
            case = self.upsert(
                Case,
                label=label,
                lookup={"desk": desk, "description": f"{marker} {entry['description']}"},
                values={
                    "opened_on": opened,
                    "channel": entry["channel"],
                    "anonymous": True,
                    "needs": list(entry["needs"]),
                    "outcome": entry.get("outcome", ""),
                    "status": entry.get("status", "open"),
                    "follow_up_on": follow,
                },
            )
            if entry.get("referral_other") or entry.get("referral_desk"):
                target: dict[str, Any] = (
                    {"to_desk": desks[entry["referral_desk"]], "other": ""}
                    if entry.get("referral_desk")
                    else {"to_desk": None, "other": entry["referral_other"]}
                )
                self.upsert(
                    Referral,
                    label=f"{label}, referral",
                    lookup={"case": case},
                    values={**target, "note": "Esempio."},
                )
