"""Public catalogue pages as a citizen expects them: the search's population, no internal material."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from concilia.core.display import field_value
from concilia.core.registry import detail_url
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


INTERNAL = [
    (re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt"), "a source file's id"),
    (re.compile(r"demo\.yaml"), "a data file's name"),
    (re.compile(r"not retrieved|NOT verified|not checked|not confirmed|left null", re.I), "an English research note"),
    (
        re.compile(r"Latitudine|Longitudine|Precisione della posizione|Codice esterno|Dato di esempio"),
        "an internal field",
    ),
    (re.compile(r"<dt[^>]*>\s*Pubblicato\s*</dt>"), "the publishing flag"),
]


def _internal_material(html: str) -> list[str]:
    return [f"{what}: {m.group(0)!r}" for rx, what in INTERNAL for m in [rx.search(html)] if m]


@pytest.fixture
def demo_catalogue() -> None:
    from django.core.management import call_command

    from concilia.network import demo as network_demo
    from concilia.services import demo as services_demo

    call_command("load_territory", stdout=io.StringIO())
    network_demo.load()
    services_demo.load()


def test_public_pages_show_no_internal_material_and_staff_still_see_it(demo_catalogue: None, client: Client) -> None:
    from concilia.territory.models import District, HealthAgency

    agencies, districts = list(HealthAgency.objects.all()), list(District.objects.all())
    services = list(models.Service.objects.published())
    assert len(agencies) >= 50 and len(districts) >= 8 and services
    found: dict[str, list[str]] = {}
    with translation.override("it"):
        for obj in [*agencies, *districts, *services]:
            url = detail_url(obj)
            page = client.get(url, HTTP_ACCEPT_LANGUAGE="it")
            assert page.status_code == 200, url
            if bad := _internal_material(page.content.decode()):
                found[url] = bad
    assert not found, found
    # the sources are still cited, as links
    district = next(d for d in districts if "https://" in d.source)
    assert 'rel="noopener">' in client.get(detail_url(district)).content.decode()
    # staff still see the internal fields, the seed documents cited by title (never by file name); the
    # English research notes of the territory stay in the admin and the API, out of the Italian pages
    admin = f.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    html = client.get(detail_url(services[0])).content.decode()
    assert "Latitudine" in html and "/fonti-e-crediti/#fonte-000" in html and ".txt" not in html
    assert not any(
        _internal_material(client.get(detail_url(obj)).content.decode()) for obj in [agencies[1], *districts]
    )
    assert 'rel="noopener">' in client.get(detail_url(district)).content.decode()


def test_unknown_is_not_indicated_not_no(client: Client) -> None:
    town = f.MunicipalityFactory(name="Comune di prova", latitude=45.4642, longitude=9.19)
    unknown = sf.ServiceFactory(name="Sconosciuto", kind="nido", municipality=town, step_free=None)
    known = sf.ServiceFactory(name="Senza gradini", kind="nido", municipality=town, step_free=False)
    with translation.override("it"):
        field = models.Service._meta.get_field("step_free")
        assert field_value(unknown, field) == "non indicato"
        assert field_value(known, field) == "No"
        html = client.get(detail_url(unknown), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert re.search(r"senza barriere architettoniche</dt>\s*<dd[^>]*>\s*non indicato", html, re.I), html[-3000:]
