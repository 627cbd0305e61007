"""The breaches of the programming cycle found in the attack of issue 13, each reproduced and closed.

The generic paths (the register's pages, ``/api/programming/<register>/``) write through the same
services as the workflow (``concilia/programming/writers.py``): they refuse what the workflow refuses.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from concilia.accounts.choices import Role
from concilia.accounts.models import RoleAssignment
from concilia.core.testing import factories as f
from concilia.programming import models, services
from concilia.programming.choices import Admissibility, CallStatus, PartnerRole, ProposalStatus
from concilia.programming.tests import register_factories as pf
from concilia.programming.tests.test_permissions import client, page

pytestmark = [pytest.mark.django_db, pytest.mark.urls(pf.URLCONF)]

API = "/api/programming"


def post_json(c: Client, url: str, data: dict[str, Any]) -> Any:
    return c.post(url, json.dumps(data), content_type="application/json")


def scoring(world: Any, **proposal: Any) -> tuple[models.Evaluator, models.Proposal, models.EvaluationCriterion]:
    ev = pf.evaluator(world)
    prop = pf.proposal(world, call_=ev.call, status=ProposalStatus.SUBMITTED, **proposal)
    return ev, prop, pf.criterion(world, ev.call)


def test_an_evaluator_with_a_role_in_the_lead_cannot_score_through_the_generic_api(world: Any) -> None:
    # given an evaluator who also acts for the proposal's lead organisation (a conflict by role)
    ev, prop, crit = scoring(world)
    RoleAssignment.objects.create(user=ev.user, role=Role.ALLIANCE_LEAD, organisation=world.lead_org)
    c = client(ev.user)
    data = {"proposal": prop.pk, "evaluator": ev.pk, "criterion": crit.pk, "points": 25}
    # the workflow endpoint refuses, and so do the generic endpoint and the generic page
    assert (
        post_json(
            c, f"{API}/proposals/{prop.pk}/scores/", {"scores": [{"criterion": crit.code, "points": 25}]}
        ).status_code
        == 403
    )
    assert post_json(c, f"{API}/scores/", data).status_code == 403
    assert c.post(page("score_add"), data).status_code == 400
    assert not models.Score.objects.exists()


def test_the_generic_score_page_refuses_a_closed_call_and_an_inadmissible_proposal(world: Any) -> None:
    ev, prop, crit = scoring(world)
    c = client(ev.user)
    data = {"proposal": prop.pk, "evaluator": ev.pk, "criterion": crit.pk, "points": 20}
    models.Proposal.objects.filter(pk=prop.pk).update(admissibility=Admissibility.NOT_ADMISSIBLE)
    response = c.post(page("score_add"), data)
    assert response.status_code == 400
    assert "admissible" in response.content.decode() or "ammissibil" in response.content.decode()
    models.Proposal.objects.filter(pk=prop.pk).update(admissibility=Admissibility.ADMISSIBLE)
    models.Call.objects.filter(pk=ev.call_id).update(status=CallStatus.FINAL_RANKING)
    assert c.post(page("score_add"), data).status_code == 400
    assert post_json(c, f"{API}/scores/", data).status_code == 400
    assert not models.Score.objects.exists()
    # while the call is under evaluation the same request is accepted
    models.Call.objects.filter(pk=ev.call_id).update(status=CallStatus.EVALUATION)
    assert c.post(page("score_add"), data).status_code == 302
    score = models.Score.objects.get()
    # a score is corrected through the same rule, never moved to another proposal, never deleted
    other = pf.proposal(world, call_=ev.call, status=ProposalStatus.SUBMITTED)
    moved = c.patch(f"{API}/scores/{score.pk}/", json.dumps({"proposal": other.pk}), content_type="application/json")
    assert moved.status_code == 400
    assert c.delete(f"{API}/scores/{score.pk}/").status_code in (403, 405)
    assert models.Score.objects.get().proposal_id == prop.pk


def test_the_generic_proposal_page_drafts_through_proposal_create(world: Any) -> None:
    # given an open call of another network, which the lead's alliance cannot answer
    foreign = pf.call(world, network=world.other_network)
    own = pf.call(world)
    lead = client(world.lead)
    data = {"call": foreign.pk, "alliance": world.alliance.pk, "title": "Fuori rete", "requested_cents": "1000"}
    assert lead.post(page("proposal_add"), data).status_code == 400
    assert post_json(lead, f"{API}/proposals/", data).status_code in (400, 403)
    assert not models.Proposal.objects.exists()
    # to its own network's call the proposal is drafted with the lead as its first partner
    data["call"] = own.pk
    assert lead.post(page("proposal_add"), data).status_code == 302
    proposal = models.Proposal.objects.get()
    assert list(proposal.partners.values_list("organisation_id", "role")) == [(world.lead_org.pk, PartnerRole.LEAD)]
    # the lead partner cannot be removed or swapped through the generic pages
    lead_row = proposal.partners.get()
    assert lead.post(page("proposalpartner_delete", lead_row.pk)).status_code == 302
    assert proposal.partners.filter(pk=lead_row.pk).exists()
    swapped = lead.patch(
        f"{API}/proposalpartners/{lead_row.pk}/",
        json.dumps({"organisation": world.provider_org.pk}),
        content_type="application/json",
    )
    assert swapped.status_code == 400
    assert proposal.partners.get().organisation_id == world.lead_org.pk


def test_an_evaluator_cannot_take_back_its_declaration(world: Any) -> None:
    ev, prop, crit = scoring(world)
    c = client(ev.user)
    assert (
        c.post(page("conflictofinterest_add"), {"evaluator": ev.pk, "organisation": world.lead_org.pk}).status_code
        == 302
    )
    declared = models.ConflictOfInterest.objects.get()
    # the evaluator can neither delete nor edit it, by the API or the pages
    assert c.delete(f"{API}/conflicts/{declared.pk}/").status_code in (403, 405)
    assert c.patch(
        f"{API}/conflicts/{declared.pk}/", json.dumps({"note": "x"}), content_type="application/json"
    ).status_code in (403, 405)
    assert c.post(page("conflictofinterest_delete", declared.pk)).status_code in (302, 403)
    assert post_json(c, f"{API}/conflicts/{declared.pk}/withdraw/", {"reason": "Errore"}).status_code == 403
    declared.refresh_from_db()
    assert declared.withdrawn_at is None
    # so it still cannot score
    assert (
        post_json(
            c, f"{API}/scores/", {"proposal": prop.pk, "evaluator": ev.pk, "criterion": crit.pk, "points": 9}
        ).status_code
        == 403
    )


def test_a_coordinator_withdraws_a_declaration_with_a_reason_kept_in_history(world: Any) -> None:
    ev, prop, crit = scoring(world)
    declared = services.conflict_declare(evaluator=ev, organisation=world.lead_org, note="Consulente", by=ev.user)
    coordinator = client(world.coordinator)
    # without a reason nothing changes
    assert post_json(coordinator, f"{API}/conflicts/{declared.pk}/withdraw/", {"reason": " "}).status_code == 400
    declared.refresh_from_db()
    assert declared.withdrawn_at is None
    # the page asks for the reason too, then withdraws
    assert coordinator.post(page("conflict_withdraw", declared.pk), {"reason": ""}).status_code == 400
    response = coordinator.post(page("conflict_withdraw", declared.pk), {"reason": "Incarico concluso nel 2015"})
    assert response.status_code == 302
    declared.refresh_from_db()
    assert declared.withdrawn_at is not None and declared.withdrawn_by == world.coordinator
    assert declared.history.first().history_change_reason == "Incarico concluso nel 2015"
    # the evaluator may now score; a declaration made again puts it back in force, and the score no longer counts
    services.score_set(proposal=prop, evaluator=ev, criterion=crit, points=30, comment="", by=ev.user)
    assert models.Score.objects.exclude(models.Score.conflicted()).count() == 1
    again = services.conflict_declare(evaluator=ev, organisation=world.lead_org, note="", by=ev.user)
    assert again.pk == declared.pk and again.withdrawn_at is None
    assert models.Score.objects.exclude(models.Score.conflicted()).count() == 0
    assert f"score_{crit.code}" not in services.proposal_fields(prop)
    # the other network's coordinator cannot withdraw it
    other = f.user_with_role(Role.NETWORK_COORDINATOR, network=world.other_network, username="coord-altro")
    assert post_json(client(other), f"{API}/conflicts/{declared.pk}/withdraw/", {"reason": "No"}).status_code == 404
