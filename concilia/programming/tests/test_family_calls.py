"""Family calls on the generic calls: voucher and place calls with their terms, first come first served, the rules
they may read (``family_fields.py``), their budget on the plan, and who may set their terms (only the call's
coordinators, only while it is a draft)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from concilia.accounts.choices import Role
from concilia.allocation import engine
from concilia.allocation.types import Application
from concilia.core import clock
from concilia.core.testing import factories as f
from concilia.programming import budget, family_fields, services
from concilia.programming.choices import ApplicationUnit, CallKind, CallStatus, VoucherBasis
from concilia.programming.forms import CallForm
from concilia.programming.models import Call, CallOffer, FamilyCallTerms
from concilia.programming.plain_rules import describe
from concilia.programming.rules import engine_call, engine_document, engine_offers
from concilia.programming.tests import factories as pf
from concilia.programming.tests import register_factories as rf
from concilia.services.tests import factories as sf

pytestmark = [pytest.mark.django_db, pytest.mark.urls(rf.URLCONF)]

ROME = ZoneInfo("Europe/Rome")
EURO = 100
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ROME)

# Rules that read what a household gives: ISEE, children and their ages, work, hours, disability, single parent.
FAMILY_RULES = """
eligibility:
  - id: isee
    reason: "ISEE oltre 30.000 €"
    rule: {at_most: {field: isee_cents, value: 3000000}}
  - id: workers
    reason: "Entrambi i genitori devono lavorare"
    rule: {any: [{is_true: both_parents_working}, {is_true: single_parent}]}
  - id: young_child
    reason: "Serve almeno un figlio tra 3 e 14 anni"
    rule:
      count:
        list: children
        where: {age: {field: birth_date, reference_date: 2026-06-15, min: 3 years, max: 14 years}}
        min: 1
points:
  - id: isee
    label: "Fasce ISEE"
    bands: {field: isee_cents, ranges: [{max: 1500000, points: 20}, {min: 1500001, points: 10}]}
  - id: hours
    label: "Ore di lavoro"
    condition: {at_least: {field: min_weekly_hours, value: 30}}
    points: 5
  - id: disability
    label: "Disabilità nel nucleo"
    condition: {is_true: disability_in_household}
    points: 8
  - id: single_parent
    label: "Genitore solo"
    condition: {is_true: single_parent}
    points: 6
  - id: children
    label: "Figli"
    per_unit: {field: children_count, points: 2, max_units: 4}
tie_breakers:
  - {field: isee_cents, order: asc, missing: last}
  - earlier_submission
"""


@pytest.fixture(autouse=True)
def frozen(time_machine: Any) -> Iterator[None]:
    """Every test runs at the same instant of the project's clock (``core/clock.py``), in English: the messages
    asserted are the msgids (the Italian of one already translated is asserted under ``override("it")``)."""
    time_machine.move_to(NOW, tick=False)
    with translation.override("en"):
        yield


@pytest.fixture
def plan(world: Any) -> Any:
    """A plan of the world's network with 100.000 € of funds."""
    return pf.funded_plan(100_000 * EURO, network=world.network)


def family_call(world: Any, plan: Any, kind: str = CallKind.FAMILY_VOUCHERS, **kw: Any) -> Call:
    values: dict[str, Any] = {
        "plan": plan,
        "network": world.network,
        "kind": kind,
        "budget_cents": 30_000 * EURO,
        "max_grant_cents": None,
        "min_cofinancing_percent": 0,
        "opens_at": clock.now() - dt.timedelta(hours=1),
        "closes_at": clock.now() + dt.timedelta(days=30),
        **kw,
    }
    return pf.CallFactory(**values)


def voucher_terms(world: Any, call: Call, **kw: Any) -> FamilyCallTerms:
    values: dict[str, Any] = {
        "basis": VoucherBasis.PER_WEEK,
        "amount_cents": 90 * EURO,
        "max_weeks": 6,
        "max_per_child_cents": 500 * EURO,
        "max_per_household_cents": 900 * EURO,
        "application_unit": ApplicationUnit.HOUSEHOLD,
        "service_kinds": ["centro_estivo"],
        **kw,
    }
    terms = FamilyCallTerms(call=call, **values)
    saved = services.family_part_save(item=terms, by=world.coordinator)
    assert isinstance(saved, FamilyCallTerms)
    return saved


def child(born: dt.date, *, applying: bool = True, weeks: int | None = None, disability: bool = False) -> dict:
    return {"birth_date": born, "disability": disability, "applying": applying, "weeks": weeks}


def english(user: Any = None) -> Client:
    """A client reading the pages in English (their msgids), signed in as ``user`` if given."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def coordinator_of_other_network(world: Any) -> Any:
    return f.user_with_role(Role.NETWORK_COORDINATOR, network=world.other_network, username="coordinatore-mantova")


# -- voucher calls ----------------------------------------------------------------------------


def test_a_voucher_call_with_terms_opens_and_reserves_its_budget(world: Any, plan: Any) -> None:
    # Given a draft voucher call of 30.000 € on a plan of 100.000 €, with its terms
    call = family_call(world, plan)
    provider = sf.ServiceFactory(provider=world.provider_org, kind="centro_estivo").provider
    terms = voucher_terms(world, call)
    services.family_part_save(item=terms, by=world.coordinator, m2m={"providers": [provider]})
    assert budget.plan_figures(plan).committed == 0
    # When its coordinator opens it
    services.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    # Then the plan has reserved the whole budget
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    assert budget.plan_figures(plan) == budget.Figures(100_000 * EURO, 30_000 * EURO, 0, 70_000 * EURO)
    assert list(terms.providers.all()) == [provider]
    # and after the final ranking it stays committed (its grants are vouchers, recorded by the benefits app)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.FINAL_RANKING)
    assert budget.plan_figures(plan).committed == 30_000 * EURO


def test_the_engine_call_has_the_voucher_amounts_and_caps(world: Any, plan: Any) -> None:
    call = family_call(world, plan, max_grant_cents=800 * EURO)
    voucher_terms(world, call)
    compiled = engine_call(call)
    outcome = compiled.outcome
    assert (outcome.mode, outcome.budget_cents, outcome.max_grant_cents) == ("ranked_budget", 30_000 * EURO, 80_000)
    assert set(compiled.fields) == {spec.name for spec in family_fields.FAMILY_FIELDS}
    assert engine_document(call)["outcome"]["request"] == {
        "per_item": {
            "list": "children",
            "where": {"is_true": {"field": "applying"}},
            "amount": "90,00",
            "units": "weeks",
            "max_units": 6,
            "max": "500,00",
        },
        "max": "900,00",
    }
    request = outcome.request
    assert request is not None
    two = {"children": [child(dt.date(2018, 5, 1), weeks=4), child(dt.date(2016, 1, 9), weeks=8)]}
    # 4 × 90 = 360; 8 weeks counted as 6: 540, capped at 500 per child; 860 in all, under the 900 per household
    assert request.amount(two) == 86_000
    three = {"children": [child(dt.date(2015, 1, 1), weeks=6)] * 3}
    assert request.amount(three) == 90_000  # 3 × 500, capped at 900 per application
    not_applying = {"children": [child(dt.date(2015, 1, 1), weeks=6, applying=False)]}
    assert request.amount(not_applying) == 0


def test_an_amount_per_child_counts_each_child_applying_once(world: Any, plan: Any) -> None:
    call = family_call(world, plan)
    voucher_terms(world, call, basis=VoucherBasis.PER_CHILD, amount_cents=250 * EURO, max_weeks=None,
                  max_per_child_cents=None, max_per_household_cents=None)  # fmt: skip
    request = engine_call(call).outcome.request
    assert request is not None
    apps = {
        "children": [child(dt.date(2019, 1, 1)), child(dt.date(2020, 1, 1)), child(dt.date(2010, 1, 1), applying=False)]
    }
    assert request.amount(apps) == 500 * EURO
    assert "The voucher is € 250,00 for each child applying." in describe(call).outcome


def test_a_voucher_call_ranks_families_with_rules_on_the_family_fields(world: Any, plan: Any) -> None:
    # Given a voucher call whose rules read ISEE, work, hours, disability, single parent and the children's ages
    call = family_call(world, plan, rules=FAMILY_RULES)
    call.full_clean()
    voucher_terms(world, call)
    compiled = engine_call(call)
    base = {
        "both_parents_working": True, "single_parent": False, "min_weekly_hours": 36, "children_count": 2,
        "disability_in_household": False,
    }  # fmt: skip
    apps = [
        Application("P-1", NOW, {**base, "isee_cents": 1_200_000, "children": [child(dt.date(2018, 5, 1), weeks=6)]}),
        Application("P-2", NOW, {**base, "isee_cents": 2_000_000, "single_parent": True, "both_parents_working": False,
                                 "disability_in_household": True, "children": [child(dt.date(2019, 2, 1), weeks=3)]}),
        Application("P-3", NOW, {**base, "isee_cents": 3_500_000, "children": [child(dt.date(2018, 5, 1), weeks=6)]}),
        Application("P-4", NOW, {**base, "isee_cents": 900_000, "children": [child(dt.date(2025, 1, 1), weeks=6)]}),
    ]  # fmt: skip
    # When the engine ranks them
    result = engine.rank(compiled, apps)
    entries = {e.id: e for e in result.entries}
    # Then P-2 (10 + 5 + 8 + 6 + 4 = 33 points) comes before P-1 (20 + 5 + 4 = 29); P-3's ISEE and P-4's baby exclude them
    assert [e.id for e in result.entries if e.eligible] == ["P-2", "P-1"]
    assert (entries["P-2"].points, entries["P-2"].granted_cents) == (33, 27_000)
    assert (entries["P-1"].points, entries["P-1"].granted_cents) == (29, 50_000)
    assert [x.rule_id for x in entries["P-3"].exclusions] == ["isee"]
    assert [x.rule_id for x in entries["P-4"].exclusions] == ["young_child"]
    # and the call's page says its rules in words
    plain = describe(call)
    assert "Vouchers are granted down the ranking until the budget of € 30.000,00 ends." in plain.outcome


def test_the_rules_preview_ranks_sample_families(world: Any, plan: Any) -> None:
    call = family_call(world, plan, rules=FAMILY_RULES)
    voucher_terms(world, call)
    client = Client()
    client.force_login(world.coordinator)
    url = reverse("programming:call_rules_preview", args=[call.pk])
    header = client.get(url).context["form"].initial["applications"]
    assert header.startswith("id,submitted_at,isee_cents,") and "requested_cents" not in header
    columns = "id,submitted_at,isee_cents,both_parents_working,single_parent,min_weekly_hours,children_count,children"
    rows = [
        "F-1,2026-03-02T09:00:00+01:00,1000000,sì,no,36,1,2018-05-01;no;sì;4",
        "F-2,2026-03-02T09:05:00+01:00,4000000,sì,no,36,1,2018-05-01;no;sì;4",
    ]
    response = client.post(url, {"applications": "\n".join([columns, *rows])})
    assert response.status_code == 200, response.content.decode()[:2000]
    rows_shown = {r["id"]: r for r in response.context["rows"]}
    assert rows_shown["F-1"]["granted_cents"] == 36_000
    assert rows_shown["F-2"]["outcome"] == "excluded"


def test_the_rules_preview_asks_for_the_terms_first(world: Any, plan: Any) -> None:
    call = family_call(world, plan)
    url = reverse("programming:call_rules_preview", args=[call.pk])
    response = english(world.coordinator).post(url, {"applications": "id,submitted_at\nF-1,2026-03-02T09:00:00+01:00"})
    assert response.status_code == 400
    assert "A voucher call needs its terms (the amount of its vouchers) before it opens." in response.content.decode()


# -- first come, first served -----------------------------------------------------------------


def test_a_first_come_first_served_voucher_call_ranks_by_submission_time(world: Any, plan: Any) -> None:
    call = family_call(world, plan)
    voucher_terms(world, call, first_come_first_served=True)
    compiled = engine_call(call)
    assert compiled.outcome.mode == "first_come"
    assert "tie_breakers" not in engine_document(call)
    early, late = NOW, NOW + dt.timedelta(minutes=1)
    family = {"children": [child(dt.date(2018, 5, 1), weeks=6)]}
    result = engine.rank(compiled, [Application("late", late, family), Application("early", early, family)])
    assert [e.id for e in result.entries] == ["early", "late"]


def test_a_first_come_first_served_call_refuses_points_and_tie_breakers(world: Any, plan: Any) -> None:
    call = family_call(
        world, plan, rules="points:\n  - {id: a, label: A, condition: {is_true: single_parent}, points: 1}\n"
    )
    # The terms cannot make the call first come, first served while its rules give points
    with pytest.raises(ValidationError) as refused:
        voucher_terms(world, call, first_come_first_served=True)
    assert "ranks applications by submission time: remove points" in " ".join(refused.value.messages)
    assert not FamilyCallTerms.objects.filter(call=call).exists()


def test_a_first_come_first_served_place_call_places_in_order_of_submission(world: Any, plan: Any) -> None:
    call = family_call(world, plan, kind=CallKind.FAMILY_PLACES, budget_cents=0)
    services.family_part_save(item=FamilyCallTerms(call=call, first_come_first_served=True), by=world.coordinator)
    services.family_part_save(
        item=CallOffer(call=call, offer=sf.OfferFactory(capacity=5), places=1), by=world.coordinator
    )
    document = engine_document(call)
    assert document["tie_breakers"] == ["earlier_submission"] and "points" not in document
    offer = engine_offers(call)[0]
    apps = [
        Application("late", NOW + dt.timedelta(seconds=1), {"child_birth_date": dt.date(2025, 1, 1)}, (offer.id,)),
        Application("early", NOW, {"child_birth_date": dt.date(2025, 1, 1)}, (offer.id,)),
    ]
    result = engine.rank(engine_call(call), apps, [offer])
    assert {e.id: e.outcome for e in result.entries} == {"early": "placed", "late": "waiting"}


# -- place calls --------------------------------------------------------------------------------


def test_a_place_call_with_two_offers_compiles_with_their_capacities(world: Any, plan: Any) -> None:
    # Given a nursery place call with two offers of the catalogue giving 2 and 1 places
    call = family_call(world, plan, kind=CallKind.FAMILY_PLACES, budget_cents=0, rules="""
priorities:
  - {id: same_municipality, label: "Residenti nel comune del nido", class: 0,
     when: {same: [application.municipality, offer.municipality]}}
default_class: 1
tie_breakers: [{field: isee_cents, order: asc, missing: last}, earlier_submission]
""")  # fmt: skip
    aquilone = sf.OfferFactory(capacity=20, label="Aquilone tempo pieno", service__kind="nido")
    birillo = sf.OfferFactory(capacity=10, label="Birillo part time", min_age_months=12, max_age_months=36)
    by = world.coordinator
    services.family_part_save(item=FamilyCallTerms(call=call, age_reference_date=dt.date(2026, 9, 1)), by=by)
    services.family_part_save(item=CallOffer(call=call, offer=aquilone, places=2), by=by)
    services.family_part_save(item=CallOffer(call=call, offer=birillo, places=1), by=by)
    # Then the engine gets both offers with the places given to the call and their ages and fields
    compiled = engine_call(call)
    assert compiled.outcome.mode == "places" and compiled.outcome.reference_date == dt.date(2026, 9, 1)
    assert compiled.outcome.age_field == "child_birth_date"
    offers = {o.id: o for o in engine_offers(call)}
    assert {(o.id, o.capacity, o.min_age_months, o.max_age_months) for o in offers.values()} == {
        (str(aquilone.pk), 2, 3, 36),  # the nursery's usual ages
        (str(birillo.pk), 1, 12, 36),
    }
    home = aquilone.service.municipality.istat_code
    assert offers[str(aquilone.pk)].fields == {
        "name": f"{aquilone.service.name} – Aquilone tempo pieno", "municipality": home, "service_kind": "nido",
        "provider": str(aquilone.service.provider_id),
    }  # fmt: skip
    # and ranks children by their preferences, residents of the nursery's municipality first
    first, second = str(aquilone.pk), str(birillo.pk)
    born = {"child_birth_date": dt.date(2025, 1, 10)}
    apps = [
        Application("A", NOW, {**born, "isee_cents": 500_000}, (first, second)),
        Application("B", NOW, {**born, "isee_cents": 900_000, "municipality": home}, (first,)),
        Application("C", NOW, {**born, "isee_cents": 700_000}, (first, second)),
        Application("D", NOW, {**born, "isee_cents": 100_000}, (second,)),
    ]
    result = engine.rank(compiled, apps, list(offers.values()))
    assert {e.id: (e.outcome, e.offer) for e in result.entries} == {
        "A": ("placed", first), "B": ("placed", first), "C": ("waiting", None), "D": ("placed", second),
    }  # fmt: skip
    plain = describe(call)
    assert plain.outcome[0].endswith("3 places in 2 services.")


def test_a_place_call_needs_an_offer_to_open_and_gives_no_vouchers(world: Any, plan: Any) -> None:
    call = family_call(world, plan, kind=CallKind.FAMILY_PLACES, budget_cents=0)
    with pytest.raises(ValidationError, match="needs at least one offer"):
        services.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    with pytest.raises(ValidationError, match="not vouchers"):
        services.family_part_save(
            item=FamilyCallTerms(call=call, basis=VoucherBasis.PER_CHILD, amount_cents=100), by=world.coordinator
        )
    offer = sf.OfferFactory(capacity=3)
    with pytest.raises(ValidationError, match="3 places in all"):
        services.family_part_save(item=CallOffer(call=call, offer=offer, places=4), by=world.coordinator)
    with pytest.raises(ValidationError, match="at least one place"):
        services.family_part_save(item=CallOffer(call=call, offer=offer, places=0), by=world.coordinator)
    services.family_part_save(item=CallOffer(call=call, offer=offer, places=3), by=world.coordinator)
    with pytest.raises(ValidationError, match="already assigns places of this offer"):
        services.family_part_save(item=CallOffer(call=call, offer=offer, places=1), by=world.coordinator)
    services.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    assert Call.objects.get(pk=call.pk).status == CallStatus.OPEN


# -- validation ---------------------------------------------------------------------------------


def test_a_voucher_call_needs_its_terms_to_open(world: Any, plan: Any) -> None:
    call = family_call(world, plan)
    with pytest.raises(ValidationError, match="needs its terms"):
        services.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    assert Call.objects.get(pk=call.pk).status == CallStatus.DRAFT
    assert budget.plan_figures(plan).committed == 0


def test_rules_naming_an_unknown_family_field_are_refused_in_the_form(world: Any, plan: Any) -> None:
    call = family_call(world, plan)
    voucher_terms(world, call)
    data = {
        "network": world.network.pk, "publisher": call.publisher_id, "plan": plan.pk, "kind": call.kind,
        "code": call.code, "title": call.title, "opens_at": "2026-03-02T10:00", "closes_at": "2026-04-01T10:00",
        "budget_cents": "30.000,00", "min_cofinancing_percent": 0, "objections_days": 10,
        "rules": "eligibility:\n  - {id: isee, reason: ISEE, rule: {at_most: {field: isee, value: 3000000}}}\n"
                 "points:\n  - id: small\n    label: Piccoli\n    per_item:\n      list: children\n"
                 "      where: {is_true: {field: nursery}}\n      points: 1\n",
    }  # fmt: skip
    form = CallForm(data, instance=call, user=world.coordinator)
    assert not form.is_valid()
    errors = form.errors["rules"]
    assert any(e.startswith("eligibility[0].rule.at_most.field: Unknown field “isee”: the fields an application "
                            "gives are isee_cents, municipality,") for e in errors), errors  # fmt: skip
    # inside a list's "where", the fields are a child's
    assert any("Unknown field “nursery”: the fields an application gives are birth_date, disability, applying, weeks."
               in e for e in errors), errors  # fmt: skip
    # a place call's priorities read the offer's fields
    places = family_call(world, plan, kind=CallKind.FAMILY_PLACES, budget_cents=0)
    places.rules = (
        "priorities:\n  - {id: p, label: P, class: 0, when: {same: [application.municipality, offer.town]}}\n"
    )
    with pytest.raises(ValidationError) as refused:
        places.full_clean()
    assert "Unknown field “town”: the fields of an offer are id, name, municipality, service_kind, provider." in (
        " ".join(refused.value.messages)
    )
    # a section a voucher call does not have is refused in Italian (a message of the call form already translated)
    with translation.override("it"):
        form = CallForm({**data, "rules": "priorities: []\n"}, instance=call, user=world.coordinator)
        assert not form.is_valid()
        assert form.errors["rules"] == [
            "Sezioni sconosciute: priorities. Ammesse: lists, eligibility, points, tie_breakers, fit."
        ]


def test_the_terms_constraints_say_what_is_wrong(world: Any, plan: Any) -> None:
    call = family_call(world, plan)
    cases = [
        ({"amount_cents": 100}, "needs both its amount"),
        ({"basis": VoucherBasis.PER_CHILD, "amount_cents": 100, "max_weeks": 3}, "applies only to an amount per week"),
        ({"basis": VoucherBasis.PER_CHILD, "amount_cents": 100, "max_per_child_cents": 300}, "is its own maximum"),
        ({"basis": VoucherBasis.PER_CHILD, "amount_cents": 100, "max_per_household_cents": 300},
         "needs one application per household"),
        ({"basis": VoucherBasis.PER_WEEK, "amount_cents": 100, "max_per_child_cents": 500,
          "max_per_household_cents": 300, "application_unit": ApplicationUnit.HOUSEHOLD}, "cannot be lower"),
        ({"basis": VoucherBasis.PER_CHILD, "amount_cents": 100, "service_kinds": ["piscina"]},
         "Unknown kinds of service: piscina."),
        ({}, "needs the amount of its vouchers"),
    ]  # fmt: skip
    for values, message in cases:
        with pytest.raises(ValidationError) as refused:
            services.family_part_save(item=FamilyCallTerms(call=call, **values), by=world.coordinator)
        assert message in " ".join(refused.value.messages), (values, refused.value.messages)
    assert not FamilyCallTerms.objects.filter(call=call).exists()


def test_a_call_keeps_its_kind_while_it_has_family_terms(world: Any, plan: Any) -> None:
    call = family_call(world, plan)
    voucher_terms(world, call)
    call.kind = CallKind.ALLIANCE_PROJECTS
    with pytest.raises(ValidationError, match="remove them before changing its kind"):
        call.full_clean()
    alliance_call = family_call(world, plan, kind=CallKind.ALLIANCE_PROJECTS)
    with pytest.raises(ValidationError, match="belong to calls for family vouchers or places"):
        voucher_terms(world, alliance_call)
    with pytest.raises(ValidationError, match="Only place calls assign"):
        services.family_part_save(item=CallOffer(call=alliance_call, offer=sf.OfferFactory(), places=1),
                                  by=world.coordinator)  # fmt: skip


# -- who, and when ------------------------------------------------------------------------------


def test_the_terms_cannot_change_after_the_call_opens(world: Any, plan: Any) -> None:
    call = family_call(world, plan)
    terms = voucher_terms(world, call)
    services.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    # Not through the service, not even by the administrator
    terms.amount_cents = 120 * EURO
    for user in (world.coordinator, world.admin):
        with pytest.raises(ValidationError, match="is no longer a draft"):
            services.family_part_save(item=terms, by=user)
        with pytest.raises(ValidationError, match="is no longer a draft"):
            services.family_part_remove(item=terms, by=user)
    # nor through the page or the API
    client = Client()
    client.force_login(world.coordinator)
    edit = client.post(reverse("programming:familycallterms_edit", args=[terms.pk]), {"amount_cents": "120,00"})
    assert edit.status_code in (403, 404)
    patch = client.patch(
        f"/api/programming/family-terms/{terms.pk}/", json.dumps({"amount_cents": 12_000}),
        content_type="application/json",
    )  # fmt: skip
    assert patch.status_code in (403, 404)
    terms.refresh_from_db()
    assert terms.amount_cents == 90 * EURO
    # while anybody may now read them, with the open call
    assert Client().get(reverse("programming:familycallterms_detail", args=[terms.pk])).status_code == 200
    page = english().get(reverse("programming:call_detail", args=[call.pk])).content.decode()
    assert "Terms for families" in page and "€ 90,00" in page


def test_another_networks_coordinator_cannot_see_nor_set_the_terms(world: Any, plan: Any) -> None:
    call = family_call(world, plan)
    terms = voucher_terms(world, call)
    places = family_call(world, plan, kind=CallKind.FAMILY_PLACES)
    offer = services.family_part_save(
        item=CallOffer(call=places, offer=sf.OfferFactory(), places=2), by=world.coordinator
    )
    stranger = coordinator_of_other_network(world)
    # The services refuse them
    with pytest.raises(PermissionDenied):
        services.family_part_save(item=FamilyCallTerms.objects.get(pk=terms.pk), by=stranger)
    with pytest.raises(PermissionDenied):
        services.family_part_remove(item=offer, by=stranger)
    with pytest.raises(PermissionDenied):
        services.family_part_save(item=CallOffer(call=places, offer=sf.OfferFactory(), places=1), by=stranger)
    # The pages and the API answer 403 or 404, and nothing changes
    client = Client()
    client.force_login(stranger)
    for url in (
        reverse("programming:familycallterms_detail", args=[terms.pk]),
        reverse("programming:familycallterms_edit", args=[terms.pk]),
        reverse("programming:calloffer_delete", args=[offer.pk]),
        f"/api/programming/family-terms/{terms.pk}/",
        f"/api/programming/call-offers/{offer.pk}/",
    ):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(reverse("programming:calloffer_delete", args=[offer.pk])).status_code in (403, 404)
    assert client.delete(f"/api/programming/call-offers/{offer.pk}/").status_code in (403, 404)
    created = client.post(
        "/api/programming/family-terms/",
        json.dumps({"call": places.pk, "application_unit": "child"}),
        content_type="application/json",
    )
    assert created.status_code in (400, 403, 404)
    assert CallOffer.objects.filter(pk=offer.pk).exists()
    assert not FamilyCallTerms.objects.filter(call=places).exists()
    # while the call's own coordinator removes the offer
    services.family_part_remove(item=offer, by=world.coordinator)
    assert not CallOffer.objects.filter(pk=offer.pk).exists()


def test_the_call_page_shows_the_terms_and_offers_to_its_coordinator(world: Any, plan: Any) -> None:
    call = family_call(world, plan, kind=CallKind.FAMILY_PLACES, budget_cents=0, rules=FAMILY_RULES)
    offer = sf.OfferFactory(capacity=20, label="Aquilone tempo pieno")
    services.family_part_save(item=CallOffer(call=call, offer=offer, places=2), by=world.coordinator)
    page = english(world.coordinator).get(reverse("programming:call_detail", args=[call.pk])).content.decode()
    assert "Places offered" in page and "Aquilone tempo pieno" in page
    assert reverse("programming:familycallterms_add") + f"?call={call.pk}" in page
    assert reverse("programming:calloffer_add") + f"?call={call.pk}" in page
    assert "Evaluation criteria" not in page
    plain = describe(call)
    assert plain.eligibility[2] == (
        "The children for which the age from child's date of birth on 2026-06-15 is at least 3 years and at most "
        "14 years are at least 1 (otherwise: “Serve almeno un figlio tra 3 e 14 anni”)."
    )
    assert "Siblings applying together are placed in the same service, or not at all." in plain.outcome
