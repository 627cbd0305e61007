"""CSV/XLSX import of services by a provider: hours column, all-or-nothing, own organisation only."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from concilia.core.testing import factories as f
from concilia.services.models import Service

pytestmark = pytest.mark.django_db
URL = "/catalogo/servizi/importa/"
HEADER = [
    "name",
    "kind",
    "provider",
    "municipality",
    "address",
    "min_age_months",
    "max_age_months",
    "hours",
    "external_code",
]


def csv_file(rows: list[list[Any]]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile("servizi.csv", out.getvalue().encode("utf-8"), content_type="text/csv")


@pytest.fixture
def provider(world: Any) -> Client:
    client = Client()
    client.force_login(world.provider)
    return client


def test_provider_imports_services_with_hours(world: Any, provider: Client) -> None:
    f.MunicipalityFactory(istat_code="015209", name="Sesto San Giovanni")
    org = world.provider_org.name
    response = provider.post(
        URL,
        {"file": csv_file([
            ["Pre-scuola Rondinella", "pre_scuola", org, "015209", "Via Roma 1", "60", "132", "lun-ven 07:30-08:30", "PS-1"],
            ["Centro estivo", "Centro estivo", org, "Sesto San Giovanni", "", "", "", "lun-ven 08:00-17:00; sab 08:00-12:00", ""],
        ])},
    )  # fmt: skip
    assert response.status_code == 302, response.content[:500]
    pre = Service.objects.get(external_code="PS-1")
    assert pre.provider == world.provider_org and pre.min_age_months == 60
    assert [(h.weekday, f"{h.opens:%H:%M}", f"{h.closes:%H:%M}") for h in pre.opening_hours.all()] == [
        (d, "07:30", "08:30") for d in range(5)
    ]
    camp = Service.objects.get(name="Centro estivo")
    assert camp.kind == "centro_estivo" and camp.opening_hours.count() == 6
    assert (camp.min_age_months, camp.max_age_months) == (36, 168)  # the kind's usual ages
    # a second import of the same code updates the hours instead of adding a service
    provider.post(
        URL,
        {
            "file": csv_file(
                [["Pre-scuola Rondinella", "pre_scuola", org, "015209", "", "", "", "lun-ven 07:00-08:30", "PS-1"]]
            )
        },
    )
    pre.refresh_from_db()
    assert Service.objects.filter(external_code="PS-1").count() == 1
    assert {f"{h.opens:%H:%M}" for h in pre.opening_hours.all()} == {"07:00"}


def test_bad_rows_import_nothing_and_other_providers_are_refused(world: Any, provider: Client) -> None:
    f.MunicipalityFactory(istat_code="015209", name="Sesto San Giovanni")
    before = Service.objects.count()
    response = provider.post(
        URL,
        {"file": csv_file([
            ["Buono", "nido", world.provider_org.name, "015209", "", "", "", "lun-ven 07:30-18:00", ""],
            ["Orari sbagliati", "nido", world.provider_org.name, "015209", "", "", "", "lun 18:00-07:00", ""],
            ["Di un altro", "nido", world.lead_org.name, "015209", "", "", "", "", ""],
        ])},
    )  # fmt: skip
    assert response.status_code == 400
    assert Service.objects.count() == before
    report = provider.get(URL + "?report=1")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8"))))
    by_row = {r[0]: r for r in rows[1:]}
    assert "3" in by_row and "hours" in by_row["3"][1] and "4" in by_row and "2" not in by_row
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302


def test_provider_sets_languages_and_hours_show_on_the_page(world: Any, provider: Client) -> None:
    from concilia.services.tests.factories import ServiceFactory

    town = f.MunicipalityFactory(istat_code="015209", name="Sesto San Giovanni", latitude=45.53, longitude=9.23)
    service = ServiceFactory(provider=world.provider_org, municipality=town, name="Nido Girotondo")
    edit = provider.get(f"/catalogo/servizi/{service.pk}/modifica/")
    assert edit.status_code == 200 and 'value="lis"' in edit.content.decode()
    form = {k: v for k, v in edit.context["form"].initial.items() if v is not None and k != "accepted_vouchers"}
    form.update({"provider": world.provider_org.pk, "municipality": town.pk, "languages": ["it", "ar"]})
    form = {k: (v.pk if hasattr(v, "pk") else v) for k, v in form.items()}
    response = provider.post(f"/catalogo/servizi/{service.pk}/modifica/", form)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    service.refresh_from_db()
    assert service.languages == ["it", "ar"]
    page = Client().get(f"/catalogo/servizi/{service.pk}/").content.decode()
    assert "Orario settimanale" in page
