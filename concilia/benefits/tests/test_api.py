"""The families' side over the REST API (``/api/benefits/``), called as a client would, with JSON.

Given a voucher call open now (the injected clock) and families with their households, when they (or a
help-desk operator for them) start, fill, submit and withdraw applications through the API, then they get
the same answers and the same refusals, in Italian, as on the pages, and nobody else reaches their records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from concilia.accounts.choices import Role
from concilia.benefits import services
from concilia.benefits.models import Adult, Application, FamilyRanking
from concilia.benefits.tests.test_applications import EURO, family, ready, voucher_call
from concilia.benefits.tests.test_closing_day import submitted_call
from concilia.core import clock
from concilia.core.models import Notification, SensitiveRead
from concilia.core.testing import factories as f
from concilia.programming import services as programming
from concilia.programming.choices import ApplicationUnit, CallKind, CallStatus
from concilia.programming.models import CallOffer, FamilyCallTerms
from concilia.programming.tests import factories as pf
from concilia.services.tests import factories as sf

pytestmark = pytest.mark.django_db

API = "/api/benefits"
TAX_CODE = "RSSMRA85T10A562S"
EVERY_DECLARATION = ["truthful", "checks", "notice"]


def client_for(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def post(c: Client, url: str, data: Any = None) -> Any:
    return c.post(url, data if data is not None else {}, content_type="application/json")


def operator(world: Any, username: str = "sportellista") -> Any:
    return f.user_with_role(Role.DESK_OPERATOR, username=username, organisation=world.provider_org)


def application_urls(pk: int) -> list[tuple[str, str, Any]]:
    """Every endpoint of one application: (method, address, a body its input accepts)."""
    base = f"{API}/applications/{pk}"
    return [
        ("get", f"{base}/", None),
        ("get", f"{base}/ranking/", None),
        ("post", f"{base}/children/", {"children": []}),
        ("post", f"{base}/preferences/", {"offers": [1]}),
        ("post", f"{base}/declarations/", {"declarations": EVERY_DECLARATION}),
        ("post", f"{base}/submit/", {}),
        ("post", f"{base}/withdraw/", {}),
    ]


def call_endpoint(c: Client, method: str, url: str, body: Any) -> Any:
    return c.get(url) if method == "get" else post(c, url, body)


def test_a_family_starts_fills_submits_and_withdraws_through_the_api(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    call = voucher_call(world)
    household, child = family("ferrari")
    c = client_for(household.owner)

    home = c.get(f"{API}/household/").json()
    assert home["id"] == household.pk and [x["first_name"] for x in home["children"]] == ["Bea"]
    assert len(home["adults"]) == 2 and home["isee"] is None and home["dependants"] == []
    calls = c.get(f"{API}/calls/").json()["results"]
    assert [(x["id"], x["terms"]["application_unit"], x["terms"]["max_weeks"]) for x in calls] == [
        (call.pk, ApplicationUnit.HOUSEHOLD, 6)
    ]

    started = post(c, f"{API}/applications/", {"call": call.pk})
    assert started.status_code == 201, started.content
    draft = started.json()
    assert (draft["status"], draft["protocol"], draft["is_open"]) == ("draft", "", True)
    assert "Scegli i figli per cui fai domanda." in draft["problems"]  # what still stops it, in words
    again = post(c, f"{API}/applications/", {"call": call.pk})  # a double click: the same application
    assert again.json()["id"] == draft["id"] and Application.objects.filter(call=call).count() == 1
    pk = draft["id"]
    assert [a["id"] for a in c.get(f"{API}/applications/").json()["results"]] == [pk]

    chosen = post(c, f"{API}/applications/{pk}/children/", {"children": [{"child": child.pk, "weeks": 4}]})
    assert chosen.status_code == 200 and chosen.json()["children"] == [
        {"child": child.pk, "name": str(child), "weeks": 4}
    ]
    declared = post(c, f"{API}/applications/{pk}/declarations/", {"declarations": EVERY_DECLARATION})
    assert declared.status_code == 200 and declared.json()["declarations"] == EVERY_DECLARATION
    assert declared.json()["problems"] == []  # eligible: it can be submitted

    with django_capture_on_commit_callbacks(execute=True):
        submitted = post(c, f"{API}/applications/{pk}/submit/")
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["status"] == "submitted" and body["protocol"] == f"{call.code.upper()}/0001"
    assert [v["number"] for v in body["versions"]] == [1] and set(body["versions"][0]) == {"number", "submitted_at"}
    assert Notification.objects.filter(user=household.owner, subject__contains=body["protocol"]).exists()

    withdrawn = post(c, f"{API}/applications/{pk}/withdraw/")
    assert withdrawn.status_code == 200
    assert (withdrawn.json()["status"], withdrawn.json()["protocol"]) == ("withdrawn", body["protocol"])
    application = Application.objects.get(pk=pk)
    assert application.status == "withdrawn" and application.protocol_number == 1 and application.filed_by is None
    assert c.get(f"{API}/applications/").json()["results"][0]["status"] == "withdrawn"


def test_bad_input_is_refused_in_italian_and_changes_nothing(world: Any, time_machine: Any) -> None:
    call = voucher_call(world)
    household, child = family("verdi")
    _other, other_child = family("neri")
    c = client_for(household.owner)
    pk = post(c, f"{API}/applications/", {"call": call.pk}).json()["id"]

    too_many = post(c, f"{API}/applications/{pk}/children/", {"children": [{"child": child.pk, "weeks": 9}]})
    assert too_many.status_code == 400 and too_many.json() == {"weeks": ["Al massimo 6 settimane per Bea verdi."]}
    not_ours = post(c, f"{API}/applications/{pk}/children/", {"children": [{"child": other_child.pk, "weeks": 2}]})
    assert not_ours.status_code == 400
    assert not_ours.json()["non_field_errors"] == ["Scegli figli del tuo nucleo familiare."]
    not_a_number = post(c, f"{API}/applications/{pk}/children/", {"children": [{"child": child.pk, "weeks": "tre"}]})
    assert not_a_number.status_code == 400 and "children" in not_a_number.json()
    half = post(c, f"{API}/applications/{pk}/declarations/", {"declarations": ["truthful"]})
    assert half.status_code == 400
    assert half.json()["declarations"] == ["Spunta ogni dichiarazione: senza, la domanda non può essere presentata."]
    no_places = post(c, f"{API}/applications/{pk}/preferences/", {"offers": [1]})
    assert no_places.json()["non_field_errors"] == [
        "Questo bando non assegna posti: non ci sono preferenze da scegliere."
    ]
    early = post(c, f"{API}/applications/{pk}/submit/")
    assert early.status_code == 400
    assert early.json()["non_field_errors"] == ["Scegli i figli per cui fai domanda.", "Rendi le dichiarazioni."]
    draft_call = pf.CallFactory(plan=pf.PlanFactory(network=world.network), network=world.network,
                                publisher=world.lead_org, kind=CallKind.FAMILY_VOUCHERS, max_grant_cents=None)  # fmt: skip
    unseen = post(c, f"{API}/applications/", {"call": draft_call.pk})  # a draft call is not the family's to see
    assert unseen.status_code == 400 and list(unseen.json()) == ["call"]

    application = Application.objects.get(pk=pk)
    assert not application.children.exists() and application.declarations == [] and not application.preferences.exists()
    assert application.status == "draft" and application.protocol_number is None and not application.versions.exists()
    assert Application.objects.count() == 1

    # Past the deadline (the injected clock moved): refused, and still no protocol number.
    services.application_set_children(application=application, weeks={child.pk: 4}, by=household.owner)
    services.application_declare(application=application, declarations=EVERY_DECLARATION, by=household.owner)
    time_machine.move_to(call.closes_at + dt.timedelta(seconds=1), tick=False)
    closed = post(client_for(household.owner), f"{API}/applications/{pk}/submit/")
    assert closed.status_code == 400 and "Il bando è chiuso dal" in closed.json()["non_field_errors"][0]
    assert Application.objects.get(pk=pk).protocol_number is None


def test_nobody_else_reaches_a_familys_application(world: Any) -> None:
    call = voucher_call(world)
    household, child = family("esposito")
    application = services.application_submit(
        application=ready(call, household, child, household.owner), by=household.owner
    )
    neighbour, _child = family("vicini")
    for user in (neighbour.owner, operator(world), world.coordinator, world.lead, world.provider, world.admin):
        c = client_for(user)
        for method, url, body in application_urls(application.pk):
            response = call_endpoint(c, method, url, body)
            assert response.status_code == 404, (user, method, url, response.content)
        assert application.pk not in [a["id"] for a in c.get(f"{API}/applications/").json()["results"]]
    anonymous = client_for()
    for method, url, body in [
        *application_urls(application.pk),
        ("get", f"{API}/household/", None),
        ("get", f"{API}/calls/", None),
        ("get", f"{API}/applications/", None),
        ("post", f"{API}/applications/", {"call": call.pk}),
    ]:
        assert call_endpoint(anonymous, method, url, body).status_code in (401, 403), (method, url)
    application.refresh_from_db()
    assert application.status == "submitted" and application.versions.count() == 1
    assert application.children.get().weeks == 4 and Application.objects.count() == 1

    # The household is its family's own: with its ISEE and health data, to nobody else (no household: 404).
    services.isee_save(household=household, value_cents=12_000 * EURO, dsu_number="INPS-ISEE-2026-00123456A-00",
                       expires_on=clock.today() + dt.timedelta(days=90), by=household.owner)  # fmt: skip
    own = client_for(household.owner).get(f"{API}/household/").json()
    assert own["isee"]["value_cents"] == 12_000 * EURO and own["children"][0]["certified_disability"] is False
    theirs = client_for(neighbour.owner).get(f"{API}/household/").json()
    assert theirs["id"] == neighbour.pk and theirs["isee"] is None
    staff = client_for(world.coordinator).get(f"{API}/household/")
    assert staff.status_code == 404 and staff.json() == {"detail": "Prima crea il tuo nucleo familiare."}


def test_a_desk_operator_files_for_a_family_and_then_sees_the_application(world: Any) -> None:
    call = voucher_call(world)
    household, child = family("rossi")
    Adult.objects.filter(household=household, first_name="Anna").update(tax_code=TAX_CODE)
    desk = operator(world)
    c = client_for(desk)

    # A family may not file for another one: refused before any search, so no tax code is confirmed.
    neighbour, _child = family("bianchi")
    refused = post(client_for(neighbour.owner), f"{API}/applications/", {"call": call.pk, "tax_code": TAX_CODE})
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Solo la famiglia, o un operatore di sportello per suo conto, può farlo."}
    unknown = post(c, f"{API}/applications/", {"call": call.pk, "tax_code": "BNCGLI90A41F205H"})
    assert unknown.status_code == 400 and list(unknown.json()) == ["tax_code"]  # a new message: not translated yet
    malformed = post(c, f"{API}/applications/", {"call": call.pk, "tax_code": "ABC"})
    assert malformed.status_code == 400 and list(malformed.json()) == ["tax_code"]
    assert not Application.objects.exists()

    started = post(c, f"{API}/applications/", {"call": call.pk, "tax_code": TAX_CODE.lower()})
    assert started.status_code == 201, started.content
    pk = started.json()["id"]
    assert started.json()["filed_by_operator"] is True
    assert [a["id"] for a in c.get(f"{API}/applications/").json()["results"]] == [pk]
    post(c, f"{API}/applications/{pk}/children/", {"children": [{"child": child.pk, "weeks": 3}]})
    post(c, f"{API}/applications/{pk}/declarations/", {"declarations": EVERY_DECLARATION})
    submitted = post(c, f"{API}/applications/{pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["protocol"] == f"{call.code.upper()}/0001"
    application = Application.objects.get(pk=pk)
    assert application.household == household and application.filed_by == desk
    # The family sees it in its own list; another operator does not reach it.
    family_view = client_for(household.owner).get(f"{API}/applications/{pk}/").json()
    assert family_view["protocol"] == submitted.json()["protocol"] and family_view["filed_by_operator"] is True
    assert client_for(operator(world, "altro-sportellista")).get(f"{API}/applications/{pk}/").status_code == 404
    assert c.get(f"{API}/household/").status_code == 404  # the operator's own household: none

    # A household that applied by itself: the operator is told so, and does not get its application.
    neighbour_app = services.application_start(call=call, household=neighbour, by=neighbour.owner)
    Adult.objects.filter(household=neighbour, first_name="Marco").update(tax_code="BNCGLI90A41F205H")
    twice = post(c, f"{API}/applications/", {"call": call.pk, "tax_code": "BNCGLI90A41F205H"})
    assert twice.status_code == 409
    assert twice.json() == {"non_field_errors": ["Il tuo nucleo familiare ha già fatto domanda a questo bando."]}
    assert Application.objects.get(pk=neighbour_app.pk).filed_by is None


def test_a_place_call_takes_the_familys_preferences_in_order(world: Any) -> None:
    now = clock.now()
    call = pf.CallFactory(plan=pf.funded_plan(network=world.network), network=world.network, publisher=world.lead_org,
                          kind=CallKind.FAMILY_PLACES, budget_cents=0, max_grant_cents=None,
                          opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=10))  # fmt: skip
    FamilyCallTerms.objects.create(call=call, application_unit=ApplicationUnit.CHILD)
    first, second = sf.OfferFactory(label="Nido mattina"), sf.OfferFactory(label="Nido pomeriggio")
    for offer in (first, second):
        CallOffer.objects.create(call=call, offer=offer, places=1)
    programming.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    household, child = family("gallo")
    c = client_for(household.owner)
    listed = c.get(f"{API}/calls/").json()["results"][0]
    assert sorted(o["name"] for o in listed["offers"]) == ["Nido mattina", "Nido pomeriggio"]

    no_child = post(c, f"{API}/applications/", {"call": call.pk})  # one application per child: which one
    assert no_child.status_code == 400 and no_child.json() == {"child": ["Scegli il figlio per cui fai domanda."]}
    started = post(c, f"{API}/applications/", {"call": call.pk, "child": child.pk})
    assert started.status_code == 201 and started.json()["child_name"] == str(child)
    pk = started.json()["id"]
    stranger = sf.OfferFactory(label="Altro nido")
    outside = post(c, f"{API}/applications/{pk}/preferences/", {"offers": [first.pk, stranger.pk]})
    assert outside.status_code == 400 and outside.json() == {"preferences": ["Scegli tra i servizi del bando."]}
    ordered = post(c, f"{API}/applications/{pk}/preferences/", {"offers": [second.pk, first.pk]})
    assert ordered.status_code == 200
    assert [(p["rank"], p["offer"]) for p in ordered.json()["preferences"]] == [(1, second.pk), (2, first.pk)]


def test_the_ranking_endpoint_shows_the_familys_own_place_once_published(world: Any) -> None:
    call, (first, draft, third) = submitted_call(world)
    desk = operator(world)
    household, child = family("sportello")
    filed = services.application_submit(application=ready(call, household, child, desk), by=desk)
    owner = client_for(first.household.owner)
    before = owner.get(f"{API}/applications/{first.pk}/ranking/")
    assert before.status_code == 404
    assert before.json() == {"detail": "Nessuna graduatoria di questa domanda è ancora pubblicata."}

    after = call.closes_at + dt.timedelta(minutes=1)
    ranking = services.closing_day(call=call, by=world.coordinator, now=after)
    services.ranking_request(ranking=ranking, by=world.coordinator, now=after)
    assert owner.get(f"{API}/applications/{first.pk}/ranking/").status_code == 404  # computed, not yet published
    second = f.user_with_role(Role.NETWORK_COORDINATOR, username="seconda", network=world.network)
    services.ranking_approve(ranking=ranking, by=second, now=after)
    ranking = FamilyRanking.objects.get(pk=ranking.pk)

    place = owner.get(f"{API}/applications/{first.pk}/ranking/")
    assert place.status_code == 200, place.content
    data = place.json()
    entry = next(e for e in ranking.entries if e["protocol"] == first.protocol)
    assert (data["protocol"], data["rank"], data["points"]) == (first.protocol, entry["rank"], entry["points"])
    assert (data["ranking"], data["version"], data["status"]) == (ranking.pk, 1, "provisional")
    assert data["eligible"] is True and data["explanation"] and data["can_object"] is True
    assert sum(b["points"] for b in data["breakdown"]) == data["points"]
    assert not SensitiveRead.objects.exists()  # the family reads its own

    for user in (third.household.owner, world.coordinator, world.admin):
        assert client_for(user).get(f"{API}/applications/{first.pk}/ranking/").status_code == 404, user
    assert client_for(third.household.owner).get(f"{API}/applications/{third.pk}/ranking/").status_code == 200
    assert client_for(draft.household.owner).get(f"{API}/applications/{draft.pk}/ranking/").status_code == 404
    assert client_for().get(f"{API}/applications/{first.pk}/ranking/").status_code in (401, 403)

    # The operator who filed reads the place too; the points' facts (ISEE, disability) make it a recorded read.
    by_desk = client_for(desk).get(f"{API}/applications/{filed.pk}/ranking/")
    assert by_desk.status_code == 200 and by_desk.json()["can_object"] is False  # objections are the family's
    read = SensitiveRead.objects.get()
    assert (read.user, read.model, read.object_id) == (desk, "benefits.application", filed.pk)


def test_the_lists_cost_the_same_queries_whatever_their_length(world: Any) -> None:
    desk = operator(world)
    c = client_for(desk)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    first = voucher_call(world)
    household, _child = family("uno")
    services.application_start(call=first, household=household, by=desk)
    queries(f"{API}/calls/")  # the first request of a session reads what the next ones find cached
    one = (queries(f"{API}/calls/"), queries(f"{API}/applications/"))
    for name in ("due", "tre"):
        call = voucher_call(world)
        other, _child = family(name)
        services.application_start(call=call, household=other, by=desk)
    assert len(c.get(f"{API}/applications/").json()["results"]) == 3
    assert (queries(f"{API}/calls/"), queries(f"{API}/applications/")) == one
