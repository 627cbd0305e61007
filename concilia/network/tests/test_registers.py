"""Every network register gets the same battery: pages, exports, API, permissions per role, query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from concilia.core.testing import battery
from concilia.core.testing import factories as f
from concilia.network import registers
from concilia.network.models import Membership


def member_provider(w: Any) -> Any:
    """The provider's organisation, a member of the coordinator's network (so the coordinator may edit it)."""
    Membership.objects.get_or_create(
        network=w.network, organisation=w.provider_org, defaults={"joined_on": dt.date(2012, 1, 1)}
    )
    return w.provider_org


SPECS = [
    battery.RegisterSpec(
        register=registers.organisations,
        new=lambda w: f.OrganisationFactory(),
        existing=member_provider,
        create_data=lambda w: {
            "name": "Nuova Impresa Srl",
            "kind": "company",
            "employees": 8,
            "vat_number": "00732210968",
            "is_public": True,
        },  # fmt: skip
        edit=("phone", "0372 123456"),
        can_change={"provider", "coordinator", "admin"},
        can_add={"lead", "other_lead", "coordinator", "admin"},
        creator="coordinator",
    ),
    battery.RegisterSpec(
        register=registers.contacts,
        new=lambda w: f.ContactFactory(organisation=w.provider_org),
        create_data=lambda w: {
            "organisation": w.provider_org,
            "name": "Mario Rossi",
            "role": "Referente",
            "is_public": True,
        },
        edit=("role", "Coordinatrice"),
        can_change={"provider", "admin"},
        can_delete={"provider", "admin"},
        can_add={"provider", "lead", "other_lead", "coordinator", "admin"},
        creator="provider",
    ),
    battery.RegisterSpec(
        register=registers.networks,
        new=lambda w: f.NetworkFactory(),
        existing=lambda w: w.network,
        create_data=lambda w: {
            "name": "Rete territoriale di prova",
            "coordinator": w.lead_org,
            "founded_on": dt.date(2011, 3, 1),
        },
        edit=("description", "Rete coordinata dall'ATS."),
        can_change={"coordinator", "admin"},
        can_add={"admin"},
    ),
    battery.RegisterSpec(
        register=registers.agreements,
        new=lambda w: f.AgreementFactory(network=w.network),
        create_data=lambda w: {
            "network": w.network,
            "title": "Accordo di collaborazione 2014",
            "kind": "renewal",
            "signed_on": dt.date(2014, 6, 1),
            "signatories": [w.lead_org, w.provider_org],
        },  # fmt: skip
        edit=("notes", "Rinnovo dell'accordo del 2011"),
        marker=lambda o: o.title,
        can_change={"coordinator", "admin"},
        can_delete={"coordinator", "admin"},
        can_add={"coordinator", "admin"},
        creator="coordinator",
    ),
    battery.RegisterSpec(
        register=registers.memberships,
        new=lambda w: f.MembershipFactory(network=w.network),
        create_data=lambda w: {
            "network": w.network,
            "organisation": w.provider_org,
            "role": "member",
            "joined_on": dt.date(2015, 1, 1),
        },
        edit=("notes", "Adesione con delibera"),
        marker=lambda o: o.organisation.name,
        can_change={"coordinator", "admin"},
        can_delete={"coordinator", "admin"},
        can_add={"coordinator", "admin"},
        creator="coordinator",
    ),
    battery.RegisterSpec(
        register=registers.alliances,
        new=lambda w: f.AllianceFactory(network=w.network, lead=w.lead_org),
        existing=lambda w: w.alliance,
        create_data=lambda w: {
            "name": "Nuova alleanza",
            "network": w.network,
            "lead": w.lead_org,
            "open_to_new_partners": True,
            "formed_on": dt.date(2017, 1, 1),
        },  # fmt: skip
        edit=("description", "Servizi flessibili per famiglie con bambini da 3 a 10 anni"),
        can_change={"lead", "coordinator", "admin"},
        can_add={"lead", "other_lead", "coordinator", "admin"},
        creator="lead",
    ),
    battery.RegisterSpec(
        register=registers.partnerships,
        new=lambda w: f.PartnershipFactory(alliance=w.alliance),
        create_data=lambda w: {"alliance": w.alliance, "organisation": f.OrganisationFactory(), "role": "partner"},
        edit=("notes", "Cofinanzia il 20%"),
        marker=lambda o: o.organisation.name,
        can_change={"lead", "coordinator", "admin"},
        can_delete={"lead", "coordinator", "admin"},
        can_add={"lead", "other_lead", "coordinator", "admin"},
        creator="lead",
    ),
    battery.RegisterSpec(
        register=registers.join_requests,
        new=lambda w: f.JoinRequestFactory(alliance=w.alliance),
        public=False,
        marker=lambda o: o.organisation.name,
        can_change={"lead", "coordinator", "admin"},
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
@pytest.mark.parametrize("check", battery.CHECKS, ids=lambda c: c.__name__)
def test_register(spec: battery.RegisterSpec, check: Any, world: Any) -> None:
    check(spec, world)
