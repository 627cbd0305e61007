"""CSV/XLSX import of organisations: all-or-nothing with a row-by-row error report."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from concilia.core.testing import factories as f
from concilia.network.models import Organisation

pytestmark = pytest.mark.django_db

HEADER = ["name", "kind", "tax_code", "vat_number", "employees", "municipality", "email"]


def csv_file(rows: list[list[Any]], name: str = "organizzazioni.csv", delimiter: str = ",") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list[Any]]) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("organizzazioni.xlsx", buf.getvalue())


@pytest.fixture
def coordinator(world: Any) -> Client:
    client = Client()
    client.force_login(world.coordinator)
    return client


def test_valid_csv_imports_every_row(coordinator: Client) -> None:
    town = f.MunicipalityFactory(istat_code="019036", name="Cremona")
    response = coordinator.post(
        "/rete/organizzazioni/importa/",
        {"file": csv_file([
            ["Impresa Uno Srl", "company", "", "00732210968", "8", "019036", "info@uno.example"],
            ["Cooperativa Due", "Cooperativa sociale", "", "", "40", "Cremona", ""],
        ], delimiter=";")},
    )  # fmt: skip
    assert response.status_code == 302
    one = Organisation.objects.get(name="Impresa Uno Srl")
    assert one.municipality == town and one.size_class == "micro" and one.vat_number == "00732210968"
    assert Organisation.objects.get(name="Cooperativa Due").kind == "social_cooperative"


def test_one_bad_row_imports_nothing_and_reports_every_error(coordinator: Client) -> None:
    f.MunicipalityFactory(istat_code="019036", name="Cremona")
    before = Organisation.objects.count()
    response = coordinator.post(
        "/rete/organizzazioni/importa/",
        {"file": xlsx_file([
            ["Buona Srl", "company", "", "", "3", "019036", ""],
            ["Cattiva Srl", "company", "02253930157", "", "3", "999999", "non-una-mail"],
            ["", "astronave", "", "", "", "", ""],
        ])},
    )  # fmt: skip
    assert response.status_code == 400
    assert Organisation.objects.count() == before  # all or nothing
    report = coordinator.get("/rete/organizzazioni/importa/?report=1")
    assert report.status_code == 200 and report["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8"))))
    by_row: dict[str, list[str]] = {}
    for row, column, message in rows[1:]:
        by_row.setdefault(row, []).append(f"{column}: {message}")
    # file line 3 is the second data row: bad tax code, unknown municipality, bad e-mail
    assert len(by_row["3"]) >= 2, by_row
    assert any("999999" in m for m in by_row["3"]), by_row
    assert "4" in by_row, by_row  # missing name and unknown kind
    assert "2" not in by_row  # the good row has no error


def test_file_that_is_not_a_table_is_refused(coordinator: Client) -> None:
    bad = SimpleUploadedFile("dati.pdf", b"%PDF-1.4 nothing", content_type="application/pdf")
    response = coordinator.post("/rete/organizzazioni/importa/", {"file": bad})
    assert response.status_code == 400
    missing = coordinator.post(
        "/rete/organizzazioni/importa/",
        {"file": SimpleUploadedFile("x.csv", b"nome,tipo\nA,company\n", content_type="text/csv")},
    )
    assert missing.status_code == 400


def test_import_requires_permission(world: Any) -> None:
    provider = Client()
    provider.force_login(world.provider)
    assert provider.get("/rete/organizzazioni/importa/").status_code == 403
    anonymous = Client().get("/rete/organizzazioni/importa/")
    assert anonymous.status_code == 302
