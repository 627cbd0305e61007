"""The breaches of the network register found in the attack of issue 13, each reproduced and closed."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from concilia.core.testing import factories as f
from concilia.network.models import Organisation

pytestmark = pytest.mark.django_db

IMPORT = "/rete/organizzazioni/importa/"
API = "/api/network/organisations"
THEIRS = "01199250158"  # a valid tax code (check digit), of an organisation outside the importer's scope
OWN = "00732210968"


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def organisations_csv(*rows: list[str]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "kind", "tax_code", "email", "website", "is_public"])
    writer.writerows(rows)
    return SimpleUploadedFile("organizzazioni.csv", out.getvalue().encode(), content_type="text/csv")


def test_an_import_row_cannot_overwrite_an_organisation_the_user_may_not_change(world: Any) -> None:
    # given another network's lead organisation, which the lead may not PATCH through the API
    theirs = world.other_lead_org
    Organisation.objects.filter(pk=theirs.pk).update(tax_code=THEIRS, email="vero@altro.example", is_public=True)
    lead = client(world.lead)
    assert lead.patch(f"{API}/{theirs.pk}/", json.dumps({"name": "X"}), content_type="application/json").status_code in (403, 404)  # fmt: skip
    # when the lead imports a file with a new organisation and a row carrying that tax code
    response = lead.post(
        IMPORT,
        {"file": organisations_csv(
            ["Nuova Cooperativa", "social_cooperative", "", "", "", "1"],
            ["Preso in ostaggio", "municipality", THEIRS, "attacco@example.com", "https://attacco.example", "0"],
        )},
    )  # fmt: skip
    # then the import is refused, the row is named, and nothing changed: not even the new organisation
    assert response.status_code == 400
    assert "Preso in ostaggio" in response.content.decode() or "3" in response.content.decode()
    theirs.refresh_from_db()
    assert (theirs.name, theirs.email, theirs.is_public) == ("Altro capofila", "vero@altro.example", True)
    assert not Organisation.objects.filter(name="Nuova Cooperativa").exists()
    report = lead.get(IMPORT + "?report=1").content.decode()
    assert "3," in report  # file line 3: the second data row


def test_an_import_updates_the_users_own_organisation(world: Any) -> None:
    Organisation.objects.filter(pk=world.lead_org.pk).update(tax_code=OWN)
    response = client(world.lead).post(
        IMPORT, {"file": organisations_csv(["Comune capofila", "municipality", OWN, "ufficio@comune.example", "", "1"])}
    )
    assert response.status_code == 302
    world.lead_org.refresh_from_db()
    assert world.lead_org.email == "ufficio@comune.example"


def test_a_coordinator_changes_only_its_networks_members_and_what_it_added(world: Any) -> None:
    # given an organisation in no network, added by somebody else (the Città metropolitana, say)
    stranger = f.OrganisationFactory(name="Città metropolitana di Milano", kind="province")
    member = f.OrganisationFactory(name="Socio della rete")
    f.MembershipFactory(network=world.network, organisation=member)
    coordinator = client(world.coordinator)

    def patch(org: Any) -> int:
        return coordinator.patch(
            f"{API}/{org.pk}/", json.dumps({"website": "https://example.org"}), content_type="application/json"
        ).status_code

    assert patch(stranger) in (403, 404)
    stranger.refresh_from_db()
    assert stranger.website == ""
    assert patch(member) == 200
    # an organisation the coordinator adds stays its to correct until a network takes it in
    created = coordinator.post(
        f"{API}/",
        json.dumps({"name": "Aggiunta dal coordinatore", "kind": "association"}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    added = Organisation.objects.get(pk=created.json()["id"])
    assert patch(added) == 200
    f.MembershipFactory(network=world.other_network, organisation=added)
    assert patch(added) in (403, 404)
