"""The demo programming cycle (``concilia load_demo``): plans, calls and projects of the seeds, and an open example call.

The territory comes from the session fixture ``territory_loaded``; the network register, the demo
accounts and this demo are loaded once for the module inside a transaction rolled back at the end,
and each test runs in its own nested transaction (``db``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from functools import partial
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from concilia.accounts import demo as accounts_demo
from concilia.accounts.models import User
from concilia.core import clock
from concilia.core.testing.demo import demo_loaded
from concilia.network import demo as network_demo
from concilia.network.models import Alliance, Partnership
from concilia.programming import demo
from concilia.programming.choices import (
    BUDGET_RESERVED,
    CALL_TRANSITIONS,
    Admissibility,
    CallStatus,
    PartnerRole,
    ProposalStatus,
)
from concilia.programming.models import (
    BudgetLine,
    Call,
    CallEvent,
    ConflictOfInterest,
    Document,
    EvaluationCriterion,
    Evaluator,
    FundingSource,
    Plan,
    Project,
    ProjectAction,
    ProjectPartner,
    Proposal,
    ProposalAction,
    ProposalBudgetLine,
    ProposalPartner,
    ProtocolCounter,
)
from concilia.programming.rules import engine_call
from concilia.territory.models import DataLoad

SEEDS_DIR = Path(os.environ.get("CONCILIA_SEEDS_DIR", Path(__file__).resolve().parents[3].parent / "shared" / "seeds"))
SOURCE_LINE = re.compile(r"^00\d_[0-9a-f]{16}\.txt: «", re.MULTILINE)
EXAMPLE_CODE = "esempio-atsvp-alleanze"
EVALUATION_CODE = "esempio-atsvp-alleanze-valutazione"
DRAFT_CODE = "esempio-atsvp-sportelli"
VAL_PADANA = "Rete territoriale per la conciliazione dell'ATS Val Padana"
ASL_MILANO_PLAN = "Piano territoriale conciliazione 2014-2016 Asl Milano"
ASL_MILANO_1_PLAN = "Piano territoriale conciliazione 2014-2016 Asl Milano 1"
ATS_MILANO_PLAN = "Piano territoriale di ATS della Città Metropolitana di Milano 2017/2018"
VAL_PADANA_PLAN = "Piano territoriale per la conciliazione 2017-2018 – ATS Val Padana"
CREMONA_FIRST_PLAN = "Piano territoriale per la conciliazione 2011-2013 – Rete di Cremona"
CREMONA_2014_PLAN = "Piano territoriale per la conciliazione 2014-2016 – Rete di Cremona"
GOVERNARE = "Governare gli equilibri: una rete territoriale per promuovere la conciliazione"
MODELS = (
    Plan,
    FundingSource,
    BudgetLine,
    Document,
    Call,
    CallEvent,
    EvaluationCriterion,
    Evaluator,
    ConflictOfInterest,
    Project,
    ProjectPartner,
    ProjectAction,
    Proposal,
    ProposalAction,
    ProposalPartner,
    ProposalBudgetLine,
    ProtocolCounter,
    Alliance,
    Partnership,
)


@pytest.fixture(scope="module")
def loaded(territory_loaded: None, django_db_blocker: Any) -> Iterator[demo.ProgrammingLoadResult]:
    """Network register, demo accounts and programming demo, loaded once; rolled back afterwards."""
    with demo_loaded(
        django_db_blocker, partial(network_demo.load, force=True), accounts_demo.load, partial(demo.load, force=True)
    ) as result:
        yield result


@pytest.fixture
def data(loaded: demo.ProgrammingLoadResult, db: None) -> demo.ProgrammingLoadResult:
    return loaded


def _plan(title: str) -> Plan:
    return Plan.objects.get(title=title)


def _example() -> Call:
    return Call.objects.get(code=EXAMPLE_CODE)


def _normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("–", "-")
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------- plans


@pytest.mark.parametrize(
    ("title", "network", "agency", "period"),
    [
        (ASL_MILANO_PLAN, "Rete territoriale per la conciliazione dell'ASL Milano", "ASL Milano", (2014, 2016)),
        (ASL_MILANO_1_PLAN, "Rete territoriale per la conciliazione dell'ASL Milano 1", "ASL Milano 1", (2014, 2016)),
        (
            ATS_MILANO_PLAN,
            "Rete territoriale per la conciliazione dell'ATS della Città Metropolitana di Milano",
            "ATS della Città Metropolitana di Milano",
            (2017, 2018),
        ),
        (VAL_PADANA_PLAN, VAL_PADANA, "ATS Val Padana", (2017, 2018)),
        (
            CREMONA_FIRST_PLAN,
            "Rete territoriale per la conciliazione della provincia di Cremona",
            "ASL Cremona",
            (2011, 2013),
        ),
        (
            CREMONA_2014_PLAN,
            "Rete territoriale per la conciliazione della provincia di Cremona",
            "ASL Cremona",
            (2014, 2016),
        ),
    ],
)
def test_each_plan_of_the_seeds_has_its_network_agency_period_and_regional_funds(
    data: demo.ProgrammingLoadResult, title: str, network: str, agency: str, period: tuple[int, int]
) -> None:
    plan = _plan(title)
    assert plan.network.name == network
    assert plan.agency is not None and plan.agency.name == agency
    assert (plan.start_year, plan.end_year) == period
    funds = plan.funding_sources.get()
    assert funds.kind == "regional"
    assert funds.funder is not None and funds.funder.name == "Regione Lombardia"
    assert funds.amount_cents > 0
    # no seed gives an amount: it is said to be illustrative
    assert "illustrativ" in funds.notes.lower()


def test_asl_milano_plan_has_the_three_objectives_and_both_plans_link_their_pdf(
    data: demo.ProgrammingLoadResult,
) -> None:
    plan = _plan(ASL_MILANO_PLAN)
    assert "sistema nidi integrato" in plan.objectives
    assert "allargare la rete" in plan.objectives
    assert "lavoratori delle imprese del territorio" in plan.objectives
    assert "DGR 381/2010" in _plan(CREMONA_FIRST_PLAN).funding_sources.get().act
    assert "2058/2014" in plan.funding_sources.get().act
    assert "40 milioni di euro" in _plan(CREMONA_FIRST_PLAN).funding_sources.get().notes
    assert list(Document.objects.filter(plan=plan).values_list("title", flat=True)) == [
        "Piano territoriale conciliazione 2014-2016 Asl Milano (pdf; 492 KB)"
    ]
    assert Document.objects.filter(plan=_plan(ASL_MILANO_1_PLAN), title__contains="Asl Milano 1 (pdf").exists()


# ---------------------------------------------------------------------------------------------- calls


@pytest.mark.parametrize(("code", "opened"), [("aslmi-2014", dt.date(2014, 5, 1)), ("aslmi-2015", dt.date(2015, 1, 1))])
def test_asl_milano_calls_are_archived_with_their_whole_history(
    data: demo.ProgrammingLoadResult, code: str, opened: dt.date
) -> None:
    call = Call.objects.get(code=code)
    assert call.publisher.name == "ASL Milano"
    assert call.plan == _plan(ASL_MILANO_PLAN)
    assert call.budget_line is not None and call.budget_line.plan == call.plan
    assert not call.is_example
    assert call.status == CallStatus.ARCHIVED
    assert timezone.localtime(call.opens_at, demo.ROME).date() == opened
    # the events walk the state machine from draft to archived, in time order, each allowed
    events = list(call.events.order_by("at"))
    assert [e.to_status for e in events] == [
        CallStatus.OPEN,
        CallStatus.CLOSED,
        CallStatus.EVALUATION,
        CallStatus.PROVISIONAL_RANKING,
        CallStatus.FINAL_RANKING,
        CallStatus.ARCHIVED,
    ]
    assert events[0].from_status == CallStatus.DRAFT
    for event in events:
        assert event.to_status in CALL_TRANSITIONS[event.from_status]
        assert event.note
    assert events[0].at == call.opens_at and events[1].at == call.closes_at


# ------------------------------------------------------------------------------------------- projects


@pytest.mark.parametrize(
    ("title", "lead", "call", "plan", "starts", "ends"),
    [
        ("C.I.P. – Conciliazione In Pratica", "Città metropolitana di Milano", "aslmi-2014", ASL_MILANO_PLAN,
         dt.date(2014, 7, 1), dt.date(2017, 1, 31)),
        ("Net & Co", "Comune di Sesto San Giovanni", "aslmi-2015", ASL_MILANO_PLAN,
         dt.date(2015, 9, 1), dt.date(2016, 7, 31)),
        ("La Conciliazione innova la piccola impresa", "Città metropolitana di Milano", None, ASL_MILANO_1_PLAN,
         dt.date(2014, 1, 1), dt.date(2017, 1, 31)),
        ("Complessi Equilibri", "Rete Adda-Martesana per lo sviluppo di azioni di conciliazione", None, None,
         dt.date(2014, 1, 1), dt.date(2016, 12, 31)),
        (GOVERNARE, "A.S.S.E.MI. – Azienda Sociale Sud Est Milano", None, ATS_MILANO_PLAN,
         dt.date(2017, 1, 1), dt.date(2019, 12, 31)),
    ],
)  # fmt: skip
def test_each_project_of_the_seeds_has_its_lead_call_plan_dates_and_alliance(
    data: demo.ProgrammingLoadResult,
    title: str,
    lead: str,
    call: str | None,
    plan: str | None,
    starts: dt.date,
    ends: dt.date,
) -> None:
    project = Project.objects.get(title=title)
    assert project.lead.name == lead
    assert (project.call.code if project.call else None) == call
    assert (project.plan.title if project.plan else None) == plan
    assert (project.starts_on, project.ends_on) == (starts, ends)
    # the alliance is the register's, not a copy, and has the same lead
    assert project.alliance is not None
    assert Alliance.objects.filter(name=project.alliance.name).count() == 1
    assert project.alliance.lead == project.lead
    assert project.partners.get(role=PartnerRole.LEAD).organisation == project.lead
    assert project.actions.exists()


def test_governare_gli_equilibri_follows_complessi_equilibri(data: demo.ProgrammingLoadResult) -> None:
    governare = Project.objects.get(title=GOVERNARE)
    complessi = Project.objects.get(title="Complessi Equilibri")
    assert list(governare.predecessors.all()) == [complessi]
    assert list(complessi.successors.all()) == [governare]
    assert set(governare.partners.values_list("organisation__name", flat=True)) == {
        "A.S.S.E.MI. – Azienda Sociale Sud Est Milano",
        "Distretto Sociale Paullese",
    }
    assert governare.actions.get().kind == "care_startups"


def test_cip_has_the_alliance_partners_40_in_all_and_its_two_strategies(data: demo.ProgrammingLoadResult) -> None:
    cip = Project.objects.get(acronym="C.I.P.")
    names = set(cip.partners.values_list("organisation__name", flat=True))
    assert len(names) == 40
    assert {
        "Città metropolitana di Milano",
        "Comune di Sesto San Giovanni",
        "Comune di Cinisello Balsamo",
        "La Grande Casa",
        "Famiglie e dintorni",
        "Il Torpedone",
    } <= names
    smes = cip.partners.filter(organisation__size_class__in=["micro", "small", "medium"])
    assert smes.count() == 26
    assert set(cip.actions.values_list("kind", flat=True)) == {"family_services", "flexible_work"}
    assert "3 ai 10 anni" in cip.actions.get(kind="family_services").title


def test_net_and_co_is_sesto_with_coop_lombardia_and_xerox_italia(data: demo.ProgrammingLoadResult) -> None:
    netco = Project.objects.get(title="Net & Co")
    assert set(netco.partners.values_list("organisation__name", flat=True)) == {
        "Comune di Sesto San Giovanni",
        "Coop Lombardia",
        "Xerox Italia",
    }
    assert netco.actions.get().kind == "flexible_work"


def test_the_budget_cascade_of_every_plan_is_covered(data: demo.ProgrammingLoadResult) -> None:
    for plan in Plan.objects.all():
        funds = plan.funding_sources.aggregate(t=Sum("amount_cents"))["t"] or 0
        reserved = Call.objects.filter(plan=plan, status__in=BUDGET_RESERVED).aggregate(t=Sum("budget_cents"))["t"] or 0
        granted = Project.objects.filter(plan=plan).aggregate(t=Sum("granted_cents"))["t"] or 0
        assert funds >= reserved + granted, plan
    for call in Call.objects.all():
        granted = call.projects.aggregate(t=Sum("granted_cents"))["t"] or 0
        assert granted <= call.budget_cents, call
        assert call.max_grant_cents is None or all(p.granted_cents <= call.max_grant_cents for p in call.projects.all())


# ----------------------------------------------------------------------------------- the example call


def test_the_example_call_is_open_now_under_a_current_plan_of_the_coordinators_network(
    data: demo.ProgrammingLoadResult,
) -> None:
    call = _example()
    now = clock.now()
    assert call.is_example and call.title.startswith("Esempio – ")
    assert call.status == CallStatus.OPEN
    assert call.opens_at <= now - dt.timedelta(days=6)
    assert call.closes_at >= now + dt.timedelta(days=28)
    assert data.example_closes_at == call.closes_at
    assert "example call open until" in str(data)
    assert call.events.get().to_status == CallStatus.OPEN
    assert call.events.get().by is not None and call.events.get().by.username == "coordinatore.cremona"
    # the plan is current and belongs to the network the demo coordinator coordinates
    plan = call.plan
    assert plan is not None and plan.title.startswith("Esempio – ")
    assert plan.start_year <= clock.today().year <= plan.end_year
    assert call.network.name == VAL_PADANA == plan.network.name
    coordinator = User.objects.get(username="coordinatore.cremona")
    assert coordinator.roles.filter(network=call.network).exists()
    assert call.budget_line is not None and call.budget_line.amount_cents >= call.budget_cents
    assert call.max_grant_cents and call.max_grant_cents < call.budget_cents
    assert call.min_cofinancing_percent == 30


def test_the_example_call_has_a_grid_rules_that_compile_and_an_evaluator(data: demo.ProgrammingLoadResult) -> None:
    call = _example()
    criteria = list(call.criteria.order_by("order"))
    assert 3 <= len(criteria) <= 4
    assert sum(c.max_points for c in criteria) == 100
    compiled = engine_call(call)
    assert compiled is not None
    evaluator = call.evaluators.get()
    assert evaluator.user.username == "valutatore"
    assert evaluator.user.check_password(accounts_demo.DEMO_PASSWORD)
    assert evaluator.conflicts.count() == 1


def test_the_example_call_has_a_submitted_proposal_and_a_draft_for_the_demo_lead(
    data: demo.ProgrammingLoadResult,
) -> None:
    call = _example()
    submitted = call.proposals.get(status=ProposalStatus.SUBMITTED)
    assert submitted.protocol_number == 1 and call.protocol_counter.last == 1
    assert call.opens_at <= submitted.submitted_at <= clock.now()
    draft = call.proposals.get(status=ProposalStatus.DRAFT)
    lead = User.objects.get(username="capofila.valpadana")
    assert lead.roles.filter(organisation=draft.alliance.lead).exists()
    for proposal in (submitted, draft):
        _assert_eligible(proposal, call)


def test_a_later_load_keeps_the_example_call_open_even_when_the_yaml_is_unchanged(
    data: demo.ProgrammingLoadResult,
) -> None:
    # Given the demo is used again four hundred days later, without a change to the YAML
    later = clock.now() + dt.timedelta(days=400)
    result = demo.load(now=later)
    # then the data is skipped but the example call is extended, and its plan covers that year
    assert result.skipped
    assert result.counts["call.extended"] == 2  # the open call closes later, the draft moves
    draft = Call.objects.get(code=DRAFT_CODE)
    assert draft.status == CallStatus.DRAFT and draft.opens_at < later < draft.closes_at - dt.timedelta(days=28)
    call = _example()
    assert call.status == CallStatus.OPEN
    assert call.opens_at < later < call.closes_at - dt.timedelta(days=28)
    assert call.plan is not None and call.plan.end_year >= timezone.localtime(later).year
    assert "extended" in str(result)
    # and a second load that day changes nothing
    again = demo.load(now=later, force=True)
    assert not [key for key, value in again.counts.items() if value and not key.endswith(".unchanged")]


def test_what_a_visitor_did_with_the_example_call_is_not_undone(data: demo.ProgrammingLoadResult) -> None:
    call = _example()
    Call.objects.filter(pk=call.pk).update(status=CallStatus.CLOSED)
    Proposal.objects.filter(call=call, status=ProposalStatus.DRAFT).update(title="Cambiato da un visitatore")
    result = demo.load(force=True, now=clock.now() + dt.timedelta(days=60))
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    assert result.counts["call.example_left_as_is"] == 1
    assert call.proposals.filter(title="Cambiato da un visitatore").exists()
    assert call.proposals.count() == 2


def _assert_eligible(proposal: Proposal, call: Call) -> None:
    """What submission and the call's eligibility rules require of a proposal."""
    # the alliance is in the call's network, as submissions require
    assert proposal.alliance.network == call.network
    assert proposal.partners.get(role=PartnerRole.LEAD).organisation == proposal.alliance.lead
    total = proposal.budget_lines.aggregate(t=Sum("amount_cents"))["t"]
    assert total == proposal.actions.aggregate(t=Sum("budget_cents"))["t"]
    assert 0 < proposal.requested_cents <= (call.max_grant_cents or 0)
    cofinancing = total - proposal.requested_cents
    assert cofinancing * 100 >= call.min_cofinancing_percent * total
    assert cofinancing == proposal.partners.aggregate(t=Sum("cofinancing_cents"))["t"]
    assert proposal.actions.count() >= 2
    for organisation in proposal.partners.values_list("organisation__name", flat=True):
        assert organisation.startswith("Esempio – ")


def test_the_call_under_evaluation_has_three_admissible_proposals_asking_more_than_its_budget(
    data: demo.ProgrammingLoadResult,
) -> None:
    call = Call.objects.get(code=EVALUATION_CODE)
    now = clock.now()
    assert call.is_example and call.status == CallStatus.EVALUATION
    assert call.objections_days == 0  # so that the final ranking may follow the provisional one at once
    assert call.opens_at < call.closes_at < now
    events = list(call.events.order_by("at"))
    assert [(e.from_status, e.to_status) for e in events] == [
        (CallStatus.DRAFT, CallStatus.OPEN),
        (CallStatus.OPEN, CallStatus.CLOSED),
        (CallStatus.CLOSED, CallStatus.EVALUATION),
    ]
    assert events[0].at == call.opens_at and events[1].at == call.closes_at and events[2].at <= now
    proposals = list(call.proposals.order_by("protocol_number"))
    assert [p.protocol_number for p in proposals] == [1, 2, 3] and call.protocol_counter.last == 3
    assert {p.status for p in proposals} == {ProposalStatus.SUBMITTED}
    assert {p.admissibility for p in proposals} == {Admissibility.ADMISSIBLE}
    for proposal in proposals:
        assert call.opens_at <= proposal.submitted_at < call.closes_at
        _assert_eligible(proposal, call)
    # the budget runs out before the ranking does, so the cut-off shows
    assert sum(p.requested_cents for p in proposals) > call.budget_cents
    assert call.evaluators.get().user.username == "valutatore"
    assert call.criteria.count() == 4
    assert engine_call(call) is not None


def test_the_draft_call_can_be_opened_by_the_coordinator(data: demo.ProgrammingLoadResult) -> None:
    call = Call.objects.get(code=DRAFT_CODE)
    now = clock.now()
    assert call.is_example and call.status == CallStatus.DRAFT
    assert not call.events.exists() and not call.proposals.exists()
    assert call.opens_at <= now < call.closes_at - dt.timedelta(days=28)
    assert 3 <= call.criteria.count() <= 4 and not call.rules  # the default rules
    assert engine_call(call) is not None
    # the plan still has room for its budget once the open and evaluated calls reserve theirs
    plan = call.plan
    assert plan is not None and plan == _example().plan
    funds = plan.funding_sources.aggregate(t=Sum("amount_cents"))["t"]
    reserved = Call.objects.filter(plan=plan, status__in=BUDGET_RESERVED).aggregate(t=Sum("budget_cents"))["t"]
    assert funds - reserved >= call.budget_cents
    assert call.budget_line is not None and call.budget_line.code == "B"


# ---------------------------------------------------------------------------------- sources, reloading


def test_every_record_names_its_seed(data: demo.ProgrammingLoadResult) -> None:
    for model, attribute in ((Plan, "source"), (Call, "source"), (Project, "source"), (FundingSource, "notes")):
        rows = list(model.objects.all())
        assert rows
        for row in rows:
            assert SOURCE_LINE.search(getattr(row, attribute)), f"{model.__name__} {row} has no seed source"
    example_alliances = Alliance.objects.filter(name__startswith="Esempio – ")
    assert example_alliances.count() == 3
    for alliance in example_alliances:
        assert SOURCE_LINE.search(alliance.source)
        for partnership in alliance.partnerships.all():
            assert SOURCE_LINE.search(partnership.notes)
    assert not CallEvent.objects.filter(note="").exists()


def test_every_invented_figure_is_said_to_be_so(data: demo.ProgrammingLoadResult) -> None:
    for project in Project.objects.filter(granted_cents__gt=0):
        assert "illustrativ" in project.source.lower(), project
    for call in Call.objects.all():
        assert "illustrativ" in call.source.lower() or "esempio" in call.source.lower(), call
    for plan in Plan.objects.filter(title__startswith="Esempio – "):
        assert "esempio" in plan.source.lower()


def test_every_quote_is_in_its_seed() -> None:
    assert SEEDS_DIR.is_dir(), f"the seed documents are expected in {SEEDS_DIR} (shared/ beside the checkout)"
    document = yaml.safe_load(demo.DATA_FILE.read_text(encoding="utf-8"))
    seeds = {path.name: _normalise(path.read_text(encoding="utf-8")) for path in SEEDS_DIR.glob("*.txt")}
    quotes: list[tuple[str, str]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "seed" in node and "quote" in node:
                quotes.append((node["seed"], node["quote"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert len(quotes) > 20
    missing = [(seed, quote) for seed, quote in quotes if _normalise(quote) not in seeds.get(seed, "")]
    assert not missing


# Words that betray an English text; none of them is an Italian word.
ENGLISH_WORDS = re.compile(r"\b(the|with|and|of|which|from|for|by|not|is|are|stands?)\b", re.IGNORECASE)


def test_every_text_users_read_is_italian(data: demo.ProgrammingLoadResult) -> None:
    texts: list[tuple[str, str]] = []
    fields = {
        Plan: ("title", "description", "objectives", "source"),
        FundingSource: ("act", "notes"),
        BudgetLine: ("name",),
        Document: ("title",),
        Call: ("title", "summary", "source"),
        CallEvent: ("note",),
        EvaluationCriterion: ("label",),
        ConflictOfInterest: ("note",),
        Project: ("title", "summary", "source"),
        ProjectAction: ("title", "description"),
        Proposal: ("title", "summary"),
        ProposalAction: ("title",),
        ProposalBudgetLine: ("description",),
    }
    for model, names in fields.items():
        for row in model.objects.all():
            for name in names:
                text = getattr(row, name)
                # the quotes are the seeds' own words (Italian); only the rest is checked
                lines = [line for line in text.splitlines() if not SOURCE_LINE.match(line)]
                texts += [(f"{model.__name__} {row.pk} {name}", line) for line in lines]
    assert texts
    english = [(where, text) for where, text in texts if ENGLISH_WORDS.search(text)]
    assert not english


def _snapshot() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts |= {
        f"{model.__name__}.history": model.history.count()  # type: ignore[attr-defined]
        for model in MODELS
        if hasattr(model, "history")
    }
    return counts


def test_loading_again_changes_nothing(data: demo.ProgrammingLoadResult) -> None:
    before = _snapshot()
    example = _example()
    stamp = DataLoad.objects.get(key=demo.DATALOAD_KEY).loaded_at
    # unchanged YAML: skipped, and the example call still has weeks to go, so nothing is written
    skipped = demo.load()
    assert skipped.skipped
    assert not skipped.counts
    assert DataLoad.objects.get(key=demo.DATALOAD_KEY).loaded_at == stamp
    # forced: everything is compared, nothing is written
    forced = demo.load(force=True)
    assert not forced.skipped
    assert not [key for key, value in forced.counts.items() if value and not key.endswith(".unchanged")]
    assert _snapshot() == before
    assert _example().closes_at == example.closes_at


def test_first_load_counts(data: demo.ProgrammingLoadResult) -> None:
    counts = data.counts
    assert counts["plan.created"] == 7
    assert counts["call.created"] == 5
    assert counts["project.created"] == 5
    assert counts["proposal.created"] == 5
    assert counts["alliance.created"] == 3


def test_command_reports_the_programming_loader(data: demo.ProgrammingLoadResult) -> None:
    out = StringIO()
    call_command("load_demo", "--only", "programming", stdout=out)
    assert "programming.demo: unchanged, skipped" in out.getvalue()
    out = StringIO()
    call_command("load_demo", "--only", "programming", "--force", stdout=out)
    assert "programming.demo: 0 created, 0 updated" in out.getvalue()
    assert "benefits.demo" not in out.getvalue()  # no example family to take down and load again here


def test_without_the_network_demo_the_loader_says_what_to_load(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo.Network.objects, "exists", lambda: False)
    with pytest.raises(demo.DemoLoadError, match="network demo"):
        demo.load(force=True)
