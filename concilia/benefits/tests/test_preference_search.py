"""The preferences step searches the call's services as the catalogue does: nearest first, by the child's age."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from concilia.benefits import services
from concilia.benefits.models import Application, Household
from concilia.benefits.tests.test_applications import RULES, family
from concilia.core import clock
from concilia.core.testing import factories as f
from concilia.programming import services as programming
from concilia.programming.choices import ApplicationUnit, CallKind, CallStatus
from concilia.programming.models import CallOffer, FamilyCallTerms
from concilia.programming.tests import factories as pf
from concilia.services.tests.factories import OfferFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def place_call(world: Any, home: Any) -> tuple[Any, list[Any]]:
    """A place call with three nurseries: 1 km, 15 km and (for older children only) next door."""
    now = clock.now()
    call = pf.CallFactory(
        plan=pf.funded_plan(network=world.network), network=world.network, publisher=world.lead_org,
        kind=CallKind.FAMILY_PLACES, budget_cents=0, max_grant_cents=None, rules=RULES,
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=10),
    )  # fmt: skip
    FamilyCallTerms.objects.create(call=call, application_unit=ApplicationUnit.CHILD)
    far = f.MunicipalityFactory(name="Lontano", latitude=45.60, longitude=9.40)
    nurseries = [
        ServiceFactory(name="Nido Girasole", municipality=home, latitude=45.5445, longitude=9.2290),
        ServiceFactory(name="Nido Arcobaleno", municipality=far, latitude=45.60, longitude=9.40),
        ServiceFactory(name="Nido Grandi", municipality=home, latitude=45.5355, longitude=9.2291, min_age_months=60),
    ]
    offers = [OfferFactory(service=s) for s in nurseries]
    for offer in offers:
        CallOffer.objects.create(call=call, offer=offer, places=10)
    programming.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    call.refresh_from_db()
    return call, offers


def test_the_step_lists_the_calls_services_nearest_first_and_says_which_do_not_suit_the_child(world: Any) -> None:
    home = f.MunicipalityFactory(name="Casa", latitude=45.5355, longitude=9.2290)
    call, (near, far, older) = place_call(world, home)
    household, child = family("colombo")
    Household.objects.filter(pk=household.pk).update(municipality=home)
    child.birth_date = clock.today() - dt.timedelta(days=400)
    child.save()
    application = services.application_start(call=call, household=household, child=child, by=household.owner)
    c = Client()
    c.force_login(household.owner)
    url = f"/famiglia/domande/{application.pk}/passo/preferences/"
    with translation.override("it"):
        page = c.get(url).content.decode()
    order = [page.index(f'data-offer="{o.pk}"') for o in (near, far, older)]
    assert order == sorted(order)  # the one for older children last, whatever its distance
    assert "1.0 km" in page or "1,0 km" in page
    assert page.count("data-age-mismatch") == 1

    found = c.get(url, {"q": "arcobaleno"}).content.decode()
    assert f'data-offer="{far.pk}"' in found and f'data-offer="{near.pk}"' not in found
    assert c.get(url, {"q": "lontano"}).content.decode().count("data-offer=") == 1  # by municipality too

    saved = c.post(url, {"choice_1": str(far.pk), "choice_2": str(near.pk)})
    assert saved.status_code == 302
    assert list(Application.objects.get().preferences.order_by("rank").values_list("offer_id", flat=True)) == [
        far.pk,
        near.pk,
    ]
    # A search that does not find the chosen ones still keeps them in the choices.
    kept = c.get(url, {"q": "grandi"}).content.decode()
    assert f'value="{far.pk}" selected' in kept
