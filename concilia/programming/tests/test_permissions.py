"""Who sees and changes what in the programming registers, on pages, exports and the API alike."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from concilia.accounts.choices import Role
from concilia.core.permissions import can
from concilia.core.testing import factories as f
from concilia.core.testing.battery import sent_to_login
from concilia.programming import models
from concilia.programming.choices import CallStatus, ProposalStatus
from concilia.programming.tests import register_factories as pf

pytestmark = [pytest.mark.django_db, pytest.mark.urls(pf.URLCONF)]

API = "/api/programming"


def client(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def page(name: str, *args: Any) -> str:
    return reverse(f"programming:{name}", args=args)


def patch(c: Client, url: str, data: dict[str, Any]) -> Any:
    return c.patch(url, json.dumps(data), content_type="application/json")


# --- proposals ---------------------------------------------------------------------------------


def test_a_lead_cannot_see_another_alliances_proposal(world: Any) -> None:
    # given a proposal of each alliance, to calls of their own networks
    own = pf.proposal(world, status=ProposalStatus.SUBMITTED)
    other = pf.proposal(
        world, call_=pf.call(world, network=world.other_network), alliance=world.other_alliance, status="submitted"
    )
    lead = client(world.lead)
    # when the lead lists, opens and exports proposals, then the other alliance's one is nowhere
    listing = lead.get(page("proposal_list")).content.decode()
    assert own.title in listing and other.title not in listing
    assert other.title not in lead.get(page("proposal_list"), {"_export": "csv"}).content.decode()
    assert lead.get(page("proposal_detail", other.pk)).status_code == 404
    assert lead.get(page("proposal_detail", own.pk)).status_code == 200
    api = lead.get(f"{API}/proposals/").json()
    assert [r["id"] for r in api["results"]] == [own.pk]
    assert lead.get(f"{API}/proposals/{other.pk}/").status_code == 404
    # nor its parts
    action = models.ProposalAction.objects.create(proposal=other, kind="training", title="Corso riservato")
    assert "Corso riservato" not in lead.get(page("proposalaction_list")).content.decode()
    assert lead.get(f"{API}/proposalactions/{action.pk}/").status_code == 404
    # and the other lead sees its own only
    assert client(world.other_lead).get(f"{API}/proposals/").json()["count"] == 1


def test_the_public_never_sees_proposals_or_scores(world: Any) -> None:
    # given a call under evaluation with a submitted, scored proposal
    score = pf.score(world)
    proposal = score.proposal
    models.ProposalAction.objects.create(proposal=proposal, kind="help_desk", title="Sportello riservato")
    for user in (None, world.plain, world.provider):
        c = client(user)
        # pages and exports
        assert proposal.title not in c.get(page("proposal_list")).content.decode()
        assert proposal.title not in c.get(page("proposal_list"), {"_export": "csv"}).content.decode()
        assert c.get(page("proposal_detail", proposal.pk)).status_code in (302, 404)
        assert score.comment not in c.get(page("score_list")).content.decode()
        assert c.get(page("score_detail", score.pk)).status_code in (302, 404)
        assert "Sportello riservato" not in c.get(page("proposalaction_list")).content.decode()
        # the call's own page names no proposal
        call_page = c.get(page("call_detail", proposal.call_id))
        assert call_page.status_code == 200 and proposal.title not in call_page.content.decode()
        # API
        assert c.get(f"{API}/proposals/").json()["count"] == 0
        assert c.get(f"{API}/proposals/{proposal.pk}/").status_code == 404
        assert c.get(f"{API}/scores/").json()["count"] == 0
        assert c.get(f"{API}/scores/{score.pk}/").status_code == 404
        assert c.get(f"{API}/proposalactions/").json()["count"] == 0
    # while its coordinator sees both
    coordinator = client(world.coordinator)
    assert coordinator.get(page("proposal_detail", proposal.pk)).status_code == 200
    assert coordinator.get(f"{API}/scores/{score.pk}/").status_code == 200


def test_a_lead_cannot_edit_a_submitted_proposal(world: Any) -> None:
    # given the lead's submitted proposal
    proposal = pf.proposal(world, status=ProposalStatus.SUBMITTED)
    lead = client(world.lead)
    # when it tries to change it on the page, the API, or add to its parts, it is refused
    assert lead.get(page("proposal_edit", proposal.pk)).status_code == 403
    data = {"call": proposal.call_id, "alliance": world.alliance.pk, "title": "Titolo cambiato", "requested_cents": 1}
    assert lead.post(page("proposal_edit", proposal.pk), data).status_code == 403
    assert patch(lead, f"{API}/proposals/{proposal.pk}/", {"title": "Titolo cambiato"}).status_code == 403
    assert lead.post(page("proposal_delete", proposal.pk)).status_code == 403
    assert lead.delete(f"{API}/proposals/{proposal.pk}/").status_code == 403
    action = {"proposal": proposal.pk, "kind": "training", "title": "Azione tardiva", "budget_cents": 0}
    assert lead.post(page("proposalaction_add"), action).status_code == 400
    api = lead.post(f"{API}/proposalactions/", json.dumps(action), content_type="application/json")
    assert api.status_code == 400  # the service: only a draft changes
    # then nothing changed
    proposal.refresh_from_db()
    assert proposal.title != "Titolo cambiato"
    assert not models.ProposalAction.objects.filter(title="Azione tardiva").exists()
    # whereas a draft can still be changed
    draft = pf.proposal(world)
    assert patch(lead, f"{API}/proposals/{draft.pk}/", {"summary": "Bozza"}).status_code == 200


def test_a_lead_proposes_only_for_alliances_it_leads(world: Any) -> None:
    call = pf.call(world)
    data = {"call": call.pk, "alliance": world.other_alliance.pk, "title": "Non mia", "requested_cents": 100}
    assert client(world.lead).post(page("proposal_add"), data).status_code == 400
    api = client(world.lead).post(f"{API}/proposals/", json.dumps(data), content_type="application/json")
    assert api.status_code == 403
    assert not models.Proposal.objects.filter(title="Non mia").exists()


def test_proposals_go_only_to_open_calls(world: Any) -> None:
    draft_call = pf.call(world, status=CallStatus.DRAFT)
    data = {"call": draft_call.pk, "alliance": world.alliance.pk, "title": "Troppo presto", "requested_cents": 100}
    assert client(world.lead).post(page("proposal_add"), data).status_code == 400
    api = client(world.lead).post(f"{API}/proposals/", json.dumps(data), content_type="application/json")
    assert api.status_code == 400


# --- rankings and call events ------------------------------------------------------------------


def test_nobody_can_edit_or_delete_a_ranking(world: Any) -> None:
    ranking = pf.ranking(world)
    # no edit or delete page exists
    for view, args in (("ranking_edit", [ranking.pk]), ("ranking_delete", [ranking.pk]), ("ranking_add", [])):
        with pytest.raises(NoReverseMatch):
            page(view, *args)
    base = page("ranking_detail", ranking.pk)
    for role, user in world.users().items():
        c = client(user)
        assert c.get(base).status_code == 200, role
        assert c.get(f"{base}modifica/").status_code == 404, role
        assert c.post(f"{base}elimina/").status_code == 404, role
        # the API only reads
        url = f"{API}/rankings/{ranking.pk}/"
        assert c.get(url).status_code == 200
        assert patch(c, url, {"reason": "Corretta"}).status_code in (401, 403, 405), role
        assert c.put(url, json.dumps({"reason": "Corretta"}), content_type="application/json").status_code in (
            401,
            403,
            405,
        )
        assert c.delete(url).status_code in (401, 403, 405), role
        created = c.post(f"{API}/rankings/", json.dumps({"call": ranking.call_id}), content_type="application/json")
        assert created.status_code in (401, 403, 405), role
        assert models.Ranking.objects.count() == 1
    assert patch(client(world.admin), f"{API}/rankings/{ranking.pk}/", {"reason": "x"}).status_code == 405
    ranking.refresh_from_db()
    assert ranking.reason == ""
    assert not can(world.coordinator, "change", ranking) and not can(world.coordinator, "delete", ranking)


def test_call_events_are_read_only(world: Any) -> None:
    event = models.CallEvent.objects.create(
        call=pf.call(world), from_status=CallStatus.DRAFT, to_status=CallStatus.OPEN, at=pf.clock.now()
    )
    admin = client(world.admin)
    assert admin.get(f"{API}/callevents/{event.pk}/").status_code == 200
    assert admin.delete(f"{API}/callevents/{event.pk}/").status_code == 405
    assert models.CallEvent.objects.filter(pk=event.pk).exists()


# --- calls -------------------------------------------------------------------------------------


def test_a_draft_call_is_seen_and_changed_only_by_its_coordinators(world: Any) -> None:
    draft = pf.call(world, status=CallStatus.DRAFT)
    crit = pf.criterion(world, draft)
    doc = models.Document.objects.create(call=draft, title="Bozza del testo", url="https://example.org/bozza.pdf")
    for user in (None, world.plain, world.lead):
        c = client(user)
        assert c.get(f"{API}/documents/{doc.pk}/").status_code == 404
        assert "Bozza del testo" not in c.get(page("document_list")).content.decode()
        detail = c.get(page("call_detail", draft.pk))
        assert sent_to_login(detail) if user is None else detail.status_code == 404
        assert draft.title not in c.get(page("call_list")).content.decode()
        assert c.get(f"{API}/criteria/{crit.pk}/").status_code == 404
    coordinator = client(world.coordinator)
    assert coordinator.get(page("call_edit", draft.pk)).status_code == 200
    assert patch(coordinator, f"{API}/calls/{draft.pk}/", {"summary": "Bozza del bando"}).status_code == 200
    # the other network's coordinator neither sees nor changes it
    stranger = f.user_with_role(Role.NETWORK_COORDINATOR, network=world.other_network, username="coord-mantova")
    assert client(stranger).get(page("call_detail", draft.pk)).status_code == 404


def test_an_open_calls_main_fields_no_longer_change(world: Any) -> None:
    call = pf.call(world)
    coordinator = client(world.coordinator)
    assert coordinator.get(page("call_edit", call.pk)).status_code == 403
    assert patch(coordinator, f"{API}/calls/{call.pk}/", {"budget_cents": 1}).status_code == 403
    crit = pf.criterion(world, call)
    assert patch(coordinator, f"{API}/criteria/{crit.pk}/", {"max_points": 99}).status_code == 403
    # but its coordinator still keeps its evaluators and documents
    assert can(world.coordinator, "keep", call)
    doc = {"title": "Graduatoria provvisoria", "call": call.pk, "url": "https://example.org/g.pdf"}
    assert coordinator.post(page("document_add"), doc).status_code == 302


def test_the_public_call_page_shows_status_window_budget_rules_criteria_events_and_documents(world: Any) -> None:
    call = pf.call(world, min_cofinancing_percent=30)
    pf.criterion(world, call)
    models.CallEvent.objects.create(
        call=call, from_status=CallStatus.DRAFT, to_status=CallStatus.OPEN, at=pf.clock.now(), note="Pubblicato"
    )
    models.Document.objects.create(call=call, title="Testo del bando", url="https://example.org/bando.pdf")
    body = client().get(page("call_detail", call.pk)).content.decode()
    assert 'data-call-status="open"' in body
    assert timezone.localtime(call.closes_at).strftime("%H:%M") in body  # Europe/Rome time
    assert "€ 500.000,00" in body  # the budget, in euro
    assert "Qualità del progetto" in body
    assert "Pubblicato" in body
    assert "Testo del bando" in body
    assert 'id="rules-heading"' in body


# --- evaluation --------------------------------------------------------------------------------


def test_an_evaluator_sees_the_submitted_proposals_of_its_call_and_scores_them(world: Any) -> None:
    ev = pf.evaluator(world)
    submitted = pf.proposal(world, call_=ev.call, status=ProposalStatus.SUBMITTED)
    draft = pf.proposal(world, call_=ev.call)
    elsewhere = pf.proposal(world, status=ProposalStatus.SUBMITTED)
    crit = pf.criterion(world, ev.call)
    c = client(ev.user)
    ids = {r["id"] for r in c.get(f"{API}/proposals/").json()["results"]}
    assert ids == {submitted.pk}
    assert draft.pk not in ids and elsewhere.pk not in ids
    data = {"proposal": submitted.pk, "evaluator": ev.pk, "criterion": crit.pk, "points": 25, "comment": "Solida"}
    assert c.post(page("score_add"), data).status_code == 302
    score = models.Score.objects.get(proposal=submitted, evaluator=ev)
    assert patch(c, f"{API}/scores/{score.pk}/", {"points": 20}).status_code == 200
    # another evaluator of the same call neither sees nor changes it
    other = client(pf.evaluator(world, call_=ev.call).user)
    assert other.get(f"{API}/scores/{score.pk}/").status_code == 404
    # a lead never sees scores, not even of its own proposal
    assert client(world.lead).get(f"{API}/scores/").json()["count"] == 0


def test_an_evaluator_with_a_conflict_cannot_score(world: Any) -> None:
    ev = pf.evaluator(world)
    proposal = pf.proposal(world, call_=ev.call, status=ProposalStatus.SUBMITTED)
    crit = pf.criterion(world, ev.call)
    c = client(ev.user)
    # the evaluator declares its conflict with the lead organisation
    declared = c.post(page("conflictofinterest_add"), {"evaluator": ev.pk, "organisation": world.lead_org.pk})
    assert declared.status_code == 302
    data = {"proposal": proposal.pk, "evaluator": ev.pk, "criterion": crit.pk, "points": 10}
    assert c.post(f"{API}/scores/", json.dumps(data), content_type="application/json").status_code == 403
    assert c.post(page("score_add"), data).status_code == 400
    assert not models.Score.objects.filter(proposal=proposal).exists()
    # a conflict with a partner blocks too
    other = pf.proposal(world, call_=ev.call, status=ProposalStatus.SUBMITTED, alliance=f.AllianceFactory())
    models.ProposalPartner.objects.create(proposal=other, organisation=world.lead_org)
    data["proposal"] = other.pk
    assert c.post(f"{API}/scores/", json.dumps(data), content_type="application/json").status_code == 403


def test_scores_are_given_only_while_the_call_is_evaluated(world: Any) -> None:
    ev = pf.evaluator(world, call_=pf.call(world, status=CallStatus.OPEN))
    proposal = pf.proposal(world, call_=ev.call, status=ProposalStatus.SUBMITTED)
    data = {"proposal": proposal.pk, "evaluator": ev.pk, "criterion": pf.criterion(world, ev.call).pk, "points": 5}
    response = client(ev.user).post(f"{API}/scores/", json.dumps(data), content_type="application/json")
    assert response.status_code == 400  # score_set: "only while the call is under evaluation"
    assert not models.Score.objects.exists()


# --- projects ----------------------------------------------------------------------------------


def test_the_project_lead_reports_and_others_do_not(world: Any) -> None:
    project = pf.project(world)
    data = {"project": project.pk, "period_start": "2016-01-01", "period_end": "2016-06-30", "notes": "Primo"}
    lead = client(world.lead)
    assert lead.post(page("expensereport_add"), data).status_code == 302
    report = models.ExpenseReport.objects.get(project=project, notes="Primo")
    line = {"report": report.pk, "category": "staff", "description": "Educatrice", "amount_cents": 100_000}
    assert lead.post(page("expenseline_add"), line).status_code == 302
    assert lead.post(page("indicator_add"), {"project": project.pk, "name": "Famiglie"}).status_code == 302
    # another lead cannot report on it, and does not even see the reports
    other = client(world.other_lead)
    assert other.post(page("expensereport_add"), {**data, "notes": "Altrui"}).status_code == 400
    api = other.post(f"{API}/expensereports/", json.dumps({**data, "notes": "Altrui"}), content_type="application/json")
    assert api.status_code == 403
    assert other.get(f"{API}/expensereports/{report.pk}/").status_code == 404
    assert client().get(f"{API}/expensereports/").json()["count"] == 0
    # the coordinator sees the report and changes the project, but does not write the lead's report
    coordinator = client(world.coordinator)
    assert coordinator.get(f"{API}/expensereports/{report.pk}/").status_code == 200
    assert patch(coordinator, f"{API}/projects/{project.pk}/", {"summary": "In corso"}).status_code == 200
    assert patch(coordinator, f"{API}/expensereports/{report.pk}/", {"notes": "x"}).status_code == 403
    # a submitted report no longer changes
    models.ExpenseReport.objects.filter(pk=report.pk).update(status="submitted")
    assert patch(lead, f"{API}/expensereports/{report.pk}/", {"notes": "Tardi"}).status_code == 403


def test_the_public_reads_projects_with_partners_and_amounts(world: Any) -> None:
    project = pf.project(world)
    models.ProjectPartner.objects.create(project=project, organisation=world.provider_org, cofinancing_cents=250_000)
    body = client().get(page("project_detail", project.pk)).content.decode()
    assert project.title in body and world.provider_org.name in body
    assert "€ 80.000,00" in body
    api = client().get(f"{API}/projects/{project.pk}/").json()
    assert api["granted_cents"] == 8_000_000 and api["partners"][0]["name"] == world.provider_org.name


def test_the_rules_predicates_agree_with_the_policies(world: Any) -> None:
    draft = pf.proposal(world)
    submitted = pf.proposal(world, status=ProposalStatus.SUBMITTED)
    assert world.lead.has_perm("programming.change_proposal", draft)
    assert not world.lead.has_perm("programming.change_proposal", submitted)
    assert world.lead.has_perm("programming.withdraw_proposal", submitted)
    assert not world.other_lead.has_perm("programming.view_proposal", draft)
    assert world.coordinator.has_perm("programming.view_proposal", draft)
    assert not world.coordinator.has_perm("programming.change_proposal", draft)


def test_expense_reports_and_evaluators_are_listed_only_for_who_may_see_them(world: Any) -> None:
    report = pf.report(world)
    ev = pf.evaluator(world, call_=pf.call(world))
    project_url = page("project_detail", report.project_id)
    call_url = page("call_detail", ev.call_id)
    assert 'id="reports-heading"' not in client().get(project_url).content.decode()
    assert 'id="reports-heading"' in client(world.lead).get(project_url).content.decode()
    public_call = client().get(call_url).content.decode()
    assert 'id="evaluators-heading"' not in public_call and ev.user.username not in public_call
    assert ev.user.username in client(world.coordinator).get(call_url).content.decode()


def test_workflow_buttons_follow_the_permissions(world: Any) -> None:
    try:
        submit_url = page("proposal_submit", 1)
    except NoReverseMatch:
        pytest.skip("the workflow pages are not mounted")
    draft = pf.proposal(world)
    submit_url = page("proposal_submit", draft.pk)
    assert submit_url in client(world.lead).get(page("proposal_detail", draft.pk)).content.decode()
    assert submit_url not in client(world.coordinator).get(page("proposal_detail", draft.pk)).content.decode()
    call_status = page("call_status", draft.call_id)
    assert call_status in client(world.coordinator).get(page("call_detail", draft.call_id)).content.decode()
    assert call_status not in client(world.lead).get(page("call_detail", draft.call_id)).content.decode()


def test_an_evaluator_is_offered_to_declare_its_conflicts(world: Any) -> None:
    ev = pf.evaluator(world)
    add = page("conflictofinterest_add")
    assert add in client(ev.user).get(page("evaluator_detail", ev.pk)).content.decode()
    assert add not in client(world.coordinator).get(page("evaluator_detail", ev.pk)).content.decode()
    assert sent_to_login(client().get(page("evaluator_detail", ev.pk)))
