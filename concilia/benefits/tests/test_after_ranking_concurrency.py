"""After a ranking, on PostgreSQL, with answers landing at the same moment: the waiting list moves once per freed
seat and no seat is held by two places; a voucher redeemed from several phones at once is spent once."""

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


def test_the_same_voucher_redeemed_from_eight_phones_at_once_is_spent_once(world: Any) -> None:
    import datetime as dt

    from django.core.exceptions import ValidationError

    from concilia.accounts.choices import Role
    from concilia.benefits.models import Redemption, Voucher
    from concilia.benefits.tests.test_vouchers import ranked_voucher_call
    from concilia.core import clock
    from concilia.core.testing import factories as f
    from concilia.services.tests.factories import ServiceFactory

    call, (first, *_rest) = ranked_voucher_call(world)
    services.vouchers_issue(call=call, by=world.coordinator)
    voucher = Voucher.objects.get(application=first)
    camp = ServiceFactory(kind="centro_estivo", provider=world.provider_org)
    provider = f.user_with_role(Role.SERVICE_PROVIDER, username="campo", organisation=world.provider_org)
    today = clock.today()

    def redeem(i: int) -> Any:
        try:
            return services.voucher_redeem(
                code=voucher.code, service=camp, amount_cents=20_000 + i, period_start=today,
                period_end=today + dt.timedelta(days=5), attendance_days=5, receipt_number=f"R-{i}", by=provider,
            ).pk  # fmt: skip
        except ValidationError as exc:
            return exc.messages[0]

    results, errors = run_concurrently([lambda i=i: redeem(i) for i in range(8)], workers=8)
    assert errors == []
    assert sum(isinstance(r, int) for r in results) == 1  # one redemption; seven told it was spent already
    assert Redemption.objects.filter(voucher=voucher).count() == 1
    voucher.refresh_from_db()
    assert voucher.redeemed_cents == Redemption.objects.get().amount_cents <= voucher.value_cents
