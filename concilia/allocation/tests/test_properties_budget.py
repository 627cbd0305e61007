"""Property tests for the budget modes and the ranking (hypothesis)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from concilia.allocation.budget import allocate
from concilia.allocation.engine import parse_call, rank, rerun
from concilia.allocation.explain import ranking_data
from concilia.allocation.types import Application

UTC = dt.UTC


@cache
def make_call(mode: str, budget: int, cap: int | None, fit: str, seed: int):
    cap_text = "" if cap is None else f", max_grant_cents: {cap}"
    return parse_call(
        f"""
call: {{id: prop, title: prop}}
fields: {{isee_cents: integer, disability: boolean, children_under_11: integer, municipality: string,
          birth: date, ok: boolean}}
eligibility:
  - {{id: ok, reason: "dichiarazione", rule: {{is_true: {{field: ok}}}}}}
points:
  - {{id: disability, label: d, condition: {{is_true: {{field: disability}}}}, points: 600}}
  - id: residence
    label: r
    one_of:
      alternatives: [{{id: res, when: {{in_list: {{field: municipality, values: ["019036"]}}}}, points: 20000}}]
  - {{id: kids, label: k, per_unit: {{field: children_under_11, points: 22, max_units: 3}}}}
  - id: isee
    label: i
    bands: {{field: isee_cents, ranges: [{{max: 1000000, points: 30}}, {{min: 1000001, max: 2000000, points: 15}}]}}
tie_breakers:
  - {{field: isee_cents, order: asc, missing: last}}
  - {{older_child_first: {{field: birth}}}}
  - earlier_submission
  - {{lottery: {{seed: {seed}}}}}
outcome: {{mode: {mode}, budget_cents: {budget}, fit: {fit}{cap_text}}}
""",
        "prop.yaml",
    )


def application(i: int) -> st.SearchStrategy[Application]:
    fields = st.fixed_dictionaries(
        {"ok": st.booleans() | st.just(True)},
        optional={
            "isee_cents": st.integers(0, 3_000_000),
            "disability": st.booleans(),
            "children_under_11": st.integers(0, 5),
            "municipality": st.sampled_from(["019036", "019001"]),
            "birth": st.dates(dt.date(2023, 1, 1), dt.date(2026, 1, 1)),
        },
    )
    return st.builds(
        Application,
        id=st.just(f"A-{i:03d}"),
        submitted_at=st.datetimes(dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 3), timezones=st.just(UTC)),
        fields=fields,
        requested_cents=st.none() | st.integers(0, 300_000),
    )


applications = st.integers(0, 25).flatmap(lambda n: st.tuples(*(application(i) for i in range(n))))
calls = st.builds(
    make_call,
    mode=st.sampled_from(["ranked_budget", "first_come"]),
    budget=st.sampled_from([0, 1, 99_999, 250_000, 1_000_000]),
    cap=st.sampled_from([1, 50_000, 150_000]),
    fit=st.sampled_from(["stop", "skip", "partial"]),
    seed=st.integers(0, 5),
)


@settings(max_examples=150, deadline=None)
@given(call=calls, apps=applications)
def test_budget_and_caps_are_respected(call, apps) -> None:
    result = rank(call, apps)
    cap = call.outcome.max_grant_cents
    granted = [e.granted_cents or 0 for e in result.entries]
    assert sum(granted) == result.spent_cents <= call.outcome.budget_cents
    for e in result.entries:
        g = e.granted_cents or 0
        assert 0 <= g <= cap
        if e.requested_cents is not None:
            assert g <= e.requested_cents
        assert (g > 0) <= (e.outcome in ("funded", "partially_funded"))
        assert sum(p for _, p in e.breakdown) == e.points
    assert sum(1 for e in result.entries if e.outcome == "partially_funded") <= 1


@settings(max_examples=150, deadline=None)
@given(call=calls, apps=applications, data=st.data())
def test_rerun_keeps_grants_and_respects_the_budget(call, apps, data) -> None:
    first = rank(call, apps)
    previous = {e.id: e.granted_cents for e in first.entries if e.granted_cents}
    ids = sorted(e.id for e in first.entries if e.eligible)
    answers = {i: data.draw(st.sampled_from(["accepted", "refused", "expired", "pending"])) for i in ids}
    again = rerun(call, apps, (), previous, answers)
    assert sum(e.granted_cents or 0 for e in again.entries) == again.spent_cents <= call.outcome.budget_cents
    by = again.by_id()
    for aid, cents in previous.items():
        if answers[aid] in ("refused", "expired"):
            assert by[aid].outcome == answers[aid] and not by[aid].granted_cents
        else:  # kept (or topped up), never reduced
            assert (by[aid].granted_cents or 0) >= cents
    assert rerun(call, apps, (), previous, answers).entries == again.entries


@settings(max_examples=100, deadline=None)
@given(call=calls, apps=applications, data=st.data())
def test_any_input_order_gives_the_same_result(call, apps, data) -> None:
    shuffled = data.draw(st.permutations(apps))
    assert ranking_data(rank(call, apps)) == ranking_data(rank(call, shuffled))
    assert ranking_data(rank(call, apps)) == ranking_data(rank(call, apps))


@settings(max_examples=100, deadline=None)
@given(apps=applications, seed=st.integers(0, 5), data=st.data())
def test_same_seed_same_ranking(apps, seed, data) -> None:
    a = rank(make_call("ranked_budget", 10**6, 10**5, "skip", seed), apps)
    b = rank(make_call("ranked_budget", 10**6, 10**5, "skip", seed), data.draw(st.permutations(apps)))
    assert [(e.id, e.rank) for e in a.entries] == [(e.id, e.rank) for e in b.entries]
    ranks = [e.rank for e in a.entries if e.rank is not None]
    assert ranks == list(range(1, len(ranks) + 1))


@settings(max_examples=200, deadline=None)
@given(
    amounts=st.lists(st.integers(0, 500), max_size=20),
    budget=st.integers(0, 3000),
    fit=st.sampled_from(["stop", "skip", "partial"]),
)
def test_allocate_properties(amounts, budget, fit) -> None:
    order = [(f"a{i}", a) for i, a in enumerate(amounts)]
    g = allocate(order, budget, fit)
    assert sum(g.granted.values()) == g.spent_cents <= budget
    for aid, a in order:
        if aid in g.granted:
            assert g.granted[aid] == a or (aid in g.partial and g.granted[aid] < a)
    funded_positions = [i for i, (aid, _) in enumerate(order) if aid in g.granted]
    if fit != "skip":  # stop and partial fund a prefix of the order
        assert funded_positions == list(range(len(funded_positions)))
    else:  # skip: anything not funded did not fit at its turn, so the rest of the budget is smaller than it
        spent = 0
        for aid, a in order:
            if aid in g.granted:
                spent += a
            else:
                assert a > budget - spent
