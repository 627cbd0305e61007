"""What the public sees: only public organisations, the same rows on pages, API and exports."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from concilia.core.testing import factories as f
from concilia.core.testing.battery import sent_to_login
from concilia.network.models import Agreement

pytestmark = pytest.mark.django_db


def test_private_organisation_is_hidden_from_the_public_everywhere(world: Any) -> None:
    hidden = f.OrganisationFactory(name="Impresa Riservata", is_public=False, kind="company")
    f.ContactFactory(organisation=hidden, name="Referente Riservato")
    anonymous = Client()
    assert "Impresa Riservata" not in anonymous.get("/rete/organizzazioni/").content.decode()
    assert "Impresa Riservata" not in anonymous.get("/rete/organizzazioni/?_export=csv").content.decode()
    assert sent_to_login(anonymous.get(f"/rete/organizzazioni/{hidden.pk}/"))  # the page: log in first
    assert anonymous.get(f"/api/network/organisations/{hidden.pk}/").status_code == 404
    assert "Referente Riservato" not in anonymous.get("/api/network/contacts/").content.decode()
    coordinator = Client()
    coordinator.force_login(world.coordinator)
    assert coordinator.get(f"/rete/organizzazioni/{hidden.pk}/").status_code == 200


def test_filters_give_the_same_rows_on_page_api_and_export(world: Any) -> None:
    for n in range(3):
        f.CompanyFactory(name=f"Impresa Filtro {n}", size_class="micro")
    f.CompanyFactory(name="Impresa Grande", size_class="large", employees=400)
    client = Client()
    query = {"kind": "company", "size_class": "micro", "q": "Filtro"}
    api = client.get("/api/network/organisations/", query).json()
    exported = list(
        csv.DictReader(io.StringIO(client.get("/rete/organizzazioni/", {**query, "_export": "csv"}).content.decode()))
    )
    page = client.get("/rete/organizzazioni/", query).content.decode()
    names = sorted(r["name"] for r in api["results"])
    assert names == ["Impresa Filtro 0", "Impresa Filtro 1", "Impresa Filtro 2"]
    assert sorted(row[next(iter(row))] for row in exported) == names
    assert all(name in page for name in names) and "Impresa Grande" not in page


def test_agreement_document_must_be_a_pdf(world: Any) -> None:
    client = Client()
    client.force_login(world.coordinator)
    data = {"network": world.network.pk, "title": "Accordo 2011", "kind": "founding", "signed_on": "2011-05-01"}
    not_pdf = client.post("/rete/accordi/nuovo/", {**data, "document": SimpleUploadedFile("accordo.pdf", b"hello")})
    assert not_pdf.status_code == 400 and not Agreement.objects.filter(title="Accordo 2011").exists()
    pdf = SimpleUploadedFile("accordo.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    ok = client.post("/rete/accordi/nuovo/", {**data, "document": pdf})
    assert ok.status_code == 302
    agreement = Agreement.objects.get(title="Accordo 2011")
    assert agreement.signed_year == 2011 and agreement.document.name.endswith(".pdf")
