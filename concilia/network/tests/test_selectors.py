"""Reads: members by sector and kind, as of today or of the day a network ended."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from concilia.core.testing import factories as f
from concilia.network import selectors, services

pytestmark = pytest.mark.django_db


def test_members_by_sector_groups_and_counts(world: Any) -> None:
    f.MembershipFactory(
        network=world.network, organisation=f.CompanyFactory(name="Impresa Alfa", employees=5, size_class="micro")
    )
    f.MembershipFactory(
        network=world.network, organisation=f.CompanyFactory(name="Impresa Beta", employees=300, size_class="large")
    )
    f.MembershipFactory(network=world.network, organisation=f.OrganisationFactory(kind="trade_union"))
    groups = {str(g["sector"]): g for g in selectors.network_members_by_sector(network=world.network, user=None)}
    enterprise = groups["Imprese"]
    assert enterprise["count"] == 2
    assert len(enterprise["sizes"]) == 2  # one micro, one large
    assert sum(g["count"] for g in groups.values()) == 4  # plus the lead municipality


def test_a_merged_network_shows_the_members_it_had_when_it_ended(world: Any) -> None:
    services.network_merge(network=world.network, into=world.other_network, on=dt.date(2017, 1, 1), by=world.admin)
    world.network.refresh_from_db()
    groups = selectors.network_members_by_sector(network=world.network, user=None)
    assert [m.organisation for g in groups for m in g["members"]] == [world.lead_org]
    from django.test import Client

    page = Client().get(world.network.get_absolute_url()).content.decode()
    assert world.lead_org.name in page and "2017" in page
