"""Template helpers of the workplace app: the public measures on network and alliance pages."""

from __future__ import annotations

from typing import Any

from django import template

from concilia.network.models import Alliance, Network
from concilia.workplace import selectors
from concilia.workplace.permissions import alliance_organisations, network_organisations

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key, []) if hasattr(mapping, "get") else []


@register.inclusion_tag("workplace/_public_measures.html")
def public_measures(obj: Network | Alliance) -> dict[str, Any]:
    """The public, current work–life measures of a network's organisations or of an alliance's lead and partners."""
    ids = alliance_organisations({obj.pk}) if isinstance(obj, Alliance) else network_organisations({obj.pk})
    return {"measures": list(selectors.public_measures_of(ids)), "object": obj}
