"""Public catalogue pages as a citizen expects them: the search's population, no internal material."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from concilia.core.testing import factories as f
from concilia.services import models, selectors
from concilia.services.tests import factories as sf

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 12, 1)


def _service(town: Any, name: str, kind: str) -> models.Service:
    return sf.ServiceFactory(name=name, kind=kind, municipality=town, latitude=45.4642, longitude=9.19)


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (dt.date(2025, 10, 1), {"Nido Milano", "Ludoteca Milano"}),  # 14 months: no elderly services
        (dt.date(1946, 5, 1), {"Centro diurno anziani", "Assistenza a casa"}),  # 80 years: no nurseries
    ],
)
def test_an_age_limits_the_search_to_its_population(birth: dt.date, expected: set[str]) -> None:
    town = f.MunicipalityFactory(name="Milano di prova", latitude=45.4642, longitude=9.19)
    _service(town, "Centro diurno anziani", "centro_diurno_anziani")
    _service(town, "Assistenza a casa", "assistenza_domiciliare")
    _service(town, "Nido Milano", "nido")
    _service(town, "Ludoteca Milano", "ludoteca")
    c = selectors.SearchCriteria(municipality=town, needed_on=ON, radius_km=10, birth_date=birth)
    assert {h.service.name for h in selectors.search_services(c).hits} == expected
    assert {s.name for s in selectors.filtered_services(c)} == expected  # the SQL reference agrees
    # without an age both populations are found
    everyone = selectors.SearchCriteria(municipality=town, needed_on=ON, radius_km=10)
    assert selectors.search_services(everyone).total == 4
