"""Ranking, tie-breakers, budget outcomes, first come first served, places and re-runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import textwrap
from pathlib import Path

import pytest

from concilia.allocation import io as aio
from concilia.allocation.engine import load_call, parse_call, rank, rerun
from concilia.allocation.explain import explanation_records, ranking_data
from concilia.allocation.types import Application, Offer

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ROME = dt.timezone(dt.timedelta(hours=1))


def at(day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=ROME)


def call_of(tie_breakers: str, outcome: str) -> object:
    text = textwrap.dedent("""\
        call: {id: voucher, title: "Voucher conciliazione"}
        fields: {isee_cents: integer, single_parent: boolean, child_birth_date: date, declaration: boolean}
        eligibility:
          - {id: declaration, reason: "Dichiarazione mancante", rule: {is_true: {field: declaration}}}
        points:
          - {id: single_parent, label: "Monogenitore", condition: {is_true: {field: single_parent}}, points: 10}
        """)
    return parse_call(text + f"tie_breakers: {tie_breakers}\noutcome: {outcome}\n", "call.yaml")


BUDGET = "{mode: ranked_budget, budget_cents: 300000, max_grant_cents: 100000, fit: stop}"


def app(aid: str, *, day: int = 1, req: int | None = 100000, **fields: object) -> Application:
    fields.setdefault("declaration", True)
    return Application(aid, at(day), fields, requested_cents=req)


def ids(result) -> list[str]:
    return [e.id for e in result.entries if e.rank is not None]


def test_points_then_isee_ascending_with_missing_last() -> None:
    call = call_of("[{field: isee_cents, order: asc, missing: last}]", BUDGET)
    apps = [
        app("A", isee_cents=2000000),
        app("B"),  # no ISEE
        app("C", isee_cents=500000),
        app("D", isee_cents=900000, single_parent=True),
        app("E", declaration=False, single_parent=True),
    ]
    result = rank(call, apps)
    assert ids(result) == ["D", "C", "A", "B"]
    by = result.by_id()
    assert by["D"].points == 10 and by["D"].rank == 1
    assert by["E"].outcome == "excluded" and by["E"].rank is None
    assert [x.rule_id for x in by["E"].exclusions] == ["declaration"]
    assert [by[i].outcome for i in "DCAB"] == ["funded", "funded", "funded", "not_funded"]
    assert result.cutoff is not None and (result.cutoff.application_id, result.cutoff.points, result.cutoff.rank) == (
        "A",
        0,
        3,
    )
    assert result.spent_cents == 300000


def test_isee_descending_and_missing_first() -> None:
    call = call_of("[{field: isee_cents, order: desc, missing: first}]", BUDGET)
    result = rank(call, [app("A", isee_cents=1), app("B"), app("C", isee_cents=5)])
    assert ids(result) == ["B", "C", "A"]


def test_older_child_then_earlier_submission_then_id() -> None:
    call = call_of("[{older_child_first: {field: child_birth_date}}, earlier_submission]", BUDGET)
    apps = [
        app("A", day=3, child_birth_date=dt.date(2025, 1, 1)),
        app("B", day=2, child_birth_date=dt.date(2024, 6, 1)),
        app("C", day=1, child_birth_date=dt.date(2025, 1, 1)),
        app("E", day=1, child_birth_date=dt.date(2025, 1, 1)),
        app("D", day=1),
    ]
    assert ids(rank(call, apps)) == ["B", "C", "E", "A", "D"]


def test_seeded_lottery_is_public_and_reproducible() -> None:
    call = call_of("[{lottery: {seed: sorteggio-2026}}]", BUDGET)
    apps = [app(f"A-{i:02d}") for i in range(12)]
    expected = sorted((a.id for a in apps), key=lambda i: hashlib.sha256(f"sorteggio-2026:{i}".encode()).hexdigest())
    assert ids(rank(call, apps)) == expected
    assert ids(rank(call, list(reversed(apps)))) == expected
    other = call_of("[{lottery: {seed: altro}}]", BUDGET)
    assert ids(rank(other, apps)) != expected


def test_cap_per_application_and_skip() -> None:
    call = call_of("[]", "{mode: ranked_budget, budget_cents: 250000, max_grant_cents: 100000, fit: skip}")
    apps = [app("A", req=300000), app("B", req=100000), app("C", req=80000), app("D", req=40000)]
    by = rank(call, apps).by_id()
    # A capped to 1,000 €, B 1,000 €, C 800 € does not fit the 500 € left, D 400 € does.
    assert [by[i].granted_cents for i in "ABCD"] == [100000, 100000, 0, 40000]
    assert [by[i].outcome for i in "ABCD"] == ["funded", "funded", "not_funded", "funded"]


def test_partial_outcome() -> None:
    call = call_of("[]", "{mode: ranked_budget, budget_cents: 250000, max_grant_cents: 100000, fit: partial}")
    by = rank(call, [app("A"), app("B"), app("C"), app("D")]).by_id()
    assert [by[i].granted_cents for i in "ABCD"] == [100000, 100000, 50000, 0]
    assert by["C"].outcome == "partially_funded"


def test_first_come_first_served_ignores_points() -> None:
    call = call_of("[]", "{mode: first_come, budget_cents: 200000, max_grant_cents: 100000}")
    apps = [
        Application("late-single-parent", at(5), {"declaration": True, "single_parent": True}, requested_cents=100000),
        Application("first", at(1, 8), {"declaration": True}, requested_cents=100000),
        Application("second", at(1, 8, 1), {"declaration": True}, requested_cents=100000),
        Application("excluded", at(1, 7), {"declaration": False}, requested_cents=100000),
    ]
    result = rank(call, apps)
    assert ids(result) == ["first", "second", "late-single-parent"]
    by = result.by_id()
    assert by["late-single-parent"].outcome == "not_funded" and by["late-single-parent"].points == 10
    assert by["excluded"].outcome == "excluded"


def test_budget_rerun_refusals_free_the_money() -> None:
    call = call_of("[]", BUDGET)
    apps = [app(i) for i in "ABCDE"]
    first = rank(call, apps)
    assert [e.outcome for e in first.entries] == ["funded"] * 3 + ["not_funded"] * 2
    again = rerun(call, apps, (), {}, {"B": "refused", "A": "accepted"})
    assert [e.outcome for e in again.entries] == ["funded", "refused", "funded", "funded", "not_funded"]


def test_budget_rerun_keeps_what_was_granted_even_when_skipping() -> None:
    # Skip mode, 10,000 €: A (5,000) funded, B (6,000) skipped, C (5,000) funded. A refuses.
    # Re-deriving from scratch would fund B and then no longer have room for C, taking C's grant
    # away; the re-run keeps C's grant and offers the 5,000 € freed by A down the order (B asks
    # 6,000: skipped again, D's 4,000 fits).
    apps = [app("A", day=1, req=500000), app("B", day=2, req=600000), app("C", day=3, req=500000)]
    apps.append(app("D", day=4, req=400000))
    call = call_of("[earlier_submission]", "{mode: ranked_budget, budget_cents: 1000000, fit: skip}")
    first = rank(call, apps)
    assert {e.id: e.granted_cents for e in first.entries} == {"A": 500000, "B": 0, "C": 500000, "D": 0}
    previous = {e.id: e.granted_cents for e in first.entries if e.granted_cents}
    again = rerun(call, apps, (), previous, {"A": "refused", "C": "accepted"})
    by = again.by_id()
    assert (by["A"].outcome, by["B"].outcome, by["C"].outcome, by["D"].outcome) == (
        "refused",
        "not_funded",
        "funded",
        "funded",
    )
    assert (by["C"].granted_cents, by["D"].granted_cents) == (500000, 400000)
    assert again.spent_cents == 900000 and again.cutoff is not None and again.cutoff.application_id == "D"
    # Without the previous grants the money is simply distributed again: B, then D; C loses out.
    fresh = rerun(call, apps, (), {}, {"A": "refused"}).by_id()
    assert [fresh[x].granted_cents for x in "BCD"] == [600000, 0, 400000]


def test_budget_rerun_tops_up_a_partial_grant() -> None:
    call = call_of("[earlier_submission]", "{mode: ranked_budget, budget_cents: 250000, fit: partial}")
    apps = [app("A", day=1), app("B", day=2), app("C", day=3)]
    first = rank(call, apps)
    assert [e.granted_cents for e in first.entries] == [100000, 100000, 50000]
    previous = {e.id: e.granted_cents for e in first.entries}
    again = rerun(call, apps, (), previous, {"A": "refused"}).by_id()
    assert (again["B"].granted_cents, again["C"].granted_cents) == (100000, 100000)
    assert again["C"].outcome == "funded"
    with pytest.raises(ValueError, match="exceed"):
        rerun(call, apps, (), {"A": 200000, "B": 100000}, {})


def test_duplicate_ids_are_rejected() -> None:
    call = call_of("[]", BUDGET)
    with pytest.raises(ValueError, match="duplicate"):
        rank(call, [app("A"), app("A")])


def test_voucher_example_hand_checked() -> None:
    call = load_call(EXAMPLES / "voucher-call.yaml")
    apps = aio.read_applications(EXAMPLES / "voucher-applications.csv", call)
    result = rank(call, apps)
    rows = [(e.id, e.rank, e.points, e.outcome, e.granted_cents) for e in result.entries]
    assert rows == [
        # ISEE 8,000 € → 30, one child → 5, single parent → 10; asks 2,000 €, capped at 1,500 €.
        ("V-002", 1, 45, "funded", 150000),
        # 30 + 2×5; tie with V-007 broken by ISEE ascending (12,000 € < 13,000 €).
        ("V-001", 2, 40, "funded", 150000),
        ("V-007", 3, 40, "funded", 150000),
        # 15 + 3×5; only 500 € left of 5,000 €: partially funded.
        ("V-003", 4, 30, "partially_funded", 50000),
        # Excluded applications are not ranked, but their points are computed and explained:
        # ISEE 35,000 € is in no band → 0, one child → 5.
        ("V-004", None, 5, "excluded", None),
        ("V-005", None, 0, "excluded", None),  # no ISEE: cannot be at most the threshold; no children
        ("V-006", None, 40, "excluded", None),  # 30 + 2×5, but resident outside the ATS
        ("V-008", None, 20, "excluded", None),  # 15 + 5, no declaration
    ]
    header, *records = explanation_records(call, result, apps)
    assert header["budget"] == ranking_data(result)["budget"] and header["title"] == call.title
    explanation = {r["id"]: r for r in records}
    assert list(explanation) == [e.id for e in result.entries]
    v2 = explanation["V-002"]
    assert [b["points"] for b in v2["breakdown"]] == [30, 5, 10]
    assert sum(b["points"] for b in v2["breakdown"]) == v2["points"]
    assert v2["lottery_key"] == hashlib.sha256(b"voucher-2026:V-002").hexdigest()
    v6 = explanation["V-006"]
    assert v6["excluded_by"] == [{"rule": "residence", "reason": "Residenza fuori dal territorio dell'ATS Val Padana"}]
    assert [b["points"] for b in v6["breakdown"]] == [30, 10, 0] and v6["rank"] is None
    assert ranking_data(result)["budget"]["cutoff"] == {"application_id": "V-003", "points": 30, "rank": 4}


def test_nursery_example_places() -> None:
    call = load_call(EXAMPLES / "nursery-call.yaml")
    apps = aio.read_applications(EXAMPLES / "nursery-applications.csv", call)
    offers = aio.read_offers(EXAMPLES / "nursery-offers.csv", call)
    result = rank(call, apps, offers)
    by = result.by_id()
    # N-001: resident 20000 + 1 child 22 + ISEE 9,000 € 300 = 20322.
    assert by["N-001"].points == 20322
    assert dict(by["N-001"].breakdown) == {
        "disability": 0,
        "residence": 20000,
        "family.siblings": 22,
        "family.waiting_years": 0,
        "isee": 300,
    }
    # N-002: disability 600 + works in town 10000 + 2×22 + 1×18 + ISEE 15,000 € 200 = 10862.
    assert by["N-002"].points == 10862
    assert by["N-006"].outcome == "excluded" and by["N-006"].exclusions[0].rule_id == "age"
    assert by["N-007"].exclusions[0].rule_id == "district"
    for e in result.entries:
        assert sum(p for _, p in e.breakdown) == e.points
    # Twins are placed together.
    assert by["N-004"].offer == by["N-005"].offer == "NIDO-BIRILLO-FT"
    placed = [e for e in result.entries if e.outcome == "placed"]
    for oid, o in result.offers.items():
        assert sum(1 for e in placed if e.offer == oid) == o.placed <= o.capacity
    aquilone = result.offers["NIDO-AQUILONE-FT"]
    assert aquilone.placed == 2 and aquilone.cutoff is not None
    assert by["N-002"].outcome == "waiting" and "N-002" in aquilone.waiting


def test_nursery_rerun_fills_freed_place() -> None:
    call = load_call(EXAMPLES / "nursery-call.yaml")
    apps = aio.read_applications(EXAMPLES / "nursery-applications.csv", call)
    offers = aio.read_offers(EXAMPLES / "nursery-offers.csv", call)
    first = rank(call, apps, offers)
    previous = {e.id: e.offer for e in first.entries if e.offer}
    answers = dict.fromkeys(previous, "accepted")
    refuser = next(i for i, o in previous.items() if o == "NIDO-AQUILONE-FT")
    answers[refuser] = "refused"
    again = rerun(call, apps, offers, previous, answers)  # type: ignore[arg-type]
    by = again.by_id()
    assert by[refuser].outcome == "refused" and by[refuser].offer is None
    for i, o in previous.items():
        if i != refuser:
            assert by[i].offer == o
    assert by["N-002"].offer == "NIDO-AQUILONE-FT"


def test_offer_priority_beats_rank_and_age_filter() -> None:
    call = load_call(EXAMPLES / "nursery-call.yaml")
    offers = [
        Offer("BIRILLO", 1, 0, 36, {"municipality": "019001"}),
        Offer("BABIES", 5, 0, 6, {"municipality": "019036"}),
    ]
    base = {"declaration": True, "child_birth_date": dt.date(2025, 1, 1), "children_under_11": 1}
    apps = [
        # Resident in Cremona (20000 points) but the nursery is in 019001.
        Application("CREMONA", at(1), {**base, "municipality": "019036"}, ("BABIES", "BIRILLO")),
        # Fewer points (works in town 10000), resident where the nursery is: priority class 0 there.
        Application("LOCAL", at(2), {**base, "municipality": "019001", "parent_works_in_town": True}, ("BIRILLO",)),
    ]
    result = rank(call, apps, offers)
    by = result.by_id()
    assert by["CREMONA"].rank == 1 and by["LOCAL"].rank == 2
    assert by["LOCAL"].offer == "BIRILLO"
    assert by["CREMONA"].outcome == "waiting"  # too old for BABIES (20 months > 6), outranked locally at BIRILLO


def test_places_properties_random() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    call = load_call(EXAMPLES / "nursery-call.yaml")
    offer_ids = ["NIDO-AQUILONE-FT", "NIDO-AQUILONE-PT", "NIDO-BIRILLO-FT"]
    offers = aio.read_offers(EXAMPLES / "nursery-offers.csv", call)

    def application(i: int) -> st.SearchStrategy[Application]:
        return st.builds(
            lambda prefs, group, mun, birth, isee, kids: Application(
                f"N-{i:03d}",
                at(1 + i % 20),
                {
                    "declaration": True,
                    "municipality": mun,
                    "child_birth_date": birth,
                    "isee_cents": isee,
                    "children_under_11": kids,
                },
                tuple(prefs),
                group,
            ),
            st.lists(st.sampled_from(offer_ids), max_size=3, unique=True),
            st.none() | st.sampled_from(["G1", "G2"]),
            st.sampled_from(["019036", "019001"]),
            st.dates(dt.date(2023, 10, 1), dt.date(2026, 5, 1)),
            st.none() | st.integers(0, 3_000_000),
            st.integers(0, 3),
        )

    apps_st = st.integers(0, 15).flatmap(lambda n: st.tuples(*(application(i) for i in range(n))))

    @settings(max_examples=60, deadline=None)
    @given(apps=apps_st, data=st.data())
    def check(apps, data) -> None:
        result = rank(call, apps, offers)
        again = rank(call, data.draw(st.permutations(apps)), offers)
        assert ranking_data(result) == ranking_data(again)
        by = result.by_id()
        for oid, o in result.offers.items():
            assert o.placed == sum(1 for e in result.entries if e.offer == oid) <= o.capacity
        for e in result.entries:
            assert sum(e.scores) == e.points
        groups: dict[str, set[str | None]] = {}
        for a in apps:
            if a.group and by[a.id].eligible:
                groups.setdefault(a.group, set()).add(by[a.id].offer)
        for offers_of_group in groups.values():
            assert len(offers_of_group) == 1  # siblings together, or none placed

    check()
