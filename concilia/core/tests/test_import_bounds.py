"""Imports within bounds (issue 13): a zip bomb, a huge CSV or a too-wide sheet is refused early, with the reason."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from concilia.network.models import Organisation

pytestmark = pytest.mark.django_db

URL = "/rete/organizzazioni/importa/"
HEADER = ["name", "kind", "email", "tax_code"]


@pytest.fixture
def coordinator(world: Any) -> Client:
    client = Client()
    client.force_login(world.coordinator)
    return client


def rows(n: int) -> list[list[str]]:
    return [[f"Associazione {i}", "association", f"info{i}@example.org", ""] for i in range(n)]


def csv_upload(data: list[list[str]], header: list[str] = HEADER) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(data)
    return SimpleUploadedFile("organizzazioni.csv", out.getvalue().encode(), content_type="text/csv")


def xlsx_bytes(data: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def zip_bomb() -> bytes:
    """A valid XLSX with one more member: 200 MB of zeros, a few hundred KB once compressed."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows(1))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        with bomb.open("xl/media/padding.bin", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _mb in range(200):
                member.write(block)
    return out.getvalue()


def errors_of(response: Any) -> str:
    return " ".join(str(e) for e in response.context["form"].errors["file"])


def test_the_form_states_its_bounds(coordinator: Client) -> None:
    page = coordinator.get(URL).content.decode()
    assert "5 MB" in page and "2000" in page


def test_a_zip_bomb_spreadsheet_is_refused_from_its_table_of_contents(coordinator: Client) -> None:
    content = zip_bomb()
    assert len(content) < 1024 * 1024  # passes the upload limit by far
    response = coordinator.post(URL, {"file": SimpleUploadedFile("organizzazioni.xlsx", content)})
    assert response.status_code == 400
    assert "50 MB" in errors_of(response)
    assert not Organisation.objects.filter(name__startswith="Associazione").exists()


def test_a_hundred_thousand_row_csv_is_refused_before_any_row_is_read_into_records(coordinator: Client) -> None:
    short = [[f"A{i}", "association", "", ""] for i in range(100_000)]
    upload = csv_upload(short)
    assert upload.size < 5 * 1024 * 1024
    response = coordinator.post(URL, {"file": upload})
    assert response.status_code == 400
    assert "2000" in errors_of(response)
    assert not Organisation.objects.filter(name__startswith="A1").exists()


@override_settings(CONCILIA_IMPORT_MAX_ROWS=3)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_row_bound_is_exact(coordinator: Client, kind: str) -> None:
    def upload(n: int) -> SimpleUploadedFile:
        if kind == "csv":
            return csv_upload(rows(n))
        return SimpleUploadedFile("organizzazioni.xlsx", xlsx_bytes(rows(n)))

    refused = coordinator.post(URL, {"file": upload(4)})
    assert refused.status_code == 400
    assert "3" in errors_of(refused)
    assert not Organisation.objects.filter(name__startswith="Associazione").exists()
    accepted = coordinator.post(URL, {"file": upload(3)})
    assert accepted.status_code == 302, accepted.context.get("errors") or accepted.context["form"].errors
    assert Organisation.objects.filter(name__startswith="Associazione").count() == 3


def test_a_sheet_too_wide_is_refused(coordinator: Client) -> None:
    header = HEADER + [f"extra{i}" for i in range(200)]
    response = coordinator.post(
        URL, {"file": csv_upload([["a", "association", "a@example.org", ""] + ["x"] * 200], header)}
    )
    assert response.status_code == 400
    assert "100" in errors_of(response)
