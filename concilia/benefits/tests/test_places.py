"""After a place call's ranking: places offered, accepted, refused and expired, the waiting list moving, the
provider's enrolment, and a seat never held twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation

from concilia.accounts.choices import Role
from concilia.benefits import services
from concilia.benefits.choices import PlaceStatus
from concilia.benefits.models import Application, Child, Place, Seat
from concilia.benefits.tests.test_applications import RULES, family
from concilia.core import clock
from concilia.core.models import Notification
from concilia.core.testing import factories as f
from concilia.programming import services as programming
from concilia.programming.choices import ApplicationUnit, CallKind, CallStatus
from concilia.programming.models import CallOffer, FamilyCallTerms
from concilia.programming.tests import factories as pf
from concilia.services.tests.factories import OfferFactory, ServiceFactory

pytestmark = pytest.mark.django_db

NAMES = ("primi", "secondi", "terzi", "quarti")


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def ranked_place_call(world: Any, families: int = 4) -> tuple[Any, Any, list[Application]]:
    """A nursery call with two places and four families (or ``families``), ranked and published; the applications
    in rank order."""
    now = clock.now()
    call = pf.CallFactory(
        plan=pf.funded_plan(network=world.network), network=world.network, publisher=world.lead_org,
        kind=CallKind.FAMILY_PLACES, budget_cents=0, max_grant_cents=None, rules=RULES,
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=10),
    )  # fmt: skip
    FamilyCallTerms.objects.create(call=call, application_unit=ApplicationUnit.CHILD, answer_days=5)
    offer = OfferFactory(service=ServiceFactory(name="Nido Girasole", provider=world.provider_org))
    CallOffer.objects.create(call=call, offer=offer, places=2)
    programming.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    call.refresh_from_db()
    for i, name in enumerate([*NAMES, *(f"famiglia{n}" for n in range(len(NAMES), families))][:families]):
        household, _child = family(name)
        child = services.member_save(
            member=Child(household=household, first_name="Nina", last_name=name,
                         birth_date=clock.today() - dt.timedelta(days=300 + i)),
            by=household.owner,
        )  # fmt: skip
        at = now + dt.timedelta(minutes=i)
        application = services.application_start(call=call, household=household, child=child, by=household.owner)
        services.application_set_children(application=application, weeks={child.pk: 0}, by=household.owner, now=at)
        services.application_set_preferences(application=application, offers=[offer.pk], by=household.owner, now=at)
        services.application_declare(
            application=application, declarations=["truthful", "checks", "notice"], by=household.owner, now=at
        )
        services.application_submit(application=application, by=household.owner, now=at)
    after = call.closes_at + dt.timedelta(minutes=1)
    ranking = services.closing_day(call=call, now=after)
    second = f.user_with_role(Role.NETWORK_COORDINATOR, username="seconda", network=world.network)
    services.ranking_request(ranking=ranking, by=world.coordinator, now=after)
    services.ranking_approve(ranking=ranking, by=second, now=after)
    ranking.refresh_from_db()
    order = [e["protocol"] for e in sorted(ranking.entries, key=lambda e: e["rank"] or 99)]
    by_protocol = {a.protocol: a for a in Application.objects.filter(call=call)}
    return call, offer, [by_protocol[p] for p in order]


def test_places_go_down_the_waiting_list_on_refusal_and_expiry_and_the_provider_enrols(world: Any) -> None:
    call, offer, (first, second, third, fourth) = ranked_place_call(world)
    with pytest.raises(PermissionDenied):
        services.places_offer(call=call, by=world.lead)
    offered = services.places_offer(call=call, by=world.coordinator)
    assert {p.application for p in offered} == {first, second}
    assert sorted(p.seat.number for p in offered) == [1, 2] and all(p.status == PlaceStatus.OFFERED for p in offered)
    with pytest.raises(ValidationError):
        services.places_offer(call=call, by=world.coordinator)  # once
    assert Notification.objects.filter(user=first.household.owner, link=f"/famiglia/domande/{first.pk}/posto/").exists()

    place_1 = Place.objects.get(application=first)
    place_2 = Place.objects.get(application=second)
    with pytest.raises(PermissionDenied):
        services.place_answer(place=place_1, accept=True, by=second.household.owner)
    services.place_answer(place=place_1, accept=True, by=first.household.owner)
    with pytest.raises(ValidationError):
        services.place_answer(place=place_1, accept=False, by=first.household.owner)  # answered already
    services.place_answer(place=place_2, accept=False, by=second.household.owner)
    moved = Place.objects.get(application=third)
    assert moved.status == PlaceStatus.OFFERED and moved.round == 2 and moved.seat == place_2.seat  # the freed seat
    assert not Place.objects.filter(application=fourth).exists()

    # The third family does not answer: its place expires and goes to the fourth.
    assert services.places_expire(now=moved.answer_by - dt.timedelta(seconds=1)) == 0
    assert services.places_expire(now=moved.answer_by) == 1
    moved.refresh_from_db()
    assert moved.status == PlaceStatus.EXPIRED
    last = Place.objects.get(application=fourth)
    assert last.status == PlaceStatus.OFFERED and last.round == 3
    assert Place.objects.filter(call=call, status__in=["offered", "accepted", "enrolled"]).count() == 2  # never more

    # The provider confirms the accepted place; another provider cannot.
    stranger = f.user_with_role(Role.SERVICE_PROVIDER, username="altro.nido", organisation=f.OrganisationFactory())
    with pytest.raises(PermissionDenied):
        services.place_enrol(place=place_1, by=stranger)
    provider = f.user_with_role(Role.SERVICE_PROVIDER, username="nido", organisation=world.provider_org)
    with pytest.raises(ValidationError):
        services.place_enrol(place=last, by=provider)  # not accepted yet
    services.place_enrol(place=place_1, by=provider)
    place_1.refresh_from_db()
    assert place_1.status == PlaceStatus.ENROLLED and place_1.enrolled_by == provider


def test_a_seat_is_never_held_twice(world: Any) -> None:
    call, _offer, (first, second, third, _fourth) = ranked_place_call(world)
    services.places_offer(call=call, by=world.coordinator)
    held = Place.objects.get(application=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.create(
            application=third, call=call, seat=held.seat, offer=held.offer, ranking=held.ranking,
            offered_at=clock.now(), answer_by=clock.now(),
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():  # nor an application two places
        Place.objects.create(
            application=first, call=call, seat=Seat.objects.exclude(pk=held.seat_id).first(), offer=held.offer,
            ranking=held.ranking, offered_at=clock.now(), answer_by=clock.now(),
        )  # fmt: skip
    assert Place.objects.filter(call=call).count() == 2


def test_the_pages_of_a_place(world: Any) -> None:
    call, _offer, (first, second, *_rest) = ranked_place_call(world)
    coordinator = client_for(world.coordinator)
    with translation.override("it"):
        before = coordinator.get(f"/famiglia/bandi/{call.pk}/posti/").content.decode()
        assert "Offri i posti" in before
        assert coordinator.post(f"/famiglia/bandi/{call.pk}/posti/").status_code == 302
        listing = coordinator.get(f"/famiglia/bandi/{call.pk}/posti/").content.decode()
    assert listing.count('data-place="offered"') == 2 and first.protocol in listing
    assert client_for(world.lead).get(f"/famiglia/bandi/{call.pk}/posti/").status_code == 403

    family = client_for(first.household.owner)
    with translation.override("it"):
        page = family.get(f"/famiglia/domande/{first.pk}/posto/").content.decode()
    assert "Nido Girasole" in page and "Accetta il posto" in page
    letter = family.get(f"/famiglia/domande/{first.pk}/posto/lettera/")
    assert (
        letter.status_code == 200 and letter.content.startswith(b"%PDF") and first.protocol.encode() in letter.content
    )
    other = client_for(second.household.owner)
    for path in ("posto/", "posto/lettera/"):
        assert other.get(f"/famiglia/domande/{first.pk}/{path}").status_code == 404
    assert other.post(f"/famiglia/domande/{first.pk}/posto/rispondi/", {"answer": "refuse"}).status_code == 404
    assert family.post(f"/famiglia/domande/{first.pk}/posto/rispondi/", {"answer": "accept"}).status_code == 302
    assert Place.objects.get(application=first).status == PlaceStatus.ACCEPTED

    # Past the deadline the family's page offers no answer.
    late = Place.objects.get(application=second).answer_by + dt.timedelta(seconds=1)
    with time_machine.travel(late):
        other.force_login(second.household.owner)
        assert "Accetta il posto" not in other.get(f"/famiglia/domande/{second.pk}/posto/").content.decode()

    provider = f.user_with_role(Role.SERVICE_PROVIDER, username="nido", organisation=world.provider_org)
    desk = client_for(provider)
    mine = desk.get("/famiglia/posti/").content.decode()
    assert 'data-provider-place="accepted"' in mine and str(first.child) in mine
    assert str(second.child) not in mine  # an offered place is not named to the provider before it is accepted
    accepted = Place.objects.get(application=first)
    assert desk.post(f"/famiglia/posti/{accepted.pk}/iscrivi/").status_code == 302
    assert Place.objects.get(application=first).status == PlaceStatus.ENROLLED
    stranger = f.user_with_role(Role.SERVICE_PROVIDER, username="altro", organisation=f.OrganisationFactory())
    assert client_for(stranger).post(f"/famiglia/posti/{accepted.pk}/iscrivi/").status_code == 404
    assert client_for(first.household.owner).get("/famiglia/posti/").status_code == 403


def test_the_place_through_the_api(world: Any) -> None:
    call, _offer, (first, second, third, _fourth) = ranked_place_call(world)
    api = client_for(second.household.owner)
    url = f"/api/benefits/applications/{second.pk}/place/"
    assert api.get(url).status_code == 404  # not offered yet
    services.places_offer(call=call, by=world.coordinator)
    place = api.get(url).json()
    assert place["status"] == "offered" and place["offer_name"].startswith("Nido Girasole")
    bad = api.post(f"{url}answer/", {}, content_type="application/json", headers={"Accept-Language": "it"})
    assert bad.status_code == 400 and Place.objects.get(application=second).status == PlaceStatus.OFFERED
    other = client_for(first.household.owner)
    assert other.get(url).status_code == 404
    assert other.post(f"{url}answer/", {"accept": False}, content_type="application/json").status_code == 404
    refused = api.post(f"{url}answer/", {"accept": False}, content_type="application/json")
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    assert Place.objects.get(application=third).status == PlaceStatus.OFFERED  # the next family
    again = api.post(f"{url}answer/", {"accept": True}, content_type="application/json")
    assert again.status_code == 404  # nothing waits for an answer any more
