"""Load the demo network register from ``network/data/demo.yaml`` (the five seed documents).

The loader is idempotent: every record is found by its natural key and written through
:func:`concilia.core.services.object_save` only when something differs, so a second run creates no
record and no history row. The checksum of the YAML (and of this loader's version) is kept in
:class:`concilia.territory.models.DataLoad` under ``"network.demo"``; an unchanged file is skipped
in milliseconds unless ``force`` is given. Everything happens in one transaction.

Every text users read (descriptions, notes, the commentary in ``source``) is Italian; the quotes in
``source`` are the seeds' own words. Organisations also carry their validity (``valid_from`` /
``valid_to``: closed bodies, such as the ASL replaced in 2016, are never deleted) and the district
they serve (``district``, by territory district code).

Natural keys: organisation by name, network by name, agreement by (network, title), membership by
(network, organisation, joined_on), alliance by name, partnership by (alliance, organisation),
contact by (organisation, name), join request by (alliance, organisation).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import models, transaction
from django.utils import timezone

from concilia.core.services import object_save
from concilia.network.models import (
    Agreement,
    Alliance,
    Contact,
    JoinRequest,
    Membership,
    Network,
    Organisation,
    Partnership,
)
from concilia.network.services import join_request_submit, network_merge
from concilia.territory.models import DataLoad, District, HealthAgency, Municipality, Province

M = TypeVar("M", bound=models.Model)

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.yaml"
DATALOAD_KEY = "network.demo"
# Bump when the loader's behaviour changes, so an unchanged YAML is loaded again.
LOADER_VERSION = "3"
EXAMPLE_PREFIX = "Esempio – "
TERRITORY_HINT = "run `concilia load_territory` first"
# Prefix of the commentary line that follows the quotes in a record's source (users read it).
NOTE_PREFIX = "Nota: "


class DemoLoadError(CommandError):
    """The demo data cannot be loaded; the message names the offending record."""


@dataclass
class LoadResult:
    """What a loader did: skipped (unchanged source) or counts of created/updated/unchanged rows."""

    key: str
    skipped: bool = False
    checksum: str = ""
    counts: Counter[str] = field(default_factory=Counter)

    def summary(self) -> dict[str, int]:
        """Counts as a plain, sorted dict (e.g. ``{"organisation.created": 80, ...}``)."""
        return dict(sorted(self.counts.items()))

    def __str__(self) -> str:
        if self.skipped:
            return f"{self.key}: unchanged, skipped (use --force to reload)"
        created = sum(v for k, v in self.counts.items() if k.endswith(".created"))
        updated = sum(v for k, v in self.counts.items() if k.endswith(".updated"))
        unchanged = sum(v for k, v in self.counts.items() if k.endswith(".unchanged"))
        return f"{self.key}: {created} created, {updated} updated, {unchanged} unchanged"


def checksum(path: Path = DATA_FILE) -> str:
    """SHA-256 of the YAML file and of the loader version."""
    digest = hashlib.sha256(f"loader-version:{LOADER_VERSION}\n".encode())
    digest.update(path.read_bytes())
    return digest.hexdigest()


def load(*, force: bool = False, by: Any = None, path: Path = DATA_FILE) -> LoadResult:
    """Load (or update) the demo network register; skip when the YAML is unchanged unless ``force``."""
    digest = checksum(path)
    result = LoadResult(key=DATALOAD_KEY, checksum=digest)
    if not force and DataLoad.objects.filter(key=DATALOAD_KEY, checksum=digest).exists():
        result.skipped = True
        return result
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    with transaction.atomic():
        _Loader(data=data, by=by, counts=result.counts).run()
        DataLoad.objects.update_or_create(key=DATALOAD_KEY, defaults={"checksum": digest, "summary": result.summary()})
    return result


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------


def render_source(entry: Mapping[str, Any]) -> str:
    """The ``source`` text stored on a record: one line per quoted seed, then the note (in Italian)."""
    lines = []
    for item in entry.get("source") or []:
        quote = " ".join(str(item["quote"]).split())
        lines.append(f"{item['seed']}: «{quote}»")
    if entry.get("note"):
        lines.append(NOTE_PREFIX + " ".join(str(entry["note"]).split()))
    return "\n".join(lines)


def _text(value: Any) -> str:
    """A YAML scalar as stored text: folded, whitespace-normalised, ``""`` for missing."""
    return " ".join(str(value).split()) if value is not None else ""


def _date(value: Any, label: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DemoLoadError(f"{label}: “{value}” is not a date (YYYY-MM-DD).") from exc


@dataclass
class _Loader:
    """One run over the parsed YAML; caches look-ups and counts what it writes."""

    data: Mapping[str, Any]
    by: Any
    counts: Counter[str]
    organisations: dict[str, Organisation] = field(default_factory=dict)
    networks: dict[str, Network] = field(default_factory=dict)
    alliances: dict[str, Alliance] = field(default_factory=dict)
    _municipalities: dict[str, Municipality] = field(default_factory=dict)
    _agencies: dict[str, HealthAgency] = field(default_factory=dict)
    _districts: dict[str, District] = field(default_factory=dict)
    _provinces: dict[str, Province] = field(default_factory=dict)

    def run(self) -> None:
        self._check_territory()
        for entry in self.data.get("organisations") or []:
            self._organisation(entry)
        for entry in self.data.get("contacts") or []:
            self._contact(entry)
        for entry in self.data.get("networks") or []:
            self._network(entry)
        for entry in self.data.get("merges") or []:
            self._merge(entry)
        for entry in self.data.get("alliances") or []:
            self._alliance(entry)
        for entry in self.data.get("join_requests") or []:
            self._join_request(entry)

    # -- territory ---------------------------------------------------------------------------------

    def _check_territory(self) -> None:
        if not Municipality.objects.exists():
            raise DemoLoadError(f"The territory is empty: {TERRITORY_HINT}.")

    def _lookup(self, cache: dict[str, M], model: type[M], field_name: str, code: Any, label: str) -> M:
        code = str(code)
        if code not in cache:
            found = model._default_manager.filter(**{field_name: code}).first()
            if found is None:
                raise DemoLoadError(f"{label}: {model._meta.verbose_name} “{code}” not found — {TERRITORY_HINT}.")
            cache[code] = found
        return cache[code]

    def municipality(self, code: Any, label: str) -> Municipality | None:
        if code in (None, ""):
            return None
        return self._lookup(self._municipalities, Municipality, "istat_code", code, label)

    def agency(self, code: Any, label: str) -> HealthAgency | None:
        if code in (None, ""):
            return None
        return self._lookup(self._agencies, HealthAgency, "code", code, label)

    def district(self, code: Any, label: str) -> District:
        return self._lookup(self._districts, District, "code", code, label)

    def optional_district(self, code: Any, label: str) -> District | None:
        if code in (None, ""):
            return None
        return self.district(code, label)

    def province(self, code: Any, label: str) -> Province:
        return self._lookup(self._provinces, Province, "code", code, label)

    # -- register references ---------------------------------------------------------------------

    def organisation(self, name: Any, label: str) -> Organisation:
        key = str(name)
        if key not in self.organisations:
            found = list(Organisation.objects.filter(name=key)[:2])
            if len(found) != 1:
                problem = "is not defined in the demo data" if not found else "is ambiguous (several with this name)"
                raise DemoLoadError(f"{label}: organisation “{key}” {problem}.")
            self.organisations[key] = found[0]
        return self.organisations[key]

    def network(self, name: Any, label: str) -> Network:
        key = str(name)
        if key not in self.networks:
            try:
                self.networks[key] = Network.objects.get(name=key)
            except Network.DoesNotExist as exc:
                raise DemoLoadError(f"{label}: network “{key}” is not defined in the demo data.") from exc
        return self.networks[key]

    # -- generic upsert ---------------------------------------------------------------------------

    def upsert(
        self,
        model: type[M],
        *,
        label: str,
        lookup: Mapping[str, Any],
        values: Mapping[str, Any],
        m2m: Mapping[str, Iterable[models.Model]] | None = None,
        existing: M | None = None,
        event: tuple[dt.date | None, str] | None = None,
    ) -> M:
        """Create or update one record found by ``lookup``; save only if a value differs.

        ``event`` (day, Italian reason) dates the creation's history entry when it happened (an
        agreement signed, a network founded) instead of the day the demo was loaded.
        """
        name = model._meta.model_name
        instance = existing
        if instance is None:
            found = list(model._default_manager.filter(**lookup)[:2])
            if len(found) > 1:
                raise DemoLoadError(f"{label}: several {model._meta.verbose_name_plural} match {dict(lookup)}.")
            instance = found[0] if found else None
        wanted_m2m = {key: {obj.pk for obj in objs} for key, objs in (m2m or {}).items()}
        if instance is None:
            instance = model(**lookup, **values)
            changed_m2m = {k: v for k, v in wanted_m2m.items() if v}
            outcome = "created"
        else:
            changed = {key: value for key, value in values.items() if getattr(instance, key) != value}
            changed_m2m = {
                key: pks
                for key, pks in wanted_m2m.items()
                if set(getattr(instance, key).values_list("pk", flat=True)) != pks
            }
            if not changed and not changed_m2m:
                self.counts[f"{name}.unchanged"] += 1
                return instance
            for key, value in changed.items():
                setattr(instance, key, value)
            outcome = "updated"
        try:
            object_save(instance=instance, by=self.by, m2m=changed_m2m, reason="Demo data")
        except ValidationError as exc:
            raise DemoLoadError(f"{label}: {_messages(exc)}") from exc
        if outcome == "created" and event is not None and event[0] is not None:
            date_history(instance, on=event[0], reason=event[1])
        self.counts[f"{name}.{outcome}"] += 1
        return instance

    # -- records ------------------------------------------------------------------------------------

    def _organisation(self, entry: Mapping[str, Any]) -> None:
        name = str(entry["name"])
        label = f"organisations “{name}”"
        is_example = bool(entry.get("is_example", False))
        if is_example != name.startswith(EXAMPLE_PREFIX):
            raise DemoLoadError(
                f"{label}: example records (is_example: true) and only they must be named “{EXAMPLE_PREFIX}…”."
            )
        if is_example and (entry.get("tax_code") or entry.get("vat_number")):
            raise DemoLoadError(f"{label}: an example organisation must not carry a tax code or VAT number.")
        parent = self.organisation(entry["parent"], label) if entry.get("parent") else None
        municipality = self.municipality(entry.get("municipality"), label)
        governs = self.municipality(entry.get("represents_municipality"), label)
        agency = self.agency(entry.get("health_agency"), label)
        district = self.optional_district(entry.get("district"), label)
        values = {
            "short_name": _text(entry.get("short_name")),
            "kind": entry["kind"],
            "parent_id": parent.pk if parent else None,
            "tax_code": _text(entry.get("tax_code")),
            "vat_number": _text(entry.get("vat_number")),
            "employees": entry.get("employees"),
            "turnover_cents": entry.get("turnover_cents"),
            "balance_sheet_cents": entry.get("balance_sheet_cents"),
            "size_class": _text(entry.get("size_class")),
            "address": _text(entry.get("address")),
            "postal_code": _text(entry.get("postal_code")),
            "municipality_id": municipality.pk if municipality else None,
            "represents_municipality_id": governs.pk if governs else None,
            "health_agency_id": agency.pk if agency else None,
            "district_id": district.pk if district else None,
            "valid_from": _date(entry.get("valid_from"), label),
            "valid_to": _date(entry.get("valid_to"), label),
            "email": _text(entry.get("email")),
            "pec": _text(entry.get("pec")),
            "phone": _text(entry.get("phone")),
            "website": _text(entry.get("website")),
            "description": _text(entry.get("description")),
            "is_public": bool(entry.get("is_public", True)),
            "is_example": is_example,
            "source": render_source(entry),
        }
        if name in self.organisations:
            raise DemoLoadError(f"{label}: defined twice in the demo data.")
        self.organisations[name] = self.upsert(Organisation, label=label, lookup={"name": name}, values=values)

    def _contact(self, entry: Mapping[str, Any]) -> None:
        label = f"contacts “{entry['name']}” of “{entry['organisation']}”"
        organisation = self.organisation(entry["organisation"], label)
        self.upsert(
            Contact,
            label=label,
            lookup={"organisation": organisation, "name": str(entry["name"])},
            values={
                "role": _text(entry.get("role")),
                "email": _text(entry.get("email")),
                "phone": _text(entry.get("phone")),
                "address": _text(entry.get("address")),
                "is_public": bool(entry.get("is_public", True)),
                "source": render_source(entry),
            },
        )

    def _network(self, entry: Mapping[str, Any]) -> None:
        name = str(entry["name"])
        label = f"networks “{name}”"
        coordinator = self.organisation(entry["coordinator"], label)
        co_coordinator = self.organisation(entry["co_coordinator"], label) if entry.get("co_coordinator") else None
        agency = self.agency(entry.get("agency"), label)
        network = self.upsert(
            Network,
            label=label,
            lookup={"name": name},
            values={
                "coordinator_id": coordinator.pk,
                "co_coordinator_id": co_coordinator.pk if co_coordinator else None,
                "agency_id": agency.pk if agency else None,
                "founded_on": _date(entry.get("founded_on"), label),
                **({"ended_on": _date(entry["ended_on"], label)} if "ended_on" in entry else {}),
                "description": _text(entry.get("description")),
                "website": _text(entry.get("website")),
                "source": render_source(entry),
            },
            m2m={
                "provinces": [self.province(code, label) for code in entry.get("provinces") or []],
                "districts": [self.district(code, label) for code in entry.get("districts") or []],
            },
            event=(_date(entry.get("founded_on"), label), "Costituzione della rete"),
        )
        self.networks[name] = network
        agreements: dict[str, Agreement] = {}
        for item in entry.get("agreements") or []:
            title = str(item["title"])
            item_label = f"{label} › agreements “{title}”"
            signed_on = _date(item.get("signed_on"), item_label)
            agreements[title] = self.upsert(
                Agreement,
                label=item_label,
                lookup={"network": network, "title": title},
                values={
                    "kind": item.get("kind", "founding"),
                    "signed_on": signed_on,
                    "signed_year": item.get("signed_year") or (signed_on.year if signed_on else None),
                    "notes": _text(item.get("notes")),
                    "source": render_source(item),
                },
                m2m={"signatories": [self.organisation(o, item_label) for o in item.get("signatories") or []]},
                event=_signature(title, signed_on, item.get("signed_year")),
            )
        for item in entry.get("memberships") or []:
            organisation = self.organisation(item["organisation"], label)
            item_label = f"{label} › memberships “{organisation.name}”"
            agreement = None
            if item.get("agreement"):
                title = str(item["agreement"])
                if title not in agreements:
                    raise DemoLoadError(f"{item_label}: agreement “{title}” is not defined for this network.")
                agreement = agreements[title]
            values: dict[str, Any] = {
                "role": item.get("role", "member"),
                "agreement_id": agreement.pk if agreement else None,
                "notes": render_source(item),
            }
            # left_on is written only when the YAML says so: merges close memberships themselves.
            if "left_on" in item:
                values["left_on"] = _date(item["left_on"], item_label)
            self.upsert(
                Membership,
                label=item_label,
                lookup={
                    "network": network,
                    "organisation": organisation,
                    "joined_on": _date(item.get("joined_on"), item_label),
                },
                values=values,
                event=(_date(item.get("joined_on"), item_label), f"Adesione alla rete «{name}»"),
            )

    def _merge(self, entry: Mapping[str, Any]) -> None:
        label = f"merges “{entry['network']}” → “{entry['into']}”"
        network = self.network(entry["network"], label)
        into = self.network(entry["into"], label)
        on = _date(entry.get("merged_on"), label)
        if on is None:
            raise DemoLoadError(f"{label}: the date of the merge (merged_on) is missing.")
        network.refresh_from_db()
        if network.merged_into_id == into.pk:
            self.counts["merge.unchanged"] += 1
            return
        if network.merged_into_id:
            raise DemoLoadError(f"{label}: the network is already merged into another network.")
        try:
            carried = network_merge(network=network, into=into, on=on, by=self.by)
        except ValidationError as exc:
            raise DemoLoadError(f"{label}: {_messages(exc)}") from exc
        when = on.strftime("%d/%m/%Y")
        date_history(network, on=on, reason=f"Fusione nella rete «{into.name}» il {when}")
        for membership in carried:
            date_history(membership, on=on, reason=f"Adesione trasferita dalla rete «{network.name}» ({when})")
        # The receiving network's own history records the merger too (a save with nothing changed).
        object_save(instance=into, by=self.by)
        date_history(into, on=on, reason=f"Fusione: vi confluisce la rete «{network.name}» il {when}")
        self.counts["merge.applied"] += 1
        self.counts["membership.carried_over"] += len(carried)

    def _alliance(self, entry: Mapping[str, Any]) -> None:
        name = str(entry["name"])
        label = f"alliances “{name}”"
        lead = self.organisation(entry["lead"], label)
        network = self.network(entry["network"], label) if entry.get("network") else None
        alliance = self.upsert(
            Alliance,
            label=label,
            lookup={"name": name},
            values={
                "network_id": network.pk if network else None,
                "lead_id": lead.pk,
                "formed_on": _date(entry.get("formed_on"), label),
                "ended_on": _date(entry.get("ended_on"), label),
                "open_to_new_partners": bool(entry.get("open_to_new_partners", True)),
                "declared_partner_count": entry.get("declared_partner_count"),
                "description": _text(entry.get("description")),
                "source": render_source(entry),
            },
            m2m={"districts": [self.district(code, label) for code in entry.get("districts") or []]},
        )
        self.alliances[name] = alliance
        for item in entry.get("partners") or []:
            organisation = self.organisation(item["organisation"], label)
            item_label = f"{label} › partners “{organisation.name}”"
            existing = (
                Partnership.objects.filter(alliance=alliance, organisation=organisation)
                .order_by(models.F("left_on").desc(nulls_first=True), "-pk")
                .first()
            )
            self.upsert(
                Partnership,
                label=item_label,
                lookup={"alliance": alliance, "organisation": organisation},
                values={
                    "role": item.get("role", "partner"),
                    "joined_on": _date(item.get("joined_on"), item_label),
                    "left_on": _date(item.get("left_on"), item_label),
                    "notes": render_source(item),
                },
                existing=existing,
            )

    def _join_request(self, entry: Mapping[str, Any]) -> None:
        label = f"join_requests “{entry['organisation']}” → “{entry['alliance']}”"
        alliance = self.alliances.get(str(entry["alliance"])) or Alliance.objects.filter(name=entry["alliance"]).first()
        if alliance is None:
            raise DemoLoadError(f"{label}: alliance “{entry['alliance']}” is not defined in the demo data.")
        organisation = self.organisation(entry["organisation"], label)
        # Any request, whatever its status: a demo user may have decided it, and that decision stays.
        if JoinRequest.objects.filter(alliance=alliance, organisation=organisation).exists():
            self.counts["joinrequest.unchanged"] += 1
            return
        try:
            join_request_submit(
                alliance=alliance, organisation=organisation, message=_text(entry.get("message")), by=self.by
            )
        except ValidationError as exc:
            raise DemoLoadError(f"{label}: {_messages(exc)}") from exc
        self.counts["joinrequest.created"] += 1


def _signature(title: str, signed_on: dt.date | None, year: Any) -> tuple[dt.date | None, str]:
    """The history event of an agreement: its day, or the 1st January of its year when only that is known."""
    if signed_on is not None:
        return signed_on, f"Sottoscrizione dell'accordo «{title}» il {signed_on:%d/%m/%Y}"
    if year:
        return dt.date(int(year), 1, 1), f"Sottoscrizione dell'accordo «{title}» nel {int(year)} (giorno non indicato)"
    return None, ""


def date_history(instance: models.Model, *, on: dt.date, reason: str) -> None:
    """Date ``instance``'s latest history entry on the day the event happened, with its reason."""
    entry = instance.history.order_by("-history_id").first()  # type: ignore[attr-defined]
    if entry is None:
        return
    entry.history_date = timezone.make_aware(dt.datetime.combine(on, dt.time(9, 0)))
    entry.history_change_reason = reason
    entry.save(update_fields=["history_date", "history_change_reason"])


def _messages(exc: ValidationError) -> str:
    """A validation error as one readable line."""
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{key}: {' '.join(str(m) for m in msgs)}" for key, msgs in exc.message_dict.items())
    return " ".join(str(m) for m in exc.messages)
