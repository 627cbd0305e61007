"""Network services: merging networks and the join-request workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from concilia.core.testing import factories as f
from concilia.core.testing.battery import sent_to_login
from concilia.network import services
from concilia.network.choices import JoinRequestStatus
from concilia.network.models import JoinRequest, Membership, Partnership

pytestmark = pytest.mark.django_db


def test_merge_carries_members_over_and_closes_the_old_network(world: Any) -> None:
    target = f.NetworkFactory(name="Rete ATS Val Padana")
    shared = f.OrganisationFactory(name="Camera di Commercio")
    f.MembershipFactory(network=world.network, organisation=shared)
    f.MembershipFactory(network=target, organisation=shared)
    on = dt.date(2017, 1, 1)

    carried = services.network_merge(network=world.network, into=target, on=on, by=world.admin)

    world.network.refresh_from_db()
    assert world.network.merged_into == target and world.network.ended_on == on
    assert [m.organisation for m in carried] == [world.lead_org]  # the shared member is not duplicated
    assert not Membership.objects.filter(network=world.network, left_on__isnull=True).exists()
    assert Membership.objects.filter(network=target, left_on__isnull=True).count() == 2
    assert carried[0].carried_over_from.network == world.network
    # history keeps the reason and the author
    record = world.network.history.first()
    assert record.history_user == world.admin and "Val Padana" in record.history_change_reason


def test_merge_twice_or_into_itself_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.network_merge(network=world.network, into=world.network, on=dt.date(2017, 1, 1), by=world.admin)
    services.network_merge(network=world.network, into=world.other_network, on=dt.date(2017, 1, 1), by=world.admin)
    with pytest.raises(ValidationError):
        services.network_merge(network=world.network, into=world.other_network, on=dt.date(2017, 1, 1), by=world.admin)


def test_join_request_accept_creates_partnership(world: Any) -> None:
    newcomer = f.OrganisationFactory(name="Famiglie e dintorni")
    request = services.join_request_submit(alliance=world.alliance, organisation=newcomer, message="", by=world.plain)
    with pytest.raises(ValidationError):  # a second pending request is refused
        services.join_request_submit(alliance=world.alliance, organisation=newcomer, message="", by=world.plain)

    services.join_request_decide(request=request, accept=True, reason="", by=world.lead)

    request.refresh_from_db()
    assert request.status == JoinRequestStatus.ACCEPTED and request.decided_by == world.lead
    assert Partnership.objects.filter(alliance=world.alliance, organisation=newcomer, left_on__isnull=True).exists()
    with pytest.raises(ValidationError):  # already decided
        services.join_request_decide(request=request, accept=False, reason="no", by=world.lead)


def test_refusal_needs_a_reason_and_changes_nothing_without_one(world: Any) -> None:
    request = f.JoinRequestFactory(alliance=world.alliance)
    with pytest.raises(ValidationError):
        services.join_request_decide(request=request, accept=False, reason="  ", by=world.lead)
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.PENDING
    services.join_request_decide(request=request, accept=False, reason="Fuori dal territorio", by=world.lead)
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.REFUSED and request.reason == "Fuori dal territorio"


def test_closed_alliance_refuses_requests(world: Any) -> None:
    world.alliance.open_to_new_partners = False
    world.alliance.save()
    with pytest.raises(ValidationError):
        services.join_request_submit(alliance=world.alliance, organisation=f.OrganisationFactory(), message="", by=None)


def test_join_request_pages_roles(world: Any) -> None:
    """The provider asks for its organisation; the other lead cannot decide; the lead accepts."""
    other_alliance = world.other_alliance
    provider = Client()
    provider.force_login(world.provider)
    response = provider.post(
        f"/rete/alleanze/{other_alliance.pk}/richiedi-adesione/",
        {"organisation": world.provider_org.pk, "message": "Gestiamo un nido"},
    )
    assert response.status_code == 302
    request = JoinRequest.objects.get(alliance=other_alliance, organisation=world.provider_org)

    # the lead of another alliance and the requester may not decide
    for user in (world.lead, world.provider):
        client = Client()
        client.force_login(user)
        denied = client.post(f"/rete/richieste-adesione/{request.pk}/decidi/", {"decision": "accept"})
        assert denied.status_code in (403, 404)
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.PENDING

    lead = Client()
    lead.force_login(world.other_lead)
    page = lead.get(f"/rete/richieste-adesione/{request.pk}/")
    assert page.status_code == 200 and "Gestiamo un nido" in page.content.decode()
    refused = lead.post(f"/rete/richieste-adesione/{request.pk}/decidi/", {"decision": "refuse", "reason": ""})
    assert refused.status_code == 302
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.PENDING  # a refusal without reason changes nothing
    lead.post(f"/rete/richieste-adesione/{request.pk}/decidi/", {"decision": "accept"})
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.ACCEPTED

    # anonymous visitors never see join requests
    assert sent_to_login(Client().get(f"/rete/richieste-adesione/{request.pk}/"))


def test_join_request_api(world: Any) -> None:
    provider = Client()
    provider.force_login(world.provider)
    created = provider.post(
        "/api/network/joinrequests/",
        {"alliance": world.other_alliance.pk, "organisation": world.provider_org.pk, "message": "API"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    # asking on behalf of an organisation one does not represent is refused
    foreign = provider.post(
        "/api/network/joinrequests/",
        {"alliance": world.other_alliance.pk, "organisation": world.lead_org.pk},
        content_type="application/json",
    )
    assert foreign.status_code == 403
    denied = provider.post(f"/api/network/joinrequests/{pk}/decide/", {"accept": True}, content_type="application/json")
    assert denied.status_code == 403
    lead = Client()
    lead.force_login(world.other_lead)
    no_reason = lead.post(f"/api/network/joinrequests/{pk}/decide/", {"accept": False}, content_type="application/json")
    assert no_reason.status_code == 400
    decided = lead.post(f"/api/network/joinrequests/{pk}/decide/", {"accept": True}, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["status"] == "accepted"
    assert Client().get("/api/network/joinrequests/").json()["count"] == 0


def test_merge_page_requires_coordinating_both_networks(world: Any) -> None:
    coordinator = Client()
    coordinator.force_login(world.coordinator)
    response = coordinator.post(
        f"/rete/reti/{world.network.pk}/fusione/", {"into": world.other_network.pk, "on": "2017-01-01"}
    )
    assert response.status_code == 400  # it does not coordinate the target network
    world.network.refresh_from_db()
    assert world.network.merged_into is None
    lead = Client()
    lead.force_login(world.lead)
    assert lead.get(f"/rete/reti/{world.network.pk}/fusione/").status_code == 403
    admin = Client()
    admin.force_login(world.admin)
    ok = admin.post(f"/rete/reti/{world.network.pk}/fusione/", {"into": world.other_network.pk, "on": "2017-01-01"})
    assert ok.status_code == 302
    world.network.refresh_from_db()
    assert world.network.merged_into == world.other_network
