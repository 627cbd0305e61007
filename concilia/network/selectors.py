"""Reads on the network register."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import QuerySet

from concilia.core import clock
from concilia.core.permissions import restrict
from concilia.network.choices import OrganisationKind, OrganisationSector
from concilia.network.models import Alliance, Membership, Network


def network_members_by_sector(*, network: Network, user: Any) -> list[dict[str, Any]]:
    """Members grouped by sector and kind, with counts (enterprises also by size class).

    For a network that has ended (merged), the members it had on its last day.
    """
    today = clock.today()
    day = network.ended_on if network.ended_on and network.ended_on < today else today
    members = (
        restrict(Membership.objects.current_on(day).filter(network=network), user, "view")
        .select_related("organisation")
        .order_by("organisation__name")
    )
    groups: dict[str, dict[str, Any]] = {}
    for m in members:
        org = m.organisation
        g = groups.setdefault(
            org.sector,
            {"sector": OrganisationSector(org.sector).label, "members": [], "kinds": Counter(), "sizes": Counter()},
        )
        g["members"].append(m)
        g["kinds"][OrganisationKind(org.kind).label] += 1
        if org.size_class:
            g["sizes"][org.get_size_class_display()] += 1
    order = [s.value for s in OrganisationSector]
    return [
        {**g, "kinds": sorted(g["kinds"].items()), "sizes": sorted(g["sizes"].items()), "count": len(g["members"])}
        for key, g in sorted(groups.items(), key=lambda kv: order.index(kv[0]))
    ]


def alliance_members(*, alliance: Alliance) -> dict[str, Any]:
    """Registered partners (lead included) against the number the alliance declares."""
    partners = list(alliance.partnerships.filter(left_on__isnull=True).select_related("organisation"))
    registered = len(partners) + 1
    smes = sum(1 for p in partners if p.organisation.is_sme) + (1 if alliance.lead.is_sme else 0)
    return {"registered": registered, "declared": alliance.declared_partner_count, "smes": smes}


def network_lineage(*, network: Network) -> QuerySet[Network]:
    """The networks that merged into this one."""
    return network.merged_networks.select_related("coordinator").order_by("name")
