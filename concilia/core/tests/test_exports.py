"""No exported cell can be a spreadsheet formula (CSV injection, issue 13)."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
import tablib
from django.test import Client

from concilia.core.exports import dataset_response, neutralise
from concilia.core.testing import factories as f

DANGEROUS = ["=1+1", "+39 0372", "-2+3", "@SUM(A1)", "\t=cmd|' /C calc'!A0", "\r=1", '  =HYPERLINK("x")']


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_a_spreadsheet_would_run_gets_a_quote(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Comune di Cremona", "a=b", "info@example.org", "", 42, -5, 3.5, None])
def test_other_values_are_unchanged(value: Any) -> None:
    assert neutralise(value) == value


def test_a_dataset_response_is_safe_in_csv_and_xlsx() -> None:
    data = tablib.Dataset(["=1+1", "@x", 7], headers=["=titolo", "b", "n"])
    rows = list(csv.reader(io.StringIO(dataset_response(data, "csv", "x.csv").content.decode())))
    assert rows == [["'=titolo", "b", "n"], ["'=1+1", "'@x", "7"]]
    sheet = openpyxl.load_workbook(io.BytesIO(dataset_response(data, "xlsx", "x.xlsx").content)).active
    assert [c.value for c in sheet[2]] == ["'=1+1", "'@x", 7]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # no formula cell


@pytest.mark.django_db
def test_a_register_export_neutralises_formulas(world: Any) -> None:
    # given an organisation whose name was typed by somebody as a formula
    f.OrganisationFactory(name='=HYPERLINK("http://attacco.example","Clicca")', is_public=True)
    client = Client()
    client.force_login(world.admin)
    body = client.get("/rete/organizzazioni/", {"_export": "csv"}).content.decode()
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body
    xlsx = client.get("/rete/organizzazioni/", {"_export": "xlsx"}).content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert '\'=HYPERLINK("http://attacco.example","Clicca")' in values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
