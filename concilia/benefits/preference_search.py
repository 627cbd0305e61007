"""The catalogue's search inside the preferences step: the call's offers that suit the child, nearest first.

A place call lists its offers (``CallOffer``); the family ranks some of them. With dozens of nurseries the
plain list is hard to use on a phone, so the step searches them as the catalogue does
(:func:`concilia.services.selectors.filtered_services`: the child's age on the call's start, the
service's periods) and orders them by distance from the household's municipality, with a text filter
(name, address, municipality). Offers that do not take a child of that age are said so, not hidden:
the family may still choose them, and the rules decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from concilia.benefits.models import Application
from concilia.programming.models import CallOffer
from concilia.services.selectors import SearchCriteria, distance_km, filtered_services


@dataclass(frozen=True)
class OfferHit:
    row: CallOffer
    distance_km: float | None
    suits_age: bool


def search_offers(application: Application, text: str = "") -> list[OfferHit]:
    """The call's offers matching ``text``, nearest to the family first (those for the child's age first)."""
    query = CallOffer.objects.filter(call=application.call).select_related(
        "offer__service__municipality", "offer__service__provider"
    )
    text = text.strip()
    if text:
        query = query.filter(
            Q(offer__service__name__icontains=text)
            | Q(offer__label__icontains=text)
            | Q(offer__service__address__icontains=text)
            | Q(offer__service__municipality__name__icontains=text)
        )
    rows = list(query)
    child = application.child or next((c.child for c in application.children.select_related("child")), None)
    criteria = SearchCriteria(
        birth_date=child.birth_date if child else None,
        needed_on=application.call.closes_at.date(),
        municipality=application.household.municipality,
    )
    suits = set(
        filtered_services(criteria).filter(pk__in={r.offer.service_id for r in rows}).values_list("pk", flat=True)
    )
    origin = criteria.origin
    hits = []
    for row in rows:
        service = row.offer.service
        distance = None
        if origin is not None and service.latitude is not None and service.longitude is not None:
            distance = round(distance_km(origin[0], origin[1], service.latitude, service.longitude), 1)
        hits.append(OfferHit(row=row, distance_km=distance, suits_age=service.pk in suits))
    hits.sort(
        key=lambda h: (not h.suits_age, h.distance_km is None, h.distance_km or 0, h.row.offer.service.name, h.row.pk)
    )
    return hits
