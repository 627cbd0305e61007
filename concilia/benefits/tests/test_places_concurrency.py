"""Families answering at the same moment, on PostgreSQL: the waiting list moves once per freed seat, and no
seat is ever held by two places (the constraint and the call's lock), whatever the order the answers land in."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from concilia.benefits import services
from concilia.benefits.models import Place
from concilia.benefits.tests.test_places import ranked_place_call
from concilia.programming.tests.test_concurrency import run_concurrently

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test",
    ),
]


def test_simultaneous_refusals_and_expiry_never_overbook(world: Any) -> None:
    call, _offer, ranked = ranked_place_call(world, families=8)
    services.places_offer(call=call, by=world.coordinator)
    first, second = (Place.objects.get(application=a) for a in ranked[:2])

    def refuse(place_id: int) -> Any:
        place = Place.objects.get(pk=place_id)
        return services.place_answer(place=place, accept=False, by=place.application.household.owner).status

    tasks = [lambda pk=first.pk: refuse(pk), lambda pk=second.pk: refuse(pk)]
    tasks += [lambda: services.places_expire() for _ in range(6)]  # the beat running meanwhile: nothing is due
    results, errors = run_concurrently(tasks, workers=8)
    assert errors == [] and sorted(r for r in results if isinstance(r, str)) == ["refused", "refused"]
    live = Place.objects.filter(call=call, status__in=["offered", "accepted", "enrolled"])
    assert live.count() == 2  # the two freed seats went to the next two families, once each
    assert sorted(live.values_list("seat__number", flat=True)) == [1, 2]
    assert set(live.values_list("application", flat=True)) == {ranked[2].pk, ranked[3].pk}
