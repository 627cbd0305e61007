"""Lists on a detail page (a network's memberships, an alliance's partners, a service's offers...) link to
the register's own list narrowed to them, with its filters and CSV/XLSX exports: one rule for every register."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from concilia.core.registry import register_for
from concilia.core.views import related_list_links
from concilia.network import models as net
from concilia.services.tests import factories as sf
from concilia.territory.models import HealthAgency

pytestmark = pytest.mark.django_db


def test_a_services_offers_link_to_the_offers_list_and_its_export(world: Any) -> None:
    service = sf.ServiceFactory(name="Nido Girasole")
    sf.OfferFactory(service=service, label="Tempo pieno")
    sf.OfferFactory(label="Altro servizio")
    client = Client()
    client.force_login(world.admin)
    html = client.get(service.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    url = f"/catalogo/offerte/?service={service.pk}"
    assert f'href="{url}"' in html and f'href="{url}&amp;_export=csv"' in html
    csv = client.get(f"{url}&_export=csv").content.decode()
    assert "Tempo pieno" in csv and "Altro servizio" not in csv


def test_a_networks_memberships_and_an_alliances_partners(world: Any) -> None:
    client = Client()
    client.force_login(world.coordinator)
    network_page = client.get(world.network.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert f"/rete/adesioni/?network={world.network.pk}&amp;_export=xlsx" in network_page
    alliance_page = client.get(world.alliance.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert f"/rete/partenariati/?alliance={world.alliance.pk}&amp;_export=csv" in alliance_page


def test_no_link_where_the_register_cannot_narrow_the_list(world: Any) -> None:
    """A many-to-many list (an agreement's signatories) or a record's own kind (an agency's predecessors)
    has no foreign key to filter on: no link, rather than a list of something else."""
    agreement_register = register_for(net.Agreement)
    agency_register = register_for(HealthAgency)
    assert agreement_register is not None and agency_register is not None
    signatories = next(r for r in agreement_register.related if r.table._meta.model is net.Organisation)
    assert related_list_links(signatories, net.Agreement(pk=1), net.Organisation) is None
    predecessors = agency_register.related[0]
    assert related_list_links(predecessors, HealthAgency(pk=1), HealthAgency) is None
